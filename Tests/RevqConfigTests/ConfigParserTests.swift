import Foundation
import RevqConfig
import Testing

@Suite struct ConfigParserTests {
    func error(_ yaml: String) -> String? {
        do {
            _ = try ConfigParser.parse(yaml)
            return nil
        } catch {
            return (error as? ConfigError)?.message ?? "\(error)"
        }
    }

    @Test func anEmptyFileGivesTheDefaults() throws {
        #expect(try ConfigParser.parse("") == Config())
        #expect(try ConfigParser.parse("# only a comment\n") == Config())
    }

    @Test func everyKeyIsRead() throws {
        let config = try ConfigParser.parse(
            """
            kb_root: /srv/kb
            notes_root: notes
            gates_root: gates
            store: /var/lib/revq/store.sqlite
            spool: /var/spool/revq
            concurrency: 4
            output_cap_bytes: 65536
            drain_grace_s: 20
            log_level: debug
            retry: {max_attempts: 5, backoff_base_s: 10, backoff_max_s: 600, jitter: 0.5}
            quota: {patterns: ["out of extra usage"], pause_s: 60}
            sweep: {batch_size: 10, completion_commands: ["make index"]}
            runners:
              codex: {kind: codex, timeout_s: 900, system_prompt: "Be strict.", model: gpt-5.4}
              sample: {kind: command, command: ["/usr/bin/revq-sample", "--fast"], grace_s: 2}
            metrics: {listen: "127.0.0.1:9464"}
            prices:
              gpt-5.4: {input_per_mtok: 1.25, cached_input_per_mtok: 0.125, output_per_mtok: 10}
              claude-sonnet-4-6: {input_per_mtok: 3, output_per_mtok: 15}
            """)
        #expect(config.kbRoot == "/srv/kb" && config.notesRoot == "notes" && config.concurrency == 4)
        #expect(config.retry.maxAttempts == 5 && config.retry.jitter == 0.5)
        #expect(
            config.runners["codex"]
                == RunnerProfile(kind: .codex, command: ["codex"], timeoutSeconds: 900, systemPrompt: "Be strict.", model: "gpt-5.4"))
        #expect(config.runners["sample"]?.command == ["/usr/bin/revq-sample", "--fast"])
        #expect(config.runners["claude"] == nil && config.runners["claude-code"] == nil, "a runners section replaces the built-in profiles")
        #expect(config.sweep.completionCommands == ["make index"] && config.logLevel == .debug)
        #expect(config.metricsListen == "127.0.0.1:9464")
        #expect(config.prices["gpt-5.4"] == ModelPrice(inputPerMTok: 1.25, outputPerMTok: 10, cachedInputPerMTok: 0.125))
        #expect(config.prices["claude-sonnet-4-6"] == ModelPrice(inputPerMTok: 3, outputPerMTok: 15))
    }

    @Test func claudeCodeIsAlsoNamedClaude() throws {
        #expect(RunnerProfile.builtIn["claude-code"]?.kind == .claudeCode)
        #expect(RunnerProfile.builtIn["claude"] == RunnerProfile.builtIn["claude-code"])
        let config = try ConfigParser.parse("runners:\n  claude: {kind: claude-code, timeout_s: 60}\n")
        #expect(config.runners["claude-code"]?.timeoutSeconds == 60 && config.runners["claude"]?.timeoutSeconds == 60)
    }

    @Test func unknownKeysAreNamedWithTheirLine() {
        #expect(error("concurrency: 2\nconcurency: 3\n") == "concurency (line 2): unknown key")
        #expect(error("retry:\n  max_attempts: 2\n  backof: 1\n") == "retry.backof (line 3): unknown key")
        #expect(error("runners:\n  x:\n    kind: codex\n    args: [a]\n") == "runners.x.args (line 4): unknown key")
    }

    @Test func wrongTypesAreNamed() {
        #expect(error("concurrency: two\n") == "concurrency (line 1): must be an integer")
        #expect(error("concurrency: 0\n") == "concurrency (line 1): must be at least 1")
        #expect(error("store: [a, b]\n") == "store (line 1): must be a string")
        #expect(error("quota:\n  patterns: nope\n") == "quota.patterns (line 2): must be a list of strings")
        #expect(error("retry:\n  jitter: 3\n") == "retry.jitter (line 2): must be a number from 0 to 1")
        #expect(error("log_level: loud\n") == "log_level (line 1): must be one of debug, info, warning, error, not loud")
        #expect(error("retry: 3\n") == "retry (line 1): must be a mapping")
    }

    @Test func containmentIsAutoUnlessSet() throws {
        #expect(try ConfigParser.parse("").containment == .auto)
        #expect(try ConfigParser.parse("containment: marker\n").containment == .marker)
        #expect(error("containment: jail\n") == "containment (line 1): must be one of auto, cgroup, marker, not jail")
    }

    @Test func runnerProfilesAreChecked() {
        #expect(error("runners:\n  x:\n    timeout_s: 5\n") == "runners.x.kind (line 3): missing; one of codex, claude-code, command")
        #expect(error("runners:\n  x:\n    kind: command\n") == "runners.x.command (line 3): required for kind command")
        #expect(
            error("runners:\n  x:\n    kind: shell\n") == "runners.x.kind (line 3): must be one of codex, claude-code, command, not shell")
    }

    @Test func duplicateKeysAndBadYAMLAreErrors() {
        #expect(error("spool: a\nspool: b\n")?.contains("invalid YAML") == true)
        #expect(error("spool: a\nspool: b\n")?.contains("'spool'") == true)
        #expect(error("a: [unclosed\n")?.hasPrefix("invalid YAML") == true)
    }
}

@Suite struct ShippedConfigTests {
    /// `config/revq.yaml` documents every key with its default: reading it must give exactly the defaults.
    @Test func theShippedConfigIsTheDefaults() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../config/revq.yaml").standardizedFileURL.path
        #expect(try ConfigParser.load(path: path) == Config())
    }
}
