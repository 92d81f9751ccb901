import Foundation
import ReviewStore
import RevqConfig
import Runner
import TestSupport
import Testing
import Usage

/// A real review store holding runs with codex telemetry, claude telemetry, a sweep batch sharing
/// one telemetry payload, and runs without token counts; the expected sums are worked out by hand
/// from the telemetry written here.
struct UsageStore {
    let directory: TemporaryDirectory
    let store: ReviewStore
    var path: String { directory.path + "/store.sqlite" }

    /// Hand sums over every run below.
    static let expectedTotal = TokenCounts(
        input: 9200 + (900 + 200 + 1400 + 1100 + 100 + 50) + 3001, cachedInput: 4900 + (1100 + 50) + 1000,
        output: 1000 + (40 + 380 + 10) + 501, reasoning: 380 + 101)

    init() throws {
        directory = try TemporaryDirectory("revq-usage")
        store = try ReviewStore(path: directory.path + "/store.sqlite")
        let now = Date()
        // codex: the last token_count event's totals count, not the sum of events.
        try add(
            note: "kb/notes/a.md", gates: ["prose/a", "prose/b"], runner: "codex", at: now,
            telemetry: Self.codex(model: "gpt-5.4", totals: [(4000, 1000, 300, 120), (9200, 4900, 1000, 380)]))
        // claude-code: per request, a request id seen twice counts once, two models.
        try add(note: "kb/notes/b.md", gates: ["prose/a"], runner: "claude-code", at: now, telemetry: Self.claude())
        // A sweep batch: two runs, one runner call, one telemetry payload.
        let batch = Self.codex(model: "gpt-5.4-mini", totals: [(3001, 1000, 501, 101)])
        let ids = try store.createRuns(
            [Self.newRun("kb/notes/c.md", ["sweep/g"], "codex"), Self.newRun("kb/notes/d.md", ["sweep/g"], "codex")],
            startedAt: now, job: JobAttempt(jobId: "S-b1", attempt: 1))
        for id in ids { try store.attachExecutionData(run: id, ExecutionData(telemetryJSON: batch)) }
        // Without token counts: no telemetry at all, and a command runner's telemetry without counts.
        try add(note: "kb/notes/e.md", gates: ["prose/a"], runner: "codex", at: now, telemetry: nil)
        try add(note: "kb/notes/f.md", gates: ["prose/a"], runner: "local", at: now, telemetry: #"{"note": "no counts"}"#)
    }

    func remove() { directory.remove() }

    /// A run started `at`, failed (usage counts every run, whatever its status) with `telemetry`.
    func add(note: String, gates: [String], runner: String, at date: Date, telemetry: String?) throws {
        let id = try store.createRun(Self.newRun(note, gates, runner), startedAt: date)
        try store.failRun(run: id, reason: "test", executionData: ExecutionData(telemetryJSON: telemetry))
    }

    static func newRun(_ note: String, _ gates: [String], _ runner: String) -> NewRun {
        NewRun(notePath: note, modelId: "partition-x", runner: runner, noteSha: "n", noteCommit: nil, gates: gates.map { ($0, "g") })
    }

    /// Codex telemetry read from a session log with one token_count event per `totals` entry.
    static func codex(model: String, totals: [(Int, Int, Int, Int)]) -> String {
        var log = #"{"type":"turn_context","payload":{"model":"\#(model)","effort":"high"}}"# + "\n"
        for (input, cached, output, reasoning) in totals {
            let usage =
                #"{"input_tokens":\#(input),"cached_input_tokens":\#(cached),"output_tokens":\#(output),"#
                + #""reasoning_output_tokens":\#(reasoning),"total_tokens":\#(input + output)}"#
            log +=
                #"{"type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":\#(usage),"#
                + #""last_token_usage":\#(usage)}}}"# + "\n"
        }
        return CodexTelemetry.telemetry(sessionLog: log, sessionPath: "/tmp/s.jsonl", sessionId: "s")!
    }

    /// Claude telemetry read from a stream-json transcript.
    static func claude() -> String {
        func assistant(_ request: String, _ model: String, _ usage: (Int, Int, Int, Int)) -> String {
            #"{"type":"assistant","requestId":"\#(request)","message":{"model":"\#(model)","usage":{"input_tokens":\#(usage.0),"#
                + #""cache_creation_input_tokens":\#(usage.1),"cache_read_input_tokens":\#(usage.2),"output_tokens":\#(usage.3)},"#
                + #""content":[{"type":"text","text":"x"}]}}"#
        }
        let stream = [
            assistant("req-a", "claude-sonnet-4-6", (900, 200, 0, 40)),
            assistant("req-b", "claude-sonnet-4-6", (1400, 0, 1100, 380)),
            assistant("req-a", "claude-sonnet-4-6", (900, 200, 0, 40)),
            assistant("req-c", "claude-haiku-4-5", (100, 0, 50, 10)),
        ]
        return ClaudeStream.parse(stream.joined(separator: "\n")).telemetryJSON!
    }
}

@Suite struct UsageReportTests {
    @Test func totalsAreTheSumsOfTheRunsTelemetry() throws {
        let fixture = try UsageStore()
        defer { fixture.remove() }
        let report = try UsageReport.load(store: fixture.store, since: nil, until: nil, by: .model, prices: [:])
        #expect(report.total.tokens == UsageStore.expectedTotal)
        #expect(report.total.tokens.total == UsageStore.expectedTotal.input + UsageStore.expectedTotal.output)
        #expect(report.total.runs == 4)
        #expect(report.total.runsWithoutTelemetry == 2)
        #expect(report.total.cost == nil)
        let byModel = Dictionary(uniqueKeysWithValues: report.rows.map { ($0.key, $0) })
        #expect(byModel["gpt-5.4"]?.tokens == TokenCounts(input: 9200, cachedInput: 4900, output: 1000, reasoning: 380))
        #expect(byModel["gpt-5.4-mini"]?.tokens == TokenCounts(input: 3001, cachedInput: 1000, output: 501, reasoning: 101))
        #expect(byModel["gpt-5.4-mini"]?.runs == 2)
        #expect(byModel["claude-haiku-4-5"]?.tokens == TokenCounts(input: 150, cachedInput: 50, output: 10))
        #expect(byModel["partition-x"]?.runsWithoutTelemetry == 2)
    }

    @Test(arguments: UsageGrouping.allCases)
    func everyGroupingAddsUpToTheTotal(_ grouping: UsageGrouping) throws {
        let fixture = try UsageStore()
        defer { fixture.remove() }
        let report = try UsageReport.load(store: fixture.store, since: nil, until: nil, by: grouping, prices: [:])
        #expect(report.rows.map(\.tokens).reduce(TokenCounts(), +) == UsageStore.expectedTotal)
        #expect(report.total.tokens == UsageStore.expectedTotal)
    }

    @Test func aBatchIsChargedOnceAndSplitAmongItsNotes() throws {
        let fixture = try UsageStore()
        defer { fixture.remove() }
        let rows = try UsageReport.load(store: fixture.store, since: nil, until: nil, by: .note, prices: [:]).rows
        let c = try #require(rows.first { $0.key == "kb/notes/c.md" })
        let d = try #require(rows.first { $0.key == "kb/notes/d.md" })
        #expect(c.tokens == TokenCounts(input: 1501, cachedInput: 500, output: 251, reasoning: 51))
        #expect(d.tokens == TokenCounts(input: 1500, cachedInput: 500, output: 250, reasoning: 50))
        #expect(rows.first { $0.key == "kb/notes/e.md" }?.runsWithoutTelemetry == 1)
    }

    @Test func pricesGiveACostAndNameTheModelsWithout() throws {
        let fixture = try UsageStore()
        defer { fixture.remove() }
        let prices = ["gpt-5.4": ModelPrice(inputPerMTok: 1.25, outputPerMTok: 10, cachedInputPerMTok: 0.125)]
        let report = try UsageReport.load(store: fixture.store, since: nil, until: nil, by: .runner, prices: prices)
        let uncached: Double = (9200 - 4900) * 1.25
        let expected: Double = (uncached + 4900 * 0.125 + 1000 * 10) / 1_000_000
        #expect(abs((report.total.cost ?? -1) - expected) < 1e-12)
        #expect(report.unpricedModels == ["claude-haiku-4-5", "claude-sonnet-4-6", "gpt-5.4-mini"])
        #expect(report.total.unpricedTokens == UsageStore.expectedTotal.total - (9200 + 1000))
    }

    @Test func sinceAndUntilCutByStartTime() throws {
        let fixture = try UsageStore()
        defer { fixture.remove() }
        let old = TokenCounts(input: 7, cachedInput: 0, output: 3, reasoning: 0)
        try fixture.add(
            note: "kb/notes/old.md", gates: ["prose/a"], runner: "codex", at: Date().addingTimeInterval(-3 * 86_400),
            telemetry: UsageStore.codex(model: "gpt-5.4", totals: [(7, 0, 3, 0)]))
        let all = try UsageReport.load(store: fixture.store, since: nil, until: nil, by: .day, prices: [:])
        #expect(all.total.tokens == UsageStore.expectedTotal + old)
        #expect(all.rows.count == 2)
        let recent = try UsageReport.load(
            store: fixture.store, since: Date().addingTimeInterval(-86_400), until: nil, by: .day, prices: [:])
        #expect(recent.total.tokens == UsageStore.expectedTotal)
        let before = try UsageReport.load(
            store: fixture.store, since: nil, until: Date().addingTimeInterval(-86_400), by: .day, prices: [:])
        #expect(before.total.tokens == old)
        #expect(before.total.runs == 1)
    }

    /// The store pulls counts out with SQLite's JSON functions; they must agree with the Swift
    /// reader the worker uses, for every shape, including text that is not JSON.
    @Test func theStoreReadsTokensAsTheTelemetryReaderDoes() throws {
        let directory = try TemporaryDirectory("revq-usage")
        defer { directory.remove() }
        let fixture = try UsageStore()
        defer { fixture.remove() }
        let telemetries = [
            UsageStore.codex(model: "gpt-5.4", totals: [(5, 1, 7, 2)]),
            #"{"provider":"claude-code","model":"claude-sonnet-4-6","requests":[{"model":"claude-sonnet-4-6","input_tokens":3,"#
                + #""cache_read_input_tokens":2,"output_tokens":4}],"totals":{"input_tokens":3,"cache_read_input_tokens":2,"output_tokens":4}}"#,
            #"{"model": 7, "totals": {"input_tokens": "12", "output_tokens": 1.0, "cached_input_tokens": -3}}"#,
            "not json {", #"{"totals": [1, 2]}"#,
        ]
        let store = try ReviewStore(path: directory.path + "/s.sqlite")
        for telemetry in telemetries {
            let id = try store.createRun(UsageStore.newRun("kb/notes/x.md", ["prose/a"], "codex"))
            try store.failRun(run: id, reason: "test", executionData: ExecutionData(telemetryJSON: telemetry))
        }
        let expected = telemetries.flatMap { TelemetryTokens.usage(telemetryJSON: $0) }.map(\.counts).reduce(TokenCounts(), +)
        let report = try UsageReport.load(store: store, since: nil, until: nil, by: .model, prices: [:])
        #expect(report.total.tokens == expected)
        #expect(report.total.runsWithoutTelemetry == telemetries.filter { TelemetryTokens.usage(telemetryJSON: $0).isEmpty }.count)
    }

    @Test func telemetryWithoutCountsReadsAsNone() {
        #expect(TelemetryTokens.usage(telemetryJSON: "not json").isEmpty)
        #expect(TelemetryTokens.usage(telemetryJSON: #"{"totals": null}"#).isEmpty)
        let negative = TelemetryTokens.usage(telemetryJSON: #"{"totals": {"input_tokens": -5, "output_tokens": 2}}"#)
        #expect(negative.map(\.counts) == [TokenCounts(output: 2)])
    }
}

/// `revq usage` and `revq status` on the same store, through the built binary.
@Suite struct UsageCommandTests {
    @Test func usageJSONAndStatusShowTheSums() throws {
        let fixture = try UsageStore()
        defer { fixture.remove() }
        let config = "prices:\n  gpt-5.4: {input_per_mtok: 1.25, output_per_mtok: 10}\n"
        try fixture.directory.write("revq.yaml", config)
        let common = [
            "--config", fixture.directory.path + "/revq.yaml", "--db", fixture.path, "--spool", fixture.directory.path + "/spool",
        ]
        let usage = try RevqBinary.run(["usage", "--by", "gate", "--json"] + common, in: fixture.directory.url)
        #expect(usage.status == 0, "\(usage.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(usage.stdout.utf8)) as? [String: Any])
        let total = try #require(document["total"] as? [String: Any])
        #expect(total["input_tokens"] as? Int == Int(UsageStore.expectedTotal.input))
        #expect(total["cached_input_tokens"] as? Int == Int(UsageStore.expectedTotal.cachedInput))
        #expect(total["output_tokens"] as? Int == Int(UsageStore.expectedTotal.output))
        #expect(total["reasoning_tokens"] as? Int == Int(UsageStore.expectedTotal.reasoning))
        #expect(total["runs_without_telemetry"] as? Int == 2)
        let cost: Double = (9200 * 1.25 + 1000 * 10) / 1_000_000
        #expect(abs((total["cost_usd"] as? Double ?? -1) - cost) < 1e-9)
        let groups = try #require(document["groups"] as? [[String: Any]])
        #expect(Set(groups.compactMap { $0["key"] as? String }) == ["prose/a", "prose/b", "sweep/g"])
        #expect(groups.compactMap { $0["total_tokens"] as? Int }.reduce(0, +) == Int(UsageStore.expectedTotal.total))

        let table = try RevqBinary.run(["usage"] + common, in: fixture.directory.url)
        #expect(table.stdout.contains("COST"))
        #expect(table.stdout.contains("no price configured for: claude-haiku-4-5, claude-sonnet-4-6, gpt-5.4-mini"))

        try FileManager.default.createDirectory(atPath: fixture.directory.path + "/spool", withIntermediateDirectories: true)
        let status = try RevqBinary.run(["status", "--json"] + common, in: fixture.directory.url)
        #expect(status.status == 0, "\(status.stderr)")
        let statusDocument = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let today = try #require(statusDocument["tokens_today"] as? [String: Any])
        #expect(today["total_tokens"] as? Int == Int(UsageStore.expectedTotal.total))
        let text = try RevqBinary.run(["status"] + common, in: fixture.directory.url)
        #expect(text.stdout.contains("tokens today: \(UsageStore.expectedTotal.total) (input \(UsageStore.expectedTotal.input)"))
    }

    @Test func aBadTimeIsAnInputError() throws {
        let directory = try TemporaryDirectory("revq-usage")
        defer { directory.remove() }
        let result = try RevqBinary.run(["usage", "--since", "yesterday", "--db", directory.path + "/s.sqlite"], in: directory.url)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("revq: error: not a time: yesterday"))
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/s.sqlite"))
    }
}
