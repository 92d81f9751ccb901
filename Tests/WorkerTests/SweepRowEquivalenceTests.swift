import Foundation
import ReviewStore
import TestSupport
import Testing

/// SPEC §2.1: the same note and gate reviewed through the split path, a review job and a sweep
/// batch leave the same rows in review_runs, review_run_gates, gate_reviews and
/// acceptance_events, apart from ids, timestamps and telemetry (telemetry_json, debug_log).
@Suite struct SweepRowEquivalenceTests {
    /// One review's rows with ids, timestamps and telemetry blanked.
    struct Rows: Equatable {
        var run: RunRecord
        var reviews: [GateReviewRecord]
        var acceptances: [AcceptanceRecord]

        init(_ store: ReviewStore, run id: Int64) throws {
            run = try store.run(id)
            reviews = try store.gateReviews(run: id)
            acceptances = try store.acceptances(run: id)
            run.rawBundleMarkdown = run.rawBundleMarkdown?.replacingOccurrences(of: "Review run id: \(id)\n", with: "Review run id: _\n")
            (run.id, run.startedAt, run.completedAt, run.telemetryJSON, run.debugLog) = (0, "", nil, nil, nil)
            for index in reviews.indices { (reviews[index].id, reviews[index].reviewRunId, reviews[index].reviewedAt) = (0, nil, "") }
            for index in acceptances.indices {
                (acceptances[index].id, acceptances[index].acceptedReviewId, acceptances[index].acceptedAt) = (0, nil, "")
            }
        }
    }

    @Test func splitPathReviewJobAndSweepBatchLeaveTheSameRows() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        try h.installSweepCodex()
        let (note, gate) = (SampleKB.noteB, SampleKB.residue)

        let created = try h.revq(["run", "create", note, gate, "--runner", "codex", "--model", "gpt-5-4-high", "--json"])
        let split = try #require((try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])?["run_id"] as? Int)
        try h.home.write("review.md", "Reviewed \(gate).\n\n- WARN: one soft spot\n\n## Result: WARN\n")
        #expect(
            try h.revq([
                "run", "write-gate", "--run", "\(split)", "--gate", gate, "--input-file",
                h.home.url.appendingPathComponent("review.md").path,
            ]).status == 0)
        #expect(try h.revq(["run", "finalize", "--run", "\(split)", "--actual-model", "gpt-5-4-xhigh"]).status == 0)

        let job = try h.enqueue(note, [gate])
        #expect(try h.workOnce().status == 0)
        let sweep = try h.enqueueSweep(gate, ["--note", note])
        #expect(try h.workOnce().status == 0)

        let store = try h.store()
        let jobRun = try #require(try store.runs(forJob: job).first?.run.id)
        let batchRun = try #require(try h.batchRuns(sweep)["\(sweep)-b1"]?.first?.id)
        let reference = try Rows(store, run: Int64(split))
        #expect(reference.run.status == .completed && reference.reviews.count == 1 && reference.acceptances.count == 1)
        #expect(try Rows(store, run: jobRun) == reference)
        #expect(try Rows(store, run: batchRun) == reference)
    }
}
