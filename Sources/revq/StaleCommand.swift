import ArgumentParser
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
        let pairs = try StaleSelection.select(
            kb: global.knowledgeBase(settings), store: global.store(settings), modelId: ModelPartition.requested(model),
            gateArguments: gates, notePaths: notes.isEmpty ? nil : notes, currentOnly: current)
        if json {
            struct Pair: Encodable { var note, gate, reason, noteSha, gateSha: String }
            return try Output.json(
                pairs.map {
                    Pair(
                        note: $0.candidate.notePath, gate: $0.candidate.gateId, reason: $0.reason.rawValue,
                        noteSha: $0.candidate.noteSha, gateSha: $0.candidate.gateSha)
                })
        }
        Output.table(
            ["NOTE", "GATE", "REASON"], pairs.map { [$0.candidate.notePath, $0.candidate.gateId, $0.reason.rawValue] }, maxWidth: 100)
        print("\(pairs.count) stale pair(s) under \(ModelPartition.requested(model))")
    }
}
