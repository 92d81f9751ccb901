import ArgumentParser
import Foundation
import JSONText
import ReviewStore
import RevqConfig
import RevqTime
import Runner
import Spool
import Usage
import Worker

/// `revq status`: jobs per spool state and the age of the oldest ready job, from directory
/// listings only (no job file is read), the live workers, the jobs running now, a quota pause of the pool, a
/// worker's stop of claiming for a store or disk fault, and the tokens of the runs started
/// today (local time).
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Jobs per spool state, the oldest ready job's age, running jobs, pause state.")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var watch: WatchOptions

    func run() throws {
        let settings = try global.settings()
        let spool = try global.existingSpool()
        try watch.repeating { try show(spool, settings: settings) }
    }

    private func show(_ spool: Spool, settings: Settings) throws {
        let now = Date()
        let (counts, oldest, running) = (try spool.counts(), try spool.oldestReady(), try spool.records(in: .active))
        let sweeps = try runningSweeps(spool, storePath: settings.storePath.path)
        let age = oldest.map { max(0, now.timeIntervalSince($0.submittedAt)) }
        let pausedUntil = spool.pausedUntil()
        let stopped = spool.claimingStopped()
        let workers = try spool.liveWorkers()
        let today = try ReviewStore.existing(at: settings.storePath.path).map {
            try UsageReport.load(store: $0, since: LocalDay.start(of: Date()), until: nil, by: .runner, prices: settings.config.prices)
                .total
        }
        if json {
            let document = JSONValue.object([
                ("spool", .string(spool.root)),
                ("jobs", .object(JobState.allCases.map { ($0.rawValue, .integer(counts[$0] ?? 0)) })),
                ("oldest_ready", oldest.map { .string($0.id.rawValue) } ?? .null),
                ("oldest_ready_age_s", age.map { .integer(Int($0)) } ?? .null),
                (
                    "workers",
                    .array(
                        workers.map {
                            .object([
                                ("host", .string($0.host)), ("pid", .integer(Int($0.pid))),
                                ("started_at", .string(Timestamp.format($0.startedAt))), ("concurrency", .integer($0.concurrency)),
                                ("version", .string($0.version)),
                            ])
                        })
                ),
                ("running", .array(running.map { $0.runningJSON(now: now) })),
                ("sweeps", .array(sweeps.map(\.jsonValue))),
                ("paused_until", pausedUntil.map { .string(Timestamp.format($0)) } ?? .null),
                ("claiming_stopped", stopped.map(JSONValue.string) ?? .null),
                ("tokens_today", today.map(\.jsonValue) ?? .null),
            ])
            return print(document.serialized)
        }
        print("spool: \(spool.root)")
        Output.table(["STATE", "JOBS"], JobState.allCases.map { [$0.rawValue, String(counts[$0] ?? 0)] })
        print("oldest ready: " + (oldest.map { "\($0.id) (\(DurationText.format(age ?? 0)) ago)" } ?? "none"))
        if workers.isEmpty { print("no worker running") }
        for worker in workers {
            print(
                "worker: \(worker.host) pid \(worker.pid), started \(Timestamp.format(worker.startedAt)), "
                    + "concurrency \(worker.concurrency), version \(worker.version)")
        }
        for record in running { print("running: " + Output.visible(record.runningLine(now: now))) }
        for sweep in sweeps { print("sweep \(sweep.sweep): \(sweep.summary)") }
        if let stopped {
            print("claiming: stopped (\(stopped))")
        } else {
            print("claiming: " + (pausedUntil.map { "paused until \(Timestamp.format($0)) (runner quota exhausted)" } ?? "not paused"))
        }
        print("tokens today: " + (today.map(\.todayLine) ?? "no review store"))
    }

    /// The progress of each sweep waiting for its batches (read only when there is one).
    private func runningSweeps(_ spool: Spool, storePath: String) throws -> [SweepProgress] {
        let waiting = try spool.names(in: .waiting).compactMap { JobID(fileName: $0) }
        guard !waiting.isEmpty else { return [] }
        let store = ReviewStore.existing(at: storePath)
        return try waiting.map { try SweepProgress(sweep: $0, spool: spool, store: store) }
    }
}

extension UsageRow {
    /// `12345 (input 10000, cached 4000, output 2345, reasoning 300) in 3 runs, 1 without telemetry, $0.12`
    var todayLine: String {
        var line = "\(tokens.total) (input \(tokens.input), cached \(tokens.cachedInput), output \(tokens.output), "
        line += "reasoning \(tokens.reasoning)) in \(runs) run(s)"
        if runsWithoutTelemetry > 0 { line += ", \(runsWithoutTelemetry) without telemetry" }
        if let cost { line += ", " + Self.dollars(cost) }
        return line
    }
}

extension JobRecord {
    /// A job of `active/` in `status`: `<id> <target>, attempt 2, run 12, 5m, <artifacts>`.
    func runningLine(now: Date) -> String {
        var parts = [displayID + (job.map { " " + $0.target } ?? "")]
        guard let running else { return (parts + ["starting"]).joined(separator: ", ") }
        parts.append("attempt \(running.attempt)")
        parts.append(running.runIDs.isEmpty ? "no run" : "run " + running.runIDs.map(String.init).joined(separator: ","))
        parts.append(DurationText.format(max(0, now.timeIntervalSince(running.startedAt))))
        parts.append(running.artifactsDirectory)
        return parts.joined(separator: ", ")
    }

    /// A job of `active/` in `status --json`.
    func runningJSON(now: Date) -> JSONValue {
        .object([
            ("id", .string(displayID)), ("kind", job.map { .string($0.kindName) } ?? .null),
            ("target", job.map { .string($0.target) } ?? .null), ("attempt", running.map { .integer($0.attempt) } ?? .null),
            ("run_ids", .array((running?.runIDs ?? []).map { .integer(Int($0)) })),
            ("elapsed_s", running.map { .integer(Int(max(0, now.timeIntervalSince($0.startedAt)))) } ?? .null),
            ("artifacts", running.map { .string($0.artifactsDirectory) } ?? .null),
        ])
    }
}
