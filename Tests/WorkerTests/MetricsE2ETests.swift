import Foundation
import Spool
import TestSupport
import Testing

/// A real `revq worker` with `metrics.listen` on a free loopback port, scraped with curl; the
/// exposition is parsed by prometheus_client's parser (`scripts/parse-metrics`).
@Suite struct MetricsE2ETests {
    static let scriptModel = "<script>alert(1)</script>"

    @Test func metricsAndStatusPageOfARealWorker() throws {
        let harness = try WorkerHarness(config: "metrics: {listen: \"127.0.0.1:0\"}\nretry: {max_attempts: 1}\n")
        defer { harness.remove() }
        try Self.withListeningWorker(harness) { base in try Self.runThreeJobs(harness, base: base) }
    }

    static func runThreeJobs(_ harness: WorkerHarness, base: String) throws {
        // Done with codex telemetry; failed, with markup in its model string; done by claude.
        let done = try harness.enqueue()
        #expect(eventually(20) { harness.files("done").contains("\(done).json") })
        try harness.setMode("exit3")
        let result = try harness.revq(
            ["enqueue", "review", SampleKB.noteB, "prose", "--runner", "codex", "--model", scriptModel])
        let failed = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(eventually(20) { harness.files("failed").contains("\(failed).json") })
        let claude = try harness.enqueue(runner: "claude")
        #expect(eventually(20) { harness.files("done").contains("\(claude).json") })

        let exposition = try get(base + "/metrics")
        #expect(exposition.contentType.hasPrefix("text/plain; version=0.0.4"))
        let samples = try parse(exposition.body)
        func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
            samples.first { $0.name == name && $0.labels == labels }?.value
        }
        #expect(value("revq_jobs_finished_total", ["kind": "review", "outcome": "done"]) == 2)
        #expect(value("revq_jobs_finished_total", ["kind": "review", "outcome": "failed"]) == 1)
        #expect(value("revq_job_duration_seconds_count", ["kind": "review"]) == 3)
        #expect(value("revq_job_pickup_latency_seconds_count") == 3)
        #expect(value("revq_runner_exits_total", ["reason": "success"]) == 2)
        #expect(value("revq_runner_exits_total", ["reason": "exit_status"]) == 1)
        #expect(value("revq_tokens_total", ["model": "gpt-5.4", "kind": "input"]) == 100)
        #expect(value("revq_tokens_total", ["model": "gpt-5.4", "kind": "output"]) == 20)
        #expect(value("revq_tokens_total", ["model": "claude-sonnet-4-6", "kind": "input"]) == 10)
        #expect(value("revq_tokens_total", ["model": "claude-sonnet-4-6", "kind": "output"]) == 5)
        #expect(value("revq_worker_ready") == 1)
        #expect(value("revq_jobs", ["state": "done"]) == 2)
        #expect(value("revq_jobs", ["state": "failed"]) == 1)
        #expect(value("revq_jobs", ["state": "new"]) == 0)
        #expect(value("revq_runs", ["status": "completed"]) == 2)
        #expect(value("revq_runs", ["status": "failed"]) == 1)
        #expect(value("revq_store_errors_total") == 0)
        #expect(value("revq_quota_pauses_total") == 0)
        #expect(value("revq_paused_until_timestamp_seconds") == 0)
        #expect(samples.contains { $0.name == "revq_build_info" && $0.value == 1 })

        let page = try get(base + "/")
        #expect(page.contentType.hasPrefix("text/html"))
        let html = page.body
        for section in ["queue", "workers", "running", "failed", "recent", "tokens", "findings"] {
            #expect(html.contains("<section id=\"\(section)\">"), "section \(section)")
        }
        #expect(html.contains("<meta http-equiv=\"refresh\""))
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("codex exited 3"))
        #expect(html.contains(failed))
        #expect(html.contains("prose/clarity: warn"))
        // The codex review's two warn gates are current findings under its actual partition.
        #expect(html.contains("<tr><td>gpt-5-4-xhigh</td><td>2</td><td>0</td><td>0</td><td>revq findings --model gpt-5-4-xhigh</td></tr>"))
    }

    @Test func aRunningJobShowsItsElapsedTime() throws {
        let harness = try WorkerHarness(config: "metrics: {listen: \"127.0.0.1:0\"}\n")
        defer { harness.remove() }
        try harness.setMode("slow")
        try Self.withListeningWorker(harness) { base in try Self.checkRunningJob(harness, base: base) }
    }

    static func checkRunningJob(_ harness: WorkerHarness, base: String) throws {
        let id = try harness.enqueue()
        #expect(eventually(20) { FileManager.default.fileExists(atPath: harness.startedMarker.path) })
        let html = try get(base + "/").body
        let running = try #require(
            html.components(separatedBy: "<section id=\"running\">").last?.components(separatedBy: "</section>").first)
        #expect(running.contains("<td>\(id)</td>"))
        #expect(running.contains("review kb/notes/a.md [prose]"))
        #expect(running.range(of: #"<td>\d+s</td>"#, options: .regularExpression) != nil, "elapsed time in \(running)")
        let exposition = try parse(try get(base + "/metrics").body)
        #expect(exposition.contains { $0.name == "revq_jobs" && $0.labels == ["state": "active"] && $0.value == 1 })
        #expect(exposition.contains { $0.name == "revq_runs" && $0.labels == ["status": "running"] && $0.value == 1 })
    }

    @Test func aQuotaPauseIsCountedAndItsEndShown() throws {
        let harness = try WorkerHarness(config: "metrics: {listen: \"127.0.0.1:0\"}\nquota: {pause_s: 600}\n")
        defer { harness.remove() }
        try harness.setMode("quota")
        try Self.withListeningWorker(harness) { base in
            let id = try harness.enqueue()
            #expect(eventually(20) { harness.files("deferred").contains("\(id).json") })
            var samples: [(name: String, labels: [String: String], value: Double)] = []
            #expect(
                eventually(10) {
                    samples = (try? Self.parse(try Self.get(base + "/metrics").body)) ?? []
                    return samples.contains { $0.name == "revq_quota_pauses_total" && $0.value == 1 }
                })
            let until = samples.first { $0.name == "revq_paused_until_timestamp_seconds" }?.value ?? 0
            #expect(until > Date().timeIntervalSince1970 + 500)
            #expect(
                samples.contains {
                    $0.name == "revq_jobs_finished_total" && $0.labels == ["kind": "review", "outcome": "deferred"] && $0.value == 1
                })
        }
    }

    @Test func theStatusPageListsEveryLiveWorkerOfTheSpool() throws {
        let harness = try WorkerHarness(config: "metrics: {listen: \"127.0.0.1:0\"}\n")
        defer { harness.remove() }
        try Self.withListeningWorker(harness) { base in
            // A second worker on the same spool (with a listener of its own, on another free port).
            let other = Process()
            other.executableURL = RevqBinary.url
            other.arguments = ["worker"]
            other.currentDirectoryURL = harness.root
            other.environment = harness.environment
            other.standardOutput = FileHandle.nullDevice
            other.standardError = FileHandle.nullDevice
            try other.run()
            defer {
                other.terminate()
                other.waitUntilExit()
            }
            let otherPID = "<td>\(other.processIdentifier)</td>"
            #expect(eventually(20) { ((try? Self.get(base + "/").body) ?? "").contains(otherPID) }, "the other worker is listed")
            let page = try Self.get(base + "/").body
            let workers = page.components(separatedBy: "<section id=\"workers\">").last?.components(separatedBy: "</section>").first ?? ""
            #expect(workers.components(separatedBy: "<tr>").count - 2 == 2, "two workers listed: \(workers)")
            #expect(workers.contains("serving this page"))
            #expect(workers.contains("<td>\(revqVersion)</td>"), "each worker's version")
            let status = try harness.revq(["status"])
            #expect(status.stdout.contains("worker: ") && status.stdout.contains("pid \(other.processIdentifier),"), "\(status.stdout)")

            other.terminate()
            other.waitUntilExit()
            #expect(eventually(20) { !((try? Self.get(base + "/").body) ?? otherPID).contains(otherPID) }, "a stopped worker is gone")
        }
    }

    @Test func aBadListenAddressIsAConfigMistake() throws {
        let harness = try WorkerHarness()
        defer { harness.remove() }
        let result = try harness.revq(["worker", "--once", "--metrics-listen", "nowhere"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("metrics.listen: not host:port: nowhere"))
    }

    // MARK: Helpers

    /// Runs `body` with the base URL of a background worker's listener; stops the worker after.
    static func withListeningWorker(_ harness: WorkerHarness, _ body: (String) throws -> Void) throws {
        try harness.withRunningWorker { try body(try listeningAddress(harness.workerLog)) }
    }

    /// `http://host:port` from the worker's `metrics and status page listening` log line.
    static func listeningAddress(_ log: URL) throws -> String {
        var address: String?
        _ = eventually(20) {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            address = text.split(separator: "\n").first { $0.contains("status page listening") }.flatMap { line in
                line.split(separator: " ").first { $0.hasPrefix("address=") }.map { String($0.dropFirst("address=".count)) }
            }
            return address != nil
        }
        guard let address else {
            throw TestFailure("the worker logged no listening address: \(try String(contentsOf: log, encoding: .utf8))")
        }
        return "http://" + address.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }

    /// A GET with curl: its body and content type; a non-2xx status throws.
    static func get(_ url: String) throws -> (body: String, contentType: String) {
        let result = try Command.run("/usr/bin/env", ["curl", "-sS", "--fail", "--max-time", "10", "-w", "\n%{content_type}", url])
        guard result.status == 0 else { throw TestFailure("curl \(url): \(result.stderr)") }
        guard let split = result.stdout.lastIndex(of: "\n") else { throw TestFailure("curl \(url): no content type") }
        return (String(result.stdout[..<split]), String(result.stdout[result.stdout.index(after: split)...]))
    }

    /// The samples of an exposition, as prometheus_client reads them.
    static func parse(_ exposition: String) throws -> [(name: String, labels: [String: String], value: Double)] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scripts/parse-metrics")
        let result = try Command.run("/usr/bin/env", ["python3", script.standardized.path], stdin: exposition)
        guard result.status == 0 else { throw TestFailure("scripts/parse-metrics: \(result.stderr)\n\(exposition)") }
        let samples = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[Any]] ?? []
        return samples.compactMap { sample in
            guard sample.count == 3, let name = sample[0] as? String, let labels = sample[1] as? [String: String],
                let value = (sample[2] as? NSNumber)?.doubleValue
            else { return nil }
            return (name, labels, value)
        }
    }
}
