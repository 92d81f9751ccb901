import GRDB

/// The review store's schema (SPEC §2), compatible with the original system's
/// `review-store.sqlite`: every statement is `IF NOT EXISTS`, so opening an existing store
/// adds only what it lacks (indexes, and GRDB's own migration table) and never changes
/// its four tables.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("review-store-v1") { db in
            try db.execute(sql: reviewStoreTables)
            try db.execute(sql: readerIndexes)
        }
        migrator.registerMigration("revq-job-runs-v1") { db in
            try db.execute(sql: jobRuns)
        }
        migrator.registerMigration("revq-last-commit-index-v1") { db in
            try db.execute(sql: ReviewStore.lastCommitIndexTable)
        }
        return migrator
    }

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
        CREATE UNIQUE INDEX IF NOT EXISTS gate_reviews_run_gate
            ON gate_reviews(review_run_id, gate_id) WHERE review_run_id IS NOT NULL;
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
        CREATE VIEW IF NOT EXISTS current_gate_acceptances AS
            SELECT a.* FROM acceptance_events a
            WHERE a.id = (SELECT MAX(b.id) FROM acceptance_events b
                          WHERE b.note_path = a.note_path AND b.gate_id = a.gate_id AND b.model_id = a.model_id);
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

    /// The lookups readers make: runs by note/model/start, reviews by note/gate/model,
    /// the newest acceptance by key.
    static let readerIndexes = """
        CREATE INDEX IF NOT EXISTS review_runs_note_model_started ON review_runs(note_path, model_id, started_at);
        CREATE INDEX IF NOT EXISTS review_runs_status ON review_runs(status);
        CREATE INDEX IF NOT EXISTS gate_reviews_note_gate_model ON gate_reviews(note_path, gate_id, model_id);
        CREATE INDEX IF NOT EXISTS acceptance_events_key ON acceptance_events(note_path, gate_id, model_id, id);
        CREATE INDEX IF NOT EXISTS acceptance_events_model_gate ON acceptance_events(model_id, gate_id);
        CREATE INDEX IF NOT EXISTS acceptance_events_review ON acceptance_events(accepted_review_id);
        """
}
