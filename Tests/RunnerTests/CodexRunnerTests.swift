import Foundation
import ReviewFormat
import RevqConfig
import Runner
import Testing

/// A codex session log: meta, turn context, codex's own context message, the prompt, one
/// token_count event per entry of `totals` (cumulative), and task_complete.
func codexLog(id: String, prompt: String, totals: [Int], model: String = "gpt-5.4", effort: String = "high") -> String {
    var lines = [
        #"{"timestamp":"2026-05-02T10:00:00.000Z","type":"session_meta","payload":{"id":"\#(id)","cwd":"/srv/kb","originator":"codex_exec"}}"#,
        #"{"type":"turn_context","payload":{"cwd":"/srv/kb","model":"\#(model)","effort":"\#(effort)"}}"#,
        #"{"type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"<environment_context>cwd</environment_context>"}]}}"#,
        #"{"type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":\#(jsonString(prompt))}]}}"#,
    ]
    var previous = 0
    for (index, total) in totals.enumerated() {
        lines.append(
            #"{"type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":\#(total),"total_tokens":\#(total)},"last_token_usage":{"input_tokens":\#(total - previous),"total_tokens":\#(total - previous)}},"rate_limits":{"primary":{"used_percent":\#(index + 1).0}}}}"#
        )
        previous = total
    }
    lines.append(#"{"type":"event_msg","payload":{"type":"task_complete","last_agent_message":"done"}}"#)
    return lines.joined(separator: "\n") + "\n"
}

@Suite struct CodexRunnerTests {
    let sessionId = "7d1c2a90-5b1e-4c7a-9f00-2b6a1d3e4f55"

    /// A fake `codex` that records its arguments, copies `$FAKE_LOG` (when given) into the
    /// session directory under `$FAKE_LOG_NAME`, prints `$FAKE_STDOUT` and exits `$FAKE_STATUS`.
    func fakeCodex(_ sandbox: RunnerSandbox) throws -> RunnerProfile {
        let path = try sandbox.script(
            "codex",
            """
            for argument in "$@"; do printf '%s\\0' "$argument"; done > "$FAKE_ARGS"
            cat > "$FAKE_ARGS.stdin"
            if [ -n "$FAKE_LOG" ]; then
                mkdir -p "$HOME/.codex/sessions/2026/05/02"
                cp "$FAKE_LOG" "$HOME/.codex/sessions/2026/05/02/$FAKE_LOG_NAME"
            fi
            cat "$FAKE_STDOUT"
            echo "codex: working" >&2
            exit "${FAKE_STATUS:-0}"
            """)
        return RunnerProfile(kind: .codex, command: [path], model: "gpt-5.4")
    }

    func environment(
        _ sandbox: RunnerSandbox, stdout: String, log: String? = nil, logName: String = "", status: Int32 = 0
    ) throws
        -> [String: String]
    {
        try sandbox.write(sandbox.root + "/stdout.txt", stdout)
        var environment = [
            "FAKE_ARGS": sandbox.root + "/args", "FAKE_STDOUT": sandbox.root + "/stdout.txt", "FAKE_STATUS": String(status),
            "FAKE_LOG_NAME": logName, "FAKE_LOG": "",
        ]
        if let log {
            try sandbox.write(sandbox.root + "/log.jsonl", log)
            environment["FAKE_LOG"] = sandbox.root + "/log.jsonl"
        }
        return environment
    }

    @Test func telemetryComesFromTheLogNamedBySessionIdAndTheLastTokenCountWins() async throws {
        let sandbox = try RunnerSandbox()
        defer { sandbox.remove() }
        let profile = try fakeCodex(sandbox)
        let prompt = "Review kb/notes/a.md."
        let log = codexLog(
            id: sessionId, prompt: RunnerCommand.codexPrompt(profile: profile, prompt: prompt), totals: [4300, 10200, 15000])
        let environment = try environment(
            sandbox, stdout: "session id: \(sessionId)\n" + sampleBundle, log: log,
            logName: "rollout-2026-05-02T10-00-00-\(sessionId).jsonl")

        let outcome = await Runner.run(sandbox.invocation("codex", profile, prompt: prompt, environment: environment))

        #expect(outcome.termination == .exited(0))
        #expect(outcome.failureReason(profileName: "codex") == nil)
        let blocks = try BundleParser.parse(outcome.bundleText, expectedGates: sampleGates)
        #expect(blocks.map(\.decision) == [.warn, .pass])
        let telemetry = try object(outcome.telemetryJSON)
        #expect(telemetry["provider"] as? String == "codex")
        #expect(telemetry["session_id"] as? String == sessionId)
        #expect(
            (telemetry["session_path"] as? String)?.hasSuffix("/.codex/sessions/2026/05/02/rollout-2026-05-02T10-00-00-\(sessionId).jsonl")
                == true)
        #expect(telemetry["model"] as? String == "gpt-5.4")
        #expect(telemetry["reasoning_effort"] as? String == "high")
        #expect(telemetry["token_count_events"] as? Int == 3)
        #expect((telemetry["totals"] as? [String: Any])?["total_tokens"] as? Int == 15000)
        #expect((telemetry["last_usage"] as? [String: Any])?["total_tokens"] as? Int == 4800)
        #expect(((telemetry["rate_limits"] as? [String: Any])?["primary"] as? [String: Any])?["used_percent"] as? Double == 3)
        #expect(telemetry["task_complete_message"] as? String == "done")
        #expect(ModelPartition.actual(telemetryJSON: try #require(outcome.telemetryJSON)) == "gpt-5-4-high")
        #expect(outcome.telemetryNote == nil)
        #expect(outcome.debugLog.contains("found by session id \(sessionId)"))

        let arguments = try sandbox.read(sandbox.root + "/args").split(separator: "\0", omittingEmptySubsequences: false).dropLast()
        #expect(
            arguments.map(String.init) == [
                "exec", "--full-auto", "-C", sandbox.kbRoot, "--model", "gpt-5.4", "-",
            ])
        #expect(try sandbox.read(sandbox.root + "/args.stdin") == RunnerCommand.defaultSystemPrompt + "\n\n" + prompt)
        #expect(!outcome.debugLog.contains(prompt))
    }

    @Test func withoutASessionIdTheLogIsFoundByItsPrompt() async throws {
        let sandbox = try RunnerSandbox()
        defer { sandbox.remove() }
        var profile = try fakeCodex(sandbox)
        profile.systemPrompt = "Only review."
        let prompt = "Review kb/notes/b.md."
        let fullPrompt = RunnerCommand.codexPrompt(profile: profile, prompt: prompt)
        #expect(fullPrompt == "Only review.\n\nReview kb/notes/b.md.")
        // Decoys: an old log with the same prompt, a new log with another prompt.
        let sessions = sandbox.home + "/.codex/sessions/2026/05/01/"
        try sandbox.write(sessions + "rollout-old-1111.jsonl", codexLog(id: "1111", prompt: fullPrompt, totals: [1], model: "old-model"))
        let old = Date(timeIntervalSinceNow: -3600)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: sessions + "rollout-old-1111.jsonl")
        try sandbox.write(
            sessions + "rollout-other-2222.jsonl", codexLog(id: "2222", prompt: "something else", totals: [1], model: "other"))
        let environment = try environment(
            sandbox, stdout: sampleBundle, log: codexLog(id: "3333", prompt: fullPrompt, totals: [10, 20]),
            logName: "rollout-new-3333.jsonl")

        let outcome = await Runner.run(sandbox.invocation("codex", profile, prompt: prompt, environment: environment))

        let telemetry = try object(outcome.telemetryJSON)
        #expect(telemetry["session_id"] as? String == "3333")
        #expect(telemetry["model"] as? String == "gpt-5.4")
        #expect(telemetry["token_count_events"] as? Int == 2)
        #expect(outcome.debugLog.contains("found by prompt (no session id in the output)"))
    }

    @Test func aMissingLogGivesNoTelemetryAndAReason() async throws {
        let sandbox = try RunnerSandbox()
        defer { sandbox.remove() }
        let profile = try fakeCodex(sandbox)
        let environment = try environment(sandbox, stdout: "session id: \(sessionId)\n" + sampleBundle)

        let outcome = await Runner.run(sandbox.invocation("codex", profile, environment: environment))

        #expect(outcome.termination == .exited(0))
        #expect(outcome.telemetryJSON == nil)
        #expect(outcome.telemetryNote?.contains("no log for session id \(sessionId)") == true)
        #expect(outcome.debugLog.contains("telemetry: none: no codex session log"))
        #expect(try BundleParser.parse(outcome.bundleText, expectedGates: sampleGates).count == 2)
    }

    @Test func aNonZeroExitBecomesTheFailureReason() async throws {
        let sandbox = try RunnerSandbox()
        defer { sandbox.remove() }
        let profile = try fakeCodex(sandbox)
        let environment = try environment(sandbox, stdout: "partial\n", status: 3)

        let outcome = await Runner.run(sandbox.invocation("codex", profile, environment: environment))

        #expect(outcome.termination == .exited(3))
        #expect(outcome.failureReason(profileName: "codex") == "codex exited 3")
        #expect(outcome.stderrTail == ["codex: working"])
        #expect(outcome.debugLog.contains("end: exited 3"))
    }

    @Test func sessionIdLineAndLogParsing() throws {
        #expect(CodexTelemetry.sessionId(in: "OpenAI Codex\n  session id: abc-123 \r\nrest") == "abc-123")
        #expect(CodexTelemetry.sessionId(in: "session id: ../../etc\nsession id: ok-1") == "ok-1")
        #expect(CodexTelemetry.sessionId(in: "no id here") == nil)
        #expect(CodexTelemetry.telemetry(sessionLog: "not json\n\u{FFFD}\n", sessionPath: "/x", sessionId: nil) == nil)
        let log =
            codexLog(id: "s1", prompt: "p", totals: [5])
            + "garbage line\n{\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":null}}\n"
        let telemetry = try object(CodexTelemetry.telemetry(sessionLog: log, sessionPath: "/x.jsonl", sessionId: "given"))
        #expect(telemetry["session_id"] as? String == "s1")
        #expect(telemetry["token_count_events"] as? Int == 2)
        #expect((telemetry["totals"] as? [String: Any])?["total_tokens"] as? Int == 5)
        #expect(CodexTelemetry.sessionLog(log, hasPrompt: "p"))
        #expect(!CodexTelemetry.sessionLog(log, hasPrompt: "q"))
    }
}
