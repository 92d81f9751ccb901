import Foundation
import Glibc
import ReviewStore
import TestSupport
import Testing

/// `revq spool cancel` of a running job: its worker stops the runner's process group, fails the
/// job and its run with `cancelled by operator`, and goes on working.
@Suite struct CancelTests {
    @Test func cancellingARunningJobStopsItsRunnerAndFailsJobAndRun() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue])
        let worker = try h.startWorkerWithRunnerInFlight()
        defer {
            worker.terminate()
            worker.waitUntilExit()
        }
        #expect(!h.markedProcesses(id).isEmpty, "the runner runs")
        let cancel = try h.revq(["spool", "cancel", String(id.prefix(30))])
        #expect(cancel.status == 0, "\(cancel.stderr)")
        #expect(cancel.stdout == "cancelled \(id) (its runner was stopped)\n")
        #expect(h.files("failed") == ["\(id).error.json", "\(id).json"])
        #expect(h.files("active").isEmpty, "no sidecar is left")
        #expect(try h.revq(["spool", "show", id, "--json"]).stdout.contains(#""reason":"cancelled by operator""#))
        let run = try #require(try h.store().runs(forJob: id).first?.run)
        #expect(run.status == .failed && run.failureReason == "cancelled by operator")
        #expect(eventually(10) { h.markedProcesses(id).isEmpty }, "the runner's processes are gone")
        #expect(worker.isRunning, "the worker goes on")
        try h.setMode("ok")
        let next = try h.enqueue(SampleKB.noteC, [SampleKB.residue])
        #expect(eventually(20) { h.files("done").contains("\(next).json") }, "and works the next job")
    }
}
