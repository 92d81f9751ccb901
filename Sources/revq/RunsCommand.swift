import ArgumentParser
import ReviewFormat
import ReviewStore

/// `revq runs …`: reading the review store.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "Inspect review runs.", subcommands: [List.self, Show.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "List runs, newest first.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only runs of this note.") var note: String?
        @Option(
            help: "Only runs in this status (running, completed, failed).",
            transform: { raw in
                guard let status = RunStatus(rawValue: raw) else { throw ValidationError("unknown run status: \(raw)") }
                return status
            })
        var status: RunStatus?
        @Option(help: "At most this many runs.") var limit = 100
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let runs = try global.store(global.settings()).runs(note: note, status: status, limit: limit)
            if json { return try Output.json(runs.map(RunSummary.init)) }
            Output.table(
                ["ID", "STATUS", "NOTE", "MODEL", "RUNNER", "STARTED", "GATES", "REASON"],
                runs.map { run in
                    [
                        String(run.id), run.status.rawValue, run.notePath, run.modelId, run.runner, run.startedAt,
                        String(run.gates.count), run.failureReason ?? "",
                    ]
                })
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show one run with its gate reviews and acceptances.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The run id.") var id: Int64
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let store = try global.store(global.settings())
            let run = try store.run(id)
            let reviews = try store.gateReviews(run: id)
            let acceptances = try store.acceptances(run: id)
            if json {
                struct Detail: Encodable {
                    var run: RunRecord
                    var gateReviews: [GateReviewRecord]
                    var acceptances: [AcceptanceRecord]
                }
                return try Output.json(Detail(run: run, gateReviews: reviews, acceptances: acceptances))
            }
            print("run \(run.id): \(run.status.rawValue)")
            print("note:      \(run.notePath) (sha \(run.reviewedNoteSha), commit \(run.reviewedNoteCommit ?? "none: uncommitted"))")
            print("model:     \(run.modelId)")
            print("runner:    \(run.runner)")
            print("started:   \(run.startedAt)")
            print("completed: \(run.completedAt ?? "-")")
            if let reason = run.failureReason { print("reason:    \(reason)") }
            print("telemetry: \(run.telemetryJSON == nil ? "none" : "\(run.telemetryJSON!.utf8.count) bytes")")
            print("")
            let decisions = Dictionary(reviews.map { ($0.gateId, $0.decision.rawValue) }, uniquingKeysWith: { first, _ in first })
            let accepted = Set(acceptances.map(\.gateId))
            Output.table(
                ["ORDINAL", "GATE", "GATE SHA", "DECISION", "ACCEPTED"],
                run.gates.map { gate in
                    [
                        String(gate.ordinal), gate.gateId, String(gate.gateSha.prefix(12)), decisions[gate.gateId] ?? "-",
                        accepted.contains(gate.gateId) ? "yes" : "no",
                    ]
                })
        }
    }
}

/// A run without its large text columns, for listings.
struct RunSummary: Encodable {
    var id: Int64
    var notePath, modelId, runner, status, startedAt: String
    var completedAt, failureReason: String?
    var gateIds: [String]

    init(_ run: RunRecord) {
        id = run.id
        notePath = run.notePath
        modelId = run.modelId
        runner = run.runner
        status = run.status.rawValue
        startedAt = run.startedAt
        completedAt = run.completedAt
        failureReason = run.failureReason
        gateIds = run.gates.map(\.gateId)
    }
}
