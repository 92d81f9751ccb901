import Foundation
import JSONText
import KnowledgeBase
import Spool

/// Printing for people (aligned tables, text made safe for a terminal) and for programs (one
/// compact JSON document per command; the README's "JSON output" section is the contract).
enum Output {
    /// Prints `document`, which must be an object, as one compact line.
    static func json(_ document: JSONValue) {
        print(document.serialized)
    }

    /// `text` with every control character (C0, DEL, C1) written as a visible escape (`\n`,
    /// `\t`, `\x1b`, `\u{9b}`), so that a job's model string, a file name or a runner's stderr
    /// cannot move the cursor, recolour or retitle the operator's terminal.
    /// `keepingNewlines` leaves line breaks as they are for multi-line text.
    static func visible(_ text: String, keepingNewlines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) && !(keepingNewlines && $0 == "\n") }) else {
            return text
        }
        var out = ""
        for scalar in text.unicodeScalars {
            guard isControl(scalar), !(keepingNewlines && scalar == "\n") else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                let hex = String(scalar.value, radix: 16)
                out += scalar.value < 0x80 ? "\\x" + (hex.count == 1 ? "0" + hex : hex) : "\\u{\(hex)}"
            }
        }
        return out
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// One line on stderr per note file that KB-wide work left out.
    static func warnSkipped(_ skipped: [SkippedNote]) {
        for note in skipped {
            FileHandle.standardError.write(Data("revq: warning: skipped \(visible(note.note)): \(visible(note.reason))\n".utf8))
        }
    }

    /// A left-aligned table with a header row; cells are made visible and cut at `maxWidth`
    /// characters (nil: nothing cut).
    static func table(_ header: [String], _ rows: [[String]], maxWidth: Int? = 60) {
        let cut = rows.map {
            $0.map { cell in
                let line = visible(cell)
                guard let maxWidth, line.count > maxWidth else { return line }
                return String(line.prefix(maxWidth - 1)) + "…"
            }
        }
        var widths = header.map(\.count)
        for row in cut { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        print(line(header))
        for row in cut { print(line(row)) }
    }
}

extension JSONValue {
    /// A string, or null when there is none.
    static func string(orNull text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

    /// An integer, or null when there is none.
    static func integer(orNull value: Int64?) -> JSONValue { value.map { .integer(Int($0)) } ?? .null }

    /// JSON text kept in a store column (telemetry, evidence), as the value it holds, so that a
    /// document nests it rather than quoting it. Null when there is none, and also when the
    /// column does not hold one strict JSON document (revq stores only such documents).
    static func nested(_ text: String?) -> JSONValue {
        text.flatMap { try? JSONValue(parsing: Array($0.utf8)) } ?? .null
    }
}
