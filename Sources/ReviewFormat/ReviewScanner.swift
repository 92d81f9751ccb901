/// A review text as Unicode scalars, and the matching steps the decision grammar is built
/// from (SPEC §1).
///
/// The grammar is the original system's, which is written as regular expressions over the
/// whole text: line starts and ends are `\n` only, whitespace (`\s`) includes newlines, so
/// a "line form" may run on over blank lines, and every step that skips whitespace skips
/// as far as it can, as a backtracking engine ends up doing for these forms. Words are
/// compared ignoring ASCII case. CR and CRLF line ends are read as LF.
struct ReviewScanner {
    let scalars: [Unicode.Scalar]
    var count: Int { scalars.count }

    init(_ text: some StringProtocol) {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.utf8.count)
        var afterCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" && afterCR {
                afterCR = false
                continue
            }
            afterCR = scalar == "\r"
            scalars.append(afterCR ? "\n" : scalar)
        }
        self.scalars = scalars
    }

    init(scalars: ArraySlice<Unicode.Scalar>) { self.scalars = Array(scalars) }

    /// Python's `str.isspace`: Unicode white space and the information separators U+001C–U+001F.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
    }

    /// A regular-expression word character: a letter, a digit or `_`.
    static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    func isLineStart(_ index: Int) -> Bool { index == 0 || scalars[index - 1] == "\n" }

    /// The end of the whitespace run that starts at `index` (`\s*`).
    func spaces(from index: Int) -> Int {
        var end = index
        while end < count && Self.isSpace(scalars[end]) { end += 1 }
        return end
    }

    /// `\s+`: the end of a non-empty whitespace run at `index`, or nil.
    func someSpaces(from index: Int) -> Int? {
        let end = spaces(from: index)
        return end > index ? end : nil
    }

    /// `\s*$`: where the whitespace from `index` reaches a line end (the last one in the
    /// run, or the end of the text), or nil when a non-space follows on the same line.
    func spacesToLineEnd(from index: Int) -> Int? {
        let end = spaces(from: index)
        if end == count { return end }
        return scalars[index..<end].lastIndex(of: "\n")
    }

    /// The end of `literal` (lower-case ASCII) at `index`, compared ignoring ASCII case.
    func literal(_ literal: String, at index: Int) -> Int? {
        var position = index
        for expected in literal.unicodeScalars {
            guard position < count, Self.lowercased(scalars[position]) == expected else { return nil }
            position += 1
        }
        return position
    }

    /// The first of `words` found at `index`, with its end.
    func word(of words: [String], at index: Int) -> (word: String, end: Int)? {
        for word in words {
            if let end = literal(word, at: index) { return (word, end) }
        }
        return nil
    }

    /// `\b` at `index`: a word character on exactly one side.
    func isWordBoundary(_ index: Int) -> Bool {
        let before = index > 0 && Self.isWordCharacter(scalars[index - 1])
        let after = index < count && Self.isWordCharacter(scalars[index])
        return before != after
    }

    /// `[-*]\s+` at `index`: the end of a bullet mark and the whitespace after it.
    func bullet(at index: Int) -> Int? {
        guard index < count, scalars[index] == "-" || scalars[index] == "*" else { return nil }
        return someSpaces(from: index + 1)
    }

    /// Where a form may begin: after an optional bullet (tried first), then without it.
    func withOptionalBullet<T>(at index: Int, _ form: (Int) -> T?) -> T? {
        if let afterBullet = bullet(at: index), let found = form(afterBullet) { return found }
        return form(index)
    }

    /// The positions at which a line starts.
    var lineStarts: [Int] {
        var starts = [0]
        for (index, scalar) in scalars.enumerated() where scalar == "\n" { starts.append(index + 1) }
        return starts
    }

    /// The text's positions where `literal` starts, found ignoring ASCII case.
    func occurrences(of literal: String) -> [Int] {
        guard let first = literal.unicodeScalars.first else { return [] }
        return scalars.indices.filter { Self.lowercased(scalars[$0]) == first && self.literal(literal, at: $0) != nil }
    }

    static func lowercased(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        ("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32)! : scalar
    }
}
