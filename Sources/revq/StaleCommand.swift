import ArgumentParser
import KnowledgeBase
import ReviewFlow
import ReviewFormat
import ReviewStore

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
            struct Skipped: Encodable { var note, reason: String }
            struct Report: Encodable {
                var pairs: [StalePairOutput]
                var skipped: [Skipped]
            }
            let diffs = try noteDiffs(pairs, kb: kb, store: store)
            return try Output.json(
                Report(
                    pairs: pairs.map {
                        StalePairOutput(
                            note: $0.candidate.notePath, gate: $0.candidate.gateId, reason: $0.reason.rawValue,
                            noteSha: $0.candidate.noteSha, gateSha: $0.candidate.gateSha,
                            diff: diffs[PairKey($0.candidate.notePath, $0.candidate.gateId)])
                    },
                    skipped: selection.skipped.map { Skipped(note: $0.note, reason: $0.reason) }))
        }
        Output.table(
            ["NOTE", "GATE", "REASON"], pairs.map { [$0.candidate.notePath, $0.candidate.gateId, $0.reason.rawValue] }, maxWidth: 100)
        print("\(pairs.count) stale pair(s) under \(ModelPartition.requested(model))")
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
}

/// One pair of `stale --json`; `diff` is null unless the pair is `note-changed` and its
/// accepted commit is known.
struct StalePairOutput: Encodable {
    var note, gate, reason, noteSha, gateSha: String
    var diff: String?

    enum CodingKeys: String, CodingKey { case note, gate, reason, noteSha, gateSha, diff }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(note, forKey: .note)
        try container.encode(gate, forKey: .gate)
        try container.encode(reason, forKey: .reason)
        try container.encode(noteSha, forKey: .noteSha)
        try container.encode(gateSha, forKey: .gateSha)
        try container.encode(diff, forKey: .diff)
    }
}
