public import Foundation
import RevqTime

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
        guard let data = FileManager.default.contents(atPath: pauseFile),
            let until = Timestamp.parse(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
            until > now
        else { return nil }
        return until
    }
}
