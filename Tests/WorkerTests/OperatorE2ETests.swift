import Foundation
import Glibc
import ReviewStore
import Spool
import TestSupport
import Testing

/// What an operator sees of a live `revq worker`: `status`, `spool show`, `follow`, `--watch`,
/// a second worker's warning, and a failed job's report.
@Suite struct OperatorE2ETests {
    @Test func statusAndShowNameTheLiveWorkerAndTheRunningJobsRunAndArtifacts() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue])
        let worker = try h.startWorkerWithRunnerInFlight()
        defer {
            worker.terminate()
            worker.waitUntilExit()
        }
        let run = try #require(try h.store().runs(forJob: id).first?.run.id)
        let artifacts = h.root.appendingPathComponent("kb/reports/bundle-reviews/review-run-\(run)").path
        let status = try h.revq(["status"]).stdout
        #expect(status.contains("worker: \(ProcessInfo.processInfo.hostName) pid \(worker.processIdentifier), started "), "\(status)")
        #expect(status.contains(", version \(revqVersion)\n"), "\(status)")
        #expect(status.contains("running: \(id) \(SampleKB.noteB) [\(SampleKB.residue)], attempt 1, run \(run), "), "\(status)")
        #expect(status.contains(", \(artifacts)\n") && !status.contains("no worker running"), "\(status)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(h.revq(["status", "--json"]).stdout.utf8)) as? [String: Any])
        let running = try #require((document["running"] as? [[String: Any]])?.first)
        #expect(running["run_ids"] as? [Int] == [Int(run)] && running["artifacts"] as? String == artifacts)
        #expect((document["workers"] as? [[String: Any]])?.first?["version"] as? String == revqVersion)

        let shown = try h.revq(["spool", "show", String(id.prefix(30))]).stdout
        #expect(shown.contains("  running: attempt 1, run \(run), since "), "\(shown)")
        #expect(shown.contains("  artifacts: \(artifacts)\n  output: \(artifacts)/runner-stdout.txt\n"), "\(shown)")

        let second = try h.revq(["worker", "--once"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("another worker is running on this spool"), "\(second.stderr)")
        #expect(second.stderr.contains("pid=\(worker.processIdentifier)"), "\(second.stderr)")
    }

    @Test func followPrintsStateChangesAndTheRunnersOutputAsItIsWritten() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        try h.setMode("chatty")
        let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue])
        let output = h.home.url.appendingPathComponent("follow.out")
        let follow = try Self.background(h, ["follow", String(id.prefix(28))], output: output)
        // The worker starts once follow has seen the job waiting, so that its first line is new/.
        #expect(eventually(20) { Self.text(output).contains("new/") }, "follow reports the ready job: \(Self.text(output))")
        try h.withRunningWorker {
            #expect(eventually(20) { Self.text(output).contains("thinking...") }, "output while the runner runs: \(Self.text(output))")
            #expect(follow.isRunning && !Self.text(output).contains("done/"))
            try Data().write(to: h.bin.appendingPathComponent("go"))
            #expect(eventually(20) { !follow.isRunning }, "follow ends with the job")
        }
        #expect(follow.terminationStatus == 0)
        let lines = Self.text(output).split(separator: "\n").map(String.init)
        #expect(lines.first == "revq: \(id) new/", "\(lines)")
        #expect(lines.contains("revq: \(id) active/"))
        #expect(lines.contains { $0.hasPrefix("revq: attempt 1, run ") && $0.hasSuffix("/runner-stdout.txt") })
        #expect(lines.contains("=== GATE REVIEW START: \(SampleKB.residue) ==="))
        #expect(lines.last == "revq: \(id) done/")
    }

    @Test func followOfAFailingJobEndsWithItsReasonAndStatus1() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        try h.setMode("exit3")
        let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue], ["--max-attempts", "1"])
        #expect(try h.workOnce().status == 0)
        let follow = try h.revq(["follow", id])
        #expect(follow.status == 1)
        #expect(follow.stdout == "revq: \(id) failed/: codex exited 3 (attempt 1 of 1)\n", "\(follow.stdout)")
    }

    @Test func watchPrintsOneViewPerIntervalUntilInterrupted() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        _ = try h.enqueue()
        for command in [["status"], ["spool", "ls"]] {
            let output = h.home.url.appendingPathComponent("watch.out")
            let watch = try Self.background(h, command + ["--watch", "--interval", "0.1"], output: output)
            let first = command == ["status"] ? "spool: " : "ID "
            #expect(eventually(20) { Self.text(output).components(separatedBy: "\n\n" + first).count >= 3 }, "\(Self.text(output))")
            kill(watch.processIdentifier, SIGINT)
            #expect(eventually(10) { !watch.isRunning })
            #expect(watch.terminationReason == .exit && watch.terminationStatus == 0, "\(command)")
            #expect(Self.text(output).hasPrefix(first) && !Self.text(output).contains("\u{1B}["), "no redraw codes off a terminal")
        }
    }

    @Test func onATerminalWatchRedrawsInPlaceAndCtrlCEndsIt() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        _ = try h.enqueue()
        let output = h.home.url.appendingPathComponent("tty.out")
        // script(1) gives the watch a terminal; a ^C typed into it reaches the watch as SIGINT.
        let command = "exec \(RevqBinary.url.path) status --watch --interval 0.1"
        let keyboard = Pipe()
        let terminal = try Self.background(h, ["-qfec", command, "/dev/null"], output: output, executable: "/usr/bin/script", stdin: keyboard)
        let redraw = "\u{1B}[H\u{1B}[2J"
        #expect(eventually(20) { Self.text(output).components(separatedBy: redraw + "spool: ").count >= 3 }, "\(Self.text(output))")
        try keyboard.fileHandleForWriting.write(contentsOf: Data([3]))
        #expect(eventually(10) { !terminal.isRunning })
        #expect(terminal.terminationStatus == 0, "\(Self.text(output))")
    }

    @Test func theErrorReportKeepsAShortStderrTailAndShowGivesTheReason() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        try h.setMode("noisy")
        let id = try h.enqueue(SampleKB.noteB, [SampleKB.residue], ["--max-attempts", "1"])
        #expect(try h.workOnce().status == 0)
        let report = h.spool.appendingPathComponent("failed/\(id).error.json")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: report.path)[.size] as? Int)
        #expect(size < 8192, "not the whole stderr: \(size) bytes")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
        #expect((document["stderr_tail"] as? [String])?.last == "codex: noisy")
        #expect(try h.revq(["spool", "show", id]).stdout.contains("  failed: codex exited 3"))
    }

    /// `revq <arguments>` (or another program) in the background, stdout and stderr into `output`.
    static func background(
        _ h: WorkerHarness, _ arguments: [String], output: URL, executable: String = RevqBinary.url.path, stdin: Pipe? = nil
    ) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        if let stdin { process.standardInput = stdin }
        process.arguments = arguments
        process.currentDirectoryURL = h.root
        process.environment = h.environment
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    static func text(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }
}
