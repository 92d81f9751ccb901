import Foundation
import Glibc
import TestSupport
import Testing

/// `revq status` and `revq spool show` on a sweep whose second batch is still running.
@Suite struct SweepProgressTests {
    @Test func statusAndSpoolShowReportARunningSweepsBatches() throws {
        let h = try WorkerHarness(config: "concurrency: 1")
        defer { h.remove() }
        try h.installSweepCodex()
        let notes = try h.addNotes(4)
        try h.setFile("slow-on", notes[2])
        let id = try h.enqueueSweep(SampleKB.residue, notes.flatMap { ["--note", $0] }, ["--batch-size", "2"])
        let worker = try h.startWorker()
        defer {
            worker.terminate()
            worker.waitUntilExit()
        }
        #expect(eventually { FileManager.default.fileExists(atPath: h.startedMarker.path) })

        let status = try h.revq(["status", "--json"])
        let document = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let sweep = try #require((document?["sweeps"] as? [[String: Any]])?.first)
        #expect(sweep["id"] as? String == id)
        #expect(sweep["batches_total"] as? Int == 2 && sweep["batches_ended"] as? Int == 1)
        #expect(sweep["notes"] as? Int == 4 && sweep["reviewed"] as? Int == 2)
        #expect((document?["jobs"] as? [String: Int])?["waiting"] == 1)
        #expect(try h.revq(["status"]).stdout.contains("sweep \(id): batches 1/2, notes reviewed 2/4, failed 0"))

        let show = try h.revq(["spool", "show", id])
        #expect(show.stdout.contains("job \(id) in waiting/"))
        #expect(show.stdout.contains("\(id)-b1  done  2/2 reviewed"))
        #expect(show.stdout.contains("\(id)-b2  active  0/2 reviewed"))
        let detail =
            try JSONSerialization.jsonObject(with: Data(try h.revq(["spool", "show", id, "--json"]).stdout.utf8)) as? [String: Any]
        let batches = (detail?["sweep"] as? [String: Any])?["batches"] as? [[String: Any]]
        #expect(batches?.map { $0["state"] as? String } == ["done", "active"])
    }
}
