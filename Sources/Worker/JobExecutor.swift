import Foundation
import JSONText
import KnowledgeBase
import Logging
import ReviewFlow
import ReviewFormat
import ReviewStore
import RevqConfig
import Runner
import Spool
import WorkerMetrics

/// Where a claimed job went, so that the pool can index it at once (a requeued job may be
/// claimed again before its inotify event arrives), and whether claiming must pause or stop.
struct JobEnding: Sendable {
    /// The job file's name.
    var name: String
    /// Its new state; nil when it stayed in `active/` for recovery.
    var state: JobState?
    /// The runner's quota is exhausted: claim nothing until then.
    var pausedUntil: Date?
    /// Job files this job put into `new/` (a sweep's batches), to index at once.
    var readied: [String] = []
    /// The store or the disk failed under the job: the job was put back (or its move is
    /// pending), and the pool stops claiming until the fault is gone.
    var fault: WorkerFault?
    /// A move the fault prevented; the job keeps its claim until it is retried.
    var pending: PendingSettlement?
}

extension JobEnding {
    /// The outcome metrics count: where the job went (`done`, `failed`, `deferred` for a retry or
    /// a postponement, `requeued` when put back or stopped by a drain, `waiting` for a sweep's
    /// batches), `pending` when a fault holds its move, `left` when recovery will settle it.
    var outcome: String {
        switch state {
        case .new?: "requeued"
        case .active?: "pending"
        case let state?: state.rawValue
        case nil: "left"
        }
    }
}

/// A claimed job whose move to its next state failed on a fault (a full disk): retried when a
/// probe finds the fault gone. The claim's lock is held meanwhile, so no one else takes it.
struct PendingSettlement: Sendable {
    let claimed: ClaimedJob
    let settlement: JobExecutor.Settlement
}

/// Runs one claimed job to its end and records everything through the lifecycle functions:
/// resolve the KB (no run row on failure) → `createRun` → launch the runner → parse →
/// `recordAndFinalizeRun` with the runner's output and the actual partition (or `failRun` with
/// the output) → move the job on: two write transactions per review. Until that second commit
/// the raw output lives in the run's `runner-stdout.txt`, which recovery stores on the run it
/// fails after a crash (``Recovery``). The DB commit always comes before the move, so a crash in between is
/// harvested by recovery instead of reviewed again. A sweep is expanded by ``SweepExpansion``;
/// each of its batches runs through ``SweepBatch``, with the same runner rules (``RunnerVerdict``).
struct JobExecutor: Sendable {
    let context: WorkerContext

    /// Runs the job and reports its pickup latency, its outcome and duration, and a store fault.
    func execute(_ claimed: ClaimedJob) async -> JobEnding {
        let (claimedAt, clock) = (Date(), ContinuousClock.now)
        let job = claimed.job
        let readyAt = max(job.id.generatedAt ?? job.submittedAt ?? claimedAt, job.notBefore ?? .distantPast)
        context.metrics.jobPickedUp(latency: .seconds(claimedAt.timeIntervalSince(readyAt)))
        let ending = await work(claimed)
        context.metrics.jobFinished(kind: job.work.kind, outcome: ending.outcome, duration: ContinuousClock.now - clock)
        if case .store = ending.fault?.kind { context.metrics.storeFailed() }
        return ending
    }

    func work(_ claimed: ClaimedJob) async -> JobEnding {
        let job = claimed.job
        context.log("job claimed", job.id, ["attempt": "\(claimed.attemptNumber)", "kind": "\(job.work.kind)"])
        do {
            // Never write into a store file that was removed or replaced under the worker.
            try context.store.checkIdentity()
            switch job.work {
            case .review(let note, let gates):
                return try await review(claimed, note: note, gates: gates)
            case .sweep(let gate, .batch(let sweep, let notes), _):
                return try await SweepBatch(executor: self).run(claimed, sweep: sweep, gateId: gate, notes: notes)
            case .sweep(let gate, let selection, let batchSize):
                return try await SweepExpansion(executor: self).run(claimed, gateId: gate, selection: selection, batchSize: batchSize)
            }
        } catch {
            // The store or the disk failed under the job: not the job's fault, so it goes back
            // as it was, without spending an attempt, and the pool stops claiming.
            if let fault = WorkerFault.classify((error as? ExecutionFailure)?.underlying ?? error, store: context.store) {
                do {
                    return try settle(claimed, .putBack(fault))
                } catch {
                    context.log("job left for recovery", job.id, level: .error, ["error": "\(error)"])
                    return JobEnding(name: job.id.fileName, state: nil)
                }
            }
            // Anything else (a spool directory removed, say): retry it like a runner failure. If
            // even that fails, the job stays in active/ and the next start's recovery settles it.
            let failure = error as? ExecutionFailure
            let reason = "worker error: \(failure?.underlying ?? error)"
            do {
                return try settle(claimed, .retry(AttemptReport(runIDs: failure.map { [$0.runId] } ?? [], reason: reason)))
            } catch {
                context.log("job left for recovery", job.id, level: .error, ["error": "\(error)"])
                return JobEnding(name: job.id.fileName, state: nil)
            }
        }
    }

    /// An error after a run was created; the run has been failed with it where the store allowed.
    struct ExecutionFailure: Error {
        let runId: Int64
        let underlying: any Error
    }

    func review(_ claimed: ClaimedJob, note: String, gates: [String]) async throws -> JobEnding {
        let job = claimed.job
        let review: ResolvedReview
        do {
            review = try ResolvedReview(kb: context.kb, notePath: note, gateArguments: gates)
        } catch {
            return try settleUnresolved(claimed, error)
        }
        guard let profile = context.config.runners[job.runner] else {
            return try settle(claimed, .fail(reason: "unknown runner profile: \(job.runner)"))
        }
        let request = review.newRun(model: job.model, runner: job.runner)
        let attempt = JobAttempt(jobId: job.id.rawValue, attempt: claimed.attemptNumber)
        let runId = try await context.store.perform { try $0.createRun(request, job: attempt) }
        context.log("run started", job.id, ["run": "\(runId)", "runner": "\(job.runner)", "note": "\(note)"])
        do {
            return try await runAndRecord(claimed, review: review, profile: profile, runId: runId)
        } catch {
            // A run this fails to fail stays `running` until the reconciler fails it.
            _ = try? await context.store.perform { try $0.failRun(run: runId, reason: "worker error: \(WorkerFault.classify(error) ?? error)") }
            throw ExecutionFailure(runId: runId, underlying: error)
        }
    }

    /// Launches the runner for a created run, records its outcome and moves the job on.
    func runAndRecord(_ claimed: ClaimedJob, review: ResolvedReview, profile: RunnerProfile, runId: Int64) async throws -> JobEnding {
        let job = claimed.job
        let artifacts = ReviewArtifacts(kb: context.kb, runId: runId)
        let prompt = review.prompt(runId: runId)
        try artifacts.prepareDirectory()
        let directory = artifacts.directory.path
        // Said once the runner runs: one file fewer to create before it may start.
        let outcome = await runContained(invocation(job, profile: profile, prompt: prompt, artifactsDirectory: directory), job: job) {
            claimed.recordRunning(runIDs: [runId], artifactsDirectory: directory)
        }
        if let fault = launchFault(outcome) { throw fault }
        let report = { (reason: String?) in AttemptReport(runIDs: [runId], reason: reason, stderrTail: outcome.stderrTail) }
        let execution = executionData(of: outcome, job: job, runIDs: [runId])
        let parsed = Result { () throws(ReviewFormatError) in
            try BundleParser.parse(outcome.bundleText, expectedGates: review.gates.map(\.id))
        }
        if let verdict = verdict(on: outcome, job: job, outputParses: (try? parsed.get()) != nil) {
            return try await settle(claimed, failing: [runId], verdict, execution: execution, stderrTail: outcome.stderrTail)
        }
        let blocks: [GateBlock]
        do {
            blocks = try parsed.get()
        } catch {
            try? artifacts.writeBundle(outcome.bundleText)
            return try await settle(claimed, failing: [runId], .failed(reason: error.message), execution: execution, stderrTail: outcome.stderrTail)
        }
        let bundle = BundleParser.canonicalBundle(runId: runId, notePath: review.note.path, blocks: blocks)
        try artifacts.writeBundle(bundle)
        let actual = actualPartition(outcome, job: job, runIDs: [runId])
        let reviews = blocks.map(GateReviewInput.init(block:))
        var recorded = execution
        recorded.rawBundleMarkdown = bundle
        let run: FinalizedRun
        do {
            run = try await context.store.perform { [recorded] in
                try $0.recordAndFinalizeRun(run: runId, reviews: reviews, actualModelId: actual, executionData: recorded)
            }
        } catch let error as ReviewStoreError {
            return try settle(claimed, .retry(report(error.message)))
        }
        try artifacts.writeGateFiles(reviews.map { ($0.gateId, $0.rationaleMarkdown) })
        return try settle(claimed, .finish(report(nil), result: Self.result(run, decisions: blocks.map { ($0.gateId, $0.decision) })))
    }

    /// Where a job goes next.
    enum Settlement: Sendable {
        case finish(AttemptReport, result: JSONValue)
        case fail(reason: String)
        case retry(AttemptReport)
        case postpone(AttemptReport, until: Date?, why: ClaimedJob.Postponement)
        /// Back to `new/` as it was: the store or the disk failed, not the job.
        case putBack(WorkerFault)
    }

    /// Moves the job on. A fault of the disk or the store on the way is no error of the job:
    /// the ending carries it, and the move is kept pending with the claim until the fault is gone.
    /// Other errors are thrown.
    func settle(_ claimed: ClaimedJob, _ settlement: Settlement) throws -> JobEnding {
        do {
            return try move(claimed, settlement)
        } catch {
            guard let fault = WorkerFault.classify(error, store: context.store) else { throw error }
            context.log("job move pending", claimed.id, level: .warning, ["reason": "\(fault)"])
            return JobEnding(
                name: claimed.id.fileName, state: .active, fault: fault, pending: PendingSettlement(claimed: claimed, settlement: settlement))
        }
    }

    private func move(_ claimed: ClaimedJob, _ settlement: Settlement) throws -> JobEnding {
        let id = claimed.id
        let state: JobState
        switch settlement {
        case .putBack(let fault):
            try claimed.putBack()
            context.log("job put back", id, level: .warning, ["reason": "\(fault)"])
            return JobEnding(name: id.fileName, state: .new, fault: fault)
        case .finish(let report, let result):
            // The run was recorded in the file the store opened: if that file is gone or
            // replaced, the review is lost with it and must run again.
            do {
                try context.store.checkIdentity()
            } catch {
                return try move(claimed, .putBack(WorkerFault(.store(error.kind), error.detail)))
            }
            try claimed.finish(report, result: result)
            state = .done
            context.log("job done", id, ["runs": "\(report.runIDs.map(String.init).joined(separator: ","))"])
        case .fail(let reason):
            try claimed.fail(AttemptReport(reason: reason))
            state = .failed
            context.log("job failed", id, level: .warning, ["reason": "\(reason)"])
        case .retry(let report):
            let delay = context.config.retry.delay(afterAttempts: claimed.job.attempts + 1)
            state = try claimed.retry(report, at: Date().addingTimeInterval(delay))
            let event = state == .failed ? "job failed" : "job deferred for retry"
            context.log(
                event, id, level: .warning, ["reason": "\(report.reason ?? "")", "state": "\(state.rawValue)", "delay_s": "\(Int(delay))"])
        case .postpone(let report, let until, let why):
            state = try claimed.postpone(report, until: until, because: why)
            context.log("job postponed", id, level: .notice, ["reason": "\(report.reason ?? "")", "state": "\(state.rawValue)"])
        }
        return JobEnding(name: id.fileName, state: state)
    }

    /// `<id>.result.json`: the run, its partition and each gate's decision.
    static func result(_ run: FinalizedRun, decisions: [(gate: String, decision: Decision)]) -> JSONValue {
        .object([
            ("run_id", .integer(Int(run.id))), ("status", .string(run.status.rawValue)), ("note", .string(run.notePath)),
            ("model_id", .string(run.modelId)), ("completed_at", .string(run.completedAt)),
            ("decisions", .object(decisions.map { ($0.gate, .string($0.decision.rawValue)) })),
        ])
    }
}
