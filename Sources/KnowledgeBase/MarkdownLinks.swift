import Foundation

/// Finds and resolves inline markdown links.
enum MarkdownLinks {
    /// `[text](target)` pairs in order; images (`![…](…)`) are not links.
    static func extract(from text: String) -> [(text: String, target: String)] {
        var links: [(String, String)] = []
        let chars = Array(text)
        var index = 0
        while index < chars.count {
            guard chars[index] == "[", index == 0 || chars[index - 1] != "!",
                let close = chars[index...].firstIndex(of: "]"),
                close + 1 < chars.count, chars[close + 1] == "(",
                let end = chars[(close + 1)...].firstIndex(of: ")")
            else {
                index += 1
                continue
            }
            let label = String(chars[(index + 1)..<close])
            var target = String(chars[(close + 2)..<end]).trimmingCharacters(in: " \t")
            if let space = target.firstIndex(of: " ") { target = String(target[..<space]) }  // drop a title
            if target.hasPrefix("<"), target.hasSuffix(">") { target = String(target.dropFirst().dropLast()) }
            if !label.contains("\n"), !target.isEmpty { links.append((label, target)) }
            index = end + 1
        }
        return links
    }

    /// The KB-relative path of a link target seen from a note in `directory`, or nil for
    /// web links, pure anchors, and targets that leave the KB root.
    static func resolve(_ target: String, from directory: [String]) -> String? {
        if target.hasPrefix("#") || target.contains("://") || target.hasPrefix("mailto:") { return nil }
        var path = target
        if let hash = path.firstIndex(of: "#") { path = String(path[..<hash]) }
        path = path.removingPercentEncoding ?? path
        var components = path.hasPrefix("/") ? [] : directory
        for component in path.split(separator: "/") {
            switch component {
            case ".": continue
            case "..":
                guard !components.isEmpty else { return nil }
                components.removeLast()
            default: components.append(String(component))
            }
        }
        return components.isEmpty ? nil : components.joined(separator: "/")
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        String(Substring(self).trimmingCharacters(in: set))
    }
}
