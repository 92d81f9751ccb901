import Foundation
import JSONText
import Spool
import TestSupport
import Testing

/// The spool capabilities sweeps add: batch job files, idempotent batch creation, `waiting/`
/// and its end-of-sweep lock and completion record.
@Suite struct SweepSpoolTests {
    let rules = JobRules(knownRunners: ["codex"])

    func batch(of sweep: JobID, _ k: Int, notes: [String] = ["kb/notes/a.md"]) -> Job {
        Job(
            id: JobID(sweep.rawValue + "-b\(k)")!, work: .sweep(gate: "prose/x", selection: .batch(of: sweep, notes: notes), batchSize: 5),
            runner: "codex", model: "m")
    }

    @Test func aBatchJobFileRoundTripsAndProducersCannotSubmitOne() throws {
        let sweep = JobID.generate(priority: 0)
        let job = batch(of: sweep, 2, notes: ["kb/notes/a.md", "kb/notes/b.md"])
        let bytes = JobFile.encode(job)
        #expect(
            String(decoding: bytes, as: UTF8.self).contains(#""select":{"batch_of":"\#(sweep)","notes":["kb/notes/a.md","kb/notes/b.md"]}"#)
        )
        #expect(try JobFile.decode(bytes, origin: .spoolFile(fileName: job.id.fileName), rules: rules) == job)

        let line =
            #"{"version":1,"kind":"sweep","gate":"prose/x","select":{"batch_of":"\#(sweep)","notes":["kb/notes/a.md"]},"runner":"codex","model":"m"}"#
        #expect(throws: JobDefect.self) { try JobFile.decode(Array(line.utf8), origin: .submission(submittedBy: nil), rules: rules) }
    }

    @Test func batchesAreCreatedOnceAndListedByNumber() throws {
        let directory = try TemporaryDirectory("revq-sweep-spool")
        defer { directory.remove() }
        let spool = Spool(root: directory.path + "/spool")
        let sweep = JobID.generate(priority: 0)
        for k in [1, 2, 10] { #expect(try spool.createBatch(batch(of: sweep, k))) }
        #expect(try spool.createBatch(batch(of: sweep, 2)) == false, "an existing batch is not written again")
        #expect(try spool.batches(of: sweep).map(\.id.rawValue) == [1, 2, 10].map { "\(sweep)-b\($0)" })
        #expect(try spool.batches(of: JobID.generate(priority: 0)).isEmpty)
    }

    @Test func aParkedSweepIsLockedByOneStageAndItsLeftoverCopyRemoved() throws {
        let directory = try TemporaryDirectory("revq-sweep-spool")
        defer { directory.remove() }
        let spool = Spool(root: directory.path + "/spool")
        let sweep = Job(work: .sweep(gate: "prose/x", selection: .stale(currentOnly: false), batchSize: 3), runner: "codex", model: "m")
        _ = try spool.enqueue(sweep, rules: rules)
        guard case .claimed(let claimed) = try spool.claim(sweep.id.fileName, rules: rules) else { throw TestFailure("not claimed") }
        try claimed.park(AttemptReport(reason: "expanded"))
        #expect(try spool.locate(sweep.id) == .waiting)
        #expect(try spool.record(sweep.id.fileName, in: .waiting).job?.history.map(\.outcome) == [.expanded])

        guard case .locked(let stage) = try spool.lockWaiting(sweep.id, rules: rules) else { throw TestFailure("not locked") }
        guard case .busy = try spool.lockWaiting(sweep.id, rules: rules) else { throw TestFailure("a second stage got the lock") }
        try spool.writeCompletionRecord(.object([("started_at", .string("now"))]), of: sweep.id)
        #expect(try spool.completionRecord(of: sweep.id)?["started_at"] == .string("now"))
        #expect(try spool.names(in: .waiting) == [sweep.id.fileName], "the record is a sidecar, not a job")
        try stage.finish(AttemptReport(), result: .object([]))
        #expect(try spool.locate(sweep.id) == .done)
        #expect(try spool.completionRecord(of: sweep.id) == nil)
        // A crash between the two steps of the final move leaves a copy in waiting/.
        try FileManager.default.copyItem(
            atPath: "\(spool.root)/done/\(sweep.id.fileName)", toPath: "\(spool.root)/waiting/\(sweep.id.fileName)")
        guard case .gone = try spool.lockWaiting(sweep.id, rules: rules) else { throw TestFailure("still parked") }
        #expect(try spool.names(in: .waiting).isEmpty)
    }
}
