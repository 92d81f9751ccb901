import Foundation
import Glibc
import TestSupport
import Testing

/// `revq worker` speaking sd_notify to a socket the test owns, as systemd would see it
/// under `Type=notify` with `WatchdogSec=`.
@Suite struct NotifyProtocolTests {
    /// Receives until `stop` returns true for a message, or `seconds` pass; returns what arrived.
    func receive(
        _ systemd: SystemdNotifierTests.FakeSystemd, for seconds: Double, until stop: (String) -> Bool = { _ in false }
    )
        -> [String]
    {
        var timeout = timeval(tv_sec: 0, tv_usec: 50_000)
        setsockopt(systemd.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let deadline = Date().addingTimeInterval(seconds)
        var messages: [String] = []
        while Date() < deadline {
            guard let text = systemd.receive() else { continue }
            messages.append(text)
            if stop(text) { break }
        }
        return messages
    }

    @Test func readyComesAfterRecoveryThenStatusWatchdogAndStoppingOnSigterm() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        let socketDirectory = try TemporaryDirectory("revq-notify")
        defer { socketDirectory.remove() }
        let systemd = try SystemdNotifierTests.FakeSystemd(path: socketDirectory.url.appendingPathComponent("notify").path)

        // An orphan: a claimed job whose worker died. With one attempt, recovery fails it.
        let orphan = try h.enqueue(SampleKB.noteB, [SampleKB.residue], ["--max-attempts", "1"])
        let fileName = "\(orphan).json"
        #expect(
            rename(h.spool.appendingPathComponent("new/\(fileName)").path, h.spool.appendingPathComponent("active/\(fileName)").path) == 0)

        let log = socketDirectory.url.appendingPathComponent("worker.log")
        let worker = try startWorker(h, log: log, ["NOTIFY_SOCKET": systemd.path, "WATCHDOG_USEC": "200000"])
        defer { if worker.isRunning { kill(worker.processIdentifier, SIGKILL) } }

        let untilReady = receive(systemd, for: 20) { $0 == "READY=1" }
        #expect(untilReady.last == "READY=1", "no READY=1; got \(untilReady)")
        #expect(untilReady.count == 1, "READY=1 is the first message, got \(untilReady)")
        #expect(h.files("active").isEmpty, "recovery settled the orphan before READY=1")
        #expect(h.files("failed").contains(fileName))

        // The watchdog interval is half of WATCHDOG_USEC: 100 ms, so about ten in a second.
        let second = receive(systemd, for: 1.0)
        let watchdogs = second.filter { $0 == "WATCHDOG=1" }
        #expect((5...20).contains(watchdogs.count), "\(watchdogs.count) WATCHDOG=1 in one second")
        let status = second.filter { $0.hasPrefix("STATUS=") }
        #expect(!status.isEmpty)
        #expect(status.allSatisfy { $0.range(of: #"^STATUS=\d+ ready, \d+ running, \d+ deferred"#, options: .regularExpression) != nil })

        // A job shows up in the status line while it runs.
        try h.setMode("slow")
        _ = try h.enqueue(SampleKB.noteC, [SampleKB.residue])
        let running = receive(systemd, for: 10) { $0.hasPrefix("STATUS=") && $0.contains("1 running") }
        #expect(running.last?.contains("1 running") == true, "\(running)")

        kill(worker.processIdentifier, SIGTERM)
        let stopping = receive(systemd, for: 10) { $0 == "STOPPING=1" }
        #expect(stopping.last == "STOPPING=1", "\(stopping)")
        let exited = eventually(15) { !worker.isRunning }
        let logText = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(exited, "the worker did not exit within 15 s of SIGTERM:\n\(logText)")
        if exited { #expect(worker.terminationStatus == 0, "\(logText)") }
    }

    /// `revq worker` in the background with its log in a file, for the failure messages.
    func startWorker(_ h: WorkerHarness, log: URL, _ environment: [String: String]) throws -> Process {
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        defer { try? output.close() }
        let process = Process()
        process.executableURL = RevqBinary.url
        process.arguments = ["worker"]
        process.currentDirectoryURL = h.root
        process.environment = h.environment.merging(environment) { $1 }
        process.standardError = output
        process.standardOutput = output
        try process.run()
        return process
    }

    @Test func withoutWatchdogUsecNoWatchdogIsSent() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        let socketDirectory = try TemporaryDirectory("revq-notify")
        defer { socketDirectory.remove() }
        let systemd = try SystemdNotifierTests.FakeSystemd(path: socketDirectory.url.appendingPathComponent("notify").path)
        let worker = try h.startWorker(environment: ["NOTIFY_SOCKET": systemd.path])
        defer { if worker.isRunning { kill(worker.processIdentifier, SIGKILL) } }
        #expect(receive(systemd, for: 20) { $0 == "READY=1" }.last == "READY=1")
        #expect(!receive(systemd, for: 0.5).contains("WATCHDOG=1"))
        kill(worker.processIdentifier, SIGTERM)
        worker.waitUntilExit()
        #expect(worker.terminationStatus == 0)
    }
}
