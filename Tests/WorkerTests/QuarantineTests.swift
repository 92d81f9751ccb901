import Foundation
import Glibc
import TestSupport
import Testing

/// Issue 11: bad files dropped by the thousand are moved aside off the claim path, each with a
/// log line, and a valid job among them is reviewed.
@Suite struct QuarantineTests {
    @Test func manyBadFilesAreQuarantinedEachWithALogLineAndAValidJobStillRuns() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue])
        let count = 2_000
        let new = h.spool.appendingPathComponent("new")
        for index in 0..<count {
            // Named to sort before the valid job: a claim in name order would meet every one first.
            try Data("{\"version\": \(index)".utf8).write(to: new.appendingPathComponent(String(format: "00000-bad-%05d.json", index)))
        }
        let result = try h.workOnce()
        #expect(result.status == 0, "\(result.stderr.suffix(500))")
        #expect(h.files("done").contains("\(id).json"))
        #expect(h.files("new").isEmpty)
        let failed = h.files("failed")
        #expect(failed.filter { $0.hasSuffix(".error.json") }.count == count)
        #expect(failed.count == 2 * count)
        let lines = result.stderr.split(separator: "\n").filter { $0.contains("event=\"bad job file quarantined\"") }
        #expect(lines.count == count)
        #expect(lines.first?.contains("reason=\"not JSON: ") == true, "\(lines.first ?? "")")
    }
}
