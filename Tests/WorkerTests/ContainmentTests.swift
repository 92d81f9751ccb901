import Foundation
import Glibc
import TestSupport
import Testing

/// SPEC §7: when a job ends, no process it started survives it, daemonized or not.
@Suite struct ContainmentTests {
    @Test(arguments: ["daemonize", "setpgid"])
    func aRunnerThatLeavesItsProcessGroupDoesNotOutliveItsJob(mode: String) async throws {
        let h = try WorkerHarness.inProcess()
        defer { h.remove() }
        try h.setMode(mode)
        let worker = try InProcessWorker(h)
        let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue])
        #expect(await eventually(within: 30) { h.files("done").contains("\(id).json") })
        let escaped = try String(contentsOf: h.bin.appendingPathComponent("escaped"), encoding: .utf8)
        let pid = try #require(Int32(escaped.trimmingCharacters(in: .whitespacesAndNewlines)), "the runner's escapee started")
        #expect(getpgid(pid) == -1 || getpgid(pid) == pid, "it had left the runner's process group")
        #expect(h.markedProcesses(id).isEmpty, "nothing the job started is left")
        #expect(kill(pid, 0) == -1 && errno == ESRCH)
        #expect(await worker.stop() == nil)
    }
}
