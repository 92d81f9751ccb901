import Foundation
import Glibc
import Spool
import Testing

@Suite struct RecoveryTests {
    @Test func orphanDetectionRespectsALockHeldByAnotherProcess() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        let job = reviewJob()
        _ = try temp.spool.enqueue(job, rules: testRules)
        do {
            let claimed = try #require(try temp.spool.claim(job.id.fileName, rules: testRules).claimed)
            _ = claimed  // dropped without ending: the job stays in active/, unlocked, like after a crash
        }
        let activePath = temp.path("active", job.id.fileName)
        let ready = temp.base + "/holder-ready"
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = ["--exclusive", activePath, "/bin/sh", "-c", "touch '\(ready)'; read line"]
        let stdin = Pipe()
        holder.standardInput = stdin
        try holder.run()
        try waitUntil("the child to hold the lock") { FileManager.default.fileExists(atPath: ready) }

        #expect(try temp.spool.recoverOrphans(rules: testRules).isEmpty)
        #expect(temp.listing("active") == [job.id.fileName])

        try stdin.fileHandleForWriting.close()
        holder.waitUntilExit()
        let orphans = try temp.spool.recoverOrphans(rules: testRules)
        #expect(orphans.map(\.id) == [job.id])
        #expect(try orphans[0].retry(AttemptReport(reason: "worker exited during run"), at: nil) == .new)
        #expect(try temp.spool.find(job.id.rawValue)?.job?.attempts == 1)
    }

    @Test func anActiveCopyOfAnIdThatLivesElsewhereIsDropped() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        let job = reviewJob()
        _ = try temp.spool.enqueue(job, rules: testRules)
        try temp.place(JobFile.encode(job), as: job.id.fileName, in: "active")
        #expect(try temp.spool.recoverOrphans(rules: testRules).isEmpty)
        #expect(temp.listing("active").isEmpty)
        #expect(temp.listing("new") == [job.id.fileName])
    }

    @Test func staleTemporaryFilesAreRemoved() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        try temp.place(Array("partial".utf8), as: "old.json", in: "tmp")
        try temp.place(Array("partial".utf8), as: "fresh.json", in: "tmp")
        var times = [timespec(tv_sec: time(nil) - 2 * 86_400, tv_nsec: 0), timespec(tv_sec: time(nil) - 2 * 86_400, tv_nsec: 0)]
        utimensat(AT_FDCWD, temp.path("tmp", "old.json"), &times, 0)
        #expect(try temp.spool.removeStaleTemporaryFiles() == 1)
        #expect(temp.listing("tmp") == ["fresh.json"])
    }
}
