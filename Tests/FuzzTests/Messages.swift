import Foundation

/// The documented failure messages of the parsers (SPEC §3), checked against what was thrown.
enum Messages {
    /// Checks a bundle parser message: one of the SPEC §3 forms, naming gates consistently with `expected`.
    static func checkBundle(_ message: String, expected: [String]) throws(Violation) {
        let named = message.split(separator: ": ", maxSplits: 1).last.map(String.init) ?? ""
        if message.hasPrefix("unexpected gate in bundle output: ") {
            try require(!expected.contains(named), "an expected gate reported as unexpected: \(message)")
        } else if message.hasPrefix("duplicate gate in bundle output: ") || message.hasPrefix("unterminated gate review block: ")
            || message.hasPrefix("empty review body for gate: ") || message.hasPrefix("nested gate review start before closing ")
        {
            let gate = message.hasPrefix("nested") ? String(message.dropFirst("nested gate review start before closing ".count)) : named
            try require(expected.contains(gate), "a defect of a gate that was not accepted: \(message)")
        } else if message.hasPrefix("missing gate reviews in bundle output: ") {
            let missing = named.components(separatedBy: ", ")
            try require(isOrderedSubset(missing, of: expected), "missing gates not in expected order: \(message)")
        } else if !message.hasPrefix("gate review end without start: ") {
            try require(message.hasPrefix("gate review end mismatch: expected "), "undocumented bundle error: \(message)")
        }
    }

    /// Checks a gate-sweep parser message: one of the SPEC §3 note forms naming notes consistently
    /// with `notes`, or a bundle message about the gate inside a note block.
    static func checkSweep(_ message: String, notes: [String], gate: String) throws(Violation) {
        let named = message.split(separator: ": ", maxSplits: 1).last.map(String.init) ?? ""
        if message.hasPrefix("unexpected note in gate sweep output: ") {
            try require(!notes.contains(named), "an expected note reported as unexpected: \(message)")
        } else if message.hasPrefix("duplicate note in gate sweep output: ") || message.hasPrefix("unterminated note review block: ")
            || message.hasPrefix("empty note review block: ")
        {
            try require(notes.contains(named), "a defect of a note that was not accepted: \(message)")
        } else if message.hasPrefix("missing note reviews in gate sweep output: ") {
            try require(isOrderedSubset(named.components(separatedBy: ", "), of: notes), "missing notes not in order: \(message)")
        } else if !["nested note review start before closing ", "note review end without start: ", "note review end mismatch: expected "]
            .contains(where: message.hasPrefix)
        {
            try checkBundle(message, expected: [gate])
        }
    }

    /// Whether `items` appear in `list` in the same order, none twice.
    static func isOrderedSubset(_ items: [String], of list: [String]) -> Bool {
        var rest = list[...]
        for item in items {
            guard let index = rest.firstIndex(of: item) else { return false }
            rest = rest[(index + 1)...]
        }
        return true
    }
}
