import ArgumentParser
import Foundation
import Glibc
import KnowledgeBase
import ReviewFlow
import ReviewFormat
import ReviewStore
import RevqConfig
import Spool

/// `revq demo`: the whole path on a generated sample KB. It writes a config whose runner
/// profile `sample` is this executable's `sample-runner`, starts `revq worker` as a child
/// process, enqueues two review jobs and a sweep with `revq enqueue`, prints each job's state
/// changes, stops the worker with SIGTERM, and ends with the runs, the stale report and the
/// paths of everything it made.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Review a sample git knowledge base end to end with a worker and the built-in sample runner.")

    @Option(help: "Where to build the sample KB: a new or empty directory (default: a new temporary directory).")
    var directory: String?
    @Option(help: "Seconds to wait for the jobs before giving up.") var timeout = 45

    static let model = "sample-model"

    /// The demo makes a git repository, commits its files and starts a worker there: never in a
    /// directory that holds anything already (someone's own repository, say).
    static func refuseNonEmpty(_ root: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else { throw CLIFailure.input("--directory \(root.path) is a file; give a new or empty directory") }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        guard entries.isEmpty else {
            throw CLIFailure.input("--directory \(root.path) is not empty (\(entries.count) entries); give a new or empty directory")
        }
    }

    func run() throws {
        let root = try directory.map { URL(fileURLWithPath: $0) } ?? DemoKB.temporaryRoot()
        try Self.refuseNonEmpty(root)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try DemoKB.create(at: root)
        let revq = try DemoProcesses(root: root)
        try revq.writeConfig()
        let settings = try revq.settings
        print("sample knowledge base: \(root.path) (a git repository with \(DemoKB.files.count) files)")
        print("config: \(revq.configPath)")
        print("runner profile sample: \(revq.executable) sample-runner (canned verdicts; a demo, never a reviewer)\n")

        let worker = try revq.startWorker()
        var progress = DemoProgress(spool: Spool(root: settings.spoolPath.path), labels: [:])
        for (label, arguments) in Self.jobs {
            print("$ revq " + arguments.joined(separator: " "))
            let id = try revq.enqueue(arguments)
            print("  \(id)")
            progress.labels[id] = label
            try progress.poll()
        }
        print("\nworker pid \(worker.processIdentifier), log \(revq.workerLog.path); job states:")

        let deadline = Date().addingTimeInterval(Double(timeout))
        while try !progress.settled(), Date() < deadline, worker.isRunning {
            usleep(50_000)
            try progress.poll()
        }
        let settled = try progress.settled()
        let status = revq.stop(worker)
        print("  spool: \(try progress.summary())")
        print("worker stopped with SIGTERM (exit status \(status))\n")

        try report(revq, settings)
        guard settled else {
            throw CLIFailure.runtime("the demo's jobs did not finish within \(timeout) s; see \(revq.workerLog.path)")
        }
        guard status == 0 else { throw CLIFailure.runtime("the worker exited with status \(status); see \(revq.workerLog.path)") }
    }

    /// The jobs the demo enqueues: two reviews and a sweep of one gate over three notes in two batches.
    static let jobs: [(label: String, arguments: [String])] = [
        (
            "review kb/notes/tides.md",
            ["enqueue", "review", "kb/notes/tides.md", "prose", "semantic", "--runner", "sample", "--model", model]
        ),
        ("review kb/notes/waves.md", ["enqueue", "review", "kb/notes/waves.md", "prose", "--runner", "sample", "--model", model]),
        (
            "sweep prose/clarity",
            [
                "enqueue", "sweep", "prose/clarity", "--note", "kb/notes/orbits.md", "--note", "kb/notes/salt.md", "--note",
                "kb/notes/currents.md", "--batch-size", "2", "--runner", "sample", "--model", model,
            ]
        ),
    ]

    /// The jobs and their runs, the stale report after a reviewed note changes, and the files.
    func report(_ revq: DemoProcesses, _ settings: Settings) throws {
        let store = try ReviewStore(path: settings.storePath.path)
        let spool = Spool(root: settings.spoolPath.path)
        print("jobs:\n")
        var rows: [[String]] = []
        for state in JobState.allCases {
            for record in try spool.records(in: state) {
                let runs = record.job?.runIDs.map(String.init).joined(separator: ",") ?? ""
                rows.append([JobID(fileName: record.name)?.rawValue ?? record.name, state.rawValue, runs, record.failure?.reason ?? ""])
            }
        }
        Output.table(["JOB", "STATE", "RUNS", "REASON"], rows.sorted { $0[0] < $1[0] }, maxWidth: 70)

        print("\nreview runs (revq runs ls):\n")
        let runs = try store.runs().sorted { $0.id < $1.id }
        Output.table(
            ["ID", "STATUS", "NOTE", "MODEL", "DECISIONS"],
            try runs.map { run in
                let decisions = try store.gateReviews(run: run.id).map { "\($0.gateId) \($0.decision.rawValue)" }
                return [String(run.id), run.status.rawValue, run.notePath, run.modelId, decisions.joined(separator: ", ")]
            }, maxWidth: 90)

        let kb = KnowledgeBase(root: settings.kbRoot, notesRoot: settings.notesRoot, gatesRoot: settings.gatesRoot)
        let edited = try DemoKB.editNote(at: settings.kbRoot)
        print("\nedited and committed \(edited); the stale report (revq stale --model \(Self.model) prose semantic):\n")
        let stale = try StaleSelection.select(
            kb: kb, store: store, modelId: Self.model, gateArguments: ["prose", "semantic"], notePaths: nil, currentOnly: false
        ).pairs
        Output.table(["NOTE", "GATE", "REASON"], stale.map { [$0.candidate.notePath, $0.candidate.gateId, $0.reason.rawValue] })

        let option = "--config \(revq.configPath)"
        print(
            """

            files:
              knowledge base: \(settings.kbRoot.path)
              config:         \(revq.configPath)
              review store:   \(settings.storePath.path)
              spool:          \(settings.spoolPath.path)
              artifacts:      \(settings.kbRoot.appendingPathComponent("kb/reports/bundle-reviews").path)
              worker log:     \(revq.workerLog.path)
            next:
              revq runs show \(runs.first.map { String($0.id) } ?? "1") \(option)
              revq status \(option)
              revq spool ls --state done \(option)
            """)
    }
}
