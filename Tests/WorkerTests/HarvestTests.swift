import Foundation
import ReviewFormat
import ReviewStore
import Spool
import TestSupport
import Testing

/// SPEC §5 Finish, issue 11 "SIGKILL between commit and move": a worker that died after the
/// store committed its run as completed but before the job left `active/` is not reviewed again.
@Suite struct HarvestTests {
    /// Leaves exactly what such a death leaves: the job claimed into `active/` by the spool's own
    /// claim, its run created and finalized through the lifecycle functions under that claim's
    /// attempt, and then the claim dropped unended (its lock released, as by SIGKILL).
    /// Returns the run's id.
    func dieBetweenCommitAndMove(_ h: WorkerHarness, job id: String) throws -> Int64 {
        let spool = Spool(root: h.spool.path)
        guard case .claimed(let claimed) = try spool.claim("\(id).json", rules: .inspection) else {
            throw TestFailure("\(id) was not claimed")
        }
        let store = try h.store()
        let run = try store.createRun(
            NewRun(
                notePath: SampleKB.noteB, modelId: "gpt-5-4-high", runner: "codex", noteSha: "0123456789abcdef", noteCommit: nil,
                gates: [(SampleKB.residue, "fedcba9876543210")]),
            job: JobAttempt(jobId: id, attempt: claimed.attemptNumber))
        let review = GateReviewInput(gateId: SampleKB.residue, decision: .pass, rationaleMarkdown: "Fine.\n\n## Result: PASS\n")
        _ = try store.recordAndFinalizeRun(run: run, reviews: [review], actualModelId: nil)
        #expect(h.files("active") == ["\(id).json"])
        return run
    }

    @Test func aJobCommittedButNotMovedIsHarvestedIntoDoneWithoutANewRun() async throws {
        let h = try WorkerHarness.inProcess()
        defer { h.remove() }
        let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue])
        let run = try dieBetweenCommitAndMove(h, job: id)

        let worker = try InProcessWorker(h)
        #expect(await eventually(within: 20) { h.files("done").contains("\(id).json") }, "recovery moved the job to done/")
        #expect(h.files("active").isEmpty && h.files("new").isEmpty)
        let runs = try h.store().runs(forJob: id).map(\.run)
        #expect(runs.map(\.id) == [run] && runs.map(\.status) == [.completed], "one completed run, no new one: \(runs)")
        let job = try h.jobFile("done", id)
        #expect(job["attempts"] as? Int == 1, "the claim that died counts once, as a finished attempt would")
        #expect((job["history"] as? [[String: Any]])?.map { $0["outcome"] as? String } == ["completed"])
        let result = try h.jobFile("done", "\(id).result")
        #expect(result["run_id"] as? Int == Int(run) && result["status"] as? String == "completed")
        #expect(await worker.stop() == nil)
    }
}
