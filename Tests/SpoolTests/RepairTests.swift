import Foundation
import Glibc
import JSONText
import RevqTime
import Spool
import Testing

@Suite struct RepairTests {
    @Test func exhaustedRetriesFailAndOperatorRetryKeepsHistory() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        let job = reviewJob(maxAttempts: 2)
        _ = try temp.spool.enqueue(job, rules: testRules)
        let first = try #require(try temp.spool.claim(job.id.fileName, rules: testRules).claimed)
        #expect(try first.retry(AttemptReport(runIDs: [1], reason: "runner exited 1"), at: nil) == .new)
        let second = try #require(try temp.spool.claim(job.id.fileName, rules: testRules).claimed)
        #expect(second.attemptNumber == 2)
        let state = try second.retry(
            AttemptReport(runIDs: [2], reason: "runner exited 1", stderrTail: ["boom"]), at: Date().addingTimeInterval(60))
        #expect(state == .failed)
        let failed = try #require(try temp.spool.find(job.id.rawValue))
        #expect(failed.state == .failed)
        #expect(failed.failure?.reason == "runner exited 1 (attempt 2 of 2)")
        #expect(failed.failure?.runIDs == [1, 2])
        #expect(failed.failure?.stderrTail == ["boom"])
        #expect(failed.job?.history.map(\.outcome) == [.retrying, .failed])

        #expect(try temp.spool.retry(job.id.fileName, rules: testRules) == .requeued(job.id))
        #expect(temp.listing("failed").isEmpty)
        let revived = try #require(try temp.spool.find(job.id.rawValue))
        #expect(revived.state == .new)
        #expect(revived.job?.attempts == 0)
        #expect(revived.job?.history.map(\.runIDs) == [[1], [2]])
        let third = try #require(try temp.spool.claim(job.id.fileName, rules: testRules).claimed)
        #expect(third.attemptNumber == 3)
    }

    @Test func postponingSpendsNoAttempt() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        let job = reviewJob(maxAttempts: 1)
        _ = try temp.spool.enqueue(job, rules: testRules)
        let claimed = try #require(try temp.spool.claim(job.id.fileName, rules: testRules).claimed)
        let until = Date().addingTimeInterval(600)
        #expect(try claimed.postpone(AttemptReport(reason: "out of extra usage"), until: until, because: .deferred) == .deferred)
        let record = try #require(try temp.spool.find(job.id.rawValue))
        #expect(record.job?.attempts == 0)
        #expect(record.job?.notBefore == Timestamp.wholeSeconds(until))
    }

    @Test func holdReleaseAndCancel() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        let job = reviewJob(key: "once")
        _ = try temp.spool.enqueue(job, rules: testRules)
        try temp.spool.hold(job.id)
        #expect(temp.listing("hold") == [job.id.fileName])
        #expect(throws: SpoolError.wrongState(name: job.id.rawValue, state: .hold, expected: [.new, .deferred])) {
            try temp.spool.hold(job.id)
        }
        #expect(try temp.spool.release(job.id) == .new)
        try temp.spool.cancel(job.id)
        let record = try #require(try temp.spool.find(job.id.rawValue))
        #expect(record.state == .failed && record.failure?.reason == "cancelled by operator")
        #expect(try temp.spool.enqueue(reviewJob(key: "once"), rules: testRules).existing == false)
    }

    @Test func aRunningJobIsAskedToStopAndAnOrphanIsCancelledAtOnce() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        let (running, orphan) = (reviewJob(), reviewJob())
        _ = try temp.spool.enqueue([running, orphan], rules: testRules)
        let claimed = try #require(try temp.spool.claim(running.id.fileName, rules: testRules).claimed)
        claimed.recordRunning(runIDs: [7], artifactsDirectory: "/tmp/run-7")
        #expect(try temp.spool.cancel(running.id) == .requested)
        #expect(temp.spool.cancelRequested(running.id))
        #expect(temp.spool.runningAttempt(of: running.id)?.runIDs == [7])
        #expect(try temp.spool.names(in: .active) == [running.id.fileName], "sidecars are not jobs")
        try claimed.fail(AttemptReport(reason: "cancelled by operator"))
        #expect(temp.listing("active").isEmpty, "the sidecars leave with the job")

        _ = try #require(try temp.spool.claim(orphan.id.fileName, rules: testRules).claimed)  // dropped: its worker died
        #expect(try temp.spool.cancel(orphan.id) == .cancelled)
        #expect(try temp.spool.find(orphan.id.rawValue)?.failure?.reason == "cancelled by operator")
    }

    @Test func purgeRemovesOnlyWhatItWasAskedTo() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        let jobs = (0..<3).map { _ in reviewJob() }
        _ = try temp.spool.enqueue(jobs, rules: testRules)
        let old = try #require(try temp.spool.claim(jobs[0].id.fileName, rules: testRules).claimed)
        try old.finish(AttemptReport(), result: .null)
        let recent = try #require(try temp.spool.claim(jobs[1].id.fileName, rules: testRules).claimed)
        try recent.finish(AttemptReport(), result: .null)
        let failed = try #require(try temp.spool.claim(jobs[2].id.fileName, rules: testRules).claimed)
        try failed.fail(AttemptReport(reason: "x"))
        let aged = timespec(tv_sec: time(nil) - 10 * 86_400, tv_nsec: 0)
        for name in [jobs[0].id.rawValue + ".json", jobs[0].id.rawValue + ".result.json"] {
            var times = [aged, aged]
            utimensat(AT_FDCWD, temp.path("done", name), &times, AT_SYMLINK_NOFOLLOW)
        }
        var times = [aged, aged]
        utimensat(AT_FDCWD, temp.path("failed", jobs[2].id.rawValue + ".error.json"), &times, 0)

        let result = try temp.spool.purge(.done, olderThan: 7 * 86_400)
        #expect(result.removed == [jobs[0].id.fileName])
        #expect(temp.listing("done") == [jobs[1].id.rawValue + ".json", jobs[1].id.rawValue + ".result.json"])
        #expect(temp.listing("failed").count == 2)
        #expect(throws: SpoolError.self) { try temp.spool.purge(.new, olderThan: 0) }
    }

    @Test func anIdempotencyKeyReturnsTheLiveJob() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        let first = try temp.spool.enqueue(reviewJob(key: "review:kb/notes/a.md"), rules: testRules)
        let again = try temp.spool.enqueue(reviewJob(key: "review:kb/notes/a.md"), rules: testRules)
        #expect(again == EnqueueResult(id: first.id, state: .new, existing: true))
        let batch = try temp.spool.enqueue([reviewJob(key: "b"), reviewJob(key: "b")], rules: testRules)
        #expect(batch[1].id == batch[0].id && batch[1].existing)
        #expect(temp.listing("new").count == 2)

        let claimed = try #require(try temp.spool.claim(first.id.fileName, rules: testRules).claimed)
        #expect(try temp.spool.enqueue(reviewJob(key: "review:kb/notes/a.md"), rules: testRules).existing)
        try claimed.finish(AttemptReport(), result: .null)
        let fresh = try temp.spool.enqueue(reviewJob(key: "review:kb/notes/a.md"), rules: testRules)
        #expect(!fresh.existing && fresh.id != first.id)
    }
}
