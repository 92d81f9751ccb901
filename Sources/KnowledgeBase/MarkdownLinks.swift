import Foundation

/// Finds and resolves inline markdown links.
enum MarkdownLinks {
    /// `[text](target)` pairs in order; images (`![…](…)`) are not links, and neither is
    /// anything inside code (see ``withoutCode(_:)``).
    static func extract(from text: String) -> [(text: String, target: String)] {
        var links: [(String, String)] = []
        let chars = withoutCode(text)
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

    /// The text's characters with code blanked out: fenced blocks (``` or ~~~, up to three
    /// spaces of indent, closed by a fence of the same character at least as long, or the
    /// end), indented blocks (four spaces or a tab, after a blank line, outside a list) and
    /// inline code spans (a run of backticks up to the next run of the same length).
    static func withoutCode(_ text: String) -> [Character] {
        var out: [Character] = []
        var fence: (mark: Character, length: Int)?
        var previousBlank = true
        var inList = false
        var inIndentedCode = false
        var paragraph: [Character] = []
        func flushParagraph() {
            out += blankCodeSpans(paragraph)
            paragraph = []
        }
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let blanked = Array(repeating: Character(" "), count: line.count) + ["\n"]
            let indent = line.prefix { $0 == " " }.count
            let rest = line.dropFirst(indent)
            let isBlank = rest.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
            if let open = fence {
                out += blanked
                let run = rest.prefix { $0 == open.mark }.count
                if indent < 4, run >= open.length, rest.dropFirst(run).allSatisfy(\.isWhitespace) { fence = nil }
                continue
            }
            if indent < 4, let mark = rest.first, mark == "`" || mark == "~" {
                let run = rest.prefix { $0 == mark }.count
                if run >= 3, mark == "~" || !rest.dropFirst(run).contains("`") {
                    flushParagraph()
                    fence = (mark, run)
                    out += blanked
                    previousBlank = false
                    continue
                }
            }
            let codeIndent = indent >= 4 || line.first == "\t"
            if codeIndent && !isBlank && (inIndentedCode || previousBlank && !inList) {
                flushParagraph()
                inIndentedCode = true
                out += blanked
                continue
            }
            if !isBlank {
                inIndentedCode = false
                if indent == 0 { inList = isListItem(rest) }
            }
            previousBlank = isBlank
            paragraph += Array(line) + ["\n"]
            if isBlank { flushParagraph() }
        }
        flushParagraph()
        if text.last?.isNewline != true, out.last == "\n" { out.removeLast() }
        return out
    }

    /// A line that opens a list item: `-`, `*`, `+` or `1.`/`1)` followed by a space.
    private static func isListItem(_ line: Substring) -> Bool {
        if let first = line.first, "-*+".contains(first) { return line.dropFirst().first == " " }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let marker = line.dropFirst(digits.count).first, marker == "." || marker == ")" else { return false }
        return line.dropFirst(digits.count + 1).first == " "
    }

    /// A paragraph with its inline code spans blanked: a run of n backticks opens a span that
    /// the next run of exactly n closes; an unclosed run is literal text. Linear: each length's
    /// list of runs is walked once.
    private static func blankCodeSpans(_ chars: [Character]) -> [Character] {
        var runs: [(start: Int, length: Int)] = []
        var index = 0
        while index < chars.count {
            let length = chars[index] == "`" ? chars[index...].prefix { $0 == "`" }.count : 0
            if length > 0 { runs.append((index, length)) }
            index += max(length, 1)
        }
        var byLength: [Int: [Int]] = [:]
        for (number, run) in runs.enumerated() { byLength[run.length, default: []].append(number) }
        var cursor: [Int: Int] = [:]
        var out = chars
        var number = 0
        while number < runs.count {
            let run = runs[number]
            let candidates = byLength[run.length] ?? []
            var next = cursor[run.length, default: 0]
            while next < candidates.count, candidates[next] <= number { next += 1 }
            cursor[run.length] = next
            guard next < candidates.count else {
                number += 1
                continue
            }
            let close = runs[candidates[next]]
            for blank in run.start..<(close.start + close.length) where chars[blank] != "\n" { out[blank] = " " }
            number = candidates[next] + 1
        }
        return out
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
