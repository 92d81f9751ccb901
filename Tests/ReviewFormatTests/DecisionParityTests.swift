import Testing

@testable import ReviewFormat

/// The decision and canonical text of review texts, each as the original system reads and
/// stores it (SPEC §1; expected values observed on the original's write path).
@Suite struct DecisionParityTests {
    struct Row: CustomTestStringConvertible, Sendable {
        let input: String
        let decision: Decision
        let canonical: String
        init(_ input: String, _ decision: Decision, _ canonical: String) {
            (self.input, self.decision, self.canonical) = (input, decision, canonical)
        }
        var testDescription: String { String(input.prefix(60)).debugDescription }
    }

    static let table: [Row] = [
        Row(
            "Grounding is aligned.\n\n## Result: PASS", .pass,
            "Grounding is aligned.\n\n## Result: PASS\n"),
        Row(
            "Claims hold.\n\n## Result: PASS (1 INFO)", .unknown,
            "Claims hold.\n\n## Result: UNKNOWN\n"),
        Row(
            "Claims hold.\n\n## Result: PASS.", .unknown,
            "Claims hold.\n\n## Result: PASS.\n\n## Result: UNKNOWN\n"),
        Row(
            "Verdict: ok, mostly", .unknown,
            "Verdict: ok, mostly\n\n## Result: UNKNOWN\n"),
        Row(
            "Verdict: ok", .pass,
            "## Result: PASS\n"),
        Row(
            "Some text.\n\n    ## Result: PASS", .unknown,
            "Some text.\n\n## Result: UNKNOWN\n"),
        Row(
            "Body text.\n\n## Result\nWARN", .warn,
            "Body text.\n\n## Result: WARN\n"),
        Row(
            "Body text.\n\n## Verdict\n\nFAIL", .fail,
            "Body text.\n\n## Verdict\n\nFAIL\n\n## Result: FAIL\n"),
        Row(
            "Body text.\n\n## Result:\nPASS", .pass,
            "Body text.\n\n## Result:\nPASS\n\n## Result: PASS\n"),
        Row(
            "Legacy review.\n\n## PASS", .pass,
            "Legacy review.\n\n## Result: PASS\n"),
        Row(
            "Legacy review.\n\n## info", .pass,
            "Legacy review.\n\n## Result: PASS\n"),
        Row(
            "First read.\n\n## Result: WARN\n\nRevised result: PASS", .pass,
            "First read.\n\nRevised result: PASS\n\n## Result: PASS\n"),
        Row(
            "**Revised verdict**: fail\n\n## Result: PASS", .fail,
            "**Revised verdict**: fail\n\n## Result: FAIL\n"),
        Row(
            "Revised result: PASS\nRevised result: WARN", .unknown,
            "Revised result: PASS\nRevised result: WARN\n\n## Result: UNKNOWN\n"),
        Row(
            "I am flagging as WARN because the claim is thin.\n\n## Result: PASS", .warn,
            "I am flagging as WARN because the claim is thin.\n\n## Result: WARN\n"),
        Row(
            "Flagging as fail here, and flagging as warn there.", .unknown,
            "Flagging as fail here, and flagging as warn there.\n\n## Result: UNKNOWN\n"),
        Row(
            "Reflagging as fail is not a flag.\n\n## Result: PASS", .pass,
            "Reflagging as fail is not a flag.\n\n## Result: PASS\n"),
        Row(
            "- WARN: the second source is weak\n- INFO: wording", .warn,
            "- WARN: the second source is weak\n- INFO: wording\n\n## Result: WARN\n"),
        Row(
            "* FAIL: copied verbatim\n- PASS: links resolve", .fail,
            "* FAIL: copied verbatim\n- PASS: links resolve\n\n## Result: FAIL\n"),
        Row(
            "WARN: a bare finding line", .warn,
            "WARN: a bare finding line\n\n## Result: WARN\n"),
        Row(
            "- Pass the salt, please.", .unknown,
            "- Pass the salt, please.\n\n## Result: UNKNOWN\n"),
        Row(
            "- fail: lower case finding", .fail,
            "- fail: lower case finding\n\n## Result: FAIL\n"),
        Row(
            "**Severity:** WARN - the claim overreaches", .warn,
            "**Severity:** WARN - the claim overreaches\n\n## Result: WARN\n"),
        Row(
            "- **Severity:** fail: broken citation", .fail,
            "- **Severity:** fail: broken citation\n\n## Result: FAIL\n"),
        Row(
            "- **WARN — the second paragraph paraphrases too closely**", .warn,
            "- **WARN — the second paragraph paraphrases too closely**\n\n## Result: WARN\n"),
        Row(
            "**FAIL**: verbatim passage\n\nMore text.", .fail,
            "**FAIL**: verbatim passage\n\nMore text.\n\n## Result: FAIL\n"),
        Row(
            "**Error handling** is discussed well.", .error,
            "**Error handling** is discussed well.\n\n## Result: ERROR\n"),
        Row(
            "- INFO — minor phrasing\n\n## Result: PASS", .pass,
            "- INFO — minor phrasing\n\n## Result: PASS\n"),
        Row(
            "- WARN: weak source\n\n## Result: PASS", .unknown,
            "- WARN: weak source\n\n## Result: UNKNOWN\n"),
        Row(
            "- **Minor** wording issue\n- FAIL: none really\n\n## Result: WARN", .warn,
            "- **Minor** wording issue\n- FAIL: none really\n\n## Result: WARN\n"),
        Row(
            "- **Major** gap in the argument\n- WARN: small thing\n\n## Result: FAIL", .fail,
            "- **Major** gap in the argument\n- WARN: small thing\n\n## Result: FAIL\n"),
        Row(
            "- PASS: no violations found in the text\n\n## Result: WARN", .pass,
            "- PASS: no violations found in the text\n\n## Result: PASS\n"),
        Row(
            "- PASS: all good\n\n## Result: WARN", .unknown,
            "- PASS: all good\n\n## Result: UNKNOWN\n"),
        Row(
            "## Result: PASS\n\n## Verdict: FAIL", .unknown,
            "## Result: UNKNOWN\n"),
        Row(
            "## Result: PASS\n\nOutcome: ok", .pass,
            "## Result: PASS\n"),
        Row(
            "- Outcome: warn\n\nDetails.", .warn,
            "Details.\n\n## Result: WARN\n"),
        Row(
            "**PASS** — the note is clean.", .pass,
            "**PASS** — the note is clean.\n\n## Result: PASS\n"),
        Row(
            "  **warn** the note is thin", .warn,
            "**warn** the note is thin\n\n## Result: WARN\n"),
        Row(
            "Outcome: unknown", .unknown,
            "## Result: UNKNOWN\n"),
        Row(
            "<!-- REVIEW-METADATA\nmodel: x\nrun: 3\n-->\n\nThe review.\n\n## Result: WARN", .warn,
            "The review.\n\n## Result: WARN\n"),
        Row(
            "<!-- REVIEW-METADATA\nmodel: x\n-->\nWARN: thin", .warn,
            "WARN: thin\n\n## Result: WARN\n"),
        Row(
            "Intro.\n\n\n\nMiddle.\n\n\n\n\n## Result: FAIL", .fail,
            "Intro.\n\nMiddle.\n\n## Result: FAIL\n"),
        Row(
            "**Result: WARN (two findings)**\n\n- WARN: one\n- WARN: two", .warn,
            "- WARN: one\n- WARN: two\n\n## Result: WARN\n"),
        Row(
            "Result: FAIL\n\nThe review text.", .unknown,
            "The review text.\n\n## Result: UNKNOWN\n"),
        Row(
            "Notes.\n## Result\nPASS\nmore notes", .pass,
            "Notes.\nmore notes\n\n## Result: PASS\n"),
        Row(
            "- WARN\n- FAIL: hidden by the line above", .warn,
            "- WARN\n- FAIL: hidden by the line above\n\n## Result: WARN\n"),
        Row(
            "The note is fine.", .unknown,
            "The note is fine.\n\n## Result: UNKNOWN\n"),
        Row(
            "Review\r\n\r\n## Result: FAIL\r\n", .fail,
            "Review\n\n## Result: FAIL\n"),
        Row(
            "## Verdict: Error", .error,
            "## Result: ERROR\n"),
        Row(
            "Verdict:   WARN   \n\nText after.", .warn,
            "Text after.\n\n## Result: WARN\n"),
    ]

    @Test(arguments: table)
    func decisionAndCanonicalText(row: Row) {
        let stored = DecisionParser.canonicalize(DecisionParser.removingMetadataBlock(row.input))
        #expect(stored.decision == row.decision)
        #expect(stored.text == row.canonical)
    }

    @Test func tableCoversAtLeastFortyInputs() {
        #expect(Self.table.count >= 40)
    }

    /// As in the original, a stored text read again may give another decision: trimming moves
    /// an indented finding to the start of a line.
    @Test func readingTheStoredTextAgainNeedNotAgree() {
        let stored = DecisionParser.canonicalize(" * WARN: long\n**PASS - ok**")
        #expect(stored.decision == .pass && stored.text == "* WARN: long\n**PASS - ok**\n\n## Result: PASS\n")
        #expect(DecisionParser.canonicalize(stored.text) == (.unknown, "* WARN: long\n**PASS - ok**\n\n## Result: UNKNOWN\n"))
    }

    @Test func metadataBlockIsOnlyRemovedAtTheStart() {
        let text = "Intro\n<!-- REVIEW-METADATA\nx\n-->\nBody"
        #expect(DecisionParser.removingMetadataBlock(text) == text)
        #expect(DecisionParser.removingMetadataBlock("<!-- REVIEW-METADATA\nx -->\nBody") == "<!-- REVIEW-METADATA\nx -->\nBody")
        #expect(DecisionParser.removingMetadataBlock("<!-- REVIEW-METADATA\na\n-->\n\n\nBody") == "Body")
    }
}
