import ArgumentParser
import Foundation
import KnowledgeBase
import ReviewFlow
import ReviewFormat
import ReviewStore

/// `revq demo`: a self-contained run on a generated sample KB.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build a sample git knowledge base in a temporary directory and review it end to end.")

    @Option(help: "Where to build the sample KB (default: a new temporary directory).") var directory: String?

    func run() throws {
        let root = try directory.map { URL(fileURLWithPath: $0) } ?? DemoKB.temporaryRoot()
        print("sample knowledge base: \(root.path)")
        try DemoKB.create(at: root)
        let kb = KnowledgeBase(root: root)
        let storePath = root.appendingPathComponent("kb/reports/review-store.sqlite")
        let store = try ReviewStore(path: storePath.path)
        let model = "demo-model"

        for note in try kb.notePaths() {
            let review = try ResolvedReview(kb: kb, notePath: note, gateArguments: ["prose", "semantic"])
            let id = try store.createRun(review.newRun(model: model, runner: "demo-agent"))
            print("run \(id): \(note) against \(review.gates.map(\.id).joined(separator: ", "))")
            for gate in review.gates {
                let decision = try SplitReview.writeGate(
                    store: store, run: id, gateId: gate.id, text: DemoKB.sampleReview(note: note, gate: gate.id))
                print("  \(gate.id): \(decision.label)")
            }
            let run = try SplitReview.finalize(store: store, kb: kb, run: id, actualModelId: nil)
            print("  completed \(run.id) \(run.gates.count)")
        }

        try DemoKB.editNote(at: root)
        print("\nedited kb/notes/tides.md and committed it; the stale report now shows what needs review:\n")
        let stale = try StaleSelection.select(
            kb: kb, store: store, modelId: model, gateArguments: ["prose", "semantic"], notePaths: nil, currentOnly: false)
        Output.table(["NOTE", "GATE", "REASON"], stale.map { [$0.candidate.notePath, $0.candidate.gateId, $0.reason.rawValue] })
        print("\nreview runs:\n")
        Output.table(
            ["ID", "STATUS", "NOTE", "MODEL", "GATES"],
            try store.runs().reversed().map { [String($0.id), $0.status.rawValue, $0.notePath, $0.modelId, String($0.gates.count)] })
        print(
            """

            files:
              review store: \(storePath.path)
              artifacts:    \(root.appendingPathComponent("kb/reports/bundle-reviews").path)
            try: revq runs show 1 --kb-root \(root.path)
            """)
    }
}

/// The sample knowledge base of the demo: four notes, gates in two lenses (one requiring
/// a trait), committed to a fresh git repository.
enum DemoKB {
    static func temporaryRoot() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("revq-demo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let files: [(String, String)] = [
        ("kb/notes/tides.md", "---\ntitle: Tides\ntraits: [sourced]\n---\nTides follow the moon; see [orbits](orbits.md).\n"),
        ("kb/notes/orbits.md", "---\ntitle: Orbits\ntraits: [sourced]\n---\nThe moon orbits the earth in about 27.3 days.\n"),
        ("kb/notes/salt.md", "---\ntitle: Salt\ntraits: []\n---\nSea water is salty because rivers carry minerals.\n"),
        ("kb/notes/waves.md", "---\ntitle: Waves\ntraits: []\n---\nWind makes waves. Wind makes waves.\n"),
        ("kb/notes/index.md", "# Index\n\nNot a note: index files are skipped.\n"),
        (
            "kb/instructions/review-gates/prose/clarity.md",
            "---\ngate_id: prose/clarity\nname: clarity\nlens: prose\nwatches: body\nstaleness: content\n---\nIs every sentence clear and needed?\n"
        ),
        (
            "kb/instructions/review-gates/prose/source-residue.md",
            "---\ngate_id: prose/source-residue\nname: source-residue\nlens: prose\nwatches: body\nstaleness: content\n---\nFlag text pasted from sources.\n"
        ),
        (
            "kb/instructions/review-gates/semantic/grounding-alignment.md",
            "---\ngate_id: semantic/grounding-alignment\nname: grounding-alignment\nlens: semantic\nwatches: body\nstaleness: content\nrequires_trait: sourced\n---\nDo the claims match the linked notes?\n"
        ),
    ]

    static func create(at root: URL) throws {
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        try git(["init", "-q"], in: root)
        try git(["add", "-A"], in: root)
        try git(["commit", "-q", "-m", "sample knowledge base"], in: root)
    }

    static func editNote(at root: URL) throws {
        let path = "kb/notes/tides.md"
        try Data("---\ntitle: Tides\ntraits: [sourced]\n---\nTides follow the moon and the sun; see [orbits](orbits.md).\n".utf8)
            .write(to: root.appendingPathComponent(path))
        try git(["commit", "-q", "-am", "tides: add the sun"], in: root)
    }

    /// A varied but deterministic verdict, so the demo shows every kind of decision.
    static func sampleReview(note: String, gate: String) -> String {
        switch (note.contains("waves"), gate) {
        case (true, "prose/clarity"): "A sentence is repeated.\n\n- FAIL: \"Wind makes waves.\" appears twice.\n\n## Result: FAIL\n"
        case (_, "prose/source-residue"): "No pasted text found.\n\n- INFO: wording is original.\n"
        case (_, "semantic/grounding-alignment"): "The claim is supported but imprecise.\n\n**WARN — give the period in days**\n"
        default: "Clear and short.\n\n## Result: PASS\n"
        }
    }

    static func git(_ arguments: [String], in root: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-c", "user.name=revq demo", "-c", "user.email=demo@revq.invalid"] + arguments
        process.currentDirectoryURL = root
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CLIFailure.runtime("git \(arguments.joined(separator: " ")) failed in \(root.path)")
        }
    }
}
