import ArgumentParser
import JSONText
import KnowledgeBase
import ReviewFlow
import ReviewFormat
import ReviewStore
import Spool

/// `revq stale`: the (note, gate) pairs that need a review under a partition.
struct StaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stale",
        abstract: "List (note, gate) pairs needing review: missing-review, gate-changed, note-changed.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "The model partition.") var model: String
    @Argument(help: "Gate ids or lens names.") var gates: [String]
    @Option(name: .customLong("note"), help: "Only these notes (repeatable; default: every note).") var notes: [String] = []
    @Flag(help: "Only notes whose frontmatter says status: current, reviewed or not.") var current = false
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if gates.isEmpty { throw ValidationError("name at least one gate or bundle") }
        if ModelPartition.requested(model).isEmpty { throw ValidationError("--model must not be empty") }
    }

    func run() throws {
        let settings = try global.settings()
        let store = try global.existingStore(settings)
        let plainKB = global.knowledgeBase(settings)
        let kb = store.map(plainKB.sharingLastCommits(with:)) ?? plainKB
        let selection = try StaleSelection.select(
            kb: kb, store: store, modelId: ModelPartition.requested(model),
            gateArguments: gates, notePaths: notes.isEmpty ? nil : notes, currentOnly: current)
        Output.warnSkipped(selection.skipped)
        let pairs = selection.pairs
        if json {
            let diffs = try noteDiffs(pairs, kb: kb, store: store)
            let report = JSONValue.object([
                ("pairs", .array(pairs.map { Self.json($0, diff: diffs[PairKey($0.candidate.notePath, $0.candidate.gateId)]) })),
                ("skipped", .array(selection.skipped.map { .object([("note", .string($0.note)), ("reason", .string($0.reason))]) })),
            ])
            return Output.json(report)
        }
        Output.table(
            ["NOTE", "GATE", "REASON"], pairs.map { [$0.candidate.notePath, $0.candidate.gateId, $0.reason.rawValue] }, maxWidth: 100)
        print("\(pairs.count) stale pair(s) under \(Output.visible(ModelPartition.requested(model)))")
    }

    /// For `note-changed` pairs whose acceptance names a commit: the unified diff of the note
    /// from that commit to the work tree (made in-process, once per distinct accepted commit).
    func noteDiffs(_ pairs: [StalePair], kb: KnowledgeBase, store: ReviewStore?) throws -> [PairKey: String] {
        let changed = pairs.filter { $0.reason == .noteChanged }.map(\.candidate)
        guard let store, !changed.isEmpty else { return [:] }
        let acceptances = try store.currentAcceptances(modelId: ModelPartition.requested(model))
        // Notes by byte keys: a note's NFC or NFD twin is another note with a diff of its own.
        var notesByCommit: [String: Set<PathKey>] = [:]
        for pair in changed {
            guard let commit = acceptances[PairKey(pair.notePath, pair.gateId)]?.acceptedNoteCommit else { continue }
            notesByCommit[commit, default: []].insert(PathKey(pair.notePath))
        }
        var diffs: [PairKey: String] = [:]
        for (commit, notes) in notesByCommit {
            // A commit the repository no longer has gives no diff rather than no answer.
            let byNote = (try? kb.diffs(since: commit, paths: notes.map(\.path))) ?? [:]
            for pair in changed where acceptances[PairKey(pair.notePath, pair.gateId)]?.acceptedNoteCommit == commit {
                diffs[PairKey(pair.notePath, pair.gateId)] = byNote[PathKey(pair.notePath)]
            }
        }
        return diffs
    }

    /// One pair of `stale --json`; `diff` is null unless the pair is `note-changed` and its
    /// accepted commit is known.
    static func json(_ pair: StalePair, diff: String?) -> JSONValue {
        let candidate = pair.candidate
        return .object([
            ("note", .string(candidate.notePath)), ("gate", .string(candidate.gateId)), ("reason", .string(pair.reason.rawValue)),
            ("note_sha", .string(candidate.noteSha)), ("gate_sha", .string(candidate.gateSha)),
            ("diff", .string(orNull: diff)),
        ])
    }
}
