import Foundation
import ReviewStore
import TestSupport
import Testing

/// Sweeps over note files that are hard to tell apart or cannot be read, and review jobs whose
/// note went bad after it was queued: `revq worker --once` as a real process.
@Suite struct SweepNoteFilesTests {
    static let nfc = "kb/notes/caf\u{E9}.md"
    static let nfd = "kb/notes/cafe\u{301}.md"

    /// The byte spellings of the completed runs' notes.
    func completedNotes(_ runs: [RunRecord]) -> Set<[UInt8]> {
        Set(runs.filter { $0.status == .completed }.map { Array($0.notePath.utf8) })
    }

    @Test func normalisationTwinsAreExpandedBatchedAndReviewedAsTwoNotes() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        try h.installSweepCodex()
        try h.sample.write(Self.nfc, SampleKB.note(title: "Composed", traits: [], body: "NFC."))
        try h.sample.write(Self.nfd, SampleKB.note(title: "Decomposed", traits: [], body: "NFD."))
        try h.sample.commit("twins")
        let twins: Set<[UInt8]> = [Array(Self.nfc.utf8), Array(Self.nfd.utf8)]

        // Named: one batch each, so expansion keeps both.
        let named = try h.enqueueSweep(SampleKB.residue, ["--note", Self.nfc, "--note", Self.nfd], ["--batch-size", "1"])
        #expect(try h.workOnce().status == 0)
        let namedBatches = try h.batchRuns(named)
        #expect(namedBatches.keys.sorted() == ["\(named)-b1", "\(named)-b2"])
        #expect(completedNotes(namedBatches.values.flatMap { $0 }) == twins)

        // Stale: both twins in one batch, so the prompt, the output and the result keep both.
        let stale = try h.enqueueSweep(SampleKB.clarity, ["--stale"], ["--batch-size", "10"])
        let worker = try h.workOnce()
        #expect(worker.stderr.contains("sweep \(stale): reviewed 5 notes in 1 batches, 0 failed"), "\(worker.stderr)")
        let runs = try #require(try h.batchRuns(stale)["\(stale)-b1"])
        #expect(runs.count == 5)
        #expect(completedNotes(runs) == twins.union([SampleKB.noteA, SampleKB.noteB, SampleKB.noteC].map { Array($0.utf8) }))
        let result = try h.sidecar("done", "\(stale)-b1.result.json")
        let entries = try #require(result["notes"] as? [[String: Any]])
        #expect(entries.allSatisfy { $0["status"] as? String == "completed" })
        #expect(Set(entries.compactMap { $0["run_id"] as? Int }).count == 5, "each twin has its own run")
    }

    @Test func aStaleSweepSkipsUnreadableNotesWithOneWarningEachAndBatchesTheRest() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        try h.installSweepCodex()
        try h.sample.write("kb/notes/bad-yaml.md", "---\ntitle: T\ndescription: an unquoted: colon\n---\nBody.\n")
        try Data(Array("---\ntitle: caf".utf8) + [0xE9] + Array("\n---\nBody.\n".utf8))
            .write(to: h.root.appendingPathComponent("kb/notes/latin.md"))
        try h.sample.commit("bad notes")
        let id = try h.enqueueSweep(SampleKB.residue, ["--stale"], ["--batch-size", "2"])
        let worker = try h.workOnce()
        #expect(worker.status == 0, "\(worker.stderr)")
        let skips = worker.stderr.split(separator: "\n").filter { $0.contains("event=\"note skipped\"") }
        #expect(skips.count == 2, "\(worker.stderr)")
        #expect(skips.contains { $0.contains("kb/notes/bad-yaml.md") && $0.contains("invalid frontmatter") })
        #expect(skips.contains { $0.contains("kb/notes/latin.md") && $0.contains("not valid UTF-8") })
        #expect(worker.stderr.contains("sweep \(id): reviewed 3 notes in 2 batches, 0 failed"))
        let runs = try h.batchRuns(id).values.flatMap { $0 }
        #expect(runs.map(\.notePath).sorted() == [SampleKB.noteA, SampleKB.noteB, SampleKB.noteC])
        #expect(runs.allSatisfy { $0.status == .completed })
    }

    @Test func aQueuedReviewWhoseNoteStoppedBeingUTF8FailsForGoodWithTheReason() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue], ["--max-attempts", "3"])
        try Data(Array("---\ntitle: B\n---\nna".utf8) + [0xEF, 0x76, 0x65] + Array("\n".utf8))
            .write(to: h.root.appendingPathComponent(SampleKB.noteB))
        let worker = try h.workOnce()
        #expect(worker.status == 0, "\(worker.stderr)")
        #expect(h.files("failed") == ["\(id).error.json", "\(id).json"])
        let error = try h.sidecar("failed", "\(id).error.json")
        #expect(error["reason"] as? String == "not valid UTF-8: \(SampleKB.noteB)")
        #expect(error["attempts"] as? Int == 1, "not retried")
        #expect(try h.store().runs().isEmpty, "no run: the note could not be reviewed")
        #expect(!FileManager.default.fileExists(atPath: h.startedMarker.path))
    }
}
