import Foundation
import Yams

/// A mistake in a config file, naming the key and its line.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
    init(_ message: String) { self.message = message }
    init(_ key: String, _ node: Node, _ problem: String) {
        let line = node.mark.map { " (line \($0.line))" } ?? ""
        self.message = "\(key)\(line): \(problem)"
    }
}

/// Reads `revq.yaml` strictly: an unknown key or a value of the wrong type is an error.
public enum ConfigParser {
    public static func load(path: String) throws -> Config {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError("cannot read config file \(path): \((error as NSError).localizedDescription)")
        }
        do {
            return try parse(text)
        } catch let error as ConfigError {
            throw ConfigError("\(path): \(error.message)")
        }
    }

    public static func parse(_ text: String) throws -> Config {
        let root: Node?
        do {
            // `.basic`: no implicit tags, whose regular expressions cost ~9M instructions per
            // process; `Value` converts plain scalars itself. The encoding is explicit because
            // `.default` reads the whole process environment on every call.
            root = try Yams.compose(yaml: text, .basic, .default, .utf8)
        } catch {
            throw ConfigError(yaml: error)
        }
        var config = Config()
        guard let root else { return config }
        try Fields("config", root).read { key, value in
            switch key {
            case "kb_root": config.kbRoot = try value.string(key)
            case "notes_root": config.notesRoot = try value.string(key)
            case "gates_root": config.gatesRoot = try value.string(key)
            case "store": config.store = try value.string(key)
            case "spool": config.spool = try value.string(key)
            case "concurrency": config.concurrency = try value.int(key, min: 1)
            case "busy_timeout_s": config.busyTimeoutSeconds = try value.int(key, min: 0)
            case "output_cap_bytes": config.outputCapBytes = try value.int(key, min: 1024)
            case "prompt_cap_bytes": config.promptCapBytes = try value.int(key, min: 1024)
            case "drain_grace_s": config.drainGraceSeconds = try value.int(key, min: 0)
            case "log_level": config.logLevel = try value.choice(key, LogLevel.self)
            case "containment": config.containment = try value.choice(key, ContainmentMode.self)
            case "retry": config.retry = try retry(value)
            case "quota": config.quota = try quota(value)
            case "sweep": config.sweep = try sweep(value)
            case "retention": config.retention = try retention(value)
            case "runners": config.runners = RunnerProfile.withAliases(try runners(value))
            case "metrics": config.metricsListen = try metrics(value)
            case "prices": config.prices = try prices(value)
            default: return false
            }
            return true
        }
        return config
    }

    static func retry(_ node: Value) throws -> RetryPolicy {
        var policy = RetryPolicy()
        try Fields("retry", node.node).read { key, value in
            switch key {
            case "max_attempts": policy.maxAttempts = try value.int("retry.\(key)", min: 1)
            case "backoff_base_s": policy.backoffBaseSeconds = try value.int("retry.\(key)", min: 0)
            case "backoff_max_s": policy.backoffMaxSeconds = try value.int("retry.\(key)", min: 0)
            case "jitter": policy.jitter = try value.fraction("retry.\(key)")
            default: return false
            }
            return true
        }
        return policy
    }

    static func quota(_ node: Value) throws -> QuotaPolicy {
        var policy = QuotaPolicy()
        try Fields("quota", node.node).read { key, value in
            switch key {
            case "patterns": policy.patterns = try value.strings("quota.\(key)")
            case "pause_s": policy.pauseSeconds = try value.int("quota.\(key)", min: 0)
            default: return false
            }
            return true
        }
        return policy
    }

    static func sweep(_ node: Value) throws -> SweepPolicy {
        var policy = SweepPolicy()
        try Fields("sweep", node.node).read { key, value in
            switch key {
            case "batch_size": policy.batchSize = try value.int("sweep.\(key)", min: 1)
            case "completion_commands": policy.completionCommands = try value.strings("sweep.\(key)")
            default: return false
            }
            return true
        }
        return policy
    }

    static func metrics(_ node: Value) throws -> String? {
        var listen: String?
        try Fields("metrics", node.node).read { key, value in
            guard key == "listen" else { return false }
            listen = try value.string("metrics.listen")
            return true
        }
        return listen
    }

    static func prices(_ node: Value) throws -> [String: ModelPrice] {
        var prices: [String: ModelPrice] = [:]
        try Fields("prices", node.node).read { model, value in
            let path = "prices.\(model)"
            var input: Double?
            var output: Double?
            var cached: Double?
            try Fields(path, value.node).read { key, value in
                switch key {
                case "input_per_mtok": input = try value.price("\(path).\(key)")
                case "output_per_mtok": output = try value.price("\(path).\(key)")
                case "cached_input_per_mtok": cached = try value.price("\(path).\(key)")
                default: return false
                }
                return true
            }
            guard let input, let output else {
                throw ConfigError(path, value.node, "needs input_per_mtok and output_per_mtok")
            }
            prices[model] = ModelPrice(inputPerMTok: input, outputPerMTok: output, cachedInputPerMTok: cached)
            return true
        }
        return prices
    }

    static func runners(_ node: Value) throws -> [String: RunnerProfile] {
        var profiles: [String: RunnerProfile] = [:]
        try Fields("runners", node.node).read { name, value in
            profiles[name] = try runner(name: name, value)
            return true
        }
        return profiles
    }

    static func runner(name: String, _ node: Value) throws -> RunnerProfile {
        let path = "runners.\(name)"
        var kind: RunnerKind?
        var command: [String]?
        var profile = RunnerProfile(kind: .command, command: [])
        try Fields(path, node.node).read { key, value in
            switch key {
            case "kind": kind = try value.choice("\(path).kind", RunnerKind.self)
            case "command": command = try value.strings("\(path).command")
            case "timeout_s": profile.timeoutSeconds = try value.int("\(path).\(key)", min: 1)
            case "grace_s": profile.graceSeconds = try value.int("\(path).\(key)", min: 0)
            case "system_prompt": profile.systemPrompt = try value.string("\(path).\(key)")
            case "model": profile.model = try value.string("\(path).\(key)")
            default: return false
            }
            return true
        }
        guard let kind else {
            throw ConfigError("\(path).kind", node.node, "missing; one of \(RunnerKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        profile.kind = kind
        switch (kind, command) {
        case (_, let command?) where command.isEmpty:
            throw ConfigError("\(path).command", node.node, "must name a program")
        case (.command, nil):
            throw ConfigError("\(path).command", node.node, "required for kind command")
        case (.codex, nil): profile.command = ["codex"]
        case (.claudeCode, nil): profile.command = ["claude"]
        case (_, let command?): profile.command = command
        }
        return profile
    }
}

/// The key/value pairs of a mapping node; `read` reports the first unknown key.
struct Fields {
    let path: String
    let node: Node
    init(_ path: String, _ node: Node) {
        self.path = path
        self.node = node
    }

    /// Calls `handle` for each pair; `handle` returns false for a key it does not know.
    func read(_ handle: (String, Value) throws -> Bool) throws {
        guard case .mapping(let mapping) = node else { throw ConfigError(path, node, "must be a mapping") }
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.string else { throw ConfigError(path, keyNode, "keys must be strings") }
            let qualified = path == "config" ? key : "\(path).\(key)"
            guard try handle(key, Value(node: valueNode)) else { throw ConfigError(qualified, keyNode, "unknown key") }
        }
    }
}

/// A scalar or sequence value, converted with an error that names its key.
struct Value {
    let node: Node

    /// A plain `~`, `null` or nothing: YAML's null, which no key takes (leave the key out for its default).
    var isNull: Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return false }
        return node.null != nil
    }

    /// Quoted text is a string even when it looks like a number.
    var isPlainScalar: Bool {
        guard case .scalar(let scalar) = node else { return false }
        return scalar.style == .plain
    }

    func string(_ key: String) throws -> String {
        guard case .scalar(let scalar) = node, !isNull else { throw ConfigError(key, node, "must be a string") }
        return scalar.string
    }

    func int(_ key: String, min: Int) throws -> Int {
        guard isPlainScalar, let value = node.int else { throw ConfigError(key, node, "must be an integer") }
        guard value >= min else { throw ConfigError(key, node, "must be at least \(min)") }
        return value
    }

    func fraction(_ key: String) throws -> Double {
        guard isPlainScalar, let value = node.float, (0...1).contains(value) else {
            throw ConfigError(key, node, "must be a number from 0 to 1")
        }
        return value
    }

    func price(_ key: String) throws -> Double {
        guard isPlainScalar, let value = node.float, value >= 0, value.isFinite else {
            throw ConfigError(key, node, "must be a number of dollars, at least 0")
        }
        return value
    }

    func strings(_ key: String) throws -> [String] {
        guard case .sequence(let items) = node else { throw ConfigError(key, node, "must be a list of strings") }
        return try items.map { item in
            guard case .scalar(let scalar) = item, !Value(node: item).isNull else {
                throw ConfigError(key, item, "must be a list of strings")
            }
            return scalar.string
        }
    }

    func choice<T: RawRepresentable & CaseIterable>(_ key: String, _: T.Type) throws -> T where T.RawValue == String {
        let raw = try string(key)
        guard let value = T(rawValue: raw) else {
            throw ConfigError(key, node, "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), not \(raw)")
        }
        return value
    }
}

extension ConfigError {
    /// A YAML syntax error on one line: `invalid YAML (line 2, column 4): <problem>`.
    init(yaml error: any Error) {
        switch error as? YamlError {
        case .scanner(_, let problem, let mark, _)?, .parser(_, let problem, let mark, _)?, .composer(_, let problem, let mark, _)?:
            self.init("invalid YAML (line \(mark.line), column \(mark.column)): \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context)?:
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            self.init("invalid YAML (line \(context.mark.line)): duplicate key \(keys)")
        default:
            let text = "\(error)".split(whereSeparator: \.isNewline).first.map(String.init) ?? "\(error)"
            self.init("invalid YAML: \(text)")
        }
    }
}
