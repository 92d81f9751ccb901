import Foundation
import RevqConfig
import SystemFiles

/// Runs one runner profile on one prompt: builds the command line (``RunnerCommand``), starts it
/// under ``RunnerProcess`` with the scrubbed environment (``RunnerEnvironment``), then reads its
/// output back into bundle text and telemetry.
public enum Runner {
    /// Runs `invocation` to its end. `onStart` gets the pid as soon as the runner runs.
    /// Never throws: a runner that cannot start gives ``RunnerTermination/launchFailed(_:)``;
    /// cancelling the calling task stops the runner's group and gives ``RunnerTermination/stopped``.
    public static func run(_ invocation: RunnerInvocation, onStart: (Int32) -> Void = { _ in }) async -> RunnerOutcome {
        let command = RunnerCommand(profile: invocation.profile, prompt: invocation.prompt, kbRoot: invocation.kbRoot)
        var log = [
            "runner: \(invocation.profileName) (\(invocation.profile.kind.rawValue))",
            "command: \(command.displayLine)",
            "working directory: \(invocation.kbRoot)",
            "limits: timeout \(invocation.timeout.secondsText)s, grace \(invocation.grace.secondsText)s, "
                + "output cap \(invocation.outputCapBytes) bytes per stream",
        ]
        let promptBytes = command.standardInput.utf8.count
        guard promptBytes <= invocation.promptCapBytes else {
            return notStarted(.promptTooLarge(bytes: promptBytes, cap: invocation.promptCapBytes), log: log)
        }
        var additions = invocation.environment
        do {
            try FileManager.default.createDirectory(atPath: invocation.artifactsDirectory, withIntermediateDirectories: true)
            // Not `Data.write(to:)`, which fsyncs: the prompt is rebuilt by any retry.
            let fd = open(invocation.promptPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: invocation.promptPath]) }
            try FileHandle(fileDescriptor: fd, closeOnDealloc: true).write(contentsOf: Data(command.standardInput.utf8))
            if invocation.profile.kind == .command {
                try? FileManager.default.removeItem(atPath: invocation.telemetryPath)
                additions["REVQ_PROMPT_FILE"] = invocation.promptPath
                additions["REVQ_TELEMETRY_FILE"] = invocation.telemetryPath
            }
        } catch {
            let reason = "cannot prepare \(invocation.artifactsDirectory): \(error.localizedDescription)"
            return notStarted(.launchFailed(reason), log: log)
        }
        let environment = RunnerEnvironment.scrubbed(from: invocation.parentEnvironment, adding: additions)
        let launch = ProcessLaunch(
            arguments: command.arguments, workingDirectory: invocation.kbRoot, environment: environment,
            standardInputPath: invocation.promptPath, stdoutPath: invocation.stdoutPath,
            stderrPath: invocation.stderrPath, outputCapBytes: invocation.outputCapBytes, timeout: invocation.timeout,
            grace: invocation.grace, cgroup: invocation.cgroup)
        let launchedAt = Date()
        let result = await RunnerProcess.run(launch, onStart: onStart)
        guard let pid = result.pid else { return notStarted(result.termination, log: log) }

        let stdout = readText(invocation.stdoutPath)
        let stderr = readText(invocation.stderrPath)
        let bundleText: String
        let telemetry: TelemetryCapture
        switch invocation.profile.kind {
        case .codex:
            bundleText = stdout
            telemetry = .codex(
                stdout: stdout, stderr: stderr, environment: environment,
                codexPrompt: RunnerCommand.codexPrompt(profile: invocation.profile, prompt: invocation.prompt), launchedAt: launchedAt)
        case .claudeCode:
            let transcript = ClaudeStream.parse(stdout)
            bundleText = transcript.text
            telemetry = .claude(transcript)
        case .command:
            bundleText = stdout
            telemetry = .command(telemetryPath: invocation.telemetryPath)
        }

        log += [
            "pid: \(pid)",
            "end: \(describe(result.termination))",
            "duration: \(result.duration.millisecondsText)",
            "stdout: \(describe(result.stdout))",
            "stderr: \(describe(result.stderr))",
        ]
        log += result.notes
        log.append((telemetry.json == nil ? "telemetry: none: " : "telemetry: ") + telemetry.note)
        return RunnerOutcome(
            termination: result.termination, bundleText: bundleText, stdout: stdout, stderr: stderr,
            stdoutTruncated: result.stdout.truncated, stderrTruncated: result.stderr.truncated, telemetryJSON: telemetry.json,
            telemetryNote: telemetry.json == nil ? telemetry.note : nil, debugLog: log.joined(separator: "\n") + "\n",
            duration: result.duration, pid: pid)
    }

    private static func notStarted(_ termination: RunnerTermination, log: [String]) -> RunnerOutcome {
        let note = "the runner did not start"
        return RunnerOutcome(
            termination: termination, bundleText: "", stdout: "", stderr: "", stdoutTruncated: false, stderrTruncated: false,
            telemetryJSON: nil, telemetryNote: note,
            debugLog: (log + ["end: \(describe(termination))", "telemetry: none: \(note)"]).joined(separator: "\n") + "\n",
            duration: .zero, pid: nil)
    }

    /// A file's text with invalid UTF-8 replaced; empty when it cannot be read.
    private static func readText(_ path: String) -> String {
        WholeFile.text(atPath: path)
    }

    private static func describe(_ termination: RunnerTermination) -> String {
        switch termination {
        case .exited(let status): "exited \(status)"
        case .signaled(let signal): "killed by signal \(signal)"
        case .timedOut(let limit): "timed out after \(limit.secondsText)s"
        case .stopped: "stopped on request"
        case .launchFailed(let why): "not started: \(why)"
        case .promptTooLarge(let bytes, let cap): "not started: prompt of \(bytes) bytes over the cap of \(cap)"
        }
    }

    private static func describe(_ stream: CapturedStream) -> String {
        let kept = "\(stream.keptBytes) bytes in \(stream.path)"
        return stream.truncated ? kept + " (truncated at the cap; \(stream.discardedBytes) bytes discarded)" : kept
    }
}

extension Duration {
    /// Seconds with millisecond precision: `1.234s`.
    var millisecondsText: String {
        let (seconds, attoseconds) = components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)s"
    }
}
