import Foundation
import KnowledgeBase
import ReviewFormat
import TestSupport
import Testing

@Suite struct ProvenanceTests {
    @Test func cleanNoteGivesItsCommittedBlobAndLastCommit() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let first = try sample.head()
        try sample.write(SampleKB.noteB, "---\ntitle: B2\n---\nchanged\n")
        try sample.commit("change b only")
        let provenance = try sample.kb.noteProvenance([SampleKB.noteA, SampleKB.noteB])
        let blobA = try sample.git(["rev-parse", "HEAD:kb/notes/a.md"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(provenance[0] == NoteProvenance(sha: blobA, commit: first))
        #expect(provenance[1].commit == (try sample.head()))
    }

    @Test func dirtyAndUntrackedNotesUseHashObjectAndNoCommit() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        try sample.write(SampleKB.noteA, "---\ntitle: A\n---\nedited, not committed\n")
        try sample.write("kb/notes/new.md", "---\ntitle: New\n---\nuntracked\n")
        let provenance = try sample.kb.noteProvenance([SampleKB.noteA, "kb/notes/new.md"])
        for (path, value) in zip([SampleKB.noteA, "kb/notes/new.md"], provenance) {
            let expected = try sample.git(["hash-object", path]).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(value == NoteProvenance(sha: expected, commit: nil))
        }
    }

    @Test func stagedButUncommittedNoteIsDirty() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        try sample.write(SampleKB.noteA, "---\ntitle: A\n---\nstaged\n")
        try sample.git(["add", SampleKB.noteA])
        #expect(try sample.kb.noteProvenance([SampleKB.noteA])[0].commit == nil)
    }

    @Test func dirtyGateIsRefused() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        try sample.write("kb/instructions/review-gates/prose/clarity.md", SampleKB.gate(id: SampleKB.clarity, text: "edited"))
        let gate = try sample.kb.gate(SampleKB.clarity)
        #expect(
            throws: KnowledgeBaseError(
                "gate has uncommitted changes: kb/instructions/review-gates/prose/clarity.md (review baselines must come from committed gate content)"
            )
        ) { try sample.kb.gateShas([gate]) }
    }

    @Test func uncommittedGateIsRefused() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        try sample.write("kb/instructions/review-gates/prose/new.md", SampleKB.gate(id: "prose/new", text: "new"))
        let gate = try sample.kb.gate("prose/new")
        #expect(
            throws: KnowledgeBaseError(
                "gate is not committed: kb/instructions/review-gates/prose/new.md (review baselines must come from committed gate content)"
            )
        ) { try sample.kb.gateShas([gate]) }
    }

    @Test func committedGateShaIsItsBlob() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let gate = try sample.kb.gate(SampleKB.residue)
        let blob = try sample.git(["rev-parse", "HEAD:\(gate.path)"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try sample.kb.gateShas([gate]) == [SampleKB.residue: blob])
    }

    @Test func nfcAndNfdTwinsAreTwoNotesWithTheirOwnProvenance() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        try sample.write("kb/notes/caf\u{E9}.md", "---\ntitle: NFC\n---\ncomposed\n")
        try sample.write("kb/notes/cafe\u{301}.md", "---\ntitle: NFD\n---\ndecomposed\n")
        try sample.commit("twins")
        let twins = try sample.kb.notePaths().filter { $0.hasPrefix("kb/notes/caf") }
        #expect(twins.count == 2)
        let provenance = try sample.kb.noteProvenance(twins)
        #expect(provenance[0].sha != provenance[1].sha)
        #expect(provenance.allSatisfy { $0.commit != nil })
    }

    @Test func kbRootBelowTheGitTopLevelWorks() throws {
        let outer = try TemporaryDirectory("revq-outer")
        defer { outer.remove() }
        try Command.git(["init", "-q"], in: outer.url)
        try outer.write("sub/kb/notes/a.md", "---\ntitle: A\n---\nA\n")
        try Command.git(["-c", "user.email=t@t", "-c", "user.name=t", "add", "-A"], in: outer.url)
        try Command.git(["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "x"], in: outer.url)
        let kb = KnowledgeBase(root: outer.url.appendingPathComponent("sub"))
        #expect(try kb.noteProvenance(["kb/notes/a.md"])[0].commit != nil)
    }
}
