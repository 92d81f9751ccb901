import ArgumentParser
import Foundation
import JSONText
import ReviewFormat
import RevqConfig
import Runner
import Spool

/// `revq config …`: the configuration file.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check a configuration file and show the effective configuration.",
        subcommands: [Check.self])

    /// `revq config check`: parses the file strictly (a mistake names its key and line, exit 2),
    /// prints the configuration a command would use, after flag and environment precedence, and
    /// exits 2 when the KB root is missing or a runner profile's program is not found.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate the config file, the KB root and the runner programs; print the effective configuration.",
            discussion: """
                Without --json the output is itself a valid config file (sources and runner command \
                lines are comments), with every path made absolute.
                """)
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let settings = try global.settings()
            let report = EffectiveConfig(settings: settings, sources: sources(settings))
            print(json ? report.json.serialized : report.yaml, terminator: json ? "\n" : "")
            // After the configuration, which shows what the problems come from.
            if let problem = Self.problems(settings) { throw CLIFailure.input(problem) }
        }

        /// What a worker with these settings would fail on: a KB root that is missing or not
        /// found, a runner profile whose program is not found (each profile once, aliases left out).
        static func problems(_ settings: Settings) -> String? {
            let runners = settings.config.runners.keys.filter { RunnerName.aliases[$0] == nil }.sorted()
            let problems = [settings.kbRootNotFound].compactMap { $0 } + runners.compactMap(settings.runnerProgramProblem)
            return problems.isEmpty ? nil : problems.joined(separator: "; ")
        }

        /// Where each path setting came from, for the comments of the text output.
        func sources(_ settings: Settings) -> EffectiveConfig.Sources {
            let environment = ProcessInfo.processInfo.environment
            func source(_ flag: String?, _ flagName: String, _ variable: String, inConfig: Bool) -> String {
                if let flag, !flag.isEmpty { return "--\(flagName)" }
                if let value = environment[variable], !value.isEmpty { return variable }
                return inConfig ? "config file" : "default"
            }
            let config = settings.config
            return EffectiveConfig.Sources(
                config: source(global.config, "config", "REVQ_CONFIG", inConfig: false),
                kbRoot: source(global.kbRoot, "kb-root", "REVQ_KB_ROOT", inConfig: config.kbRoot != nil),
                store: source(global.db, "db", "REVQ_DB", inConfig: config.store != nil),
                spool: source(global.spool, "spool", "REVQ_SPOOL", inConfig: config.spool != nil))
        }
    }
}

/// The configuration a command works with, as one ordered document: printed as YAML that
/// `revq` itself reads back, or as JSON.
struct EffectiveConfig {
    /// What set the config file and each path: a flag, a variable, the config file or the default.
    struct Sources {
        var config, kbRoot, store, spool: String
    }

    let settings: Settings
    let sources: Sources

    var json: JSONValue {
        var members: [(name: String, value: JSONValue)] = [("config_file", settings.configPath.map(JSONValue.string) ?? .null)]
        members += settingMembers
        members.append(("sources", sourceMembers))
        return .object(members)
    }

    var yaml: String {
        var out = "# revq config check: the effective configuration.\n"
        out += "# config file: " + (settings.configPath.map { "\($0) (from \(sources.config))" } ?? "none: built-in defaults") + "\n"
        out += YAMLText.lines(settingMembers, indent: 0, comments: comments).joined()
        return out
    }

    private var settingMembers: [(name: String, value: JSONValue)] {
        let config = settings.config
        return [
            ("kb_root", .string(settings.kbRoot.path)),
            ("notes_root", .string(settings.notesRoot)),
            ("gates_root", .string(settings.gatesRoot)),
            ("store", .string(settings.storePath.path)),
            ("spool", .string(settings.spoolPath.path)),
            ("busy_timeout_s", .integer(config.busyTimeoutSeconds)),
            ("concurrency", .integer(config.concurrency)),
            ("output_cap_bytes", .integer(config.outputCapBytes)),
            ("prompt_cap_bytes", .integer(config.promptCapBytes)),
            ("drain_grace_s", .integer(config.drainGraceSeconds)),
            ("log_level", .string(config.logLevel.rawValue)),
            (
                "retry",
                .object([
                    ("max_attempts", .integer(config.retry.maxAttempts)),
                    ("backoff_base_s", .integer(config.retry.backoffBaseSeconds)),
                    ("backoff_max_s", .integer(config.retry.backoffMaxSeconds)),
                    ("jitter", .number(config.retry.jitter)),
                ])
            ),
            (
                "quota",
                .object([
                    ("patterns", .array(config.quota.patterns.map(JSONValue.string))),
                    ("pause_s", .integer(config.quota.pauseSeconds)),
                ])
            ),
            (
                "sweep",
                .object([
                    ("batch_size", .integer(config.sweep.batchSize)),
                    ("completion_commands", .array(config.sweep.completionCommands.map(JSONValue.string))),
                ])
            ),
            (
                "retention",
                .object(
                    [
                        ("done_days", config.retention.doneDays), ("failed_days", config.retention.failedDays),
                        ("artifacts_days", config.retention.artifactsDays), ("store_days", config.retention.storeDays),
                    ].map { ($0.0, $0.1.map { .integer($0) } ?? .string("never")) })
            ),
            ("runners", .object(config.runners.sorted { $0.key < $1.key }.map { ($0.key, runner($0.value)) })),
            ("metrics", .object(config.metricsListen.map { [("listen", JSONValue.string($0))] } ?? [])),
            ("prices", .object(config.prices.sorted { $0.key < $1.key }.map { ($0.key, price($0.value)) })),
        ]
    }

    private func price(_ price: ModelPrice) -> JSONValue {
        var members: [(name: String, value: JSONValue)] = [
            ("input_per_mtok", .number(price.inputPerMTok)), ("output_per_mtok", .number(price.outputPerMTok)),
        ]
        if let cached = price.cachedInputPerMTok { members.append(("cached_input_per_mtok", .number(cached))) }
        return .object(members)
    }

    private func runner(_ profile: RunnerProfile) -> JSONValue {
        var members: [(name: String, value: JSONValue)] = [
            ("kind", .string(profile.kind.rawValue)),
            ("command", .array(profile.command.map(JSONValue.string))),
            ("timeout_s", .integer(profile.timeoutSeconds)),
            ("grace_s", .integer(profile.graceSeconds)),
        ]
        if let systemPrompt = profile.systemPrompt { members.append(("system_prompt", .string(systemPrompt))) }
        if let model = profile.model { members.append(("model", .string(model))) }
        members.append(("command_line", .string(commandLine(profile))))
        return .object(members)
    }

    /// How a call of the profile is launched, with the prompt shown as a placeholder.
    private func commandLine(_ profile: RunnerProfile) -> String {
        RunnerCommand(profile: profile, prompt: "", kbRoot: settings.kbRoot.path).displayLine
    }

    private var sourceMembers: JSONValue {
        .object([
            ("config_file", .string(sources.config)), ("kb_root", .string(sources.kbRoot)), ("store", .string(sources.store)),
            ("spool", .string(sources.spool)),
        ])
    }

    /// Comments for the text output: a key's source, and a runner's command line in place of its member.
    private func comments(_ key: String, _ value: JSONValue) -> YAMLText.Comment {
        switch key {
        case "kb_root": .after("from \(sources.kbRoot)")
        case "store": .after("from \(sources.store)")
        case "spool": .after("from \(sources.spool)")
        case "command_line": .replace("runs: \(value.stringValue ?? "")")
        default: .none
        }
    }
}

/// Block-style YAML for a ``JSONValue`` tree: mappings indented, lists of scalars in flow style.
enum YAMLText {
    /// What to say about a member: nothing, a comment after its value, or a comment instead of it.
    enum Comment {
        case none
        case after(String)
        case replace(String)
    }

    static func lines(
        _ members: [(name: String, value: JSONValue)], indent: Int, comments: (String, JSONValue) -> Comment
    ) -> [String] {
        let pad = String(repeating: " ", count: indent)
        var out: [String] = []
        for (name, value) in members {
            let comment = comments(name, value)
            if case .replace(let text) = comment {
                out.append("\(pad)# \(text)\n")
                continue
            }
            if case .object(let children) = value, !children.isEmpty {
                out.append("\(pad)\(name):\n")
                out += lines(children, indent: indent + 2, comments: comments)
                continue
            }
            var line = "\(pad)\(name): \(scalar(value))"
            if case .after(let text) = comment { line += "  # \(text)" }
            out.append(line + "\n")
        }
        return out
    }

    /// A value on one line: plain when YAML reads it back as the same string, else a JSON string.
    static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): quotedIfNeeded(text)
        case .array(let items): "[" + items.map(scalar).joined(separator: ", ") + "]"
        case .object: "{}"
        default: value.serialized
        }
    }

    static func quotedIfNeeded(_ text: String) -> String {
        let plainCharacters = text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "/_.-@+".unicodeScalars.contains($0)
        }
        let startsPlain = text.first.map { $0.isLetter || $0 == "/" || $0 == "_" } ?? false
        let reserved = ["true", "false", "yes", "no", "on", "off", "null", "y", "n"].contains(text.lowercased())
        return plainCharacters && startsPlain && !reserved ? text : JSONValue.string(text).serialized
    }
}
