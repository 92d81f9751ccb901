import ArgumentParser
import Foundation
import ReviewFlow
import ReviewFormat
import ReviewStore
import RevqConfig

/// `revq findings`: what current warn/fail/error reviews ask to fix.
struct FindingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "findings",
        abstract: "Actionable findings of the current warn, fail and error reviews under a partition.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Only these notes (default: every note).") var notes: [String] = []
    @Option(help: "The model partition.") var model: String
    @Option(name: .customLong("gate"), help: "Only these gates or lenses (repeatable).") var gates: [String] = []
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if ModelPartition.requested(model).isEmpty { throw ValidationError("--model must not be empty") }
    }

    func run() throws {
        let settings = try global.settings()
        let kb = global.knowledgeBase(settings)
        let found =
            try global.existingStore(settings).map {
                try FindingsSelection.select(
                    kb: kb, store: $0, modelId: ModelPartition.requested(model), notePaths: notes, gateArguments: gates)
            } ?? []
        if json { return try Output.json(found) }
        for review in found {
            print("\(review.note)  \(review.gate)  \(review.decision.rawValue)\(review.gateChanged ? "  (gate changed since)" : "")")
            for finding in review.findings {
                let lines = finding.split(separator: "\n", omittingEmptySubsequences: false)
                print("  - " + lines.joined(separator: "\n    "))
            }
        }
        print("\(found.count) review(s) with findings under \(ModelPartition.requested(model))")
    }
}
