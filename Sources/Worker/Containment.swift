import Logging
import Runner
import Spool

/// SPEC §7: when a job ends, no process it started survives it, daemonized or not.
///
/// Every process a job starts carries its marker (`REVQ_JOB_ID=<id>` in its environment, see
/// ``RunnerEnvironment/jobMarker``), which a child inherits through `fork`, `setsid` and
/// `setpgid` alike. When the runner's own process group is gone, the processes still marked
/// with the job's id have escaped it (a runner that daemonized, or moved to a process group of
/// its own): their process groups are killed. Recovery does the same for the jobs of a worker
/// that died. Under systemd, the unit's `KillMode=mixed` also stops whatever is left in the
/// worker's cgroup when the service stops. A process that clears its own environment escapes
/// the marker; a cgroup per job would catch it (not built yet; see the README).
enum Containment {
    /// Kills the process groups still marked with `job`'s id; returns them.
    @discardableResult
    static func stopLeftovers(of job: JobID, context: WorkerContext) async -> [Int32] {
        let groups = leftoverProcessGroups(markedWith: job.rawValue)
        guard !groups.isEmpty else { return [] }
        let survivors = await killProcessGroups(groups)
        context.log(
            "killed processes the job left", job, level: .warning,
            ["groups": "\(groups.map(String.init).joined(separator: ","))", "survivors": "\(survivors.count)"])
        return groups
    }
}

extension JobExecutor {
    /// Runs the runner of `job` and stops every process it left behind (see ``Containment``).
    func runContained(_ invocation: RunnerInvocation, job: Job) async -> RunnerOutcome {
        let outcome = await Runner.run(invocation)
        await Containment.stopLeftovers(of: job.id, context: context)
        return outcome
    }
}
