public import RevqConfig

/// The command line of one runner call, built from its profile (SPEC §4).
public struct RunnerCommand: Sendable, Equatable {
    /// The argument vector; `arguments[0]` is the program.
    public var arguments: [String]
    /// The same with the prompt replaced by `<prompt: N bytes>`, for logs.
    public var displayArguments: [String]
    /// True for `command` runners: the prompt goes to stdin (and `$REVQ_PROMPT_FILE`).
    public var promptOnStdin: Bool

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

    /// - codex: `<command…> exec --full-auto -C <kb root> [--model M] "<system prompt>\n\n<prompt>"`
    /// - claude-code: `<command…> -p --verbose --allowedTools Read,Grep,Glob --disallowedTools <writers>
    ///   --output-format stream-json [--model M] <prompt>`
    /// - command: `<command…>`, the prompt on stdin
    ///
    /// `M` is the profile's `model`; a job's model string is a partition key and never passed.
    public init(profile: RunnerProfile, prompt: String, kbRoot: String) {
        let model = profile.model.map { ["--model", $0] } ?? []
        let shown = "<prompt: \(prompt.utf8.count) bytes>"
        switch profile.kind {
        case .codex:
            let fullPrompt = Self.codexPrompt(profile: profile, prompt: prompt)
            let head = profile.command + ["exec", "--full-auto", "-C", kbRoot] + model
            arguments = head + [fullPrompt]
            displayArguments = head + ["<system prompt and prompt: \(fullPrompt.utf8.count) bytes>"]
            promptOnStdin = false
        case .claudeCode:
            let head =
                profile.command + [
                    "-p", "--verbose", "--allowedTools", Self.claudeAllowedTools, "--disallowedTools", Self.claudeDisallowedTools,
                    "--output-format", "stream-json",
                ] + model
            arguments = head + [prompt]
            displayArguments = head + [shown]
            promptOnStdin = false
        case .command:
            arguments = profile.command
            displayArguments = profile.command + ["(prompt on stdin: \(prompt.utf8.count) bytes)"]
            promptOnStdin = true
        }
    }

    /// The single argument codex gets: the system prompt, a blank line, the prompt. Its session
    /// log records exactly this as the user message.
    public static func codexPrompt(profile: RunnerProfile, prompt: String) -> String {
        (profile.systemPrompt ?? defaultSystemPrompt) + "\n\n" + prompt
    }

    /// The display arguments as one shell-like line (quoted where needed); for logs only.
    public var displayLine: String {
        displayArguments.map(Self.quoted).joined(separator: " ")
    }

    private static func quoted(_ argument: String) -> String {
        let plain = !argument.isEmpty && argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./:=,@+%".contains($0) }
        return plain ? argument : "'" + argument.replacing("'", with: "'\\''") + "'"
    }
}
