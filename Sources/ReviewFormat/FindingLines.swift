/// The actionable findings a review states, for `revq findings`.
public enum FindingLines {
    /// The review's bulleted `WARN:` / `FAIL:` / `ERROR:` findings (`- WARN: …`,
    /// `* **FAIL** — …`), each with its indented continuation lines and without its bullet;
    /// without any, the body of its `Summary` section; without that, the review without its
    /// result lines. Empty for an empty review.
    public static func extract(_ text: String) -> [String] {
        let lines = text.textLines()
        var findings: [String] = []
        var index = 0
        while index < lines.count {
            guard let finding = bulletFinding(lines[index]) else {
                index += 1
                continue
            }
            var parts = [String(finding)]
            index += 1
            while index < lines.count, lines[index].first?.isWhitespace == true, !lines[index].trimmingWhitespace().isEmpty {
                parts.append(String(lines[index].trimmingWhitespace()))
                index += 1
            }
            findings.append(parts.joined(separator: "\n"))
        }
        if !findings.isEmpty { return findings }
        if let summary = summary(lines) { return [summary] }
        let body = ReviewLineForms.removingResultLines(ReviewScanner(text))
        return body.isEmpty ? [] : [body]
    }

    /// The text of a bullet line whose first word is an actionable severity, without the bullet.
    static func bulletFinding(_ line: Substring) -> Substring? {
        let trimmed = line.trimmingWhitespace()
        guard trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") else { return nil }
        let item = trimmed.dropFirst(2).trimmingWhitespace()
        let word = item.drop { $0 == "*" }.prefix { $0.isLetter }.uppercased()
        guard ["WARN", "FAIL", "ERROR"].contains(word) else { return nil }
        let after = item.drop { $0 == "*" }.dropFirst(word.count).drop { $0 == "*" || $0 == " " }
        guard after.isEmpty || after.first == ":" || after.first == "—" || after.first == "-" else { return nil }
        return item
    }

    /// The body of a `Summary` heading's section, up to the next heading.
    static func summary(_ lines: [Substring]) -> String? {
        guard let heading = lines.firstIndex(where: { isHeading($0, named: "summary") }) else { return nil }
        let body = lines[(heading + 1)...].prefix { !$0.trimmingWhitespace().hasPrefix("#") }
        let text = body.joined(separator: "\n").trimmingWhitespace()
        return text.isEmpty ? nil : String(text)
    }

    static func isHeading(_ line: Substring, named name: String) -> Bool {
        let trimmed = line.trimmingWhitespace()
        guard trimmed.hasPrefix("#") else { return false }
        return trimmed.drop { $0 == "#" }.trimmingWhitespace().lowercased() == name
    }
}
