/// The forms of the decision grammar (SPEC §1), each read the way the original system's
/// patterns read them; see ``ReviewScanner`` for what a line, a space and a word are.
enum ReviewLineForms {
    static let decisionWords = ["pass", "fail", "error", "warn", "info", "ok", "unknown"]
    static let severityWords = ["pass", "ok", "info", "warn", "fail", "error"]
    static let resultLabels = ["result", "verdict", "outcome"]

    // MARK: Decisions

    /// `Flagging as X` anywhere, in order.
    static func flaggedDecisions(_ text: ReviewScanner) -> [Decision] {
        text.occurrences(of: "flagging").compactMap { start in
            guard text.isWordBoundary(start), let afterFlagging = text.someSpaces(from: start + 8),
                let afterAs = text.literal("as", at: afterFlagging).flatMap(text.someSpaces(from:)),
                let word = text.word(of: decisionWords, at: afterAs), text.isWordBoundary(word.end)
            else { return nil }
            return Decision(word: word.word)
        }
    }

    /// `Revised result: X` lines (also verdict/outcome, the label optionally in `**…**`).
    static func revisedDecisions(_ text: ReviewScanner) -> [Decision] {
        text.lineStarts.compactMap { start in
            let open = text.literal("**", at: start) ?? start
            guard let afterRevised = text.literal("revised", at: open).flatMap(text.someSpaces(from:)),
                let label = text.word(of: resultLabels, at: afterRevised)
            else { return nil }
            let close = text.literal("**", at: label.end) ?? label.end
            guard let colon = text.literal(":", at: text.spaces(from: close)) else { return nil }
            return decisionToLineEnd(text, at: text.spaces(from: colon))
        }
    }

    /// The explicit result lines: `## Result: X`, `## Verdict: X`, `Verdict: X`, `Outcome: X`
    /// (optionally after `- `/`* `), a `## Result` heading over a line holding only X, a legacy
    /// `## X` heading, and a text that starts with `**X`.
    static func explicitDecisions(_ text: ReviewScanner) -> [Decision] {
        var found = text.lineStarts.flatMap { start in
            [resultLine(text, at: start), splitResult(text, at: start), legacyHeading(text, at: start)].compactMap { $0 }
        }
        let first = text.spaces(from: 0)
        if let bold = text.literal("**", at: first), let word = text.word(of: decisionWords, at: bold),
            text.isWordBoundary(word.end)
        {
            found.append(Decision(word: word.word)!)
        }
        return found
    }

    /// `## Result: X`, `## Verdict: X`, `Verdict: X`, `Outcome: X`, `- Outcome: X`.
    static func resultLine(_ text: ReviewScanner, at start: Int) -> Decision? {
        var labelEnd: Int?
        if let hashes = text.literal("##", at: start) {
            let label = text.word(of: ["result", "verdict"], at: text.spaces(from: hashes))
            labelEnd = label.flatMap { text.literal(":", at: $0.end) }
        } else if let verdict = text.literal("verdict:", at: start) {
            labelEnd = verdict
        } else {
            let mark = start < text.count && (text.scalars[start] == "-" || text.scalars[start] == "*")
            labelEnd = text.literal("outcome:", at: mark ? text.spaces(from: start + 1) : start)
        }
        return labelEnd.flatMap { decisionToLineEnd(text, at: text.spaces(from: $0)) }
    }

    /// `## Result` (or Verdict/Outcome) alone, then, on a later line after blank space, X alone.
    static func splitResult(_ text: ReviewScanner, at start: Int) -> Decision? {
        guard let hashes = text.literal("##", at: start),
            let label = text.word(of: resultLabels, at: text.spaces(from: hashes))
        else { return nil }
        let next = text.spaces(from: label.end)
        guard next > label.end, text.isLineStart(next) else { return nil }
        return decisionToLineEnd(text, at: next)
    }

    /// A legacy heading `## X`.
    static func legacyHeading(_ text: ReviewScanner, at start: Int) -> Decision? {
        text.literal("##", at: start).flatMap(text.someSpaces(from:)).flatMap { decisionToLineEnd(text, at: $0) }
    }

    /// A decision word at `index` followed only by spaces up to the end of its line.
    static func decisionToLineEnd(_ text: ReviewScanner, at index: Int) -> Decision? {
        guard let word = text.word(of: decisionWords, at: index), text.spacesToLineEnd(from: word.end) != nil else { return nil }
        return Decision(word: word.word)
    }

    // MARK: Findings

    /// The most severe finding: lines `FAIL:`, `- WARN: …`, `INFO —`, `PASS` (the word, then
    /// `:`, `—`, `-` or the line's end; optionally after a bullet and `**Severity:**`), or
    /// lines whose first bold word is a severity. Matches are taken one after another
    /// without overlapping, as a regular-expression scan takes them, so a finding whose
    /// trailing space runs into the next line's bullet mark hides that line.
    static func findingsDecision(_ text: ReviewScanner) -> Decision? {
        var found: Decision?
        var index = 0
        while index < text.count {
            guard text.isLineStart(index) else {
                index = (text.scalars[index...].firstIndex(of: "\n") ?? text.count) + 1
                continue
            }
            if let finding = severityLine(text, at: index) ?? boldSeverity(text, at: index) {
                if found.map({ finding.decision.severity > $0.severity }) ?? true { found = finding.decision }
                index = finding.end
            } else {
                index += 1
            }
        }
        return found
    }

    /// `[- ]​[**Severity:** ]WORD` then `:`, `—`, `-` or the end of the line.
    static func severityLine(_ text: ReviewScanner, at start: Int) -> (decision: Decision, end: Int)? {
        text.withOptionalBullet(at: start) { afterBullet in
            let labelled = text.literal("**severity:**", at: afterBullet).map(text.spaces(from:))
            for wordStart in [labelled, afterBullet].compactMap({ $0 }) {
                guard let word = text.word(of: severityWords, at: wordStart) else { continue }
                let after = text.spaces(from: word.end)
                if after < text.count, [":", "\u{2014}", "-"].contains(text.scalars[after]) {
                    return (Decision(word: word.word)!, after + 1)
                }
                if let end = text.spacesToLineEnd(from: word.end) { return (Decision(word: word.word)!, end) }
            }
            return nil
        }
    }

    /// `[- ]**WORD` where WORD is a severity.
    static func boldSeverity(_ text: ReviewScanner, at start: Int) -> (decision: Decision, end: Int)? {
        text.withOptionalBullet(at: start) { afterBullet in
            guard let bold = text.literal("**", at: afterBullet), let word = text.word(of: severityWords, at: bold),
                text.isWordBoundary(word.end)
            else { return nil }
            return (Decision(word: word.word)!, word.end)
        }
    }

    /// Qualitative findings: lines starting (after an optional bullet) `**Minor`, `**Moderate`, `**Major`.
    static func qualitativeFindings(_ text: ReviewScanner) -> Set<String> {
        Set(
            text.lineStarts.compactMap { start in
                text.withOptionalBullet(at: start) { afterBullet in
                    guard let bold = text.literal("**", at: afterBullet),
                        let word = text.word(of: ["minor", "moderate", "major"], at: bold), text.isWordBoundary(word.end)
                    else { return nil }
                    return word.word
                }
            })
    }

    /// Whether the text says "no violations found" (as words, any case).
    static func saysNoViolationsFound(_ text: ReviewScanner) -> Bool {
        let phrase = "no violations found"
        return text.occurrences(of: phrase).contains {
            text.isWordBoundary($0) && text.isWordBoundary($0 + phrase.unicodeScalars.count)
        }
    }

    // MARK: Canonical text

    /// The text without its result lines, runs of three or more newlines collapsed to two,
    /// trimmed. Lines are judged without the space around them.
    static func removingResultLines(_ text: ReviewScanner) -> String {
        let lines = splitLines(text.scalars)
        let judged = lines.map { ReviewScanner(scalars: trimmed($0)) }
        var kept: [ArraySlice<Unicode.Scalar>] = []
        var index = 0
        while index < lines.count {
            let line = judged[index]
            if index + 1 < lines.count, isSplitHeading(line), decisionToLineEnd(judged[index + 1], at: 0) != nil {
                index += 2
                continue
            }
            if resultLine(line, at: 0) == nil && legacyHeading(line, at: 0) == nil && !isRelaxedResultLine(line) {
                kept.append(lines[index])
            }
            index += 1
        }
        var joined = String.UnicodeScalarView()
        for (number, line) in kept.enumerated() {
            if number > 0 { joined.append("\n") }
            joined.append(contentsOf: line)
        }
        return collapsingBlankRuns(trimmed(Array(joined)[...]))
    }

    /// `## Result` (or Verdict/Outcome) and nothing else on a line.
    static func isSplitHeading(_ line: ReviewScanner) -> Bool {
        guard let hashes = line.literal("##", at: 0), let label = line.word(of: resultLabels, at: line.spaces(from: hashes)) else {
            return false
        }
        return line.spaces(from: label.end) == line.count
    }

    /// A result line with trailing remarks in parentheses or bold marks: `Result: PASS (1 INFO)`,
    /// `**Verdict: WARN**`, `## Outcome: fail`.
    static func isRelaxedResultLine(_ line: ReviewScanner) -> Bool {
        var start = line.literal("**", at: 0) ?? 0
        if let hashes = line.literal("##", at: start) { start = line.spaces(from: hashes) }
        guard let label = line.word(of: resultLabels, at: start),
            let colon = line.literal(":", at: line.spaces(from: label.end)),
            let word = line.word(of: decisionWords, at: line.spaces(from: colon))
        else { return false }
        func endsHere(_ index: Int) -> Bool { line.spaces(from: line.literal("**", at: index) ?? index) == line.count }
        let open = line.spaces(from: word.end)
        if open < line.count, line.scalars[open] == "(", let close = line.scalars[open...].firstIndex(of: ")"), endsHere(close + 1) {
            return true
        }
        return endsHere(word.end)
    }

    /// Lines as Python's `str.splitlines` cuts them (LF, VT, FF, FS, GS, RS, NEL, LS, PS;
    /// CR is already LF), without a last empty line.
    static func splitLines(_ scalars: [Unicode.Scalar]) -> [ArraySlice<Unicode.Scalar>] {
        let breaks: Set<UInt32> = [0x0A, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029]
        var lines = scalars.split(omittingEmptySubsequences: false) { breaks.contains($0.value) }
        if lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    static func trimmed(_ scalars: ArraySlice<Unicode.Scalar>) -> ArraySlice<Unicode.Scalar> {
        guard let first = scalars.firstIndex(where: { !ReviewScanner.isSpace($0) }),
            let last = scalars.lastIndex(where: { !ReviewScanner.isSpace($0) })
        else { return [] }
        return scalars[first...last]
    }

    /// Every run of three or more newlines made two.
    static func collapsingBlankRuns(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var out = String.UnicodeScalarView()
        var newlines = 0
        for scalar in scalars {
            newlines = scalar == "\n" ? newlines + 1 : 0
            if newlines <= 2 { out.append(scalar) }
        }
        return String(out)
    }
}
