import ArgumentParser
import ReviewFlow

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
        if json { return try Output.json(resolution) }
        Output.table(
            ["ORDINAL", "GATE", "SHA", "COMMITTED"],
            resolution.gates.map { ["\($0.ordinal)", $0.id, $0.sha, $0.committed ? "yes" : "no"] }, maxWidth: 100)
        for skipped in resolution.skipped { print("skipped \(skipped.id): \(skipped.reason)") }
    }
}
