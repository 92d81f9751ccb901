import Foundation
import Glibc
import ReviewStore
import TestSupport
import Testing

/// Faults from outside revq: another writer holding the store, a full disk, a vanished KB or
/// spool, a clock that jumps.
@Suite struct FaultInjectionTests {
    /// Another process holding the store's write lock until ``release()``.
    struct StoreLock {
        let holder = Process()
        let input = Pipe()

        init(_ h: WorkerHarness) throws {
            let locked = h.home.url.appendingPathComponent("locked-\(UUID().uuidString)").path
            holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            holder.arguments = [
                "python3", "-c",
                "import sqlite3,sys; c=sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('BEGIN EXCLUSIVE'); "
                    + "open(sys.argv[2],'w').close(); sys.stdin.read(); c.execute('COMMIT')",
                h.storePath, locked,
            ]
            holder.standardInput = input
            try holder.run()
            guard eventually(10, { FileManager.default.fileExists(atPath: locked) }) else { throw TestFailure("no lock taken") }
        }

        func release() {
            try? input.fileHandleForWriting.close()
            holder.waitUntilExit()
        }
    }

    @Test func aStoreLockedPastTheBusyTimeoutHoldsTheJobWithoutSpendingAnAttempt() throws {
        let h = try WorkerHarness(config: "busy_timeout_s: 1\nretry: {max_attempts: 1, backoff_base_s: 0, backoff_max_s: 0, jitter: 0}")
        defer { h.remove() }
        try h.withRunningWorker {
            let lock = try StoreLock(h)
            defer { lock.release() }
            let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue])
            // Held until the worker has met the lock (it says so in the spool), then released.
            #expect(eventually(20) { FileManager.default.fileExists(atPath: h.spool.appendingPathComponent("claiming-stopped").path) })
            #expect(h.files("failed").isEmpty, "one attempt allowed, none spent")
            lock.release()
            #expect(eventually(20) { h.files("done").contains("\(id).json") })
            #expect(try h.jobFile("done", id)["attempts"] as? Int == 1)
            #expect(try h.store().runs(forJob: id).filter { $0.run.status == .completed }.count == 1)
            #expect(try h.store().runs(status: .running).isEmpty)
        }
    }

    @Test func aCommandFacingALockedStoreSaysSo() throws {
        let h = try WorkerHarness(config: "busy_timeout_s: 0")
        defer { h.remove() }
        _ = try h.store()
        let lock = try StoreLock(h)
        defer { lock.release() }
        let result = try h.revq(["run", "create", SampleKB.noteB, SampleKB.residue, "--runner", "agent", "--model", "m"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("revq: error: ") && result.stderr.contains("database is locked"))
    }

    static let canMount: Bool = {
        let probe = try? TemporaryDirectory("revq-mount-probe")
        defer { probe?.remove() }
        guard let probe, let mount = try? Command.run("/usr/bin/env", ["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", probe.path]),
            mount.status == 0
        else { return false }
        _ = try? Command.run("/usr/bin/env", ["umount", probe.path])
        return true
    }()

    @Test(.enabled(if: canMount, "needs permission to mount a tmpfs"))
    func aFullDiskRefusesTheEnqueueAndLeavesNoPartialJob() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        let small = try TemporaryDirectory("revq-full")
        defer { small.remove() }
        try Command.run("/usr/bin/env", ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", small.path])
        defer { _ = try? Command.run("/usr/bin/env", ["umount", small.path]) }
        let spool = small.url.appendingPathComponent("spool").path
        var accepted = 0
        var refused: CommandResult?
        for _ in 0..<200 {
            let result = try Command.run(
                RevqBinary.url.path,
                ["enqueue", "review", SampleKB.noteB, SampleKB.residue, "--runner", "codex", "--model", "m", "--spool", spool],
                in: h.root, environment: h.environment)
            if result.status != 0 {
                refused = result
                break
            }
            accepted += 1
        }
        let failure = try #require(refused, "the 64 KiB file system never filled up")
        #expect(failure.status == 1)
        #expect(failure.stderr.hasPrefix("revq: error: ") && failure.stderr.contains("No space left on device"))
        let new = try FileManager.default.contentsOfDirectory(atPath: spool + "/new")
        #expect(new.count == accepted, "every reported job is there, and nothing else")
        for name in new {
            let data = try #require(FileManager.default.contents(atPath: spool + "/new/" + name))
            #expect((try? JSONSerialization.jsonObject(with: data)) != nil, "\(name) is a whole job")
        }
    }

    @Test func aVanishedKnowledgeBaseFailsTheJobWithAClearReason() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        let outside = try TemporaryDirectory("revq-outside")
        defer { outside.remove() }
        let env = [
            "--spool", outside.url.appendingPathComponent("spool").path, "--db", outside.url.appendingPathComponent("store.sqlite").path,
        ]
        let enqueued = try h.revq(["enqueue", "review", SampleKB.noteB, SampleKB.residue, "--runner", "codex", "--model", "m"] + env)
        let id = enqueued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try FileManager.default.removeItem(at: h.root.appendingPathComponent("kb/notes"))
        let worker = try h.revq(["worker", "--once"] + env)
        #expect(worker.status == 0)
        let error =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: outside.url.appendingPathComponent("spool/failed/\(id).error.json"))) as? [String: Any]
        #expect(error?["reason"] as? String == "note not found: kb/notes/b.md")
    }

    @Test func aSpoolRemovedUnderARunningWorkerIsMadeAgainAndWatched() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        try h.withRunningWorker {
            // Moved away in one step, then deleted: the worker sees its directory vanish at once.
            let gone = h.home.url.appendingPathComponent("spool-gone")
            #expect(rename(h.spool.path, gone.path) == 0)
            try FileManager.default.removeItem(at: gone)
            #expect(
                eventually { FileManager.default.fileExists(atPath: h.spool.appendingPathComponent("new").path) },
                "the worker made the spool again")
            let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue])
            #expect(eventually(30) { h.files("done").contains("\(id).json") })
        }
    }

    static let hasFaketime = FileManager.default.isExecutableFile(atPath: "/usr/bin/faketime")

    @Test(.enabled(if: hasFaketime, "needs faketime (apt-get install faketime)"))
    func aClockThatJumpsForwardMakesDeferredJobsDue() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue], ["--not-before", "1h"])
        #expect(h.files("deferred") == ["\(id).json"])
        let unchanged = try h.workOnce()
        #expect(unchanged.status == 0 && h.files("deferred") == ["\(id).json"], "not due on the real clock")
        let jumped = try Command.run(
            "/usr/bin/faketime", ["-f", "+2h", RevqBinary.url.path, "worker", "--once"], in: h.root, environment: h.environment)
        #expect(jumped.status == 0, "\(jumped.stderr)")
        #expect(h.files("done").contains("\(id).json"))
    }
}
