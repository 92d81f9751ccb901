public import Foundation
import Glibc

/// What `retry` did with a file of `failed/`.
public enum RetryOutcome: Sendable, Equatable {
    /// The job is back in `new/` with `attempts` reset to 0 and its history kept.
    case requeued(JobID)
    /// The id was already live in another state (a crash left a copy behind); the `failed/` copy was removed.
    case alreadyLive(JobID, JobState)
}

extension Spool {
    public static let cancelReason = "cancelled by operator"

    /// Parks a ready or deferred job in `hold/`.
    public func hold(_ id: JobID) throws {
        let state = try currentState(of: id, expecting: [.new, .deferred])
        try withSourceLock(id.fileName, in: state) { try move(id.fileName, from: state, to: .hold) }
        try SystemCalls.syncDirectory(directory(.hold))
    }

    /// Releases a held job to `new/`, or to `deferred/` when its `not_before` is still ahead.
    @discardableResult
    public func release(_ id: JobID, now: Date = Date()) throws -> JobState {
        _ = try currentState(of: id, expecting: [.hold])
        let notBefore = (try? readJob(id.fileName, in: .hold))?.notBefore
        let target: JobState = notBefore.map { $0 > now } == true ? .deferred : .new
        try move(id.fileName, from: .hold, to: target)
        try SystemCalls.syncDirectory(directory(target))
        return target
    }

    /// What `cancel` did.
    public enum CancelOutcome: Sendable, Equatable {
        /// The job is in `failed/` with the reason `cancelled by operator`.
        case cancelled
        /// The job is running: its worker was asked to stop the runner's process group and fail it.
        case requested
    }

    /// Cancels a job: a ready, deferred or held one (or one in `active/` whose worker died) goes
    /// to `failed/` with the reason `cancelled by operator`, where `retry` can bring it back. For
    /// a running job the marker `active/<id>.cancel` is written; its worker stops the runner and
    /// fails the job with the same reason.
    @discardableResult
    public func cancel(_ id: JobID, now: Date = Date()) throws -> CancelOutcome {
        let state = try currentState(of: id, expecting: [.new, .active, .deferred, .hold])
        if state == .active, isClaimedByLiveProcess(id) {
            try requestCancel(id)
            if isClaimedByLiveProcess(id) { return .requested }
            // It ended meanwhile, maybe after its sidecars were removed: a marker left behind
            // would cancel its next claim. Cancel it where it went instead.
            try SystemCalls.unlinkIfPresent(path(.active, id.rawValue + Self.cancelSuffix))
            return try cancel(id, now: now)
        }
        let job = try? readJob(id.fileName, in: state)
        try withSourceLock(id.fileName, in: state) {
            let report = FailureReport(
                reason: Self.cancelReason, attempts: job?.attempts ?? 0, runIDs: job?.runIDs ?? [], failedAt: now,
                submittedAt: job?.submittedAt, lastStartedAt: job?.history.last?.startedAt)
            try writeDurably(
                JSONWriter.bytes(report.jsonValue), as: id.rawValue + Self.errorSuffix, in: .failed, replacing: true)
            try move(id.fileName, from: state, to: .failed)
            try SystemCalls.syncDirectory(directory(.failed))
        }
        if state == .active { removeActiveSidecars(of: id) }
        if let key = job?.key {
            let keys = KeyIndex(spool: self)
            try keys.withLock { try keys.release(key, from: id) }
        }
        return .cancelled
    }

    /// Puts a failed job back in `new/`: its attempts start again from 0 (a fresh `max_attempts`
    /// budget), its history is kept (attempt numbers go on counting), `not_before` is cleared, and
    /// its error sidecar is removed. The file is validated first (a bad file an operator has
    /// repaired can be retried; one still bad throws ``SpoolError/invalidJob(_:)``). Its key is
    /// taken again if no other live job holds it.
    @discardableResult
    public func retry(_ name: String, rules: JobRules) throws -> RetryOutcome {
        guard try SystemCalls.linkStatus(path(.failed, name)) != nil else {
            throw SpoolError.notFound(name: name, states: [.failed])
        }
        let job: Job
        do {
            job = try JobFile.decode(try readFile(path(.failed, name)), origin: .spoolFile(fileName: name), rules: rules)
        } catch let defect as JobDefect {
            throw SpoolError.invalidJob(JobDefect("cannot retry \(name): \(defect.message)"))
        }
        if let live = try locate(job.id, in: JobState.live) {
            try removeFailed(name)
            return .alreadyLive(job.id, live)
        }
        var revived = job
        revived.attempts = 0
        revived.notBefore = nil
        try writeDurably(JobFile.encode(revived), as: job.id.fileName, in: .new)
        try removeFailed(name)
        if let key = job.key {
            let keys = KeyIndex(spool: self)
            try keys.withLock {
                if try keys.liveHolder(of: key) == nil { try keys.assign(key, to: job.id) }
            }
        }
        return .requeued(job.id)
    }

    /// What `purge` removed.
    public struct PurgeResult: Sendable, Equatable {
        /// Names removed, each with its sidecar.
        public var removed: [String] = []
        /// Entries old enough but not removed (directories: an operator must look at them).
        public var skipped: [String] = []
    }

    /// Removes the jobs of `done/` or `failed/` (with their sidecars) that ended more than
    /// `olderThan` seconds before `now`, and sidecars left without a job. A job's age is its
    /// sidecar's modification time (when it ended), else the file's own. Nothing else is touched;
    /// with `dryRun` nothing at all, and the result lists what would go.
    public func purge(_ state: JobState, olderThan: TimeInterval, now: Date = Date(), dryRun: Bool = false) throws -> PurgeResult {
        guard state == .done || state == .failed else {
            throw SpoolError.wrongState(name: "purge", state: state, expected: [.done, .failed])
        }
        let cutoff = now.timeIntervalSince1970 - olderThan
        let suffix = state == .done ? Self.resultSuffix : Self.errorSuffix
        var result = PurgeResult()
        var entries: [String] = []
        try forEachName(in: directory(state)) { entries.append($0) }
        let present = Set(entries)
        for name in entries.sorted() where !name.hasPrefix(".") {
            let isSidecar = Self.role(of: name, in: state) == .sidecar
            let stem = isSidecar ? String(name.dropLast(suffix.count)) : ""
            if isSidecar, present.contains(stem + ".json") || present.contains(stem) { continue }
            guard let info = try SystemCalls.linkStatus(path(state, name)) else { continue }
            let sidecar = name.replacingJSONSuffix(with: suffix)
            let sidecarInfo = isSidecar ? nil : try SystemCalls.linkStatus(path(state, sidecar))
            guard Double((sidecarInfo ?? info).st_mtim.tv_sec) < cutoff else { continue }
            if info.st_mode & S_IFMT == S_IFDIR {
                result.skipped.append(name)
                continue
            }
            if !dryRun {
                try SystemCalls.unlinkIfPresent(path(state, name))
                if !isSidecar { try SystemCalls.unlinkIfPresent(path(state, sidecar)) }
            }
            result.removed.append(name)
        }
        return result
    }

    /// The state of `id`, which must be one of `expecting`.
    private func currentState(of id: JobID, expecting: [JobState]) throws -> JobState {
        guard let state = try locate(id) else { throw SpoolError.notFound(name: id.rawValue, states: JobState.allCases) }
        guard expecting.contains(state) else {
            throw SpoolError.wrongState(name: id.rawValue, state: state, expected: expecting)
        }
        return state
    }

    /// Runs `body` holding the claim lock of `new/<name>` (so no claim runs at the same time) or
    /// of an orphan in `active/` (so no recovery does); files of other states are moved by
    /// `rename` alone, which settles any race.
    private func withSourceLock(_ name: String, in state: JobState, _ body: () throws -> Void) throws {
        guard state == .new || state == .active else { return try body() }
        switch try LockedEntry.open(path(state, name)) {
        case .locked(let fd, _):
            defer { close(fd) }
            try body()
        case .busy: throw SpoolError.busy(name: name)
        case .missing: throw SpoolError.notFound(name: name, states: [state])
        case .notRegular, .unreadable: try body()
        }
    }

    private func removeFailed(_ name: String) throws {
        try SystemCalls.unlinkIfPresent(path(.failed, name))
        try SystemCalls.unlinkIfPresent(path(.failed, name.replacingJSONSuffix(with: Self.errorSuffix)))
    }

    /// Reads and decodes a job for inspection (any runner name accepted).
    func readJob(_ name: String, in state: JobState) throws -> Job {
        try JobFile.decode(try readFile(path(state, name)), origin: .spoolFile(fileName: name), rules: .inspection)
    }
}
