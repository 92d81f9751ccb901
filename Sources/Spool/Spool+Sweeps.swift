public import Foundation
import Glibc
public import JSONText

/// What ``Spool/lockWaiting(_:rules:now:)`` found.
public enum WaitingLock: Sendable {
    /// The parked sweep, locked by the returned value until it is ended or dropped.
    case locked(ClaimedJob)
    /// Another process (or task) holds its lock right now.
    case busy
    /// It is not in `waiting/` (any more).
    case gone
}

extension Spool {
    /// Writes a batch job of a sweep into `new/` unless its id already exists in any state:
    /// written to `tmp/`, `fsync`ed, renamed without replacing, `new/` `fsync`ed. Returns false
    /// when the batch was there already, so that expanding a sweep twice (after a crash) neither
    /// loses nor duplicates a batch.
    @discardableResult
    public func createBatch(_ job: Job) throws -> Bool {
        guard try locate(job.id) == nil else { return false }
        do {
            try creatingDirectories { try writeDurably(JobFile.encode(job), as: job.id.fileName, in: .new) }
            return true
        } catch SpoolError.alreadyExists {
            return false
        }
    }

    /// The batch jobs of `sweep` (`<sweep id>-b<k>.json`) in every state, by `k`, from directory
    /// listings only. A batch seen in two states (a crash between the steps of a move) is
    /// reported once, in the first state of ``JobState/allCases`` order.
    public func batches(of sweep: JobID) throws -> [(id: JobID, state: JobState)] {
        let prefix = sweep.rawValue + "-b"
        var found: [Int: (id: JobID, state: JobState)] = [:]
        for state in JobState.allCases {
            try forEachName(in: directory(state)) { name in
                guard name.hasPrefix(prefix), let id = JobID(fileName: name),
                    let k = Int(id.rawValue.dropFirst(prefix.count)), k > 0, found[k] == nil
                else { return }
                found[k] = (id, state)
            }
        }
        return found.keys.sorted().map { found[$0]! }
    }

    /// The number after `-b` of a batch id of `sweep`, nil for other ids.
    public static func batchNumber(of id: JobID, in sweep: JobID) -> Int? {
        let prefix = sweep.rawValue + "-b"
        guard id.rawValue.hasPrefix(prefix) else { return nil }
        return Int(id.rawValue.dropFirst(prefix.count))
    }

    /// Locks the parked sweep `waiting/<id>.json` so that one end-of-sweep stage at a time acts
    /// on it. A copy whose id is already in `done/` or `failed/` (a crash after the final move)
    /// is removed and reported ``WaitingLock/gone``.
    public func lockWaiting(_ id: JobID, rules: JobRules, now: Date = Date()) throws -> WaitingLock {
        let entry = try LockedEntry.open(path(.waiting, id.fileName))
        guard case .locked(let fd, _) = entry else {
            if case .busy = entry { return .busy }
            if let reason = Self.badFileReason(entry) { try quarantine(id.fileName, from: .waiting, reason: reason) }
            return .gone
        }
        var keep = false
        defer { if !keep { close(fd) } }
        if try locate(id, in: [.done, .failed]) != nil {
            try SystemCalls.unlinkIfPresent(path(.waiting, id.fileName))
            try SystemCalls.unlinkIfPresent(path(.waiting, id.rawValue + Self.completionSuffix))
            return .gone
        }
        do {
            let bytes = try SystemCalls.readAll(fd, limit: JobFile.maxSize, path: path(.waiting, id.fileName))
            let job = try JobFile.decode(bytes, origin: .spoolFile(fileName: id.fileName), rules: rules)
            keep = true
            return .locked(ClaimedJob(job: job, spool: self, descriptor: fd, claimedAt: now, source: .waiting))
        } catch let defect as JobDefect {
            try quarantine(id.fileName, from: .waiting, reason: defect.message)
            return .gone
        }
    }

    /// The end-of-sweep record `waiting/<id>.completion.json` (see ``writeCompletionRecord(_:of:)``), nil when absent.
    public func completionRecord(of id: JobID) throws -> JSONValue? {
        let path = path(.waiting, id.rawValue + Self.completionSuffix)
        guard try SystemCalls.linkStatus(path) != nil else { return nil }
        return try JSONValue(parsing: try readFile(path))
    }

    /// Durably replaces `waiting/<id>.completion.json`: what the end-of-sweep stage of a parked
    /// sweep has already done, so that a stage run again after a crash does not repeat it. It
    /// is removed when the sweep leaves `waiting/`.
    public func writeCompletionRecord(_ record: JSONValue, of id: JobID) throws {
        try writeDurably(JSONWriter.bytes(record), as: id.rawValue + Self.completionSuffix, in: .waiting, replacing: true)
    }
}
