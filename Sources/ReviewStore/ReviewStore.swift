public import Foundation
import Dispatch
import GRDB
import ReviewFormat
import RevqTime

/// The SQLite review store and the four lifecycle functions that are the only code that
/// changes a run: ``createRun(_:)``, ``attachExecutionData(run:_:)``,
/// ``recordAndFinalizeRun(run:reviews:actualModelId:)`` and ``failRun(run:reason:executionData:)``.
///
/// Every connection has foreign keys on and waits out a busy database up to the busy
/// timeout, so the CLI and a worker can write at the same time. A run that reached
/// `completed` or `failed` never changes again.
public final class ReviewStore: Sendable {
    let pool: DatabasePool

    /// The store file's identity when it was opened: a file put in its place (or its removal)
    /// is noticed by ``checkIdentity()`` before a worker writes into the old, unlinked file.
    let identity: FileIdentity
    public let path: String
    let busyTimeout: TimeInterval

    /// Opens the store at `path`, creating it and its parent directory when missing, and
    /// brings its schema up to date. Commits are durable (`synchronous=FULL` in WAL mode): a
    /// commit is on disk when the write returns, before anything that depends on it happens.
    ///
    /// Any number of processes may open one fresh store at once: the first-time setup (WAL
    /// mode, schema) runs under an exclusive `flock` of the store's directory (see ``StoreFile``). A store in a group-writable directory is created
    /// group-writable, and SQLite gives its WAL the same mode.
    public init(path: String, busyTimeout: TimeInterval = 10) throws {
        var configuration = GRDB.Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeout)
        configuration.journalMode = .wal
        self.path = path
        self.busyTimeout = busyTimeout
        do {
            let setup = try StoreFile.lockForSetup(path)
            defer { setup.unlock() }
            pool = try DatabasePool(path: path, configuration: configuration)
            guard let opened = StoreFile.identity(at: path) else { throw StoreFile.SetupError(reason: "the file vanished while opening") }
            identity = opened
            // GRDB sets `synchronous=NORMAL` for WAL, where a commit is durable only at the next
            // checkpoint. Only the writer connection writes, so only it needs FULL.
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            // Only a store that lacks something is written to: opening an up-to-date store
            // while another process holds the write lock must not wait for it.
            let migrator = Schema.migrator
            if try !pool.read(migrator.hasCompletedMigrations) { try migrator.migrate(pool) }
        } catch let error as DatabaseError {
            throw ReviewStoreError("cannot open review store \(path): \(error.message ?? error.description)", isRefusal: false)
        } catch let error as StoreFile.SetupError {
            throw ReviewStoreError("cannot open review store \(path): \(error.reason)", isRefusal: false)
        }
    }

    /// The writer connection's `PRAGMA synchronous` (2 = FULL).
    public func synchronousSetting() throws -> Int {
        try pool.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// Runs `body` with this store on a dispatch thread, off the Swift concurrency pool: a store
    /// call may wait out the whole busy timeout, and must not hold a pool thread meanwhile.
    public func perform<T: Sendable>(_ body: @escaping @Sendable (ReviewStore) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Self.callQueue.async { continuation.resume(with: Result { try body(self) }) }
        }
    }

    private static let callQueue = DispatchQueue(label: "revq.review-store", attributes: .concurrent)

    // MARK: Lifecycle

    /// Inserts a `running` run and its requested gate set in one transaction; returns its id.
    /// A run made for a spool job is linked to the job and attempt in the same transaction.
    public func createRun(_ request: NewRun, startedAt: Date = Date(), job: JobAttempt? = nil) throws -> Int64 {
        try createRuns([request], startedAt: startedAt, job: job)[0]
    }

    /// Inserts several runs with one shared `started_at` in one transaction (a sweep batch).
    public func createRuns(_ requests: [NewRun], startedAt: Date = Date(), job: JobAttempt? = nil) throws -> [Int64] {
        guard !requests.contains(where: \.gates.isEmpty) else { throw ReviewStoreError.refused("a review run needs at least one gate") }
        let started = Timestamp.format(startedAt)
        return try pool.write { db in
            try requests.map { request in
                try db.cachedStatement(
                    sql: """
                        INSERT INTO review_runs (note_path, model_id, runner, reviewed_note_sha, reviewed_note_commit, started_at, status)
                        VALUES (?, ?, ?, ?, ?, ?, 'running')
                        """
                ).execute(arguments: [request.notePath, request.modelId, request.runner, request.noteSha, request.noteCommit, started])
                let id = db.lastInsertedRowID
                let insertGate = try db.cachedStatement(
                    sql: "INSERT INTO review_run_gates (review_run_id, gate_id, gate_sha, ordinal) VALUES (?, ?, ?, ?)")
                for (ordinal, gate) in request.gates.enumerated() {
                    try insertGate.execute(arguments: [id, gate.id, gate.sha, ordinal])
                }
                if let job {
                    try db.cachedStatement(sql: "INSERT INTO revq_job_runs (job_id, attempt, review_run_id) VALUES (?, ?, ?)")
                        .execute(arguments: [job.jobId, job.attempt, id])
                }
                return id
            }
        }
    }

    /// Stores execution data of a running run; nil fields keep what is there.
    public func attachExecutionData(run id: Int64, _ data: ExecutionData) throws {
        try pool.write { db in
            _ = try Self.writableRun(db, id)
            try Self.store(data, run: id, db)
        }
    }

    /// Records one gate review of a running run (the split path's `write-gate`). The review
    /// copies note path, note sha/commit and `model_id` from the run and `gate_sha` from the
    /// run's gate row. Refused for a gate outside the run's set or already reviewed.
    @discardableResult
    public func recordGateReview(run id: Int64, _ review: GateReviewInput) throws -> Int64 {
        try pool.write { db in
            try Self.insert(review, into: try Self.writableRun(db, id), db)
        }
    }

    /// Completes a run in one transaction: stores `executionData` (as ``attachExecutionData(run:_:)``
    /// would), inserts `reviews`, moves the run and its reviews to `actualModelId` when that
    /// differs, checks that every requested gate has exactly one review with the run's gate sha
    /// and none falls outside the set, marks the run `completed`, and appends one `full-review`
    /// acceptance per requested gate. A worker passes the runner's output here, so that a
    /// finished review costs one write transaction after ``createRun(_:startedAt:job:)``.
    ///
    /// If any step fails, nothing of this call stays and the run is failed with the reason
    /// (keeping `executionData`, so a failed run still shows what the runner said), which is
    /// then thrown. A run that is not `running` is refused and left alone; a fault of the store
    /// itself (``StoreFault``) is thrown as it is and leaves the run alone too.
    @discardableResult
    public func recordAndFinalizeRun(
        run id: Int64, reviews: [GateReviewInput] = [], actualModelId: String? = nil, executionData: ExecutionData? = nil,
        at date: Date = Date()
    ) throws -> FinalizedRun {
        do {
            return try pool.write { db in
                var run: WritableRun
                do {
                    run = try Self.runningRun(db, id, refusal: "review run is not finalizable")
                } catch {
                    throw RunStateRefusal(underlying: error)
                }
                if let executionData { try Self.store(executionData, run: id, db) }
                for review in reviews { _ = try Self.insert(review, into: run, db) }
                if let actual = actualModelId?.trimmingCharacters(in: .whitespaces), !actual.isEmpty, actual != run.modelId {
                    try db.cachedStatement(sql: "UPDATE review_runs SET model_id = ? WHERE id = ?").execute(arguments: [actual, id])
                    try db.cachedStatement(sql: "UPDATE gate_reviews SET model_id = ? WHERE review_run_id = ?")
                        .execute(arguments: [actual, id])
                    run.modelId = actual
                }
                let reviewIds = try Self.checkCoverage(run, db)
                let completedAt = Timestamp.format(date)
                try db.cachedStatement(sql: "UPDATE review_runs SET status = 'completed', completed_at = ? WHERE id = ?")
                    .execute(arguments: [completedAt, id])
                let accept = try db.cachedStatement(
                    sql: """
                        INSERT INTO acceptance_events (note_path, gate_id, model_id, accepted_review_id, accepted_note_sha,
                            accepted_note_commit, accepted_gate_sha, accepted_at, acceptance_kind)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'full-review')
                        """)
                for gate in run.gates {
                    try accept.execute(arguments: [
                        run.notePath, gate.gateId, run.modelId, reviewIds[gate.gateId], run.reviewedNoteSha,
                        run.reviewedNoteCommit, gate.gateSha, completedAt,
                    ])
                }
                return FinalizedRun(id: id, notePath: run.notePath, modelId: run.modelId, completedAt: completedAt)
            }
        } catch let refusal as RunStateRefusal {
            throw refusal.underlying
        } catch {
            // A busy, full or broken store is not the run's fault: the caller decides (a worker
            // puts the job back), and the run stays `running` until it is failed or retried.
            if StoreFault.classify(error) != nil { throw error }
            let reason = Self.reason(for: error)
            try? failRun(run: id, reason: reason, executionData: executionData)
            throw ReviewStoreError(reason, isRefusal: false)
        }
    }

    /// Marks a running run `failed` with its reason and any execution data given.
    public func failRun(run id: Int64, reason: String, executionData: ExecutionData? = nil, at date: Date = Date()) throws {
        try pool.write { db in
            _ = try Self.writableRun(db, id)
            if let executionData { try Self.store(executionData, run: id, db) }
            try db.cachedStatement(sql: "UPDATE review_runs SET status = 'failed', completed_at = ?, failure_reason = ? WHERE id = ?")
                .execute(arguments: [Timestamp.format(date), reason, id])
        }
    }

    // MARK: Steps inside a write

    /// The run itself cannot be finalized (unknown, or no longer running): such a refusal
    /// leaves the run alone instead of failing it.
    struct RunStateRefusal: Error {
        let underlying: any Error
    }

    /// What a write into a run needs of it: its provenance and gate set, not its stored output.
    struct WritableRun {
        let id: Int64
        let notePath: String
        var modelId: String
        let reviewedNoteSha: String
        let reviewedNoteCommit: String?
        let gates: [RunGate]
    }

    static func writableRun(_ db: Database, _ id: Int64) throws -> WritableRun {
        try runningRun(db, id, refusal: "review run is not writable")
    }

    static func runningRun(_ db: Database, _ id: Int64, refusal: String) throws -> WritableRun {
        let header = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT note_path, model_id, reviewed_note_sha, reviewed_note_commit, status FROM review_runs WHERE id = ?"),
            arguments: [id])
        guard let header else { throw ReviewStoreError.refused("review run not found: \(id)") }
        let status: String = header["status"]
        guard status == RunStatus.running.rawValue else { throw ReviewStoreError.refused("\(refusal): \(status)") }
        return WritableRun(
            id: id, notePath: header["note_path"], modelId: header["model_id"], reviewedNoteSha: header["reviewed_note_sha"],
            reviewedNoteCommit: header["reviewed_note_commit"], gates: try runGates(db, id))
    }

    static func store(_ data: ExecutionData, run id: Int64, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                UPDATE review_runs SET telemetry_json = COALESCE(?, telemetry_json),
                    raw_bundle_markdown = COALESCE(?, raw_bundle_markdown), debug_log = COALESCE(?, debug_log)
                WHERE id = ?
                """
        ).execute(arguments: [data.telemetryJSON, data.rawBundleMarkdown, data.debugLog, id])
    }

    static func insert(_ review: GateReviewInput, into run: WritableRun, _ db: Database) throws -> Int64 {
        guard let gate = run.gates.first(where: { $0.gateId == review.gateId }) else {
            throw ReviewStoreError.refused("gate \(review.gateId) is not part of review run \(run.id)")
        }
        let existing = try Int.fetchOne(
            db.cachedStatement(sql: "SELECT COUNT(*) FROM gate_reviews WHERE review_run_id = ? AND gate_id = ?"),
            arguments: [run.id, review.gateId])
        guard existing == 0 else {
            throw ReviewStoreError.refused("gate review already recorded for review run \(run.id): \(review.gateId)")
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO gate_reviews (review_run_id, note_path, gate_id, model_id, decision, rationale_markdown, evidence_json,
                    gate_sha, reviewed_note_sha, reviewed_note_commit, reviewed_at, review_kind)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'full-review')
                """
        ).execute(arguments: [
            run.id, run.notePath, review.gateId, run.modelId, review.decision.rawValue, review.rationaleMarkdown,
            review.evidenceJSON, gate.gateSha, run.reviewedNoteSha, run.reviewedNoteCommit, Timestamp.format(Date()),
        ])
        return db.lastInsertedRowID
    }

    /// The review id of each requested gate, or an error naming what is missing or wrong.
    static func checkCoverage(_ run: WritableRun, _ db: Database) throws -> [String: Int64] {
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT id, gate_id, gate_sha FROM gate_reviews WHERE review_run_id = ?"), arguments: [run.id])
        var reviews: [String: (id: Int64, sha: String)] = [:]
        for row in rows { reviews[row["gate_id"]] = (row["id"], row["gate_sha"]) }
        let requested = Set(run.gates.map(\.gateId))
        let missing = run.gates.map(\.gateId).filter { reviews[$0] == nil }.sorted()
        if !missing.isEmpty { throw ReviewStoreError("missing gates: \(missing.joined(separator: ", "))", isRefusal: false) }
        let unexpected = reviews.keys.filter { !requested.contains($0) }.sorted()
        if !unexpected.isEmpty {
            throw ReviewStoreError("unexpected gate reviews: \(unexpected.joined(separator: ", "))", isRefusal: false)
        }
        let mismatched = run.gates.filter { reviews[$0.gateId]?.sha != $0.gateSha }.map(\.gateId).sorted()
        if !mismatched.isEmpty {
            throw ReviewStoreError("gate provenance mismatch: \(mismatched.joined(separator: ", "))", isRefusal: false)
        }
        return reviews.mapValues(\.id)
    }

    /// The failure reason recorded for an error: its message without SQLite's decoration.
    static func reason(for error: any Error) -> String {
        switch error {
        case let error as ReviewStoreError: error.message
        case let error as DatabaseError: error.message ?? error.description
        default: String(describing: error)
        }
    }
}
