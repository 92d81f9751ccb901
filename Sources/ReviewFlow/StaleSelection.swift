public import KnowledgeBase
public import ReviewStore

/// The stale (note, gate) pairs of a knowledge base under one partition.
public enum StaleSelection {
    /// The stale pairs, and the note files left out because they cannot be read.
    public struct Result: Sendable {
        public var pairs: [StalePair]
        public var skipped: [SkippedNote]
    }

    /// Expands `gateArguments` per note (gates that do not apply to a note are skipped),
    /// reads current provenance in one batch (in-process, see ``KnowledgeBase/provenance(notes:gates:)``), and asks the store's stale selector.
    /// `notePaths` nil means every note of the KB. A note that cannot be read is skipped and
    /// listed, never an error: one bad file does not stop the selection of the others.
    public static func select(
        kb: KnowledgeBase, store: ReviewStore, modelId: String, gateArguments: [String], notePaths: [String]?, currentOnly: Bool
    ) throws -> Result {
        let listing = try kb.readNotes(notePaths)
        let notes = listing.notes
        var gates: [Gate] = []
        var seen: Set<String> = []
        for id in try gateArguments.flatMap(kb.gateIds) where seen.insert(id).inserted { gates.append(try kb.gate(id)) }
        let (provenance, gateShas) = try kb.provenance(notes: notes.map(\.path), gates: gates)
        var candidates: [StaleCandidate] = []
        for (note, noteProvenance) in zip(notes, provenance) {
            for gate in gates where gate.applies(to: note) {
                candidates.append(
                    StaleCandidate(notePath: note.path, noteSha: noteProvenance.sha, gateId: gate.id, gateSha: gateShas[gate.id] ?? ""))
            }
        }
        let pairs = try store.stale(modelId: modelId, candidates: candidates, currentOnly: currentOnly)
        return Result(pairs: pairs, skipped: listing.skipped)
    }
}
