public import RevqConfig

/// The command line of one runner call, built from its profile (SPEC §4), and the text it
/// reads on stdin. The prompt is never an argument: argv is capped (128 KiB per argument on
/// Linux) and visible to every user through `ps`.
public struct RunnerCommand: Sendable, Equatable {
    /// The argument vector; `arguments[0]` is the program.
    public var arguments: [String]
    /// What the runner reads on stdin: for codex the system prompt, a blank line and the
    /// prompt; for the other kinds the prompt.
    public var standardInput: String

    /// Used for codex when the profile names no system prompt.
    public static let defaultSystemPrompt = """
        You are a reviewer working in a knowledge base. Only review: do not create, change, move or \
        delete any file, and run nothing that changes anything. When the review is done, print the \
        complete review bundle in exactly the format the task below describes.
        """

    /// Tools a claude-code runner may use without asking: reading and searching only.
    public static let claudeAllowedTools = "Read,Grep,Glob"
    /// Tools removed from a claude-code runner: everything that writes, executes or fetches.
    public static let claudeDisallowedTools = "Bash,Edit,MultiEdit,Write,NotebookEdit,WebFetch,WebSearch"

    /// - codex: `<command…> exec --full-auto -C <kb root> [--model M] -` (`-`: the prompt is on stdin)
    /// - claude-code: `<command…> -p --verbose --allowedTools Read,Grep,Glob --disallowedTools <writers>
    ///   --output-format stream-json [--model M]` (no prompt argument: `claude -p` reads stdin)
    /// - command: `<command…>`
    ///
    /// `M` is the profile's `model`; a job's model string is a partition key and never passed.
    public init(profile: RunnerProfile, prompt: String, kbRoot: String) {
        let model = profile.model.map { ["--model", $0] } ?? []
        switch profile.kind {
        case .codex:
            arguments = profile.command + ["exec", "--full-auto", "-C", kbRoot] + model + ["-"]
            standardInput = Self.codexPrompt(profile: profile, prompt: prompt)
        case .claudeCode:
            arguments =
                profile.command + [
                    "-p", "--verbose", "--allowedTools", Self.claudeAllowedTools, "--disallowedTools", Self.claudeDisallowedTools,
                    "--output-format", "stream-json",
                ] + model
            standardInput = prompt
        case .command:
            arguments = profile.command
            standardInput = prompt
        }
    }

    /// What codex reads on stdin: the system prompt, a blank line, the prompt. Its session log
    /// records exactly this as the user message.
    public static func codexPrompt(profile: RunnerProfile, prompt: String) -> String {
        (profile.systemPrompt ?? defaultSystemPrompt) + "\n\n" + prompt
    }

    /// The arguments as one shell-like line (quoted where needed) with the size of stdin; for logs.
    public var displayLine: String {
        arguments.map(Self.quoted).joined(separator: " ") + " < (prompt on stdin: \(standardInput.utf8.count) bytes)"
    }

    private static func quoted(_ argument: String) -> String {
        let plain = !argument.isEmpty && argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./:=,@+%".contains($0) }
        return plain ? argument : "'" + argument.replacing("'", with: "'\\''") + "'"
    }
}
