/// What a gate-sweep batch's output says about each note of the batch.
public struct GateSweepOutput: Equatable, Sendable {
    /// The gate block of every note whose own block is well formed.
    public var reviews: [String: GateBlock] = [:]
    /// Notes whose block is present but defective, with the bundle parser's message.
    public var defectiveNotes: [String: String] = [:]
    /// Notes of the batch that have no block at all, in batch order.
    public var missingNotes: [String] = []

    /// `missing note reviews in gate sweep output: <a>, <b>`, or nil when none is missing.
    public var missingNotesMessage: String? {
        missingNotes.isEmpty ? nil : GateSweepParser.missingMessage(missingNotes)
    }
}

/// Parses a gate-sweep batch's output: one `=== NOTE START: <path> ===` …
/// `=== NOTE END: <path> ===` block per note, each holding that note's gate block.
///
/// Defects of the note structure (nesting, unknown, duplicate, mismatched or unterminated
/// note blocks) make the whole output unusable and are thrown. A defect inside one note's
/// block, or a note without a block, concerns that note only and is reported in the result.
public enum GateSweepParser {
    public static func parse(_ output: String, gateId: String, notes: [String]) throws(ReviewFormatError) -> GateSweepOutput {
        let expected = Set(notes)
        var bodies: [String: [Substring]] = [:]
        var open: (note: String, lines: [Substring])?
        for line in output.textLines() {
            switch Sentinel(line: line) {
            case .noteStart(let note):
                if let open { throw ReviewFormatError("nested note review start before closing \(open.note)") }
                guard expected.contains(note) else { throw ReviewFormatError("unexpected note in gate sweep output: \(note)") }
                guard bodies[note] == nil else { throw ReviewFormatError("duplicate note in gate sweep output: \(note)") }
                open = (note, [])
            case .noteEnd(let note):
                guard let block = open else { throw ReviewFormatError("note review end without start: \(note)") }
                guard block.note == note else {
                    throw ReviewFormatError("note review end mismatch: expected \(block.note), found \(note)")
                }
                bodies[note] = block.lines
                open = nil
            default:
                open?.lines.append(line)
            }
        }
        if let open { throw ReviewFormatError("unterminated note review block: \(open.note)") }

        var result = GateSweepOutput()
        for note in notes {
            guard let lines = bodies[note] else {
                result.missingNotes.append(note)
                continue
            }
            guard lines.contains(where: { !$0.trimmingWhitespace().isEmpty }) else {
                result.defectiveNotes[note] = "empty note review block: \(note)"
                continue
            }
            do {
                result.reviews[note] = try BundleParser.parse(lines: lines, expectedGates: [gateId])[0]
            } catch {
                result.defectiveNotes[note] = error.message
            }
        }
        return result
    }

    /// `missing note reviews in gate sweep output: <a>, <b>`.
    public static func missingMessage(_ notes: [String]) -> String {
        "missing note reviews in gate sweep output: \(notes.joined(separator: ", "))"
    }
}
