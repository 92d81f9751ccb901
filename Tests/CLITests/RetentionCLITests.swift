import Foundation
import GRDB
import TestSupport
import Testing

/// `revq spool purge --retention`: what the daily timer removes, per the config's `retention:`.
@Suite struct RetentionCLITests {
    static let longAgo = Date(timeIntervalSince1970: 1_577_836_800)  // 2020-01-01

    /// Sets the modification time of `path` and of the entries directly in it to `date`.
    func age(_ path: URL, to date: Date) throws {
        let files = FileManager.default
        for entry in (try? files.contentsOfDirectory(atPath: path.path)) ?? [] {
            try files.setAttributes([.modificationDate: date], ofItemAtPath: path.appendingPathComponent(entry).path)
        }
        try files.setAttributes([.modificationDate: date], ofItemAtPath: path.path)
    }

    /// A completed split-path run of `prose/clarity` on `note`; its id.
    func reviewedRun(_ sample: SampleKB, _ note: String) throws -> Int64 {
        let created = try sample.revqJSON(["run", "create", note, SampleKB.clarity, "--runner", "codex", "--model", "m"])
        let id = try #require((created as? [String: Any])?["run_id"] as? Int)
        let written = try RevqBinary.run(
            ["run", "write-gate", "--run", "\(id)", "--gate", SampleKB.clarity, "--input-file", "-"], in: sample.root,
            stdin: "Clear.\nVerdict: PASS\n")
        #expect(written.status == 0, "\(written.stderr)")
        #expect(try sample.revq(["run", "finalize", "--run", "\(id)"]).status == 0)
        return Int64(id)
    }

    @Test func thePurgeRemovesWhatIsOlderThanTheConfigSaysAndKeepsWhatIsCurrent() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let superseded = try reviewedRun(sample, SampleKB.noteA)
        let current = try reviewedRun(sample, SampleKB.noteA)
        let created = try sample.revqJSON(["run", "create", SampleKB.noteB, SampleKB.clarity, "--runner", "codex", "--model", "m"])
        let failed = try #require((created as? [String: Any])?["run_id"] as? Int)
        #expect(try sample.revq(["run", "finalize", "--run", "\(failed)"]).status == 1, "no gate written: the run fails")
        let store = try DatabaseQueue(path: sample.root.appendingPathComponent("kb/reports/review-store.sqlite").path)
        try store.write {
            try $0.execute(sql: "UPDATE review_runs SET started_at = '2020-01-01T00:00:00+00:00', completed_at = '2020-01-01T00:00:10+00:00'")
        }

        let spool = sample.root.appendingPathComponent("kb/reports/spool")
        for name in ["done/old.json", "done/recent.json", "failed/old.json", "failed/old.error.json", "failed/recent.json"] {
            try sample.write("kb/reports/spool/\(name)", "{}")
        }
        for name in ["done/old.json", "failed/old.json", "failed/old.error.json"] {
            try age(spool.appendingPathComponent(name), to: Self.longAgo)
        }
        let artifacts = sample.root.appendingPathComponent("kb/reports/bundle-reviews")
        try sample.write("kb/reports/bundle-reviews/sweep-b1-attempt-1/bundle-output.md", "old sweep\n")
        for name in ["review-run-\(superseded)", "sweep-b1-attempt-1"] { try age(artifacts.appendingPathComponent(name), to: Self.longAgo) }
        try sample.write("revq.yaml", "retention:\n  store_days: 30\n")

        func listing() throws -> [String] {
            try ["done", "failed"].flatMap { state in
                try FileManager.default.contentsOfDirectory(atPath: spool.appendingPathComponent(state).path).map { "\(state)/\($0)" }
            }.sorted()
                + (try FileManager.default.contentsOfDirectory(atPath: artifacts.path)).sorted()
                + (try store.read { try Int64.fetchAll($0, sql: "SELECT id FROM review_runs ORDER BY id") }).map { "run \($0)" }
        }
        let before = try listing()
        let dry = try sample.revq(["spool", "purge", "--retention", "--dry-run", "--config", "revq.yaml"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(
            dry.stdout == """
                done/: would remove 1 older than 14 days
                failed/: would remove 1 older than 30 days
                artifacts: would remove 2 directories older than 30 days
                store: would remove 2 superseded runs ended more than 30 days ago

                """)
        #expect(try listing() == before, "a dry run removes nothing")

        let purge = try sample.revq(["spool", "purge", "--retention", "--config", "revq.yaml"])
        #expect(purge.status == 0, "\(purge.stderr)")
        #expect(purge.stdout.contains("store: removed 2 superseded runs"), "\(purge.stdout)")
        let after = try listing()
        #expect(!after.contains("done/old.json") && after.contains("done/recent.json"))
        #expect(!after.contains("failed/old.json") && !after.contains("failed/old.error.json") && after.contains("failed/recent.json"))
        #expect(!after.contains("review-run-\(superseded)") && !after.contains("sweep-b1-attempt-1") && after.contains("review-run-\(current)"))
        #expect(after.filter { $0.hasPrefix("run ") } == ["run \(current)"], "the current review's run stays")
        let findings = try sample.revq(["runs", "show", "\(current)"])
        #expect(findings.status == 0, "\(findings.stderr)")
    }

    @Test func withoutStoreDaysTheStoreIsKept() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        try sample.write("kb/reports/spool/done/.keep", "")
        let purge = try sample.revq(["spool", "purge", "--retention"])
        #expect(purge.status == 0, "\(purge.stderr)")
        #expect(purge.stdout.hasSuffix("store: kept (retention.store_days not set)\n"), "\(purge.stdout)")
    }

    @Test func retentionAndAnExplicitStateAreExclusive() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let both = try sample.revq(["spool", "purge", "--retention", "--state", "done", "--older-than", "1d"])
        #expect(both.status == 2 && both.stderr.contains("--retention takes no --state"), "\(both.stderr)")
        let neither = try sample.revq(["spool", "purge"])
        #expect(neither.status == 2 && neither.stderr.contains("give --state and --older-than, or --retention"), "\(neither.stderr)")
    }
}
