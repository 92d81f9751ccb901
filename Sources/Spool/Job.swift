public import Foundation
import RevqTime

/// A job file of version 1 (SPEC §5.1): what to review, with which runner profile and model,
/// and the spool-managed record of its attempts.
public struct Job: Sendable, Equatable {
    /// What a job asks for.
    public enum Work: Sendable, Equatable {
        /// Review one note (a path relative to the KB root) against gates or bundles, in the given order.
        case review(note: String, gates: [String])
        /// Review many notes against one gate, in batches of `batchSize` notes.
        case sweep(gate: String, selection: SweepSelection, batchSize: Int)

        /// `review` or `sweep`, the job file's `kind`.
        public var kind: String {
            switch self {
            case .review: "review"
            case .sweep: "sweep"
            }
        }
    }

    /// Which notes a sweep reviews.
    public enum SweepSelection: Sendable, Equatable {
        /// These notes (paths relative to the KB root).
        case notes([String])
        /// The stale (note, gate) pairs when the sweep is claimed; `currentOnly` keeps only pairs
        /// that already have an acceptance under the job's model partition (skips `missing-review`).
        case stale(currentOnly: Bool)
        /// One batch of the sweep `sweep`, written by the worker when it expanded that sweep
        /// (`<sweep id>-b<k>`): these notes in one runner call. Producers cannot submit it.
        case batch(of: JobID, notes: [String])
    }

    public static let defaultPriority = 0
    public static let defaultMaxAttempts = 3
    public static let defaultBatchSize = 5

    public var id: JobID
    public var work: Work
    /// A runner profile name of the configuration; a job never names a program.
    public var runner: String
    /// The requested model partition, as given (trimmed).
    public var model: String
    /// Higher runs first; FIFO within a priority. A generated id carries it
    /// (``JobID/encodedPriority``) and a worker orders `new/` by the id's, without reading the
    /// file: a job whose priority changes needs a new id to move in the queue.
    public var priority: Int
    public var maxAttempts: Int
    /// Wall-clock limit in seconds; nil means the runner profile's limit.
    public var timeoutSeconds: Int?
    /// Not to be started before this time; such a job waits in `deferred/`.
    public var notBefore: Date?
    /// Idempotency key: while a job with this key is not finished, enqueueing it again returns that job's id.
    public var key: String?
    public var submittedAt: Date?
    /// `user@host` of the producer.
    public var submittedBy: String?
    /// Spool-managed: attempts spent since the job was submitted or last retried by an operator.
    public var attempts: Int
    /// Spool-managed: every claim of this job that ended, oldest first.
    public var history: [AttemptRecord]

    /// Times are kept to the whole second, as they are written. Without an `id`, one is
    /// generated that carries `priority`.
    public init(
        id: JobID? = nil, work: Work, runner: String, model: String, priority: Int = defaultPriority,
        maxAttempts: Int = defaultMaxAttempts, timeoutSeconds: Int? = nil, notBefore: Date? = nil,
        key: String? = nil, submittedAt: Date? = Date(), submittedBy: String? = nil, attempts: Int = 0,
        history: [AttemptRecord] = []
    ) {
        self.id = id ?? .generate(priority: priority)
        self.work = work
        self.runner = runner
        self.model = model
        self.priority = priority
        self.maxAttempts = maxAttempts
        self.timeoutSeconds = timeoutSeconds
        self.notBefore = notBefore.map(Timestamp.wholeSeconds)
        self.key = key
        self.submittedAt = submittedAt.map(Timestamp.wholeSeconds)
        self.submittedBy = submittedBy
        self.attempts = attempts
        self.history = history
    }

    /// Every run id of every attempt, oldest first.
    public var runIDs: [Int64] { history.flatMap(\.runIDs) }
}

/// One claim of a job that ended: which runs it made and how it ended.
public struct AttemptRecord: Sendable, Equatable {
    /// How a claim ended. `completed`, `failed` and `retrying` spend an attempt; the others do not.
    public enum Outcome: String, Sendable, CaseIterable {
        /// Finished; the job went to `done/`.
        case completed
        /// Dead; the job went to `failed/`.
        case failed
        /// A retryable failure; the job went back to wait for its next attempt.
        case retrying
        /// Postponed without spending an attempt (quota exhausted, a configured pause).
        case deferred
        /// Stopped from outside (worker shutdown); requeued without spending an attempt.
        case interrupted
        /// A sweep wrote its batch jobs and went to `waiting/`; it spends no attempt.
        case expanded

        public var spendsAttempt: Bool { self == .completed || self == .failed || self == .retrying }
    }

    /// 1-based number of this claim over the job's whole life (it keeps counting across operator retries).
    public var attempt: Int
    public var outcome: Outcome
    public var reason: String?
    public var runIDs: [Int64]
    public var startedAt: Date
    public var endedAt: Date

    public init(
        attempt: Int, outcome: Outcome, reason: String?, runIDs: [Int64], startedAt: Date, endedAt: Date
    ) {
        self.attempt = attempt
        self.outcome = outcome
        self.reason = reason
        self.runIDs = runIDs
        self.startedAt = Timestamp.wholeSeconds(startedAt)
        self.endedAt = Timestamp.wholeSeconds(endedAt)
    }
}
