/// The outcome of one gate review.
///
/// Ordered by severity for finding bullets: ``fail`` outranks ``warn``, which outranks ``pass``.
public enum Decision: String, Sendable, CaseIterable, Codable {
    case pass, warn, fail, error, unknown

    /// The upper-case spelling used in result lines (`## Result: PASS`).
    public var label: String { rawValue.uppercased() }
}

/// Reads a decision out of a review text and writes the text back in canonical form.
///
/// Explicit result lines win (`## Result: X`, `Result: X`, `## Verdict: X`, `Verdict: X`;
/// `ok` and `info` mean pass); if they disagree the decision is ``Decision/unknown``.
/// Without a result line, the most severe finding decides: bullets such as `- FAIL: …`
/// and bold leads such as `**WARN — …**`. With neither, the decision is unknown.
public enum DecisionParser {
    public static func decision(of text: String) -> Decision {
        let lines = text.textLines()
        let explicit = Set(lines.compactMap { explicitResult(in: $0) })
        if explicit.count > 1 { return .unknown }
        if let only = explicit.first { return only }
        let severity = lines.compactMap { findingSeverity(in: $0) }.max() ?? 0
        switch severity {
        case 3: return .fail
        case 2: return .warn
        case 1: return .pass
        default: return .unknown
        }
    }

    /// The stored form of a review: every result line removed, surrounding blank space
    /// trimmed, then `\n\n## Result: <DECISION>\n` appended.
    public static func canonicalText(_ text: String, decision: Decision) -> String {
        let kept = text.textLines()
            .filter { explicitResult(in: $0) == nil }
            .joined(separator: "\n")
        let body = kept.trimmingWhitespace()
        let footer = "## Result: \(decision.label)\n"
        return body.isEmpty ? footer : body + "\n\n" + footer
    }

    /// Parses the text and returns its decision together with its canonical form.
    public static func canonicalize(_ text: String) -> (decision: Decision, text: String) {
        let decision = decision(of: text)
        return (decision, canonicalText(text, decision: decision))
    }

    /// The decision named by a result line, or nil when the line is not one.
    /// Markdown emphasis (`*`, `` ` ``) and heading marks are ignored.
    static func explicitResult(in line: Substring) -> Decision? {
        var rest = Substring(line.filter { $0 != "*" && $0 != "`" }).trimmingWhitespace()
        while rest.first == "#" { rest = rest.dropFirst() }
        rest = rest.trimmingWhitespace()
        let lowered = rest.lowercased()
        let labelLength: Int
        if lowered.hasPrefix("result") {
            labelLength = 6
        } else if lowered.hasPrefix("verdict") {
            labelLength = 7
        } else {
            return nil
        }
        var value = rest.dropFirst(labelLength).trimmingWhitespace()
        guard value.first == ":" else { return nil }
        value = value.dropFirst().trimmingWhitespace()
        let word = value.prefix { $0.isLetter }.lowercased()
        let tail = value.dropFirst(word.count).trimmingWhitespace()
        guard tail.isEmpty || tail.first.map({ ".,;(—-".contains($0) }) == true else { return nil }
        switch word {
        case "pass", "ok", "info": return .pass
        case "warn", "warning": return .warn
        case "fail", "failed": return .fail
        case "error": return .error
        case "unknown": return .unknown
        default: return nil
        }
    }

    /// 3 for FAIL, 2 for WARN, 1 for INFO or PASS, when the line is a finding bullet
    /// (`- FAIL: …`) or starts with a bold lead (`**WARN — …**`); nil otherwise.
    static func findingSeverity(in line: Substring) -> Int? {
        var rest = line.trimmingWhitespace()
        var isBullet = false
        if let first = rest.first, "-*+".contains(first), rest.dropFirst().first == " " {
            rest = rest.dropFirst(2).trimmingWhitespace()
            isBullet = true
        }
        let isBold = rest.hasPrefix("**")
        if isBold { rest = rest.dropFirst(2) }
        guard isBullet || isBold else { return nil }
        let word = rest.prefix { $0.isUppercase }
        let after = rest.dropFirst(word.count).trimmingWhitespace()
        let severity: Int
        switch word {
        case "FAIL": severity = 3
        case "WARN": severity = 2
        case "INFO", "PASS": severity = 1
        default: return nil
        }
        if after.hasPrefix(":") || (isBold && (after.hasPrefix("—") || after.hasPrefix("-") || after.hasPrefix("**"))) {
            return severity
        }
        return nil
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs, carriage returns and newlines.
    func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let start = firstIndex(where: { !isSpace($0) }),
            let end = lastIndex(where: { !isSpace($0) })
        else { return Substring() }
        return Substring(self[start...end])
    }
}

extension StringProtocol {
    /// The lines of the text, split at `\n`, `\r\n` or `\r` (Swift keeps `\r\n` as one
    /// character, so splitting at `"\n"` alone would miss it). Empty lines are kept.
    public func textLines() -> [SubSequence] {
        split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
    }
}
