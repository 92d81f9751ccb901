import Testing

@testable import ReviewFormat

@Suite struct BundleParserTests {
    let gates = ["prose/source-residue", "semantic/grounding-alignment"]

    func error(_ output: String, expected: [String]? = nil) -> String? {
        do {
            _ = try BundleParser.parse(output, expectedGates: expected ?? gates)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func parsesTheSampleBundleIgnoringTextOutsideBlocks() throws {
        let blocks = try BundleParser.parse(try fixture("bundle-ok.md"), expectedGates: gates)
        #expect(blocks.map(\.gateId) == gates)
        #expect(blocks.map(\.decision) == [.warn, .pass])
        #expect(!blocks[0].body.contains("Preamble"))
        #expect(blocks[1].canonicalText == "Claims match the cited notes.\n\n## Result: PASS\n")
    }

    @Test func blocksComeBackInRequestedOrder() throws {
        let output =
            "=== GATE REVIEW START: b ===\nB\n=== GATE REVIEW END: b ===\n=== GATE REVIEW START: a ===\nA\n=== GATE REVIEW END: a ==="
        #expect(try BundleParser.parse(output, expectedGates: ["a", "b"]).map(\.gateId) == ["a", "b"])
    }

    @Test func sentinelsAreComparedAfterTrimming() throws {
        let output = "  === GATE REVIEW START: a ===  \r\nok\n\t=== GATE REVIEW END: a ===\r\n"
        #expect(try BundleParser.parse(output, expectedGates: ["a"]).first?.body.contains("ok") == true)
    }

    @Test func sampleFixturesGiveTheirDocumentedErrors() throws {
        #expect(error(try fixture("bundle-missing-gate.md")) == "missing gate reviews in bundle output: semantic/grounding-alignment")
        #expect(
            error(try fixture("bundle-end-mismatch.md"))
                == "gate review end mismatch: expected prose/source-residue, found semantic/grounding-alignment")
    }

    @Test func everyErrorMessage() {
        let start = { (id: String) in "=== GATE REVIEW START: \(id) ===" }
        let end = { (id: String) in "=== GATE REVIEW END: \(id) ===" }
        #expect(
            error([start("a"), "x", start("b"), "y", end("b"), end("a")].joined(separator: "\n"), expected: ["a", "b"])
                == "nested gate review start before closing a")
        #expect(error([start("z"), "x", end("z")].joined(separator: "\n"), expected: ["a"]) == "unexpected gate in bundle output: z")
        #expect(
            error([start("a"), "x", end("a"), start("a"), "y", end("a")].joined(separator: "\n"), expected: ["a"])
                == "duplicate gate in bundle output: a")
        #expect(error(["text", end("a")].joined(separator: "\n"), expected: ["a"]) == "gate review end without start: a")
        #expect(
            error([start("a"), "x", end("b")].joined(separator: "\n"), expected: ["a", "b"])
                == "gate review end mismatch: expected a, found b")
        #expect(error([start("a"), "  ", "", end("a")].joined(separator: "\n"), expected: ["a"]) == "empty review body for gate: a")
        #expect(error([start("a"), "x"].joined(separator: "\n"), expected: ["a"]) == "unterminated gate review block: a")
        #expect(error("no blocks at all", expected: ["a", "b"]) == "missing gate reviews in bundle output: a, b")
    }

    @Test func canonicalBundleRoundTrips() throws {
        let blocks = try BundleParser.parse(try fixture("bundle-ok.md"), expectedGates: gates)
        let bundle = BundleParser.canonicalBundle(runId: 12, notePath: "kb/notes/a.md", blocks: blocks)
        #expect(bundle.hasPrefix("# Review Bundle\n\nReview run id: 12\nTarget: kb/notes/a.md\n"))
        let again = try BundleParser.parse(bundle, expectedGates: gates)
        #expect(again.map(\.canonicalText) == blocks.map(\.canonicalText))
    }
}
