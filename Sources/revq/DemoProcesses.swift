import Foundation
import Glibc
import RevqConfig

/// The demo's config file and the `revq` child processes it runs against it: the worker and
/// the enqueue commands, all this same executable.
struct DemoProcesses {
    let root: URL
    /// This executable, by absolute path: the sample runner profile and the child processes use it.
    let executable: String
    var configPath: String { root.appendingPathComponent("revq.yaml").path }
    var workerLog: URL { root.appendingPathComponent("worker.log") }
    /// The config as every child reads it.
    var settings: Settings {
        get throws { try Settings(flags: .init(config: configPath), environment: [:], currentDirectory: root.path) }
    }

    init(root: URL) throws {
        self.root = root
        executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    }

    /// A small pool, quick retries and one `command` runner profile: `revq sample-runner`.
    func writeConfig() throws {
        let text = """
            # Written by revq demo. The store and the spool are in their default places under kb/reports.
            kb_root: .
            concurrency: 2
            drain_grace_s: 5
            retry: {max_attempts: 2, backoff_base_s: 1, backoff_max_s: 2}
            sweep: {batch_size: 5}
            runners:
              sample:
                kind: command
                command: [\(YAMLText.quotedIfNeeded(executable)), sample-runner, --delay-ms, "300"]
                timeout_s: 30
                grace_s: 2

            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: configPath))
    }

    /// The caller's environment without anything that would point a child elsewhere: no
    /// `REVQ_*` setting but the demo's config, and no systemd notify socket.
    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("REVQ_") && $0.key != "NOTIFY_SOCKET" && !$0.key.hasPrefix("WATCHDOG_")
        }
        environment["REVQ_CONFIG"] = configPath
        return environment
    }

    /// `revq worker` in the background, its stdout and stderr appended to ``workerLog``.
    func startWorker() throws -> Process {
        FileManager.default.createFile(atPath: workerLog.path, contents: nil)
        let log = try FileHandle(forWritingTo: workerLog)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["worker"]
        process.currentDirectoryURL = root
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try log.close()
        return process
    }

    /// Runs `revq <arguments>` and returns the job id it prints.
    func enqueue(_ arguments: [String]) throws -> String {
        let process = Process()
        let output = Pipe()
        let errors = Pipe()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = root
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CLIFailure.runtime("revq \(arguments.joined(separator: " ")) failed: \(problem.trimmingCharacters(in: .newlines))")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Asks the worker to drain and waits for it; returns its exit status.
    func stop(_ worker: Process) -> Int32 {
        if worker.isRunning { kill(worker.processIdentifier, SIGTERM) }
        worker.waitUntilExit()
        return worker.terminationStatus
    }
}
