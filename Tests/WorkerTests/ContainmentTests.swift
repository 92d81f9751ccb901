import Foundation
import Glibc
import Runner
import TestSupport
import Testing

/// SPEC §7: when a job ends, no process it started survives it, daemonized or not.
@Suite struct ContainmentTests {
    /// This process's cgroup tree, or nil (with the reason) where cgroup v2 is not writable.
    static let tree = try? CgroupTree.own().get()
    static let noCgroups = "cgroup v2 is not writable here: \(CgroupTree.own())"

    /// Runs one job whose runner leaves a process by `mode` and checks that nothing is left.
    func runEscapingJob(mode: String, containment: String) async throws -> String {
        let h = try WorkerHarness.inProcess(config: "containment: \(containment)\n")
        defer { h.remove() }
        try h.setMode(mode)
        let worker = try InProcessWorker(h)
        let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue])
        #expect(await eventually(within: 30) { h.files("done").contains("\(id).json") })
        let escaped = try String(contentsOf: h.bin.appendingPathComponent("escaped"), encoding: .utf8)
        let pid = try #require(Int32(escaped.trimmingCharacters(in: .whitespacesAndNewlines)), "the runner's escapee started")
        #expect(getpgid(pid) == -1 || getpgid(pid) != getpgrp(), "it had left the runner's process group")
        #expect(h.markedProcesses(id).isEmpty, "nothing the job started is left")
        #expect(kill(pid, 0) == -1 && errno == ESRCH, "the escapee is gone and reaped")
        #expect(await worker.stop() == nil)
        return id
    }

    @Test(arguments: ["daemonize", "setpgid"])
    func theMarkerStopsARunnerThatLeavesItsProcessGroup(mode: String) async throws {
        _ = try await runEscapingJob(mode: mode, containment: "marker")
    }

    @Test(.enabled(if: tree != nil, Comment(rawValue: noCgroups)), arguments: ["daemonize", "setpgid", "clearenv"])
    func aCgroupPerJobStopsEveryEscapeeEvenOneWithoutTheMarker(mode: String) async throws {
        let id = try await runEscapingJob(mode: mode, containment: "cgroup")
        let cgroup = JobCgroup(job: id, in: try #require(Self.tree))
        #expect(!cgroup.exists, "the job's cgroup is removed")
    }

    @Test(.enabled(if: tree != nil, Comment(rawValue: noCgroups)))
    func recoveryKillsAndRemovesTheCgroupOfADeadWorkersJob() throws {
        let h = try WorkerHarness(config: "containment: cgroup\n")
        defer { h.remove() }
        let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue])
        let worker = try h.startWorkerWithRunnerInFlight()
        kill(worker.processIdentifier, SIGKILL)
        worker.waitUntilExit()
        // The dead worker was in this process's cgroup, so its job cgroups are under the same tree.
        let cgroup = JobCgroup(job: id, in: try #require(Self.tree))
        #expect(!cgroup.processes.isEmpty, "the runner outlives the worker in the job's cgroup")

        try h.setMode("ok")
        #expect(try h.workOnce().status == 0)
        #expect(!cgroup.exists, "recovery killed the job's cgroup and removed it")
        #expect(h.markedProcesses(id).isEmpty)
        #expect(try h.jobFile("done", id)["attempts"] as? Int == 2)
    }
}
