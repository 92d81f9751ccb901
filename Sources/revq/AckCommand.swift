import ArgumentParser
import Foundation
import JSONText
import ReviewFlow
import ReviewFormat
import ReviewStore
import RevqConfig
import Spool

/// `revq ack`: acknowledgements, written as `trivial-change-ack` acceptances in one transaction.
struct AckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ack",
        abstract: "Acknowledge (note, gate) pairs without a new review: named pairs, or every trivial change.",
        discussion: """
            --pair <note> <gate> accepts the pair as it is now, on the strength of the review accepted before.
            --trivial acknowledges every note-changed pair whose note changed only in parts the gate does not
            watch (its frontmatter `watches`: title, description, body, frontmatter_other).
            """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "The model partition.") var model: String
    @Option(parsing: .upToNextOption, help: "A note and a gate (repeatable).") var pair: [String] = []
    @Flag(help: "Acknowledge every trivial change.") var trivial = false
    @Option(name: .customLong("note"), help: "With --trivial: only these notes (repeatable).") var notes: [String] = []
    @Flag(help: "With --trivial: only notes whose frontmatter says status: current.") var current = false
    @Flag(help: "List what would be acknowledged; write nothing.") var dryRun = false
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if ModelPartition.requested(model).isEmpty { throw ValidationError("--model must not be empty") }
        if trivial == !pair.isEmpty { throw ValidationError("give either --pair <note> <gate>… or --trivial") }
        if pair.count % 2 != 0 { throw ValidationError("--pair takes a note and a gate") }
        if !trivial && (!notes.isEmpty || current) { throw ValidationError("--note and --current go with --trivial") }
    }

    func run() throws {
        let settings = try global.settings()
        let kb = global.knowledgeBase(settings)
        let modelId = ModelPartition.requested(model)
        let store = try global.existingStore(settings)
        let acks: [Acknowledgement]
        if trivial {
            acks =
                try store.map {
                    try Acknowledging.trivialChanges(
                        kb: kb, store: $0, modelId: modelId, notePaths: notes.isEmpty ? nil : notes, currentOnly: current)
                } ?? []
        } else {
            acks = try Acknowledging.pairs(kb: kb, pairs: stride(from: 0, to: pair.count, by: 2).map { (pair[$0], pair[$0 + 1]) })
        }
        if !dryRun && !acks.isEmpty {
            guard let store else { throw CLIFailure.input("no acceptance to acknowledge: no review store at \(settings.storePath.path)") }
            try store.acknowledge(acks, modelId: modelId)
        }
        if json {
            // `note_commit` is null for a note with uncommitted changes.
            let acknowledged = acks.map {
                JSONValue.object([
                    ("note", .string($0.notePath)), ("gate", .string($0.gateId)), ("note_sha", .string($0.noteSha)),
                    ("note_commit", .string(orNull: $0.noteCommit)),
                ])
            }
            return Output.json(.object([("dry_run", .bool(dryRun)), ("acknowledged", .array(acknowledged))]))
        }
        for ack in acks {
            print("\(dryRun ? "would acknowledge" : "acknowledged") \(Output.visible(ack.notePath)) \(Output.visible(ack.gateId))")
        }
        print("\(acks.count) pair(s) \(dryRun ? "would be " : "")acknowledged under \(Output.visible(modelId))")
    }
}
