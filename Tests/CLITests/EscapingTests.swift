import Foundation
import TestSupport
import Testing

@testable import revq

/// Control characters in what revq prints for a person are written as visible escapes, so
/// that a model string, a note's file name or a finding cannot drive the operator's terminal.
@Suite struct EscapingTests {
    static let red = "\u{1b}[31m"
    static let bell = "\u{07}"

    @Test func visibleEscapesEveryControlCharacter() {
        #expect(Output.visible("plain café") == "plain café")
        #expect(Output.visible("\(Self.red)red\(Self.bell)") == #"\x1b[31mred\x07"#)
        #expect(Output.visible("a\tb\r\nc\u{7f}\u{9b}2J") == #"a\tb\r\nc\x7f\u{9b}2J"#)
        #expect(Output.visible("one\ntwo\u{1b}", keepingNewlines: true) == "one\ntwo\\x1b")
    }

    /// A KB with a note whose file name holds ESC, a completed run whose finding holds ESC
    /// and BEL, and a failed run whose model string and failure reason hold them.
    struct Fixture {
        let sample: SampleKB
        let escapedNote = "kb/notes/e\u{1b}[31m.md"
        var completedRun = "", failedRun = ""

        init() throws {
            sample = try SampleKB()
            try sample.write(escapedNote, SampleKB.note(title: "E", traits: [], body: "Epsilon."))
            try sample.commit("a note with ESC in its name")
            completedRun = try review(SampleKB.noteB, gates: [SampleKB.clarity])
            // Two gates, one written: finalize fails the run with `missing gates: …`.
            failedRun = try review(SampleKB.noteC, gates: [SampleKB.clarity, SampleKB.residue])
            try sqlite(
                "UPDATE review_runs SET model_id = 'm' || char(27) || '[31m' || char(7), "
                    + "failure_reason = failure_reason || char(27) || '[2J' || char(7) WHERE id = \(failedRun)")
        }

        /// A split-path run of `note` with a WARN review of prose/clarity whose finding holds ESC and BEL.
        private func review(_ note: String, gates: [String]) throws -> String {
            let id = try sample.revq(["run", "create", note] + gates + ["--runner", "claude", "--model", "m"]).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
            try sample.write("review.md", "- WARN: a \(EscapingTests.red)red\(EscapingTests.bell) claim\n\n## Result: WARN\n")
            #expect(
                try sample.revq(["run", "write-gate", "--run", id, "--gate", SampleKB.clarity, "--input-file", "review.md"]).status == 0)
            _ = try sample.revq(["run", "finalize", "--run", id])
            return id
        }

        func sqlite(_ sql: String) throws {
            let store = sample.root.appendingPathComponent("kb/reports/review-store.sqlite").path
            #expect(try Command.run("/usr/bin/env", ["sqlite3", store, sql]).status == 0)
        }
    }

    /// `arguments`' stdout, which must succeed and hold no ESC or BEL byte.
    static func printed(_ sample: SampleKB, _ arguments: [String]) throws -> String {
        let result = try sample.revq(arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        #expect(!result.stdout.utf8.contains(0x1b) && !result.stdout.utf8.contains(0x07), "\(arguments): raw control bytes")
        return result.stdout
    }

    @Test func tablesAndDetailsShowControlCharactersEscaped() throws {
        let f = try Fixture()
        defer { f.sample.remove() }
        let model = #"m\x1b[31m\x07"#
        #expect(try Self.printed(f.sample, ["runs", "ls"]).contains(model))
        let shown = try Self.printed(f.sample, ["runs", "show", f.failedRun])
        #expect(shown.contains("model:     \(model)"))
        #expect(shown.contains(#"reason:    missing gates: prose/source-residue\x1b[2J\x07"#))
        let findings = try Self.printed(f.sample, ["findings", "--model", "m"])
        #expect(findings.contains(#"  - WARN: a \x1b[31mred\x07 claim"#))
        let stale = try Self.printed(f.sample, ["stale", "--model", "m\u{1b}", "prose"])
        #expect(stale.contains(#"kb/notes/e\x1b[31m.md"#))
        #expect(stale.hasSuffix(#"under m\x1b"# + "\n"))
    }
}
