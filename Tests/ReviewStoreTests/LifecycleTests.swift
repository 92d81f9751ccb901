import Foundation
import KnowledgeBase
import ReviewFlow
import ReviewFormat
import ReviewStore
import TestSupport
import Testing

@Suite struct LifecycleTests {
    @Test func createWriteTwoGatesFinalize() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        let id = try f.createRun(SampleKB.noteA, ["prose"])
        var run = try f.store.run(id)
        #expect(run.status == .running && run.completedAt == nil)
        #expect(run.gates.map(\.gateId) == [SampleKB.clarity, SampleKB.residue])
        #expect(run.gates.map(\.ordinal) == [0, 1])

        #expect(try SplitReview.writeGate(store: f.store, run: id, gateId: SampleKB.residue, text: "- WARN: close paraphrase") == .warn)
        #expect(try SplitReview.writeGate(store: f.store, run: id, gateId: SampleKB.clarity, text: "Clear.\nVerdict: ok") == .pass)
        run = try SplitReview.finalize(store: f.store, kb: f.kb, run: id, actualModelId: nil)

        #expect(run.status == .completed)
        let reviews = try f.store.gateReviews(run: id)
        #expect(reviews.map(\.gateId) == [SampleKB.clarity, SampleKB.residue])
        #expect(reviews.map(\.decision) == [.pass, .warn])
        #expect(reviews[0].rationaleMarkdown == "Clear.\n\n## Result: PASS\n")
        #expect(
            reviews.allSatisfy {
                $0.modelId == "gpt-5-4-high" && $0.reviewKind == "full-review" && $0.reviewedNoteSha == run.reviewedNoteSha
            })
        #expect(reviews.map(\.gateSha) == run.gates.map(\.gateSha))
        let acceptances = try f.store.acceptances(run: id)
        #expect(acceptances.map(\.gateId) == [SampleKB.clarity, SampleKB.residue])
        #expect(acceptances.allSatisfy { $0.acceptedAt == run.completedAt && $0.acceptanceKind == "full-review" })
        #expect(acceptances.map(\.acceptedReviewId) == reviews.map(\.id))
        #expect(run.rawBundleMarkdown?.contains("=== GATE REVIEW START: prose/source-residue ===") == true)
        let artifacts = ReviewArtifacts(kb: f.kb, runId: id).directory
        #expect(FileManager.default.fileExists(atPath: artifacts.appendingPathComponent("bundle-output.md").path))
        #expect(
            try String(contentsOf: artifacts.appendingPathComponent("prose__clarity.md"), encoding: .utf8) == "Clear.\n\n## Result: PASS\n")
    }

    @Test func finalizeWithAMissingGateFailsTheRunWithoutAcceptances() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        let id = try f.createRun(SampleKB.noteA, ["prose", "semantic"])
        _ = try SplitReview.writeGate(store: f.store, run: id, gateId: SampleKB.residue, text: "## Result: PASS\nok")
        #expect(throws: ReviewStoreError("missing gates: prose/clarity, semantic/grounding-alignment", isRefusal: false)) {
            try f.store.recordAndFinalizeRun(run: id)
        }
        let run = try f.store.run(id)
        #expect(run.status == .failed)
        #expect(run.failureReason == "missing gates: prose/clarity, semantic/grounding-alignment")
        #expect(run.completedAt != nil)
        #expect(try f.scalar("SELECT COUNT(*) FROM acceptance_events") == 0)
    }

    @Test func aGateIsWrittenOnceOnly() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        let id = try f.createRun()
        try f.store.recordGateReview(run: id, f.review(SampleKB.residue))
        #expect(throws: ReviewStoreError("gate review already recorded for review run \(id): prose/source-residue", isRefusal: true)) {
            try f.store.recordGateReview(run: id, f.review(SampleKB.residue, "## Result: FAIL"))
        }
        #expect(throws: ReviewStoreError("gate semantic/grounding-alignment is not part of review run \(id)", isRefusal: true)) {
            try f.store.recordGateReview(run: id, f.review(SampleKB.grounding))
        }
        #expect(try f.store.gateReviews(run: id).map(\.decision) == [.pass])
    }

    @Test(arguments: [RunStatus.completed, .failed])
    func terminalRunsRefuseEveryWrite(status: RunStatus) throws {
        let f = try StoreFixture()
        defer { f.remove() }
        let id = try f.createRun(SampleKB.noteB, [SampleKB.residue])
        if status == .completed {
            try f.store.recordAndFinalizeRun(run: id, reviews: [f.review(SampleKB.residue)])
        } else {
            try f.store.failRun(run: id, reason: "runner exited 3")
        }
        let before = try f.store.run(id)
        let writable = ReviewStoreError("review run is not writable: \(status.rawValue)", isRefusal: true)
        #expect(throws: writable) { try f.store.recordGateReview(run: id, f.review(SampleKB.residue)) }
        #expect(throws: writable) { try f.store.attachExecutionData(run: id, ExecutionData(telemetryJSON: "{}")) }
        #expect(throws: writable) { try f.store.failRun(run: id, reason: "again") }
        #expect(throws: ReviewStoreError("review run is not finalizable: \(status.rawValue)", isRefusal: true)) {
            try f.store.recordAndFinalizeRun(run: id, reviews: [], actualModelId: "other")
        }
        #expect(try f.store.run(id) == before)
    }

    @Test func unknownRunIsRefused() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        #expect(throws: ReviewStoreError("review run not found: 99", isRefusal: true)) { try f.store.run(99) }
        #expect(throws: ReviewStoreError("review run not found: 99", isRefusal: true)) { try f.store.recordAndFinalizeRun(run: 99) }
    }

    @Test func dirtyAndUntrackedNotesAreRecordedWithHashObjectAndNoCommit() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        try f.sample.write(SampleKB.noteB, "---\ntitle: B\n---\nedited\n")
        try f.sample.write("kb/notes/fresh.md", "---\ntitle: F\n---\nnew\n")
        for note in [SampleKB.noteB, "kb/notes/fresh.md"] {
            let id = try f.createRun(note, [SampleKB.residue])
            try f.store.recordAndFinalizeRun(run: id, reviews: [f.review(SampleKB.residue)])
            let expected = try f.sample.git(["hash-object", note]).trimmingCharacters(in: .whitespacesAndNewlines)
            let run = try f.store.run(id)
            #expect(run.reviewedNoteSha == expected && run.reviewedNoteCommit == nil)
            #expect(try f.store.gateReviews(run: id).allSatisfy { $0.reviewedNoteSha == expected && $0.reviewedNoteCommit == nil })
            #expect(try f.store.acceptances(run: id).allSatisfy { $0.acceptedNoteSha == expected && $0.acceptedNoteCommit == nil })
        }
    }

    @Test func aDirtyGateCreatesNoRun() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        try f.sample.write("kb/instructions/review-gates/prose/clarity.md", "---\n---\nchanged\n")
        #expect(throws: KnowledgeBaseError.self) { try f.createRun(SampleKB.noteA, ["prose"]) }
        #expect(try f.scalar("SELECT COUNT(*) FROM review_runs") == 0)
    }

    @Test func rekeyingMovesRunReviewsAndAcceptancesToTheActualPartition() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        let id = try f.createRun(SampleKB.noteA, ["prose"], model: "gpt-5-4-high")
        try f.store.recordGateReview(run: id, f.review(SampleKB.clarity))
        let run = try f.store.recordAndFinalizeRun(run: id, reviews: [f.review(SampleKB.residue)], actualModelId: "gpt-5-4-xhigh")
        #expect(run.modelId == "gpt-5-4-xhigh")
        #expect(try f.store.gateReviews(run: id).map(\.modelId) == ["gpt-5-4-xhigh", "gpt-5-4-xhigh"])
        #expect(try f.store.acceptances(run: id).map(\.modelId) == ["gpt-5-4-xhigh", "gpt-5-4-xhigh"])
        #expect(try f.scalar("SELECT COUNT(*) FROM gate_reviews WHERE model_id = 'gpt-5-4-high'") == 0)
    }

    @Test func aFailureInsideFinalizeLeavesNoneOfTheCallsRows() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        let id = try f.createRun(SampleKB.noteA, ["prose"], model: "requested")
        try f.store.recordGateReview(run: id, f.review(SampleKB.clarity))
        // Another client makes the very last step of the transaction fail.
        try f.sqlite(
            "CREATE TRIGGER refuse_acceptance BEFORE INSERT ON acceptance_events BEGIN SELECT RAISE(ABORT, 'injected failure'); END;")
        #expect(throws: ReviewStoreError("injected failure", isRefusal: false)) {
            try f.store.recordAndFinalizeRun(run: id, reviews: [f.review(SampleKB.residue)], actualModelId: "actual")
        }
        let run = try f.store.run(id)
        #expect(run.status == .failed && run.failureReason == "injected failure")
        #expect(run.modelId == "requested")
        // The review written before the call stays; the one of the call is gone.
        #expect(try f.store.gateReviews(run: id).map(\.gateId) == [SampleKB.clarity])
        #expect(try f.store.gateReviews(run: id).map(\.modelId) == ["requested"])
        #expect(try f.scalar("SELECT COUNT(*) FROM acceptance_events") == 0)
    }

    @Test func executionDataKeepsWhatANullArgumentDoesNotReplace() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        let id = try f.createRun()
        try f.store.attachExecutionData(run: id, ExecutionData(telemetryJSON: #"{"a":1}"#, rawBundleMarkdown: "raw", debugLog: "log"))
        try f.store.attachExecutionData(run: id, ExecutionData(debugLog: "log 2"))
        var run = try f.store.run(id)
        #expect(run.telemetryJSON == #"{"a":1}"# && run.rawBundleMarkdown == "raw" && run.debugLog == "log 2")
        #expect(run.status == .running && run.modelId == "gpt-5-4-high")
        try f.store.failRun(run: id, reason: "codex exited 3", executionData: ExecutionData(rawBundleMarkdown: "garbage"))
        run = try f.store.run(id)
        #expect(run.status == .failed && run.failureReason == "codex exited 3" && run.rawBundleMarkdown == "garbage")
        #expect(run.telemetryJSON == #"{"a":1}"#)
    }

    @Test func timestampsAreLocalISO8601WithOffsetInWholeSeconds() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        let run = try f.store.run(try f.createRun())
        #expect(run.startedAt.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d/) != nil)
    }
}

@Suite struct JobBookkeepingTests {
    @Test func runsOfAJobAreLinkedInTheirOwnTableWithASharedStart() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        let requests = try [SampleKB.noteA, SampleKB.noteB].map {
            try ResolvedReview(kb: f.kb, notePath: $0, gateArguments: [SampleKB.residue]).newRun(model: "m", runner: "codex")
        }
        let ids = try f.store.createRuns(requests, job: JobAttempt(jobId: "job-1-b0", attempt: 2))
        let other = try f.createRun()
        let linked = try f.store.runs(forJob: "job-1-b0")
        #expect(linked.map(\.run.id) == ids && linked.allSatisfy { $0.attempt == 2 })
        #expect(Set(linked.map(\.run.startedAt)).count == 1)
        #expect(try f.store.runs(forJob: "job-2").isEmpty)
        #expect(try f.scalar("SELECT COUNT(*) FROM revq_job_runs WHERE review_run_id = \(other)") == 0)
        // The review_runs table itself has no queue columns.
        #expect(try f.sqlite("SELECT COUNT(*) FROM pragma_table_info('review_runs')") == "13")
    }
}
