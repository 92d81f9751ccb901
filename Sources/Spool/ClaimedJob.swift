public import Foundation
import Glibc
public import JSONText
import RevqTime
import Synchronization

/// What one claim of a job produced, given when it ends.
public struct AttemptReport: Sendable, Equatable {
    /// The review runs this attempt created.
    public var runIDs: [Int64]
    /// Why it ended, when it did not complete (a failure reason, `worker exited during run`, …).
    public var reason: String?
    /// The last lines of the runner's stderr, oldest first, kept in `<id>.error.json` on failure.
    public var stderrTail: [String]

    public init(runIDs: [Int64] = [], reason: String? = nil, stderrTail: [String] = []) {
        self.runIDs = runIDs
        self.reason = reason
        self.stderrTail = stderrTail
    }
}

/// A job in `active/`, owned by this process: the value holds the open file whose `flock` marks
/// the job as claimed by a live process. Ending it moves the job on exactly once; a second
/// ending throws ``SpoolError/alreadyReleased(id:)``. Dropping the value without ending it
/// releases the lock and leaves the job in `active/` as an orphan for recovery, like a crash.
///
/// Every ending writes the updated job (its `attempts` and `history`) to `tmp/`, `fsync`s it,
/// renames it into the target directory (never over a file), `fsync`s that directory, and only
/// then unlinks `active/<id>.json` and closes the lock. A crash in between leaves the id in two
/// places; ``Spool/recoverOrphans(rules:)`` drops the `active/` copy.
public final class ClaimedJob: Sendable {
    public let job: Job
    public let claimedAt: Date
    public let spool: Spool
    /// Where the locked file is: `active/`, or `waiting/` for a parked sweep taken by its end-of-sweep stage.
    public let source: JobState
    /// The locked file's descriptor, -1 once the job has left ``source``.
    private let descriptor: Mutex<Int32>

    init(job: Job, spool: Spool, descriptor: Int32, claimedAt: Date, source: JobState = .active) {
        self.job = job
        self.spool = spool
        self.source = source
        self.descriptor = Mutex(descriptor)
        self.claimedAt = Timestamp.wholeSeconds(claimedAt)
    }

    deinit {
        descriptor.withLock { fd in
            if fd >= 0 { close(fd) }
        }
    }

    public var id: JobID { job.id }

    /// The number this claim gets in the job's history (1 for the first claim ever).
    public var attemptNumber: Int { job.history.count + 1 }

    /// Finishes the job: `<id>.result.json` (the caller's `result`, a copy of what the review
    /// store holds, so its data is not synced) and the job go to `done/` with one directory sync.
    /// Frees its idempotency key.
    public func finish(_ report: AttemptReport, result: JSONValue, now: Date = Date()) throws {
        let updated = recording(report, outcome: .completed, now: now)
        try leave(to: .done, job: updated, sidecar: (Spool.resultSuffix, JSONWriter.bytes(result), derived: true))
    }

    /// Fails the job for good: `<id>.error.json` is made durable in `failed/` first, then the job
    /// moves there. Spends an attempt. Frees its idempotency key.
    public func fail(_ report: AttemptReport, now: Date = Date()) throws {
        let updated = recording(report, outcome: .failed, now: now)
        let failure = FailureReport(
            reason: report.reason ?? "failed", attempts: updated.attempts, runIDs: updated.runIDs,
            stderrTail: report.stderrTail, failedAt: now, submittedAt: job.submittedAt, lastStartedAt: claimedAt)
        try leave(to: .failed, job: updated, sidecar: (Spool.errorSuffix, JSONWriter.bytes(failure.jsonValue), derived: false))
    }

    /// A retryable failure: spends an attempt; the job waits in `deferred/` until `at` (or goes
    /// straight to `new/` when `at` is nil), or fails when it has used all of its `max_attempts`.
    /// Returns where the job went.
    @discardableResult
    public func retry(_ report: AttemptReport, at: Date?, now: Date = Date()) throws -> JobState {
        guard job.attempts + 1 < job.maxAttempts else {
            var final = report
            final.reason = "\(report.reason ?? "failed") (attempt \(job.attempts + 1) of \(job.maxAttempts))"
            try fail(final, now: now)
            return .failed
        }
        var updated = recording(report, outcome: .retrying, now: now)
        updated.notBefore = at
        let state: JobState = at.map { $0 > now } == true ? .deferred : .new
        try leave(to: state, job: updated, sidecar: nil)
        return state
    }

    /// Why a job goes back without spending an attempt.
    public enum Postponement: Sendable {
        /// The runner's quota is exhausted, or the pool is paused.
        case deferred
        /// The worker is stopping (drain).
        case interrupted
    }

    /// Puts the job back without spending an attempt: to `deferred/` until `until`, or to `new/`.
    @discardableResult
    public func postpone(
        _ report: AttemptReport, until: Date?, because why: Postponement, now: Date = Date()
    )
        throws -> JobState
    {
        var updated = recording(report, outcome: why == .deferred ? .deferred : .interrupted, now: now)
        updated.notBefore = until
        let state: JobState = until.map { $0 > now } == true ? .deferred : .new
        try leave(to: state, job: updated, sidecar: nil)
        return state
    }

    /// Undoes the claim: the job goes back to `new/` (a parked sweep stays in `waiting/`) as it was, without a history entry and
    /// without spending an attempt. Writes no file, so it works on a full disk; for faults that
    /// are not the job's (the store or the disk), when nothing of the attempt is to be kept.
    public func putBack() throws {
        try descriptor.withLock { fd in
            guard fd >= 0 else { throw SpoolError.alreadyReleased(id: job.id) }
            // A parked sweep taken by its end-of-sweep stage simply stays in `waiting/`.
            if source == .active {
                try spool.move(job.id.fileName, from: .active, to: .new)
                try SystemCalls.syncDirectory(spool.directory(.new))
                spool.removeActiveSidecars(of: job.id)
            }
            close(fd)
            fd = -1
        }
    }

    /// Parks an expanded sweep in `waiting/` until its batches end, without spending an attempt.
    public func park(_ report: AttemptReport, now: Date = Date()) throws {
        try leave(to: .waiting, job: recording(report, outcome: .expanded, now: now), sidecar: nil)
    }

    /// Removes the `active/` copy of a job whose id also exists in another state (a crash
    /// between the two steps of an ending), then releases the lock.
    func dropDuplicate() throws {
        try descriptor.withLock { fd in
            guard fd >= 0 else { throw SpoolError.alreadyReleased(id: job.id) }
            try SystemCalls.unlinkIfPresent(spool.path(source, job.id.fileName))
            if source == .active { spool.removeActiveSidecars(of: job.id) }
            close(fd)
            fd = -1
        }
    }

    /// Tells readers (`revq status`, `spool show`, `follow`) this attempt's runs and where the
    /// runner writes (`active/<id>.running`); a failure to say so only costs them that view.
    public func recordRunning(runIDs: [Int64], artifactsDirectory: String) {
        guard source == .active else { return }
        let attempt = RunningAttempt(
            attempt: attemptNumber, runIDs: runIDs, artifactsDirectory: artifactsDirectory, startedAt: claimedAt, workerPid: getpid(),
            workerHost: Self.hostName)
        try? spool.writeRunning(attempt, of: job.id)
    }

    /// This machine's name, looked up once: Foundation asks the resolver each time.
    private static let hostName = ProcessInfo.processInfo.hostName

    private func recording(_ report: AttemptReport, outcome: AttemptRecord.Outcome, now: Date) -> Job {
        var updated = job
        if outcome.spendsAttempt { updated.attempts += 1 }
        updated.history.append(
            AttemptRecord(
                attempt: attemptNumber, outcome: outcome, reason: report.reason, runIDs: report.runIDs,
                startedAt: claimedAt, endedAt: now))
        return updated
    }

    /// Puts the updated job (after its sidecar, in one directory sync) into `state` and removes
    /// it from where it was.
    private func leave(
        to state: JobState, job updated: Job, sidecar: (suffix: String, bytes: [UInt8], derived: Bool)?
    ) throws {
        try descriptor.withLock { fd in
            guard fd >= 0 else { throw SpoolError.alreadyReleased(id: job.id) }
            var files = [PlacedFile(name: job.id.fileName, bytes: JobFile.encode(updated))]
            if let sidecar {
                let file = PlacedFile(name: job.id.rawValue + sidecar.suffix, bytes: sidecar.bytes, replacing: true, derived: sidecar.derived)
                files.insert(file, at: 0)
            }
            try spool.place(files, in: state)
            try SystemCalls.unlinkIfPresent(spool.path(source, job.id.fileName))
            if source == .active { spool.removeActiveSidecars(of: job.id) }
            if source == .waiting {
                try SystemCalls.unlinkIfPresent(spool.path(.waiting, job.id.rawValue + Spool.completionSuffix))
            }
            close(fd)
            fd = -1
        }
        if let key = job.key, state == .done || state == .failed {
            let keys = KeyIndex(spool: spool)
            try keys.withLock { try keys.release(key, from: job.id) }
        }
    }
}
