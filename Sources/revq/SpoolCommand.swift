import ArgumentParser
import Foundation
import JSONText
import ReviewStore
import RevqConfig
import RevqTime
import Spool
import Worker

/// `revq spool …`: look at jobs and repair them. See `spool/README.md`.
struct SpoolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spool", abstract: "Inspect and repair spool jobs.",
        subcommands: [List.self, Show.self, Retry.self, Hold.self, Release.self, Cancel.self, Purge.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "List jobs (default: all but done).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this state (repeatable): new, active, deferred, hold, done, failed, waiting.") var state: [String] = []
        @Flag(help: "Print JSON.") var json = false
        @Flag(help: "Cut nothing: every cell in full.") var wide = false
        @OptionGroup var watch: WatchOptions

        func run() throws {
            let spool = try global.existingSpool()
            let states = state.isEmpty ? JobState.allCases.filter { $0 != .done } : try state.map(JobState.parse)
            try watch.repeating {
                let records = try states.flatMap { try spool.records(in: $0) }
                if json { return print(JSONValue.object([("jobs", .array(records.map(\.summary)))]).serialized) }
                let now = Date()
                Output.table(
                    ["ID", "STATE", "KIND", "TARGET", "RUNNER", "PRI", "TRIES", "AGE", "NOT-BEFORE", "REASON"],
                    records.map { record in
                        let job = record.job
                        return [
                            record.displayID, record.state.rawValue, job?.kindName ?? "bad file", job.map(\.target) ?? "", job?.runner ?? "",
                            job.map { String($0.priority) } ?? "", job.map { "\($0.attempts)/\($0.maxAttempts)" } ?? "",
                            job?.submittedTime.map { DurationText.format(max(0, now.timeIntervalSince($0))) } ?? "",
                            job?.notBefore.map(Timestamp.format) ?? "", record.failure?.reason ?? record.defect?.message ?? "",
                        ]
                    }, maxWidth: wide ? nil : 60)
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show one job: the job, its attempts and their runs, and why it failed.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Job id (or a bad file's name).") var id: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let settings = try global.settings()
            let spool = try global.existingSpool()
            let (name, state) = try spool.job(named: id)
            let record = try spool.record(name, in: state)
            let store = ReviewStore.existing(at: settings.storePath.path)
            let runs = runStatuses((record.job?.runIDs ?? []) + (record.running?.runIDs ?? []), store: store)
            let sweep = try record.job.flatMap { try $0.sweepProgress(spool: spool, store: store) }
            if json { return print(record.detail(runs: runs, sweep: sweep).serialized) }
            print("job \(record.job?.id.rawValue ?? record.name) in \(record.state.directoryName)")
            if let job = record.job {
                print("  kind: \(job.work.kind)  target: \(job.target)  runner: \(job.runner)  model: \(job.model)")
                print("  priority: \(job.priority)  attempts: \(job.attempts) of \(job.maxAttempts)")
                print("  submitted: \(job.submittedAt.map(Timestamp.format) ?? "?") by \(job.submittedBy ?? "?")")
                if let notBefore = job.notBefore { print("  not before: \(Timestamp.format(notBefore))") }
                if let key = job.key { print("  key: \(key)") }
                if let running = record.running {
                    let runText = running.runIDs.map { "run \($0)" }.joined(separator: ", ")
                    print(
                        "  running: attempt \(running.attempt), \(runText), since \(Timestamp.format(running.startedAt))"
                            + " (worker pid \(running.workerPid) on \(running.workerHost))")
                    print("  artifacts: \(running.artifactsDirectory)")
                    print("  output: \(running.outputPath)")
                }
                for attempt in job.history {
                    let runText = attempt.runIDs.map { "run \($0) (\(runs[$0] ?? "unknown"))" }.joined(separator: ", ")
                    print(
                        "  attempt \(attempt.attempt): \(attempt.outcome.rawValue) \(Timestamp.format(attempt.startedAt))"
                            + " → \(Timestamp.format(attempt.endedAt))" + (runText.isEmpty ? "" : "; \(runText)")
                            + (attempt.reason.map { "; \($0)" } ?? ""))
                }
            } else if let defect = record.defect {
                print("  not a valid job: \(defect)")
            }
            if let failure = record.failure {
                print("  failed: \(failure.reason) (\(Timestamp.format(failure.failedAt)))")
                if !failure.stderrTail.isEmpty {
                    print("  stderr (last \(failure.stderrTail.count) lines):")
                    for line in failure.stderrTail { print("    \(line)") }
                }
            }
            if let result = record.result { print("  result: \(result.serialized)") }
            if let sweep {
                print("  sweep: \(sweep.summary)")
                for batch in sweep.batches {
                    print("    \(batch.id)  \(batch.state.rawValue)  \(batch.reviewed)/\(batch.notes.count) reviewed")
                }
            }
        }

        /// The status of each run in the review store; empty without a store.
        private func runStatuses(_ ids: [Int64], store: ReviewStore?) -> [Int64: String] {
            guard !ids.isEmpty, let store else { return [:] }
            var statuses: [Int64: String] = [:]
            for id in ids { statuses[id] = (try? store.run(id))?.status.rawValue }
            return statuses
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retry",
            abstract: "Put failed jobs back in new/ (attempts reset, history kept).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Job ids (or unique prefixes) or names in failed/.") var ids: [String] = []
        @Flag(help: "Retry every job in failed/ (that passes the filters).") var allFailed = false
        @OptionGroup var filter: JobFilter
        @Flag(help: "Print what would be retried; change nothing.") var dryRun = false

        func validate() throws {
            guard ids.isEmpty || !allFailed else { throw ValidationError("name job ids, or --all-failed (not both)") }
        }

        func run() throws {
            let settings = try global.settings()
            let spool = try global.existingSpool()
            let rules = JobRules(knownRunners: Set(settings.config.runners.keys))
            let records = try JobSelection.select(ids: ids, filter: filter, in: spool, states: [.failed], all: allFailed)
            try JobSelection.each(records) { record in
                if dryRun { return print("would retry \(record.displayID)") }
                switch try spool.retry(record.name, rules: rules) {
                case .requeued(let id): print("retried \(id)")
                case .alreadyLive(let id, let state): print("\(id) is already in \(state.directoryName); removed its failed/ copy")
                }
            }
        }
    }

    struct Hold: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hold", abstract: "Park ready or deferred jobs in hold/.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Job ids or unique prefixes.") var ids: [String] = []
        @OptionGroup var filter: JobFilter
        func run() throws {
            let spool = try global.existingSpool()
            let records = try JobSelection.select(ids: ids, filter: filter, in: spool, states: [.new, .deferred])
            try JobSelection.each(records) { record in
                try spool.hold(try record.jobID())
                print("held \(record.displayID)")
            }
        }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "release", abstract: "Release held jobs.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Job ids or unique prefixes.") var ids: [String] = []
        @OptionGroup var filter: JobFilter
        func run() throws {
            let spool = try global.existingSpool()
            let records = try JobSelection.select(ids: ids, filter: filter, in: spool, states: [.hold])
            try JobSelection.each(records) { record in
                let state = try spool.release(try record.jobID())
                print("released \(record.displayID) to \(state.directoryName)")
            }
        }
    }
}

extension JobState {
    static func parse(_ text: String) throws -> JobState {
        guard let state = JobState(rawValue: text) else {
            throw CLIFailure.input("not a spool state: \(text) (\(JobState.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return state
    }
}

extension GlobalOptions {
    func openSpool() throws -> Spool { Spool(root: try settings().spoolPath.path) }
}

extension JobRecord {
    /// The id of the job; a bad file is no job to act on.
    func jobID() throws -> JobID {
        guard let id = job?.id ?? JobID(fileName: name) else { throw CLIFailure.input("\(name) is not a job file") }
        return id
    }
}

extension Job {
    /// The note of a review, the gate of a sweep: what a person looks for in a listing.
    var target: String {
        switch work {
        case .review(let note, let gates): "\(note) [\(gates.joined(separator: " "))]"
        case .sweep(let gate, .notes(let notes), _): "\(gate) × \(notes.count) note(s)"
        case .sweep(let gate, .stale(let currentOnly), _): "\(gate) × stale\(currentOnly ? " (current)" : "")"
        case .sweep(let gate, .batch(let sweep, let notes), _): "\(gate) × \(notes.count) note(s), batch of \(sweep)"
        }
    }
}

extension Job {
    /// The progress of a sweep that fans out (not of a batch); nil for other jobs.
    func sweepProgress(spool: Spool, store: ReviewStore?) throws -> SweepProgress? {
        switch work {
        case .sweep(_, .notes, _), .sweep(_, .stale, _): try SweepProgress(sweep: id, spool: spool, store: store)
        case .review, .sweep(_, .batch, _): nil
        }
    }
}

extension ReviewStore {
    /// The store at `path` if it exists and opens; nil otherwise. For `status` and `spool show`,
    /// which must show the spool even when the store is missing or broken (a store fault is
    /// exactly when an operator looks); commands about the store use `GlobalOptions.existingStore`.
    static func existing(at path: String) -> ReviewStore? {
        FileManager.default.fileExists(atPath: path) ? try? ReviewStore(path: path) : nil
    }
}

extension JobRecord {
    /// The stable JSON of one row of `spool ls`.
    var summary: JSONValue {
        .object([
            ("id", .string(job?.id.rawValue ?? name)), ("name", .string(name)), ("state", .string(state.rawValue)),
            ("kind", job.map { .string($0.work.kind) } ?? .null), ("note", .string(orNull: reviewedNote)),
            ("notes", job.map { .array(Self.notes(of: $0.work).map(JSONValue.string)) } ?? .null),
            ("gates", job.map { .array(Self.gates(of: $0.work).map(JSONValue.string)) } ?? .null),
            ("runner", job.map { .string($0.runner) } ?? .null),
            ("model", job.map { .string($0.model) } ?? .null), ("priority", job.map { .integer($0.priority) } ?? .null),
            ("attempts", job.map { .integer($0.attempts) } ?? .null),
            ("max_attempts", job.map { .integer($0.maxAttempts) } ?? .null),
            ("submitted_at", job?.submittedTime.map { .string(Timestamp.format($0)) } ?? .null),
            ("not_before", job?.notBefore.map { .string(Timestamp.format($0)) } ?? .null),
            ("reason", (failure?.reason ?? defect?.message).map(JSONValue.string) ?? .null),
        ])
    }

    /// The note a review job reviews; nil for a sweep or a batch.
    var reviewedNote: String? {
        guard case .review(let note, _)? = job?.work else { return nil }
        return note
    }

    /// The notes a job names: a review's note, a sweep's or a batch's list; none for a sweep of
    /// the stale notes (chosen when it is claimed).
    static func notes(of work: Job.Work) -> [String] {
        switch work {
        case .review(let note, _): [note]
        case .sweep(_, .notes(let notes), _), .sweep(_, .batch(_, let notes), _): notes
        case .sweep(_, .stale, _): []
        }
    }

    /// The gates a job names: a review's gates or bundles, a sweep's (or batch's) one gate.
    static func gates(of work: Job.Work) -> [String] {
        switch work {
        case .review(_, let gates): gates
        case .sweep(let gate, _, _): [gate]
        }
    }

    /// The stable JSON of `spool show`: the job file as it is, the failure, the result, each run's
    /// status and, for a sweep, its progress and batches.
    func detail(runs: [Int64: String], sweep: SweepProgress?) -> JSONValue {
        .object([
            ("name", .string(name)), ("state", .string(state.rawValue)),
            ("job", job.map(JobFile.jsonValue) ?? .null), ("defect", defect.map { .string($0.message) } ?? .null),
            ("failure", failure?.jsonValue ?? .null), ("result", result ?? .null),
            (
                "runs",
                .array(
                    ((job?.runIDs ?? []) + (running?.runIDs ?? [])).map { .object([("id", .integer(Int($0))), ("status", runs[$0].map(JSONValue.string) ?? .null)]) })
            ),
            ("sweep", sweep?.jsonValue ?? .null), ("running", running?.jsonValue ?? .null),
        ])
    }
}

/// Durations and times as typed on the command line: `90s`, `30m`, `12h`, `7d`, or plain seconds.
enum DurationText {
    static func seconds(_ text: String) throws -> TimeInterval {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        let unit = text.last.flatMap { units[$0] }
        guard let value = Double(unit == nil ? text : String(text.dropLast())), value >= 0 else {
            throw CLIFailure.input("not a duration: \(text) (use e.g. 90s, 30m, 12h, 7d)")
        }
        return value * (unit ?? 1)
    }

    /// An ISO-8601 time with offset, or a delay from now.
    static func time(_ text: String) throws -> Date {
        if let date = Timestamp.parse(text) { return date }
        guard let delay = try? seconds(text) else {
            throw CLIFailure.input("not a time: \(text) (use ISO-8601 with an offset, or a delay such as 30m)")
        }
        return Date().addingTimeInterval(delay)
    }

    static func format(_ seconds: TimeInterval) -> String {
        switch seconds {
        case ..<120: "\(Int(seconds))s"
        case ..<7200: "\(Int(seconds / 60))m"
        case ..<172_800: "\(Int(seconds / 3600))h"
        default: "\(Int(seconds / 86_400))d"
        }
    }
}
