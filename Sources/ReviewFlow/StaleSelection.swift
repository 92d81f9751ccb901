public import KnowledgeBase
import ReviewFormat
public import ReviewStore

/// The stale (note, gate) pairs of a knowledge base under one partition.
public enum StaleSelection {
    /// The stale pairs, and the note files left out because they cannot be read.
    public struct Result: Sendable {
        public var pairs: [StalePair]
        public var skipped: [SkippedNote]
    }

    /// Expands `gateArguments` per note (gates that do not apply to a note are skipped),
    /// reads the notes' provenance and the gates' blob shas as they are on disk (a dirty or
    /// uncommitted gate that changed since its acceptance is `gate-changed`), all in-process,
    /// and asks the store's stale selector. `notePaths` nil means every note of the KB;
    /// `currentOnly` keeps the notes whose frontmatter says `status: current`, reviewed or not.
    /// A note that cannot be read is skipped and listed, never an error: one bad file does not
    /// stop the selection of the others. Without a store every pair is `missing-review`.
    public static func select(
        kb: KnowledgeBase, store: ReviewStore?, modelId: String, gateArguments: [String], notePaths: [String]?, currentOnly: Bool
    ) throws -> Result {
        let listing = try kb.readNotes(notePaths)
        let notes = listing.notes.filter { !currentOnly || isCurrent($0) }
        var gates: [Gate] = []
        var seen: Set<String> = []
        for id in try gateArguments.flatMap(kb.gateIds) where seen.insert(id).inserted { gates.append(try kb.gate(id)) }
        let provenance = try kb.noteProvenance(notes.map(\.path))
        let gateShas = try kb.diskBlobShas(gates.map(\.path))
        var candidates: [StaleCandidate] = []
        for (note, current) in zip(notes, provenance) {
            for gate in gates where gate.applies(to: note) {
                candidates.append(
                    StaleCandidate(
                        notePath: note.path, noteSha: current.sha, noteCommit: current.commit, gateId: gate.id,
                        gateSha: gateShas[PathKey(gate.path)] ?? ""))
            }
        }
        guard let store else {
            return Result(pairs: candidates.map { StalePair(candidate: $0, reason: .missingReview) }, skipped: listing.skipped)
        }
        return Result(pairs: try store.stale(modelId: modelId, candidates: candidates), skipped: listing.skipped)
    }

    /// A current note: its frontmatter says `status: current`.
    public static func isCurrent(_ note: Note) -> Bool {
        note.frontmatter.fields["status"] == "current"
    }
}
