import Foundation
public import KnowledgeBase
import ReviewFormat

/// The parts of a note a gate can watch (a gate's frontmatter `watches`).
public enum NotePart: String, Sendable, CaseIterable, Codable {
    /// The first `# ` heading.
    case title
    /// The frontmatter `description`.
    case description
    /// The text after the title, blank lines and trailing spaces ignored.
    case body
    /// Every other frontmatter key.
    case frontmatterOther = "frontmatter_other"

    /// The parts a gate watches: its frontmatter `watches` list, or nil when it has none, an
    /// empty one, or one naming anything else (such a gate never qualifies for a trivial ack).
    public static func watched(by gateFile: String, path: String) -> Set<NotePart>? {
        guard let frontmatter = try? Frontmatter(text: gateFile, path: path), let names = frontmatter.lists["watches"], !names.isEmpty
        else { return nil }
        let parts = names.compactMap(NotePart.init(rawValue:))
        return parts.count == names.count ? Set(parts) : nil
    }
}

/// A note cut into the parts ``NotePart`` names, each normalised for comparison.
struct NoteParts: Equatable {
    var values: [NotePart: [String]]

    /// Nil when the note's frontmatter does not parse.
    init?(text: String, path: String) {
        guard let frontmatter = try? Frontmatter(text: text, path: path) else { return nil }
        let lines = frontmatter.body.textLines()
        let titleLine = lines.firstIndex { line in
            line.hasPrefix("#") && line.dropFirst().first?.isWhitespace == true && !line.dropFirst().allSatisfy(\.isWhitespace)
        }
        let title = titleLine.map { String(lines[$0].dropFirst().trimmingCharacters(in: .whitespaces)) } ?? ""
        let bodyLines = titleLine.map { lines[($0 + 1)...] } ?? lines[...]
        let body = bodyLines.filter { !$0.allSatisfy(\.isWhitespace) }.map { String($0.trimmingTrailingSpaces()) }
        var other: [String] = []
        for (key, value) in frontmatter.fields where key != "description" {
            other.append("\(key)=\(value.trimmingCharacters(in: .whitespaces))")
        }
        for (key, items) in frontmatter.lists {
            other.append("\(key)[]=" + items.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\u{0}"))
        }
        values = [
            .title: [title], .description: [frontmatter.fields["description"]?.trimmingCharacters(in: .whitespaces) ?? ""],
            .body: body, .frontmatterOther: other.sorted(),
        ]
    }

    /// Whether going from `previous` to `current` changed only parts that `watches` does not
    /// name: nothing watched changed, and something changed.
    static func changedOnlyUnwatched(previous: NoteParts, current: NoteParts, watches: Set<NotePart>) -> Bool {
        let changed = Set(NotePart.allCases.filter { previous.values[$0] != current.values[$0] })
        return !changed.isEmpty && changed.isDisjoint(with: watches)
    }
}

extension Substring {
    func trimmingTrailingSpaces() -> Substring {
        guard let last = lastIndex(where: { !$0.isWhitespace }) else { return self[startIndex..<startIndex] }
        return self[...last]
    }
}
