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

/// Runs one batch job of a sweep (SPEC §5.2): one run per note (one shared `started_at`, the
/// sweep's gate at ordinal 0, linked to the batch job and attempt), ONE runner call with the
/// sweep prompt, then each note recorded through `recordAndFinalizeRun` under the actual
/// partition, with the call's telemetry stored on every run.
///
/// - A batch-level failure (runner exit, timeout, output that does not parse — as in the original,
///   any defect of it, a missing or empty note block included) fails every run of the call with
///   that reason and retries the batch; each attempt makes new runs. The raw output is kept in the
///   attempt's `bundle-output.md`.
/// - A note whose recording fails has its run failed with that reason; the batch still finishes
///   (no retry), and the note counts as failed in the sweep.
/// - A note that cannot be put in the prompt (gone, unreadable, a reserved sentinel line, the
///   gate no longer applies) gets no run at all: it is listed in the batch result as not
///   reviewed, with the reason, and counts as failed.
/// - A note that already has a completed run from an earlier attempt of this batch (a worker
///   that died while recording) is not reviewed again.
///
/// When the batch ends for good (done or failed), the sweep's end-of-sweep stage is tried.
struct SweepBatch {
    let executor: JobExecutor
    var context: WorkerContext { executor.context }

    func run(_ claimed: ClaimedJob, sweep: JobID, gateId: String, notes: [String]) async throws -> JobEnding {
        let ending = try await execute(claimed, gateId: gateId, notes: notes)
        if ending.state == .done || ending.state == .failed { try await SweepFinisher(context: context).finishIfEnded(sweep) }
        return ending
    }

    private func execute(_ claimed: ClaimedJob, gateId: String, notes: [String]) async throws -> JobEnding {
        let job = claimed.job
        let earlier = try await context.store.perform { try $0.runs(forJob: job.id.rawValue) }
        let reviewed = Set(earlier.filter { $0.run.status == .completed }.map { PathKey($0.run.notePath) })
        let pending = notes.filter { !reviewed.contains(PathKey($0)) }
        guard !pending.isEmpty else { return try await finish(claimed, notes: notes, skipped: [:], runIDs: []) }
        guard let profile = context.config.runners[job.runner] else {
            return try executor.settle(claimed, .fail(reason: "unknown runner profile: \(job.runner)"))
        }
        let gate: Gate
        do {
            gate = try context.kb.gate(gateId)
        } catch {
            return try executor.settleUnresolved(claimed, error)
        }
        let prepared = prepare(pending, gate: gate)
        guard !prepared.notes.isEmpty else { return try await finish(claimed, notes: notes, skipped: prepared.skipped, runIDs: []) }
        let provenance: [NoteProvenance]
        let gateSha: String
        do {
            // One provenance batch for the gate and every note of the batch.
            let resolved = try context.kb.provenance(notes: prepared.notes.map(\.path), gates: [gate])
            (provenance, gateSha) = (resolved.notes, resolved.gateShas[gate.id] ?? "")
        } catch {
            return try executor.settleUnresolved(claimed, error)
        }
        let requests = zip(prepared.notes, provenance).map { note, provenance in
            NewRun(
                notePath: note.path, modelId: ModelPartition.requested(job.model), runner: job.runner,
                noteSha: provenance.sha, noteCommit: provenance.commit, gates: [(gate.id, gateSha)])
        }
        let attempt = JobAttempt(jobId: job.id.rawValue, attempt: claimed.attemptNumber)
        let runIDs = try await context.store.perform { try $0.createRuns(requests, job: attempt) }
        context.log("batch started", job.id, ["runs": "\(JobExecutor.list(runIDs))", "runner": "\(job.runner)", "gate": "\(gate.id)"])
        do {
            return try await runAndRecord(
                claimed, gate: gate, notes: prepared.notes, runIDs: runIDs, profile: profile, allNotes: notes, skipped: prepared.skipped)
        } catch {
            let reason = "worker error: \(WorkerFault.classify(error) ?? error)"
            _ = try? await context.store.perform { store in
                for id in runIDs { try store.failRun(run: id, reason: reason) }
            }
            throw error
        }
    }

    /// The notes that can go into the prompt, and why the others cannot.
    private func prepare(_ paths: [String], gate: Gate) -> (notes: [Note], skipped: [PathKey: String]) {
        var notes: [Note] = []
        var skipped: [PathKey: String] = [:]
        for path in paths {
            do {
                let note = try context.kb.note(path)
                guard gate.applies(to: note) else {
                    skipped[PathKey(path)] = "gate \(gate.id) does not apply to note: \(path)"
                    continue
                }
                // The prompt builder refuses a note holding a reserved sentinel line; ask it per note.
                _ = try ReviewPrompt.sweep(gate: GateText(id: gate.id, text: gate.text), notes: [(note.path, note.text)])
                notes.append(note)
            } catch {
                skipped[PathKey(path)] = "\(error)"
            }
        }
        return (notes, skipped)
    }

    private func runAndRecord(
        _ claimed: ClaimedJob, gate: Gate, notes: [Note], runIDs: [Int64], profile: RunnerProfile, allNotes: [String],
        skipped: [PathKey: String]
    ) async throws -> JobEnding {
        let job = claimed.job
        let prompt = try ReviewPrompt.sweep(gate: GateText(id: gate.id, text: gate.text), notes: notes.map { ($0.path, $0.text) })
        let attemptFiles = ReviewArtifacts(kb: context.kb, sweepBatch: job.id.rawValue, attempt: claimed.attemptNumber)
        try attemptFiles.prepareDirectory()
        let directory = attemptFiles.directory.path
        let outcome = await executor.runContained(
            executor.invocation(job, profile: profile, prompt: prompt, artifactsDirectory: directory), job: job
        ) { claimed.recordRunning(runIDs: runIDs, artifactsDirectory: directory) }
        if let fault = executor.launchFault(outcome) { throw fault }
        let execution = executor.executionData(of: outcome, job: job, runIDs: runIDs)
        let paths = notes.map(\.path)
        let parsed = Result { () throws(ReviewFormatError) in try GateSweepParser.parse(outcome.bundleText, gateId: gate.id, notes: paths) }
        if let verdict = executor.verdict(on: outcome, job: job, outputParses: (try? parsed.get()) != nil) {
            return try await executor.settle(claimed, failing: runIDs, verdict, execution: execution, stderrTail: outcome.stderrTail)
        }
        let blocks: [GateBlock]
        switch parsed {
        case .success(let parsedBlocks):
            blocks = parsedBlocks
        case .failure(let error):
            try? attemptFiles.writeBundle(outcome.bundleText)
            return try await executor.settle(
                claimed, failing: runIDs, .failed(reason: error.message), execution: execution, stderrTail: outcome.stderrTail)
        }
        let actual = executor.actualPartition(outcome, job: job, runIDs: runIDs)
        for ((path, block), runId) in zip(zip(paths, blocks), runIDs) {
            try await record(block, note: path, run: runId, actualModelId: actual, execution: execution)
        }
        return try await finish(claimed, notes: allNotes, skipped: skipped, runIDs: runIDs)
    }

    /// Records one note's review through `recordAndFinalizeRun` with the call's shared
    /// telemetry and the note's own canonical bundle, and its artifacts.
    private func record(_ block: GateBlock, note: String, run runId: Int64, actualModelId: String?, execution: ExecutionData) async throws {
        let artifacts = ReviewArtifacts(kb: context.kb, runId: runId)
        let bundle = BundleParser.canonicalBundle(runId: runId, notePath: note, blocks: [block])
        try artifacts.writeBundle(bundle)
        var recorded = execution
        recorded.rawBundleMarkdown = bundle
        let review = GateReviewInput(block: block)
        do {
            _ = try await context.store.perform { [recorded] in
                try $0.recordAndFinalizeRun(run: runId, reviews: [review], actualModelId: actualModelId, executionData: recorded)
            }
        } catch let error as ReviewStoreError where !error.isRefusal {
            return  // the store failed the run with the reason
        }
        try artifacts.writeGateFiles([(review.gateId, review.rationaleMarkdown)])
    }

    private func finish(
        _ claimed: ClaimedJob, notes: [String], skipped: [PathKey: String], runIDs: [Int64]
    ) async throws -> JobEnding {
        let id = claimed.id.rawValue
        let runs = try await context.store.perform { try $0.runs(forJob: id).map(\.run) }
        return try executor.settle(
            claimed, .finish(AttemptReport(runIDs: runIDs), result: Self.result(notes: notes, runs: runs, skipped: skipped)))
    }

    /// `<batch id>.result.json`: per note its last run (id, status, decision or failure reason),
    /// or why it got none; `reviewed` and `failed` counts.
    static func result(notes: [String], runs: [RunRecord], skipped: [PathKey: String] = [:]) -> JSONValue {
        let last = Dictionary(runs.map { (PathKey($0.notePath), $0) }) { $0.id > $1.id ? $0 : $1 }
        let entries: [JSONValue] = notes.map { note in
            guard let run = last[PathKey(note)] else {
                return .object([
                    ("note", .string(note)), ("run_id", .null), ("status", .string("not reviewed")),
                    ("reason", .string(skipped[PathKey(note)] ?? "")),
                ])
            }
            return .object([
                ("note", .string(note)), ("run_id", .integer(Int(run.id))), ("status", .string(run.status.rawValue)),
                ("model_id", .string(run.modelId)), ("reason", run.failureReason.map(JSONValue.string) ?? .null),
            ])
        }
        let reviewed = notes.filter { last[PathKey($0)]?.status == .completed }.count
        return .object([
            ("notes", .array(entries)), ("reviewed", .integer(reviewed)), ("failed", .integer(notes.count - reviewed)),
        ])
    }
}
