/// What `claude -p --output-format stream-json` printed, read back: the text for the bundle
/// parser and the run's telemetry.
public struct ClaudeTranscript: Sendable, Equatable {
    /// The main agent's assistant text blocks in order, each tool call as a
    /// `[tool: <name> <target>]` line between them. Sub-agent messages are left out.
    public var text: String
    /// Telemetry JSON (see ``ClaudeStream/parse(_:)``); nil when stdout held no stream event.
    public var telemetryJSON: String?
    /// Lines that were not JSON objects (skipped).
    public var skippedLines: Int
}

/// Parses claude's stream-json output: one JSON event per line. Pure text in, value out.
public enum ClaudeStream {
    /// Reads every line; non-JSON lines are counted and skipped.
    ///
    /// Telemetry keys: `provider` (`"claude-code"`), `session_id`, `model` (the one distinct model
    /// of the assistant messages, else null), `models` (distinct, sorted), `requests` (usage per
    /// request id in first-seen order; an id seen in several events counts once, its last usage
    /// wins), `totals` (sums over `requests`, and their count), `result` (`subtype`, `is_error`,
    /// `num_turns`, `total_cost_usd` of the final result event, or null).
    public static func parse(_ output: String) -> ClaudeTranscript {
        var reader = Reader()
        for line in output.jsonLines where !line.trimmed.isEmpty {
            guard let event = JSONValue(parsing: line), event.isObject else {
                reader.skippedLines += 1
                continue
            }
            reader.add(event)
        }
        return ClaudeTranscript(
            text: reader.text, telemetryJSON: reader.sawEvent ? reader.telemetry.text : nil, skippedLines: reader.skippedLines)
    }

    /// The token counts kept per request.
    static let usageFields = ["input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"]

    private struct Reader {
        var text = ""
        var sawEvent = false
        var skippedLines = 0
        var sessionId: String?
        var models: Set<String> = []
        var requestOrder: [String] = []
        var requests: [String: (model: String?, usage: [String: Int64])] = [:]
        var result: JSONValue = .null

        mutating func add(_ event: JSONValue) {
            guard let type = event["type"]?.string else { return }
            sawEvent = true
            sessionId = event["session_id"]?.string ?? event["sessionId"]?.string ?? sessionId
            switch type {
            case "assistant": addAssistant(event)
            case "result":
                result = .object([
                    "subtype": .orNull(event["subtype"]), "is_error": .orNull(event["is_error"]),
                    "num_turns": .orNull(event["num_turns"]), "total_cost_usd": .orNull(event["total_cost_usd"]),
                ])
            default: break
            }
        }

        mutating func addAssistant(_ event: JSONValue) {
            guard let message = event["message"] else { return }
            let model = message["model"]?.string.flatMap { $0.hasPrefix("<") ? nil : $0 }
            if let model { models.insert(model) }
            if let usage = message["usage"], usage.isObject,
                let requestId = event["requestId"]?.string ?? message["id"]?.string ?? event["uuid"]?.string
            {
                if requests[requestId] == nil { requestOrder.append(requestId) }
                var counts: [String: Int64] = [:]
                for field in ClaudeStream.usageFields { counts[field] = usage[field]?.int ?? 0 }
                requests[requestId] = (model, counts)
            }
            let isSubAgent = (event["parent_tool_use_id"]?.string).map { !$0.isEmpty } ?? false
            guard !isSubAgent, let blocks = message["content"]?.array else { return }
            for block in blocks {
                switch block["type"]?.string {
                case "text": append(block["text"]?.string ?? "")
                case "tool_use": append(toolSummary(block))
                default: break
                }
            }
        }

        /// Appends a piece of text on lines of its own, so sentinel lines never get glued to a neighbour.
        mutating func append(_ piece: String) {
            guard !piece.isEmpty else { return }
            if !text.isEmpty, !text.hasSuffix("\n") { text += "\n" }
            text += piece
        }

        func toolSummary(_ block: JSONValue) -> String {
            let name = block["name"]?.string ?? "tool"
            let input = block["input"]
            let target = ["file_path", "path", "pattern", "command", "url"].lazy.compactMap { input?[$0]?.string }.first
            // One line whatever the input holds, so that no part of it can pass for a sentinel line.
            let oneLine = target.map { $0.split(whereSeparator: \.isNewline).joined(separator: " ") }
            let line = oneLine.map { "[tool: \(name) \($0)]" } ?? "[tool: \(name)]"
            return String(line.prefix(300)) + "\n"
        }

        var telemetry: JSONValue {
            let sortedModels = models.sorted()
            var totals = Dictionary(uniqueKeysWithValues: ClaudeStream.usageFields.map { ($0, Int64(0)) })
            let perRequest: [JSONValue] = requestOrder.map { id in
                let request = requests[id]!
                var fields: [String: JSONValue] = ["request_id": .string(id), "model": request.model.json]
                for (field, count) in request.usage {
                    fields[field] = .int(count)
                    // Saturating: absurd counts in the stream must not trap the worker.
                    totals[field] = totals[field, default: 0].saturatingAdd(count)
                }
                return .object(fields)
            }
            var totalFields = totals.mapValues(JSONValue.int)
            totalFields["requests"] = .int(Int64(requestOrder.count))
            return .object([
                "provider": .string("claude-code"),
                "session_id": sessionId.json,
                "model": sortedModels.count == 1 ? .string(sortedModels[0]) : .null,
                "models": .array(sortedModels.map(JSONValue.string)),
                "requests": .array(perRequest),
                "totals": .object(totalFields),
                "result": result,
            ])
        }
    }
}
