import Foundation
import Logging
import ReviewStore
import Runner
import Spool

/// What a worker does first (SPEC §5 Recovery): settle every job of `active/` whose lock no
/// live process holds, and clear old leftovers of `tmp/`.
///
/// For each orphan, any runner process still marked with its job id is killed. If the claim
/// that died had already completed its runs, the job is harvested into `done/` without
/// reviewing it again; otherwise its `running` runs are failed with `worker exited during run`
/// and the job is retried with the attempt counted, so a job that kills the worker again and
/// again ends in `failed/`.
struct Recovery {
    let context: WorkerContext
    static let reason = "worker exited during run"

    func run() async throws {
        try Containment.announce(context)
        let spool = context.spool
        let removed = try spool.removeStaleTemporaryFiles()
        if removed > 0 { context.logger.info("removed stale tmp files", metadata: ["count": "\(removed)"]) }
        for claimed in try spool.recoverOrphans(rules: context.rules) {
            await Containment.stopLeftovers(of: claimed.id, context: context)
            try settle(claimed)
        }
        await SweepFinisher(context: context).finishAllEnded()
    }

    func settle(_ claimed: ClaimedJob) throws {
        let attemptRuns = try context.store.runs(forJob: claimed.id.rawValue).filter { $0.attempt == claimed.attemptNumber }.map(\.run)
        // A try put back on a store or disk fault left runs under the same attempt number: only
        // the last try (its runs share one `started_at`) tells whether the attempt completed.
        let runs = attemptRuns.filter { $0.startedAt == attemptRuns.last?.startedAt }
        let runIDs = runs.map(\.id)
        if !runs.isEmpty, runs.allSatisfy({ $0.status == .completed }) {
            try claimed.finish(AttemptReport(runIDs: runIDs), result: try harvestedResult(claimed.job, runs: runs))
            context.log("job harvested", claimed.id, ["runs": "\(runIDs.map(String.init).joined(separator: ","))"])
            return
        }
        for run in runs where run.status == .running {
            try context.store.failRun(run: run.id, reason: Self.reason)
        }
        let state = try claimed.retry(AttemptReport(runIDs: runIDs, reason: Self.reason), at: nil)
        context.log(
            state == .failed ? "job failed" : "job requeued", claimed.id, level: .warning,
            ["reason": "\(Self.reason)", "state": "\(state.rawValue)"])
    }

    /// The result of a job whose runs all completed before its worker died: a review's run and
    /// decisions, or a sweep batch's per-note result.
    func harvestedResult(_ job: Job, runs: [RunRecord]) throws -> JSONValue {
        if case .sweep(_, .batch(_, let notes), _) = job.work {
            return SweepBatch.result(notes: notes, runs: try context.store.runs(forJob: job.id.rawValue).map(\.run))
        }
        let reviews = try context.store.gateReviews(run: runs[0].id)
        return JobExecutor.result(runs[0], decisions: reviews.map { ($0.gateId, $0.decision) })
    }
}
