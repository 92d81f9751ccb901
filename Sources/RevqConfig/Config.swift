import ReviewFormat

/// The contents of `revq.yaml`: every setting with its built-in default.
///
/// Paths are kept as written; ``Settings`` resolves them against flags, environment
/// variables and the KB root.
public struct Config: Sendable, Equatable {
    /// The knowledge base's git work tree; relative to the config file's directory.
    public var kbRoot: String?
    /// Notes directory, relative to the KB root.
    public var notesRoot = "kb/notes"
    /// Gates directory, relative to the KB root.
    public var gatesRoot = "kb/instructions/review-gates"
    /// The review store; relative paths are relative to the KB root.
    public var store: String?
    /// The spool directory; relative paths are relative to the KB root.
    public var spool: String?
    /// Seconds a write waits for another writer of the review store before it fails.
    public var busyTimeoutSeconds = 10
    /// Jobs a worker runs at once.
    public var concurrency = 2
    public var retry = RetryPolicy()
    public var runners: [String: RunnerProfile] = RunnerProfile.builtIn
    public var quota = QuotaPolicy()
    public var sweep = SweepPolicy()
    public var retention = RetentionPolicy()
    /// Bytes kept of a runner's stdout and of its stderr.
    public var outputCapBytes = 8 << 20
    /// Largest prompt a runner is started with; a larger one fails the job without a retry.
    public var promptCapBytes = 8 << 20
    /// Seconds running jobs get to finish after SIGTERM before they are stopped and requeued.
    public var drainGraceSeconds = 30
    /// How a worker stops what an ended job left running (README: "Containment").
    public var containment = ContainmentMode.auto
    public var logLevel = LogLevel.info
    /// Where the worker serves `/metrics` and the status page (`host:port`); nil: not at all.
    public var metricsListen: String?
    /// Prices per model, as the runners' telemetry names the model, for `revq usage`'s cost column.
    public var prices: [String: ModelPrice] = [:]

    public init() {}
}

/// What a model's tokens cost, in US dollars per million tokens.
public struct ModelPrice: Sendable, Equatable {
    public var inputPerMTok: Double
    public var outputPerMTok: Double
    /// Input read from a prompt cache; the input price when not given.
    public var cachedInputPerMTok: Double?

    public init(inputPerMTok: Double, outputPerMTok: Double, cachedInputPerMTok: Double? = nil) {
        self.inputPerMTok = inputPerMTok
        self.outputPerMTok = outputPerMTok
        self.cachedInputPerMTok = cachedInputPerMTok
    }
}

public struct RetryPolicy: Sendable, Equatable {
    /// Attempts a job gets by default (a job file may set its own).
    public var maxAttempts = 3
    /// Delay before the second attempt; doubled for each further attempt.
    public var backoffBaseSeconds = 30
    /// Upper bound of a single delay.
    public var backoffMaxSeconds = 3600
    /// Random spread applied to each delay, as a fraction (0.2 = ±20 %).
    public var jitter = 0.2
    public init() {}
}

public struct QuotaPolicy: Sendable, Equatable {
    /// Case-insensitive substrings of runner output that mean the runner's quota is exhausted.
    public var patterns = ["out of extra usage", "usage limit reached", "rate limit exceeded"]
    /// Seconds the pool stops claiming after a quota hit.
    public var pauseSeconds = 900
    public init() {}
}

public struct SweepPolicy: Sendable, Equatable {
    /// Notes per batch job when a sweep does not say.
    public var batchSize = 5
    /// Shell commands run once when a sweep ends (`/bin/sh -c`, KB root as working directory).
    public var completionCommands: [String] = []
    public init() {}
}

/// `containment`: `cgroup` starts each runner in a cgroup of its own and kills that cgroup when
/// the job ends; `marker` kills the process groups of processes that carry the job's marker;
/// `auto` uses a cgroup where this process may create them (under systemd, `Delegate=yes`), the marker otherwise.
public enum ContainmentMode: String, Sendable, Equatable, CaseIterable {
    case auto, cgroup, marker
}

public enum LogLevel: String, Sendable, Equatable, CaseIterable {
    case debug, info, warning, error
}

/// How a runner is launched; see SPEC §4.
public enum RunnerKind: String, Sendable, Equatable, CaseIterable {
    case codex
    case claudeCode = "claude-code"
    case command
}

/// A named way to run reviews. Jobs name a profile; only the config names programs.
public struct RunnerProfile: Sendable, Equatable {
    public var kind: RunnerKind
    /// The program and its leading arguments: `codex` and `claude` by default; required for `command`.
    public var command: [String]
    /// Wall-clock limit of one runner call.
    public var timeoutSeconds = 1800
    /// Seconds between SIGTERM and SIGKILL when the limit is reached.
    public var graceSeconds = 10
    /// Text put before the prompt (codex).
    public var systemPrompt: String?
    /// Passed to the runner as `--model`. A job's `model` is its requested partition, a
    /// bookkeeping key such as `gpt-5-4-high`, and is never passed to the runner.
    public var model: String?

    public init(
        kind: RunnerKind, command: [String], timeoutSeconds: Int = 1800, graceSeconds: Int = 10, systemPrompt: String? = nil,
        model: String? = nil
    ) {
        self.kind = kind
        self.command = command
        self.timeoutSeconds = timeoutSeconds
        self.graceSeconds = graceSeconds
        self.systemPrompt = systemPrompt
        self.model = model
    }

    public static let builtIn = withAliases([
        "codex": RunnerProfile(kind: .codex, command: ["codex"]),
        "claude-code": RunnerProfile(kind: .claudeCode, command: ["claude"]),
    ])

    /// The profiles with each alias of ``RunnerName`` (`claude` for `claude-code`) naming the
    /// same profile, whichever of the two names the config used.
    public static func withAliases(_ profiles: [String: RunnerProfile]) -> [String: RunnerProfile] {
        var all = profiles
        for (alias, name) in RunnerName.aliases {
            if all[alias] == nil, let profile = all[name] { all[alias] = profile }
            if all[name] == nil, let profile = all[alias] { all[name] = profile }
        }
        return all
    }
}
