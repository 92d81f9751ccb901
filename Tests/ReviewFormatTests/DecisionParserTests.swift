import Testing

@testable import ReviewFormat

/// The rules of SPEC §1's decision grammar, one behaviour each; the table of whole texts is
/// in ``DecisionParityTests``.
@Suite struct DecisionParserTests {
    @Test(arguments: [
        ("## Result: PASS", Decision.pass), ("Verdict: warn", .warn), ("## Verdict: FAIL", .fail), ("Outcome: error", .error),
        ("## Result: OK", .pass), ("* Outcome: info", .pass),
    ])
    func explicitResultLine(line: String, expected: Decision) {
        #expect(DecisionParser.decision(of: "Some review.\n\n\(line)\n") == expected)
    }

    /// Lines that look like results but are not the original's forms give no decision.
    @Test(arguments: [
        "**Result:** WARN", "### Result: PASS", "Result: FAIL.", "Result: warn", "## Result: PASS (1 INFO)", "    ## Result: PASS",
    ])
    func nearResultLinesAreNotDecisions(line: String) {
        #expect(DecisionParser.decision(of: "Some review.\n\n\(line)\n") == .unknown)
    }

    @Test func findingsThatDisagreeWithTheResultMakeItUnknown() {
        #expect(DecisionParser.decision(of: "- FAIL: a broken claim\n\n## Result: PASS") == .unknown)
    }

    @Test func agreeingResultLinesKeepTheirDecision() {
        #expect(DecisionParser.decision(of: "Verdict: WARN\ntext\n## Result: warn") == .warn)
    }

    @Test func conflictingResultLinesAreUnknown() {
        #expect(DecisionParser.decision(of: "## Result: PASS\n\n## Verdict: FAIL") == .unknown)
    }

    @Test(arguments: [
        ("- INFO: minor\n- WARN: wording\n- PASS: fine", Decision.warn),
        ("- WARN: wording\n- FAIL: pasted source", .fail),
        ("- PASS: fine\n- INFO: note", .pass),
        ("* FAIL: star bullet", .fail),
    ])
    func highestFindingSeverityDecides(text: String, expected: Decision) {
        #expect(DecisionParser.decision(of: text) == expected)
    }

    @Test(arguments: [
        ("**WARN — the second paragraph paraphrases too closely**", Decision.warn),
        ("**FAIL: copied verbatim**", .fail),
        ("- **PASS** — all good", .pass),
    ])
    func boldLeadsCount(text: String, expected: Decision) {
        #expect(DecisionParser.decision(of: text) == expected)
    }

    @Test(arguments: [
        "The note is fine.", "", "- nothing to flag", "Results: none", "-FAIL: no space", "+ FAIL: plus bullet", "Warning: not a finding",
    ])
    func noSignalIsUnknown(text: String) {
        #expect(DecisionParser.decision(of: text) == .unknown)
    }

    @Test func canonicalFooterReplacesResultLines() {
        #expect(DecisionParser.canonicalText("Grounding is aligned.", decision: .pass) == "Grounding is aligned.\n\n## Result: PASS\n")
        let canonical = DecisionParser.canonicalize("\nClaims hold.\n\n- WARN: one weak source\n\n## Result: WARN\n\n")
        #expect(canonical.decision == .warn)
        #expect(canonical.text == "Claims hold.\n\n- WARN: one weak source\n\n## Result: WARN\n")
    }

    @Test func canonicalTextIsStable() {
        let once = DecisionParser.canonicalize("Body\n## Verdict: ok\nmore").text
        #expect(once == "Body\nmore\n\n## Result: PASS\n")
        #expect(DecisionParser.canonicalize(once).text == once)
    }

    @Test func unknownDecisionStillGetsAFooter() {
        #expect(DecisionParser.canonicalize("").text == "## Result: UNKNOWN\n")
    }
}
