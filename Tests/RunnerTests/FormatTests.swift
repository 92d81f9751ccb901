import RevqConfig
import Runner
import Testing

@Suite struct FormatTests {
    @Test func failureReasonsNameTheProfile() {
        #expect(RunnerTermination.exited(0).failureReason(profileName: "codex") == nil)
        #expect(RunnerTermination.exited(3).failureReason(profileName: "codex") == "codex exited 3")
        #expect(RunnerTermination.signaled(9).failureReason(profileName: "claude") == "claude was killed by signal 9")
        #expect(RunnerTermination.timedOut(after: .seconds(1800)).failureReason(profileName: "codex") == "codex timed out after 1800s")
        #expect(RunnerTermination.timedOut(after: .milliseconds(1500)).failureReason(profileName: "x") == "x timed out after 1.5s")
        #expect(RunnerTermination.launchFailed("why").failureReason(profileName: "codex") == "cannot start codex: why")
    }

    @Test func quotaPatternsMatchCaseInsensitively() {
        let patterns = ["out of extra usage", "usage limit reached"]
        #expect(matchesQuota("Error: You're OUT OF EXTRA USAGE · resets 5pm", patterns: patterns) == "out of extra usage")
        #expect(matchesQuota("all fine", patterns: patterns) == nil)
        #expect(matchesQuota("anything", patterns: [""]) == nil)
    }

    @Test func everyKindGetsThePromptOnStdinAndNeverAsAnArgument() {
        let codex = RunnerCommand(profile: RunnerProfile(kind: .codex, command: ["codex"], systemPrompt: "S"), prompt: "P", kbRoot: "/kb")
        #expect(codex.arguments == ["codex", "exec", "--full-auto", "-C", "/kb", "-"])
        #expect(codex.standardInput == "S\n\nP")
        let claude = RunnerCommand(profile: RunnerProfile(kind: .claudeCode, command: ["claude"]), prompt: "P", kbRoot: "/kb")
        #expect(claude.arguments.first == "claude")
        #expect(claude.arguments.last == "stream-json")
        #expect(!claude.arguments.contains("--model"))
        #expect(claude.standardInput == "P")
        let command = RunnerCommand(profile: RunnerProfile(kind: .command, command: ["review", "--fast"]), prompt: "P", kbRoot: "/kb")
        #expect(command.arguments == ["review", "--fast"])
        #expect(command.standardInput == "P")
        #expect(codex.displayLine == "codex exec --full-auto -C /kb - < (prompt on stdin: 4 bytes)")
    }
}
