import ArgumentParser
import Foundation
import RevqConfig
import Spool

/// The `revq` command: argument parsing and printing only; the work is in the modules.
@main
struct Revq: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revq",
        abstract: "A job queue for LLM reviews of a markdown knowledge base.",
        subcommands: [
            RunCommand.self,
            RunsCommand.self,
            StaleCommand.self,
            FindingsCommand.self,
            AckCommand.self,
            GatesCommand.self,
            DemoCommand.self,
            WorkerCommand.self,
            EnqueueCommand.self,
            SpoolCommand.self,
            FollowCommand.self,
            StatusCommand.self,
            UsageCommand.self,
            ConfigCommand.self,
            SampleRunnerCommand.self,
        ]
    )

    /// Runs the parsed command and turns every error into one `revq: error: …` line
    /// with exit status 2 (bad usage or input) or 1 (failure at run time).
    static func main() async {
        // By hand: `CommandConfiguration(version:)` would give every subcommand a `--version` flag.
        if CommandLine.arguments.dropFirst().elementsEqual(["--version"]) { return print(revqVersion) }
        do {
            var command = try parseCommand()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withStatus: report(error))
        }
    }

    /// `revq enqueue review …` and `revq enqueue --jobs-from F` go through
    /// ``EnqueueLineParser`` when it takes the line; another `revq enqueue …` line is parsed with
    /// the enqueue command's own tree when that succeeds. Reflecting the whole tree was most of a
    /// short enqueue's work. Everything else, and an enqueue line with an error or a help
    /// request, is parsed with the whole tree, so every message and help text stays the same.
    static func parseCommand() throws -> any ParsableCommand {
        let arguments = CommandLine.arguments.dropFirst()
        if arguments.first == EnqueueCommand.configuration.commandName {
            let rest = Array(arguments.dropFirst())
            if var command = EnqueueLineParser.parse(rest), (try? command.validate()) != nil { return command }
            if let command = try? EnqueueCommand.parseAsRoot(rest) { return command }
        }
        return try parseAsRoot()
    }

    static func report(_ error: any Error) -> Int32 {
        let code = exitCode(for: error)
        switch code {
        case .success:
            print(fullMessage(for: error))
            return 0
        case .validationFailure:
            let message = message(for: error)
            let line = message.split(separator: "\n").first.map(String.init) ?? message
            printError(UsageSuggestion.rewrite(line, arguments: Array(CommandLine.arguments.dropFirst()), root: Revq.self) ?? line)
            return 2
        default:
            if error is ExitCode { return code.rawValue }
            let failure = CLIFailure(error)
            printError(failure.message)
            return failure.status
        }
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("revq: error: \(Output.visible(message))\n".utf8))
    }

    static func exit(withStatus status: Int32) -> Never {
        Foundation.exit(status)
    }
}
