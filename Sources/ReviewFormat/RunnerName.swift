/// Runner names as the review store records them (SPEC §4): the original's `codex` and
/// `claude-code`; `claude` is accepted as another name of `claude-code`.
public enum RunnerName {
    /// Other names of a runner, and the name each stands for.
    public static let aliases = ["claude": "claude-code"]

    /// The name recorded in `review_runs.runner` for a runner named `name`.
    public static func stored(_ name: String) -> String { aliases[name] ?? name }
}
