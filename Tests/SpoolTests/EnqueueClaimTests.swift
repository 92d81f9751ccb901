import Foundation
import Glibc
import JSONText
import Spool
import Testing

@Suite struct EnqueueClaimTests {
    @Test func durableEnqueueClaimAndFinish() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        let job = reviewJob()
        let result = try temp.spool.enqueue(job, rules: testRules)
        #expect(result == EnqueueResult(id: job.id, state: .new, existing: false))
        #expect(temp.listing("new") == [job.id.fileName])
        #expect(temp.listing("tmp").isEmpty)
        var info = stat()
        stat(temp.spool.root + "/new", &info)
        #expect(info.st_mode & 0o777 == 0o770)

        let claimed = try #require(try temp.spool.claim(job.id.fileName, rules: testRules).claimed)
        #expect(claimed.job == job)
        #expect(temp.listing("new").isEmpty && temp.listing("active") == [job.id.fileName])
        try claimed.finish(AttemptReport(runIDs: [7]), result: .object([("reviewed", .integer(1))]))
        #expect(temp.listing("active").isEmpty)
        #expect(temp.listing("done") == [job.id.rawValue + ".json", job.id.rawValue + ".result.json"])
        let done = try #require(try temp.spool.find(job.id.rawValue))
        #expect(done.state == .done)
        #expect(done.job?.attempts == 1)
        #expect(done.job?.history.map(\.outcome) == [.completed])
        #expect(done.job?.runIDs == [7])
        #expect(done.result == .object([("reviewed", .integer(1))]))
        #expect(throws: SpoolError.alreadyReleased(id: job.id)) { try claimed.fail(AttemptReport()) }
    }

    @Test func aFutureNotBeforeWaitsInDeferredUntilPromoted() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        var job = reviewJob()
        let now = Date()
        job.notBefore = now.addingTimeInterval(60)
        #expect(try temp.spool.enqueue(job, rules: testRules, now: now).state == .deferred)
        var deferred = JobIndex(state: .deferred)
        try deferred.refresh(from: temp.spool)
        #expect(try temp.spool.promoteDue(from: &deferred, now: now).isEmpty)
        try deferred.refresh(from: temp.spool)
        #expect(try temp.spool.promoteDue(from: &deferred, now: now.addingTimeInterval(61)) == [job.id.fileName])
        #expect(temp.listing("new") == [job.id.fileName])
    }

    @Test func batchEnqueueWritesEveryJobOnce() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        let jobs = (0..<50).map { reviewJob(note: "kb/notes/n\($0).md") }
        let results = try temp.spool.enqueue(jobs, rules: testRules)
        #expect(results.map(\.id) == jobs.map(\.id))
        #expect(temp.listing("new") == jobs.map(\.id.fileName).sorted())
        #expect(temp.listing("tmp").isEmpty)
    }

    @Test func anInvalidJobIsRefusedBeforeAnythingIsWritten() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        let good = reviewJob()
        let bad = reviewJob(note: "../etc/passwd")
        #expect(throws: SpoolError.self) { try temp.spool.enqueue([good, bad], rules: testRules) }
        #expect(temp.listing("new").isEmpty)
    }

    @Test func claimOrderIsPriorityThenFIFO() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        let low = reviewJob(priority: 0)
        let high = reviewJob(priority: 5)
        let lowLater = reviewJob(priority: 0)
        _ = try temp.spool.enqueue([low, high, lowLater], rules: testRules)
        var index = JobIndex()
        try index.refresh(from: temp.spool)
        #expect(index.count == 3)
        var claimed: [JobID] = []
        while let job = try temp.spool.claimNext(from: &index, rules: testRules) { claimed.append(job.id) }
        #expect(claimed == [high, low, lowLater].map(\.id))
        #expect(index.isEmpty)
    }

    @Test func statusCountsAndOldestReadyComeFromNamesOnly() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        let jobs = [reviewJob(), reviewJob()]
        _ = try temp.spool.enqueue(jobs, rules: testRules)
        try temp.place(Array("garbage".utf8), as: "zz-unreadable.json")
        try temp.place(Array("{}".utf8), as: ".ignored-dotfile")
        let counts = try temp.spool.counts()
        #expect(counts[.new] == 3 && counts[.failed] == 0)
        #expect(try temp.spool.oldestReady()?.id == jobs[0].id)
        #expect(try Spool(root: temp.base + "/absent").counts()[.new] == 0)
        #expect(!FileManager.default.fileExists(atPath: temp.base + "/absent"))
    }

    @Test func twoClaimersOnOneFileExactlyOneWins() async throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        for _ in 0..<200 {
            let job = reviewJob()
            _ = try temp.spool.enqueue(job, rules: testRules)
            let spool = temp.spool
            let outcomes = try await withThrowingTaskGroup(of: ClaimedJob?.self) { group in
                for _ in 0..<2 { group.addTask { try spool.claim(job.id.fileName, rules: testRules).claimed } }
                return try await group.reduce(into: [ClaimedJob?]()) { $0.append($1) }
            }
            let winners = outcomes.compactMap { $0 }
            #expect(winners.count == 1)
            try winners.first?.finish(AttemptReport(), result: .null)
        }
        #expect(temp.listing("done").count == 400)
    }
}
