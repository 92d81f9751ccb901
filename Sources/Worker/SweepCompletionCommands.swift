import Foundation
import JSONText
import Runner
import Spool
import SystemFiles

/// The configured `sweep.completion_commands`, run once when a sweep ends: each through
/// `/bin/sh -c` in the KB root, one after another, in its own process session with the
/// scrubbed runner environment plus `REVQ_SWEEP_ID`, `REVQ_SWEEP_REVIEWED` and
/// `REVQ_SWEEP_FAILED` and the sweep's job marker (see ``Containment``), under a wall-clock limit. A failing command is recorded and the next
/// one still runs; nothing of the sweep's reviews is undone.
enum SweepCompletionCommands {
    static let timeout = Duration.seconds(600)
    static let grace = Duration.seconds(10)
    static let outputCapBytes = 1 << 20

    /// Runs `commands`; returns one record per command: the command, its exit status (null when
    /// it did not exit by itself), how it ended, and the last lines of its stdout and stderr.
    static func run(_ commands: [String], sweep: JobID, reviewed: Int, failed: Int, kbRoot: URL) async -> [JSONValue] {
        let directory = kbRoot.appendingPathComponent("kb/reports/bundle-reviews/sweep-\(sweep.rawValue)-completion")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let environment = RunnerEnvironment.scrubbed(adding: [
            "REVQ_SWEEP_ID": sweep.rawValue, "REVQ_SWEEP_REVIEWED": String(reviewed), "REVQ_SWEEP_FAILED": String(failed),
            RunnerEnvironment.jobMarker: sweep.rawValue,
        ])
        var records: [JSONValue] = []
        for (index, command) in commands.enumerated() {
            let stdoutPath = directory.appendingPathComponent("command-\(index + 1)-stdout.txt").path
            let stderrPath = directory.appendingPathComponent("command-\(index + 1)-stderr.txt").path
            let launch = ProcessLaunch(
                arguments: ["/bin/sh", "-c", command], workingDirectory: kbRoot.path, environment: environment, stdoutPath: stdoutPath,
                stderrPath: stderrPath, outputCapBytes: outputCapBytes, timeout: timeout, grace: grace)
            let result = await RunnerProcess.run(launch)
            let exit: JSONValue = if case .exited(let status) = result.termination { .integer(Int(status)) } else { .null }
            records.append(
                .object([
                    ("command", .string(command)), ("exit", exit),
                    ("end", .string(result.termination.failureReason(profileName: "command") ?? "exited 0")),
                    ("stdout_tail", tail(stdoutPath)), ("stderr_tail", tail(stderrPath)),
                ]))
        }
        return records
    }

    /// A record for each command when a worker died while they ran: they are not run again.
    static func interrupted(_ commands: [String]) -> [JSONValue] {
        commands.map { command in
            .object([
                ("command", .string(command)), ("exit", .null),
                ("end", .string("not run again: the worker exited while the completion commands ran")),
            ])
        }
    }

    /// The last 20 lines of a file, as a JSON array of strings.
    private static func tail(_ path: String) -> JSONValue {
        let text = WholeFile.text(atPath: path)
        return .array(text.split(whereSeparator: \.isNewline).suffix(20).map { .string(String($0)) })
    }
}
