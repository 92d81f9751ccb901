import Foundation
import JSONText
import Spool
import TestSupport
import Testing

/// The README's "JSON output" rule, through the built binary: every `--json` prints one compact
/// line holding one object, with the documented top-level keys, every field present.
@Suite struct JSONStyleTests {
    /// The members of each run of `runs ls`; `runs show` adds ``runDetailKeys``.
    static let runKeys: Set = [
        "id", "note_path", "model_id", "runner", "status", "reviewed_note_sha", "reviewed_note_commit", "started_at",
        "completed_at", "failure_reason", "gate_ids",
    ]
    static let runDetailKeys: Set = ["telemetry", "raw_bundle_markdown", "debug_log", "gates"]
    static let telemetry = #"{"provider":"codex","totals":{"input_tokens":7,"output_tokens":3}}"#

    /// A KB whose store holds a completed run (a WARN finding, telemetry) and a running run
    /// (no telemetry), and whose spool holds a queued job.
    struct Fixture {
        let sample: SampleKB
        var completedRun = "", runningRun = "", job = ""
        /// Outputs of the `--json` commands the setup itself ran, checked with the rest.
        var setupOutputs: [(arguments: [String], stdout: String)] = []

        init() throws {
            sample = try SampleKB()
            completedRun = try createRun([SampleKB.noteB, SampleKB.clarity])
            try sample.write("review.md", "The claim is thin.\n\n- WARN: the claim has no source\n\n## Result: WARN\n")
            #expect(
                try sample.revq(["run", "write-gate", "--run", completedRun, "--gate", SampleKB.clarity, "--input-file", "review.md"])
                    .status == 0)
            #expect(try sample.revq(["run", "finalize", "--run", completedRun]).status == 0)
            try sqlite("UPDATE review_runs SET telemetry_json = '\(JSONStyleTests.telemetry)' WHERE id = \(completedRun)")
            runningRun = try createRun([SampleKB.noteA, "prose"])
            let enqueue = ["enqueue", "review", SampleKB.noteC, "prose", "--runner", "codex", "--model", "m", "--json"]
            let enqueued = try sample.revq(enqueue)
            setupOutputs.append((enqueue, enqueued.stdout))
            job = try #require((try JSONSerialization.jsonObject(with: Data(enqueued.stdout.utf8)) as? [String: Any])?["id"] as? String)
        }

        /// `run create … --json`; its output is kept for the style check, its run id returned.
        private mutating func createRun(_ noteAndGates: [String]) throws -> String {
            let arguments = ["run", "create"] + noteAndGates + ["--runner", "claude", "--model", "m", "--json"]
            let created = try sample.revq(arguments)
            setupOutputs.append((arguments, created.stdout))
            let id = try #require((try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])?["run_id"] as? Int)
            return String(id)
        }

        func sqlite(_ sql: String) throws {
            let store = sample.root.appendingPathComponent("kb/reports/review-store.sqlite").path
            #expect(try Command.run("/usr/bin/env", ["sqlite3", store, sql]).status == 0)
        }
    }

    /// `stdout` as one compact JSON object: one line, and the same bytes when parsed and written
    /// again compactly (members keep their order), so no whitespace outside strings.
    static func object(_ stdout: String, _ arguments: [String]) throws -> [String: Any] {
        #expect(stdout.hasSuffix("\n") && !stdout.dropLast().contains("\n"), "\(arguments): not one line: \(stdout)")
        let line = String(stdout.dropLast())
        #expect(try JSONValue(parsing: Array(line.utf8)).serialized == line, "\(arguments): not compact: \(line)")
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(arguments): not an object")
    }

    @Test func everyJSONCommandPrintsOneCompactObjectWithItsKeys() throws {
        let f = try Fixture()
        defer { f.sample.remove() }
        // nil: a command of another part of revq, held to the style only.
        let commands: [([String], Set<String>?)] = [
            (["status"], nil), (["spool", "ls"], nil), (["spool", "show", f.job], nil), (["config", "check"], nil),
            (["enqueue", "review", SampleKB.noteC, "prose", "--runner", "codex", "--model", "m", "--dry-run"], nil),
            (["stale", "--model", "m", "prose"], ["pairs", "skipped"]),
            (["runs", "ls"], ["runs"]),
            (["runs", "show", f.completedRun], ["run", "gate_reviews", "acceptances"]),
            (["runs", "show", f.runningRun], ["run", "gate_reviews", "acceptances"]),
            (["findings", "--model", "m"], ["reviews"]),
            (["gates", SampleKB.noteA, "prose", "semantic"], ["note", "gates", "skipped"]),
            (["usage"], ["by", "since", "until", "groups", "total", "unpriced_models"]),
            (["ack", "--trivial", "--dry-run", "--model", "m"], ["dry_run", "acknowledged"]),
            (["ack", "--model", "m", "--pair", SampleKB.noteB, SampleKB.clarity], ["dry_run", "acknowledged"]),
        ]
        let created: Set = ["run_id", "note", "gate_ids", "gates", "model", "runner"]
        var outputs: [(arguments: [String], stdout: String, keys: Set<String>?)] = f.setupOutputs.map {
            ($0.arguments, $0.stdout, $0.arguments[0] == "run" ? created : nil)
        }
        for (arguments, keys) in commands {
            let result = try f.sample.revq(arguments + ["--json"])
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            outputs.append((arguments, result.stdout, keys))
        }
        #expect(outputs.count == commands.count + 3, "two run creates and an enqueue")
        for (arguments, stdout, keys) in outputs {
            let document = try Self.object(stdout, arguments)
            if let keys { #expect(Set(document.keys) == keys, "\(arguments)") }
        }
    }

    @Test func runsHaveEveryFieldAndTheirTelemetryAsAnObject() throws {
        let f = try Fixture()
        defer { f.sample.remove() }
        let listed = try Self.object(try f.sample.revq(["runs", "ls", "--json"]).stdout, ["runs", "ls"])
        let runs = try #require(listed["runs"] as? [[String: Any]])
        #expect(runs.count == 2)
        #expect(runs.allSatisfy { Set($0.keys) == Self.runKeys }, "null fields are present, not left out")
        #expect(runs.first { $0["status"] as? String == "running" }?["completed_at"] is NSNull)

        let shown = try Self.object(try f.sample.revq(["runs", "show", f.completedRun, "--json"]).stdout, ["runs", "show"])
        let run = try #require(shown["run"] as? [String: Any])
        #expect(Set(run.keys) == Self.runKeys.union(Self.runDetailKeys))
        let telemetry = try #require(run["telemetry"] as? [String: Any], "nested JSON is an object, not a string")
        #expect((telemetry["totals"] as? [String: Int])?["input_tokens"] == 7)
        let review = try #require((shown["gate_reviews"] as? [[String: Any]])?.first)
        #expect(review["evidence"] is NSNull && review["decision"] as? String == "warn")
        #expect((shown["acceptances"] as? [[String: Any]])?.first?["accepted_review_id"] as? Int == review["id"] as? Int)

        let running = try Self.object(try f.sample.revq(["runs", "show", f.runningRun, "--json"]).stdout, ["runs", "show"])
        #expect((running["run"] as? [String: Any])?["telemetry"] is NSNull)
    }
}
