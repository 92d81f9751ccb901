import Foundation
import JSONText
import Logging
import ReviewFlow
import ReviewStore
import Runner
import Spool
import SystemFiles

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
        let output = runnerOutput(of: claimed, runs: runs).map { ExecutionData(rawBundleMarkdown: $0) }
        for run in runs where run.status == .running {
            try context.store.failRun(run: run.id, reason: Self.reason, executionData: output)
        }
        let state = try claimed.retry(AttemptReport(runIDs: runIDs, reason: Self.reason), at: nil)
        context.log(
            state == .failed ? "job failed" : "job requeued", claimed.id, level: .warning,
            ["reason": "\(Self.reason)", "state": "\(state.rawValue)"])
    }

    /// What the dead attempt's runner wrote to stdout (`runner-stdout.txt`), if anything: a run
    /// gets the runner's output only with its last write, so after a crash this file is where it is.
    func runnerOutput(of claimed: ClaimedJob, runs: [RunRecord]) -> String? {
        let directory: URL
        switch claimed.job.work {
        case .sweep(_, .batch, _):
            directory = ReviewArtifacts(kb: context.kb, sweepBatch: claimed.id.rawValue, attempt: claimed.attemptNumber).directory
        case .review:
            guard let run = runs.last else { return nil }
            directory = ReviewArtifacts(kb: context.kb, runId: run.id).directory
        case .sweep:
            return nil
        }
        guard let data = WholeFile.read(atPath: directory.appendingPathComponent("runner-stdout.txt").path), !data.isEmpty else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The result of a job whose runs all completed before its worker died: a review's run and
    /// decisions, or a sweep batch's per-note result.
    func harvestedResult(_ job: Job, runs: [RunRecord]) throws -> JSONValue {
        if case .sweep(_, .batch(_, let notes), _) = job.work {
            return SweepBatch.result(notes: notes, runs: try context.store.runs(forJob: job.id.rawValue).map(\.run))
        }
        let run = runs[0]
        let reviews = try context.store.gateReviews(run: run.id)
        return JobExecutor.result(
            FinalizedRun(id: run.id, notePath: run.notePath, modelId: run.modelId, completedAt: run.completedAt ?? ""),
            decisions: reviews.map { ($0.gateId, $0.decision) })
    }
}
