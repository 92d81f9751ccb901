extension StringProtocol {
    /// The text without leading and trailing whitespace (newlines included).
    var trimmed: SubSequence {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else {
            return self[endIndex..<endIndex]
        }
        return self[first...last]
    }

    /// The lines of a JSON Lines text, split at LF or CRLF only: U+0085, U+2028 and U+2029 may
    /// stand unescaped inside a JSON string, so splitting at every newline character would cut an event.
    var jsonLines: [SubSequence] {
        split(whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    }
}
