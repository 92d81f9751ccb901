/// Reads what `codex exec` leaves behind: the session id it prints and its session log
/// (`$HOME/.codex/sessions/YYYY/MM/DD/rollout-…-<id>.jsonl`, one JSON event per line).
/// Pure text in, values out.
public enum CodexTelemetry {
    /// The id from the first `session id: <id>` line of codex's output; nil when there is none
    /// or the id could not be part of a file name.
    public static func sessionId(in output: String) -> String? {
        for line in output.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmed
            guard trimmed.lowercased().hasPrefix("session id:") else { continue }
            let id = trimmed.dropFirst("session id:".count).trimmed
            guard !id.isEmpty, !id.contains("/"), !id.contains(" ") else { continue }
            return String(id)
        }
        return nil
    }

    /// The telemetry JSON of a session log (keys sorted):
    /// `provider` (`"codex"`), `session_id` (from `session_meta`, else `sessionId`), `session_path`,
    /// `model` and `reasoning_effort` (the last `turn_context`), `totals` and `last_usage` (the
    /// last `token_count` event carrying usage), `token_count_events` (how many there were),
    /// `rate_limits` (the last reported), `task_complete_message`. Missing values are null.
    /// Nil when no line of the log is a codex event.
    public static func telemetry(sessionLog: String, sessionPath: String, sessionId: String?) -> String? {
        var summary = Summary(sessionId: sessionId)
        var sawEvent = false
        for line in sessionLog.jsonLines {
            guard let event = JSONValue(parsing: line), let type = event["type"]?.string, let payload = event["payload"] else { continue }
            sawEvent = true
            summary.add(type: type, payload: payload)
        }
        guard sawEvent else { return nil }
        return summary.json(sessionPath: sessionPath).text
    }

    /// Whether one of the log's user messages is exactly `prompt`: how a log is recognised when
    /// codex printed no session id. Codex may put its own context messages first, so every user
    /// message counts, not only the first.
    public static func sessionLog(_ sessionLog: String, hasPrompt prompt: String) -> Bool {
        for line in sessionLog.jsonLines where line.contains("user") {
            guard let event = JSONValue(parsing: line), let payload = event["payload"] else { continue }
            if userMessage(type: event["type"]?.string, payload: payload) == prompt { return true }
        }
        return false
    }

    /// The text of a user message event: a `response_item` message with role `user` (its
    /// `input_text` parts joined) or an `event_msg` of type `user_message`.
    private static func userMessage(type: String?, payload: JSONValue) -> String? {
        switch (type, payload["type"]?.string) {
        case ("response_item", "message"):
            guard payload["role"]?.string == "user", let parts = payload["content"]?.array else { return nil }
            return parts.compactMap { $0["type"]?.string == "input_text" ? $0["text"]?.string : nil }.joined()
        case ("event_msg", "user_message"):
            return payload["message"]?.string
        default:
            return nil
        }
    }

    /// What the log says so far, event by event.
    private struct Summary {
        var sessionId: String?
        var model: String?
        var effort: String?
        var totals: JSONValue?
        var lastUsage: JSONValue?
        var rateLimits: JSONValue?
        var tokenCountEvents = 0
        var taskCompleteMessage: String?

        mutating func add(type: String, payload: JSONValue) {
            switch (type, payload["type"]?.string) {
            case ("session_meta", _):
                sessionId = payload["id"]?.string ?? sessionId
            case ("turn_context", _):
                model = payload["model"]?.string ?? model
                effort = payload["effort"]?.string ?? payload["collaboration_mode"]?["settings"]?["reasoning_effort"]?.string ?? effort
            case ("event_msg", "token_count"):
                tokenCountEvents += 1
                if let info = payload["info"], info.isObject {
                    totals = info["total_token_usage"] ?? totals
                    lastUsage = info["last_token_usage"] ?? lastUsage
                }
                if let limits = payload["rate_limits"], limits != .null { rateLimits = limits }
            case ("event_msg", "task_complete"):
                taskCompleteMessage = payload["last_agent_message"]?.string ?? taskCompleteMessage
            default:
                break
            }
        }

        func json(sessionPath: String) -> JSONValue {
            .object([
                "provider": .string("codex"),
                "session_id": sessionId.json,
                "session_path": .string(sessionPath),
                "model": model.json,
                "reasoning_effort": effort.json,
                "totals": .orNull(totals),
                "last_usage": .orNull(lastUsage),
                "token_count_events": .int(Int64(tokenCountEvents)),
                "rate_limits": .orNull(rateLimits),
                "task_complete_message": taskCompleteMessage.json,
            ])
        }
    }
}
