import Testing

@testable import ReviewFormat

/// The gate-sweep output parser, held to the original's rules: the output is used whole or
/// fails whole, with the original's messages.
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

    @Test func parsesTheSampleSweepInBatchOrder() throws {
        let blocks = try GateSweepParser.parse(try fixture("sweep-ok.md"), gateId: gate, notes: ["kb/notes/b.md", "kb/notes/a.md"])
        #expect(blocks.map(\.decision) == [.fail, .pass])
        #expect(blocks[0].canonicalText.contains("A remark inside") == false)
    }

    @Test func missingNotesFailTheWholeOutput() {
        #expect(
            error(block("a.md", "Fine.\n## Result: PASS"), notes: ["a.md", "b.md", "c.md"])
                == "missing note reviews in gate sweep output: b.md, c.md")
    }

    @Test func aDefectInsideOneNoteFailsTheWholeOutput() {
        let broken = "=== NOTE START: b.md ===\nno gate block here\n=== NOTE END: b.md ==="
        #expect(
            error(block("a.md", "ok\n## Result: PASS") + "\n" + broken, notes: ["a.md", "b.md"])
                == "missing gate reviews in bundle output: \(gate)")
    }

    @Test func anEmptyNoteBlockFailsTheWholeOutput() {
        let empty = "=== NOTE START: b.md ===\n  \n=== NOTE END: b.md ==="
        #expect(error(block("a.md", "ok\n## Result: PASS") + "\n" + empty, notes: ["a.md", "b.md"]) == "empty note review block: b.md")
    }

    /// As in the original, a note block is checked when it closes: a defect in an earlier block
    /// is reported before a later structural one.
    @Test func theFirstDefectInReadingOrderIsReported() {
        let empty = "=== NOTE START: a.md ===\n=== NOTE END: a.md ==="
        #expect(error(empty + "\n=== NOTE END: b.md ===", notes: ["a.md", "b.md"]) == "empty note review block: a.md")
    }

    @Test func structuralErrors() {
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

    /// `café.md` spelled NFC and NFD are two notes: each needs its own block, and neither block
    /// stands for the other.
    @Test func normalisationTwinsAreTwoNotes() throws {
        let nfc = "kb/notes/caf\u{E9}.md"
        let nfd = "kb/notes/cafe\u{301}.md"
        #expect(nfc == nfd, "Swift's String equality is canonical: the reason for byte keys")
        let both = block(nfc, "NFC fine.\n## Result: PASS") + "\n" + block(nfd, "- WARN: NFD soft.\n\n## Result: WARN")
        #expect(try GateSweepParser.parse(both, gateId: gate, notes: [nfc, nfd]).map(\.decision) == [.pass, .warn])
        #expect(try GateSweepParser.parse(both, gateId: gate, notes: [nfd, nfc]).map(\.decision) == [.warn, .pass])
        #expect(error(block(nfc, "ok\n## Result: PASS"), notes: [nfc, nfd]) == "missing note reviews in gate sweep output: \(nfd)")
        #expect(error(block(nfd, "ok\n## Result: PASS"), notes: [nfc]) == "unexpected note in gate sweep output: \(nfd)")
        #expect(
            error("=== NOTE START: \(nfc) ===\n=== NOTE END: \(nfd) ===", notes: [nfc, nfd])
                == "note review end mismatch: expected \(nfc), found \(nfd)")
    }
}
