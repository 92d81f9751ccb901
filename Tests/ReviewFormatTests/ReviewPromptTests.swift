import Testing

@testable import ReviewFormat

@Suite struct ReviewPromptTests {
    let gates = [GateText(id: "prose/a", text: "Check A.\n"), GateText(id: "semantic/b", text: "Check B.")]

    @Test func reviewPromptHoldsNoteGatesLinksContractAndTemplate() throws {
        let links = [
            NoteLink(text: "b", target: "b.md", resolvedPath: "kb/notes/b.md", exists: true),
            NoteLink(text: "gone", target: "x.md", resolvedPath: "kb/notes/x.md", exists: false),
        ]
        let prompt = ReviewPrompt.review(runId: 42, notePath: "kb/notes/a.md", gates: gates, links: links)
        #expect(prompt.contains("Review run id: 42"))
        #expect(prompt.contains("Note: kb/notes/a.md"))
        #expect(prompt.contains("Check A.") && prompt.contains("Check B."))
        #expect(prompt.contains("- [b](b.md) → kb/notes/b.md\n"))
        #expect(prompt.contains("kb/notes/x.md (missing)"))
        #expect(prompt.contains("=== GATE REVIEW START: prose/a ===") && prompt.contains("=== GATE REVIEW END: semantic/b ==="))
        // The template itself parses as a bundle for the requested gates.
        #expect(try BundleParser.parse(prompt, expectedGates: ["prose/a", "semantic/b"]).count == 2)
    }

    @Test func sweepPromptEmbedsNotes() throws {
        let prompt = try ReviewPrompt.sweep(gate: gates[0], notes: [("kb/notes/a.md", "Alpha text"), ("kb/notes/b.md", "Beta text")])
        #expect(prompt.contains("Alpha text") && prompt.contains("Beta text"))
        let parsed = try GateSweepParser.parse(prompt, gateId: "prose/a", notes: ["kb/notes/a.md", "kb/notes/b.md"])
        #expect(parsed.map(\.gateId) == ["prose/a", "prose/a"])
    }

    @Test func sweepPromptRefusesReservedSentinels() {
        #expect(throws: ReviewFormatError("reserved sentinel in kb/notes/b.md line 3")) {
            try ReviewPrompt.sweep(gate: gates[0], notes: [("kb/notes/a.md", "ok"), ("kb/notes/b.md", "one\ntwo\n  === NOTE END: x ===")])
        }
    }
}
