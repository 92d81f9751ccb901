import Foundation
import Glibc
import TestSupport
import Testing

/// SPEC §2 and §5: a commit is on disk before the spool move that depends on it, a claim is on
/// disk before its run, and any number of processes can open one fresh store at once. Issue 13:
/// what the worker does before a runner may start.
@Suite struct DurabilityTests {
    static let hasStrace = FileManager.default.isExecutableFile(atPath: "/usr/bin/strace")

    /// One traced system call: its name and the paths it names (`strace -y` prints a
    /// descriptor's path beside it).
    struct Call {
        let name: String
        let text: Substring
        func names(_ fragment: String) -> Bool { text.contains(fragment) }
    }

    @Test(.enabled(if: hasStrace, "needs strace (apt-get install strace)"))
    func theWALIsSyncedBeforeTheJobMovesAndTheClaimBeforeTheRun() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue])
        let lines = try Self.traceWorkerOnce(h, ["-y", "-e", "trace=pwrite64,fsync,fdatasync,rename,renameat2"])
        #expect(h.files("done").contains("\(id).json"))
        let calls = lines.compactMap { line -> Call? in
            let body = line.drop { $0 != " " }.drop { $0 == " " }
            guard let open = body.firstIndex(of: "(") else { return nil }
            return Call(name: String(body[..<open]), text: body)
        }
        let wal = "review-store.sqlite-wal>"
        let isWALWrite = { (c: Call) in c.name == "pwrite64" && c.names(wal) }
        let isWALSync = { (c: Call) in (c.name == "fdatasync" || c.name == "fsync") && c.names(wal) }

        let done = try #require(calls.firstIndex { $0.name.hasPrefix("rename") && $0.names("/done/\(id)") }, "the job's move to done/")
        let lastWrite = try #require(calls[..<done].lastIndex(where: isWALWrite), "the run's commit")
        #expect(calls[lastWrite..<done].contains(where: isWALSync), "the WAL is synced after the last commit and before the move")

        let claim = try #require(calls.firstIndex { $0.name.hasPrefix("rename") && $0.names("/active/\(id).json") }, "the claim")
        let firstWrite = try #require(calls[claim...].firstIndex(where: isWALWrite), "createRun")
        #expect(calls[claim..<firstWrite].contains { $0.name == "fsync" && $0.names("/spool/active>") }, "active/ is synced after the claim")
    }

    /// Creating a file is dear on some disks (ext4 without a journal after much churn), so the
    /// job's `.running` sidecar, which only informs readers, is written once the runner runs.
    @Test(.enabled(if: hasStrace, "needs strace (apt-get install strace)"))
    func theRunningSidecarIsWrittenAfterTheRunnerStarts() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue])
        let lines = try Self.traceWorkerOnce(h, ["-e", "trace=execve,rename"])
        let runner = try #require(lines.firstIndex { $0.contains("execve(") && $0.contains("/codex\"") }, "the runner's start")
        let running = try #require(lines.firstIndex { $0.contains("rename(") && $0.contains("/active/\(id).running") }, "the sidecar")
        #expect(runner < running)
    }

    /// The lines of an `strace -f` (with `options`) of `revq worker --once`, which must succeed.
    static func traceWorkerOnce(_ h: WorkerHarness, _ options: [String]) throws -> [Substring] {
        let trace = h.home.url.appendingPathComponent("trace").path
        let result = try Command.run(
            "/usr/bin/strace", ["-f", "-qq"] + options + ["-o", trace, RevqBinary.url.path, "worker", "--once"],
            in: h.root, environment: h.environment)
        #expect(result.status == 0, "\(result.stderr)")
        return try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n")
    }

    @Test func twoWorkersAndACommandOpenAFreshStoreAtOnce() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        for round in 0..<20 {
            let db = h.home.url.appendingPathComponent("round-\(round)/store.sqlite").path
            let spool = h.home.url.appendingPathComponent("round-\(round)/spool").path
            let commands = [
                ["worker", "--once"], ["worker", "--once"],
                ["run", "create", SampleKB.noteB, SampleKB.residue, "--runner", "agent", "--model", "m"],
            ]
            let processes = try commands.map { arguments in
                let process = Process()
                process.executableURL = RevqBinary.url
                process.arguments = arguments + ["--db", db, "--spool", spool]
                process.currentDirectoryURL = h.root
                process.environment = h.environment
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                return process
            }
            for (process, arguments) in zip(processes, commands) {
                process.waitUntilExit()
                #expect(process.terminationStatus == 0, "round \(round): revq \(arguments.joined(separator: " "))")
            }
        }
    }
}
