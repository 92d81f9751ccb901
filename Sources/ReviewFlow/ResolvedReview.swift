public import KnowledgeBase
public import ReviewFormat
public import ReviewStore

/// A review request checked against the knowledge base: the note, its requested gate
/// set and the provenance of both. Every path that starts a run (split agent path, review
/// job) resolves through here, so all of them record the same rows.
public struct ResolvedReview: Sendable {
    public let note: Note
    /// The requested gate set, in ordinal order.
    public let gates: [Gate]
    public let gateShas: [String: String]
    public let noteProvenance: NoteProvenance
    public let links: [NoteLink]

    /// Resolves `gateArguments` (gate ids or lens bundles) for the note at `notePath`;
    /// refuses dirty or uncommitted gates, and a note holding a reserved sentinel line (a runner
    /// echoing it could forge another gate's verdict). One provenance batch for the note and its gates.
    public init(kb: KnowledgeBase, notePath: String, gateArguments: [String]) throws {
        note = try kb.note(notePath)
        try ReviewPrompt.refuseReservedSentinels(path: note.path, text: note.text)
        gates = try kb.requestedGates(for: note, arguments: gateArguments)
        let provenance = try kb.provenance(notes: [note.path], gates: gates)
        guard let noteProvenance = provenance.notes.first else {
            throw KnowledgeBaseError("no provenance for note: \(note.path)")
        }
        self.gateShas = provenance.gateShas
        self.noteProvenance = noteProvenance
        links = kb.links(of: note)
    }

    /// The run to create for this review under the requested partition `model`.
    public func newRun(model: String, runner: String) -> NewRun {
        NewRun(
            notePath: note.path, modelId: ModelPartition.requested(model), runner: runner,
            noteSha: noteProvenance.sha, noteCommit: noteProvenance.commit,
            gates: gates.map { ($0.id, gateShas[$0.id] ?? "") })
    }

    /// The runner prompt for this review (`runId` nil for a dry run).
    public func prompt(runId: Int64?) -> String {
        ReviewPrompt.review(runId: runId, notePath: note.path, gates: gateTexts, links: links)
    }

    public var gateTexts: [GateText] { gates.map { GateText(id: $0.id, text: $0.text) } }
}
