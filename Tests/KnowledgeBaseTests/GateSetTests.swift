import Foundation
import KnowledgeBase
import ReviewFormat
import TestSupport
import Testing

@Suite struct GateSetTests {
    @Test func bundlesExpandSortedAndDuplicatesDropFirstWins() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let kb = sample.kb
        #expect(try kb.gateIds(for: "prose") == [SampleKB.clarity, SampleKB.residue])
        let note = try kb.note(SampleKB.noteA)
        let gates = try kb.requestedGates(for: note, arguments: [SampleKB.residue, "semantic", "prose", SampleKB.residue])
        #expect(gates.map(\.id) == [SampleKB.residue, SampleKB.grounding, SampleKB.clarity])
    }

    @Test func gatesRequiringATraitApplyOnlyToNotesWithIt() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let kb = sample.kb
        let withTrait = try kb.requestedGates(for: try kb.note(SampleKB.noteA), arguments: ["prose", "semantic"])
        let without = try kb.requestedGates(for: try kb.note(SampleKB.noteB), arguments: ["prose", "semantic"])
        #expect(withTrait.map(\.id).contains(SampleKB.grounding))
        #expect(!without.map(\.id).contains(SampleKB.grounding))
        #expect(throws: KnowledgeBaseError("no applicable gates resolved for note: kb/notes/b.md")) {
            try kb.requestedGates(for: try kb.note(SampleKB.noteB), arguments: ["semantic"])
        }
    }

    @Test func gateTextIsTheFileWithoutFrontmatter() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let gate = try sample.kb.gate(SampleKB.grounding)
        #expect(gate.text == "Do claims match their sources?\n")
        #expect(gate.requiresTrait == "sourced")
        #expect(gate.lens == "semantic")
    }

    @Test(arguments: ["prose/nope", "nolens", "prose/clarity/extra"])
    func unknownGatesAreNamed(argument: String) throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        #expect(throws: KnowledgeBaseError("gate not found: \(argument)")) { try sample.kb.gateIds(for: argument) }
    }

    @Test func hostilePathsAreRefusedBeforeAnyFileIsRead() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let kb = sample.kb
        #expect(throws: KnowledgeBaseError("note path must be relative to the KB root: /etc/passwd")) { try kb.note("/etc/passwd") }
        #expect(throws: KnowledgeBaseError("note path must stay inside the KB root: kb/notes/../../x.md")) {
            try kb.note("kb/notes/../../x.md")
        }
        #expect(throws: KnowledgeBaseError("gate must stay inside the KB root: ../prose")) { try kb.gateIds(for: "../prose") }
        #expect(throws: KnowledgeBaseError("not a note path: kb/notes/index.md (notes are kb/notes/*.md)")) {
            try kb.note("kb/notes/index.md")
        }
        #expect(throws: KnowledgeBaseError("not a note path: README.md (notes are kb/notes/*.md)")) { try kb.note("README.md") }
        #expect(throws: KnowledgeBaseError("note not found: kb/notes/zz.md")) { try kb.note("kb/notes/zz.md") }
    }

    @Test func notesListSkipsIndexes() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        try sample.write("kb/notes/topic-index.md", "# x\n")
        try sample.write("kb/notes/sub/deep.md", "---\n---\nnot top level\n")
        #expect(try sample.kb.notePaths() == [SampleKB.noteA, SampleKB.noteB, SampleKB.noteC])
    }

    @Test func linksResolveAgainstTheKBRoot() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let links = sample.kb.links(of: try sample.kb.note(SampleKB.noteA))
        #expect(links.map(\.resolvedPath) == ["kb/notes/b.md", "kb/notes/missing.md"])
        #expect(links.map(\.exists) == [true, false])
    }

    @Test func malformedFrontmatterIsAnError() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        try sample.write("kb/notes/bad.md", "---\ntitle: x\nno closing line\n")
        #expect(throws: KnowledgeBaseError("unterminated frontmatter in kb/notes/bad.md", code: .unreadableNote)) {
            try sample.kb.note("kb/notes/bad.md")
        }
    }
}
