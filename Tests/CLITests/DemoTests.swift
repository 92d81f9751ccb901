import Foundation
import TestSupport
import Testing

/// `revq demo` (the README's first command) and its sample runner.
@Suite struct DemoTests {
    @Test func theDemoRunsTheWholePathAndExits0() throws {
        let directory = try TemporaryDirectory("revq-demo-test")
        defer { directory.remove() }
        let started = Date()
        let result = try RevqBinary.run(["demo", "--directory", directory.url.appendingPathComponent("demo").path], in: directory.url)
        #expect(result.status == 0, "\(result.stderr)\n\(result.stdout)")
        #expect(Date().timeIntervalSince(started) < 50)
        let out = result.stdout
        #expect(out.contains("review kb/notes/tides.md") && out.contains("active → done"), "progress lines:\n\(out)")
        #expect(out.contains("batch 2 of sweep prose/clarity"), "the sweep fans out into two batches")
        #expect(out.contains("\nID  STATUS     NOTE"), "runs table:\n\(out)")
        #expect(out.range(of: #"\n1 +completed +kb/notes/tides.md +sample-model +prose/clarity "#, options: .regularExpression) != nil)
        #expect(out.range(of: #"\n5 +completed +kb/notes/currents.md +sample-model +prose/clarity "#, options: .regularExpression) != nil)
        #expect(out.range(of: #"\nkb/notes/tides.md +prose/clarity +note-changed\n"#, options: .regularExpression) != nil, "stale report")
        #expect(out.range(of: #"\nkb/notes/orbits.md +semantic/grounding-alignment +missing-review\n"#, options: .regularExpression) != nil)
        #expect(out.contains("worker stopped with SIGTERM (exit status 0)"))
        let log = try directory.read("demo/worker.log")
        #expect(log.contains("event=\"worker ready\""))
    }

    /// The prompt of a review job, as `enqueue --dry-run` prints it, gets one block per gate.
    @Test func theDemoRefusesADirectoryThatHoldsAnything() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let before = try sample.git(["log", "--oneline"])
        let refused = try RevqBinary.run(["demo", "--directory", sample.root.path], in: sample.root)
        #expect(refused.status == 2)
        #expect(refused.stderr.hasPrefix("revq: error: --directory \(sample.root.path) is not empty"), "\(refused.stderr)")
        #expect(try sample.git(["log", "--oneline"]) == before, "nothing committed in the repository")
        #expect(try sample.git(["status", "--porcelain"]).isEmpty, "nothing added to it")

        try sample.write("plain-file", "x")
        let file = try RevqBinary.run(["demo", "--directory", sample.root.appendingPathComponent("plain-file").path], in: sample.root)
        #expect(file.status == 2 && file.stderr.contains("is a file"), "\(file.stderr)")
    }

    @Test func theSampleRunnerAnswersEveryGateOfAReviewPrompt() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let dryRun = try sample.revq(
            ["enqueue", "review", SampleKB.noteA, "prose", "semantic", "--runner", "codex", "--model", "m", "--dry-run", "--json"])
        let prompt = try #require(
            (try JSONSerialization.jsonObject(with: Data(dryRun.stdout.utf8)) as? [String: Any])?["prompt"] as? String)
        let telemetry = sample.root.appendingPathComponent("telemetry.json")
        let result = try RevqBinary.run(
            ["sample-runner"], in: sample.root, environment: ["REVQ_TELEMETRY_FILE": telemetry.path], stdin: prompt)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("revq sample runner: a demo"))
        for gate in [SampleKB.clarity, SampleKB.residue, SampleKB.grounding] {
            #expect(result.stdout.contains("=== GATE REVIEW START: \(gate) ===\nSample review of \(SampleKB.noteA) against \(gate)"))
            #expect(result.stdout.contains("=== GATE REVIEW END: \(gate) ==="))
        }
        let again = try RevqBinary.run(["sample-runner"], in: sample.root, stdin: prompt)
        #expect(again.stdout == result.stdout, "verdicts are deterministic")
        let written = try JSONSerialization.jsonObject(with: Data(contentsOf: telemetry)) as? [String: Any]
        #expect(written?["provider"] as? String == "sample" && written?["model"] as? String == "sample-model")
        #expect(written?["gate_reviews"] as? Int == 3)
    }

    @Test func theSampleRunnerWrapsEachNoteOfASweepPrompt() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let dryRun = try sample.revq([
            "enqueue", "sweep", SampleKB.clarity, "--note", SampleKB.noteB, "--note", SampleKB.noteC, "--runner", "codex", "--model", "m",
            "--dry-run", "--json",
        ])
        let prompt = try #require(
            (try JSONSerialization.jsonObject(with: Data(dryRun.stdout.utf8)) as? [String: Any])?["prompt"] as? String,
            "\(dryRun.stdout) \(dryRun.stderr)")
        let result = try RevqBinary.run(["sample-runner"], in: sample.root, stdin: prompt)
        #expect(result.status == 0, "\(result.stderr)")
        for note in [SampleKB.noteB, SampleKB.noteC] {
            #expect(
                result.stdout.contains(
                    "=== NOTE START: \(note) ===\n=== GATE REVIEW START: \(SampleKB.clarity) ===\nSample review of \(note) against"))
            #expect(result.stdout.contains("=== GATE REVIEW END: \(SampleKB.clarity) ===\n=== NOTE END: \(note) ==="))
        }
    }
}
