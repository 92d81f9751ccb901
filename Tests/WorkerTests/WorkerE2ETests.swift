import Foundation
import Glibc
import ReviewFormat
import ReviewStore
import TestSupport
import Testing

/// `revq worker` driven as a real process with fake runners on PATH.
@Suite struct WorkerE2ETests {
    @Test func aReviewJobEndsWithOneCompletedRunUnderTheActualPartition() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        let id = try h.enqueue(SampleKB.noteA, ["prose", "semantic"])
        let worker = try h.workOnce()
        #expect(worker.status == 0, "\(worker.stderr)")
        #expect(
            worker.stderr.contains(
                "warning: requested model partition gpt-5-4-high does not match runner telemetry gpt-5-4-xhigh; recording the actual partition"
            ))

        let store = try h.store()
        let runs = try store.runs(forJob: id)
        #expect(runs.count == 1)
        let run = try #require(runs.first?.run)
        #expect(run.status == .completed && run.modelId == "gpt-5-4-xhigh" && run.runner == "codex")
        #expect(run.gates.map(\.gateId) == [SampleKB.clarity, SampleKB.residue, SampleKB.grounding])
        let telemetry = try JSONSerialization.jsonObject(with: Data((run.telemetryJSON ?? "").utf8)) as? [String: Any]
        #expect(telemetry?["provider"] as? String == "codex" && telemetry?["reasoning_effort"] as? String == "xhigh")
        #expect(try store.gateReviews(run: run.id).allSatisfy { $0.decision == .warn && $0.modelId == "gpt-5-4-xhigh" })
        #expect(try store.acceptances(run: run.id).count == 3)
        #expect(run.rawBundleMarkdown?.hasPrefix("# Review Bundle\n\nReview run id: \(run.id)") == true)
        #expect(h.files("done") == ["\(id).json", "\(id).result.json"])
        let artifacts = h.root.appendingPathComponent("kb/reports/bundle-reviews/review-run-\(run.id)")
        #expect(FileManager.default.fileExists(atPath: artifacts.appendingPathComponent("semantic__grounding-alignment.md").path))
    }

    @Test func theClaudeRunnerRecordsItsPartition() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue], runner: "claude")
        #expect(try h.workOnce().status == 0)
        let run = try #require(try h.store().runs(forJob: id).first?.run)
        #expect(run.status == .completed && run.modelId == "claude-sonnet-4-6")
        #expect(run.runner == "claude-code", "claude is recorded under the original's name")
    }

    @Test func aRunnerThatExits3FailsTheRunAndIsRetriedUntilItsAttemptsAreUsed() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        try h.setMode("exit3")
        let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue], ["--max-attempts", "2"])
        #expect(try h.workOnce().status == 0)
        let runs = try h.store().runs(forJob: id).map(\.run)
        #expect(runs.count == 2, "each attempt is its own run")
        #expect(runs.allSatisfy { $0.status == .failed && $0.failureReason == "codex exited 3" })
        #expect(h.files("failed") == ["\(id).error.json", "\(id).json"])
        let error =
            try JSONSerialization.jsonObject(with: Data(contentsOf: h.spool.appendingPathComponent("failed/\(id).error.json")))
            as? [String: Any]
        #expect((error?["reason"] as? String)?.hasPrefix("codex exited 3") == true)
        #expect((error?["stderr_tail"] as? [String])?.contains("codex: boom") == true)
    }

    @Test func aHangPastTheTimeoutIsStoppedAndLeavesNoProcess() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        try h.setMode("hang")
        let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue], ["--timeout", "1", "--max-attempts", "1"])
        #expect(try h.workOnce().status == 0)
        let run = try #require(try h.store().runs(forJob: id).first?.run)
        #expect(run.status == .failed && run.failureReason == "codex timed out after 1s")
        #expect(h.markedProcesses(id).isEmpty)
    }

    @Test func garbageOutputFailsWithTheParserMessageAndKeepsTheRawOutput() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        try h.setMode("garbage")
        let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue], ["--max-attempts", "1"])
        #expect(try h.workOnce().status == 0)
        let run = try #require(try h.store().runs(forJob: id).first?.run)
        #expect(run.failureReason == "missing gate reviews in bundle output: prose/source-residue")
        #expect(run.rawBundleMarkdown?.contains("not a bundle") == true)
        let artifacts = h.root.appendingPathComponent("kb/reports/bundle-reviews/review-run-\(run.id)")
        #expect(try String(contentsOf: artifacts.appendingPathComponent("bundle-output.md"), encoding: .utf8).contains("not a bundle"))
        #expect(!FileManager.default.fileExists(atPath: artifacts.appendingPathComponent("prose__source-residue.md").path))
    }

    @Test func aHugeOutputIsCappedAndTheWorkerCarriesOn() throws {
        let h = try WorkerHarness(config: "output_cap_bytes: 65536")
        defer { h.remove() }
        try h.setMode("huge")
        let huge = try h.enqueue(SampleKB.noteB, [SampleKB.residue], ["--max-attempts", "1"])
        #expect(try h.workOnce().status == 0)
        let run = try #require(try h.store().runs(forJob: huge).first?.run)
        #expect(run.status == .failed && (run.rawBundleMarkdown?.utf8.count ?? 0) <= 65536)
        try h.setMode("ok")
        let next = try h.enqueue(SampleKB.noteC, [SampleKB.residue])
        #expect(try h.workOnce().status == 0)
        #expect(try h.store().runs(forJob: next).first?.run.status == .completed)
    }

    @Test func quotaExhaustionDefersWithoutSpendingAnAttemptAndPauses() throws {
        let h = try WorkerHarness(config: "quota: {pause_s: 3600}")
        defer { h.remove() }
        try h.setMode("quota")
        let first = try h.enqueue(SampleKB.noteA, [SampleKB.residue])
        let second = try h.enqueue(SampleKB.noteB, [SampleKB.residue])
        let worker = try h.revq(["worker", "--once", "--concurrency", "1"])
        #expect(worker.status == 0)
        #expect(worker.stderr.contains("claiming paused"))
        let job = try h.jobFile("deferred", first)
        #expect(job["attempts"] as? Int == 0)
        #expect(try h.store().runs(forJob: first).first?.run.failureReason == "runner quota exhausted: out of extra usage")
        #expect(h.files("new") == ["\(second).json"], "the pool stopped claiming")
        let status = try h.revq(["status", "--json"])
        let document = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        #expect(document?["paused_until"] is String, "revq status shows the pause")
        #expect(try h.revq(["status"]).stdout.contains("claiming: paused until "))
        #expect(try h.workOnce().status == 0)
        #expect(h.files("new") == ["\(second).json"], "a worker started during the pause keeps to it")
    }

    @Test func aDirtyGateFailsTheJobWithoutARunRow() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue])
        try h.sample.write("kb/instructions/review-gates/prose/source-residue.md", "---\n---\nedited\n")
        #expect(try h.workOnce().status == 0)
        #expect(try h.store().runs(forJob: id).isEmpty)
        #expect(try h.store().runs().isEmpty)
        let error =
            try JSONSerialization.jsonObject(with: Data(contentsOf: h.spool.appendingPathComponent("failed/\(id).error.json")))
            as? [String: Any]
        #expect(
            error?["reason"] as? String
                == "gate has uncommitted changes: kb/instructions/review-gates/prose/source-residue.md (review baselines must come from committed gate content)"
        )
    }

    @Test func aWorkerKilledDuringARunIsRecoveredAndTheJobReviewedOnce() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue])
        let worker = try h.startWorkerWithRunnerInFlight()
        kill(worker.processIdentifier, SIGKILL)
        worker.waitUntilExit()
        #expect(!h.markedProcesses(id).isEmpty, "the runner outlives the worker in its own session")
        // What the runner had said by the crash: the run only gets it with its last write, so
        // recovery takes it from the run's artifacts.
        let run = try #require(try h.store().runs(forJob: id).first?.run)
        let output = h.root.appendingPathComponent("kb/reports/bundle-reviews").path
        let stdout = try #require(
            FileManager.default.enumerator(atPath: output)?.compactMap { $0 as? String }.first { $0.hasSuffix("runner-stdout.txt") })
        try Data("partial output before the crash\n".utf8).write(to: URL(fileURLWithPath: output + "/" + stdout))

        try h.setMode("ok")
        #expect(try h.workOnce().status == 0)
        let runs = try h.store().runs(forJob: id).map(\.run)
        #expect(runs.map(\.status) == [.failed, .completed])
        #expect(runs.first?.failureReason == "worker exited during run")
        #expect(runs.first?.id == run.id && runs.first?.rawBundleMarkdown == "partial output before the crash\n")
        #expect(h.markedProcesses(id).isEmpty, "recovery killed the leftover runner")
        #expect(try h.jobFile("done", id)["attempts"] as? Int == 2)
    }

    @Test func sigtermDrainsAndRequeuesWithoutSpendingAnAttempt() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue])
        let worker = try h.startWorkerWithRunnerInFlight()
        worker.terminate()
        worker.waitUntilExit()
        #expect(worker.terminationStatus == 0)
        #expect(h.files("new") == ["\(id).json"])
        #expect(try h.jobFile("new", id)["attempts"] as? Int == 0)
        #expect(try h.store().runs(forJob: id).first?.run.failureReason == "worker stopped during run")
        #expect(h.markedProcesses(id).isEmpty)
    }

    @Test func aJobEnqueuedWhileTheWorkerIdlesIsPickedUpByInotify() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        try h.withRunningWorker {
            let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue])
            #expect(eventually { h.files("done").contains("\(id).json") })
        }
    }
}
