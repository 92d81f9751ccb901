public import Foundation
import Glibc

extension Spool {
    /// Finds the orphans of `active/`: files whose lock no live process holds. Each is locked
    /// and returned as a ``ClaimedJob`` for the worker to settle (fail its runs, then `retry` it,
    /// which fails it once its attempts are used). An orphan whose id also exists in another
    /// state (a crash between the two steps of an ending or a claim) is a leftover: its `active/`
    /// copy is removed. An orphan that is not a valid job goes to `failed/` like any bad file.
    /// Sidecars of `active/` (`.running`, `.cancel`) whose job file is gone are removed.
    public func recoverOrphans(rules: JobRules, now: Date = Date()) throws -> [ClaimedJob] {
        var orphans: [ClaimedJob] = []
        for name in try names(in: .active) {
            let entry = try LockedEntry.open(path(.active, name))
            guard case .locked(let fd, _) = entry else {
                if let reason = Self.badFileReason(entry) { try quarantine(name, from: .active, reason: reason) }
                continue
            }
            var keep = false
            defer { if !keep { close(fd) } }
            let others: [JobState] = [.new, .deferred, .hold, .done, .failed, .waiting]
            if let id = JobID(fileName: name), try locate(id, in: others) != nil {
                try SystemCalls.unlinkIfPresent(path(.active, name))
                removeActiveSidecars(of: id)
                continue
            }
            do {
                let bytes = try SystemCalls.readAll(fd, limit: JobFile.maxSize, path: path(.active, name))
                let job = try JobFile.decode(bytes, origin: .spoolFile(fileName: name), rules: rules)
                keep = true
                orphans.append(ClaimedJob(job: job, spool: self, descriptor: fd, claimedAt: now))
            } catch let defect as JobDefect {
                try quarantine(name, from: .active, reason: defect.message)
            }
        }
        try removeStrayActiveSidecars()
        return orphans
    }

    /// Removes files of `tmp/` last modified more than `olderThan` seconds ago (default a day):
    /// the remains of producers that died mid-write. Returns how many were removed.
    @discardableResult
    public func removeStaleTemporaryFiles(olderThan: TimeInterval = 86_400, now: Date = Date()) throws -> Int {
        let cutoff = now.timeIntervalSince1970 - olderThan
        var removed = 0
        try forEachName(in: temporaryDirectory) { name in
            let path = temporaryPath(name)
            guard let info = try SystemCalls.linkStatus(path), info.st_mode & S_IFMT != S_IFDIR,
                Double(info.st_mtim.tv_sec) < cutoff
            else { return }
            try SystemCalls.unlinkIfPresent(path)
            removed += 1
        }
        return removed
    }
}

extension Spool {
    /// Whether a live process holds the claim of job `id` now: its file is in `active/` and
    /// locked (by any open file, this process's own claims included).
    public func isClaimedByLiveProcess(_ id: JobID) -> Bool {
        switch try? LockedEntry.open(path(.active, id.fileName)) {
        case .busy?: return true
        case .locked(let fd, _)?:
            close(fd)
            return false
        default: return false
        }
    }
}
