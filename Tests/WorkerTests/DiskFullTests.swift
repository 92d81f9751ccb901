import Foundation
import Glibc
import ReviewStore
import TestSupport
import Testing

/// Issue 11: a full disk stops claiming, keeps every job where it is with no attempt spent, and
/// the worker resumes by itself when space returns.
@Suite struct DiskFullTests {
    @Test(.enabled(if: FaultInjectionTests.canMount, "needs permission to mount a tmpfs"))
    func aFullDiskStopsClaimingAndTheWorkerResumesWhenSpaceReturns() async throws {
        let small = try TemporaryDirectory("revq-full-disk")
        defer { small.remove() }
        try #require(try Command.run("/usr/bin/env", ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", small.path]).status == 0)
        defer { _ = try? Command.run("/usr/bin/env", ["umount", small.path]) }
        let spool = small.url.appendingPathComponent("spool")
        let storePath = small.url.appendingPathComponent("store.sqlite").path
        let h = try WorkerHarness.inProcess(config: "store: \(storePath)\nspool: \(spool.path)")
        defer { h.remove() }
        // Kept open so that the store's WAL and shared-memory files exist before the disk fills.
        let store = try ReviewStore(path: storePath)
        let ids = try (0..<5).map { _ in try h.enqueue(SampleKB.noteB, [SampleKB.residue]) }
        let filler = small.url.appendingPathComponent("filler").path
        let fd = open(filler, O_WRONLY | O_CREAT, 0o600)
        let block = [UInt8](repeating: 0x5A, count: 4096)
        while block.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
        close(fd)

        func files(_ state: String) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: spool.appendingPathComponent(state).path)) ?? []).filter {
                !$0.contains(".result.")
            }
        }
        let worker = try InProcessWorker(h)
        #expect(await worker.waitForStatus(containing: "claiming stopped: disk full"))
        #expect(files("failed").isEmpty && files("deferred").isEmpty && files("done").isEmpty)
        #expect(files("new").count + files("active").count == 5 && files("active").count <= 1, "jobs stay where they were")
        #expect(try store.runs(status: .completed).isEmpty)

        unlink(filler)
        #expect(await eventually(within: 60) { files("done").count == 5 }, "the worker resumed by itself")
        for id in ids {
            let job = try JSONSerialization.jsonObject(with: Data(contentsOf: spool.appendingPathComponent("done/\(id).json"))) as? [String: Any]
            #expect((job?["history"] as? [Any])?.count == 1, "one attempt, no retry: \(id)")
            #expect(try store.runs(forJob: id).filter { $0.run.status == .completed }.count == 1)
        }
        #expect(try store.runs(status: .running).isEmpty)
        #expect(files("active").isEmpty)
        #expect(await worker.stop() == nil)
    }
}
