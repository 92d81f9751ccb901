/// Parses a gate-sweep batch's output: one `=== NOTE START: <path> ===` …
/// `=== NOTE END: <path> ===` block per note, each holding that note's gate block.
///
/// As in the original system, the output is used whole or not at all: any defect — of the note
/// structure (nested, unknown, duplicate, mismatched or unterminated note blocks), an empty
/// note block, a defective gate block inside a note block, or a note without a block — is
/// thrown, and the batch fails as a whole (SPEC §3, §5.2). Note paths are compared byte for
/// byte (``PathKey``): NFC and NFD spellings of a name are two notes.
public enum GateSweepParser {
    /// One gate block per note, in the order of `notes`.
    public static func parse(_ output: String, gateId: String, notes: [String]) throws(ReviewFormatError) -> [GateBlock] {
        let expected = Set(notes.map(PathKey.init))
        var reviews: [PathKey: GateBlock] = [:]
        var open: (note: String, lines: [Substring])?
        for line in output.textLines() {
            switch Sentinel(line: line) {
            case .noteStart(let note):
                if let open { throw ReviewFormatError("nested note review start before closing \(open.note)") }
                let key = PathKey(note)
                guard expected.contains(key) else { throw ReviewFormatError("unexpected note in gate sweep output: \(note)") }
                guard reviews[key] == nil else { throw ReviewFormatError("duplicate note in gate sweep output: \(note)") }
                open = (note, [])
            case .noteEnd(let note):
                guard let block = open else { throw ReviewFormatError("note review end without start: \(note)") }
                guard PathKey(block.note) == PathKey(note) else {
                    throw ReviewFormatError("note review end mismatch: expected \(block.note), found \(note)")
                }
                guard block.lines.contains(where: { !$0.trimmingWhitespace().isEmpty }) else {
                    throw ReviewFormatError("empty note review block: \(note)")
                }
                reviews[PathKey(note)] = try BundleParser.parse(lines: block.lines, expectedGates: [gateId])[0]
                open = nil
            default:
                open?.lines.append(line)
            }
        }
        if let open { throw ReviewFormatError("unterminated note review block: \(open.note)") }
        let missing = notes.filter { reviews[PathKey($0)] == nil }
        guard missing.isEmpty else {
            throw ReviewFormatError("missing note reviews in gate sweep output: \(missing.joined(separator: ", "))")
        }
        return notes.compactMap { reviews[PathKey($0)] }
    }
}
