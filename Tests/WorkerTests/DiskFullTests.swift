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

/// A full disk under the run artifacts alone (a tmpfs on `kb/reports/bundle-reviews`): the
/// store and the spool are fine, so only the artifacts tell the worker that the disk failed.
@Suite struct ArtifactsDiskFullTests {
    /// Mounts a small tmpfs on the artifacts directory, runs `body` with the path of the file that
    /// fills it (`bundle-reviews/filler`), then unmounts it.
    func withSmallArtifactsDisk(_ h: WorkerHarness, _ body: (String) async throws -> Void) async throws {
        let artifacts = h.root.appendingPathComponent("kb/reports/bundle-reviews")
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        try #require(try Command.run("/usr/bin/env", ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", artifacts.path]).status == 0)
        defer { _ = try? Command.run("/usr/bin/env", ["umount", "-l", artifacts.path]) }
        try await body(artifacts.appendingPathComponent("filler").path)
    }

    /// The job met the full disk: it is back in `new/` with no attempt spent, its run failed
    /// with `reason`; once `filler` is gone, the worker resumes by itself and the job is done.
    func expectPutBackThenDone(_ h: WorkerHarness, _ worker: InProcessWorker, _ id: String, filler: String, reason: String) async throws {
        #expect(await worker.waitForStatus(containing: "claiming stopped: disk full"))
        #expect(await eventually(within: 10) { h.files("new") == ["\(id).json"] }, "the job went back to new/")
        #expect(h.files("failed").isEmpty && h.files("deferred").isEmpty && h.files("active").isEmpty)
        #expect(try StoreFaultTests().attempts(h, id, in: "new") == (0, 0), "no attempt spent")
        let first = try h.store().runs(forJob: id).map(\.run)
        #expect(first.map(\.status) == [.failed], "the run that met the full disk was failed: \(first)")
        #expect(first.first?.failureReason?.contains(reason) == true, "\(first.first?.failureReason ?? "")")

        try h.setMode("ok")
        unlink(filler)
        #expect(await eventually(within: 30) { h.files("done").contains("\(id).json") }, "the worker resumed by itself")
        #expect(try StoreFaultTests().attempts(h, id, in: "done") == (1, 1))
        #expect(try h.store().runs(forJob: id).map(\.run.status) == [.failed, .completed])
        #expect(await worker.stop() == nil)
    }

    @Test(.enabled(if: FaultInjectionTests.canMount, "needs permission to mount a tmpfs"))
    func aBundleWriteOnAFullDiskPutsTheJobBackWithoutSpendingAnAttempt() async throws {
        let h = try WorkerHarness.inProcess()
        defer { h.remove() }
        try await withSmallArtifactsDisk(h) { filler in
            // The runner answers, then fills the disk before the worker writes `bundle-output.md`.
            try h.setMode("fill")
            let worker = try InProcessWorker(h)
            let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue])
            try await expectPutBackThenDone(h, worker, id, filler: filler, reason: "bundle-output.md.partial: No space left on device")
        }
    }

    @Test(.enabled(if: FaultInjectionTests.canMount, "needs permission to mount a tmpfs"))
    func aRunnerThatCannotBeLaunchedOnAFullDiskPutsTheJobBack() async throws {
        let h = try WorkerHarness.inProcess()
        defer { h.remove() }
        try await withSmallArtifactsDisk(h) { filler in
            let fd = open(filler, O_WRONLY | O_CREAT, 0o600)
            let block = [UInt8](repeating: 0x5A, count: 4096)
            while block.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
            close(fd)
            let worker = try InProcessWorker(h)
            let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue])
            try await expectPutBackThenDone(h, worker, id, filler: filler, reason: "disk full: less than 64 KiB free")
        }
    }
}
