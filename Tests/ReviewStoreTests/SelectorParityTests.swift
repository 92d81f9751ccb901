import Foundation
import KnowledgeBase
import ReviewFlow
import ReviewFormat
import ReviewStore
import TestSupport
import Testing

/// The stale selector's rules as the original system applies them (SPEC §1, revision 2).
@Suite struct SelectorParityTests {
    func select(_ kb: KnowledgeBase, _ store: ReviewStore, notes: [String]? = nil, current: Bool = false) throws -> [String] {
        try StaleSelection.select(kb: kb, store: store, modelId: "m", gateArguments: ["prose"], notePaths: notes, currentOnly: current)
            .pairs.map { "\($0.candidate.notePath) \($0.candidate.gateId) \($0.reason.rawValue)" }
    }

    func review(_ f: StoreFixture, _ note: String, _ gates: [String] = ["prose"]) throws {
        let id = try f.createRun(note, gates, model: "m")
        try f.store.recordAndFinalizeRun(run: id, reviews: try f.store.run(id).gates.map { f.review($0.gateId) })
    }

    /// `--current` is "notes whose frontmatter says status: current", never-reviewed ones included.
    @Test func currentMeansStatusCurrentReviewedOrNot() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        try f.sample.write(SampleKB.noteC, "---\ntitle: C\nstatus: current\n---\nGamma.\n")
        try f.sample.write(SampleKB.noteB, "---\ntitle: B\nstatus: draft\n---\nBeta.\n")
        try f.sample.commit("statuses")
        #expect(
            try select(f.kb, f.store, current: true) == [
                "kb/notes/c.md prose/clarity missing-review", "kb/notes/c.md prose/source-residue missing-review",
            ])
        try review(f, SampleKB.noteC)
        #expect(try select(f.kb, f.store, current: true).isEmpty)
        #expect(try select(f.kb, f.store).contains("kb/notes/b.md prose/clarity missing-review"))
    }

    /// A dirty or uncommitted gate is compared by its blob on disk: gate-changed, no refusal.
    @Test func aDirtyOrUncommittedGateIsGateChanged() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        try review(f, SampleKB.noteB)
        try f.sample.write("kb/instructions/review-gates/prose/clarity.md", "---\nwatches: [body]\n---\nStricter, not committed.\n")
        try f.sample.write("kb/instructions/review-gates/prose/new-gate.md", "---\n---\nNever committed.\n")
        #expect(
            try select(f.kb, f.store, notes: [SampleKB.noteB]) == [
                "kb/notes/b.md prose/clarity gate-changed", "kb/notes/b.md prose/new-gate missing-review",
            ])
        try f.sample.git(["checkout", "--", "kb/instructions/review-gates/prose/clarity.md"])
        #expect(try select(f.kb, f.store, notes: [SampleKB.noteB]) == ["kb/notes/b.md prose/new-gate missing-review"])
    }

    /// Selection works in a repository that has no commit yet.
    @Test func selectionWorksWithoutAnyCommit() throws {
        let directory = try TemporaryDirectory("revq-nocommit")
        defer { directory.remove() }
        try Command.git(["init", "-q"], in: directory.url)
        try directory.write("kb/notes/a.md", "---\ntitle: A\n---\nAlpha.\n")
        try directory.write("kb/instructions/review-gates/prose/clarity.md", "---\n---\nClear?\n")
        let store = try ReviewStore(path: directory.url.appendingPathComponent("store.sqlite").path)
        #expect(try select(KnowledgeBase(root: directory.url), store) == ["kb/notes/a.md prose/clarity missing-review"])
    }

    /// `./kb/notes/a.md` names the same note as `kb/notes/a.md`.
    @Test func aLeadingDotSlashNamesTheSameNote() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        try review(f, SampleKB.noteB)
        #expect(try select(f.kb, f.store, notes: ["./kb/notes/b.md"]).isEmpty)
        #expect(try f.kb.notePath("./kb/./notes/b.md") == SampleKB.noteB)
    }
}

extension SelectorParityTests {
    /// `stale --json` diffs: the notes accepted at one commit, diffed in-process exactly as git prints them.
    @Test func diffsOfManyNotesSinceOneCommitAreGitsOwn() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        let commit = try f.sample.head()
        try f.sample.write(SampleKB.noteB, "---\ntitle: B\ntraits: []\n---\nBeta body, edited.\n")
        try f.sample.write(SampleKB.noteC, "---\ntitle: C2\ntraits: [draft]\n---\nGamma body.\n")
        let kb = KnowledgeBase(root: f.sample.root)
        let diffs = try kb.diffs(since: commit, paths: [SampleKB.noteA, SampleKB.noteB, SampleKB.noteC])
        #expect(Set(diffs.keys) == [PathKey(SampleKB.noteB), PathKey(SampleKB.noteC)], "an unchanged note has no diff")
        #expect(diffs[PathKey(SampleKB.noteB)]?.contains("-Beta body.\n+Beta body, edited.\n") == true)
        #expect(diffs[PathKey(SampleKB.noteC)]?.hasPrefix("diff --git a/kb/notes/c.md b/kb/notes/c.md\n") == true)
        for note in [SampleKB.noteB, SampleKB.noteC] {
            #expect(diffs[PathKey(note)] == (try f.sample.git(["diff", "--no-color", "--no-ext-diff", commit, "--", note])))
        }
    }
}
