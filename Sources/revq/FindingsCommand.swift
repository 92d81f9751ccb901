import ArgumentParser
import Foundation
import JSONText
import ReviewFlow
import ReviewFormat
import ReviewStore
import RevqConfig
import Spool

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
        if json { return Output.json(.object([("reviews", .array(found.map(\.json)))])) }
        for review in found {
            let changed = review.gateChanged ? "  (gate changed since)" : ""
            print("\(Output.visible(review.note))  \(Output.visible(review.gate))  \(review.decision.rawValue)\(changed)")
            for finding in review.findings {
                // Each line made visible on its own, so that the finding keeps its line breaks.
                let lines = finding.split(separator: "\n", omittingEmptySubsequences: false).map { Output.visible(String($0)) }
                print("  - " + lines.joined(separator: "\n    "))
            }
        }
        print("\(found.count) review(s) with findings under \(Output.visible(ModelPartition.requested(model)))")
    }
}

extension ReviewFindings {
    /// One review of `findings --json`; `review_run_id` is null for a review without a run.
    var json: JSONValue {
        .object([
            ("note", .string(note)), ("gate", .string(gate)), ("decision", .string(decision.rawValue)),
            ("review_id", .integer(Int(reviewId))), ("review_run_id", .integer(orNull: reviewRunId)),
            ("gate_changed", .bool(gateChanged)), ("findings", .array(findings.map(JSONValue.string))),
        ])
    }
}
