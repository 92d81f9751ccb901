import Foundation
import Glibc
import ReviewStore
import TestSupport
import Testing
import Worker

/// The store failing under a running worker (issue 11): each test is a real fault against the
/// real worker in this process, and asserts where every job and run ended.
@Suite struct StoreFaultTests {
    /// The job's spent attempts and its history entries, wherever it is.
    func attempts(_ h: WorkerHarness, _ id: String, in state: String) throws -> (spent: Int, history: Int) {
        let job = try h.jobFile(state, id)
        // Both are left out of the file while zero.
        return (job["attempts"] as? Int ?? 0, (job["history"] as? [Any])?.count ?? 0)
    }

    /// Runs one job through the worker and waits until it is done.
    func reviewOne(_ h: WorkerHarness, _ worker: InProcessWorker) async throws -> String {
        let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue])
        guard await eventually(within: 30, { h.files("done").contains("\(id).json") }) else { throw TestFailure("\(id) not done") }
        return id
    }

    @Test func aLockHeldPastTheBusyTimeoutMidJobSpendsNoAttemptAndLeavesNoRunRunning() async throws {
        let h = try WorkerHarness.inProcess(config: "busy_timeout_s: 1")
        defer { h.remove() }
        try h.setMode("gated")
        let worker = try InProcessWorker(h)
        let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue])
        #expect(await eventually(within: 20) { FileManager.default.fileExists(atPath: h.startedMarker.path) })
        let lock = try FaultInjectionTests.StoreLock(h)
        defer { lock.release() }
        // The runner answers while the store is locked: neither its data nor the run's failure can be written.
        try h.setMode("ok")
        FileManager.default.createFile(atPath: h.bin.appendingPathComponent("go").path, contents: nil)
        #expect(await worker.waitForStatus(containing: "claiming stopped: review store busy"))
        #expect(await eventually(within: 10) { h.files("new").contains("\(id).json") }, "the job went back to new/")
        #expect(try attempts(h, id, in: "new") == (0, 0), "no attempt spent, nothing recorded")
        lock.release()
        #expect(await eventually(within: 30) { h.files("done").contains("\(id).json") })
        let runs = try h.store().runs(forJob: id).map(\.run)
        #expect(runs.map(\.status) == [.failed, .completed], "the first run was failed by the reconciler: \(runs.map(\.failureReason))")
        #expect(runs.first?.failureReason?.hasPrefix("worker error: review store busy") == true, "\(runs.first?.failureReason ?? "")")
        #expect(try h.store().runs(status: .running).isEmpty)
        #expect(try attempts(h, id, in: "done") == (1, 1))
        #expect(await worker.stop() == nil)
    }

    /// Starts a worker, reviews one job, applies `fault` to the store file, enqueues another and
    /// checks that the worker stopped claiming: the job stays in `new/` with no attempt spent,
    /// no run is written anywhere for it, and the worker ends with an error (as under systemd).
    func expectClaimingStops(_ status: String, after fault: (WorkerHarness) throws -> Void) async throws {
        let h = try WorkerHarness.inProcess()
        defer { h.remove() }
        let worker = try InProcessWorker(
            h, options: WorkerOptions(concurrency: 1, once: false, probeInterval: .milliseconds(50), exitOnPersistentFault: true))
        let first = try await reviewOne(h, worker)
        try fault(h)
        let second = try h.enqueue(SampleKB.noteB, [SampleKB.residue])
        let ended = await worker.ended()
        #expect(ended is WorkerStopped, "the worker exits non-zero: \(String(describing: ended))")
        #expect("\(ended.map { "\($0)" } ?? "")".contains(status))
        #expect(h.files("new") == ["\(second).json"] && h.files("active").isEmpty)
        #expect(try attempts(h, second, in: "new") == (0, 0))
        #expect(h.files("done") == ["\(first).json", "\(first).result.json"])
        #expect(try String(contentsOf: h.spool.appendingPathComponent("claiming-stopped"), encoding: .utf8).contains(status))
        let status = try h.revq(["status"])
        #expect(status.stdout.contains("claiming: stopped"), "\(status.stdout)")
    }

    @Test func aReplacedStoreIsNeverWrittenTo() async throws {
        try await expectClaimingStops("replaced") { h in
            let other = h.home.url.appendingPathComponent("other.sqlite").path
            _ = try ReviewStore(path: other)
            #expect(rename(other, h.storePath) == 0)
        }
    }

    @Test func aRemovedStoreIsNeverWrittenTo() async throws {
        try await expectClaimingStops("removed") { h in
            for suffix in ["", "-wal", "-shm"] { unlink(h.storePath + suffix) }
        }
    }

    @Test func aTruncatedStoreStopsClaiming() async throws {
        try await expectClaimingStops("malformed") { h in
            let checkpoint = try Command.run("/usr/bin/env", ["sqlite3", h.storePath, "PRAGMA wal_checkpoint(TRUNCATE)"])
            #expect(checkpoint.status == 0, "\(checkpoint.stderr)")
            #expect(truncate(h.storePath, 4096 * 2) == 0)
            // Another writer's commit makes the worker's connections drop their cached pages.
            _ = try Command.run("/usr/bin/env", ["sqlite3", h.storePath, "PRAGMA user_version = 7"])
        }
    }
}

/// A store that became read-only under a running worker. Tests run as root, whom file modes do
/// not stop, so the store file and its WAL are made immutable (`chattr +i`), which stops root too.
@Suite struct ReadOnlyStoreTests {
    /// Whether `chattr +i` works here (root, on a file system with the immutable flag).
    static let canMakeImmutable: Bool = {
        guard let probe = try? TemporaryDirectory("revq-immutable-probe") else { return false }
        defer { probe.remove() }
        let file = probe.url.appendingPathComponent("f").path
        guard FileManager.default.createFile(atPath: file, contents: nil),
            (try? Command.run("/usr/bin/env", ["chattr", "+i", file]))?.status == 0
        else { return false }
        _ = try? Command.run("/usr/bin/env", ["chattr", "-i", file])
        return true
    }()

    func setImmutable(_ on: Bool, _ paths: [String]) throws {
        for path in paths where FileManager.default.fileExists(atPath: path) {
            let result = try Command.run("/usr/bin/env", ["chattr", on ? "+i" : "-i", path])
            guard result.status == 0 else { throw TestFailure("chattr \(path): \(result.stderr)") }
        }
    }

    @Test(.enabled(if: canMakeImmutable, "needs `chattr +i` (root on a file system with the immutable flag)"))
    func aReadOnlyStoreStopsClaimingKeepsJobsInPlaceAndClaimingResumesWhenWritableAgain() async throws {
        let h = try WorkerHarness.inProcess()
        defer { h.remove() }
        let worker = try InProcessWorker(h)
        let first = try await StoreFaultTests().reviewOne(h, worker)
        // The shared-memory index stays writable: SQLite maps it, and a write to an immutable
        // mapping would be a SIGBUS rather than an error.
        let files = [h.storePath, h.storePath + "-wal"]
        try setImmutable(true, files)
        defer { try? setImmutable(false, files) }
        let second = try h.enqueue(SampleKB.noteB, [SampleKB.residue])

        #expect(await worker.waitForStatus(containing: "claiming stopped: review store read-only"))
        #expect(await eventually(within: 10) { h.files("new") == ["\(second).json"] }, "the job went back to new/")
        #expect(h.files("active").isEmpty && h.files("failed").isEmpty && h.files("deferred").isEmpty)
        #expect(try StoreFaultTests().attempts(h, second, in: "new") == (0, 0), "no attempt spent")
        let status = try h.revq(["status"])
        #expect(status.stdout.contains("claiming: stopped") && status.stdout.contains("read-only"), "\(status.stdout)")

        try setImmutable(false, files)
        #expect(await eventually(within: 30) { h.files("done").contains("\(second).json") }, "claiming resumed by itself")
        let runs = try h.store().runs(forJob: second).map(\.run)
        #expect(runs.filter { $0.status == .completed }.count == 1 && !runs.contains { $0.status == .running }, "\(runs)")
        #expect(try StoreFaultTests().attempts(h, second, in: "done") == (1, 1))
        #expect(h.files("done").contains("\(first).json"))
        #expect(await worker.stop() == nil)
    }
}
