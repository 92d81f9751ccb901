public import KnowledgeBase
public import ReviewStore

/// The stale (note, gate) pairs of a knowledge base under one partition.
public enum StaleSelection {
    /// Expands `gateArguments` per note (gates that do not apply to a note are skipped),
    /// reads the notes' provenance and the gates' blob shas as they are on disk (a dirty or
    /// uncommitted gate that changed since its acceptance is `gate-changed`), and asks the
    /// store's stale selector. `notePaths` nil means every note of the KB; `currentOnly`
    /// keeps the notes whose frontmatter says `status: current`, reviewed or not. Without a
    /// store every pair is `missing-review`.
    public static func select(
        kb: KnowledgeBase, store: ReviewStore?, modelId: String, gateArguments: [String], notePaths: [String]?, currentOnly: Bool
    ) throws -> [StalePair] {
        let notes = try (notePaths ?? kb.notePaths()).map(kb.note).filter { !currentOnly || isCurrent($0) }
        var gates: [Gate] = []
        var seen: Set<String> = []
        for id in try gateArguments.flatMap(kb.gateIds) where seen.insert(id).inserted { gates.append(try kb.gate(id)) }
        let provenance = try kb.noteProvenance(notes.map(\.path))
        let gateShas = try kb.diskBlobShas(gates.map(\.path))
        var candidates: [StaleCandidate] = []
        for note in notes {
            guard let current = provenance[note.path] else { continue }
            for gate in gates where gate.applies(to: note) {
                candidates.append(
                    StaleCandidate(
                        notePath: note.path, noteSha: current.sha, noteCommit: current.commit, gateId: gate.id,
                        gateSha: gateShas[gate.path] ?? ""))
            }
        }
        guard let store else { return candidates.map { StalePair(candidate: $0, reason: .missingReview) } }
        return try store.stale(modelId: modelId, candidates: candidates)
    }

    /// A current note: its frontmatter says `status: current`.
    public static func isCurrent(_ note: Note) -> Bool {
        note.frontmatter.fields["status"] == "current"
    }
}
