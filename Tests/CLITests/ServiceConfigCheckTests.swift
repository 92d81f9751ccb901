import Foundation
import TestSupport
import Testing

/// `revq config check`: a mistake exits 2 naming the key and its line; a good file prints the
/// effective configuration after flag and environment precedence, as YAML or JSON.
@Suite struct ServiceConfigCheckTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func aMistakeExits2NamingTheKeyAndLine() throws {
        let directory = try TemporaryDirectory("revq-check")
        defer { directory.remove() }
        try directory.write("revq.yaml", "concurrency: 2\nretry:\n  max_attempts: 3\n  backof: 1\n")
        let result = try RevqBinary.run(["config", "check", "--config", "revq.yaml"], in: directory.url)
        #expect(result.status == 2)
        #expect(result.stderr == "revq: error: \(directory.path)/revq.yaml: retry.backof (line 4): unknown key\n")
        #expect(result.stdout.isEmpty)
    }

    /// systemd does not restart a worker that exits 2 (`RestartPreventExitStatus=2`).
    @Test func aWorkerWithAMistakeInItsConfigExits2() throws {
        let directory = try TemporaryDirectory("revq-check")
        defer { directory.remove() }
        try directory.write("revq.yaml", "log_level: loud\n")
        let result = try RevqBinary.run(["worker", "--config", "revq.yaml"], in: directory.url)
        #expect(result.status == 2)
        #expect(result.stderr.contains("log_level (line 1): must be one of debug, info, warning, error, not loud"))
    }

    @Test func invalidYAMLIsOneErrorLine() throws {
        let directory = try TemporaryDirectory("revq-check")
        defer { directory.remove() }
        try directory.write("revq.yaml", "runners: {codex: {kind: codex}\n")
        let result = try RevqBinary.run(["config", "check"], in: directory.url, environment: ["REVQ_CONFIG": "revq.yaml"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("revq: error: \(directory.path)/revq.yaml: invalid YAML (line 2"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func pathsFollowFlagThenEnvironmentThenFile() throws {
        let directory = try TemporaryDirectory("revq-check")
        defer { directory.remove() }
        try directory.write("etc/revq.yaml", "kb_root: ../kb\nspool: spool-from-file\n")
        let arguments = ["config", "check", "--config", "etc/revq.yaml", "--json"]
        let kb = directory.url.appendingPathComponent("kb").path

        let fromFile = try json(RevqBinary.run(arguments, in: directory.url).stdout)
        #expect(fromFile["kb_root"] as? String == kb)
        #expect(fromFile["spool"] as? String == kb + "/spool-from-file")
        #expect(fromFile["store"] as? String == kb + "/kb/reports/review-store.sqlite")
        #expect((fromFile["sources"] as? [String: String])?["spool"] == "config file")

        let fromEnvironment = try json(RevqBinary.run(arguments, in: directory.url, environment: ["REVQ_SPOOL": "/srv/spool"]).stdout)
        #expect(fromEnvironment["spool"] as? String == "/srv/spool")
        #expect((fromEnvironment["sources"] as? [String: String])?["spool"] == "REVQ_SPOOL")

        let fromFlag = try json(
            RevqBinary.run(arguments + ["--spool", "/var/spool/x"], in: directory.url, environment: ["REVQ_SPOOL": "/srv/spool"]).stdout)
        #expect(fromFlag["spool"] as? String == "/var/spool/x")
        #expect((fromFlag["sources"] as? [String: String])?["spool"] == "--spool")
    }

    @Test func everySettingAndEachRunnerCommandLineIsShown() throws {
        let directory = try TemporaryDirectory("revq-check")
        defer { directory.remove() }
        try directory.write(
            "revq.yaml",
            """
            concurrency: 4
            log_level: debug
            quota: {patterns: ["out of extra usage", "yes"]}
            runners:
              deep: {kind: codex, model: gpt-5.4, timeout_s: 600}
              sample: {kind: command, command: [/opt/revq/bin/revq, sample-runner]}

            """)
        let text = try RevqBinary.run(["config", "check", "--config", "revq.yaml"], in: directory.url)
        // Printed in full though its KB root and runner programs are not there (which exits 2).
        #expect(text.status == 2, "\(text.stderr)")
        for line in [
            "concurrency: 4", "log_level: debug", "busy_timeout_s: 10", "drain_grace_s: 30", "output_cap_bytes: 8388608",
            "  max_attempts: 3", "  jitter: 0.2", "  patterns: [\"out of extra usage\", \"yes\"]", "  batch_size: 5",
            "    command: [/opt/revq/bin/revq, sample-runner]", "    model: gpt-5.4",
            "    # runs: codex exec --full-auto -C \(directory.path) --model gpt-5.4 - < (prompt on stdin: ",
            "    # runs: /opt/revq/bin/revq sample-runner < (prompt on stdin: 0 bytes)",
            "prompt_cap_bytes: 8388608",
        ] {
            #expect(text.stdout.contains("\n" + line), "missing line: \(line)\n\(text.stdout)")
        }
        let runners = try json(RevqBinary.run(["config", "check", "--config", "revq.yaml", "--json"], in: directory.url).stdout)["runners"]
        #expect((runners as? [String: Any])?.keys.sorted() == ["deep", "sample"])
    }

    /// The text output is itself a config: read back, it gives the same effective configuration.
    @Test func theTextOutputReadsBackAsTheSameConfiguration() throws {
        let directory = try TemporaryDirectory("revq-check")
        defer { directory.remove() }
        try directory.write(
            "revq.yaml", "kb_root: kb\nretry: {jitter: 0.5}\nsweep: {completion_commands: [\"make index: all\"]}\n")
        try directory.write("kb/kb/notes/a.md", "")
        let first = try RevqBinary.run(["config", "check", "--config", "revq.yaml"], in: directory.url, environment: RunnerStandIns.environment)
        #expect(first.status == 0, "\(first.stderr)")
        try directory.write("effective.yaml", first.stdout)
        var original = try json(RevqBinary.run(["config", "check", "--config", "revq.yaml", "--json"], in: directory.url).stdout)
        var reread = try json(RevqBinary.run(["config", "check", "--config", "effective.yaml", "--json"], in: directory.url).stdout)
        for key in ["config_file", "sources"] {
            original[key] = nil
            reread[key] = nil
        }
        #expect(NSDictionary(dictionary: original).isEqual(to: reread), "\(original)\n\(reread)")
    }

    @Test func withoutAConfigFileTheDefaultsAreShown() throws {
        let directory = try TemporaryDirectory("revq-check")
        defer { directory.remove() }
        try directory.write("kb/notes/a.md", "")
        let result = try RevqBinary.run(["config", "check"], in: directory.url, environment: RunnerStandIns.environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("# config file: none: built-in defaults\n"))
        #expect(result.stdout.contains("\nkb_root: \(directory.url.standardizedFileURL.path)  # from default\n"))
    }
}
