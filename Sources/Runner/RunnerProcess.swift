import Foundation
import Glibc

/// Runs one program to its end in its own session, with capped output files, a wall-clock
/// timeout and cancellation; see ``run(_:onStart:)``.
///
/// The child leads a new session and process group. At the timeout, or when the calling task
/// is cancelled, the whole group gets SIGTERM and, after the grace period, SIGKILL; when the
/// child exits on its own, whatever it left in its group is stopped the same way. The call
/// returns only when no process of the group is left (or, after SIGKILL, a short bounded wait
/// has passed, which the result's notes then say). Waiting happens on a dedicated thread per
/// process, never on the Swift concurrency pool.
///
/// The first launch makes this process a child subreaper (`PR_SET_CHILD_SUBREAPER`) so that
/// orphaned members of a runner's group are re-parented here and reaped, even where PID 1
/// does not reap orphans (containers).
public enum RunnerProcess {
    /// Starts `launch` and waits for its end. `onStart` is called with the child's pid (its
    /// process group id) as soon as it runs. Cancelling the calling task stops the group and
    /// gives ``RunnerTermination/stopped``; a task already cancelled starts nothing.
    public static func run(_ launch: ProcessLaunch, onStart: (Int32) -> Void = { _ in }) async -> ProcessResult {
        let startTime = ContinuousClock.now
        guard !Task.isCancelled else { return notStarted(launch, .stopped, since: startTime) }
        let started: Started
        do {
            started = try start(launch)
        } catch {
            return notStarted(launch, .launchFailed(error.message), since: startTime)
        }
        let (child, wake) = (started.child, started.wake)
        onStart(child.pid)
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ProcessResult, Never>) in
                let thread = Thread {
                    let monitor = ProcessMonitor(
                        child: child, started: startTime, launch: launch, stdoutFile: started.stdoutFile,
                        stderrFile: started.stderrFile, wakeRead: wake.readEnd)
                    continuation.resume(returning: monitor.run())
                }
                thread.name = "revq-runner-\(child.pid)"
                thread.start()
            }
        } onCancel: {
            wake.signal()
        }
        wake.close()
        return result
    }

    /// What a successful start leaves for the monitor.
    private struct Started: Sendable {
        let child: SpawnedChild
        let wake: WakeSignal
        let stdoutFile: Int32
        let stderrFile: Int32
    }

    /// Opens the wake-up pipe and the output files, then spawns; on failure closes what it opened.
    private static func start(_ launch: ProcessLaunch) throws(SpawnError) -> Started {
        var undo: [() -> Void] = []
        do {
            let wake = try WakeSignal()
            undo.append(wake.close)
            let stdoutFile = try CappedOutput.openFile(at: launch.stdoutPath)
            undo.append { close(stdoutFile) }
            let stderrFile = try CappedOutput.openFile(at: launch.stderrPath)
            undo.append { close(stderrFile) }
            let child = try Spawner.spawn(launch)
            return Started(child: child, wake: wake, stdoutFile: stdoutFile, stderrFile: stderrFile)
        } catch {
            for step in undo.reversed() { step() }
            throw error
        }
    }

    private static func notStarted(
        _ launch: ProcessLaunch, _ termination: RunnerTermination, since started: ContinuousClock.Instant
    )
        -> ProcessResult
    {
        ProcessResult(
            termination: termination, pid: nil,
            stdout: CapturedStream(path: launch.stdoutPath, keptBytes: 0, discardedBytes: 0),
            stderr: CapturedStream(path: launch.stderrPath, keptBytes: 0, discardedBytes: 0),
            duration: ContinuousClock.now - started, notes: [])
    }
}
