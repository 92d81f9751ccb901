import ArgumentParser
import JSONText
import ReviewFlow
import Spool

/// `revq gates`: the requested gate set of a note.
struct GatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gates", abstract: "Show the requested gate set of a note: ids, ordinals, shas, and skipped gates with why.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The note, relative to the KB root.") var note: String
    @Argument(help: "Gate ids (<lens>/<name>) or lens names (bundles).") var gates: [String]
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if gates.isEmpty { throw ValidationError("name at least one gate or bundle") }
    }

    func run() throws {
        let settings = try global.settings()
        let resolution = try GateResolution.resolve(kb: global.knowledgeBase(settings), notePath: note, gateArguments: gates)
        if json { return Output.json(resolution.json) }
        Output.table(
            ["ORDINAL", "GATE", "SHA", "COMMITTED"],
            resolution.gates.map { ["\($0.ordinal)", $0.id, $0.sha, $0.committed ? "yes" : "no"] }, maxWidth: 100)
        for skipped in resolution.skipped { print("skipped \(Output.visible(skipped.id)): \(Output.visible(skipped.reason))") }
    }
}

extension GateResolution {
    /// `gates --json`: the note, its requested gates in ordinal order and the gates left out.
    var json: JSONValue {
        .object([
            ("note", .string(note)),
            (
                "gates",
                .array(
                    gates.map {
                        .object([
                            ("id", .string($0.id)), ("ordinal", .integer($0.ordinal)), ("path", .string($0.path)), ("sha", .string($0.sha)),
                            ("committed", .bool($0.committed)),
                        ])
                    })
            ),
            ("skipped", .array(skipped.map { .object([("id", .string($0.id)), ("reason", .string($0.reason))]) })),
        ])
    }
}
