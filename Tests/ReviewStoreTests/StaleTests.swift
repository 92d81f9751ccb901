import ReviewFlow
import ReviewStore
import TestSupport
import Testing

@Suite struct StaleTests {
    func select(_ f: StoreFixture, current: Bool = false) throws -> [String] {
        try StaleSelection.select(
            kb: f.kb, store: f.store, modelId: "m", gateArguments: ["prose", "semantic"], notePaths: nil, currentOnly: current
        ).pairs.map { "\($0.candidate.notePath) \($0.candidate.gateId) \($0.reason.rawValue)" }
    }

    func review(_ f: StoreFixture, _ note: String, _ gates: [String]) throws {
        let id = try f.createRun(note, gates, model: "m")
        try f.store.recordAndFinalizeRun(run: id, reviews: try f.store.run(id).gates.map { f.review($0.gateId) })
    }

    @Test func missingReviewThenNothingThenChangedNoteAndGate() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        #expect(try select(f).count == 7)  // a: 3 gates; b, c: 2 prose gates each
        #expect(try select(f).allSatisfy { $0.hasSuffix("missing-review") })
        #expect(try select(f, current: true).isEmpty)

        try review(f, SampleKB.noteA, ["prose", "semantic"])
        try review(f, SampleKB.noteB, ["prose"])
        try review(f, SampleKB.noteC, ["prose"])
        #expect(try select(f).isEmpty)

        try f.sample.write(SampleKB.noteB, "---\ntitle: B\nstatus: current\n---\nrewritten\n")
        try f.sample.write("kb/instructions/review-gates/prose/clarity.md", "---\n---\nstricter\n")
        try f.sample.commit("edit b and clarity")
        #expect(
            try select(f) == [
                "kb/notes/a.md prose/clarity gate-changed",
                "kb/notes/b.md prose/clarity gate-changed",
                "kb/notes/b.md prose/source-residue note-changed",
                "kb/notes/c.md prose/clarity gate-changed",
            ])
        #expect(
            try select(f, current: true) == [
                "kb/notes/b.md prose/clarity gate-changed", "kb/notes/b.md prose/source-residue note-changed",
            ])
    }

    @Test func theNewestAcceptanceDecidesPerPartition() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        try review(f, SampleKB.noteB, [SampleKB.residue])
        let other = try StaleSelection.select(
            kb: f.kb, store: f.store, modelId: "other", gateArguments: [SampleKB.residue], notePaths: [SampleKB.noteB], currentOnly: false)
        #expect(other.pairs.map(\.reason) == [.missingReview])
        // An older acceptance for other content does not matter once a newer one matches.
        try f.sqlite(
            """
            INSERT INTO acceptance_events (note_path, gate_id, model_id, accepted_note_sha, accepted_gate_sha, accepted_at, acceptance_kind)
            VALUES ('kb/notes/b.md', 'prose/source-residue', 'm', 'old', 'old', '2020-01-01T00:00:00+00:00', 'manual-override')
            """)
        #expect(try select(f).contains("kb/notes/b.md prose/source-residue gate-changed"))
        try review(f, SampleKB.noteB, [SampleKB.residue])
        #expect(!(try select(f).contains { $0.hasPrefix("kb/notes/b.md prose/source-residue") }))
    }

    @Test func nfcAndNfdTwinsAreStaleOneByOne() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        let (nfc, nfd) = ("kb/notes/caf\u{E9}.md", "kb/notes/cafe\u{301}.md")
        try f.sample.write(nfc, "---\ntitle: NFC\n---\ncomposed\n")
        try f.sample.write(nfd, "---\ntitle: NFD\n---\ndecomposed\n")
        try f.sample.commit("twins")
        try review(f, nfc, [SampleKB.residue])
        let stale = try StaleSelection.select(
            kb: f.kb, store: f.store, modelId: "m", gateArguments: [SampleKB.residue], notePaths: [nfc, nfd], currentOnly: false
        ).pairs
        #expect(stale.count == 1)
        #expect(stale.first.map { Array($0.candidate.notePath.utf8) } == Array(nfd.utf8))
        #expect(stale.first?.reason == .missingReview, "the NFC twin's acceptance is not the NFD twin's")
    }
}
