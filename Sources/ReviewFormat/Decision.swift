/// The outcome of one gate review.
public enum Decision: String, Sendable, CaseIterable, Codable {
    case pass, warn, fail, error, unknown

    /// The upper-case spelling used in result lines (`## Result: PASS`).
    public var label: String { rawValue.uppercased() }

    /// A decision word of a review (`pass`, `ok`, `info`, `warn`, `fail`, `error`, `unknown`,
    /// lower case); `ok` and `info` mean pass.
    init?(word: String) {
        switch word {
        case "pass", "ok", "info": self = .pass
        default: self.init(rawValue: word)
        }
    }

    /// Severity order of findings: pass < warn < fail < error.
    var severity: Int { Decision.allCases.firstIndex(of: self)! }
}

/// Reads a decision out of a review text and writes the text back in canonical form, the
/// way the original system does (SPEC §1).
///
/// In order: `Flagging as X` anywhere (all agreeing, else unknown); `Revised result: X`
/// lines (likewise); explicit result lines (``ReviewLineForms``), all agreeing, reconciled
/// with the findings; else the most severe finding; else unknown.
public enum DecisionParser {
    public static func decision(of text: String) -> Decision {
        decision(of: ReviewScanner(text))
    }

    /// The stored form of a review: every result line removed (also relaxed ones such as
    /// `Result: PASS (1 INFO)` and split `## Result` / `PASS` pairs), runs of three or more
    /// newlines collapsed to two, trimmed, then `\n\n## Result: <DECISION>\n` appended.
    public static func canonicalText(_ text: String, decision: Decision) -> String {
        let footer = "## Result: \(decision.label)\n"
        let body = ReviewLineForms.removingResultLines(ReviewScanner(text))
        return body.isEmpty ? footer : body + "\n\n" + footer
    }

    /// Parses the text and returns its decision together with its canonical form.
    public static func canonicalize(_ text: String) -> (decision: Decision, text: String) {
        let decision = decision(of: text)
        return (decision, canonicalText(text, decision: decision))
    }

    /// The text without a leading `<!-- REVIEW-METADATA` … `-->` block (and the newlines
    /// after it), as the split path stores reviews.
    public static func removingMetadataBlock(_ text: String) -> String {
        let bytes = Array(text.utf8)
        let opening = Array("<!-- REVIEW-METADATA\n".utf8)
        let closing = Array("\n-->".utf8)
        guard bytes.starts(with: opening),
            let close = (opening.count...max(opening.count, bytes.count - closing.count)).first(where: {
                bytes[$0...].starts(with: closing)
            })
        else { return text }
        var start = close + closing.count
        if start < bytes.count && bytes[start] == UInt8(ascii: "\n") { start += 1 }
        while start < bytes.count && bytes[start] == UInt8(ascii: "\n") { start += 1 }
        return String(decoding: bytes[start...], as: UTF8.self)
    }

    static func decision(of text: ReviewScanner) -> Decision {
        let flagged = ReviewLineForms.flaggedDecisions(text)
        if let first = flagged.first { return Set(flagged).count == 1 ? first : .unknown }
        let revised = ReviewLineForms.revisedDecisions(text)
        if let first = revised.first { return Set(revised).count == 1 ? first : .unknown }
        let findings = ReviewLineForms.findingsDecision(text)
        let explicit = Set(ReviewLineForms.explicitDecisions(text))
        guard let stated = explicit.first else { return findings ?? .unknown }
        guard explicit.count == 1 else { return .unknown }
        let qualitative = ReviewLineForms.qualitativeFindings(text)
        if stated == .warn && findings == .pass && ReviewLineForms.saysNoViolationsFound(text) { return .pass }
        if stated == .warn && !qualitative.isDisjoint(with: ["minor", "moderate"]) { return .warn }
        if stated == .fail && qualitative.contains("major") { return .fail }
        if let findings, findings != stated { return .unknown }
        return stated
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
