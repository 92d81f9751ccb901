import ReviewFormat
import Yams

/// The YAML block that opens a markdown file, between a first line `---` and the next
/// line `---` (or `...`).
public struct Frontmatter: Sendable {
    /// The parsed mapping; empty when the file has no frontmatter.
    public let fields: [String: String]
    /// List-valued fields (such as `traits`), each item as a string.
    public let lists: [String: [String]]
    /// The text after the frontmatter block.
    public let body: String
    /// True when the text opens with a frontmatter block (only such files are notes).
    public let isPresent: Bool

    /// Splits and parses `text`; `path` only names the file in errors.
    public init(text: String, path: String) throws {
        let lines = text.textLines()
        guard let first = lines.first, first.trimmingCharacters(in: " \t\r") == "---" else {
            (fields, lists, body, isPresent) = ([:], [:], text, false)
            return
        }
        guard let close = lines.dropFirst().firstIndex(where: { ["---", "..."].contains($0.trimmingCharacters(in: " \t\r")) }) else {
            throw KnowledgeBaseError("unterminated frontmatter in \(path)", code: .unreadableNote)
        }
        let yaml = lines[1..<close].joined(separator: "\n")
        body = lines[(close + 1)...].joined(separator: "\n")
        let node: Node?
        do {
            // Only the text of scalars is kept, so no implicit tags are resolved (`.basic`: the
            // default resolver's regular expressions cost ~9M instructions per process). An
            // explicit encoding: `.default` reads the whole process environment on every call.
            node = try Yams.compose(yaml: yaml, .basic, .default, .utf8)
        } catch {
            // Yams quotes the line and points at the column below it: keep its first line only.
            let summary = "\(error)".split(separator: "\n").first.map { $0.trimmingCharacters(in: ": ") } ?? ""
            throw KnowledgeBaseError("invalid frontmatter in \(path): \(summary)", code: .unreadableNote)
        }
        var fields: [String: String] = [:]
        var lists: [String: [String]] = [:]
        switch node {
        case nil: break
        case .mapping(let mapping)?:
            for (key, value) in mapping {
                guard let key = key.string else { continue }
                switch value {
                case .scalar(let scalar): fields[key] = scalar.string
                case .sequence(let items): lists[key] = items.compactMap(\.string)
                default: break
                }
            }
        default:
            throw KnowledgeBaseError("invalid frontmatter in \(path): not a mapping", code: .unreadableNote)
        }
        (self.fields, self.lists, isPresent) = (fields, lists, true)
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> Substring {
        // Index-based: `dropLast()` on a Substring walks the whole text, so a loop of it is quadratic.
        guard let first = firstIndex(where: { !set.contains($0) }), let last = lastIndex(where: { !set.contains($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
