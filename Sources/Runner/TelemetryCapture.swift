import Foundation
import SystemFiles

/// Finds a finished runner's telemetry, best effort: a missing or unreadable source gives nil
/// telemetry and a note that says why, never an error.
struct TelemetryCapture {
    var json: String?
    /// Where the telemetry came from, or why there is none.
    var note: String

    /// Codex: the log named by the `session id:` line (stdout, else stderr), else a log new since
    /// launch whose user message is the exact prompt codex was given.
    static func codex(
        stdout: String, stderr: String, environment: [String: String], codexPrompt: String, launchedAt: Date
    )
        -> TelemetryCapture
    {
        guard let logs = CodexSessionLogs(environment: environment) else {
            return TelemetryCapture(json: nil, note: "no HOME in the runner's environment, so no codex session log")
        }
        let sessionId = CodexTelemetry.sessionId(in: stdout) ?? CodexTelemetry.sessionId(in: stderr)
        let found: (path: String, how: String)
        if let sessionId, let path = logs.log(sessionId: sessionId) {
            found = (path, "by session id \(sessionId)")
        } else if let path = logs.log(prompt: codexPrompt, modifiedSince: launchedAt) {
            let missing = sessionId.map { "no log named for session id \($0)" } ?? "no session id in the output"
            found = (path, "by prompt (\(missing))")
        } else {
            let missing = sessionId.map { "no log for session id \($0)" } ?? "no session id in the output"
            return TelemetryCapture(
                json: nil, note: "no codex session log: \(missing), and none under \(logs.directory) since launch holds the prompt")
        }
        guard
            let json = CodexTelemetry.telemetry(
                sessionLog: CodexSessionLogs.read(found.path), sessionPath: found.path, sessionId: sessionId)
        else {
            return TelemetryCapture(json: nil, note: "codex session log \(found.path) holds no events")
        }
        return TelemetryCapture(json: json, note: "codex session log \(found.path), found \(found.how)")
    }

    /// Claude-code: the telemetry parsed from the event stream.
    static func claude(_ transcript: ClaudeTranscript) -> TelemetryCapture {
        let skipped = transcript.skippedLines > 0 ? "; \(transcript.skippedLines) non-JSON line(s) skipped" : ""
        guard let json = transcript.telemetryJSON else {
            return TelemetryCapture(json: nil, note: "no stream-json events on stdout\(skipped)")
        }
        return TelemetryCapture(json: json, note: "claude stream-json events on stdout\(skipped)")
    }

    /// Command: the JSON object the program wrote to `$REVQ_TELEMETRY_FILE`, if any.
    static func command(telemetryPath: String) -> TelemetryCapture {
        guard let data = WholeFile.read(atPath: telemetryPath) else {
            return TelemetryCapture(json: nil, note: "the runner wrote no telemetry file")
        }
        guard data.count <= 1 << 20 else {
            return TelemetryCapture(json: nil, note: "telemetry file \(telemetryPath) is larger than 1 MiB")
        }
        guard let json = CommandTelemetry.telemetry(fileContents: String(decoding: data, as: UTF8.self)) else {
            return TelemetryCapture(json: nil, note: "telemetry file \(telemetryPath) is not a JSON object")
        }
        return TelemetryCapture(json: json, note: "telemetry file \(telemetryPath)")
    }
}
