import Foundation
import KnowledgeBase
import ReviewStore
import TestSupport
import Testing

@testable import ReviewFlow

/// The trivial-change rules (a gate's `watches`, the note parts) and the acknowledgement
/// writes, as the original applies them.
@Suite struct AckParityTests {
    static let before = "---\ntitle: N\ndescription: Old words.\ntags: [a, b]\n---\n# The title\n\nFirst paragraph.\n\nSecond.\n"

    func trivial(_ after: String, watches: Set<NotePart>) -> Bool {
        NoteParts.changedOnlyUnwatched(
            previous: NoteParts(text: Self.before, path: "n.md")!, current: NoteParts(text: after, path: "n.md")!, watches: watches)
    }

    static let changes: [(String, Set<NotePart>, Bool)] = [
        ("---\ntitle: N\ndescription: New words.\ntags: [a, b]\n---\n# The title\n\nFirst paragraph.\n\nSecond.\n", [.body], true),
        ("---\ntitle: N\ndescription: New words.\ntags: [a, b]\n---\n# The title\n\nFirst paragraph.\n\nSecond.\n", [.description], false),
        ("---\ntitle: N\ndescription: Old words.\ntags: [a, b]\n---\n# The title\n\nFirst paragraph, edited.\n\nSecond.\n", [.body], false),
        ("---\ntitle: N\ndescription: Old words.\ntags: [a, b]\n---\n# A new title\n\nFirst paragraph.\n\nSecond.\n", [.body], true),
        (
            "---\ntitle: N\ndescription: Old words.\ntags: [a, b]\n---\n# A new title\n\nFirst paragraph.\n\nSecond.\n", [.title, .body],
            false
        ),
        (
            "---\ntitle: N2\ndescription: Old words.\ntags: [a, c]\n---\n# The title\n\nFirst paragraph.\n\nSecond.\n",
            [.title, .body, .description], true
        ),
        (
            "---\ntitle: N2\ndescription: Old words.\ntags: [a, b]\n---\n# The title\n\nFirst paragraph.\n\nSecond.\n", [.frontmatterOther],
            false
        ),
        // Blank lines and trailing spaces are not changes, and a note that did not change does not qualify.
        (
            "---\ntitle: N\ndescription: Old words.\ntags: [a, b]\n---\n# The title\nFirst paragraph.   \n\n\n\nSecond.\n", [.description],
            false
        ),
    ]

    @Test(arguments: changes)
    func onlyUnwatchedPartsChanged(after: String, watches: Set<NotePart>, expected: Bool) {
        #expect(trivial(after, watches: watches) == expected)
    }

    @Test(arguments: [
        ("---\nwatches: [body]\n---\nx\n", Set([NotePart.body]) as Set<NotePart>?),
        ("---\nwatches: [title, description, body, frontmatter_other]\n---\nx\n", Set(NotePart.allCases)),
        ("---\nwatches: body\n---\nx\n", nil),
        ("---\nwatches: []\n---\nx\n", nil),
        ("---\nwatches: [body, links]\n---\nx\n", nil),
        ("---\nname: g\n---\nx\n", nil),
        ("no frontmatter\n", nil),
    ])
    func aGateWithoutValidWatchesNeverQualifies(gate: String, expected: Set<NotePart>?) {
        #expect(NotePart.watched(by: gate, path: "g.md") == expected)
    }

    @Test func aNoteWhoseFrontmatterDoesNotParseHasNoParts() {
        #expect(NoteParts(text: "---\ntitle: [unclosed\n---\nbody\n", path: "n.md") == nil)
    }

    /// An acknowledgement points at the review accepted before, with the new note content;
    /// a call with a pair that has no acceptance writes nothing at all.
    @Test func acknowledgementsPointAtThePreviousReviewInOneTransaction() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        let id = try f.createRun(SampleKB.noteB, [SampleKB.clarity], model: "m")
        try f.store.recordAndFinalizeRun(run: id, reviews: [f.review(SampleKB.clarity)])
        let reviewId = try f.store.gateReviews(run: id)[0].id
        let good = Acknowledgement(notePath: SampleKB.noteB, gateId: SampleKB.clarity, noteSha: "new", noteCommit: nil)
        let bad = Acknowledgement(notePath: SampleKB.noteC, gateId: SampleKB.clarity, noteSha: "x", noteCommit: nil)
        #expect(throws: ReviewStoreError("no acceptance to acknowledge: kb/notes/c.md prose/clarity under m", isRefusal: true)) {
            try f.store.acknowledge([good, bad], modelId: "m")
        }
        #expect(try f.scalar("SELECT COUNT(*) FROM acceptance_events") == 1)
        try f.store.acknowledge([good], modelId: "m")
        let current = try #require(try f.store.currentAcceptances(modelId: "m")[PairKey(SampleKB.noteB, SampleKB.clarity)])
        #expect(current.acceptedReviewId == reviewId && current.acceptedNoteSha == "new" && current.acceptanceKind == "trivial-change-ack")
        #expect(current.acceptedGateSha == (try f.store.run(id)).gates[0].gateSha, "the accepted gate content is kept")
    }
}
