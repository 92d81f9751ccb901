/// How a runner process ended.
public enum RunnerTermination: Sendable, Equatable {
    /// The process exited on its own with this status.
    case exited(Int32)
    /// The process was ended by a signal that revq did not send.
    case signaled(Int32)
    /// The wall-clock limit was reached; the process group was stopped.
    case timedOut(after: Duration)
    /// The caller's task was cancelled (worker drain or shutdown); the process group was stopped.
    case stopped
    /// The program could not be started; the text says why.
    case launchFailed(String)
    /// The prompt is larger than the configured cap (`prompt_cap_bytes`); nothing was started.
    /// Trying again cannot help: the job fails at once.
    case promptTooLarge(bytes: Int, cap: Int)

    /// True only for a zero exit status.
    public var isSuccess: Bool { self == .exited(0) }

    /// False when another attempt would end the same way (the prompt is over its cap).
    public var isRetryable: Bool {
        if case .promptTooLarge = self { return false }
        return true
    }

    /// The run's failure reason, naming the runner by its profile name; nil for a zero exit.
    ///
    /// `codex exited 3`, `codex timed out after 1800s`, `codex was killed by signal 9`,
    /// `codex was stopped`, `cannot start codex: no such program in PATH: codex`.
    public func failureReason(profileName runner: String) -> String? {
        switch self {
        case .exited(0): nil
        case .exited(let status): "\(runner) exited \(status)"
        case .signaled(let signal): "\(runner) was killed by signal \(signal)"
        case .timedOut(let limit): "\(runner) timed out after \(limit.secondsText)s"
        case .stopped: "\(runner) was stopped"
        case .launchFailed(let why): "cannot start \(runner): \(why)"
        case .promptTooLarge(let bytes, let cap):
            "prompt too large for \(runner): \(bytes) bytes, over prompt_cap_bytes (\(cap))"
        }
    }
}

extension Duration {
    /// Seconds without a trailing `.0`: `1800`, `1.5`.
    var secondsText: String {
        let (seconds, attoseconds) = components
        if attoseconds == 0 { return String(seconds) }
        return String(Double(seconds) + Double(attoseconds) / 1e18)
    }
}
