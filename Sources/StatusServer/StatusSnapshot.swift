public import Foundation
public import ReviewFormat
public import ReviewStore
import RevqTime
public import Spool
public import Usage

/// The worker process serving the page (marked among the spool's live workers).
public struct WorkerIdentity: Sendable {
    public var pid: Int32
    public var startedAt: Date
    public var concurrency: Int
    public var host: String

    public init(pid: Int32, startedAt: Date, concurrency: Int, host: String) {
        self.pid = pid
        self.startedAt = startedAt
        self.concurrency = concurrency
        self.host = host
    }
}

/// Everything the status page shows, read at one moment from the spool and the store.
public struct StatusSnapshot: Sendable {
    public struct RunningJob: Sendable {
        public var id: String
        public var what: String
        public var runner: String
        public var model: String
        /// Seconds since its current run started; nil before a run exists (resolving, expanding).
        public var elapsed: TimeInterval?
    }

    public struct FailedJob: Sendable {
        public var id: String
        public var failedAt: Date?
        public var attempts: Int?
        public var model: String
        public var reason: String
    }

    public struct RecentRun: Sendable {
        public var id: Int64
        public var note: String
        public var model: String
        public var runner: String
        public var status: String
        public var startedAt: String
        public var decisions: [(gate: String, decision: String)]
        public var failureReason: String?
    }

    public var takenAt: Date
    public var spool: String
    public var worker: WorkerIdentity
    /// Every worker alive on the spool (its registration in `workers/`), the serving one too.
    public var workers: [WorkerRegistration]
    public var counts: [(state: String, jobs: Int)]
    public var oldestReadyAge: TimeInterval?
    public var pausedUntil: Date?
    public var running: [RunningJob]
    public var failed: [FailedJob]
    public var recentRuns: [RecentRun]
    public var tokensToday: UsageRow?
    /// Per partition, the current reviews whose decision asks for work (`revq findings`).
    public var findings: [(partition: String, decisions: [Decision: Int])]

    /// How many failed jobs and recent runs the page lists.
    static let listLength = 10

    public init(spool: Spool, store: ReviewStore, worker: WorkerIdentity, todayStartsAt: Date, now: Date = Date()) throws {
        takenAt = now
        self.spool = spool.root
        self.worker = worker
        workers = try spool.liveWorkers()
        let counts = try spool.counts()
        self.counts = JobState.allCases.map { ($0.rawValue, counts[$0] ?? 0) }
        oldestReadyAge = try spool.oldestReady().map { max(0, now.timeIntervalSince($0.submittedAt)) }
        pausedUntil = spool.pausedUntil(now: now)
        let starts = try store.runningRunStarts()
        running = try spool.records(in: .active).map { record in
            let started = record.job.flatMap { starts[$0.id.rawValue] }.flatMap(Timestamp.parse)
            return RunningJob(
                id: record.job?.id.rawValue ?? record.name, what: record.job.map(Self.describe) ?? record.name,
                runner: record.job?.runner ?? "", model: record.job?.model ?? "", elapsed: started.map { now.timeIntervalSince($0) })
        }
        failed = try Self.newestFailed(spool)
        recentRuns = try store.runs(limit: Self.listLength).map { run in
            RecentRun(
                id: run.id, note: run.notePath, model: run.modelId, runner: run.runner, status: run.status.rawValue,
                startedAt: run.startedAt,
                decisions: try store.gateReviews(run: run.id).map { ($0.gateId, $0.decision.rawValue) },
                failureReason: run.failureReason)
        }
        tokensToday = try UsageReport.load(store: store, since: todayStartsAt, until: nil, by: .runner, prices: [:]).total
        findings = try store.acceptedPartitions(limit: Self.listLength).map { partition in
            let reviews = try store.currentReviews(modelId: partition, decisions: Self.findingDecisions)
            return (partition, Dictionary(grouping: reviews, by: \.decision).mapValues(\.count))
        }
    }

    /// The decisions `revq findings` lists.
    static let findingDecisions: Set<Decision> = [.warn, .fail, .error]

    /// The most recently failed jobs; only the newest ids are read, since ids are time-ordered.
    static func newestFailed(_ spool: Spool) throws -> [FailedJob] {
        let names = try spool.names(in: .failed).suffix(listLength * 5)
        let records = names.compactMap { try? spool.record($0, in: .failed) }
        return records.map { record in
            FailedJob(
                id: record.job?.id.rawValue ?? record.name, failedAt: record.failure?.failedAt, attempts: record.failure?.attempts,
                model: record.job?.model ?? "", reason: record.failure?.reason ?? record.defect?.message ?? "")
        }
        .sorted { ($0.failedAt ?? .distantPast, $0.id) > ($1.failedAt ?? .distantPast, $1.id) }
        .prefix(listLength).map { $0 }
    }

    /// A review's note and gates, a sweep's gate and selection.
    static func describe(_ job: Job) -> String {
        switch job.work {
        case .review(let note, let gates): "review \(note) [\(gates.joined(separator: " "))]"
        case .sweep(let gate, .batch(let sweep, let notes), _): "batch of \(sweep.rawValue): \(gate) × \(notes.count) note(s)"
        case .sweep(let gate, .notes(let notes), _): "sweep \(gate) × \(notes.count) note(s)"
        case .sweep(let gate, .stale, _): "sweep \(gate) × stale notes"
        }
    }
}
