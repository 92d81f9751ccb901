import Foundation
import Spool
import Testing

/// `<id>.error.json` stays small whatever the runner wrote, and a failed job always has a reason.
@Suite struct FailureReportTests {
    @Test func theStderrTailIsCappedKeepingItsEnd() throws {
        let huge = String(repeating: "é", count: 4_000_000) + "END"
        let report = FailureReport(reason: "codex exited 3", stderrTail: ["first", huge, "last"])
        let kept = report.stderrTail.joined().utf8.count
        #expect(kept <= FailureReport.stderrTailBytes + 3, "at most the cap and the cut mark: \(kept)")
        #expect(report.stderrTail.last == "last")
        #expect(report.stderrTail.first?.hasPrefix("…") == true && report.stderrTail.first?.hasSuffix("éEND") == true)
        #expect(!report.stderrTail.contains("first"), "older lines beyond the cap are dropped")
    }

    @Test func aFailedJobWithoutAReadableReportShowsItsLastReason() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        let job = reviewJob(maxAttempts: 1)
        _ = try temp.spool.enqueue(job, rules: testRules)
        let claimed = try #require(try temp.spool.claim(job.id.fileName, rules: testRules).claimed)
        try claimed.fail(AttemptReport(reason: "codex exited 3", stderrTail: [String(repeating: "x", count: 9_000_000)]))
        #expect((temp.bytes("failed", job.id.rawValue + ".error.json")?.count ?? .max) < 8192)
        // An 8 MiB report of an older worker cannot be read whole: the reason comes from the history.
        try temp.place(Array(repeating: UInt8(ascii: "x"), count: 2_000_000), as: job.id.rawValue + ".error.json", in: "failed")
        #expect(try temp.spool.find(job.id.rawValue)?.failure?.reason == "codex exited 3")
    }
}
