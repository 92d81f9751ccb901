import Foundation
import KnowledgeBase
import ReviewFormat
import Runner
import Spool
import Testing

/// Inputs the fuzzers found that once broke a parser, kept as plain tests.
@Suite struct Regressions {
    /// Usage counts near `Int64.max` in two requests trapped on overflow while summing the totals.
    @Test func claudeTotalsSaturate() throws {
        let event = { (id: String) in
            #"{"type":"assistant","requestId":"\#(id)","message":{"usage":{"output_tokens":9223372036854775807}}}"#
        }
        let json = try #require(ClaudeStream.parse(event("a") + "\n" + event("b")).telemetryJSON)
        let totals = try #require((try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["totals"] as? [String: Any])
        #expect((totals["output_tokens"] as? NSNumber)?.int64Value == Int64.max)
    }

    /// JSON may hold U+2028, U+2029 and U+0085 unescaped in a string; splitting the stream at every
    /// newline character cut such an event in two and lost the assistant's text.
    @Test func claudeEventWithLineSeparatorInText() {
        let text = "=== GATE REVIEW START: g ===\\nok \u{2028} and \u{85}\\n## Result: PASS\\n=== GATE REVIEW END: g ==="
        let stream = #"{"type":"assistant","requestId":"r","message":{"content":[{"type":"text","text":"\#(text)"}]}}"#
        let transcript = ClaudeStream.parse(stream)
        #expect(transcript.skippedLines == 0)
        #expect(transcript.text.contains("ok \u{2028} and \u{85}"))
    }

    /// The same for a codex session log: a prompt holding U+2028 was not recognised.
    @Test func codexPromptWithLineSeparator() {
        let prompt = "Review\u{2028}this note"
        let log =
            #"{"type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"\#(prompt)"}]}}"#
        #expect(CodexTelemetry.sessionLog(log, hasPrompt: prompt))
    }

    /// A job file of 1 MiB that is one object with tens of thousands of members.
    @Test func wideJobFileIsQuick() {
        let bytes = Array(JSONText.wide(count: 60_000).utf8)
        let start = ContinuousClock.now
        #expect(throws: JobDefect.self) { try JobFile.decode(bytes, origin: .spoolFile(fileName: "x.json"), rules: .inspection) }
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    /// Trimming a line by repeated `dropLast()` is quadratic (each call walks the substring): a
    /// note whose first line ended in 85,000 spaces took 25 s to read.
    @Test func longFirstLineOfANoteIsQuick() throws {
        let text = "--- x" + String(repeating: " ", count: 100_000) + "\nbody"
        let start = ContinuousClock.now
        #expect(try Frontmatter(text: text, path: "n.md").body == text)
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    /// The same in the model partition, for a model name ending in a long run of `-`.
    @Test func longDashRunInAModelNameIsQuick() {
        let start = ContinuousClock.now
        #expect(ModelPartition.actual(model: "gpt" + String(repeating: "-", count: 100_000), effort: "high") == "gpt-high")
        #expect(ContinuousClock.now - start < .seconds(2))
    }
}
