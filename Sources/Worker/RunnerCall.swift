import Foundation
import KnowledgeBase
import Logging
import ReviewFormat
import ReviewStore
import RevqConfig
import Runner
import Spool
import WorkerMetrics

/// How a runner call ended for the job that made it, judged before its output is recorded.
/// A review job and a sweep batch follow the same rules; every run of the call gets the reason.
enum RunnerVerdict: Equatable {
    /// The worker is stopping: the job goes back to `new/` without spending an attempt.
    case stopped
    /// An operator cancelled the running job (`revq spool cancel`): it fails at once.
    case cancelled
    /// The output names an exhausted quota: the job is deferred without spending an attempt and
    /// the pool stops claiming until `until`.
    case quotaExhausted(pattern: String, until: Date)
    /// The runner failed (exit status, signal, timeout, launch): the job is retried.
    case failed(reason: String)
    /// The runner cannot succeed on this job (its prompt is over the cap): the job fails at once.
    case refused(reason: String)

    /// The failure reason recorded on the runs.
    var reason: String {
        switch self {
        case .stopped: "worker stopped during run"
        case .cancelled: Spool.cancelReason
        case .quotaExhausted(let pattern, _): "runner quota exhausted: \(pattern)"
        case .failed(let reason), .refused(let reason): reason
        }
    }
}

extension JobExecutor {
    /// The runner call of `job` on `prompt`; its files go to `artifactsDirectory`, its processes
    /// carry the job's marker for recovery.
    func invocation(_ job: Job, profile: RunnerProfile, prompt: String, artifactsDirectory: String) -> RunnerInvocation {
        RunnerInvocation(
            profileName: job.runner, profile: profile, prompt: prompt, kbRoot: context.kb.root.path,
            artifactsDirectory: artifactsDirectory, outputCapBytes: context.config.outputCapBytes,
            promptCapBytes: context.config.promptCapBytes,
            timeoutSeconds: job.timeoutSeconds, environment: [RunnerEnvironment.jobMarker: job.id.rawValue],
            parentEnvironment: context.runnerEnvironment)
    }

    /// The call's telemetry, raw output and debug log, to store on every run it served with the
    /// run's last write; counts the runner's end and logs why telemetry is missing when it is.
    func executionData(of outcome: RunnerOutcome, job: Job, runIDs: [Int64]) -> ExecutionData {
        context.metrics.runnerEnded(outcome.termination, telemetryJSON: outcome.telemetryJSON)
        if let note = outcome.telemetryNote {
            context.log("telemetry not captured", job.id, level: .notice, ["runs": "\(Self.list(runIDs))", "reason": "\(note)"])
        }
        return ExecutionData(telemetryJSON: outcome.telemetryJSON, rawBundleMarkdown: outcome.bundleText, debugLog: outcome.debugLog)
    }

    /// The verdict on a runner's end; nil when its output is to be recorded. A quota pattern
    /// counts only when the call failed or its output did not parse. A runner stopped while the
    /// job's cancel marker is there was stopped for the operator (see ``JobExecutor/execute(_:)``).
    func verdict(on outcome: RunnerOutcome, job: Job, outputParses: Bool) -> RunnerVerdict? {
        let runner = job.runner
        if outcome.termination == .stopped { return context.spool.cancelRequested(job.id) ? .cancelled : .stopped }
        if !outcome.termination.isSuccess || !outputParses, let pattern = outcome.quotaMatch(patterns: context.config.quota.patterns) {
            return .quotaExhausted(pattern: pattern, until: Date().addingTimeInterval(TimeInterval(context.config.quota.pauseSeconds)))
        }
        return outcome.termination.failureReason(profileName: runner).map {
            outcome.termination.isRetryable ? .failed(reason: $0) : .refused(reason: $0)
        }
    }

    /// The disk's fault, when the runner could not be launched on a full disk (its prompt file
    /// could not be written): the job then goes back without spending an attempt (a launch
    /// failure carries only a message, so the disk is looked at instead).
    func launchFault(_ outcome: RunnerOutcome) -> WorkerFault? {
        guard case .launchFailed = outcome.termination else { return nil }
        return WorkerService.diskFault(context)
    }

    /// Fails every run of the call with the verdict's reason and the call's output, and moves
    /// the job on accordingly.
    func settle(
        _ claimed: ClaimedJob, failing runIDs: [Int64], _ verdict: RunnerVerdict, execution: ExecutionData, stderrTail: [String]
    ) async throws -> JobEnding {
        try await context.store.perform { store in
            for id in runIDs { try store.failRun(run: id, reason: verdict.reason, executionData: execution) }
        }
        let report = AttemptReport(runIDs: runIDs, reason: verdict.reason, stderrTail: stderrTail)
        switch verdict {
        case .stopped:
            return try settle(claimed, .postpone(report, until: nil, why: .interrupted))
        case .quotaExhausted(_, let until):
            var ending = try settle(claimed, .postpone(report, until: until, why: .deferred))
            ending.pausedUntil = until
            return ending
        case .failed:
            return try settle(claimed, .retry(report))
        case .refused, .cancelled:
            return try settle(claimed, .fail(reason: verdict.reason))
        }
    }

    /// The partition the runner's telemetry names, nil when it names none; logs the SPEC's
    /// warning when it differs from the job's requested partition.
    func actualPartition(_ outcome: RunnerOutcome, job: Job, runIDs: [Int64]) -> String? {
        let requested = ModelPartition.requested(job.model)
        let actual = outcome.telemetryJSON.flatMap(ModelPartition.actual(telemetryJSON:))
        if let actual, actual != requested {
            context.logger.warning(
                "warning: requested model partition \(requested) does not match runner telemetry \(actual); recording the actual partition",
                metadata: ["job": "\(job.id.rawValue)", "runs": "\(Self.list(runIDs))"])
        }
        return actual
    }

    /// Run ids as one log field: `4,5,6`.
    static func list(_ runIDs: [Int64]) -> String { runIDs.map(String.init).joined(separator: ",") }
}
