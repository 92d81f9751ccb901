import Foundation
import ReviewFormat
import RevqConfig
import Runner
import Testing

@Suite struct CommandRunnerTests {
    @Test func theProgramGetsThePromptOnStdinAndInAFileAndMayWriteTelemetry() async throws {
        let sandbox = try RunnerSandbox()
        defer { sandbox.remove() }
        let path = try sandbox.script(
            "review",
            """
            cat > stdin-copy.txt
            cmp -s stdin-copy.txt "$REVQ_PROMPT_FILE" && echo "prompt file matches"
            printf '{"model": "local-7b", "reasoning_effort": "low", "tokens": 12}' > "$REVQ_TELEMETRY_FILE"
            """)
        let profile = RunnerProfile(kind: .command, command: [path])
        let prompt = "Review kb/notes/a.md\nagainst two gates.\n"

        let outcome = await Runner.run(sandbox.invocation("local", profile, prompt: prompt))

        #expect(outcome.termination == .exited(0))
        #expect(try sandbox.read(sandbox.kbRoot + "/stdin-copy.txt") == prompt)
        #expect(outcome.bundleText == "prompt file matches\n")
        #expect(outcome.telemetryJSON == #"{"model": "local-7b", "reasoning_effort": "low", "tokens": 12}"#)
        #expect(ModelPartition.actual(telemetryJSON: try #require(outcome.telemetryJSON)) == "local-7b-low")
    }

    @Test func telemetryThatIsNotAJSONObjectIsDroppedWithAReason() async throws {
        let sandbox = try RunnerSandbox()
        defer { sandbox.remove() }
        let path = try sandbox.script("review", #"echo '[1, 2]' > "$REVQ_TELEMETRY_FILE""#)
        let outcome = await Runner.run(sandbox.invocation("local", RunnerProfile(kind: .command, command: [path])))
        #expect(outcome.telemetryJSON == nil)
        #expect(outcome.telemetryNote?.hasSuffix("is not a JSON object") == true)

        let silent = try sandbox.script("silent", "true")
        let second = await Runner.run(sandbox.invocation("local", RunnerProfile(kind: .command, command: [silent])))
        #expect(second.telemetryNote == "the runner wrote no telemetry file")
    }

    @Test func aMissingProgramCannotStart() async throws {
        let sandbox = try RunnerSandbox()
        defer { sandbox.remove() }
        let profile = RunnerProfile(kind: .codex, command: ["revq-no-such-runner"])
        let outcome = await Runner.run(sandbox.invocation("codex", profile))
        #expect(outcome.termination == .launchFailed("no such program in PATH: revq-no-such-runner"))
        #expect(outcome.failureReason(profileName: "codex") == "cannot start codex: no such program in PATH: revq-no-such-runner")
        #expect(outcome.pid == nil)
        #expect(outcome.telemetryNote == "the runner did not start")
    }

    @Test func aPromptOverTheCapIsNotStartedAndNotRetryable() async throws {
        let sandbox = try RunnerSandbox()
        defer { sandbox.remove() }
        let path = try sandbox.script("review", "touch started")
        var invocation = sandbox.invocation("local", RunnerProfile(kind: .command, command: [path]), prompt: String(repeating: "x", count: 2048))
        invocation.promptCapBytes = 2047
        let outcome = await Runner.run(invocation)
        #expect(outcome.termination == .promptTooLarge(bytes: 2048, cap: 2047))
        #expect(!outcome.termination.isRetryable)
        #expect(outcome.failureReason(profileName: "local") == "prompt too large for local: 2048 bytes, over prompt_cap_bytes (2047)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.kbRoot + "/started"))

        invocation.promptCapBytes = 2048
        #expect(await Runner.run(invocation).termination == .exited(0))
    }
}
