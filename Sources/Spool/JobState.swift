/// The spool directory a job file is in. A state change is one `rename(2)`.
public enum JobState: String, CaseIterable, Sendable, Codable {
    /// Ready to be claimed, worked oldest-first within a priority.
    case new
    /// Claimed by a live worker, which holds an exclusive `flock` on the file.
    case active
    /// Waiting for its `not_before` time (a retry backoff, a quota pause or a scheduled job).
    case deferred
    /// Parked by an operator until released.
    case hold
    /// Finished: `<id>.json` and its `<id>.result.json`.
    case done
    /// Dead: `<id>.json` (or the raw bad file) and its `<name>.error.json`.
    case failed
    /// A sweep whose batch jobs are out: it waits here, unlocked, until every batch has ended
    /// and the end-of-sweep stage moves it to `done/` (with `<id>.completion.json` beside it
    /// while its completion commands run).
    case waiting

    /// The directory name with a trailing slash, as shown to people (`new/`).
    public var directoryName: String { rawValue + "/" }

    /// States of a job that is not finished: an idempotency key stays taken while its job is in one of them.
    public static let live: [JobState] = [.new, .active, .deferred, .hold, .waiting]
}
