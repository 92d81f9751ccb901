import Foundation
import JSONText
import KnowledgeBase
import Logging
import RevqConfig
import RevqTime
import Spool

/// The end-of-sweep stage (SPEC §5.2): once a parked sweep's last batch has ended, it runs the
/// configured completion commands once and moves the sweep to `done/` with its result.
///
/// It is tried after a sweep is parked, after each of its batches ends for good, at worker
/// start and on the slow rescan, so whichever comes last finds every batch ended. One stage at a
/// time acts on a sweep (it holds the lock of `waiting/<id>.json`), and it is idempotent: a
/// sweep already moved on is left alone, and `waiting/<id>.completion.json`, written before the
/// commands start and again with their outcomes, keeps a stage run again after a crash from
/// running them a second time.
///
/// A sweep always ends in `done/`, whatever became of its batches: its result counts the notes
/// reviewed and failed and lists each batch's state; a dead batch waits in `failed/` for an
/// operator's retry on its own.
struct SweepFinisher {
    let context: WorkerContext

    /// Finishes `sweep` if it is parked and every batch has ended; true when it finished it.
    @discardableResult
    func finishIfEnded(_ sweep: JobID) async throws -> Bool {
        guard let claimed = try await lock(sweep) else { return false }
        let progress = try SweepProgress(sweep: sweep, spool: context.spool, store: context.store)
        guard progress.isComplete else { return false }
        let commands = try await completionCommands(sweep, progress: progress)
        let gate: String = if case .sweep(let gate, _, _) = claimed.job.work { gate } else { "" }
        let result = JSONValue.object([
            ("sweep", .string(sweep.rawValue)), ("gate", .string(gate)), ("notes", .integer(progress.notes)),
            ("reviewed", .integer(progress.reviewed)), ("failed", .integer(progress.failed)), ("batches", progress.batchesJSON),
            ("run_ids", .array(progress.lastRunIDs.map { .integer(Int($0)) })), ("completion_commands", .array(commands)),
        ])
        try claimed.finish(AttemptReport(runIDs: progress.lastRunIDs), result: result)
        context.logger.log(
            level: progress.failed > 0 ? .warning : .info,
            "sweep \(sweep): reviewed \(progress.reviewed) notes in \(progress.batches.count) batches, \(progress.failed) failed",
            metadata: ["job": "\(sweep.rawValue)"])
        return true
    }

    /// Tries every parked sweep (worker start, slow rescan).
    func finishAllEnded() async {
        do {
            for name in try context.spool.names(in: .waiting) {
                guard let id = JobID(fileName: name) else { continue }
                try await finishIfEnded(id)
            }
        } catch {
            context.logger.error("end-of-sweep check failed", metadata: ["error": "\(error)"])
        }
    }

    /// The parked sweep, locked; nil when it is not parked. Another stage holding the lock is
    /// waited out, since it may have looked before this caller's batch ended.
    private func lock(_ sweep: JobID) async throws -> ClaimedJob? {
        while !Task.isCancelled {
            switch try context.spool.lockWaiting(sweep, rules: context.rules) {
            case .locked(let claimed): return claimed
            case .gone: return nil
            case .busy: try? await Task.sleep(for: .milliseconds(20))
            }
        }
        return nil
    }

    /// Runs the completion commands unless an earlier stage for this sweep started them.
    private func completionCommands(_ sweep: JobID, progress: SweepProgress) async throws -> [JSONValue] {
        let commands = context.config.sweep.completionCommands
        if let record = try context.spool.completionRecord(of: sweep) {
            if case .array(let outcomes)? = record["commands"] { return outcomes }
            // A worker died while they ran: whatever of them still runs is stopped.
            await Containment.stopLeftovers(of: sweep, context: context)
            return SweepCompletionCommands.interrupted(commands)
        }
        guard !commands.isEmpty else { return [] }
        let started = ("started_at", JSONValue.string(Timestamp.format(Date())))
        try context.spool.writeCompletionRecord(.object([started]), of: sweep)
        let outcomes = await SweepCompletionCommands.run(
            commands, sweep: sweep, reviewed: progress.reviewed, failed: progress.failed, kbRoot: context.kb.root)
        try context.spool.writeCompletionRecord(.object([started, ("commands", .array(outcomes))]), of: sweep)
        for case .object(let fields) in outcomes where fields.first(where: { $0.name == "exit" })?.value != .integer(0) {
            context.log("sweep completion command failed", sweep, level: .warning, ["outcome": "\(JSONValue.object(fields).serialized)"])
        }
        return outcomes
    }
}
