import Foundation
import KnowledgeBase
import ReviewFlow
import ReviewFormat
import ReviewStore
import TestSupport

/// A sample KB with a review store inside it, as the CLI would lay them out.
struct StoreFixture {
    let sample: SampleKB
    let store: ReviewStore
    var kb: KnowledgeBase { sample.kb }
    var storePath: String { sample.root.appendingPathComponent("kb/reports/review-store.sqlite").path }

    init() throws {
        sample = try SampleKB()
        store = try ReviewStore(path: sample.root.appendingPathComponent("kb/reports/review-store.sqlite").path)
    }

    func remove() { sample.remove() }

    /// Starts a run the way `revq run create` does.
    func createRun(_ note: String = SampleKB.noteA, _ gates: [String] = ["prose"], model: String = "gpt-5-4-high") throws -> Int64 {
        let review = try ResolvedReview(kb: kb, notePath: note, gateArguments: gates)
        return try store.createRun(review.newRun(model: model, runner: "codex"))
    }

    func review(_ gate: String, _ text: String = "Looks fine.\n\n## Result: PASS") -> GateReviewInput {
        let canonical = DecisionParser.canonicalize(text)
        return GateReviewInput(gateId: gate, decision: canonical.decision, rationaleMarkdown: canonical.text)
    }

    /// An integer that a query returns, read through the sqlite3 tool.
    func scalar(_ sql: String) throws -> Int {
        let text = try sqlite(sql)
        guard let value = Int(text) else { throw TestFailure("not an integer from \(sql): \(text)") }
        return value
    }

    /// Runs SQL through the sqlite3 command-line tool: a second, independent client.
    @discardableResult
    func sqlite(_ sql: String) throws -> String {
        let result = try Command.run("/usr/bin/env", ["sqlite3", "-cmd", ".timeout 5000", storePath, sql])
        guard result.status == 0 else { throw TestFailure("sqlite3: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
