import GRDB

/// The review store's schema (SPEC §2), the original system's `review-store.sqlite`: its four
/// tables, its indexes and its two views. Every statement is `IF NOT EXISTS`, so opening a
/// store the original tools made adds only revq's own bookkeeping (`revq_job_runs` and
/// GRDB's migration table) and never changes its tables.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("review-store-v1") { db in
            try db.execute(sql: reviewStoreTables + originalIndexes + views)
        }
        migrator.registerMigration("revq-job-runs-v1") { db in
            try db.execute(sql: jobRuns)
        }
        migrator.registerMigration("review-store-v2-original-indexes-and-views") { db in
            try replaceEarlyRevqObjects(db)
        }
        migrator.registerMigration("revq-last-commit-index-v1") { db in
            try db.execute(sql: ReviewStore.lastCommitIndexTable)
        }
        return migrator
    }

    /// Brings a store made by an earlier revq to the original's shape: its own index names
    /// (which duplicated the original's) are dropped, a `current_gate_acceptances` view with
    /// other columns than the original's is made again, and what is missing is added.
    static func replaceEarlyRevqObjects(_ db: Database) throws {
        for index in [
            "gate_reviews_run_gate", "review_runs_note_model_started", "review_runs_status", "gate_reviews_note_gate_model",
            "acceptance_events_key", "acceptance_events_model_gate", "acceptance_events_review",
        ] {
            try db.execute(sql: "DROP INDEX IF EXISTS \(index)")
        }
        let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(current_gate_acceptances)").map { $0["name"] as String }
        if columns != currentAcceptanceColumns {
            try db.execute(sql: "DROP VIEW IF EXISTS stale_gate_pairs; DROP VIEW IF EXISTS current_gate_acceptances")
        }
        try db.execute(sql: originalIndexes + views)
    }

    /// The columns of `current_gate_acceptances`, in order.
    static let currentAcceptanceColumns = [
        "note_path", "gate_id", "model_id", "accepted_review_id", "accepted_note_sha", "accepted_note_commit", "accepted_gate_sha",
        "accepted_at", "acceptance_kind",
    ]

    static let reviewStoreTables = """
        CREATE TABLE IF NOT EXISTS review_runs (
            id INTEGER PRIMARY KEY,
            note_path TEXT NOT NULL,
            model_id TEXT NOT NULL,
            runner TEXT NOT NULL,
            reviewed_note_sha TEXT NOT NULL,
            reviewed_note_commit TEXT,
            started_at TEXT NOT NULL,
            completed_at TEXT,
            status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
            failure_reason TEXT,
            telemetry_json TEXT,
            raw_bundle_markdown TEXT,
            debug_log TEXT
        );
        CREATE TABLE IF NOT EXISTS review_run_gates (
            review_run_id INTEGER NOT NULL REFERENCES review_runs(id) ON DELETE CASCADE,
            gate_id TEXT NOT NULL,
            gate_sha TEXT NOT NULL,
            ordinal INTEGER NOT NULL,
            PRIMARY KEY (review_run_id, gate_id)
        );
        CREATE TABLE IF NOT EXISTS gate_reviews (
            id INTEGER PRIMARY KEY,
            review_run_id INTEGER REFERENCES review_runs(id) ON DELETE CASCADE,
            note_path TEXT NOT NULL,
            gate_id TEXT NOT NULL,
            model_id TEXT NOT NULL,
            decision TEXT NOT NULL CHECK (decision IN ('pass', 'warn', 'fail', 'error', 'unknown')),
            rationale_markdown TEXT NOT NULL,
            evidence_json TEXT,
            gate_sha TEXT NOT NULL,
            reviewed_note_sha TEXT NOT NULL,
            reviewed_note_commit TEXT,
            reviewed_at TEXT NOT NULL,
            review_kind TEXT NOT NULL CHECK (review_kind IN ('full-review', 'manual-import'))
        );
        CREATE TABLE IF NOT EXISTS acceptance_events (
            id INTEGER PRIMARY KEY,
            note_path TEXT NOT NULL,
            gate_id TEXT NOT NULL,
            model_id TEXT NOT NULL,
            accepted_review_id INTEGER REFERENCES gate_reviews(id) ON DELETE SET NULL,
            accepted_note_sha TEXT NOT NULL,
            accepted_note_commit TEXT,
            accepted_gate_sha TEXT NOT NULL,
            accepted_at TEXT NOT NULL,
            acceptance_kind TEXT NOT NULL CHECK (acceptance_kind IN
                ('full-review', 'gate-migration', 'trivial-change-ack', 'migration-import', 'manual-override'))
        );
        """

    /// The original's indexes: runs by note/model/start, a run's gates by ordinal, reviews by
    /// note/gate/model, by reviewed sha, by time, unique by run and gate, by run; acceptances
    /// by key and time, and newest by key.
    static let originalIndexes = """
        CREATE INDEX IF NOT EXISTS idx_review_runs_note_model_started ON review_runs(note_path, model_id, started_at DESC);
        CREATE INDEX IF NOT EXISTS idx_review_run_gates_run_ordinal ON review_run_gates(review_run_id, ordinal);
        CREATE INDEX IF NOT EXISTS idx_gate_reviews_note_gate_model ON gate_reviews(note_path, gate_id, model_id);
        CREATE INDEX IF NOT EXISTS idx_gate_reviews_reviewed_sha ON gate_reviews(reviewed_note_sha);
        CREATE INDEX IF NOT EXISTS idx_gate_reviews_reviewed_at ON gate_reviews(reviewed_at);
        CREATE UNIQUE INDEX IF NOT EXISTS idx_gate_reviews_review_run_gate
            ON gate_reviews(review_run_id, gate_id) WHERE review_run_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS idx_gate_reviews_review_run_id ON gate_reviews(review_run_id);
        CREATE INDEX IF NOT EXISTS idx_acceptance_events_note_gate_model
            ON acceptance_events(note_path, gate_id, model_id, accepted_at DESC);
        CREATE INDEX IF NOT EXISTS idx_acceptance_events_latest_by_key ON acceptance_events(note_path, gate_id, model_id, id DESC);

        """

    /// The newest acceptance per (note, gate, partition), and the stale selector's view of it.
    static let views = """
        CREATE VIEW IF NOT EXISTS current_gate_acceptances AS
            SELECT e.note_path, e.gate_id, e.model_id, e.accepted_review_id, e.accepted_note_sha, e.accepted_note_commit,
                e.accepted_gate_sha, e.accepted_at, e.acceptance_kind
            FROM acceptance_events AS e
            JOIN (SELECT note_path, gate_id, model_id, MAX(id) AS max_id FROM acceptance_events
                  GROUP BY note_path, gate_id, model_id) AS latest
              ON e.id = latest.max_id;
        CREATE VIEW IF NOT EXISTS stale_gate_pairs AS
            SELECT a.note_path, a.gate_id, a.model_id, a.accepted_note_sha, a.accepted_gate_sha
            FROM current_gate_acceptances AS a;
        """

    /// Queue bookkeeping, in a table of its own: which spool job (and which attempt of it)
    /// made which run.
    static let jobRuns = """
        CREATE TABLE IF NOT EXISTS revq_job_runs (
            job_id TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            review_run_id INTEGER NOT NULL REFERENCES review_runs(id) ON DELETE CASCADE,
            PRIMARY KEY (job_id, review_run_id)
        );
        CREATE INDEX IF NOT EXISTS revq_job_runs_run ON revq_job_runs(review_run_id);
        """
}
