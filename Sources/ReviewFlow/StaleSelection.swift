public import KnowledgeBase
public import ReviewStore

/// The stale (note, gate) pairs of a knowledge base under one partition.
public enum StaleSelection {
    /// Expands `gateArguments` per note (gates that do not apply to a note are skipped),
    /// reads current provenance in batched git calls, and asks the store's stale selector.
    /// `notePaths` nil means every note of the KB.
    public static func select(
        kb: KnowledgeBase, store: ReviewStore, modelId: String, gateArguments: [String], notePaths: [String]?, currentOnly: Bool
    ) throws -> [StalePair] {
        let notes = try (notePaths ?? kb.notePaths()).map(kb.note)
        var gates: [Gate] = []
        var seen: Set<String> = []
        for id in try gateArguments.flatMap(kb.gateIds) where seen.insert(id).inserted { gates.append(try kb.gate(id)) }
        let (provenance, gateShas) = try kb.provenance(notes: notes.map(\.path), gates: gates)
        var candidates: [StaleCandidate] = []
        for note in notes {
            guard let noteSha = provenance[note.path]?.sha else { continue }
            for gate in gates where gate.applies(to: note) {
                candidates.append(StaleCandidate(notePath: note.path, noteSha: noteSha, gateId: gate.id, gateSha: gateShas[gate.id] ?? ""))
            }
        }
        return try store.stale(modelId: modelId, candidates: candidates, currentOnly: currentOnly)
    }
}
