import Foundation
import Glibc
import ReviewFormat
import ReviewStore
import TestSupport
import Testing

/// Sweeps end to end: `revq enqueue sweep`, then `revq worker` as a real process with the
/// sweep-aware fake codex on PATH.
@Suite struct SweepE2ETests {
    @Test func sevenNotesInBatchesOfThreeShareTelemetryPerBatchAndEndWithTheCompletionCommands() throws {
        let h = try WorkerHarness(
            config: "sweep: {completion_commands: [\"echo reviewed-$REVQ_SWEEP_REVIEWED > completion.txt\", \"echo oops >&2; exit 4\"]}")
        defer { h.remove() }
        try h.installSweepCodex()
        let notes = try h.addNotes(7)
        let id = try h.enqueueSweep(SampleKB.residue, notes.flatMap { ["--note", $0] }, ["--batch-size", "3"])
        let worker = try h.workOnce()
        #expect(worker.status == 0, "\(worker.stderr)")
        #expect(worker.stderr.contains("sweep \(id): reviewed 7 notes in 3 batches, 0 failed"))

        let batches = try h.batchRuns(id)
        #expect(batches.keys.sorted() == ["\(id)-b1", "\(id)-b2", "\(id)-b3"])
        #expect(batches.values.map(\.count).sorted() == [1, 3, 3])
        let runs = batches.values.flatMap { $0 }
        #expect(runs.allSatisfy { $0.status == .completed && $0.modelId == "gpt-5-4-xhigh" })
        #expect(Set(runs.map(\.notePath)) == Set(notes))
        #expect(runs.allSatisfy { $0.gates.map(\.gateId) == [SampleKB.residue] && $0.gates.map(\.ordinal) == [0] })
        for batch in batches.values {
            #expect(Set(batch.map(\.telemetryJSON)).count == 1, "one telemetry payload per batch")
            #expect(Set(batch.map(\.startedAt)).count == 1, "one shared started_at per batch")
            #expect(batch.first?.telemetryJSON != nil)
        }
        #expect(Set(batches.values.map { $0.first?.telemetryJSON }).count == 3, "each batch has its own telemetry")
        let store = try h.store()
        #expect(try runs.map { try store.acceptances(run: $0.id).count } == Array(repeating: 1, count: 7))
        #expect(try runs.allSatisfy { try store.gateReviews(run: $0.id).map(\.decision) == [.warn] })

        #expect(h.files("waiting").isEmpty)
        let result = try h.sidecar("done", "\(id).result.json")
        #expect(result["reviewed"] as? Int == 7 && result["failed"] as? Int == 0 && result["notes"] as? Int == 7)
        #expect(Set(result["run_ids"] as? [Int] ?? []) == Set(runs.map { Int($0.id) }))
        #expect((result["batches"] as? [[String: Any]])?.map { $0["state"] as? String } == ["done", "done", "done"])
        let commands = result["completion_commands"] as? [[String: Any]] ?? []
        #expect(commands.map { $0["exit"] as? Int } == [0, 4])
        #expect(commands.last?["stderr_tail"] as? [String] == ["oops"])
        #expect(try String(contentsOf: h.root.appendingPathComponent("completion.txt"), encoding: .utf8) == "reviewed-7\n")
    }

    /// As in the original, output that lacks a note does not parse: the whole batch fails (and is
    /// retried, as any output that does not parse), keeping the raw output; other batches go on.
    @Test func aMissingNoteFailsItsWholeBatchAndADeadBatchLeavesTheOthersAndTheSweepDone() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        try h.installSweepCodex()
        let notes = try h.addNotes(7)
        try h.setFile("omit", notes[1])
        try h.setFile("fail-on", notes[6])
        let id = try h.enqueueSweep(SampleKB.residue, notes.flatMap { ["--note", $0] }, ["--batch-size", "3", "--max-attempts", "2"])
        let worker = try h.workOnce()
        #expect(worker.status == 0, "\(worker.stderr)")
        #expect(worker.stderr.contains("sweep \(id): reviewed 3 notes in 3 batches, 4 failed"))

        let batches = try h.batchRuns(id)
        let first = try #require(batches["\(id)-b1"])
        #expect(first.count == 6, "two attempts of three runs")
        #expect(first.allSatisfy { $0.status == .failed && $0.failureReason == "missing note reviews in gate sweep output: \(notes[1])" })
        #expect(Set(first.map(\.telemetryJSON)).count == 2 && first[0].telemetryJSON != nil, "each attempt keeps its telemetry")
        let raw = try String(
            contentsOf: h.root.appendingPathComponent("kb/reports/bundle-reviews/sweep-\(id)-b1-attempt-1/bundle-output.md"),
            encoding: .utf8)
        #expect(raw.contains("=== NOTE START: \(notes[0]) ===") && !raw.contains("=== NOTE START: \(notes[1]) ==="))
        #expect(batches["\(id)-b2"]?.map(\.status) == [.completed, .completed, .completed])
        let third = try #require(batches["\(id)-b3"])
        #expect(third.count == 2, "each attempt of the dead batch has its own run")
        #expect(third.allSatisfy { $0.status == .failed && $0.failureReason == "codex exited 3" })
        #expect(h.files("failed") == ["\(id)-b1.error.json", "\(id)-b1.json", "\(id)-b3.error.json", "\(id)-b3.json"])
        #expect(h.files("done").contains("\(id)-b2.json"))

        let result = try h.sidecar("done", "\(id).result.json")
        #expect(result["reviewed"] as? Int == 3 && result["failed"] as? Int == 4)
        #expect((result["batches"] as? [[String: Any]])?.map { $0["state"] as? String } == ["failed", "done", "failed"])
    }

    @Test func aWorkerKilledDuringExpansionNeitherLosesNorDuplicatesABatch() throws {
        let h = try WorkerHarness(config: "concurrency: 1")
        defer { h.remove() }
        try h.installSweepCodex()
        let notes = try h.addNotes(7)
        let id = try h.enqueueSweep(SampleKB.residue, notes.flatMap { ["--note", $0] }, ["--batch-size", "3"])
        let worker = try h.startWorker(environment: ["REVQ_TEST_SWEEP_HALT_AFTER_BATCH": "2"])
        #expect(eventually { h.files("new").contains("\(id)-b2.json") })
        kill(worker.processIdentifier, SIGKILL)
        worker.waitUntilExit()
        #expect(h.files("new") == ["\(id)-b1.json", "\(id)-b2.json"])
        #expect(h.files("active") == ["\(id).json"])

        let again = try h.workOnce()
        #expect(again.status == 0, "\(again.stderr)")
        let batches = try h.batchRuns(id)
        #expect(batches.keys.sorted() == ["\(id)-b1", "\(id)-b2", "\(id)-b3"])
        let completed = batches.values.flatMap { $0 }.filter { $0.status == .completed }
        #expect(completed.map(\.notePath).sorted() == notes.sorted(), "exactly one completed run per note")
        #expect(try h.jobFile("done", id)["attempts"] as? Int == 2, "the crash spent an attempt")
    }

    @Test func aWorkerKilledDuringABatchReviewsEachNoteExactlyOnce() throws {
        let h = try WorkerHarness(config: "concurrency: 1")
        defer { h.remove() }
        try h.installSweepCodex()
        let notes = try h.addNotes(4)
        try h.setMode("slow")
        let id = try h.enqueueSweep(SampleKB.residue, notes.flatMap { ["--note", $0] }, ["--batch-size", "2"])
        let worker = try h.startWorker()
        #expect(eventually { FileManager.default.fileExists(atPath: h.startedMarker.path) })
        kill(worker.processIdentifier, SIGKILL)
        worker.waitUntilExit()

        try h.setMode("ok")
        let again = try h.workOnce()
        #expect(again.status == 0, "\(again.stderr)")
        let batches = try h.batchRuns(id)
        #expect(batches.keys.sorted() == ["\(id)-b1", "\(id)-b2"])
        let runs = batches.values.flatMap { $0 }
        #expect(runs.filter { $0.status == .completed }.map(\.notePath).sorted() == notes.sorted())
        #expect(runs.filter { $0.status == .failed }.allSatisfy { $0.failureReason == "worker exited during run" })
        #expect(runs.filter { $0.status == .failed }.count == 2, "the killed batch's two runs")
        #expect(try h.sidecar("done", "\(id).result.json")["reviewed"] as? Int == 4)
    }

    @Test func aStaleSweepPicksOnlyStaleNotesAndASecondOneFindsNothing() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        try h.installSweepCodex()
        let review = try h.revq(["enqueue", "review", SampleKB.noteA, SampleKB.residue, "--runner", "codex", "--model", "gpt-5-4-xhigh"])
        #expect(review.status == 0)
        #expect(try h.workOnce().status == 0)

        let first = try h.enqueueSweep(SampleKB.residue, ["--stale"], model: "gpt-5-4-xhigh")
        #expect(try h.workOnce().status == 0)
        let runs = try h.batchRuns(first).values.flatMap { $0 }
        #expect(runs.map(\.notePath).sorted() == [SampleKB.noteB, SampleKB.noteC])
        #expect(runs.allSatisfy { $0.status == .completed })

        let second = try h.enqueueSweep(SampleKB.residue, ["--stale"], model: "gpt-5-4-xhigh")
        let worker = try h.workOnce()
        #expect(worker.stderr.contains("sweep \(second): reviewed 0 notes in 0 batches, 0 failed"))
        #expect(try h.batchRuns(second).isEmpty)
        let result = try h.sidecar("done", "\(second).result.json")
        #expect(result["reviewed"] as? Int == 0 && (result["batches"] as? [Any])?.isEmpty == true)
    }

    @Test func aGateThatDoesNotApplyToANoteLeavesItOut() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        try h.installSweepCodex()
        let id = try h.enqueueSweep(SampleKB.grounding, ["--note", SampleKB.noteA, "--note", SampleKB.noteB])
        #expect(try h.workOnce().status == 0)
        #expect(try h.batchRuns(id).values.flatMap { $0 }.map(\.notePath) == [SampleKB.noteA])
    }

    @Test func aNoteWithAReservedSentinelGetsNoRunAndCountsAsFailed() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        try h.installSweepCodex()
        try h.sample.write("kb/notes/odd.md", "---\ntitle: Odd\ntraits: []\n---\nBefore\n=== NOTE END: kb/notes/b.md ===\n")
        try h.sample.commit("a note that quotes a sentinel")
        let id = try h.enqueueSweep(SampleKB.residue, ["--note", "kb/notes/odd.md", "--note", SampleKB.noteB])
        let worker = try h.workOnce()
        #expect(worker.stderr.contains("sweep \(id): reviewed 1 notes in 1 batches, 1 failed"))
        #expect(try h.batchRuns(id)["\(id)-b1"]?.map(\.notePath) == [SampleKB.noteB])
        let batch = try h.sidecar("done", "\(id)-b1.result.json")
        let odd = (batch["notes"] as? [[String: Any]])?.first
        #expect(odd?["status"] as? String == "not reviewed")
        #expect(odd?["reason"] as? String == "reserved sentinel in kb/notes/odd.md line 6")
    }

    @Test func aWorkerKilledWhileTheCompletionCommandsRunDoesNotRunThemAgain() throws {
        let h = try WorkerHarness(config: "sweep: {completion_commands: [\"echo ran >> completion.txt; kill -9 $PPID; sleep 5\"]}")
        defer { h.remove() }
        try h.installSweepCodex()
        let id = try h.enqueueSweep(SampleKB.residue, ["--note", SampleKB.noteB])
        let killed = try h.workOnce()
        #expect(killed.status != 0, "the command killed its worker")
        #expect(h.files("waiting").contains("\(id).json") && h.files("waiting").contains("\(id).completion.json"))

        let again = try h.workOnce()
        #expect(again.status == 0, "\(again.stderr)")
        #expect(h.files("waiting").isEmpty)
        #expect(try String(contentsOf: h.root.appendingPathComponent("completion.txt"), encoding: .utf8) == "ran\n")
        let result = try h.sidecar("done", "\(id).result.json")
        let command = (result["completion_commands"] as? [[String: Any]])?.first
        #expect(command?["end"] as? String == "not run again: the worker exited while the completion commands ran")
        #expect(result["reviewed"] as? Int == 1)
    }
}

extension SweepE2ETests {
    /// `current_only` (`--stale --current`) selects, as the original does, the stale notes whose
    /// frontmatter says `status: current`, reviewed before or not; other notes stay out.
    @Test func aCurrentOnlyStaleSweepTakesTheCurrentNotesReviewedOrNot() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        try h.installSweepCodex()
        try h.sample.write(SampleKB.noteB, "---\ntitle: B\nstatus: current\ntraits: []\n---\nBeta body.\n")
        try h.sample.write(SampleKB.noteC, "---\ntitle: C\nstatus: draft\ntraits: [draft]\n---\nGamma body.\n")
        try h.sample.write("kb/notes/d.md", "---\ntitle: D\nstatus: current\ntraits: []\n---\nDelta body.\n")
        try h.sample.commit("statuses")
        let model = "gpt-5-4-xhigh"
        let first = try h.enqueueSweep(SampleKB.residue, ["--note", SampleKB.noteB], model: model)
        #expect(try h.workOnce().status == 0)
        #expect(try h.batchRuns(first).values.flatMap { $0 }.map(\.status) == [.completed])
        try h.sample.write(SampleKB.noteB, "---\ntitle: B\nstatus: current\ntraits: []\n---\nBeta body, edited.\n")
        try h.sample.commit("edit b")

        let sweep = try h.enqueueSweep(SampleKB.residue, ["--stale", "--current"], model: model)
        #expect(try h.jobFile("new", sweep)["select"] as? [String: Bool] == ["stale": true, "current_only": true])
        #expect(try h.workOnce().status == 0)
        let runs = try h.batchRuns(sweep).values.flatMap { $0 }
        #expect(runs.map(\.notePath).sorted() == [SampleKB.noteB, "kb/notes/d.md"], "b changed since its review, d never reviewed")
        #expect(runs.allSatisfy { $0.status == .completed })
    }
}
