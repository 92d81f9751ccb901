import Glibc

/// One git process with its stdin, stdout and stderr on pipes.
struct GitChild {
    let pid: pid_t
    let stdin: Int32
    let stdout: Int32
    let stderr: Int32

    /// Starts `argv[0]` (looked up in `PATH`) with exactly `environment`.
    init(argv: [String], environment: [String]) throws {
        var pipes: [[Int32]] = []
        for _ in 0..<3 {
            var fds: [Int32] = [0, 0]
            guard pipe(&fds) == 0 else { throw KnowledgeBaseError("cannot run git: pipe: \(String(cString: strerror(errno)))") }
            pipes.append(fds)
        }
        defer {
            // The child's ends are closed in the parent once the child holds them.
            close(pipes[0][0])
            close(pipes[1][1])
            close(pipes[2][1])
        }
        for fd in [pipes[0][1], pipes[1][0], pipes[2][0]] { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipes[0][0], 0)
        posix_spawn_file_actions_adddup2(&actions, pipes[1][1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipes[2][1], 2)
        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup($0) } + [nil]
        defer { for pointer in cArgv + cEnv { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawnp(&pid, argv[0], &actions, nil, cArgv, cEnv)
        guard status == 0 else {
            for fd in [pipes[0][1], pipes[1][0], pipes[2][0]] { close(fd) }
            throw KnowledgeBaseError("cannot run git: \(String(cString: strerror(status)))")
        }
        self.pid = pid
        stdin = pipes[0][1]
        stdout = pipes[1][0]
        stderr = pipes[2][0]
    }

    /// Writes `input` to the child's stdin while reading its stdout and stderr to the end, so
    /// that no pipe can fill up and block either side; then reaps it. Returns the exit status
    /// (128 + signal number for a signal).
    func communicate(input: [UInt8]) -> (stdout: [UInt8], stderr: [UInt8], status: Int32) {
        var output: [UInt8] = []
        var errors: [UInt8] = []
        var written = 0
        var writing = stdin
        if input.isEmpty {
            close(writing)
            writing = -1
        } else {
            _ = fcntl(writing, F_SETFL, fcntl(writing, F_GETFL) | O_NONBLOCK)
        }
        var open: [Int32: Bool] = [stdout: true, stderr: true]
        var buffer = [UInt8](repeating: 0, count: 65536)
        while open.values.contains(true) || writing >= 0 {
            var fds = open.filter(\.value).keys.sorted().map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if writing >= 0 { fds.append(pollfd(fd: writing, events: Int16(POLLOUT), revents: 0)) }
            guard poll(&fds, nfds_t(fds.count), -1) >= 0 || errno == EINTR else { break }
            for entry in fds where entry.revents != 0 {
                if entry.fd == writing {
                    let count = input.withUnsafeBytes { write(writing, $0.baseAddress! + written, input.count - written) }
                    if count > 0 { written += count }
                    if count < 0 && errno != EAGAIN && errno != EINTR || written == input.count {
                        close(writing)
                        writing = -1
                    }
                    continue
                }
                let count = read(entry.fd, &buffer, buffer.count)
                if count > 0 {
                    if entry.fd == stdout { output += buffer[..<count] } else { errors += buffer[..<count] }
                } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                    open[entry.fd] = false
                    close(entry.fd)
                }
            }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = status & 0x7f == 0
        return (output, errors, exited ? (status >> 8) & 0xff : 128 + (status & 0x7f))
    }
}
