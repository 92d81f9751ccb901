public import Foundation
import Glibc

/// The outcome of trying to claim one file of `new/`.
public enum ClaimOutcome: Sendable {
    /// The job is in `active/`, locked by the returned value for as long as it lives.
    case claimed(ClaimedJob)
    /// Someone else claimed or moved it first (normal under concurrency).
    case lost
    /// Another process holds its lock right now, or its id is still in `active/`; try later.
    case busy
    /// A bad file: it was moved to `failed/` (under the returned name) with the reason.
    case quarantined(name: String, reason: String)
}

extension Spool {
    /// Claims `new/<name>`: open it (never following a symlink) → `flock(LOCK_EX|LOCK_NB)` (skip
    /// if held) → check that the name still refers to the locked file → read and validate it →
    /// `rename` it to `active/` without replacing anything there. The lock is taken before the
    /// rename, so a file in `active/` is never unlocked while its claimer lives. A file that is
    /// not a valid job is moved to `failed/` instead (see ``quarantine(_:from:reason:)``).
    ///
    /// `active/` is `fsync`ed after the rename, so the claim is on disk before the job's run is
    /// created: after a power cut a job with a run is found in `active/` and recovered, never
    /// left in `new/` beside a run that claims it.
    public func claim(_ name: String, rules: JobRules, now: Date = Date()) throws -> ClaimOutcome {
        let entry = try LockedEntry.open(path(.new, name))
        guard case .locked(let fd, let size) = entry else {
            switch entry {
            case .missing: return .lost
            case .busy: return .busy
            default: return try quarantined(name, reason: Self.badFileReason(entry)!)
            }
        }
        var keep = false
        defer { if !keep { close(fd) } }
        let job: Job
        do {
            job = try decodeLocked(name, fd: fd, size: size, rules: rules)
        } catch let defect as JobDefect {
            return try quarantined(name, reason: defect.message)
        }
        do {
            try SystemCalls.renameNoReplace(path(.new, name), path(.active, name))
        } catch SpoolError.system(_, _, ENOENT) {
            return .lost
        } catch SpoolError.system(_, _, EEXIST) {
            return .busy
        }
        keep = true
        let claimed = ClaimedJob(job: job, spool: self, descriptor: fd, claimedAt: now)
        do {
            try SystemCalls.syncDirectory(directory(.active))
        } catch {
            try? claimed.putBack()
            throw error
        }
        return .claimed(claimed)
    }

    /// What ``quarantineIfDefective(_:rules:)`` found.
    public enum DefectCheck: Sendable, Equatable {
        /// Moved to `failed/<target>` for `reason`.
        case quarantined(reason: String, target: String)
        /// A valid job now (the name was replaced meanwhile).
        case valid
        /// Gone, or locked by someone else: not ours to move.
        case notHere
    }

    /// Moves `new/<name>` to `failed/` if it is still not a valid job, checked again under its
    /// lock: the name may have been replaced by a valid job meanwhile.
    public func quarantineIfDefective(_ name: String, rules: JobRules) throws -> DefectCheck {
        let entry = try LockedEntry.open(path(.new, name))
        guard case .locked(let fd, let size) = entry else {
            guard let reason = Self.badFileReason(entry) else { return .notHere }
            return try quarantine(name, from: .new, reason: reason).map { .quarantined(reason: reason, target: $0) } ?? .notHere
        }
        defer { close(fd) }
        do {
            _ = try decodeLocked(name, fd: fd, size: size, rules: rules)
            return .valid
        } catch let defect as JobDefect {
            return try quarantine(name, from: .new, reason: defect.message).map { .quarantined(reason: defect.message, target: $0) } ?? .notHere
        }
    }

    /// The job in the locked file `new/<name>`, or its defect.
    private func decodeLocked(_ name: String, fd: Int32, size: Int, rules: JobRules) throws -> Job {
        guard size <= JobFile.maxSize else { throw JobDefect("file is larger than 1 MiB (\(size) bytes)") }
        let bytes = try SystemCalls.readAll(fd, limit: JobFile.maxSize, path: path(.new, name))
        return try JobFile.decode(bytes, origin: .spoolFile(fileName: name), rules: rules)
    }

    private func quarantined(_ name: String, reason: String) throws -> ClaimOutcome {
        guard let target = try quarantine(name, from: .new, reason: reason) else { return .lost }
        return .quarantined(name: target, reason: reason)
    }
}
