/// A markdown link of a note with its target resolved against the KB root.
public struct NoteLink: Equatable, Sendable {
    public let text: String
    public let target: String
    /// The target as a path relative to the KB root.
    public let resolvedPath: String
    public let exists: Bool

    public init(text: String, target: String, resolvedPath: String, exists: Bool) {
        self.text = text
        self.target = target
        self.resolvedPath = resolvedPath
        self.exists = exists
    }
}

/// A gate's id and the definition text a runner reviews against (the file without its frontmatter).
public struct GateText: Equatable, Sendable {
    public let id: String
    public let text: String
    public init(id: String, text: String) {
        self.id = id
        self.text = text
    }
}

/// Builds the prompts given to a runner. Pure text: the caller reads the files.
public enum ReviewPrompt {
    /// The prompt for reviewing one note against its requested gates, in ordinal order.
    /// `runId` is nil for a dry run, where no run exists yet.
    public static func review(runId: Int64?, notePath: String, gates: [GateText], links: [NoteLink]) -> String {
        let runLabel = runId.map(String.init) ?? "(assigned when the run starts)"
        var out = """
            You are reviewing one note of a markdown knowledge base against \(gates.count) review gate(s).
            The working directory is the knowledge base root; paths below are relative to it.

            Review run id: \(runLabel)
            Note: \(notePath)

            Read the note, then review it against each gate below.

            """
        out += linksSection(links)
        for (index, gate) in gates.enumerated() {
            out += "\n## Gate \(index + 1) of \(gates.count): \(gate.id)\n\n\(gate.text.trimmingWhitespace())\n"
        }
        out += """

            ## Output contract

            Print one block per gate, in the order above, and nothing inside the sentinel lines but the review.
            Sentinel lines must appear exactly as shown, on lines of their own. End each review with its
            decision line: `## Result: PASS`, `## Result: WARN` or `## Result: FAIL`.
            Text outside the blocks is ignored.

            ## Bundle template

            # Review Bundle

            Review run id: \(runLabel)
            Target: \(notePath)

            """
        for gate in gates {
            out += """

                === GATE REVIEW START: \(gate.id) ===
                <your review of \(notePath) against \(gate.id)>

                ## Result: <PASS|WARN|FAIL>
                === GATE REVIEW END: \(gate.id) ===

                """
        }
        return out
    }

    /// The prompt for one sweep batch: one gate over several notes whose texts are embedded.
    /// Throws `reserved sentinel in <note> line <n>` when a note holds a line of the form
    /// `=== … ===`, which would make the output ambiguous.
    public static func sweep(gate: GateText, notes: [(path: String, text: String)]) throws(ReviewFormatError) -> String {
        for note in notes { try refuseReservedSentinels(path: note.path, text: note.text) }
        var out = """
            You are reviewing \(notes.count) note(s) of a markdown knowledge base against one review gate.
            The working directory is the knowledge base root; paths below are relative to it.

            ## Gate: \(gate.id)

            \(gate.text.trimmingWhitespace())

            ## Notes

            """
        for note in notes {
            out += "\n----- BEGIN NOTE \(note.path) -----\n\(note.text.trimmingWhitespace())\n----- END NOTE \(note.path) -----\n"
        }
        out += """

            ## Output contract

            For each note, in the order above, print a note block holding one gate block. Sentinel lines must
            appear exactly as shown, on lines of their own; end each review with `## Result: PASS`,
            `## Result: WARN` or `## Result: FAIL`. Text outside the blocks is ignored.

            """
        for note in notes {
            out += """

                === NOTE START: \(note.path) ===
                === GATE REVIEW START: \(gate.id) ===
                <your review of \(note.path)>

                ## Result: <PASS|WARN|FAIL>
                === GATE REVIEW END: \(gate.id) ===
                === NOTE END: \(note.path) ===

                """
        }
        return out
    }

    /// Throws `reserved sentinel in <note> line <n>` when the note holds a line of the form
    /// `=== … ===`: a runner that echoes the note would otherwise forge a block of the output.
    /// Sweeps and review jobs both refuse such a note before a runner starts.
    public static func refuseReservedSentinels(path: String, text: String) throws(ReviewFormatError) {
        if let index = text.textLines().firstIndex(where: { Sentinel.isReserved(Substring($0)) }) {
            throw ReviewFormatError("reserved sentinel in \(path) line \(index + 1)")
        }
    }

    static func linksSection(_ links: [NoteLink]) -> String {
        guard !links.isEmpty else { return "\nThe note has no local markdown links.\n" }
        var out = "\n## Links of the note, resolved\n\n"
        for link in links {
            let state = link.exists ? "" : " (missing)"
            out += "- [\(link.text)](\(link.target)) → \(link.resolvedPath)\(state)\n"
        }
        return out
    }
}
