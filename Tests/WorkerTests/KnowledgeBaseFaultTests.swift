import Foundation
import Glibc
import ReviewStore
import TestSupport
import Testing
import Worker

/// Resolving a job against the KB (issue 11): a repository that cannot be read is the KB's
/// fault, waited out without spending an attempt; a note-level problem stays the job's.
@Suite struct KnowledgeBaseFaultTests {
    @Test func anUnreadableRepositoryHoldsTheJobWithoutSpendingAnAttemptUntilItReadsAgain() async throws {
        let h = try WorkerHarness.inProcess()
        defer { h.remove() }
        let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue])
        // The work tree's repository is gone for a while (moved away, as by a restore or a remount).
        let git = h.root.appendingPathComponent(".git").path
        let away = h.home.url.appendingPathComponent("git-away").path
        #expect(rename(git, away) == 0)
        let worker = try InProcessWorker(h)

        #expect(await worker.waitForStatus(containing: "claiming stopped: knowledge base unreadable"))
        #expect(h.files("new") == ["\(id).json"] && h.files("failed").isEmpty && h.files("active").isEmpty)
        #expect(try StoreFaultTests().attempts(h, id, in: "new") == (0, 0), "no attempt spent")
        #expect(try h.store().runs(forJob: id).isEmpty, "no run was started")

        #expect(rename(away, git) == 0)
        #expect(await eventually(within: 30) { h.files("done").contains("\(id).json") }, "claiming resumed by itself")
        #expect(try StoreFaultTests().attempts(h, id, in: "done") == (1, 1))
        #expect(await worker.stop() == nil)
    }

    @Test func aMissingNoteInAReadableRepositoryStillFailsTheJob() async throws {
        let h = try WorkerHarness.inProcess()
        defer { h.remove() }
        let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue])
        try FileManager.default.removeItem(at: h.root.appendingPathComponent(SampleKB.noteB))
        let worker = try InProcessWorker(h)
        #expect(await eventually(within: 20) { h.files("failed").contains("\(id).json") })
        let error = try h.jobFile("failed", "\(id).error")
        #expect(error["reason"] as? String == "note not found: \(SampleKB.noteB)")
        #expect(await worker.stop() == nil)
    }
}
