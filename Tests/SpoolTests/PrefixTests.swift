import Foundation
import Spool
import Testing

/// Job ids an operator types: any unique prefix, over every state.
@Suite struct PrefixTests {
    func job(_ id: String) -> Job {
        let base = reviewJob()
        return Job(id: JobID(id)!, work: base.work, runner: base.runner, model: base.model)
    }

    @Test func aUniquePrefixNamesItsJobInWhateverStateItIs() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        _ = try temp.spool.enqueue([job("alpha-1"), job("beta-1")], rules: testRules)
        try temp.spool.hold(JobID("beta-1")!)
        #expect(try temp.spool.resolve("al") == .found(name: "alpha-1.json", state: .new))
        #expect(try temp.spool.resolve("b") == .found(name: "beta-1.json", state: .hold))
        #expect(try temp.spool.resolve("gamma") == .unknown)
        #expect(try temp.spool.resolve("") == .unknown)
    }

    @Test func anAmbiguousPrefixListsItsCandidatesAndAnExactIdWins() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        _ = try temp.spool.enqueue([job("sweep"), job("sweep-b1"), job("sweep-b2")], rules: testRules)
        #expect(try temp.spool.resolve("sweep-") == .ambiguous(["sweep-b1", "sweep-b2"]))
        #expect(try temp.spool.resolve("sweep") == .found(name: "sweep.json", state: .new), "a sweep's id over its batches'")
    }

    @Test func sidecarsOfActiveJobsAreNotIds() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        _ = try temp.spool.enqueue([job("run-1")], rules: testRules)
        let claimed = try #require(try temp.spool.claim("run-1.json", rules: testRules).claimed)
        claimed.recordRunning(runIDs: [3], artifactsDirectory: "/tmp/x")
        #expect(try temp.spool.resolve("run") == .found(name: "run-1.json", state: .active))
        try claimed.fail(AttemptReport(reason: "x"))
    }
}
