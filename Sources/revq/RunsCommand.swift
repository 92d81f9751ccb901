import ArgumentParser
import JSONText
import ReviewFormat
import ReviewStore
import Spool

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
            let runs = try global.readStore(global.settings()).runs(note: note, status: status, limit: limit)
            if json { return Output.json(.object([("runs", .array(runs.map { $0.json(detail: false) }))])) }
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
            let store = try global.readStore(global.settings())
            let run = try store.run(id)
            let reviews = try store.gateReviews(run: id)
            let acceptances = try store.acceptances(run: id)
            if json {
                return Output.json(
                    .object([
                        ("run", run.json(detail: true)), ("gate_reviews", .array(reviews.map(\.json))),
                        ("acceptances", .array(acceptances.map(\.json))),
                    ]))
            }
            let commit = run.reviewedNoteCommit.map { Output.visible($0) } ?? "none: uncommitted"
            print("run \(run.id): \(run.status.rawValue)")
            print("note:      \(Output.visible(run.notePath)) (sha \(run.reviewedNoteSha), commit \(commit))")
            print("model:     \(Output.visible(run.modelId))")
            print("runner:    \(Output.visible(run.runner))")
            print("started:   \(run.startedAt)")
            print("completed: \(run.completedAt ?? "-")")
            if let reason = run.failureReason { print("reason:    \(Output.visible(reason))") }
            print("telemetry: \(run.telemetryJSON.map { "\($0.utf8.count) bytes" } ?? "none")")
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

extension RunRecord {
    /// The run as `runs ls --json` lists it; with `detail` (`runs show`) also its telemetry as
    /// an object, its raw bundle, debug log and gates with their shas and ordinals.
    func json(detail: Bool) -> JSONValue {
        var members: [(name: String, value: JSONValue)] = [
            ("id", .integer(Int(id))), ("note_path", .string(notePath)), ("model_id", .string(modelId)), ("runner", .string(runner)),
            ("status", .string(status.rawValue)), ("reviewed_note_sha", .string(reviewedNoteSha)),
            ("reviewed_note_commit", .string(orNull: reviewedNoteCommit)), ("started_at", .string(startedAt)),
            ("completed_at", .string(orNull: completedAt)), ("failure_reason", .string(orNull: failureReason)),
            ("gate_ids", .array(gates.map { .string($0.gateId) })),
        ]
        guard detail else { return .object(members) }
        members += [
            ("telemetry", .nested(telemetryJSON)), ("raw_bundle_markdown", .string(orNull: rawBundleMarkdown)),
            ("debug_log", .string(orNull: debugLog)),
            (
                "gates",
                .array(
                    gates.map {
                        .object([("gate_id", .string($0.gateId)), ("gate_sha", .string($0.gateSha)), ("ordinal", .integer($0.ordinal))])
                    })
            ),
        ]
        return .object(members)
    }
}

extension GateReviewRecord {
    /// One gate review of `runs show --json`, its evidence as an object.
    var json: JSONValue {
        .object([
            ("id", .integer(Int(id))), ("review_run_id", .integer(orNull: reviewRunId)), ("note_path", .string(notePath)),
            ("gate_id", .string(gateId)), ("model_id", .string(modelId)), ("decision", .string(decision.rawValue)),
            ("rationale_markdown", .string(rationaleMarkdown)), ("evidence", .nested(evidenceJSON)), ("gate_sha", .string(gateSha)),
            ("reviewed_note_sha", .string(reviewedNoteSha)), ("reviewed_note_commit", .string(orNull: reviewedNoteCommit)),
            ("reviewed_at", .string(reviewedAt)), ("review_kind", .string(reviewKind)),
        ])
    }
}

extension AcceptanceRecord {
    /// One acceptance of `runs show --json`.
    var json: JSONValue {
        .object([
            ("id", .integer(Int(id))), ("note_path", .string(notePath)), ("gate_id", .string(gateId)), ("model_id", .string(modelId)),
            ("accepted_review_id", .integer(orNull: acceptedReviewId)), ("accepted_note_sha", .string(acceptedNoteSha)),
            ("accepted_note_commit", .string(orNull: acceptedNoteCommit)), ("accepted_gate_sha", .string(acceptedGateSha)),
            ("accepted_at", .string(acceptedAt)), ("acceptance_kind", .string(acceptanceKind)),
        ])
    }
}
