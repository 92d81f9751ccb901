import Foundation
import TestSupport
import Testing

/// `café.md` spelled NFC and spelled NFD are two notes for `stale`, `ack` and `findings`, though
/// Swift's `String` calls them equal: each keeps its own diff, its own parts and its own findings.
@Suite struct NormalisationTwinsCLITests {
    static let nfc = "kb/notes/caf\u{E9}.md"
    static let nfd = "kb/notes/cafe\u{301}.md"

    struct Fixture {
        let sample: SampleKB
        func run(_ arguments: [String]) throws -> CommandResult { try sample.revq(arguments) }
        func json(_ arguments: [String]) throws -> Any { try sample.revqJSON(arguments) }

        /// Reviews `note` against prose/clarity through the split path.
        func review(_ note: String, _ text: String) throws {
            let id = try run(["run", "create", note, SampleKB.clarity, "--runner", "claude", "--model", "m"]).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
            try sample.directory.write("review.md", text)
            #expect(try run(["run", "write-gate", "--run", id, "--gate", SampleKB.clarity, "--input-file", "review.md"]).status == 0)
            #expect(try run(["run", "finalize", "--run", id]).status == 0)
        }
    }

    static func note(description: String, body: String) -> String {
        "---\ntitle: Café\ndescription: \(description)\ntraits: []\n---\n\(body)\n"
    }

    /// Both twins reviewed under a gate that watches the body.
    func fixture() throws -> Fixture {
        let sample = try SampleKB()
        try sample.write(
            "kb/instructions/review-gates/prose/clarity.md",
            "---\ngate_id: prose/clarity\nname: clarity\nlens: prose\nwatches: [body]\n---\nIs the note clear?\n")
        try sample.write(Self.nfc, Self.note(description: "Composed.", body: "NFC body."))
        try sample.write(Self.nfd, Self.note(description: "Decomposed.", body: "NFD body."))
        try sample.commit("twins")
        let f = Fixture(sample: sample)
        try f.review(Self.nfc, "- WARN: the composed one is vague\n\n## Result: WARN\n")
        try f.review(Self.nfd, "- FAIL: the decomposed one is wrong\n\n## Result: FAIL\n")
        return f
    }

    func bytes(_ text: Any?) -> [UInt8] { Array((text as? String ?? "").utf8) }

    @Test func staleGivesEachTwinItsOwnDiff() throws {
        let f = try fixture()
        defer { f.sample.remove() }
        try f.sample.write(Self.nfc, Self.note(description: "Composed.", body: "NFC body, edited."))
        try f.sample.write(Self.nfd, Self.note(description: "Decomposed.", body: "NFD body, edited."))
        try f.sample.commit("edit both twins")
        let report = try #require(try f.json(["stale", "--model", "m", SampleKB.clarity]) as? [String: Any])
        let pairs = try #require(report["pairs"] as? [[String: Any]]).filter { $0["reason"] as? String == "note-changed" }
        #expect(Set(pairs.map { bytes($0["note"]) }) == [Array(Self.nfc.utf8), Array(Self.nfd.utf8)])
        for pair in pairs {
            let own = bytes(pair["note"]) == Array(Self.nfc.utf8) ? "+NFC body, edited." : "+NFD body, edited."
            #expect((pair["diff"] as? String)?.contains(own) == true, "\(pair)")
        }
    }

    @Test func trivialAckReadsEachTwinsOwnParts() throws {
        let f = try fixture()
        defer { f.sample.remove() }
        // The NFC twin changes only its description (not watched), the NFD twin its body (watched).
        try f.sample.write(Self.nfc, Self.note(description: "Composed, described again.", body: "NFC body."))
        try f.sample.write(Self.nfd, Self.note(description: "Decomposed.", body: "NFD body, rewritten."))
        try f.sample.commit("edit both twins")
        let report = try #require(try f.json(["ack", "--trivial", "--dry-run", "--model", "m"]) as? [String: Any])
        let acknowledged = try #require(report["acknowledged"] as? [[String: Any]])
        #expect(acknowledged.map { bytes($0["note"]) } == [Array(Self.nfc.utf8)])
    }

    @Test func findingsOfOneTwinLeaveTheOtherOut() throws {
        let f = try fixture()
        defer { f.sample.remove() }
        for (named, finding) in [(Self.nfc, "WARN: the composed one is vague"), (Self.nfd, "FAIL: the decomposed one is wrong")] {
            let found = try #require((try f.json(["findings", named, "--model", "m"]) as? [String: Any])?["reviews"] as? [[String: Any]])
            #expect(found.map { bytes($0["note"]) } == [Array(named.utf8)])
            #expect(found.first?["findings"] as? [String] == [finding])
        }
        #expect(((try f.json(["findings", "--model", "m"]) as? [String: Any])?["reviews"] as? [Any])?.count == 2)
    }
}
