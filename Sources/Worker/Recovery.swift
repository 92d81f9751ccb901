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
        let spool = context.spool
        let removed = try spool.removeStaleTemporaryFiles()
        if removed > 0 { context.logger.info("removed stale tmp files", metadata: ["count": "\(removed)"]) }
        for claimed in try spool.recoverOrphans(rules: context.rules) {
            let killed = leftoverProcessGroups(markedWith: claimed.id.rawValue)
            if !killed.isEmpty {
                await killProcessGroups(killed)
                context.log(
                    "killed leftover runner processes", claimed.id, level: .warning,
                    ["groups": "\(killed.map(String.init).joined(separator: ","))"])
            }
            try settle(claimed)
        }
    }

    func settle(_ claimed: ClaimedJob) throws {
        let runs = try context.store.runs(forJob: claimed.id.rawValue).filter { $0.attempt == claimed.attemptNumber }.map(\.run)
        let runIDs = runs.map(\.id)
        if !runs.isEmpty, runs.allSatisfy({ $0.status == .completed }) {
            let run = runs[0]
            let reviews = try context.store.gateReviews(run: run.id)
            try claimed.finish(
                AttemptReport(runIDs: runIDs),
                result: JobExecutor.result(run, decisions: reviews.map { ($0.gateId, $0.decision) }))
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
}
