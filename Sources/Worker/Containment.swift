import Logging
import RevqConfig
import Runner
import Spool

/// SPEC §7: when a job ends, no process it started survives it, daemonized or not.
///
/// Two mechanisms, chosen by the `containment` setting (``ContainmentMode``, `auto` by default):
///
/// - **A cgroup per job** where this process may create cgroups under its own (systemd with
///   `Delegate=yes`; root). The runner starts inside `<own cgroup>/job-<id>` (``JobCgroup``), so
///   everything it starts is in there too, whatever it does with sessions, process groups or its
///   environment. When the runner has ended (exit, timeout, stop), the cgroup is killed, waited
///   for until empty and removed. This catches every process, including one that clears its
///   environment; it cannot catch a process handed to another service (a systemd unit started
///   over D-Bus, a job given to `at`), which is outside the worker's subtree.
/// - **The job's marker** otherwise. Every process a job starts carries `REVQ_JOB_ID=<id>` in its
///   environment (``RunnerEnvironment/jobMarker``), which a child inherits through `fork`,
///   `setsid` and `setpgid` alike. When the runner's own process group is gone, the process
///   groups of processes still marked with the job's id are killed. A process that clears or
///   replaces its environment before it is found escapes this.
///
/// Recovery of a dead worker's job uses both: it kills and removes the job's leftover cgroup
/// and kills what still carries its marker. Under systemd, `KillMode=mixed` also stops whatever
/// is left in the service's cgroup when the service stops.
enum Containment {
    /// This process's cgroup tree, looked up once: a process's own cgroup does not change under it.
    static let ownTree = CgroupTree.own()

    /// The tree job cgroups are made in under `mode`; nil: the marker applies.
    static func tree(for mode: ContainmentMode) -> CgroupTree? {
        mode == .marker ? nil : try? ownTree.get()
    }

    /// Logs which mechanism applies; throws when the config asks for cgroups that cannot be made here.
    static func announce(_ context: WorkerContext) throws {
        let mode = context.config.containment
        switch (mode, ownTree) {
        case (.marker, _):
            context.logger.info("containment: job marker", metadata: ["reason": "containment: marker in the config"])
        case (_, .success(let tree)):
            context.logger.info("containment: a cgroup per job", metadata: ["under": "\(tree.path)"])
        case (.auto, .failure(let why)):
            context.logger.notice("containment: job marker", metadata: ["reason": "\(why)"])
        case (.cgroup, .failure(let why)):
            throw ContainmentUnavailable(reason: why.description)
        }
    }

    /// Stops whatever a job whose worker died left: its cgroup, when cgroups are in use, and the
    /// process groups still marked with its id; returns those groups.
    @discardableResult
    static func stopLeftovers(of job: JobID, context: WorkerContext) async -> [Int32] {
        if let tree = tree(for: context.config.containment) {
            let cgroup = JobCgroup(job: job.rawValue, in: tree)
            if cgroup.exists { report(await cgroup.stop(), of: cgroup, job: job, context: context) }
        }
        let groups = leftoverProcessGroups(markedWith: job.rawValue)
        guard !groups.isEmpty else { return [] }
        let survivors = await killProcessGroups(groups)
        context.log(
            "killed processes the job left", job, level: .warning,
            ["groups": "\(groups.map(String.init).joined(separator: ","))", "survivors": "\(survivors.count)"])
        return groups
    }

    /// Logs a cgroup stop that had something to do or did not finish.
    static func report(_ end: JobCgroupEnd, of cgroup: JobCgroup, job: JobID, context: WorkerContext) {
        guard end.killed > 0 || !end.removed else { return }
        context.log(
            end.removed ? "killed processes the job left" : "cannot remove the job's cgroup", job, level: .warning,
            ["cgroup": "\(cgroup.path)", "killed": "\(end.killed)", "emptied": "\(end.emptied)"])
    }
}

/// `containment: cgroup` where this process cannot create cgroups.
struct ContainmentUnavailable: Error, CustomStringConvertible {
    let reason: String
    var description: String { "containment: cgroup is configured, but \(reason)" }
}

extension JobExecutor {
    /// Runs the runner of `job` and stops every process it left behind (see ``Containment``);
    /// an operator's cancel stops it early (``stoppingOnCancel(_:_:)``). `onStart` is called
    /// once the runner runs (not when it cannot start), before its output is read.
    /// A job whose cgroup cannot be created falls back to its marker, with a warning.
    func runContained(_ invocation: RunnerInvocation, job: Job, onStart: @escaping @Sendable () -> Void) async -> RunnerOutcome {
        if let tree = Containment.tree(for: context.config.containment) {
            let cgroup = JobCgroup(job: job.id.rawValue, in: tree)
            do {
                try cgroup.create()
                var contained = invocation
                contained.cgroup = cgroup.path
                let outcome = await stoppingOnCancel(job.id) { [contained] in await Runner.run(contained) { _ in onStart() } }
                Containment.report(await cgroup.stop(), of: cgroup, job: job.id, context: context)
                return outcome
            } catch {
                context.log("containment: job marker for this job", job.id, level: .warning, ["reason": "\(error)"])
            }
        }
        let outcome = await stoppingOnCancel(job.id) { await Runner.run(invocation) { _ in onStart() } }
        await Containment.stopLeftovers(of: job.id, context: context)
        return outcome
    }
}
