import Foundation
import Spool
import Testing

/// `active/<id>.running` and `active/<id>.cancel`: read by operators, never taken for jobs, gone
/// with their job, and removed by recovery when a dead worker left them.
@Suite struct RunningSidecarTests {
    @Test func recoveryTakesTheSidecarsForNoJobAndRemovesStrays() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        let job = reviewJob()
        _ = try temp.spool.enqueue(job, rules: testRules)
        do {
            let claimed = try #require(try temp.spool.claim(job.id.fileName, rules: testRules).claimed)
            claimed.recordRunning(runIDs: [4, 5], artifactsDirectory: "/kb/reports/bundle-reviews/review-run-4")
            let running = try #require(temp.spool.runningAttempt(of: job.id))
            #expect(running.attempt == 1 && running.runIDs == [4, 5] && running.workerPid == getpid())
            #expect(running.outputPath == "/kb/reports/bundle-reviews/review-run-4/runner-stdout.txt")
        }  // the claim is dropped: its worker died
        try temp.place(Array("{}".utf8), as: "gone-1.running", in: "active")
        let orphans = try temp.spool.recoverOrphans(rules: testRules)
        #expect(orphans.map(\.id) == [job.id], "a sidecar is no orphan job")
        #expect(!temp.listing("active").contains("gone-1.running"), "a stray is removed")
        try orphans[0].retry(AttemptReport(reason: "worker exited during run"), at: nil)
        #expect(temp.listing("active").isEmpty)
        #expect(temp.spool.runningAttempt(of: job.id) == nil)
    }
}
