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
        #expect(provenance[SampleKB.noteA] == NoteProvenance(sha: blobA, commit: first))
        #expect(provenance[SampleKB.noteB]?.commit == (try sample.head()))
    }

    @Test func dirtyAndUntrackedNotesUseHashObjectAndNoCommit() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        try sample.write(SampleKB.noteA, "---\ntitle: A\n---\nedited, not committed\n")
        try sample.write("kb/notes/new.md", "---\ntitle: New\n---\nuntracked\n")
        let provenance = try sample.kb.noteProvenance([SampleKB.noteA, "kb/notes/new.md"])
        for path in [SampleKB.noteA, "kb/notes/new.md"] {
            let expected = try sample.git(["hash-object", path]).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(provenance[path] == NoteProvenance(sha: expected, commit: nil))
        }
    }

    @Test func stagedButUncommittedNoteIsDirty() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        try sample.write(SampleKB.noteA, "---\ntitle: A\n---\nstaged\n")
        try sample.git(["add", SampleKB.noteA])
        #expect(try sample.kb.noteProvenance([SampleKB.noteA])[SampleKB.noteA]?.commit == nil)
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

    @Test func gitCallsDoNotGrowWithTheNumberOfNotes() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        for index in 0..<40 { try sample.write("kb/notes/n\(index).md", "---\ntitle: \(index)\n---\nbody \(index)\n") }
        try sample.commit("forty notes")
        for index in 0..<5 { try sample.write("kb/notes/n\(index).md", "---\n---\ndirty \(index)\n") }
        let kb = sample.kb
        _ = try kb.noteProvenance(["kb/notes/n1.md"])  // the first call also asks for the KB's prefix, once
        let before = kb.git.processCount
        let few = try kb.noteProvenance(["kb/notes/n0.md", "kb/notes/n4.md"])
        let forFew = kb.git.processCount - before
        let all = try kb.noteProvenance((0..<40).map { "kb/notes/n\($0).md" })
        let forAll = kb.git.processCount - before - forFew
        #expect(few.count == 2 && all.count == 40)
        #expect(forAll == forFew, "provenance for 40 notes took \(forAll) git processes, for 2 it took \(forFew)")
        #expect(forAll <= 5)
        #expect(all.values.filter { $0.commit == nil }.count == 5)
    }

    @Test func kbRootBelowTheGitTopLevelWorks() throws {
        let outer = try TemporaryDirectory("revq-outer")
        defer { outer.remove() }
        try Command.git(["init", "-q"], in: outer.url)
        try outer.write("sub/kb/notes/a.md", "---\ntitle: A\n---\nA\n")
        try Command.git(["-c", "user.email=t@t", "-c", "user.name=t", "add", "-A"], in: outer.url)
        try Command.git(["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "x"], in: outer.url)
        let kb = KnowledgeBase(root: outer.url.appendingPathComponent("sub"))
        #expect(try kb.noteProvenance(["kb/notes/a.md"])["kb/notes/a.md"]?.commit != nil)
    }
}
