import Foundation
import TestSupport
import Testing

/// Names and messages as the original system has them (SPEC revision 2).
@Suite struct NamesParityTests {
    @Test func messagesNamesAndPathsOfTheSplitPath() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        func run(_ arguments: [String]) throws -> CommandResult { try RevqBinary.run(arguments, in: sample.root) }
        try sample.write("kb/instructions/review-gates/prose/clarity.md", "---\nwatches: [body]\n---\n\n\nIs the note clear?\n")
        try sample.commit("a gate text after blank lines")

        let created = try run([
            "run", "create", "./kb/notes/b.md", SampleKB.residue, SampleKB.clarity, "--runner", "claude", "--model", "m", "--json",
        ])
        let started = try #require(try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any], "\(created.stderr)")
        let id = try #require(started["run_id"] as? Int)
        #expect(started["note"] as? String == SampleKB.noteB)
        #expect(started["runner"] as? String == "claude-code")
        #expect((started["gates"] as? [[String: String]])?.last?["text"] == "Is the note clear?\n", "no leading newline")
        let store = sample.root.appendingPathComponent("kb/reports/review-store.sqlite").path
        #expect(try Command.run("/usr/bin/env", ["sqlite3", store, "SELECT runner FROM review_runs"]).stdout == "claude-code\n")

        try sample.write("r.md", "Fine.\n\n## Result: PASS\n")
        let outside = try run(["run", "write-gate", "--run", "\(id)", "--gate", SampleKB.grounding, "--input-file", "r.md"])
        #expect(outside.status == 2 && outside.stderr == "revq: error: gate semantic/grounding-alignment is not part of review run \(id)\n")
        let failed = try run(["run", "finalize", "--run", "\(id)"])
        #expect(failed.status == 1 && failed.stderr == "revq: error: missing gates: prose/clarity, prose/source-residue\n", "sorted")

        let blank = try run(["stale", "--model", "  ", "prose"])
        #expect(blank.status == 2 && blank.stderr.contains("--model must not be empty"))
    }

    @Test func aLeadingDotSlashIsTheSameNoteWhenEnqueueing() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let flags = ["--runner", "claude", "--model", "m", "--dry-run", "--json"]
        let review = try sample.revq(["enqueue", "review", "./kb/notes/b.md", "prose"] + flags)
        let job = try JSONSerialization.jsonObject(with: Data(review.stdout.utf8)) as? [String: Any]
        #expect((job?["job"] as? [String: Any])?["note"] as? String == SampleKB.noteB, "\(review.stderr)")
        let sweep = try sample.revq(["enqueue", "sweep", SampleKB.residue, "--note", "./kb/notes/b.md"] + flags)
        let sweepJob = try JSONSerialization.jsonObject(with: Data(sweep.stdout.utf8)) as? [String: Any]
        let select = (sweepJob?["job"] as? [String: Any])?["select"] as? [String: Any]
        #expect(select?["notes"] as? [String] == [SampleKB.noteB], "\(sweep.stderr)")
    }
}
