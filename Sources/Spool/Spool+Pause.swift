public import Foundation
import RevqTime
import SystemFiles

extension Spool {
    /// `<root>/paused-until`: when a worker's pool stopped claiming because a runner's quota
    /// ran out, and until when. Outside every state directory, so it is never taken for a job.
    /// `revq status` shows it, and a worker that starts during the pause keeps to it.
    var pauseFile: String { root + "/paused-until" }

    /// Records a pause of the pool until `until` (the file is replaced in one rename).
    public func recordPause(until: Date) throws {
        try Data((Timestamp.format(until) + "\n").utf8).write(to: URL(fileURLWithPath: pauseFile), options: .atomic)
    }

    /// Forgets a recorded pause.
    public func clearPause() {
        _ = unlink(pauseFile)
    }

    /// The end of a recorded pause still running at `now`; nil when there is none.
    public func pausedUntil(now: Date = Date()) -> Date? {
        guard let data = WholeFile.read(atPath: pauseFile),
            let until = Timestamp.parse(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
            until > now
        else { return nil }
        return until
    }
}

extension Spool {
    /// `<root>/claiming-stopped`: why a worker's pool stopped claiming for a fault of the store
    /// or the disk, while it stands. `revq status` shows it.
    var faultFile: String { root + "/claiming-stopped" }

    /// Records why claiming stopped, or clears the record (nil). On a full disk the record
    /// may not be writable; the worker's log and systemd status still say it.
    public func recordClaimingStopped(_ reason: String?) throws {
        guard let reason else {
            _ = unlink(faultFile)
            return
        }
        try Data((reason + "\n").utf8).write(to: URL(fileURLWithPath: faultFile), options: .atomic)
    }

    /// Why claiming is stopped, if a worker recorded it.
    public func claimingStopped() -> String? {
        WholeFile.read(atPath: faultFile).map {
            String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}
