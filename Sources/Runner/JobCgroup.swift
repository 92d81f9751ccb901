import CLinuxShims
import Glibc

/// One job's cgroup, `<tree>/job-<id>`: the runner is started inside it (``ProcessLaunch/cgroup``),
/// so everything the runner starts is in it too, whatever it does with sessions, process groups
/// or its environment; ``stop(wait:)`` then ends all of it at once.
public struct JobCgroup: Sendable, Equatable {
    /// The cgroup's directory.
    public let path: String
    /// Its name as `/proc/<pid>/cgroup` shows it.
    let name: String

    /// The cgroup of `job` under `tree`, whether or not it exists.
    public init(job: String, in tree: CgroupTree) {
        (path, name) = tree.child("job-" + job)
    }

    /// Whether the cgroup exists (a job whose worker died leaves its cgroup behind).
    public var exists: Bool { access(path, F_OK) == 0 }

    /// Creates the cgroup; one left by an earlier try of the same job is reused.
    public func create() throws(CgroupUnavailable) {
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw CgroupUnavailable("cannot create \(path): \(errnoText())")
        }
    }

    /// Kills every process in the cgroup (`cgroup.kill`, which also catches processes forking
    /// at that moment), waits up to `wait` until `cgroup.events` says `populated 0`, reaps the
    /// killed processes that were re-parented to this process (a child subreaper, see
    /// ``Spawner``) and removes the cgroup. A missing cgroup is already stopped.
    public func stop(wait: Duration = .seconds(2)) async -> JobCgroupEnd {
        guard exists else { return JobCgroupEnd(killed: 0, emptied: true, removed: true) }
        let killed = processes.count
        if killed > 0 { writeKill() }
        let deadline = ContinuousClock.now + wait
        while isPopulated, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        let emptied = !isPopulated
        reapAdoptedZombies()
        let removed = rmdir(path) == 0 || errno == ENOENT
        // A killed process may re-parent its own zombie children a moment after the cgroup empties.
        reapAdoptedZombies()
        return JobCgroupEnd(killed: killed, emptied: emptied, removed: removed)
    }

    /// The live processes in the cgroup (`cgroup.procs` lists no zombies).
    public var processes: [Int32] {
        (readText(path + "/cgroup.procs") ?? "").split(separator: "\n").compactMap { Int32($0) }
    }

    private var isPopulated: Bool {
        guard let events = readText(path + "/cgroup.events") else { return false }
        return events.split(separator: "\n").contains("populated 1")
    }

    private func writeKill() {
        let fd = open(path + "/cgroup.kill", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = write(fd, "1", 1)
        close(fd)
    }

    /// Reaps this process's zombie children that belonged to this cgroup. Only this job's
    /// processes are touched: a zombie cannot be recycled before it is reaped, and no other
    /// part of the worker waits for a process of a job whose runner has already ended.
    private func reapAdoptedZombies() {
        for child in ownChildren() where isZombie(child) && readText("/proc/\(child)/cgroup")?.contains("0::\(name)\n") == true {
            _ = revq_reap_if_exited(child)
        }
    }
}

/// What ``JobCgroup/stop(wait:)`` did.
public struct JobCgroupEnd: Sendable, Equatable {
    /// Processes that were still in the cgroup and were killed.
    public var killed: Int
    /// Whether the cgroup was empty before the wait ran out.
    public var emptied: Bool
    /// Whether the cgroup directory is gone.
    public var removed: Bool
}

/// The pids of this process's children: the `children` file of each of its threads (a
/// re-parented orphan becomes the child of whichever thread the kernel picks).
func ownChildren() -> [Int32] {
    var children: [Int32] = []
    guard let directory = opendir("/proc/self/task") else { return [] }
    defer { closedir(directory) }
    while let entry = readdir(directory) {
        let task = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        guard Int32(task) != nil else { continue }
        let list = readText("/proc/self/task/\(task)/children") ?? ""
        children += list.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int32($0) }
    }
    return children
}

/// Whether `pid` is a zombie: the state field of `/proc/<pid>/stat`, after the parenthesized name.
func isZombie(_ pid: Int32) -> Bool {
    guard let stat = readText("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return false }
    return stat[stat.index(after: close)...].split(separator: " ").first == "Z"
}
