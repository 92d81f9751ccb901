import ArgumentParser
import Spool

/// Parses the two command lines producers run most, `revq enqueue review …` and
/// `revq enqueue --jobs-from F`, into the very command values ArgumentParser would build, but
/// without reflecting over the command types: that reflection (about 20M instructions of
/// runtime conformance lookups) was most of a short enqueue's work.
///
/// It knows the options of ``GlobalOptions``, ``EnqueueCommand/JobOptions`` and `--jobs-from`
/// by name, in the forms `--name value` and `--name=value`, and declines (nil) everything else:
/// help, an unknown, repeated or short option, `--`, a value that does not convert, a missing
/// argument. ArgumentParser then parses the line and reports exactly as before. Tests hold the
/// two parsers to the same result on the lines this one accepts and check that it sets every field.
enum EnqueueLineParser {
    static func parse(_ arguments: [String]) -> (any ParsableCommand)? {
        if arguments.first == EnqueueCommand.Review.configuration.commandName {
            return review(arguments.dropFirst())
        }
        return jobsFrom(arguments[...])
    }

    static let globalOptions: Set = ["config", "kb-root", "db", "spool"]
    static let jobValueOptions: Set = ["runner", "model", "priority", "timeout", "max-attempts", "not-before", "key"]
    static let jobFlags: Set = ["dry-run", "json"]

    static func review(_ arguments: ArraySlice<String>) -> EnqueueCommand.Review? {
        guard let line = Line(arguments, valueOptions: globalOptions.union(jobValueOptions), flags: jobFlags),
            line.positionals.count >= 2, let runner = line.values["runner"], let model = line.values["model"]
        else { return nil }
        var options = EnqueueCommand.JobOptions()
        options.runner = runner
        options.model = model
        guard let priority = line.integer("priority"), let timeout = line.integer("timeout"),
            let maxAttempts = line.integer("max-attempts")
        else { return nil }
        options.priority = priority ?? Job.defaultPriority
        options.timeout = timeout
        options.maxAttempts = maxAttempts
        options.notBefore = line.values["not-before"]
        options.key = line.values["key"]
        options.dryRun = line.flags.contains("dry-run")
        options.json = line.flags.contains("json")
        var review = EnqueueCommand.Review()
        review.global = line.global
        review.note = line.positionals[0]
        review.gates = Array(line.positionals.dropFirst())
        review.options = options
        return review
    }

    static func jobsFrom(_ arguments: ArraySlice<String>) -> EnqueueCommand? {
        guard let line = Line(arguments, valueOptions: globalOptions.union(["jobs-from"]), flags: []),
            line.positionals.isEmpty, let path = line.values["jobs-from"]
        else { return nil }
        var command = EnqueueCommand()
        command.global = line.global
        command.jobsFrom = path
        return command
    }

    /// A command line split into long options with values, flags and positional arguments, or
    /// nil for anything outside the plain forms.
    struct Line {
        var values: [String: String] = [:]
        var flags: Set<String> = []
        var positionals: [String] = []

        /// `--priority` takes the next word even when it looks like an option (`--priority -1`),
        /// as its `.unconditional` parsing does; the others refuse one, as ArgumentParser does.
        static let unconditional: Set = ["priority"]

        init?(_ arguments: ArraySlice<String>, valueOptions: Set<String>, flags flagNames: Set<String>) {
            var rest = arguments
            while let word = rest.popFirst() {
                guard Self.looksLikeOption(word) else {
                    positionals.append(word)
                    continue
                }
                guard word.hasPrefix("--"), word.count > 2 else { return nil }
                let body = word.dropFirst(2)
                let equals = body.firstIndex(of: "=")
                let name = String(body[..<(equals ?? body.endIndex)])
                if flagNames.contains(name) {
                    guard equals == nil, flags.insert(name).inserted else { return nil }
                    continue
                }
                guard valueOptions.contains(name), values[name] == nil else { return nil }
                if let equals {
                    let value = body[body.index(after: equals)...]
                    guard !value.isEmpty else { return nil }
                    values[name] = String(value)
                } else {
                    guard let value = rest.popFirst(), Self.unconditional.contains(name) || !Self.looksLikeOption(value) else {
                        return nil
                    }
                    values[name] = value
                }
            }
        }

        /// A lone "-" is a value (stdin), as ArgumentParser reads it.
        static func looksLikeOption(_ word: String) -> Bool { word.hasPrefix("-") && word != "-" }

        /// The value of an integer option: .some(nil) when absent, nil when it does not convert.
        func integer(_ name: String) -> Int?? {
            guard let text = values[name] else { return .some(nil) }
            return Int(text).map { .some($0) }
        }

        var global: GlobalOptions {
            var global = GlobalOptions()
            global.config = values["config"]
            global.kbRoot = values["kb-root"]
            global.db = values["db"]
            global.spool = values["spool"]
            return global
        }
    }
}
