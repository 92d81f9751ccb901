import CLinuxShims
import Glibc
import RevqConfig

/// A started child: its pid (also its session and process group id) and the parent's
/// non-blocking read ends of its stdout and stderr pipes.
struct SpawnedChild: Sendable {
    let pid: pid_t
    let stdoutPipe: Int32
    let stderrPipe: Int32
}

/// Starts programs with `posix_spawn`: a new session (`POSIX_SPAWN_SETSID`), the given working
/// directory, exactly the given environment, default signal dispositions and an empty signal
/// mask (a worker that ignores or blocks SIGTERM must not pass that on), and no descriptor
/// beyond stdin, stdout and stderr.
///
/// A launch with a ``ProcessLaunch/cgroup`` is started the same way by `revq_spawn_in_cgroup`
/// (glibc 2.36 has no `posix_spawnattr_setcgroup_np`): `clone3(CLONE_INTO_CGROUP)`, or, where
/// `clone3` is refused with `ENOSYS`, a fork whose child joins the cgroup before it executes the
/// program. Either way the program's first instruction already runs inside the cgroup.
enum Spawner {
    /// Made true once by the first spawn: this process becomes a child subreaper, so members of a
    /// runner's group whose parent exits are re-parented here and can be reaped by the monitor,
    /// whatever PID 1 does with orphans.
    private static let isSubreaper: Bool = revq_become_child_subreaper() == 0

    static func spawn(_ launch: ProcessLaunch) throws(SpawnError) -> SpawnedChild {
        _ = isSubreaper
        guard let program = launch.arguments.first, !program.isEmpty else { throw SpawnError("the command is empty") }
        guard isDirectory(launch.workingDirectory) else {
            throw SpawnError("working directory does not exist: \(launch.workingDirectory)")
        }
        let path = try resolve(program, workingDirectory: launch.workingDirectory, searchPath: launch.environment["PATH"])

        let inputPath = launch.standardInputPath ?? "/dev/null"
        let input = open(inputPath, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw SpawnError("cannot open \(inputPath): \(errnoText())") }
        var childEnds = [input]
        defer { childEnds.forEach { close($0) } }
        var fds: [Int32] = [-1, -1, -1, -1]
        guard revq_pipe2(&fds[0], O_CLOEXEC) == 0 else { throw SpawnError("pipe: \(errnoText())") }
        guard revq_pipe2(&fds[2], O_CLOEXEC) == 0 else {
            close(fds[0])
            close(fds[1])
            throw SpawnError("pipe: \(errnoText())")
        }
        let (stdoutRead, stdoutWrite, stderrRead, stderrWrite) = (fds[0], fds[1], fds[2], fds[3])
        childEnds += [stdoutWrite, stderrWrite]
        for fd in [stdoutRead, stderrRead] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input, 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutWrite, 1)
        posix_spawn_file_actions_adddup2(&actions, stderrWrite, 2)
        revq_spawn_file_actions_addchdir(&actions, launch.workingDirectory)
        revq_spawn_file_actions_addclosefrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        var noSignal = sigset_t()
        sigemptyset(&noSignal)
        posix_spawnattr_setsigmask(&attributes, &noSignal)
        posix_spawnattr_setflags(
            &attributes, revq_spawn_setsid | Int16(POSIX_SPAWN_SETSIGDEF) | Int16(POSIX_SPAWN_SETSIGMASK))

        let argv = CStringArray(launch.arguments)
        let envp = CStringArray(launch.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
        defer {
            argv.free()
            envp.free()
        }
        var pid = pid_t()
        let cgroup = try launch.cgroup.map(CgroupTarget.init)
        defer { cgroup?.close() }
        let start = { () -> Int32 in
            guard let cgroup else { return posix_spawn(&pid, path, &actions, &attributes, argv.pointers, envp.pointers) }
            let clone3 = revq_spawn_in_cgroup(
                &pid, path, argv.pointers, envp.pointers, launch.workingDirectory, input, stdoutWrite, stderrWrite,
                cgroup.directory, cgroup.procs, 1)
            guard clone3 == ENOSYS else { return clone3 }
            return revq_spawn_in_cgroup(
                &pid, path, argv.pointers, envp.pointers, launch.workingDirectory, input, stdoutWrite, stderrWrite,
                cgroup.directory, cgroup.procs, 0)
        }
        var status = start()
        // ETXTBSY: another thread's child, between its fork and exec, still holds a write descriptor of a
        // program that was just written (a freshly installed runner, a test's fake). It passes in moments.
        for delay in [5, 20, 50, 100, 200] where status == ETXTBSY {
            usleep(useconds_t(delay * 1000))
            status = start()
        }
        guard status == 0 else {
            close(stdoutRead)
            close(stderrRead)
            throw SpawnError("\(path): \(String(cString: strerror(status)))")
        }
        return SpawnedChild(pid: pid, stdoutPipe: stdoutRead, stderrPipe: stderrRead)
    }

    /// The file to execute (see ``ProgramLookup``, which enqueue and `config check` share).
    static func resolve(_ program: String, workingDirectory: String, searchPath: String?) throws(SpawnError) -> String {
        do {
            return try ProgramLookup.resolve(program, workingDirectory: workingDirectory, searchPath: searchPath)
        } catch {
            throw SpawnError(error.message)
        }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}

/// The open cgroup a child is started in: its directory (for `clone3`) and its `cgroup.procs`
/// (for a child that moves itself in when `clone3` is refused).
private struct CgroupTarget {
    let directory: Int32
    let procs: Int32

    init(_ path: String) throws(SpawnError) {
        directory = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { throw SpawnError("cannot open cgroup \(path): \(errnoText())") }
        procs = open(path + "/cgroup.procs", O_WRONLY | O_CLOEXEC)
        guard procs >= 0 else {
            let reason = errnoText()
            Glibc.close(directory)
            throw SpawnError("cannot open \(path)/cgroup.procs: \(reason)")
        }
    }

    func close() {
        Glibc.close(directory)
        Glibc.close(procs)
    }
}

/// A NULL-terminated array of C strings for `argv`/`envp`; ``free()`` releases it.
private struct CStringArray {
    let pointers: [UnsafeMutablePointer<CChar>?]

    init(_ strings: [String]) {
        pointers = strings.map { strdup($0) } + [nil]
    }

    func free() {
        for pointer in pointers { Glibc.free(pointer) }
    }
}

/// The text of the current `errno`.
func errnoText() -> String {
    String(cString: strerror(errno))
}
