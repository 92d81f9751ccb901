import Foundation
import Runner
import Testing

/// The readers of runner output: codex's stdout and session log, claude's stream-json, and a
/// command runner's telemetry file.
@Suite struct RunnerFuzzTests {
    static let codexKeys: Set<String> = [
        "provider", "session_id", "session_path", "model", "reasoning_effort", "totals", "last_usage", "token_count_events",
        "rate_limits", "task_complete_message",
    ]

    /// A session id is found on a clean `session id:` line, and whatever is returned is a non-empty
    /// piece of the output that can be part of a file name.
    @Test func codexSessionId() {
        fuzz("codex-session-id", generate: codexStdout, save: { Array($0.text.utf8) }) { input in
            let id = CodexTelemetry.sessionId(in: input.text)
            if let id {
                try require(
                    !id.isEmpty && !id.contains("/") && !id.contains(" ") && input.text.contains(id), "bad id \(id.debugDescription)")
            }
            if let planted = input.planted { try require(id == planted, "\(id ?? "nil") instead of \(planted)") }
        }
    }

    /// Any session log gives nil or one telemetry object with the documented keys; a generated log's
    /// model, session id and token-count events are the ones it holds, and its prompt is recognised.
    @Test func codexTelemetry() {
        fuzz("codex-telemetry", generate: codexLog, save: { Array($0.log.utf8) }) { input in
            guard let json = CodexTelemetry.telemetry(sessionLog: input.log, sessionPath: "/s.jsonl", sessionId: "given") else {
                try require(input.expected == nil, "no telemetry from a generated log")
                return
            }
            let object = try jsonObject(json)
            try require(Set(object.keys) == Self.codexKeys && object["provider"] as? String == "codex", "keys: \(object.keys)")
            try require(object["session_path"] as? String == "/s.jsonl", "session path lost")
            guard let expected = input.expected else { return }
            try require(object["token_count_events"] as? Int == expected.tokenCounts, "token_count_events \(object["token_count_events"]!)")
            try require(object["model"] as? String == expected.model, "model \(object["model"]!)")
            try require(object["session_id"] as? String == expected.sessionId, "session id \(object["session_id"]!)")
            try require(CodexTelemetry.sessionLog(input.log, hasPrompt: expected.prompt), "the prompt's user message not found")
        }
    }

    /// Claude's stream: never a crash; every request id counts once, with its last usage; the totals
    /// are the sums over the requests; the model is set only when there is exactly one.
    @Test func claudeStream() {
        fuzz("claude-stream", generate: claudeStream, save: { Array($0.stream.utf8) }) { input in
            let transcript = ClaudeStream.parse(input.stream)
            guard let json = transcript.telemetryJSON else {
                try require(input.expected == nil, "no telemetry from a generated stream")
                return
            }
            let object = try jsonObject(json)
            let requests = object["requests"] as? [[String: Any]] ?? []
            let ids = requests.compactMap { $0["request_id"] as? String }
            try require(ids.count == requests.count && Set(ids).count == ids.count, "a request counted twice: \(ids)")
            let totals = object["totals"] as? [String: Any] ?? [:]
            try require(totals["requests"] as? Int == requests.count, "totals.requests \(totals["requests"] ?? "nil")")
            let models = object["models"] as? [String] ?? []
            try require(models == models.sorted() && Set(models).count == models.count, "models not sorted and distinct")
            try require((object["model"] as? String) == (models.count == 1 ? models[0] : nil), "model with \(models)")
            for field in ["input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"] {
                let (sum, overflow) = requests.reduce((Int64(0), false)) { total, request in
                    let next = total.0.addingReportingOverflow((request[field] as? NSNumber)?.int64Value ?? 0)
                    return (next.partialValue, total.1 || next.overflow)
                }
                if !overflow { try require((totals[field] as? NSNumber)?.int64Value == sum, "totals.\(field) is not the sum") }
            }
            guard let expected = input.expected else { return }
            try require(ids == expected.requestOrder, "requests \(ids), expected \(expected.requestOrder)")
            for (request, usage) in zip(requests, expected.requestOrder.map { expected.lastUsage[$0]! }) {
                try require((request["output_tokens"] as? NSNumber)?.int64Value == usage, "not the last usage of \(request)")
            }
        }
    }

    /// A telemetry file is kept, trimmed, exactly when it holds one JSON object.
    @Test func commandTelemetry() {
        fuzz("command-telemetry", generate: telemetryFile, save: { Array($0.utf8) }) { text in
            guard let kept = CommandTelemetry.telemetry(fileContents: text) else { return }
            let object = try? JSONSerialization.jsonObject(with: Data(kept.utf8), options: .fragmentsAllowed)
            try require(object is [String: Any], "kept what is not an object: \(text.debugDescription)")
            let trimmed = text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()
            try require(kept == String(trimmed), "kept text altered: \(kept.debugDescription)")
        }
    }

    func jsonObject(_ json: String) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(json.utf8))
        guard let object = value as? [String: Any] else { throw Violation("telemetry is not an object: \(json)") }
        return object
    }

    // MARK: - Generators

    struct StdoutInput {
        var text: String
        /// The id of the only `session id:` line, when one was planted.
        var planted: String?
    }

    func codexStdout(_ rng: inout SeededRandom) -> StdoutInput {
        let fragments = ["session id:", "Session ID: ", "session id: a/b", "session id: a b", "session id:\t", "\u{85}", "\u{2028}"]
        if rng.oneIn(2) {
            let text = Mutations.mutate(Corpus.codexStdout, injecting: fragments, using: &rng)
            return StdoutInput(text: text, planted: nil)
        }
        let id = UUID().uuidString.lowercased() + rng.pick(["", "-x", "é"])
        let before = rng.text(fragments: ["session", "id", ":"], pieces: 20).replacingOccurrences(of: ":", with: ";")
        let line = rng.pick(["session id: ", "  SESSION ID:\t", "Session Id:"]) + id + rng.pick(["", " ", "\r"])
        let text = before + rng.pick(["\n", "\r\n", "\u{2028}"]) + line + "\n" + rng.text(fragments: fragments)
        return StdoutInput(text: text, planted: before.lowercased().contains("session id") ? nil : id)
    }

    struct CodexLog {
        var log: String
        var expected: (model: String?, sessionId: String, tokenCounts: Int, prompt: String)?
    }

    func codexLog(_ rng: inout SeededRandom) -> CodexLog {
        if rng.oneIn(2) {
            let lines = ["{\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":5}}", "{\"type\":1}", "[]", "{"]
            return CodexLog(log: Mutations.mutate(Corpus.codexSession, injecting: lines, using: &rng), expected: nil)
        }
        var model: String?
        var sessionId = "given"
        var tokenCounts = 0
        var lines: [String] = []
        for _ in 0..<rng.int(1...12) {
            switch rng.int(0...5) {
            case 0:
                sessionId = rng.pick(["s-1", "s-2", "7d1c"])
                lines.append(#"{"type":"session_meta","payload":{"id":"\#(sessionId)"}}"#)
            case 1:
                model = rng.pick(["gpt-5.4", "o3"])
                lines.append(#"{"type":"turn_context","payload":{"model":"\#(model!)","effort":"high"}}"#)
            case 2:
                tokenCounts += 1
                let info = rng.pick(["null", "{}", #"{"total_token_usage":{"input_tokens":9223372036854775807}}"#, "[1]"])
                lines.append(#"{"type":"event_msg","payload":{"type":"token_count","info":\#(info),"rate_limits":null}}"#)
            case 3:
                lines.append(
                    #"{"type":"event_msg","payload":{"type":"task_complete","last_agent_message":\#(rng.pick(["null", "\"done\"", "7"]))}}"#
                )
            case 4:
                lines.append(rng.pick(["", "not json", "{\"type\":\"x\"}", "{\"payload\":{}}", "\u{0}"]))
            default:
                lines.append(#"{"type":"response_item","payload":{"type":"message","role":"user","content":[]}}"#)
            }
        }
        let prompt = rng.text(fragments: ["\u{2028}", "\u{85}", "\u{2029}", "\u{B}"], pieces: 10)
        let content = #"[{"type":"input_text","text":\#(JSONText.quoted(prompt))}]"#
        lines.insert(
            #"{"type":"response_item","payload":{"type":"message","role":"user","content":\#(content)}}"#, at: rng.int(0...lines.count))
        lines.append(#"{"type":"event_msg","payload":{}}"#)
        let log = lines.joined(separator: rng.pick(["\n", "\r\n"]))
        return CodexLog(log: log, expected: (model, sessionId, tokenCounts, prompt))
    }

    struct ClaudeInput {
        var stream: String
        var expected: (requestOrder: [String], lastUsage: [String: Int64])?
    }

    func claudeStream(_ rng: inout SeededRandom) -> ClaudeInput {
        if rng.oneIn(3) {
            let lines = [
                #"{"type":"assistant","requestId":"req-a","message":{"usage":{"output_tokens":9223372036854775807}}}"#, "{}", "[", "null",
            ]
            return ClaudeInput(stream: Mutations.mutate(Corpus.claudeStream, injecting: lines, using: &rng), expected: nil)
        }
        var order: [String] = []
        var last: [String: Int64] = [:]
        var lines = [#"{"type":"system","subtype":"init","session_id":"s"}"#]
        for _ in 0..<rng.int(0...15) {
            guard !rng.oneIn(5) else {
                lines.append(rng.pick(["garbage", "[]", #"{"type":"user","message":{}}"#, #"{"type":"result","num_turns":2}"#, ""]))
                continue
            }
            let id = rng.pick(["req-a", "req-b", "req-c", "req-d"])
            let output = Int64(rng.pick([0, 1, 40, 1 << 40, Int(Int64.max), Int(Int64.max / 2) + 1]))
            if last[id] == nil { order.append(id) }
            last[id] = output
            let model = rng.pick(["claude-sonnet-4-6", "claude-opus-4", "<synthetic>"])
            let text = JSONText.quoted(rng.text(fragments: ["=== GATE REVIEW START: g ===", "\n"], pieces: 6))
            let content =
                rng.oneIn(2)
                ? #"[{"type":"text","text":\#(text)}]"#
                : #"[{"type":"tool_use","name":"Read","input":{"file_path":\#(text)}}]"#
            let usage = #"{"input_tokens":\#(rng.int(0...1000)),"output_tokens":\#(output),"cache_read_input_tokens":1.5}"#
            lines.append(
                #"{"type":"assistant","requestId":"\#(id)","message":{"model":"\#(model)","usage":\#(usage),"content":\#(content)}}"#)
        }
        return ClaudeInput(stream: lines.joined(separator: "\n"), expected: (order, last))
    }

    func telemetryFile(_ rng: inout SeededRandom) -> String {
        let base = rng.pick([#"{"provider":"sample","model":"m"}"#, "[]", "null", "\"x\"", "{}", "{\"a\":1} {\"b\":2}"])
        let padded = rng.pick(["", " ", "\n", "\u{FEFF}", "\t\r\n"]) + base + rng.pick(["", "\n", " x", "\u{85}"])
        return rng.oneIn(3) ? Mutations.mutate(padded, injecting: [], using: &rng) : padded
    }
}
