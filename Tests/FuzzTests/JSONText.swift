import Foundation

/// Random JSON text, valid or nearly so, written independently of the spool's JSON writer.
enum JSONText {
    /// Number spellings at the edges: signs, exponents, overflow, leading zeros.
    static let numbers = [
        "0", "-0", "1", "-1", "3", "100", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
        "1e400", "-1e400", "1.5", "1E2", "0.0", "1e-400", "01", "1.", ".5", "-", "1e", "+1", "123456789012345678901234567890",
    ]
    /// Bodies of string literals: escapes, surrogates (paired and not), controls, non-ASCII.
    static let stringBodies = [
        "", "a", "kb/notes/a.md", "\\u0000", "\\ud83d\\ude00", "\\ud800", "\\udc00x", "\\u12", "\\x", "\\\"", "\\/",
        "é", "\u{1F600}", "\t", "a\\nb", "\\uD800\\u0041", "..", "/abs", "a//b", "review", "sweep", "codex",
        "2026-04-04T09:00:10+02:00", "2026-13-01T00:00:00Z", "2026-04-04T09:00:10.5Z",
    ]

    /// One JSON value up to `depth` levels deep, using `names` as likely member names.
    static func value(depth: Int, names: [String], using rng: inout SeededRandom) -> String {
        switch depth > 0 ? rng.int(0...9) : rng.int(0...5) {
        case 0: return rng.pick(["null", "true", "false", "nul", "True"])
        case 1, 2: return rng.pick(numbers)
        case 3...5: return "\"\(rng.pick(stringBodies))\""
        case 6, 7:
            let items = (0..<rng.int(0...4)).map { _ in value(depth: depth - 1, names: names, using: &rng) }
            return "[" + items.joined(separator: rng.pick([",", ", ", ",,"])) + "]"
        default:
            let members = (0..<rng.int(0...5)).map { _ in
                "\"\(rng.pick(names))\": " + value(depth: depth - 1, names: names, using: &rng)
            }
            return "{" + members.joined(separator: rng.oneIn(20) ? "" : ",") + "}"
        }
    }

    /// `[[[…]]]` or `{"a":{"a":…}}` nested `depth` deep.
    static func nested(depth: Int, using rng: inout SeededRandom) -> String {
        rng.oneIn(2)
            ? String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            : String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)
    }

    /// An object with `count` distinct members: large files must not be slow to parse.
    static func wide(count: Int) -> String {
        "{" + (0..<count).map { "\"m\($0)\":\($0)" }.joined(separator: ",") + "}"
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
