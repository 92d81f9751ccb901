import Foundation
import ReviewFormat
import RevqConfig
import Runner
import Testing

/// A stream with the bundle split over two text blocks, a tool call, a request seen twice, a
/// second model, a sub-agent message, a non-JSON line and a final result event.
func claudeStream(secondModel: String = "claude-haiku-4-5") -> String {
    let firstHalf = String(sampleBundle.prefix(while: { $0 != "\n" })) + "\n"
    let rest = String(sampleBundle.dropFirst(firstHalf.count))
    return [
        #"{"type":"system","subtype":"init","model":"claude-sonnet-4-6","session_id":"s-42"}"#,
        #"{"type":"assistant","requestId":"req-a","message":{"id":"msg-a","model":"claude-sonnet-4-6","usage":{"input_tokens":100,"cache_creation_input_tokens":200,"cache_read_input_tokens":0,"output_tokens":5},"content":[{"type":"text","text":"Reading the note."},{"type":"tool_use","id":"tu-1","name":"Read","input":{"file_path":"kb/notes/a.md"}}]}}"#,
        #"{"type":"assistant","requestId":"req-a","message":{"id":"msg-a","model":"claude-sonnet-4-6","usage":{"input_tokens":900,"cache_creation_input_tokens":200,"cache_read_input_tokens":0,"output_tokens":40},"content":[]}}"#,
        #"{"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"tu-1","content":"..."}]}}"#,
        "Warning: this line is not JSON",
        #"{"type":"assistant","requestId":"req-s","parent_tool_use_id":"tu-9","message":{"id":"msg-s","model":"\#(secondModel)","usage":{"input_tokens":10,"output_tokens":1},"content":[{"type":"text","text":"=== GATE REVIEW START: prose/source-residue ==="}]}}"#,
        #"{"type":"assistant","requestId":"req-b","message":{"id":"msg-b","model":"claude-sonnet-4-6","usage":{"input_tokens":1400,"cache_creation_input_tokens":0,"cache_read_input_tokens":1100,"output_tokens":380},"content":[{"type":"text","text":\#(jsonString(firstHalf))}]}}"#,
        #"{"type":"assistant","requestId":"req-b","message":{"id":"msg-b","model":"claude-sonnet-4-6","content":[{"type":"text","text":\#(jsonString(rest))}]}}"#,
        #"{"type":"result","subtype":"success","is_error":false,"num_turns":2,"total_cost_usd":0.0123,"result":\#(jsonString(sampleBundle)),"session_id":"s-42"}"#,
    ].joined(separator: "\n") + "\n"
}

@Suite struct ClaudeRunnerTests {
    @Test func usageIsCountedOncePerRequestAndTwoModelsGiveNoSingleModel() throws {
        let transcript = ClaudeStream.parse(claudeStream())
        #expect(transcript.skippedLines == 1)
        let telemetry = try object(transcript.telemetryJSON)
        #expect(telemetry["provider"] as? String == "claude-code")
        #expect(telemetry["session_id"] as? String == "s-42")
        #expect(telemetry["model"] is NSNull)
        #expect(telemetry["models"] as? [String] == ["claude-haiku-4-5", "claude-sonnet-4-6"])
        let requests = try #require(telemetry["requests"] as? [[String: Any]])
        #expect(requests.map { $0["request_id"] as? String } == ["req-a", "req-s", "req-b"])
        #expect(requests[0]["input_tokens"] as? Int == 900)
        let totals = try #require(telemetry["totals"] as? [String: Any])
        #expect(totals["requests"] as? Int == 3)
        #expect(totals["input_tokens"] as? Int == 900 + 10 + 1400)
        #expect(totals["output_tokens"] as? Int == 40 + 1 + 380)
        #expect(totals["cache_creation_input_tokens"] as? Int == 200)
        #expect(totals["cache_read_input_tokens"] as? Int == 1100)
        #expect((telemetry["result"] as? [String: Any])?["num_turns"] as? Int == 2)
        #expect(ModelPartition.actual(telemetryJSON: try #require(transcript.telemetryJSON)) == nil)
    }

    @Test func oneModelGivesTheActualPartition() throws {
        let transcript = ClaudeStream.parse(claudeStream(secondModel: "claude-sonnet-4-6"))
        let json = try #require(transcript.telemetryJSON)
        #expect(try object(json)["model"] as? String == "claude-sonnet-4-6")
        #expect(ModelPartition.actual(telemetryJSON: json) == "claude-sonnet-4-6")
    }

    @Test func textHoldsTheMainAgentsBlocksAndToolSummariesOnly() throws {
        let text = ClaudeStream.parse(claudeStream()).text
        #expect(text.hasPrefix("Reading the note.\n[tool: Read kb/notes/a.md]\n=== GATE REVIEW START: prose/source-residue ===\n"))
        #expect(text.components(separatedBy: "GATE REVIEW START: prose/source-residue").count == 2)
        #expect(ClaudeStream.parse("").telemetryJSON == nil)
        #expect(ClaudeStream.parse("not json\n[1,2]\n").skippedLines == 2)
    }

    @Test func aClaudeRunFeedsTheBundleParser() async throws {
        let sandbox = try RunnerSandbox()
        defer { sandbox.remove() }
        try sandbox.write(sandbox.root + "/stream.jsonl", claudeStream(secondModel: "claude-sonnet-4-6"))
        let path = try sandbox.script(
            "claude",
            """
            for argument in "$@"; do printf '%s\\0' "$argument"; done > "$FAKE_ARGS"
            cat > "$FAKE_ARGS.stdin"
            cat "$FAKE_STREAM"
            """)
        let profile = RunnerProfile(kind: .claudeCode, command: [path], model: "sonnet")
        let environment = ["FAKE_ARGS": sandbox.root + "/args", "FAKE_STREAM": sandbox.root + "/stream.jsonl"]

        let outcome = await Runner.run(sandbox.invocation("claude", profile, prompt: "Review it.", environment: environment))

        #expect(outcome.termination == .exited(0))
        let blocks = try BundleParser.parse(outcome.bundleText, expectedGates: sampleGates)
        #expect(blocks.map(\.decision) == [.warn, .pass])
        #expect(ModelPartition.actual(telemetryJSON: try #require(outcome.telemetryJSON)) == "claude-sonnet-4-6")
        #expect(outcome.debugLog.contains("1 non-JSON line(s) skipped"))
        let arguments = try sandbox.read(sandbox.root + "/args").split(separator: "\0").map(String.init)
        #expect(
            arguments == [
                "-p", "--verbose", "--allowedTools", "Read,Grep,Glob", "--disallowedTools",
                "Bash,Edit,MultiEdit,Write,NotebookEdit,WebFetch,WebSearch", "--output-format", "stream-json", "--model", "sonnet",
            ])
        #expect(try sandbox.read(sandbox.root + "/args.stdin") == "Review it.")
    }
}
