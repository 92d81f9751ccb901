/// Everything needed to start one program under ``RunnerProcess``: no shell is involved,
/// `arguments[0]` is the program.
public struct ProcessLaunch: Sendable {
    /// The program and its arguments. A program name without `/` is looked up in the
    /// child's `PATH`; a relative path with `/` is taken relative to ``workingDirectory``.
    public var arguments: [String]
    /// The child's working directory (the KB root for runners).
    public var workingDirectory: String
    /// The child's complete environment (see ``RunnerEnvironment``); nothing else is inherited.
    public var environment: [String: String]
    /// A file read as the child's stdin; nil gives it `/dev/null`.
    public var standardInputPath: String?
    /// Where the child's stdout is written, up to ``outputCapBytes``.
    public var stdoutPath: String
    /// Where the child's stderr is written, up to ``outputCapBytes``.
    public var stderrPath: String
    /// Bytes kept of stdout and, separately, of stderr; the rest is read and discarded.
    public var outputCapBytes: Int
    /// Wall-clock limit, counted from the start.
    public var timeout: Duration
    /// Time between SIGTERM and SIGKILL to the process group.
    public var grace: Duration
    /// A cgroup v2 directory the child starts in (see ``JobCgroup``); nil: the parent's cgroup.
    public var cgroup: String?

    public init(
        arguments: [String], workingDirectory: String, environment: [String: String], standardInputPath: String? = nil,
        stdoutPath: String, stderrPath: String, outputCapBytes: Int, timeout: Duration, grace: Duration, cgroup: String? = nil
    ) {
        self.arguments = arguments
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.standardInputPath = standardInputPath
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
        self.outputCapBytes = outputCapBytes
        self.timeout = timeout
        self.grace = grace
        self.cgroup = cgroup
    }
}

/// What one output stream of a child produced.
public struct CapturedStream: Sendable, Equatable {
    /// The file the kept bytes were written to.
    public var path: String
    /// Bytes written to the file (at most the cap).
    public var keptBytes: Int
    /// Bytes read after the cap was reached and thrown away.
    public var discardedBytes: Int
    public var truncated: Bool { discardedBytes > 0 }
}

/// The end of a process started by ``RunnerProcess``.
public struct ProcessResult: Sendable {
    public var termination: RunnerTermination
    /// The child's pid, which is also its process group and session id; nil when it did not start.
    public var pid: Int32?
    public var stdout: CapturedStream
    public var stderr: CapturedStream
    /// From the start to the moment the process group was gone.
    public var duration: Duration
    /// What happened along the way that a person debugging the run wants to know
    /// (signals sent, leftover processes).
    public var notes: [String]
}
