import GRDB
import ReviewFormat

extension ReviewStore {
    public func run(_ id: Int64) throws -> RunRecord {
        guard let run = try pool.read({ try Self.fetchRun($0, id) }) else {
            throw ReviewStoreError.refused("review run not found: \(id)")
        }
        return run
    }

    /// Runs, newest first, optionally of one note and/or one status.
    public func runs(note: String? = nil, status: RunStatus? = nil, limit: Int = 1000) throws -> [RunRecord] {
        try pool.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let note {
                conditions.append("note_path = ?")
                arguments += [note]
            }
            if let status {
                conditions.append("status = ?")
                arguments += [status.rawValue]
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            arguments += [limit]
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM review_runs \(filter) ORDER BY id DESC LIMIT ?", arguments: arguments)
            return try ids.compactMap { try Self.fetchRun(db, $0) }
        }
    }

    /// The runs made for a spool job with their attempt numbers, oldest first.
    public func runs(forJob jobId: String) throws -> [(attempt: Int, run: RunRecord)] {
        try pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT attempt, review_run_id FROM revq_job_runs WHERE job_id = ? ORDER BY review_run_id", arguments: [jobId]
            ).compactMap { row in
                try Self.fetchRun(db, row["review_run_id"]).map { (row["attempt"], $0) }
            }
        }
    }

    /// The gate reviews of a run, in the run's gate order.
    public func gateReviews(run id: Int64) throws -> [GateReviewRecord] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT r.* FROM gate_reviews r LEFT JOIN review_run_gates g
                        ON g.review_run_id = r.review_run_id AND g.gate_id = r.gate_id
                    WHERE r.review_run_id = ? ORDER BY g.ordinal, r.id
                    """, arguments: [id]
            ).map(Self.gateReview)
        }
    }

    /// The acceptance events that point at reviews of a run, oldest first.
    public func acceptances(run id: Int64) throws -> [AcceptanceRecord] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT a.* FROM acceptance_events a JOIN gate_reviews r ON r.id = a.accepted_review_id
                    WHERE r.review_run_id = ? ORDER BY a.id
                    """, arguments: [id]
            ).map(Self.acceptance)
        }
    }

    static func fetchRun(_ db: Database, _ id: Int64) throws -> RunRecord? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM review_runs WHERE id = ?", arguments: [id]) else { return nil }
        let gates = try runGates(db, id)
        return RunRecord(
            id: row["id"], notePath: row["note_path"], modelId: row["model_id"], runner: row["runner"],
            reviewedNoteSha: row["reviewed_note_sha"], reviewedNoteCommit: row["reviewed_note_commit"],
            startedAt: row["started_at"], completedAt: row["completed_at"],
            status: RunStatus(rawValue: row["status"]) ?? .failed, failureReason: row["failure_reason"],
            telemetryJSON: row["telemetry_json"], rawBundleMarkdown: row["raw_bundle_markdown"], debugLog: row["debug_log"],
            gates: gates)
    }

    /// A run's requested gates, in order.
    static func runGates(_ db: Database, _ id: Int64) throws -> [RunGate] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT gate_id, gate_sha, ordinal FROM review_run_gates WHERE review_run_id = ? ORDER BY ordinal"),
            arguments: [id]
        ).map { RunGate(gateId: $0["gate_id"], gateSha: $0["gate_sha"], ordinal: $0["ordinal"]) }
    }

    static func gateReview(_ row: Row) -> GateReviewRecord {
        GateReviewRecord(
            id: row["id"], reviewRunId: row["review_run_id"], notePath: row["note_path"], gateId: row["gate_id"],
            modelId: row["model_id"], decision: Decision(rawValue: row["decision"]) ?? .unknown,
            rationaleMarkdown: row["rationale_markdown"], evidenceJSON: row["evidence_json"], gateSha: row["gate_sha"],
            reviewedNoteSha: row["reviewed_note_sha"], reviewedNoteCommit: row["reviewed_note_commit"],
            reviewedAt: row["reviewed_at"], reviewKind: row["review_kind"])
    }

    static func acceptance(_ row: Row) -> AcceptanceRecord {
        AcceptanceRecord(
            id: row["id"], notePath: row["note_path"], gateId: row["gate_id"], modelId: row["model_id"],
            acceptedReviewId: row["accepted_review_id"], acceptedNoteSha: row["accepted_note_sha"],
            acceptedNoteCommit: row["accepted_note_commit"], acceptedGateSha: row["accepted_gate_sha"],
            acceptedAt: row["accepted_at"], acceptanceKind: row["acceptance_kind"])
    }
}
