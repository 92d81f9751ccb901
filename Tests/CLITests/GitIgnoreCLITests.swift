import Foundation
import TestSupport
import Testing

/// The spool and the store made inside a KB's work tree stay out of its commits.
@Suite struct GitIgnoreCLITests {
    @Test func gitAddAllTakesNoSpoolOrStoreFile() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        try sample.write(
            "revq.yaml", "runners:\n  sample:\n    kind: command\n    command: [\"\(RevqBinary.url.path)\", sample-runner]\n")
        try sample.commit("config")
        let environment = ["REVQ_CONFIG": sample.root.appendingPathComponent("revq.yaml").path]
        let enqueued = try RevqBinary.run(
            ["enqueue", "review", SampleKB.noteB, "prose", "--runner", "sample", "--model", "m"], in: sample.root, environment: environment)
        #expect(enqueued.status == 0, "\(enqueued.stderr)")
        let worked = try RevqBinary.run(["worker", "--once"], in: sample.root, environment: environment)
        #expect(worked.status == 0, "\(worked.stderr)")
        #expect(FileManager.default.fileExists(atPath: sample.root.appendingPathComponent("kb/reports/review-store.sqlite").path))

        _ = try sample.git(["add", "-A"])
        let staged = try sample.git(["diff", "--cached", "--name-only"]).split(separator: "\n")
        #expect(staged.contains { $0.hasPrefix("kb/reports/bundle-reviews/") }, "the run's artifacts are the KB's to commit")
        #expect(
            staged.allSatisfy { $0.hasPrefix("kb/reports/bundle-reviews/") || $0 == "kb/reports/.gitignore" },
            "only artifacts and the store directory's .gitignore: \(staged)")
    }

    @Test func anOperatorsOwnGitignoreIsLeftAsItIs() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        try sample.write("kb/reports/.gitignore", "# mine\n")
        #expect(try sample.revq(["enqueue", "review", SampleKB.noteB, "prose", "--runner", "codex", "--model", "m"]).status == 0)
        #expect(try sample.revq(["run", "create", SampleKB.noteB, "prose", "--runner", "codex", "--model", "m"]).status == 0)
        #expect(try sample.directory.read("kb/reports/.gitignore") == "# mine\n")
        #expect(try sample.directory.read("kb/reports/spool/.gitignore").hasSuffix("\n*\n"))
    }
}
