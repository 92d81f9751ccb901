import Logging
import ReviewStore
import Spool

/// Keeps SPEC §2.1's rule that no run stays `running` without a live job: fails every
/// `running` run made for a spool job whose claim no live process holds. A worker runs it at
/// start (after recovery) and whenever the store becomes healthy again, when runs it could not
/// fail during the fault are left over. Runs of the split path (no job) belong to an agent and
/// are left alone.
struct StoreReconciler {
    let context: WorkerContext

    /// Fails the orphaned runs with `reason`; returns their ids.
    @discardableResult
    func run(reason: String) async throws -> [Int64] {
        let runs = try await context.store.perform { try $0.runningJobRuns() }
        let orphaned = runs.filter { run in JobID(run.jobId).map { !context.spool.isClaimedByLiveProcess($0) } ?? true }
        guard !orphaned.isEmpty else { return [] }
        let failed = try await context.store.perform { store in
            try orphaned.compactMap { run -> Int64? in
                do {
                    try store.failRun(run: run.runId, reason: reason)
                    return run.runId
                } catch let error as ReviewStoreError where error.isRefusal {
                    return nil  // finished meanwhile
                }
            }
        }
        if !failed.isEmpty {
            context.logger.warning("failed runs left running", metadata: ["runs": "\(JobExecutor.list(failed))", "reason": "\(reason)"])
        }
        return failed
    }
}
