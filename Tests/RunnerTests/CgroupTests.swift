import CLinuxShims
import Foundation
import Glibc
import Runner
import TestSupport
import Testing

/// A cgroup per job (``JobCgroup``) with real processes and real cgroups; skipped only where this
/// process cannot create cgroup v2 children of its own cgroup.
@Suite struct CgroupTests {
    static let tree = try? CgroupTree.own().get()
    static let noCgroups = Comment(rawValue: "cgroup v2 is not writable here: \(CgroupTree.own())")

    @Test func theCgroup2MountIsFoundInAHybridLayout() {
        let mountinfo = """
            31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
            35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
            41 31 0:38 / /sys/fs/cgroup/unified rw,relatime shared:9 - cgroup2 cgroup2 rw
            """
        let mount = CgroupTree.cgroup2Mount(in: mountinfo)
        #expect(mount?.point == "/sys/fs/cgroup/unified" && mount?.root == "/")
        #expect(CgroupTree.cgroup2Mount(in: "31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n") == nil)
    }

    /// The runner leaves a process by `escape` (a shell command line that records the escapee's
    /// pid in `escaped`); once the job's cgroup is stopped, nothing of it is left.
    @Test(
        .enabled(if: tree != nil, noCgroups),
        arguments: [
            "setsid sh -c 'echo $$ > escaped.tmp; mv escaped.tmp escaped; exec sleep 300'",
            "perl -e 'setpgrp(0,0); open(F,\">\",\"escaped.tmp\"); print F $$; close F; rename(\"escaped.tmp\",\"escaped\"); exec(\"sleep\",\"300\")'",
            "setsid env -i /bin/sh -c 'sleep 300 & echo $! > escaped.tmp; mv escaped.tmp escaped'",
        ])
    func nothingARunnerStartedOutlivesItsCgroup(escape: String) async throws {
        let sandbox = try RunnerSandbox()
        defer { sandbox.remove() }
        let cgroup = JobCgroup(job: "test-" + UUID().uuidString, in: try #require(Self.tree))
        try cgroup.create()
        var launch = sandbox.launch(
            ["/bin/sh", "-c", "cd \(sandbox.root); \(escape) > /dev/null 2>&1 < /dev/null & while [ ! -e escaped ]; do sleep 0.01; done"])
        launch.cgroup = cgroup.path

        let result = await RunnerProcess.run(launch)
        #expect(result.termination == .exited(0))
        let pid = try #require(Int32(try sandbox.read(sandbox.root + "/escaped").trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(getpgid(pid) != result.pid, "the escapee left the runner's process group")
        #expect(cgroup.processes.contains(pid), "but not the job's cgroup")

        let end = await cgroup.stop()
        #expect(end.killed >= 1 && end.emptied && end.removed)
        #expect(!cgroup.exists)
        #expect(kill(pid, 0) == -1 && errno == ESRCH, "the escapee is gone and reaped")
    }

    /// Both ways into the cgroup: `clone3(CLONE_INTO_CGROUP)`, and the fork whose child joins by
    /// itself, used where `clone3` is refused (systemd's seccomp filter for `RestrictNamespaces=`).
    @Test(.enabled(if: tree != nil, noCgroups), arguments: [1, 0] as [Int32])
    func theChildIsInTheCgroupBeforeItRunsTheProgram(useClone3: Int32) async throws {
        let sandbox = try RunnerSandbox()
        defer { sandbox.remove() }
        let cgroup = JobCgroup(job: "test-" + UUID().uuidString, in: try #require(Self.tree))
        try cgroup.create()
        let output = sandbox.root + "/cgroup.txt"
        let directory = open(cgroup.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        let procs = open(cgroup.path + "/cgroup.procs", O_WRONLY | O_CLOEXEC)
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { [directory, procs, null].forEach { close($0) } }
        let words: [String] = ["/bin/sh", "-c", "cat /proc/self/cgroup > \(output); exec sleep 300"]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = [strdup("PATH=/usr/bin:/bin"), nil]
        defer { (argv + envp).forEach { free($0) } }

        var pid = pid_t()
        let status = revq_spawn_in_cgroup(&pid, "/bin/sh", argv, envp, sandbox.root, null, null, null, directory, procs, useClone3)
        #expect(status == 0, "\(String(cString: strerror(status)))")
        #expect(await eventually { cgroup.processes == [pid] })
        let leaf = "/" + (cgroup.path as NSString).lastPathComponent + "\n"
        #expect(await eventually { (try? sandbox.read(output))?.contains(leaf) == true }, "the program saw itself in the cgroup")
        let end = await cgroup.stop()
        #expect(end.killed == 1 && end.emptied && end.removed)
        #expect(kill(pid, 0) == -1 && errno == ESRCH, "the child is reaped")
    }

    @Test(.enabled(if: tree != nil, noCgroups))
    func aFailedExecIsReportedAndNothingIsLeft() throws {
        let cgroup = JobCgroup(job: "test-" + UUID().uuidString, in: try #require(Self.tree))
        try cgroup.create()
        defer { rmdir(cgroup.path) }
        let directory = open(cgroup.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        let procs = open(cgroup.path + "/cgroup.procs", O_WRONLY | O_CLOEXEC)
        defer { [directory, procs].forEach { close($0) } }
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/nonexistent"), nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        #expect(revq_spawn_in_cgroup(&pid, "/nonexistent", argv, [nil], "/", 0, 1, 2, directory, procs, 1) == ENOENT)
        #expect(revq_spawn_in_cgroup(&pid, "/bin/sh", argv, [nil], "/nonexistent", 0, 1, 2, directory, procs, 0) == ENOENT)
        #expect(cgroup.processes.isEmpty)
    }
}
