import Foundation
import Glibc
import ReviewStore
import TestSupport
import Testing

/// A short version of `scripts/crash-test`: jobs through a worker SIGKILLed at random moments.
@Suite struct CrashTests {
    @Test func killingTheWorkerAgainAndAgainLosesNothingAndReviewsEachJobOnce() throws {
        let h = try WorkerHarness(config: "retry: {max_attempts: 10, backoff_base_s: 0, backoff_max_s: 0, jitter: 0}")
        defer { h.remove() }
        try h.setMode("random")
        let ids = try (0..<24).map { index in
            try h.enqueue([SampleKB.noteA, SampleKB.noteB, SampleKB.noteC][index % 3], [SampleKB.residue])
        }
        var generator = SystemRandomNumberGenerator()
        let kills = 6
        for _ in 0..<kills {
            let worker = try h.startWorker()
            // The kill moment is the fault being injected, random on purpose; nothing waits on it.
            Thread.sleep(forTimeInterval: Double.random(in: 0.05...0.6, using: &generator))
            kill(worker.processIdentifier, SIGKILL)
            worker.waitUntilExit()
        }
        #expect(try h.workOnce().status == 0)

        let store = try h.store()
        var repeated = 0
        for id in ids {
            #expect(h.files("done").contains("\(id).json"), "job \(id) is done")
            let runs = try store.runs(forJob: id).map(\.run)
            #expect(runs.filter { $0.status == .completed }.count == 1, "job \(id) has one completed run")
            #expect(runs.filter { $0.status == .failed }.allSatisfy { $0.failureReason == "worker exited during run" })
            if runs.count > 1 { repeated += 1 }
        }
        #expect(try store.runs(status: .running).isEmpty)
        #expect(repeated <= kills * 2, "only jobs in flight at a kill run twice")
        #expect(ids.allSatisfy { h.markedProcesses($0).isEmpty })
    }
}
