import Foundation
import KnowledgeBase

/// Printing for people (aligned tables) and for programs (one JSON document, snake_case keys).
enum Output {
    static func json(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// One line on stderr per note file that KB-wide work left out.
    static func warnSkipped(_ skipped: [SkippedNote]) {
        for note in skipped {
            FileHandle.standardError.write(Data("revq: warning: skipped \(note.note): \(note.reason)\n".utf8))
        }
    }

    /// A left-aligned table with a header row; cells are cut at `maxWidth` characters.
    static func table(_ header: [String], _ rows: [[String]], maxWidth: Int = 60) {
        let cut = rows.map {
            $0.map { cell in
                let line = cell.replacingOccurrences(of: "\n", with: " ")
                return line.count > maxWidth ? String(line.prefix(maxWidth - 1)) + "…" : line
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
