import Foundation

/// The environment a runner gets: a short list taken from the parent, plus what the caller adds.
///
/// Nothing else passes: not `NOTIFY_SOCKET` or `WATCHDOG_*` (a runner must not talk to
/// systemd in the worker's name), not `REVQ_CONFIG` or other `REVQ_*` settings, not the
/// worker's credentials.
public enum RunnerEnvironment {
    /// Variables copied from the parent when set. `HOME` matters: codex keeps its session logs
    /// under `$HOME/.codex/sessions`.
    public static let inherited = ["PATH", "HOME", "LANG", "LC_ALL", "USER", "LOGNAME", "TMPDIR"]
    /// The variable that marks a runner's processes with their job id (`REVQ_JOB_ID=<id>`), so that
    /// a worker restarting after a crash finds them: see ``leftoverProcessGroups(markedWith:)``.
    public static let jobMarker = "REVQ_JOB_ID"
    /// Used when the parent has no `PATH`.
    public static let defaultPath = "/usr/local/bin:/usr/bin:/bin"

    /// The inherited variables of `parent` (the current process's environment when nil),
    /// overlaid with `additions`.
    public static func scrubbed(from parent: [String: String]? = nil, adding additions: [String: String] = [:]) -> [String: String] {
        let parent = parent ?? ProcessInfo.processInfo.environment
        var environment = parent.filter { inherited.contains($0.key) }
        if environment["PATH"] == nil { environment["PATH"] = defaultPath }
        environment.merge(additions) { _, added in added }
        return environment
    }
}
