import Foundation
import Glibc
import Spool
import Testing

/// Issue 13: the index of `new/` orders names that carry their priority without reading their
/// files, and reads the others as before.
@Suite struct JobIndexTests {
    /// Claims every job of `index`, in the order claimed.
    func claimAll(_ index: inout JobIndex, from spool: Spool) throws -> [JobID] {
        var claimed: [JobID] = []
        while let job = try spool.claimNext(from: &index, rules: testRules) { claimed.append(job.id) }
        return claimed
    }

    @Test func aHigherPriorityEnqueuedAfterAThousandJobsIsClaimedFirstAndEachPriorityIsFIFO() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        let backlog = (0..<1_000).map { _ in reviewJob(priority: 1) }
        _ = try temp.spool.enqueue(backlog, rules: testRules)
        let urgent = reviewJob(priority: 9)
        _ = try temp.spool.enqueue(urgent, rules: testRules)
        var index = JobIndex()
        try index.refresh(from: temp.spool)
        let later = reviewJob(priority: 5)
        _ = try temp.spool.enqueue(later, rules: testRules)
        index.insert(later.id.fileName, from: temp.spool)
        #expect(index.count == 1_002)
        var claimed: [JobID] = []
        for _ in 0..<5 { claimed.append(try #require(try temp.spool.claimNext(from: &index, rules: testRules)).id) }
        #expect(claimed == [urgent.id, later.id] + backlog.prefix(3).map(\.id))
        #expect(index.count == 997)
    }

    @Test func mixedPrioritiesComeOutInClaimOrder() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        let jobs = (0..<200).map { reviewJob(priority: ($0 * 7) % 5 - 2) }
        var index = JobIndex()
        _ = try temp.spool.enqueue(Array(jobs[..<100]), rules: testRules)
        try index.refresh(from: temp.spool)
        for job in jobs[100...] {
            _ = try temp.spool.enqueue(job, rules: testRules)
            index.insert(job.id.fileName, from: temp.spool)
        }
        let expected = jobs.sorted { $0.priority != $1.priority ? $0.priority > $1.priority : $0.id < $1.id }.map(\.id)
        #expect(try claimAll(&index, from: temp.spool) == expected)
        #expect(index.isEmpty)
    }

    @Test func oldStyleNamesAreReadForTheirPriorityAndOrderedWithTheNewOnes() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        let old = reviewJob(id: "20261122T101500.123456Z-0000001-abcdef", priority: 5)
        let chosen = reviewJob(id: "pickup-000001", priority: 0)
        let chosenUrgent = reviewJob(id: "pickup-000002", priority: 7)
        for job in [old, chosen, chosenUrgent] { try temp.place(JobFile.encode(job), as: job.id.fileName) }
        let new = [9, 5, 0].map { reviewJob(priority: $0) }
        _ = try temp.spool.enqueue(new, rules: testRules)
        var index = JobIndex()
        try index.refresh(from: temp.spool)
        // Within priority 5 the old name sorts first (an older time); within 0, digits before `p`.
        #expect(try claimAll(&index, from: temp.spool) == [new[0], chosenUrgent, old, new[1], new[2], chosen].map(\.id))
    }

    /// The proof that such a file is not read: its content says another priority, and the name's wins.
    @Test func theNameOrdersAJobWhoseNameCarriesAPriority() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        var misnamed = reviewJob(priority: 5)
        misnamed.id = JobID.generate(priority: 1)
        let middle = reviewJob(priority: 3)
        _ = try temp.spool.enqueue([misnamed, middle], rules: testRules)
        var index = JobIndex()
        try index.refresh(from: temp.spool)
        #expect(try claimAll(&index, from: temp.spool) == [middle.id, misnamed.id])
    }

    @Test func aDefectiveFileWithAnEncodedNameIsQuarantinedAtItsClaimAndTheNextJobIsClaimed() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        let bad = JobID.generate(priority: 9).fileName
        try temp.place(Array("{\"version\":".utf8), as: bad)
        let good = reviewJob(priority: 0)
        _ = try temp.spool.enqueue(good, rules: testRules)
        var index = JobIndex()
        try index.refresh(from: temp.spool)
        #expect(index.takeDefective().isEmpty, "not read up front")
        #expect(try temp.spool.claimNext(from: &index, rules: testRules)?.id == good.id)
        #expect(index.isEmpty)
        #expect(temp.listing("failed") == [bad.replacingOccurrences(of: ".json", with: ".error.json"), bad].sorted())
        #expect(try temp.spool.find(bad)?.failure?.reason.contains("not JSON") == true)
    }

    @Test func aBusyJobIsSkippedAndClaimedOnceFree() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        let first = reviewJob(priority: 2)
        let second = reviewJob(priority: 1)
        _ = try temp.spool.enqueue([first, second], rules: testRules)
        var index = JobIndex()
        try index.refresh(from: temp.spool)
        let holder = open(temp.path("new", first.id.fileName), O_RDONLY)
        #expect(flock(holder, LOCK_EX) == 0)
        #expect(try temp.spool.claimNext(from: &index, rules: testRules)?.id == second.id)
        #expect(try temp.spool.claimNext(from: &index, rules: testRules) == nil)
        #expect(index.count == 1, "the busy job stays in the index")
        close(holder)
        #expect(try temp.spool.claimNext(from: &index, rules: testRules)?.id == first.id)
        #expect(index.isEmpty)
    }

    /// Names removed without a claim stay in the index's name table until it is rebuilt; the
    /// order and the names survive the rebuild.
    @Test func removingMostNamesRebuildsTheStoreAndKeepsTheOrder() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        let jobs = (0..<3_000).map { reviewJob(priority: $0 % 3) }
        _ = try temp.spool.enqueue(jobs, rules: testRules)
        var index = JobIndex()
        try index.refresh(from: temp.spool)
        let kept = Set(jobs.indices.filter { $0 % 10 == 0 }.map { jobs[$0].id })
        for job in jobs where !kept.contains(job.id) { index.remove(job.id.fileName) }
        #expect(index.count == kept.count)
        index.remove("not-indexed.json")
        let expected = jobs.filter { kept.contains($0.id) }
            .sorted { $0.priority != $1.priority ? $0.priority > $1.priority : $0.id < $1.id }.map(\.id)
        #expect(try claimAll(&index, from: temp.spool) == expected)
    }

    /// Copies of an index share its tables until one changes; each stays whole.
    @Test func aCopyOfAnIndexIsIndependent() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        let first = reviewJob(priority: 1)
        _ = try temp.spool.enqueue(first, rules: testRules)
        var index = JobIndex()
        try index.refresh(from: temp.spool)
        var copy = index
        let second = reviewJob(priority: 5)
        _ = try temp.spool.enqueue(second, rules: testRules)
        copy.insert(second.id.fileName, from: temp.spool)
        index.remove(first.id.fileName)
        #expect(index.isEmpty && copy.count == 2)
        try index.refresh(from: temp.spool)
        #expect(index.count == 2)
        #expect(try claimAll(&copy, from: temp.spool) == [second.id, first.id])
    }

    /// A claim that finds most of the queue claimed by others removes those names, which would
    /// rebuild the index and number its jobs anew; the busy job it holds meanwhile is put back
    /// whole and claimed later.
    @Test func aBusyJobSurvivesTheRebuildItsLostNeighboursCause() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        let busy = reviewJob(priority: 9)
        let others = (0..<2_000).map { _ in reviewJob(priority: 1) }
        let last = reviewJob(priority: 0)
        _ = try temp.spool.enqueue([busy] + others + [last], rules: testRules)
        var index = JobIndex()
        try index.refresh(from: temp.spool)
        let holder = open(temp.path("new", busy.id.fileName), O_RDONLY)
        #expect(flock(holder, LOCK_EX) == 0)
        let elsewhere = temp.spool.root + "/taken"
        #expect(mkdir(elsewhere, 0o755) == 0)
        for job in others { #expect(rename(temp.path("new", job.id.fileName), elsewhere + "/" + job.id.fileName) == 0) }
        #expect(try temp.spool.claimNext(from: &index, rules: testRules)?.id == last.id)
        #expect(index.count == 1, "the busy job is back in the index")
        index.remove("not-indexed.json")
        close(holder)
        #expect(try claimAll(&index, from: temp.spool) == [busy.id])
        #expect(index.isEmpty)
    }

    /// A refresh forgets the names whose files are gone and keeps the others in claim order.
    @Test func aRefreshForgetsNamesThatAreGone() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        let jobs = (0..<10).map { reviewJob(priority: $0 % 2) }
        _ = try temp.spool.enqueue(jobs, rules: testRules)
        var index = JobIndex()
        try index.refresh(from: temp.spool)
        for job in jobs[..<5] { #expect(unlink(temp.path("new", job.id.fileName)) == 0) }
        let late = reviewJob(priority: 1)
        _ = try temp.spool.enqueue(late, rules: testRules)
        try index.refresh(from: temp.spool)
        #expect(index.count == 6)
        let expected = (Array(jobs[5...]) + [late]).sorted { $0.priority != $1.priority ? $0.priority > $1.priority : $0.id < $1.id }.map(\.id)
        #expect(try claimAll(&index, from: temp.spool) == expected)
    }
}
