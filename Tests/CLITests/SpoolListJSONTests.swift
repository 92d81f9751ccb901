import Foundation
import TestSupport
import Testing

/// `spool ls --json` names what each job reviews: its note or notes and its gates.
@Suite struct SpoolListJSONTests {
    @Test func eachRowHasItsNotesAndGates() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let review = try sample.revqJSON(["enqueue", "review", SampleKB.noteB, "prose", SampleKB.clarity, "--runner", "codex", "--model", "m"])
        let sweep = try sample.revqJSON([
            "enqueue", "sweep", SampleKB.clarity, "--note", SampleKB.noteA, "--note", SampleKB.noteC, "--runner", "codex", "--model", "m",
        ])
        let stale = try sample.revqJSON(["enqueue", "sweep", SampleKB.residue, "--stale", "--runner", "codex", "--model", "m"])
        let listing = try #require(try sample.revqJSON(["spool", "ls"]) as? [String: Any])
        let rows = try #require(listing["jobs"] as? [[String: Any]])
        func row(_ enqueued: Any) throws -> [String: Any] {
            let id = try #require((enqueued as? [String: Any])?["id"] as? String)
            return try #require(rows.first { $0["id"] as? String == id })
        }
        let reviewRow = try row(review)
        #expect(reviewRow["note"] as? String == SampleKB.noteB)
        #expect(reviewRow["notes"] as? [String] == [SampleKB.noteB])
        #expect(reviewRow["gates"] as? [String] == ["prose", SampleKB.clarity])
        let sweepRow = try row(sweep)
        #expect(sweepRow["note"] is NSNull)
        #expect(sweepRow["notes"] as? [String] == [SampleKB.noteA, SampleKB.noteC])
        #expect(sweepRow["gates"] as? [String] == [SampleKB.clarity])
        let staleRow = try row(stale)
        #expect(staleRow["notes"] as? [String] == [], "a stale sweep picks its notes when claimed")
        #expect(staleRow["gates"] as? [String] == [SampleKB.residue])
    }
}
