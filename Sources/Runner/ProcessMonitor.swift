import CLinuxShims
import Glibc

/// Watches one started child on a dedicated thread until its whole process group is gone.
///
/// It copies stdout and stderr into capped files, sends SIGTERM to the group at the deadline
/// or on a stop request and SIGKILL after the grace period, and stops leftovers of the group
/// the same way when the child exits on its own. Every wait is a `poll` on the pipes, a pidfd
/// for the child's exit and a wake-up pipe for stop requests, so nothing spins. An instance
/// belongs to the one thread that calls ``run()``.
final class ProcessMonitor {
    private enum StopCause { case timeout, request }

    /// How long the group may still exist after SIGKILL before the monitor gives up on it.
    private static let afterKill = Duration.seconds(2)
    /// Poll interval while waiting for leftover members of the group, which give no event.
    private static let groupTick = Duration.milliseconds(10)
    /// Poll interval for the child's exit when pidfds are not available.
    private static let exitTick = Duration.milliseconds(50)

    private let pid: pid_t
    private let started: ContinuousClock.Instant
    private let timeout: Duration
    private let grace: Duration
    private let wakeRead: Int32
    private var pidfd: Int32?
    private var stdout: CappedOutput
    private var stderr: CappedOutput
    private var leaderStatus: Int32?
    private var stopCause: StopCause?
    private var terminated = false
    private var killAt: ContinuousClock.Instant?
    private var giveUpAt: ContinuousClock.Instant?
    private var notes: [String] = []

    init(
        child: SpawnedChild, started: ContinuousClock.Instant, launch: ProcessLaunch, stdoutFile: Int32, stderrFile: Int32,
        wakeRead: Int32
    ) {
        pid = child.pid
        self.started = started
        timeout = launch.timeout
        grace = launch.grace
        self.wakeRead = wakeRead
        stdout = CappedOutput(path: launch.stdoutPath, pipe: child.stdoutPipe, file: stdoutFile, cap: launch.outputCapBytes)
        stderr = CappedOutput(path: launch.stderrPath, pipe: child.stderrPipe, file: stderrFile, cap: launch.outputCapBytes)
        let fd = revq_pidfd_open(child.pid, 0)
        pidfd = fd >= 0 ? fd : nil
    }

    func run() -> ProcessResult {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)
        defer { buffer.deallocate() }
        let deadline = started + timeout
        while true {
            let now = ContinuousClock.now
            reapLeader()
            if leaderStatus == nil, stopCause == nil, now >= deadline {
                stopCause = .timeout
                terminate(now, why: "timeout of \(timeout.secondsText)s reached")
            }
            if let killAt, now >= killAt {
                kill(-pid, SIGKILL)
                notes.append("SIGKILL sent to process group \(pid)")
                self.killAt = nil
                giveUpAt = now + Self.afterKill
            }
            if leaderStatus != nil {
                reapGroup()
                if groupIsGone {
                    stdout.drain(using: buffer)
                    stderr.drain(using: buffer)
                    if stdout.isOpen || stderr.isOpen {
                        notes.append("output still held open by a process outside the group; stopped reading")
                    }
                    break
                }
                if !terminated { terminate(now, why: "the runner exited but left processes in its group") }
            }
            if let giveUpAt, now >= giveUpAt {
                notes.append("process group \(pid) still present \(Self.afterKill.secondsText)s after SIGKILL; gave up waiting")
                break
            }
            waitForEvents(now: now, deadline: deadline, buffer: buffer)
        }
        if let pidfd { close(pidfd) }
        for error in [stdout.writeError, stderr.writeError].compactMap({ $0 }) { notes.append(error) }
        return ProcessResult(
            termination: termination, pid: pid, stdout: stdout.finish(), stderr: stderr.finish(),
            duration: ContinuousClock.now - started, notes: notes)
    }

    private var termination: RunnerTermination {
        switch stopCause {
        case .timeout: return .timedOut(after: timeout)
        case .request: return .stopped
        case nil:
            guard let status = leaderStatus else { return .signaled(SIGKILL) }
            let signal = status & 0x7f
            return signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
        }
    }

    /// One `poll` until output, the child's exit, a stop request or the next point in time that matters.
    private func waitForEvents(now: ContinuousClock.Instant, deadline: ContinuousClock.Instant, buffer: UnsafeMutableRawBufferPointer) {
        var wakeTimes = [killAt, giveUpAt].compactMap { $0 }
        if leaderStatus == nil {
            if stopCause == nil { wakeTimes.append(deadline) }
            if pidfd == nil { wakeTimes.append(now + Self.exitTick) }
        } else {
            wakeTimes.append(now + Self.groupTick)
        }
        let timeoutMs = wakeTimes.min().map { Self.milliseconds(from: now, to: $0) } ?? -1

        var descriptors = [wakeRead, stdout.pollDescriptor ?? -1, stderr.pollDescriptor ?? -1]
        if leaderStatus == nil, let pidfd { descriptors.append(pidfd) }
        var polled = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        guard poll(&polled, nfds_t(polled.count), timeoutMs) > 0 else { return }
        if polled[0].revents != 0 { handleWake(now: now, buffer: buffer) }
        if polled[1].revents != 0 { stdout.drain(using: buffer) }
        if polled[2].revents != 0 { stderr.drain(using: buffer) }
    }

    private func handleWake(now: ContinuousClock.Instant, buffer: UnsafeMutableRawBufferPointer) {
        _ = read(wakeRead, buffer.baseAddress, buffer.count)
        guard leaderStatus == nil, stopCause == nil else { return }
        stopCause = .request
        terminate(now, why: "stop requested")
    }

    /// SIGTERM to the whole group; SIGKILL follows after the grace period.
    private func terminate(_ now: ContinuousClock.Instant, why: String) {
        terminated = true
        kill(-pid, SIGTERM)
        notes.append("\(why): SIGTERM sent to process group \(pid)")
        killAt = now + grace
    }

    private func reapLeader() {
        guard leaderStatus == nil else { return }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return }
        leaderStatus = status
        if let pidfd {
            close(pidfd)
            self.pidfd = nil
        }
    }

    /// Reaps members of the group that were re-parented to this process (see ``Spawner``).
    private func reapGroup() {
        while waitpid(-pid, nil, WNOHANG) > 0 {}
    }

    private var groupIsGone: Bool { kill(-pid, 0) == -1 && errno == ESRCH }

    private static func milliseconds(from now: ContinuousClock.Instant, to time: ContinuousClock.Instant) -> Int32 {
        guard time > now else { return 0 }
        let (seconds, attoseconds) = (time - now).components
        let total = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: total)
    }
}
