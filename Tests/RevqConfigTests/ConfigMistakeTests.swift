import Foundation
import RevqConfig
import Testing

/// One test per kind of mistake in a config file: each error names the key (or, for broken
/// YAML, the place) and the line, after the file's path.
@Suite struct ConfigMistakeTests {
    /// A mistake, the key its error must name, and the line.
    struct Mistake: CustomTestStringConvertible, Sendable {
        let kind: String
        let yaml: String
        let key: String
        let line: Int
        let problem: String
        var testDescription: String { kind }
    }

    static let mistakes: [Mistake] = [
        Mistake(kind: "unknown top-level key", yaml: "concurrency: 2\nconcurency: 3\n", key: "concurency", line: 2, problem: "unknown key"),
        Mistake(
            kind: "unknown nested key", yaml: "quota:\n  pause_s: 5\n  pause: 5\n", key: "quota.pause", line: 3, problem: "unknown key"),
        Mistake(
            kind: "unknown key in a runner profile", yaml: "runners:\n  fast:\n    kind: codex\n    timeout: 60\n",
            key: "runners.fast.timeout", line: 4, problem: "unknown key"),
        Mistake(kind: "list for a string", yaml: "\nspool: [a, b]\n", key: "spool", line: 2, problem: "must be a string"),
        Mistake(kind: "null for a string", yaml: "store: ~\n", key: "store", line: 1, problem: "must be a string"),
        Mistake(kind: "text for an integer", yaml: "concurrency: two\n", key: "concurrency", line: 1, problem: "must be an integer"),
        Mistake(kind: "fraction for an integer", yaml: "concurrency: 2.5\n", key: "concurrency", line: 1, problem: "must be an integer"),
        Mistake(kind: "quoted integer", yaml: "drain_grace_s: '30'\n", key: "drain_grace_s", line: 1, problem: "must be an integer"),
        Mistake(
            kind: "string for a list", yaml: "sweep:\n  completion_commands: make index\n", key: "sweep.completion_commands", line: 2,
            problem: "must be a list of strings"),
        Mistake(
            kind: "nested list in a list", yaml: "runners:\n  x:\n    kind: command\n    command: [a, [b]]\n", key: "runners.x.command",
            line: 4, problem: "must be a list of strings"),
        Mistake(kind: "scalar for a mapping", yaml: "retry: 3\n", key: "retry", line: 1, problem: "must be a mapping"),
        Mistake(kind: "list for the runners mapping", yaml: "runners: [codex]\n", key: "runners", line: 1, problem: "must be a mapping"),
        Mistake(
            kind: "scalar for a runner profile", yaml: "runners:\n  x: codex\n", key: "runners.x", line: 2, problem: "must be a mapping"),
        Mistake(kind: "integer below its minimum", yaml: "concurrency: 0\n", key: "concurrency", line: 1, problem: "must be at least 1"),
        Mistake(
            kind: "output cap too small", yaml: "output_cap_bytes: 100\n", key: "output_cap_bytes", line: 1,
            problem: "must be at least 1024"),
        Mistake(
            kind: "negative seconds", yaml: "retry:\n  backoff_max_s: -1\n", key: "retry.backoff_max_s", line: 2,
            problem: "must be at least 0"),
        Mistake(
            kind: "fraction out of range", yaml: "retry:\n  jitter: 1.5\n", key: "retry.jitter", line: 2,
            problem: "must be a number from 0 to 1"),
        Mistake(
            kind: "unknown log level", yaml: "log_level: loud\n", key: "log_level", line: 1,
            problem: "must be one of debug, info, warning, error, not loud"),
        Mistake(
            kind: "unknown runner kind", yaml: "runners:\n  x:\n    kind: shell\n", key: "runners.x.kind", line: 3,
            problem: "must be one of codex, claude-code, command, not shell"),
        Mistake(
            kind: "missing runner kind", yaml: "runners:\n  x:\n    timeout_s: 5\n", key: "runners.x.kind", line: 3,
            problem: "missing; one of codex, claude-code, command"),
        Mistake(
            kind: "command runner without a command", yaml: "runners:\n  x:\n    kind: command\n    grace_s: 1\n", key: "runners.x.command",
            line: 3, problem: "required for kind command"),
        Mistake(
            kind: "empty command", yaml: "runners:\n  x:\n    kind: codex\n    command: []\n", key: "runners.x.command", line: 3,
            problem: "must name a program"),
        Mistake(
            kind: "negative price", yaml: "prices:\n  m: {input_per_mtok: -1, output_per_mtok: 2}\n", key: "prices.m.input_per_mtok",
            line: 2, problem: "must be a number of dollars, at least 0"),
        Mistake(
            kind: "price without output", yaml: "prices:\n  m:\n    input_per_mtok: 1\n", key: "prices.m", line: 3,
            problem: "needs input_per_mtok and output_per_mtok"),
        Mistake(kind: "unknown metrics key", yaml: "metrics:\n  port: 9464\n", key: "metrics.port", line: 2, problem: "unknown key"),
    ]

    @Test(arguments: mistakes) func theErrorNamesTheKeyAndTheLine(_ mistake: Mistake) throws {
        let path = try write(mistake.yaml)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: ConfigError.self) { try ConfigParser.load(path: path) }
        #expect(error?.message == "\(path): \(mistake.key) (line \(mistake.line)): \(mistake.problem)")
    }

    @Test func invalidYAMLNamesTheLineAndColumnOnOneLine() throws {
        let path = try write("concurrency: 2\nquota: {patterns: [a\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: ConfigError.self) { try ConfigParser.load(path: path) }
        let message = error?.message ?? ""
        #expect(message.hasPrefix("\(path): invalid YAML (line 3, column 1): "), "\(message)")
        #expect(!message.contains("\n"))
    }

    @Test func aTabIndentIsInvalidYAMLWithItsLine() throws {
        let path = try write("retry:\n\tmax_attempts: 2\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: ConfigError.self) { try ConfigParser.load(path: path) }
        #expect(error?.message.hasPrefix("\(path): invalid YAML (line 2, ") == true, "\(error?.message ?? "")")
    }

    @Test func aDuplicateKeyIsNamed() throws {
        let path = try write("spool: a\nconcurrency: 1\nspool: b\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: ConfigError.self) { try ConfigParser.load(path: path) }
        #expect(error?.message.contains("duplicate key 'spool'") == true, "\(error?.message ?? "")")
    }

    @Test func aMissingFileIsNamed() {
        let error = #expect(throws: ConfigError.self) { try ConfigParser.load(path: "/nonexistent/revq.yaml") }
        #expect(error?.message.hasPrefix("cannot read config file /nonexistent/revq.yaml") == true)
    }

    func write(_ yaml: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("revq-config-\(UUID().uuidString.prefix(8)).yaml").path
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
