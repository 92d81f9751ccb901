public import RevqConfig

/// One call of a runner profile: what to run, on what, where its files go, and its limits.
public struct RunnerInvocation: Sendable {
    /// The profile's name in the config; failure reasons name the runner by it.
    public var profileName: String
    public var profile: RunnerProfile
    /// The task prompt (see `ReviewPrompt`).
    public var prompt: String
    /// The KB root: the runner's working directory.
    public var kbRoot: String
    /// Receives `runner-prompt.txt` (what the runner reads on stdin), `runner-stdout.txt`,
    /// `runner-stderr.txt` and, for `command` runners, `runner-telemetry.json`. Created when missing.
    public var artifactsDirectory: String
    /// Bytes kept of stdout and, separately, of stderr.
    public var outputCapBytes: Int
    /// The largest prompt (the bytes on stdin) the runner is started with.
    public var promptCapBytes: Int
    public var timeout: Duration
    public var grace: Duration
    /// Added to the scrubbed environment, e.g. `REVQ_JOB_ID` (``RunnerEnvironment/jobMarker``).
    public var environment: [String: String]
    /// Where the inherited variables are read from; nil means this process's environment.
    public var parentEnvironment: [String: String]?
    /// The cgroup the runner starts in (``JobCgroup/path``); nil: the caller's own.
    public var cgroup: String?

    /// Limits default to the profile's (`timeoutSeconds`, `graceSeconds`); a job's own
    /// `timeout_s` goes in `timeoutSeconds`.
    public init(
        profileName: String, profile: RunnerProfile, prompt: String, kbRoot: String, artifactsDirectory: String,
        outputCapBytes: Int = 8 << 20, promptCapBytes: Int = 8 << 20, timeoutSeconds: Int? = nil, environment: [String: String] = [:],
        parentEnvironment: [String: String]? = nil
    ) {
        self.profileName = profileName
        self.profile = profile
        self.prompt = prompt
        self.kbRoot = kbRoot
        self.artifactsDirectory = artifactsDirectory
        self.outputCapBytes = outputCapBytes
        self.promptCapBytes = promptCapBytes
        timeout = .seconds(timeoutSeconds ?? profile.timeoutSeconds)
        grace = .seconds(profile.graceSeconds)
        self.environment = environment
        self.parentEnvironment = parentEnvironment
    }

    /// The files of this call inside ``artifactsDirectory``.
    public var stdoutPath: String { artifactsDirectory + "/runner-stdout.txt" }
    public var stderrPath: String { artifactsDirectory + "/runner-stderr.txt" }
    public var promptPath: String { artifactsDirectory + "/runner-prompt.txt" }
    public var telemetryPath: String { artifactsDirectory + "/runner-telemetry.json" }
}
