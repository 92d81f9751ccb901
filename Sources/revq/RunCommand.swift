import ArgumentParser
import Foundation
import JSONText
import KnowledgeBase
import ReviewFlow
import ReviewFormat
import ReviewStore
import Spool
import SystemFiles

/// `revq run …`: the split path, where an agent reviews gate by gate itself.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Review gate by gate yourself: create a run, write each gate, finalize.",
        subcommands: [Create.self, WriteGate.self, Finalize.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Start a review run and print its id.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The note, relative to the KB root (e.g. kb/notes/a.md).") var note: String
        @Argument(help: "Gate ids (<lens>/<name>) or lens names (bundles).") var gates: [String]
        @Option(help: "Who reviews (recorded as the run's runner; claude is recorded as claude-code).") var runner: String
        @Option(help: "The requested model partition.") var model: String
        @Flag(help: "Print the run, its gates and their texts as JSON.") var json = false

        func validate() throws {
            if gates.isEmpty { throw ValidationError("name at least one gate or bundle") }
            if runner.allSatisfy(\.isWhitespace) { throw ValidationError("--runner must not be empty") }
            if ModelPartition.requested(model).isEmpty { throw ValidationError("--model must not be empty") }
        }

        func run() throws {
            let settings = try global.settings()
            let store = try global.store(settings)
            let kb = global.knowledgeBase(settings).sharingLastCommits(with: store)
            let review = try ResolvedReview(kb: kb, notePath: note, gateArguments: gates)
            let newRun = review.newRun(model: model, runner: runner)
            let id = try store.createRun(newRun)
            guard json else { return print(id) }
            Output.json(
                .object([
                    ("run_id", .integer(Int(id))), ("note", .string(review.note.path)),
                    ("gate_ids", .array(review.gates.map { .string($0.id) })),
                    (
                        "gates",
                        .array(
                            review.gates.map {
                                .object([("id", .string($0.id)), ("text", .string(String($0.text.drop { $0 == "\n" })))])
                            })
                    ),
                    ("model", .string(newRun.modelId)), ("runner", .string(newRun.runner)),
                ]))
        }
    }

    struct WriteGate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "write-gate", abstract: "Record one gate's review of a running run.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("run"), help: "The run id.") var runId: Int64
        @Option(help: "The gate id.") var gate: String
        @Option(help: "File holding the review text, its decision line last (- for stdin).") var inputFile: String

        func run() throws {
            let settings = try global.settings()
            let text = try readInput(inputFile)
            let decision = try SplitReview.writeGate(store: global.readStore(settings), run: runId, gateId: gate, text: text)
            print("recorded \(runId) \(Output.visible(gate)) \(decision.rawValue)")
        }
    }

    struct Finalize: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "finalize", abstract: "Complete a run from the gate reviews written.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("run"), help: "The run id.") var runId: Int64
        @Option(help: "The partition the reviews were really made under, when it differs from the requested one.")
        var actualModel: String?

        func run() throws {
            let settings = try global.settings()
            let finalized = try SplitReview.finalize(
                store: global.readStore(settings), kb: global.knowledgeBase(settings), run: runId, actualModelId: actualModel)
            print("completed \(finalized.id) \(finalized.gates.count)")
        }
    }
}

/// The text of a file, or of stdin for `-`; a missing or non-UTF-8 file is an input error.
func readInput(_ path: String) throws -> String {
    let data: Data?
    if path == "-" {
        data = FileHandle.standardInput.readDataToEndOfFile()
    } else {
        data = WholeFile.read(atPath: path)
    }
    guard let data else { throw CLIFailure.input("cannot read \(path)") }
    guard let text = String(validating: data, as: UTF8.self) else { throw CLIFailure.input("not valid UTF-8: \(path)") }
    return text
}
