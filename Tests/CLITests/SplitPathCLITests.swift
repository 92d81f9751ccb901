import Foundation
import TestSupport
import Testing

@Suite struct SplitPathCLITests {
    struct Started: Decodable {
        var run_id: Int64
        var note: String
        var gate_ids: [String]
        var gates: [[String: String]]
        var model, runner: String
    }

    @Test func createWriteFinalizeThroughTheBinary() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let created = try RevqBinary.run(
            ["run", "create", SampleKB.noteA, "prose", "--runner", "claude", "--model", " gpt-5-4-high ", "--json"], in: sample.root)
        #expect(created.status == 0, "\(created.stderr)")
        let started = try JSONDecoder().decode(Started.self, from: Data(created.stdout.utf8))
        #expect(started.gate_ids == [SampleKB.clarity, SampleKB.residue])
        #expect(started.gates.first?["text"] == "Is the note clear?\n")
        #expect(started.model == "gpt-5-4-high")
        #expect(started.runner == "claude-code", "claude is the original's claude-code")

        try sample.directory.write("review.md", "Mostly clean.\n\n- WARN: one phrase\n\n## Result: WARN\n")
        let first = try RevqBinary.run(
            ["run", "write-gate", "--run", "\(started.run_id)", "--gate", SampleKB.residue, "--input-file", "review.md"], in: sample.root)
        #expect(first.stdout == "recorded \(started.run_id) prose/source-residue warn\n")
        let second = try RevqBinary.run(
            ["run", "write-gate", "--run", "\(started.run_id)", "--gate", SampleKB.clarity, "--input-file", "-"], in: sample.root,
            stdin: "Clear.\nVerdict: PASS\n")
        #expect(second.status == 0, "\(second.stderr)")

        let finalized = try RevqBinary.run(["run", "finalize", "--run", "\(started.run_id)"], in: sample.root)
        #expect(finalized.stdout == "completed \(started.run_id) 2\n")
        let shown = try RevqBinary.run(["runs", "show", "\(started.run_id)", "--json"], in: sample.root)
        let detail = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
        #expect((detail?["acceptances"] as? [Any])?.count == 2)
        let listed = try RevqBinary.run(["runs", "ls", "--status", "completed"], in: sample.root)
        #expect(listed.stdout.contains("completed  kb/notes/a.md"))
        let stale = try RevqBinary.run(["stale", "--model", "gpt-5-4-high", "prose", "--json"], in: sample.root)
        let report = try JSONSerialization.jsonObject(with: Data(stale.stdout.utf8)) as? [String: Any]
        let pairs = report?["pairs"] as? [[String: Any]]
        #expect(pairs?.map { $0["note"] as? String ?? "" } == [SampleKB.noteB, SampleKB.noteB, SampleKB.noteC, SampleKB.noteC])
        #expect(pairs?.allSatisfy { $0["diff"] is NSNull } == true, "missing-review pairs have no diff")
    }

    @Test func errorsAreOneLineWithTheirExitStatus() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        func run(_ arguments: [String]) throws -> CommandResult { try RevqBinary.run(arguments, in: sample.root) }

        let unknownNote = try run(["run", "create", "kb/notes/zz.md", "prose", "--runner", "codex", "--model", "m"])
        #expect(unknownNote.status == 2 && unknownNote.stderr == "revq: error: note not found: kb/notes/zz.md\n")
        let unknownGate = try run(["run", "create", SampleKB.noteA, "prose/nope", "--runner", "codex", "--model", "m"])
        #expect(unknownGate.status == 2 && unknownGate.stderr == "revq: error: gate not found: prose/nope\n")
        let missingOption = try run(["run", "create", SampleKB.noteA, "prose", "--runner", "codex"])
        #expect(
            missingOption.status == 2 && missingOption.stderr.hasPrefix("revq: error: ")
                && missingOption.stderr.split(separator: "\n").count == 1)
        #expect(try run(["runs", "show", "7"]).stderr == "revq: error: review run not found: 7\n")

        let id = try run(["run", "create", SampleKB.noteB, "prose", "--runner", "codex", "--model", "m"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let failed = try run(["run", "finalize", "--run", id])
        #expect(failed.status == 1 && failed.stderr == "revq: error: missing gates: prose/clarity, prose/source-residue\n")
        try sample.directory.write("r.md", "## Result: PASS\n")
        let refused = try run(["run", "write-gate", "--run", id, "--gate", SampleKB.clarity, "--input-file", "r.md"])
        #expect(refused.status == 2 && refused.stderr == "revq: error: review run is not writable: failed\n")
        let again = try run(["run", "finalize", "--run", id])
        #expect(again.status == 2 && again.stderr == "revq: error: review run is not finalizable: failed\n")
        #expect(try run(["--help"]).status == 0)
    }

    @Test func flagsBeatEnvironmentBeatConfigBeatDefaults() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let elsewhere = try TemporaryDirectory("revq-cwd")
        defer { elsewhere.remove() }
        try elsewhere.write("conf/revq.yaml", "kb_root: ../kb\nstore: from-config.sqlite\n")
        try FileManager.default.createSymbolicLink(at: elsewhere.url.appendingPathComponent("kb"), withDestinationURL: sample.root)
        let create = ["run", "create", SampleKB.noteB, SampleKB.clarity, "--runner", "codex", "--model", "m"]
        let config = ["REVQ_CONFIG": "conf/revq.yaml"]
        func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: sample.root.appendingPathComponent(path).path) }

        // Defaults: the KB is the current directory, the store lives under kb/reports.
        #expect(try RevqBinary.run(create, in: sample.root).status == 0)
        #expect(exists("kb/reports/review-store.sqlite"))
        // The config file names the KB (relative to the config file) and the store (relative to the KB).
        #expect(try RevqBinary.run(create, in: elsewhere.url, environment: config).status == 0)
        #expect(exists("from-config.sqlite"))
        // The environment beats the config file.
        #expect(try RevqBinary.run(create, in: elsewhere.url, environment: config.merging(["REVQ_DB": "env.sqlite"]) { $1 }).status == 0)
        #expect(FileManager.default.fileExists(atPath: elsewhere.url.appendingPathComponent("env.sqlite").path))
        // A flag beats the environment.
        let flagged = try RevqBinary.run(
            create + ["--db", "flag.sqlite", "--kb-root", sample.root.path], in: elsewhere.url,
            environment: ["REVQ_DB": "env.sqlite", "REVQ_KB_ROOT": "/nonexistent"])
        #expect(flagged.status == 0, "\(flagged.stderr)")
        #expect(FileManager.default.fileExists(atPath: elsewhere.url.appendingPathComponent("flag.sqlite").path))
    }

    @Test func aBrokenConfigFileIsAnInputError() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        try sample.directory.write("revq.yaml", "concurrency: 2\nstroe: x.sqlite\n")
        let result = try RevqBinary.run(["runs", "ls"], in: sample.root, environment: ["REVQ_CONFIG": "revq.yaml"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("revq: error: ") && result.stderr.contains("stroe (line 2): unknown key"))
    }
}

extension SplitPathCLITests {
    /// A leading `<!-- REVIEW-METADATA … -->` block is no part of the review: the stored text,
    /// the gate file and the bundle hold the canonical review without it.
    @Test func writeGateDropsALeadingMetadataBlock() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let id = try RevqBinary.run(
            ["run", "create", SampleKB.noteB, SampleKB.clarity, "--runner", "codex", "--model", "m"], in: sample.root
        )
        .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try sample.directory.write(
            "review.md", "<!-- REVIEW-METADATA\nmodel: x\nrun: 3\n-->\n\nThe review.\n\n\n\n- WARN: thin\n\n## Result: WARN\n")
        let written = try RevqBinary.run(
            ["run", "write-gate", "--run", id, "--gate", SampleKB.clarity, "--input-file", "review.md"], in: sample.root)
        #expect(written.stdout == "recorded \(id) prose/clarity warn\n", "\(written.stderr)")
        #expect(try RevqBinary.run(["run", "finalize", "--run", id], in: sample.root).stdout == "completed \(id) 1\n")
        let canonical = "The review.\n\n- WARN: thin\n\n## Result: WARN\n"
        let stored = try Command.run(
            "/usr/bin/env",
            [
                "sqlite3", sample.root.appendingPathComponent("kb/reports/review-store.sqlite").path,
                "SELECT rationale_markdown FROM gate_reviews WHERE review_run_id = \(id)",
            ]
        ).stdout
        #expect(stored == canonical + "\n", "sqlite3 ends the row with a newline")
        let artifacts = sample.root.appendingPathComponent("kb/reports/bundle-reviews/review-run-\(id)")
        #expect(try String(contentsOf: artifacts.appendingPathComponent("prose__clarity.md"), encoding: .utf8) == canonical)
        let bundle = try String(contentsOf: artifacts.appendingPathComponent("bundle-output.md"), encoding: .utf8)
        #expect(bundle.contains(canonical) && !bundle.contains("REVIEW-METADATA"))
    }

    @Test func gatesPrintsATableAndTheSkippedGates() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        try sample.write(
            "kb/instructions/review-gates/prose/clarity.md", SampleKB.gate(id: SampleKB.clarity, text: "Edited, not committed."))
        let shown = try RevqBinary.run(["gates", SampleKB.noteB, "prose", "semantic", SampleKB.residue], in: sample.root)
        #expect(shown.status == 0, "\(shown.stderr)")
        let lines = shown.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        func sha(_ path: String) throws -> String {
            try sample.git(["hash-object", path]).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(
            lines == [
                ["ORDINAL", "GATE", "SHA", "COMMITTED"],
                ["0", SampleKB.clarity, try sha("kb/instructions/review-gates/prose/clarity.md"), "no"],
                ["1", SampleKB.residue, try sha("kb/instructions/review-gates/prose/source-residue.md"), "yes"],
                ["skipped", "semantic/grounding-alignment:", "requires", "trait", "sourced"],
                ["skipped", "prose/source-residue:", "repeated"],
            ])
    }
}
