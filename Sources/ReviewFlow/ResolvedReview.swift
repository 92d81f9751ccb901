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
        (note, gates) = try Self.request(kb: kb, notePath: notePath, gateArguments: gateArguments)
        let provenance = try kb.provenance(notes: [note.path], gates: gates)
        guard let noteProvenance = provenance.notes.first else {
            throw KnowledgeBaseError("no provenance for note: \(note.path)")
        }
        self.gateShas = provenance.gateShas
        self.noteProvenance = noteProvenance
        links = kb.links(of: note)
    }

    /// Refuses, with the same messages, what ``init(kb:notePath:gateArguments:)`` refuses, but
    /// without the note's provenance (no walk of the history for its last commit): what enqueue
    /// checks before it writes a review job.
    public static func check(kb: KnowledgeBase, notePath: String, gateArguments: [String]) throws {
        _ = try kb.gateShas(try request(kb: kb, notePath: notePath, gateArguments: gateArguments).gates)
    }

    /// The note and its requested gate set, the note free of reserved sentinel lines.
    private static func request(kb: KnowledgeBase, notePath: String, gateArguments: [String]) throws -> (note: Note, gates: [Gate]) {
        let note = try kb.note(notePath)
        try ReviewPrompt.refuseReservedSentinels(path: note.path, text: note.text)
        return (note, try kb.requestedGates(for: note, arguments: gateArguments))
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
