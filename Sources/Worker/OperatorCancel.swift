import Runner
import Spool

extension JobExecutor {
    /// How often a running runner's job is looked at for its cancel marker.
    static let cancelPollInterval: Duration = .milliseconds(100)

    /// Runs a runner call while watching for the job's cancel marker (`revq spool cancel` of a
    /// running job): when it appears, the call is cancelled, which stops the runner's process
    /// group and ends it ``RunnerTermination/stopped``; ``verdict(on:job:outputParses:)`` then
    /// fails the job and its runs with `cancelled by operator`. A drain cancels the call as before.
    func stoppingOnCancel(_ job: JobID, _ call: @escaping @Sendable () async -> RunnerOutcome) async -> RunnerOutcome {
        let spool = context.spool
        return await withTaskGroup(of: RunnerOutcome?.self) { group in
            group.addTask { await call() }
            group.addTask {
                while !Task.isCancelled, !spool.cancelRequested(job) {
                    try? await Task.sleep(for: Self.cancelPollInterval)
                }
                return nil
            }
            var outcome: RunnerOutcome?
            for await result in group {
                // Either the call ended (the watcher is no longer needed) or the marker appeared.
                group.cancelAll()
                if let result { outcome = result }
            }
            return outcome!
        }
    }
}
