import Foundation
import KnowledgeBase
import Logging
import ReviewFlow
import ReviewFormat
import ReviewStore
import Spool

/// Expands a claimed sweep job into batch jobs (SPEC §5.2) and parks it in `waiting/`.
///
/// The notes are resolved now, when the sweep is claimed: the `--note` list (duplicates
/// dropped, first wins), or the notes stale for the gate under the job's model partition at
/// this moment. Notes the gate does not apply to (`requires_trait`) are left out. They are cut
/// into batch jobs `<sweep id>-b<k>` of `batch_size` notes, written into `new/` one by one.
///
/// Expansion is idempotent: the batches already in the spool (from an expansion that a crash
/// interrupted) keep their numbers and notes, their notes are not planned again, and new
/// batches are numbered after them. So a crash mid-expansion neither loses nor duplicates a
/// batch: recovery requeues the sweep, and claiming it again finishes the expansion.
///
/// A sweep that cannot be resolved (unknown or dirty gate, a bundle instead of a gate, a
/// missing note) fails without a batch and without a retry.
struct SweepExpansion {
    let executor: JobExecutor
    var context: WorkerContext { executor.context }

    /// Set in tests only: after writing batch `k` the expansion stops and waits forever, so a
    /// test can kill the worker in the middle of an expansion.
    static let haltVariable = "REVQ_TEST_SWEEP_HALT_AFTER_BATCH"

    func run(_ claimed: ClaimedJob, gateId: String, selection: Job.SweepSelection, batchSize: Int) async throws -> JobEnding {
        let job = claimed.job
        let notes: [String]
        do {
            notes = try select(gateId: gateId, selection: selection, model: job.model)
        } catch {
            return try executor.settleUnresolved(claimed, error)
        }
        let spool = context.spool
        let existing = try spool.batches(of: job.id)
        var planned: Set<PathKey> = []
        for batch in existing {
            if case .sweep(_, .batch(_, let batchNotes), _)? = try spool.find(batch.id.rawValue)?.job?.work {
                planned.formUnion(batchNotes.map(PathKey.init))
            }
        }
        var number = existing.compactMap { Spool.batchNumber(of: $0.id, in: job.id) }.max() ?? 0
        let halt = ProcessInfo.processInfo.environment[Self.haltVariable].flatMap(Int.init)
        var created: [String] = []
        var remaining = notes.filter { !planned.contains(PathKey($0)) }[...]
        while !remaining.isEmpty {
            number += 1
            let batch = Job(
                id: JobID(job.id.rawValue + "-b\(number)")!,
                work: .sweep(gate: gateId, selection: .batch(of: job.id, notes: Array(remaining.prefix(batchSize))), batchSize: batchSize),
                runner: job.runner, model: job.model, priority: job.priority, maxAttempts: job.maxAttempts,
                timeoutSeconds: job.timeoutSeconds, submittedBy: job.submittedBy)
            remaining = remaining.dropFirst(batchSize)
            if try spool.createBatch(batch) { created.append(batch.id.fileName) }
            if number == halt {
                context.log("test hook: sweep expansion halted", job.id, level: .warning, ["batch": "\(batch.id)"])
                try? await Task.sleep(for: .seconds(86_400))
            }
        }
        let summary = "\(notes.count) note(s) in \(number) batch(es)"
        try claimed.park(AttemptReport(reason: "expanded: \(summary)"))
        context.log("sweep expanded", job.id, ["notes": "\(notes.count)", "batches": "\(number)", "new_batches": "\(created.count)"])
        let finished = try await SweepFinisher(context: context).finishIfEnded(job.id)
        return JobEnding(name: job.id.fileName, state: finished ? .done : .waiting, readied: created)
    }

    /// The notes of the sweep, resolved now, that the gate applies to (names compared byte for
    /// byte: NFC and NFD twins are two notes).
    func select(gateId: String, selection: Job.SweepSelection, model: String) throws -> [String] {
        let kb = context.kb
        let gate = try kb.sweepGate(gateId)
        switch selection {
        case .notes(let paths), .batch(_, let paths):
            return try paths.uniquedByBytes().filter { try gate.applies(to: kb.note($0)) }
        case .stale(let currentOnly):
            let selection = try StaleSelection.select(
                kb: kb, store: context.store, modelId: ModelPartition.requested(model), gateArguments: [gateId], notePaths: nil,
                currentOnly: currentOnly)
            for skipped in selection.skipped {
                context.logger.warning("note skipped", metadata: ["note": "\(skipped.note)", "reason": "\(skipped.reason)"])
            }
            return selection.pairs.map(\.candidate.notePath)
        }
    }
}
