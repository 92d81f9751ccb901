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
        CREATE UNIQUE INDEX idx_gate_reviews_run_gate ON gate_reviews(review_run_id, gate_id) WHERE review_run_id IS NOT NULL;
        CREATE TABLE acceptance_events (id INTEGER PRIMARY KEY AUTOINCREMENT, note_path TEXT NOT NULL, gate_id TEXT NOT NULL,
          model_id TEXT NOT NULL, accepted_review_id INTEGER REFERENCES gate_reviews(id) ON DELETE SET NULL,
          accepted_note_sha TEXT NOT NULL, accepted_note_commit TEXT, accepted_gate_sha TEXT NOT NULL, accepted_at TEXT NOT NULL,
          acceptance_kind TEXT NOT NULL CHECK(acceptance_kind IN ('full-review','gate-migration','trivial-change-ack','migration-import','manual-override')));
        CREATE VIEW current_gate_acceptances AS SELECT * FROM acceptance_events WHERE id IN
          (SELECT MAX(id) FROM acceptance_events GROUP BY note_path, gate_id, model_id);
        INSERT INTO review_runs VALUES (1, 'kb/notes/old.md', 'gpt-5-4-high', 'codex', 'abc', NULL, '2026-01-01T10:00:00+01:00',
          '2026-01-01T10:05:00+01:00', 'completed', NULL, NULL, NULL, NULL);
        INSERT INTO review_run_gates VALUES (1, 'prose/clarity', 'g1', 0);
        INSERT INTO gate_reviews VALUES (1, 1, 'kb/notes/old.md', 'prose/clarity', 'gpt-5-4-high', 'pass', 'ok', NULL, 'g1', 'abc',
          NULL, '2026-01-01T10:05:00+01:00', 'full-review');
        INSERT INTO acceptance_events VALUES (1, 'kb/notes/old.md', 'prose/clarity', 'gpt-5-4-high', 1, 'abc', NULL, 'g1',
          '2026-01-01T10:05:00+01:00', 'full-review');
        """

    static let tableDefinitions = """
        SELECT name || ':' || sql FROM sqlite_master
        WHERE name IN ('review_runs','review_run_gates','gate_reviews','acceptance_events','current_gate_acceptances') ORDER BY name
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
        #expect(after == before, "the original tables and view must not change")
        let current = try Command.run(
            "/usr/bin/env", ["sqlite3", path, "SELECT note_path, gate_id FROM current_gate_acceptances ORDER BY id"]
        ).stdout
        #expect(current == "kb/notes/old.md|prose/clarity\nkb/notes/b.md|prose/clarity\n")
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
