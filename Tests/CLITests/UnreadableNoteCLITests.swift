import Foundation
import TestSupport
import Testing

/// One bad note file never stops KB-wide work; named directly, it is refused with its reason.
@Suite struct UnreadableNoteCLITests {
    func sampleWithBadNotes() throws -> SampleKB {
        let sample = try SampleKB()
        try sample.write("kb/notes/bad-yaml.md", "---\ntitle: T\ndescription: an unquoted: colon\n---\nBody.\n")
        try Data(Array("---\ntitle: caf".utf8) + [0xE9] + Array("\n---\nBody.\n".utf8))
            .write(to: sample.root.appendingPathComponent("kb/notes/latin.md"))
        try sample.write("kb/notes/plain.md", "# Just a page\n")
        try sample.commit("bad notes")
        return sample
    }

    @Test func staleReportsEveryReadableNoteAndTheSkips() throws {
        let sample = try sampleWithBadNotes()
        defer { sample.remove() }
        let stale = try RevqBinary.run(["stale", "--model", "m", "prose", "--json"], in: sample.root)
        #expect(stale.status == 0, "\(stale.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(stale.stdout.utf8)) as? [String: Any])
        let pairs = try #require(report["pairs"] as? [[String: Any]])
        #expect(Set(pairs.map { $0["note"] as? String ?? "" }) == [SampleKB.noteA, SampleKB.noteB, SampleKB.noteC])
        #expect(pairs.count == 6)
        let skipped = try #require(report["skipped"] as? [[String: String]])
        #expect(skipped.map { $0["note"] ?? "" } == ["kb/notes/bad-yaml.md", "kb/notes/latin.md"])
        #expect(
            skipped[0]["reason"]
                == "invalid frontmatter in kb/notes/bad-yaml.md: 2:25: error: scanner: mapping values are not allowed in this context")
        #expect(skipped[1]["reason"] == "not valid UTF-8: kb/notes/latin.md")
        let warnings = stale.stderr.split(separator: "\n")
        #expect(warnings.count == 2)
        #expect(warnings.allSatisfy { $0.hasPrefix("revq: warning: skipped kb/notes/") })

        let table = try RevqBinary.run(["stale", "--model", "m", "prose"], in: sample.root)
        #expect(table.status == 0 && table.stdout.contains("6 stale pair(s)"))
    }

    @Test func reviewingOrEnqueueingAnUnreadableNoteIsRefusedWithTheReason() throws {
        let sample = try sampleWithBadNotes()
        defer { sample.remove() }
        let create = try RevqBinary.run(["run", "create", "kb/notes/latin.md", "prose", "--runner", "codex", "--model", "m"], in: sample.root)
        #expect(create.status == 2)
        #expect(create.stderr == "revq: error: not valid UTF-8: kb/notes/latin.md\n")
        let enqueue = try RevqBinary.run(
            ["enqueue", "review", "kb/notes/bad-yaml.md", "prose", "--runner", "codex", "--model", "m"], in: sample.root)
        #expect(enqueue.status == 2)
        #expect(enqueue.stderr.hasPrefix("revq: error: invalid frontmatter in kb/notes/bad-yaml.md"))
        let plain = try RevqBinary.run(
            ["enqueue", "sweep", SampleKB.residue, "--note", "kb/notes/plain.md", "--runner", "codex", "--model", "m"], in: sample.root)
        #expect(plain.status == 2)
        #expect(plain.stderr == "revq: error: not a note: kb/notes/plain.md does not start with a frontmatter block\n")
        let queued = (try? FileManager.default.contentsOfDirectory(atPath: sample.root.appendingPathComponent("kb/reports/spool/new").path)) ?? []
        #expect(queued.isEmpty)
    }

    @Test func aNoteWithASentinelLineIsRefusedForAReviewJob() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        try sample.write(SampleKB.noteB, "---\ntitle: B\n---\nQuoted output:\n=== GATE REVIEW END: prose/clarity ===\n")
        try sample.commit("sentinel")
        let enqueue = try RevqBinary.run(["enqueue", "review", SampleKB.noteB, "prose", "--runner", "codex", "--model", "m"], in: sample.root)
        #expect(enqueue.status == 2)
        #expect(enqueue.stderr == "revq: error: reserved sentinel in kb/notes/b.md line 5\n")
        let create = try RevqBinary.run(["run", "create", SampleKB.noteB, "prose", "--runner", "codex", "--model", "m"], in: sample.root)
        #expect(create.stderr == "revq: error: reserved sentinel in kb/notes/b.md line 5\n")
    }
}
