import Foundation
import Glibc
import KnowledgeBase
import ReviewFormat
import TestSupport
import Testing

@Suite struct NoteListingTests {
    /// Writes raw bytes under a raw file name into the notes root.
    func writeRaw(_ sample: SampleKB, name: [UInt8], _ bytes: [UInt8]) throws {
        let path = Array(sample.root.appendingPathComponent("kb/notes").path.utf8) + [UInt8(ascii: "/")] + name + [0]
        let fd = path.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) } }
        guard fd >= 0 else { throw TestFailure("cannot create \(name)") }
        defer { close(fd) }
        guard write(fd, bytes, bytes.count) == bytes.count else { throw TestFailure("short write") }
    }

    @Test func unreadableNotesAreSkippedWithTheirReasonAndFilesWithoutFrontmatterAreNotNotes() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        try sample.write("kb/notes/bad-yaml.md", "---\ntitle: T\ndescription: an unquoted: colon\n---\nBody.\n")
        try writeRaw(sample, name: Array("latin.md".utf8), Array("---\ntitle: caf".utf8) + [0xE9] + Array("\n---\nBody.\n".utf8))
        try sample.write("kb/notes/plain.md", "# Just a page\n\nNo frontmatter.\n")

        let listing = try sample.kb.readNotes(nil)
        #expect(listing.notes.map(\.path) == [SampleKB.noteA, SampleKB.noteB, SampleKB.noteC])
        #expect(listing.skipped.map(\.note) == ["kb/notes/bad-yaml.md", "kb/notes/latin.md"])
        #expect(listing.skipped[0].reason.hasPrefix("invalid frontmatter in kb/notes/bad-yaml.md"))
        #expect(listing.skipped[1].reason == "not valid UTF-8: kb/notes/latin.md")
        #expect(try sample.kb.notePaths() == [SampleKB.noteA, SampleKB.noteB, SampleKB.noteC])

        // Named directly, each fails with its reason, as an unreadable note.
        for path in ["kb/notes/bad-yaml.md", "kb/notes/latin.md", "kb/notes/plain.md"] {
            let error = #expect(throws: KnowledgeBaseError.self) { try sample.kb.note(path) }
            #expect(error?.code == .unreadableNote)
        }
        #expect(throws: KnowledgeBaseError("not a note: kb/notes/plain.md does not start with a frontmatter block", code: .unreadableNote)) {
            try sample.kb.note("kb/notes/plain.md")
        }
        // Listed explicitly, a file without frontmatter is reported rather than dropped.
        let named = try sample.kb.readNotes(["kb/notes/plain.md", SampleKB.noteB])
        #expect(named.notes.map(\.path) == [SampleKB.noteB])
        #expect(named.skipped.map(\.note) == ["kb/notes/plain.md"])
    }

    @Test func fileNamesAreComparedByteForByte() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let nfc = Array("caf\u{E9}.md".utf8)
        let nfd = Array("cafe\u{301}.md".utf8)
        try writeRaw(sample, name: nfc, Array("---\ntitle: NFC\n---\nComposed.\n".utf8))
        try writeRaw(sample, name: nfd, Array("---\ntitle: NFD\n---\nDecomposed.\n".utf8))
        try writeRaw(sample, name: [0x6C, 0x61, 0x74, 0xE9, 0x2E, 0x6D, 0x64], Array("---\ntitle: L\n---\nx\n".utf8))

        let listing = try sample.kb.readNotes(nil)
        let twins = listing.notes.filter { $0.path.utf8.contains(0xC3) || $0.path.utf8.contains(0xCC) }
        #expect(twins.count == 2)
        #expect(Set(twins.map { Array($0.path.utf8) }) == [Array("kb/notes/".utf8) + nfc, Array("kb/notes/".utf8) + nfd])
        #expect(Set(twins.map { $0.frontmatter.fields["title"] ?? "" }) == ["NFC", "NFD"])
        #expect(listing.skipped == [SkippedNote(note: "kb/notes/lat\\xe9.md", reason: "file name is not UTF-8")])
    }

    @Test func linksInsideCodeAreNotLinks() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let body = """
            A real link to [b](b.md), and `[inline](missing-inline.md)` and ``[double `tick`](missing-double.md)``.

            ```markdown
            [fenced](missing-fenced.md)
            ```

            ~~~~
            [tilde](missing-tilde.md)
            ```
            still inside [tilde2](missing-tilde2.md)
            ~~~~

                [indented](missing-indented.md)

            - a list item
              [continued](c.md)

            An unclosed ` tick keeps [this](a.md) a link.
            """
        try sample.write("kb/notes/code.md", "---\ntitle: Code\n---\n\(body)\n")
        let links = sample.kb.links(of: try sample.kb.note("kb/notes/code.md"))
        #expect(links.map(\.resolvedPath) == ["kb/notes/b.md", "kb/notes/c.md", "kb/notes/a.md"])
        #expect(links.map(\.exists) == [true, true, true])
    }
}
