import Foundation
import TestSupport
import Testing

/// `revq enqueue` refuses, with exit 2 and the worker's own message, what the worker would
/// certainly fail; `--dry-run` of the same command refuses it the same way.
@Suite struct EnqueueRefusalTests {
    static let job = ["--runner", "codex", "--model", "m"]

    /// The real enqueue and its dry run: both exit 2 with the same one-line error containing
    /// `message`, and nothing is written.
    func expectRefused(_ sample: SampleKB, _ arguments: [String], _ message: String, environment: [String: String] = [:]) throws {
        let real = try sample.revq(arguments, environment: environment)
        let dry = try sample.revq(arguments + ["--dry-run"], environment: environment)
        #expect(real.status == 2 && real.stderr.hasPrefix("revq: error: ") && real.stderr.contains(message), "\(arguments): \(real.stderr)")
        #expect(real.stderr.split(separator: "\n").count == 1, "\(real.stderr)")
        #expect(dry.status == real.status && dry.stderr == real.stderr, "\(arguments): \(dry.stderr)")
        let new = sample.root.appendingPathComponent("kb/reports/spool/new").path
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: new)) ?? []).isEmpty)
    }

    @Test func whatTheWorkerWouldFailIsRefused() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        try Data(Array("---\ntitle: caf".utf8) + [0xE9] + Array("\n---\nBody.\n".utf8))
            .write(to: sample.root.appendingPathComponent("kb/notes/latin.md"))
        try sample.write("kb/notes/bad-yaml.md", "---\ntitle: T\ndescription: an unquoted: colon\n---\nBody.\n")
        try sample.commit("unreadable notes")
        let review = ["enqueue", "review"]
        try expectRefused(sample, review + ["kb/notes/nope.md", "prose"] + Self.job, "note not found: kb/notes/nope.md")
        try expectRefused(
            sample, review + [SampleKB.noteB, SampleKB.grounding] + Self.job, "no applicable gates resolved for note: kb/notes/b.md")
        try expectRefused(sample, review + ["kb/notes/latin.md", "prose"] + Self.job, "not valid UTF-8: kb/notes/latin.md")
        try expectRefused(sample, review + ["kb/notes/bad-yaml.md", "prose"] + Self.job, "invalid frontmatter in kb/notes/bad-yaml.md")
        try expectRefused(
            sample, review + [SampleKB.noteA, "prose", "--runner", "evil", "--model", "m"], "unknown runner profile \"evil\"")
        try expectRefused(
            sample, review + [SampleKB.noteA, "prose"] + Self.job, "cannot start codex: no such program in PATH: codex",
            environment: ["PATH": "/usr/bin:/bin"])

        try sample.write("kb/instructions/review-gates/prose/clarity.md", SampleKB.gate(id: SampleKB.clarity, text: "Changed."))
        let dirty = "gate has uncommitted changes: kb/instructions/review-gates/prose/clarity.md"
        try expectRefused(sample, review + [SampleKB.noteA, "prose"] + Self.job, dirty)
        try expectRefused(sample, ["enqueue", "sweep", SampleKB.clarity, "--note", SampleKB.noteB] + Self.job, dirty)
        try expectRefused(sample, ["enqueue", "sweep", SampleKB.clarity, "--stale"] + Self.job, dirty)
        try sample.git(["checkout", "--", "."])
        try sample.write("kb/instructions/review-gates/prose/new.md", SampleKB.gate(id: "prose/new", text: "New."))
        try expectRefused(
            sample, review + [SampleKB.noteA, "prose/new"] + Self.job,
            "gate is not committed: kb/instructions/review-gates/prose/new.md")
    }

    @Test func aKnowledgeBaseOutsideGitIsRefused() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        try FileManager.default.removeItem(at: sample.root.appendingPathComponent(".git"))
        try expectRefused(sample, ["enqueue", "review", SampleKB.noteA, "prose"] + Self.job, "not a git work tree: \(sample.root.path)")
    }

    /// The same jobs written straight into the spool fail in the worker with the very reason
    /// the enqueue gave.
    @Test func theWorkerFailsTheSameJobsWithTheSameReasons() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        try sample.write("kb/instructions/review-gates/prose/clarity.md", SampleKB.gate(id: SampleKB.clarity, text: "Changed."))
        let noRunner = ["PATH": "/usr/bin:/bin"]
        let cases: [(id: String, note: String, gate: String, environment: [String: String])] = [
            ("refusal-empty-set", SampleKB.noteB, SampleKB.grounding, [:]),
            ("refusal-dirty-gate", SampleKB.noteA, SampleKB.clarity, [:]),
            ("refusal-no-program", SampleKB.noteA, SampleKB.residue, noRunner),
        ]
        let new = sample.root.appendingPathComponent("kb/reports/spool/new")
        try FileManager.default.createDirectory(at: new, withIntermediateDirectories: true)
        var refusals: [String: String] = [:]
        for job in cases {
            let refused = try sample.revq(["enqueue", "review", job.note, job.gate] + Self.job, environment: job.environment)
            #expect(refused.status == 2)
            refusals[job.id] = String(refused.stderr.dropFirst("revq: error: ".count).dropLast())
            let file = #"{"version":1,"id":"\#(job.id)","kind":"review","note":"\#(job.note)","gates":["\#(job.gate)"],"runner":"codex","model":"m","max_attempts":1}"#
            try Data((file + "\n").utf8).write(to: new.appendingPathComponent(job.id + ".json"))
        }
        let worker = try sample.revq(["worker", "--once"], environment: noRunner)
        #expect(worker.status == 0, "\(worker.stderr)")
        for job in cases {
            let shown = try sample.revqJSON(["spool", "show", job.id]) as? [String: Any]
            #expect(shown?["state"] as? String == "failed", "\(job.id)")
            let reason = ((shown?["failure"] as? [String: Any])?["reason"] as? String) ?? ""
            #expect(reason.hasPrefix(refusals[job.id] ?? "?"), "\(job.id): worker \(reason), enqueue \(refusals[job.id] ?? "")")
        }
    }
}
