import Foundation
import Glibc
import ReviewStore
import TestSupport
import Testing

/// The group-shared layout (issue 11): `kb/reports` setgid and group-writable, so that a
/// producer and a worker running as different users of one group share the spool, the store
/// and the run artifacts.
@Suite struct GroupLayoutTests {
    static let isRoot = getuid() == 0
    static let hasUserTools = ["/usr/sbin/useradd", "/usr/sbin/groupadd", "/usr/bin/setpriv"].allSatisfy {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    static func status(_ path: String) -> stat? {
        var info = stat()
        return stat(path, &info) == 0 ? info : nil
    }

    /// Makes `kb/reports` the shared directory of group `gid`: setgid, group-writable.
    static func share(_ h: WorkerHarness, gid: gid_t) throws -> String {
        let reports = h.root.appendingPathComponent("kb/reports").path
        try FileManager.default.createDirectory(atPath: reports, withIntermediateDirectories: true)
        #expect(chown(reports, getuid(), gid) == 0 && chmod(reports, 0o2775) == 0)
        return reports
    }

    /// Every directory the worker made below `kb/reports` kept the setgid bit and the group,
    /// and is group-writable; every artifact is group-writable.
    static func expectShared(_ reports: String, gid: gid_t, runId: Int64) {
        let artifacts = reports + "/bundle-reviews/review-run-\(runId)"
        let directories = ["spool", "spool/new", "spool/active", "spool/done", "bundle-reviews"].map { reports + "/" + $0 } + [
            artifacts
        ]
        for directory in directories {
            let info = status(directory)
            #expect(info.map { $0.st_mode & S_ISGID != 0 && $0.st_mode & S_IWGRP != 0 && $0.st_gid == gid } == true, "\(directory)")
        }
        for file in ["bundle-output.md", SampleKB.residue.replacingOccurrences(of: "/", with: "__") + ".md"].map({ artifacts + "/" + $0 }) + [reports + "/review-store.sqlite"] {
            let info = status(file)
            #expect(info.map { $0.st_mode & S_IWGRP != 0 && $0.st_gid == gid } == true, "\(file)")
        }
    }

    @Test func directoriesAndArtifactsTheWorkerMakesKeepTheSharedGroupAndMode() async throws {
        let h = try WorkerHarness.inProcess()
        defer { h.remove() }
        // The process's own group: a user may always give a directory that group.
        let reports = try Self.share(h, gid: getegid())
        let worker = try InProcessWorker(h)
        let id = try await StoreFaultTests().reviewOne(h, worker)
        #expect(await worker.stop() == nil)
        let run = try #require(try h.store().runs(forJob: id).first?.run)
        Self.expectShared(reports, gid: getegid(), runId: run.id)
    }

    /// A group and two users of it, removed by ``remove()``.
    struct Accounts {
        let group: String
        let producer: String
        let worker: String

        init() throws {
            let suffix = String(UInt32.random(in: 0...0xFFFFFF), radix: 16)
            (group, producer, worker) = ("rqg\(suffix)", "rqp\(suffix)", "rqw\(suffix)")
            try Self.run("/usr/sbin/groupadd", [group])
            for user in [producer, worker] { try Self.run("/usr/sbin/useradd", ["-M", "-N", "-g", group, "-s", "/usr/sbin/nologin", user]) }
        }

        func remove() {
            for user in [producer, worker] { _ = try? Command.run("/usr/sbin/userdel", [user]) }
            _ = try? Command.run("/usr/sbin/groupdel", [group])
        }

        var gid: gid_t { getgrnam(group)?.pointee.gr_gid ?? 0 }
        func uid(_ user: String) -> uid_t { getpwnam(user)?.pointee.pw_uid ?? 0 }

        static func run(_ tool: String, _ arguments: [String]) throws {
            let result = try Command.run(tool, arguments)
            guard result.status == 0 else { throw TestFailure("\(tool) \(arguments.joined(separator: " ")): \(result.stderr)") }
        }
    }

    @Test(.enabled(if: isRoot && hasUserTools, "needs root with useradd, groupadd and setpriv to make two users of one group"))
    func aProducerAndAWorkerOfOneGroupShareTheSpoolAndTheStore() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        let accounts = try Accounts()
        defer { accounts.remove() }
        let reports = try Self.share(h, gid: accounts.gid)

        /// Runs revq as `user` of the group, with a home of its own that trusts the root-owned repository.
        func revq(as user: String, _ arguments: [String]) throws -> CommandResult {
            let home = h.home.url.appendingPathComponent("home-\(user)").path
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
            try "[safe]\n\tdirectory = *\n\tdirectory = \(h.root.path)\n".write(toFile: home + "/.gitconfig", atomically: true, encoding: .utf8)
            #expect(chown(home, accounts.uid(user), accounts.gid) == 0)
            var environment = h.environment
            environment["HOME"] = home
            return try Command.run(
                "/usr/bin/setpriv", ["--reuid=\(user)", "--regid=\(accounts.group)", "--init-groups", RevqBinary.url.path] + arguments,
                in: h.root, environment: environment)
        }

        let enqueued = try revq(as: accounts.producer, ["enqueue", "review", SampleKB.noteB, SampleKB.residue, "--runner", "codex", "--model", "m"])
        #expect(enqueued.status == 0, "\(enqueued.stderr)")
        let id = enqueued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let worked = try revq(as: accounts.worker, ["worker", "--once"])
        #expect(worked.status == 0, "\(worked.stderr)")

        #expect(h.files("done").contains("\(id).json"), "the worker read and finished the producer's job: \(worked.stderr)")
        let runs = try h.store().runs(forJob: id).map(\.run)
        #expect(runs.map(\.status) == [.completed], "\(runs)")
        let run = try #require(runs.first)
        Self.expectShared(reports, gid: accounts.gid, runId: run.id)
        #expect(Self.status(h.spool.appendingPathComponent("done/\(id).json").path)?.st_uid == accounts.uid(accounts.worker))
    }
}
