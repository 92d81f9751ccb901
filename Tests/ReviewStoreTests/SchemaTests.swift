import Foundation
import ReviewFlow
import ReviewFormat
import ReviewStore
import TestSupport
import Testing

@Suite struct SchemaTests {
    /// The four tables as the original tools create them (SPEC §2), written independently
    /// of revq's own DDL, with a run already in it.
    static let originalSchema = """
        PRAGMA journal_mode=WAL;
        CREATE TABLE review_runs (id INTEGER PRIMARY KEY AUTOINCREMENT, note_path TEXT NOT NULL, model_id TEXT NOT NULL,
          runner TEXT NOT NULL, reviewed_note_sha TEXT NOT NULL, reviewed_note_commit TEXT, started_at TEXT NOT NULL,
          completed_at TEXT, status TEXT NOT NULL CHECK(status IN ('running','completed','failed')), failure_reason TEXT,
          telemetry_json TEXT, raw_bundle_markdown TEXT, debug_log TEXT);
        CREATE TABLE review_run_gates (review_run_id INTEGER NOT NULL REFERENCES review_runs(id) ON DELETE CASCADE,
          gate_id TEXT NOT NULL, gate_sha TEXT NOT NULL, ordinal INTEGER NOT NULL, PRIMARY KEY(review_run_id, gate_id));
        CREATE TABLE gate_reviews (id INTEGER PRIMARY KEY AUTOINCREMENT, review_run_id INTEGER REFERENCES review_runs(id) ON DELETE CASCADE,
          note_path TEXT NOT NULL, gate_id TEXT NOT NULL, model_id TEXT NOT NULL,
          decision TEXT NOT NULL CHECK(decision IN ('pass','warn','fail','error','unknown')), rationale_markdown TEXT NOT NULL,
          evidence_json TEXT, gate_sha TEXT NOT NULL, reviewed_note_sha TEXT NOT NULL, reviewed_note_commit TEXT,
          reviewed_at TEXT NOT NULL, review_kind TEXT NOT NULL CHECK(review_kind IN ('full-review','manual-import')));
        CREATE TABLE acceptance_events (id INTEGER PRIMARY KEY AUTOINCREMENT, note_path TEXT NOT NULL, gate_id TEXT NOT NULL,
          model_id TEXT NOT NULL, accepted_review_id INTEGER REFERENCES gate_reviews(id) ON DELETE SET NULL,
          accepted_note_sha TEXT NOT NULL, accepted_note_commit TEXT, accepted_gate_sha TEXT NOT NULL, accepted_at TEXT NOT NULL,
          acceptance_kind TEXT NOT NULL CHECK(acceptance_kind IN ('full-review','gate-migration','trivial-change-ack','migration-import','manual-override')));
        CREATE INDEX idx_review_runs_note_model_started ON review_runs(note_path, model_id, started_at DESC);
        CREATE INDEX idx_review_run_gates_run_ordinal ON review_run_gates(review_run_id, ordinal);
        CREATE INDEX idx_gate_reviews_note_gate_model ON gate_reviews(note_path, gate_id, model_id);
        CREATE INDEX idx_gate_reviews_reviewed_sha ON gate_reviews(reviewed_note_sha);
        CREATE INDEX idx_gate_reviews_reviewed_at ON gate_reviews(reviewed_at);
        CREATE UNIQUE INDEX idx_gate_reviews_review_run_gate ON gate_reviews(review_run_id, gate_id) WHERE review_run_id IS NOT NULL;
        CREATE INDEX idx_gate_reviews_review_run_id ON gate_reviews(review_run_id);
        CREATE INDEX idx_acceptance_events_note_gate_model ON acceptance_events(note_path, gate_id, model_id, accepted_at DESC);
        CREATE INDEX idx_acceptance_events_latest_by_key ON acceptance_events(note_path, gate_id, model_id, id DESC);
        CREATE VIEW current_gate_acceptances AS SELECT e.note_path, e.gate_id, e.model_id, e.accepted_review_id,
          e.accepted_note_sha, e.accepted_note_commit, e.accepted_gate_sha, e.accepted_at, e.acceptance_kind
          FROM acceptance_events e JOIN (SELECT MAX(id) AS max_id FROM acceptance_events GROUP BY note_path, gate_id, model_id) l
          ON e.id = l.max_id;
        CREATE VIEW stale_gate_pairs AS SELECT note_path, gate_id, model_id, accepted_note_sha, accepted_gate_sha
          FROM current_gate_acceptances;
        INSERT INTO review_runs VALUES (1, 'kb/notes/old.md', 'gpt-5-4-high', 'codex', 'abc', NULL, '2026-01-01T10:00:00+01:00',
          '2026-01-01T10:05:00+01:00', 'completed', NULL, NULL, NULL, NULL);
        INSERT INTO review_run_gates VALUES (1, 'prose/clarity', 'g1', 0);
        INSERT INTO gate_reviews VALUES (1, 1, 'kb/notes/old.md', 'prose/clarity', 'gpt-5-4-high', 'pass', 'ok', NULL, 'g1', 'abc',
          NULL, '2026-01-01T10:05:00+01:00', 'full-review');
        INSERT INTO acceptance_events VALUES (1, 'kb/notes/old.md', 'prose/clarity', 'gpt-5-4-high', 1, 'abc', NULL, 'g1',
          '2026-01-01T10:05:00+01:00', 'full-review');
        """

    static let tableDefinitions = """
        SELECT name || ':' || replace(sql, char(10), ' ') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name
        """

    @Test func anOriginalStoreIsUsedAsItIs() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let path = sample.root.appendingPathComponent("kb/reports/review-store.sqlite").path
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let created = try Command.run("/usr/bin/env", ["sqlite3", path, Self.originalSchema])
        #expect(created.status == 0, "\(created.stderr)")
        let before = try Command.run("/usr/bin/env", ["sqlite3", path, Self.tableDefinitions]).stdout

        let store = try ReviewStore(path: path)
        let review = try ResolvedReview(kb: sample.kb, notePath: SampleKB.noteB, gateArguments: [SampleKB.clarity])
        let id = try store.createRun(review.newRun(model: "gpt-5-4-high", runner: "codex"))
        #expect(id == 2)
        _ = try SplitReview.writeGate(store: store, run: id, gateId: SampleKB.clarity, text: "## Result: WARN")
        let run = try SplitReview.finalize(store: store, kb: sample.kb, run: id, actualModelId: nil)
        #expect(run.status == .completed)
        #expect(try store.run(1).notePath == "kb/notes/old.md")

        let after = try Command.run("/usr/bin/env", ["sqlite3", path, Self.tableDefinitions]).stdout
        let added = after.split(separator: "\n").filter { !before.split(separator: "\n").contains($0) }.map { $0.prefix { $0 != ":" } }
        #expect(
            added == ["grdb_migrations", "revq_job_runs", "revq_job_runs_run", "revq_last_commit_index"], "only revq's bookkeeping is added")
        #expect(before.split(separator: "\n").allSatisfy { after.split(separator: "\n").contains($0) }, "the original's objects stay")
        let current = try Command.run(
            "/usr/bin/env", ["sqlite3", path, "SELECT note_path, gate_id FROM current_gate_acceptances ORDER BY accepted_at, note_path"]
        ).stdout
        #expect(current == "kb/notes/old.md|prose/clarity\nkb/notes/b.md|prose/clarity\n")
    }

    /// A store made by revq before the original's indexes and views were adopted: its own
    /// index names and its `SELECT a.*` view.
    static let earlyRevqObjects = """
        DROP VIEW stale_gate_pairs; DROP VIEW current_gate_acceptances;
        CREATE VIEW current_gate_acceptances AS SELECT a.* FROM acceptance_events a WHERE a.id = (SELECT MAX(b.id)
          FROM acceptance_events b WHERE b.note_path = a.note_path AND b.gate_id = a.gate_id AND b.model_id = a.model_id);
        CREATE INDEX review_runs_note_model_started ON review_runs(note_path, model_id, started_at);
        CREATE INDEX gate_reviews_note_gate_model ON gate_reviews(note_path, gate_id, model_id);
        CREATE INDEX acceptance_events_key ON acceptance_events(note_path, gate_id, model_id, id);
        CREATE UNIQUE INDEX gate_reviews_run_gate ON gate_reviews(review_run_id, gate_id) WHERE review_run_id IS NOT NULL;
        DELETE FROM grdb_migrations WHERE identifier LIKE 'review-store-v2%';
        """

    @Test func aStoreFromAnEarlierRevqGetsTheOriginalViewsAndIndexes() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        try f.sqlite(Self.earlyRevqObjects)
        _ = try ReviewStore(path: f.storePath)
        #expect(
            try f.sqlite("SELECT name FROM pragma_table_info('current_gate_acceptances')").split(separator: "\n") == [
                "note_path", "gate_id", "model_id", "accepted_review_id", "accepted_note_sha", "accepted_note_commit",
                "accepted_gate_sha", "accepted_at", "acceptance_kind",
            ])
        #expect(
            try f.sqlite("SELECT name FROM pragma_table_info('stale_gate_pairs')").split(separator: "\n") == [
                "note_path", "gate_id", "model_id", "accepted_note_sha", "accepted_gate_sha",
            ])
        let indexes = try f.sqlite("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
        #expect(
            indexes.split(separator: "\n") == [
                "idx_acceptance_events_latest_by_key", "idx_acceptance_events_note_gate_model", "idx_gate_reviews_note_gate_model",
                "idx_gate_reviews_review_run_gate", "idx_gate_reviews_review_run_id", "idx_gate_reviews_reviewed_at",
                "idx_gate_reviews_reviewed_sha", "idx_review_run_gates_run_ordinal", "idx_review_runs_note_model_started",
                "revq_job_runs_run",
            ])
    }

    @Test func noTwoIndexesCoverTheSameColumns() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        let keys = try f.sqlite(
            """
            SELECT m.tbl_name || '(' || group_concat(i.name || ' ' || i.desc, ',') || ')' FROM sqlite_master m,
              pragma_index_xinfo(m.name) i WHERE m.type = 'index' AND i.key = 1 GROUP BY m.name
            """
        ).split(separator: "\n")
        #expect(Set(keys).count == keys.count, "duplicated: \(keys)")
    }

    @Test func everyConnectionHasForeignKeysWALAndABusyTimeout() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        #expect(try f.sqlite("PRAGMA journal_mode") == "wal")
        // A run's gates go with it: the cascade needs foreign keys on the deleting connection.
        let id = try f.createRun()
        try f.sqlite("PRAGMA foreign_keys=ON; DELETE FROM review_runs WHERE id = \(id)")
        #expect(try f.scalar("SELECT COUNT(*) FROM review_run_gates") == 0)
        // revq's own connections refuse a dangling gate row.
        #expect(throws: (any Error).self) {
            try f.store.createRun(NewRun(notePath: "x", modelId: "m", runner: "r", noteSha: "s", noteCommit: nil, gates: []))
        }
    }

    @Test func twoStoresOnOneFileWriteTogether() async throws {
        let f = try StoreFixture()
        defer { f.remove() }
        let other = try ReviewStore(path: f.storePath)
        let review = try ResolvedReview(kb: f.kb, notePath: SampleKB.noteB, gateArguments: [SampleKB.residue])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for store in [f.store, other] {
                group.addTask {
                    for _ in 0..<50 {
                        let id = try store.createRun(review.newRun(model: "m", runner: "codex"))
                        try store.recordAndFinalizeRun(
                            run: id, reviews: [GateReviewInput(gateId: SampleKB.residue, decision: .pass, rationaleMarkdown: "ok")])
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try f.scalar("SELECT COUNT(*) FROM review_runs WHERE status = 'completed'") == 100)
        #expect(try f.scalar("SELECT COUNT(*) FROM acceptance_events") == 100)
    }
}
