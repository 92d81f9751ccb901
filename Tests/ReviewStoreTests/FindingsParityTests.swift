import Foundation
import ReviewFlow
import ReviewFormat
import ReviewStore
import TestSupport
import Testing

/// `revq findings`: the current reviews whose decision is warn, fail or error, with their
/// finding lines and whether the gate changed since (the original's findings selector).
@Suite struct FindingsParityTests {
    @Test(arguments: [
        (
            "Intro.\n\n- WARN: one\n- INFO: fine\n* FAIL: two\n  continued here\n\n## Result: FAIL\n",
            ["WARN: one", "FAIL: two\ncontinued here"]
        ),
        ("- **WARN** — bold lead\n- warn: lower case\n\n## Result: WARN\n", ["**WARN** — bold lead", "warn: lower case"]),
        ("### Summary\n\nThe claim overreaches.\n\n### Details\n\nMore.\n\n## Result: WARN\n", ["The claim overreaches."]),
        ("Only prose here.\n\n## Result: FAIL\n", ["Only prose here."]),
        ("- Warning: not a finding word\n\n## Result: WARN\n", ["- Warning: not a finding word"]),
    ])
    func findingLines(review: String, expected: [String]) {
        #expect(FindingLines.extract(review) == expected)
    }

    func review(_ f: StoreFixture, _ gate: String, _ text: String) throws {
        let id = try f.createRun(SampleKB.noteB, [gate], model: "m")
        try f.store.recordAndFinalizeRun(run: id, reviews: [f.review(gate, text)])
    }

    func select(_ f: StoreFixture, gates: [String] = []) throws -> [ReviewFindings] {
        try FindingsSelection.select(kb: f.kb, store: f.store, modelId: "m", notePaths: [], gateArguments: gates)
    }

    @Test func onlyTheNewestAcceptanceCountsAndPassIsNotAFinding() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        try review(f, SampleKB.clarity, "- WARN: vague\n\n## Result: WARN")
        try review(f, SampleKB.residue, "Pasted.\n\n## Result: ERROR")
        #expect(try select(f).map { "\($0.gate) \($0.decision)" } == ["prose/clarity warn", "prose/source-residue error"])
        #expect(try select(f, gates: [SampleKB.clarity]).map(\.gate) == [SampleKB.clarity])
        try review(f, SampleKB.clarity, "Clear now.\n\n## Result: PASS")
        #expect(try select(f).map(\.gate) == [SampleKB.residue])
    }

    @Test func aGateChangedSinceItsAcceptanceIsFlagged() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        try review(f, SampleKB.clarity, "- FAIL: unclear\n\n## Result: FAIL")
        #expect(try select(f).map(\.gateChanged) == [false])
        try f.sample.write("kb/instructions/review-gates/prose/clarity.md", "---\n---\nStricter.\n")
        #expect(try select(f).map(\.gateChanged) == [true])
    }
}
