import ArgumentParser
import Foundation

/// A mistyped command or option named with the nearest real one:
/// `unknown command 'stauts' (did you mean 'status'?)`, `unknown option '--prioirty' (did you mean '--priority'?)`.
enum UsageSuggestion {
    /// ArgumentParser's one-line message for an unknown subcommand or option, rewritten; nil for other messages.
    static func rewrite(_ message: String, arguments: [String], root: any ParsableCommand.Type) -> String? {
        if let option = quoted(message, after: "Unknown option '") {
            // ArgumentParser finds the option's nearest spelling itself; only its wording is changed.
            let guess = quoted(message, after: "Did you mean '")
            return "unknown option '\(option)'" + (guess.map { " (did you mean '\($0)'?)" } ?? "")
        }
        guard let word = quoted(message, after: "Unexpected argument '") ?? quoted(message, after: "unexpected arguments: '") else {
            return nil
        }
        var command = root
        for argument in arguments {
            guard let sub = command.configuration.subcommands.first(where: { name(of: $0) == argument }) else { continue }
            command = sub
        }
        let names = command.configuration.subcommands.map(name(of:))
        guard !names.isEmpty, arguments.contains(word) else { return nil }
        let near = names.map { ($0, distance(word, $0)) }.filter { $0.1 <= max(1, min(2, $0.0.count / 3)) }
        guard let best = near.min(by: { $0.1 < $1.1 }) else {
            return "unknown command '\(word)' (commands: \(names.joined(separator: ", ")))"
        }
        return "unknown command '\(word)' (did you mean '\(best.0)'?)"
    }

    private static func name(of command: any ParsableCommand.Type) -> String {
        command.configuration.commandName ?? String(describing: command).lowercased()
    }

    /// The text between `prefix` and the next `'`.
    private static func quoted(_ message: String, after prefix: String) -> String? {
        guard let start = message.range(of: prefix)?.upperBound, let end = message[start...].firstIndex(of: "'") else { return nil }
        return String(message[start..<end])
    }

    /// Edit distance counting a swap of two neighbours as one edit (optimal string alignment).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1) }
            }
        }
        return table[a.count][b.count]
    }
}
