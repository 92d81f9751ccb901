import Foundation
import TestSupport
import Testing

/// `revq enqueue`, `revq spool …` and `revq status` through the built binary.
@Suite struct SpoolCLITests {
    static let job = ["--runner", "codex", "--model", "gpt-5-4-high"]

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func enqueueReviewWritesOneJobAndPrintsItsId() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let result = try sample.revq(["enqueue", "review", SampleKB.noteA, "prose", "--key", "a"] + Self.job)
        #expect(result.status == 0, "\(result.stderr)")
        let id = result.stdout.trimmingCharacters(in: .newlines)
        let spool = sample.root.appendingPathComponent("kb/reports/spool")
        #expect(FileManager.default.fileExists(atPath: spool.appendingPathComponent("new/\(id).json").path))
        let again = try sample.revq(["enqueue", "review", SampleKB.noteA, "prose", "--key", "a", "--json"] + Self.job)
        #expect(try Self.json(again.stdout)["existing"] as? Bool == true)
        #expect(try Self.json(again.stdout)["id"] as? String == id)

        let status = try RevqBinary.run(["status", "--json"], in: sample.root)
        #expect((try Self.json(status.stdout)["jobs"] as? [String: Int])?["new"] == 1)
        #expect(try Self.json(status.stdout)["oldest_ready"] as? String == id)
    }

    @Test func typosAreErrorsAtTheProducer() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let cases: [([String], String)] = [
            (["enqueue", "review", "kb/notes/nope.md", "prose"] + Self.job, "note not found: kb/notes/nope.md"),
            (["enqueue", "review", SampleKB.noteA, "prose/nope"] + Self.job, "gate not found: prose/nope"),
            (["enqueue", "review", SampleKB.noteA, "prose", "--runner", "evil", "--model", "m"], "unknown runner profile \"evil\""),
            (["enqueue", "sweep", "prose", "--stale"] + Self.job, "a sweep takes one gate id"),
        ]
        for (arguments, message) in cases {
            let result = try RevqBinary.run(arguments, in: sample.root)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.hasPrefix("revq: error: ") && result.stderr.contains(message), "\(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: sample.root.appendingPathComponent("kb/reports").path))
    }

    @Test func dryRunPrintsJobAndPromptAndWritesNothing() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let result = try sample.revq(["enqueue", "review", SampleKB.noteA, "prose", "--dry-run", "--json"] + Self.job)
        #expect(result.status == 0, "\(result.stderr)")
        let document = try Self.json(result.stdout)
        #expect((document["job"] as? [String: Any])?["note"] as? String == SampleKB.noteA)
        #expect((document["prompt"] as? String)?.contains("Review run id: (assigned when the run starts)") == true)
        let sweep = try sample.revq(["enqueue", "sweep", SampleKB.residue, "--note", SampleKB.noteB, "--dry-run"] + Self.job)
        #expect(sweep.status == 0, "\(sweep.stderr)")
        #expect(sweep.stdout.contains(#""kind":"sweep""#))
        #expect(!FileManager.default.fileExists(atPath: sample.root.appendingPathComponent("kb/reports").path))
    }

    @Test func jobsFromStdinEnqueuesEveryLineOrNone() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let line = #"{"version":1,"kind":"review","note":"kb/notes/b.md","gates":["prose"],"runner":"codex","model":"m"}"#
        let good = try sample.revq(["enqueue", "--jobs-from", "-"], stdin: line + "\n\n" + line + "\n")
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.split(separator: "\n").count == 2)
        let bad = try sample.revq(["enqueue", "--jobs-from", "-"], stdin: line + "\n{\"version\":1}\n")
        #expect(bad.status == 2)
        #expect(bad.stderr == "revq: error: line 2: missing field \"kind\"\n")
        let status = try RevqBinary.run(["status", "--json"], in: sample.root)
        #expect((try Self.json(status.stdout)["jobs"] as? [String: Int])?["new"] == 2)
    }

    @Test func operatorCommandsHoldReleaseCancelShowRetryPurge() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let id = try sample.revq(["enqueue", "review", SampleKB.noteA, "prose"] + Self.job).stdout
            .trimmingCharacters(in: .newlines)
        #expect(try RevqBinary.run(["spool", "hold", id], in: sample.root).stdout == "held \(id)\n")
        #expect(try RevqBinary.run(["spool", "release", id], in: sample.root).stdout == "released \(id) to new/\n")
        #expect(try RevqBinary.run(["spool", "cancel", id], in: sample.root).status == 0)
        let listed = try RevqBinary.run(["spool", "ls", "--state", "failed"], in: sample.root)
        #expect(listed.stdout.contains(id) && listed.stdout.contains("cancelled by operator"))
        let shown = try RevqBinary.run(["spool", "show", id, "--json"], in: sample.root)
        let detail = try Self.json(shown.stdout)
        #expect(detail["state"] as? String == "failed")
        #expect((detail["failure"] as? [String: Any])?["reason"] as? String == "cancelled by operator")
        #expect(try RevqBinary.run(["spool", "retry", id], in: sample.root).stdout == "retried \(id)\n")
        let missing = try RevqBinary.run(["spool", "hold", "no-such-job"], in: sample.root)
        #expect(missing.status == 2 && missing.stderr.hasPrefix("revq: error: no job no-such-job"))
        let purge = try RevqBinary.run(["spool", "purge", "--state", "failed", "--older-than", "1d"], in: sample.root)
        #expect(purge.stdout == "purged 0 from failed/\n")
        #expect(try RevqBinary.run(["spool", "purge", "--state", "new", "--older-than", "1d"], in: sample.root).status == 2)
    }
}
