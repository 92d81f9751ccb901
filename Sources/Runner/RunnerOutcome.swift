/// Everything a runner call produced, for the worker to store and judge.
public struct RunnerOutcome: Sendable {
    public var termination: RunnerTermination
    /// The text for the bundle parser: stdout for codex and command runners, the assistant
    /// text of the event stream for claude-code.
    public var bundleText: String
    /// Raw stdout (up to the cap), decoded as UTF-8 with invalid bytes replaced.
    public var stdout: String
    /// Raw stderr (up to the cap), decoded the same way.
    public var stderr: String
    public var stdoutTruncated: Bool
    public var stderrTruncated: Bool
    /// Telemetry JSON (provider-specific; accepted by `ModelPartition.actual(telemetryJSON:)`);
    /// nil when it could not be found, and then ``telemetryNote`` says why.
    public var telemetryJSON: String?
    public var telemetryNote: String?
    /// A readable account of the call: command line (without the prompt), pid, end, duration,
    /// output sizes and truncation, signals sent, telemetry source or why there is none.
    public var debugLog: String
    public var duration: Duration
    /// The runner's pid and process group id; nil when it did not start.
    public var pid: Int32?

    /// The last lines of stderr (at most 20), for a log line or an error report.
    public var stderrTail: [String] {
        Array(stderr.split(whereSeparator: \.isNewline).suffix(20).map(String.init))
    }

    /// See ``RunnerTermination/failureReason(profileName:)``.
    public func failureReason(profileName: String) -> String? {
        termination.failureReason(profileName: profileName)
    }

    /// The first quota pattern found in stdout or stderr (see ``matchesQuota(_:patterns:)``).
    public func quotaMatch(patterns: [String]) -> String? {
        matchesQuota(stdout, patterns: patterns) ?? matchesQuota(stderr, patterns: patterns)
    }
}
