import Foundation
import TestSupport
import Testing

/// `revq findings`, `revq ack` and `stale --json` on a real git KB: the review loop closed
/// without a new review when only an unwatched part of a note changed.
@Suite struct FindingsAckCLITests {
    static let watchedGate = "---\ngate_id: prose/clarity\nname: clarity\nlens: prose\nwatches: [body]\n---\nIs the note clear?\n"

    struct Fixture {
        let sample: SampleKB
        func run(_ arguments: [String]) throws -> CommandResult { try sample.revq(arguments) }
        func json(_ arguments: [String]) throws -> Any { try sample.revqJSON(arguments) }
        func sqlite(_ sql: String) throws -> String {
            try Command.run("/usr/bin/env", ["sqlite3", sample.root.appendingPathComponent("kb/reports/review-store.sqlite").path, sql])
                .stdout
        }

        /// Reviews a note (b by default) against prose/clarity through the split path and returns the review id.
        func review(_ text: String, note: String = SampleKB.noteB) throws -> String {
            let id = try run(["run", "create", note, SampleKB.clarity, "--runner", "claude", "--model", "m"]).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
            try sample.directory.write("review.md", text)
            #expect(try run(["run", "write-gate", "--run", id, "--gate", SampleKB.clarity, "--input-file", "review.md"]).status == 0)
            #expect(try run(["run", "finalize", "--run", id]).status == 0)
            return try sqlite("SELECT id FROM gate_reviews WHERE review_run_id = \(id)").trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    func fixture() throws -> Fixture {
        let sample = try SampleKB()
        try sample.write("kb/instructions/review-gates/prose/clarity.md", Self.watchedGate)
        try sample.commit("clarity watches the body")
        return Fixture(sample: sample)
    }

    @Test func reviewFindingsDescriptionEditTrivialAckAndStaleNoMore() throws {
        let f = try fixture()
        defer { f.sample.remove() }
        let reviewId = try f.review("The second claim is thin.\n\n- WARN: the second claim has no source\n\n## Result: WARN\n")

        let findings = try #require((try f.json(["findings", "--model", "m"]) as? [String: Any])?["reviews"] as? [[String: Any]])
        #expect(findings.count == 1)
        #expect(findings.first?["note"] as? String == SampleKB.noteB && findings.first?["decision"] as? String == "warn")
        #expect(findings.first?["findings"] as? [String] == ["WARN: the second claim has no source"])
        #expect(findings.first?["gate_changed"] as? Bool == false)
        #expect(findings.first?["review_run_id"] is Int && findings.first?["review_id"] is Int)

        // Only the description changes: the gate watches the body.
        try f.sample.write(SampleKB.noteB, "---\ntitle: B\ntraits: []\ndescription: A note about beta.\n---\nBeta body.\n")
        try f.sample.commit("describe b")
        let report = try #require(try f.json(["stale", "--model", "m", SampleKB.clarity, "--note", SampleKB.noteB]) as? [String: Any])
        let stale = try #require(report["pairs"] as? [[String: Any]])
        #expect(stale.map { $0["reason"] as? String } == ["note-changed"])
        #expect((stale.first?["diff"] as? String)?.contains("+description: A note about beta.") == true)

        let before = try f.sqlite("SELECT COUNT(*) FROM acceptance_events; SELECT COUNT(*) FROM sqlite_master")
        let dryRun = try f.run(["ack", "--trivial", "--dry-run", "--model", "m"])
        #expect(dryRun.status == 0 && dryRun.stdout.contains("would acknowledge kb/notes/b.md prose/clarity"), "\(dryRun.stderr)")
        #expect(try f.sqlite("SELECT COUNT(*) FROM acceptance_events; SELECT COUNT(*) FROM sqlite_master") == before)

        let acked = try #require(try f.json(["ack", "--trivial", "--model", "m"]) as? [String: Any])
        let pairs = try #require(acked["acknowledged"] as? [[String: Any]])
        #expect(acked["dry_run"] as? Bool == false && pairs.map { $0["note"] as? String } == [SampleKB.noteB])
        #expect(pairs.first?["note_commit"] as? String == (try f.sample.head()))
        #expect(
            ((try f.json(["stale", "--model", "m", SampleKB.clarity, "--note", SampleKB.noteB]) as? [String: Any])?["pairs"] as? [Any])?
                .isEmpty == true)
        let newSha = try f.sample.git(["rev-parse", "HEAD:kb/notes/b.md"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let current = try f.sqlite(
            """
            SELECT accepted_review_id, accepted_note_sha, accepted_note_commit, acceptance_kind FROM current_gate_acceptances
            WHERE note_path = 'kb/notes/b.md' AND gate_id = 'prose/clarity' AND model_id = 'm'
            """)
        #expect(current == "\(reviewId)|\(newSha)|\(try f.sample.head())|trivial-change-ack\n")
    }

    @Test func aWatchedChangeIsNotTrivialAndAnUnchangedNoteIsNotStale() throws {
        let f = try fixture()
        defer { f.sample.remove() }
        _ = try f.review("Clear.\n\n## Result: PASS\n")
        #expect(
            ((try f.json(["findings", "--model", "m"]) as? [String: Any])?["reviews"] as? [Any])?.isEmpty == true,
            "a pass review has no findings")
        try f.sample.write(SampleKB.noteB, "---\ntitle: B\ntraits: []\n---\nBeta body, rewritten.\n")
        try f.sample.commit("rewrite b")
        let dryRun = try f.run(["ack", "--trivial", "--dry-run", "--model", "m"])
        #expect(dryRun.stdout == "0 pair(s) would be acknowledged under m\n", "\(dryRun.stderr)")
    }

    @Test func namedPairsAreAcknowledgedTogetherOrNotAtAll() throws {
        let f = try fixture()
        defer { f.sample.remove() }
        _ = try f.review("Clear.\n\n## Result: PASS\n")
        let before = try f.sqlite("SELECT COUNT(*) FROM acceptance_events")
        let refused = try f.run([
            "ack", "--model", "m", "--pair", SampleKB.noteB, SampleKB.clarity, "--pair", SampleKB.noteC, SampleKB.clarity,
        ])
        #expect(refused.status == 2 && refused.stderr == "revq: error: no acceptance to acknowledge: kb/notes/c.md prose/clarity under m\n")
        #expect(try f.sqlite("SELECT COUNT(*) FROM acceptance_events") == before)
        let acked = try f.run(["ack", "--model", "m", "--pair", "./kb/notes/b.md", SampleKB.clarity])
        #expect(acked.status == 0 && acked.stdout.hasPrefix("acknowledged kb/notes/b.md prose/clarity\n"), "\(acked.stderr)")
        #expect(try f.sqlite("SELECT acceptance_kind FROM acceptance_events ORDER BY id DESC LIMIT 1") == "trivial-change-ack\n")

        // A note with uncommitted changes is acknowledged with its work-tree blob and no commit.
        try f.sample.write(SampleKB.noteB, "---\ntitle: B\ntraits: []\n---\nBeta body, not committed.\n")
        let dirty = try #require(try f.json(["ack", "--model", "m", "--pair", SampleKB.noteB, SampleKB.clarity]) as? [String: Any])
        let pair = try #require((dirty["acknowledged"] as? [[String: Any]])?.first)
        #expect(pair["note_commit"] is NSNull)
        #expect(
            pair["note_sha"] as? String
                == (try f.sample.git(["hash-object", SampleKB.noteB]).trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    @Test func gatesShowsTheSetOrdinalsShasAndSkippedGates() throws {
        let f = try fixture()
        defer { f.sample.remove() }
        try f.sample.write("kb/instructions/review-gates/prose/clarity.md", Self.watchedGate + "Edited, not committed.\n")
        let shown = try #require(try f.json(["gates", SampleKB.noteB, "prose", "semantic", "prose/clarity"]) as? [String: Any])
        let gates = try #require(shown["gates"] as? [[String: Any]])
        #expect(gates.map { $0["id"] as? String } == [SampleKB.clarity, SampleKB.residue])
        #expect(gates.map { $0["ordinal"] as? Int } == [0, 1])
        #expect(gates.map { $0["committed"] as? Bool } == [false, true])
        let diskSha = try f.sample.git(["hash-object", "kb/instructions/review-gates/prose/clarity.md"])
        #expect(gates.first?["sha"] as? String == diskSha.trimmingCharacters(in: .whitespacesAndNewlines))
        let skipped = try #require(shown["skipped"] as? [[String: String]])
        #expect(
            skipped == [["id": SampleKB.grounding, "reason": "requires trait sourced"], ["id": SampleKB.clarity, "reason": "repeated"]])
    }

    @Test func readingCommandsNeverCreateAStore() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        for arguments in [
            ["stale", "--model", "m", "prose", "--json"], ["findings", "--model", "m"], ["ack", "--trivial", "--dry-run", "--model", "m"],
            ["ack", "--trivial", "--model", "m"], ["gates", SampleKB.noteB, "prose"],
        ] {
            let result = try RevqBinary.run(arguments, in: sample.root)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        let stale = try RevqBinary.run(["stale", "--model", "m", "prose", "--note", SampleKB.noteB], in: sample.root)
        #expect(stale.stdout.split(separator: "\n").contains { $0.hasPrefix("kb/notes/b.md") && $0.hasSuffix("missing-review") })
        #expect(!FileManager.default.fileExists(atPath: sample.root.appendingPathComponent("kb/reports").path))
    }
}

extension FindingsAckCLITests {
    /// The notes `ack --trivial --dry-run --json` would acknowledge.
    func wouldAcknowledge(_ f: Fixture, _ extra: [String]) throws -> [String] {
        let report = try #require(try f.json(["ack", "--trivial", "--dry-run", "--model", "m"] + extra) as? [String: Any])
        return (report["acknowledged"] as? [[String: Any]] ?? []).compactMap { $0["note"] as? String }
    }

    /// As the original's selector: `--note` keeps the named notes, `--current` the notes whose
    /// frontmatter says `status: current`, both together the notes that pass both.
    @Test func trivialAcksNarrowedByNoteAndByCurrent() throws {
        let f = try fixture()
        defer { f.sample.remove() }
        try f.sample.write(SampleKB.noteC, "---\ntitle: C\nstatus: current\ntraits: [draft]\n---\nGamma body.\n")
        try f.sample.commit("c is current")
        _ = try f.review("Clear.\n\n## Result: PASS\n")
        _ = try f.review("Clear.\n\n## Result: PASS\n", note: SampleKB.noteC)
        try f.sample.write(SampleKB.noteB, "---\ntitle: B\ntraits: []\ndescription: About beta.\n---\nBeta body.\n")
        try f.sample.write(SampleKB.noteC, "---\ntitle: C\nstatus: current\ntraits: [draft]\ndescription: About gamma.\n---\nGamma body.\n")
        try f.sample.commit("describe b and c")

        #expect(try wouldAcknowledge(f, []) == [SampleKB.noteB, SampleKB.noteC])
        #expect(try wouldAcknowledge(f, ["--note", SampleKB.noteB]) == [SampleKB.noteB])
        #expect(try wouldAcknowledge(f, ["--current"]) == [SampleKB.noteC])
        #expect(try wouldAcknowledge(f, ["--note", SampleKB.noteB, "--current"]).isEmpty)

        let acked = try f.run(["ack", "--trivial", "--model", "m", "--note", "./kb/notes/b.md"])
        #expect(acked.status == 0 && acked.stdout.hasPrefix("acknowledged kb/notes/b.md prose/clarity\n"), "\(acked.stderr)")
        #expect(try wouldAcknowledge(f, []) == [SampleKB.noteC], "only the named note was acknowledged")
    }

    @Test func findingsOfNamedNotesOnly() throws {
        let f = try fixture()
        defer { f.sample.remove() }
        _ = try f.review("- WARN: b is vague\n\n## Result: WARN\n")
        _ = try f.review("- FAIL: c contradicts itself\n\n## Result: FAIL\n", note: SampleKB.noteC)
        func notes(_ arguments: [String]) throws -> [String] {
            let document = try f.json(["findings"] + arguments + ["--model", "m"]) as? [String: Any]
            return try #require(document?["reviews"] as? [[String: Any]]).compactMap { $0["note"] as? String }
        }
        #expect(try notes([]) == [SampleKB.noteB, SampleKB.noteC])
        #expect(try notes([SampleKB.noteC]) == [SampleKB.noteC])
        #expect(try notes(["./kb/notes/b.md"]) == [SampleKB.noteB])
        #expect(try notes([SampleKB.noteB, SampleKB.noteC]) == [SampleKB.noteB, SampleKB.noteC])
        #expect(try notes([SampleKB.noteA]).isEmpty, "a note without findings")
        let text = try f.run(["findings", SampleKB.noteC, "--model", "m"])
        #expect(text.status == 0 && text.stdout.contains("c contradicts itself") && !text.stdout.contains("b is vague"))
    }
}
