import Testing

@testable import ReviewFormat

@Suite struct GateSweepParserTests {
    let gate = "prose/source-residue"

    func block(_ note: String, _ body: String) -> String {
        "=== NOTE START: \(note) ===\n=== GATE REVIEW START: \(gate) ===\n\(body)\n=== GATE REVIEW END: \(gate) ===\n=== NOTE END: \(note) ==="
    }

    func error(_ output: String, notes: [String]) -> String? {
        do {
            _ = try GateSweepParser.parse(output, gateId: gate, notes: notes)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func parsesTheSampleSweep() throws {
        let notes = ["kb/notes/a.md", "kb/notes/b.md"]
        let output = try GateSweepParser.parse(try fixture("sweep-ok.md"), gateId: gate, notes: notes)
        #expect(output.reviews["kb/notes/a.md"]?.decision == .pass)
        #expect(output.reviews["kb/notes/b.md"]?.decision == .fail)
        #expect(output.reviews["kb/notes/b.md"]?.canonicalText.contains("A remark inside") == false)
        #expect(output.missingNotes.isEmpty && output.defectiveNotes.isEmpty)
    }

    @Test func missingNotesAreReportedNotThrown() throws {
        let output = try GateSweepParser.parse(block("a.md", "Fine.\n## Result: PASS"), gateId: gate, notes: ["a.md", "b.md", "c.md"])
        #expect(output.reviews.keys.sorted() == ["a.md"])
        #expect(output.missingNotes == ["b.md", "c.md"])
        #expect(output.missingNotesMessage == "missing note reviews in gate sweep output: b.md, c.md")
    }

    @Test func aDefectInsideOneNoteConcernsThatNoteOnly() throws {
        let broken = "=== NOTE START: b.md ===\nno gate block here\n=== NOTE END: b.md ==="
        let output = try GateSweepParser.parse(block("a.md", "ok\n## Result: PASS") + "\n" + broken, gateId: gate, notes: ["a.md", "b.md"])
        #expect(output.reviews["a.md"] != nil)
        #expect(output.defectiveNotes == ["b.md": "missing gate reviews in bundle output: \(gate)"])
    }

    @Test func structuralErrorsThrow() {
        let notes = ["a.md", "b.md"]
        #expect(error("=== NOTE START: a.md ===\n=== NOTE START: b.md ===", notes: notes) == "nested note review start before closing a.md")
        #expect(error(block("z.md", "x"), notes: notes) == "unexpected note in gate sweep output: z.md")
        #expect(error(block("a.md", "x") + "\n" + block("a.md", "y"), notes: notes) == "duplicate note in gate sweep output: a.md")
        #expect(error("=== NOTE END: a.md ===", notes: notes) == "note review end without start: a.md")
        #expect(
            error("=== NOTE START: a.md ===\n=== NOTE END: b.md ===", notes: notes) == "note review end mismatch: expected a.md, found b.md"
        )
        #expect(error("=== NOTE START: a.md ===\ntext", notes: notes) == "unterminated note review block: a.md")
    }
}

extension GateSweepParserTests {
    @Test func anEmptyNoteBlockConcernsThatNoteOnly() throws {
        let empty = "=== NOTE START: b.md ===\n  \n=== NOTE END: b.md ==="
        let output = try GateSweepParser.parse(block("a.md", "ok\n## Result: PASS") + "\n" + empty, gateId: gate, notes: ["a.md", "b.md"])
        #expect(output.reviews["a.md"] != nil)
        #expect(output.defectiveNotes == ["b.md": "empty note review block: b.md"])
    }
}
