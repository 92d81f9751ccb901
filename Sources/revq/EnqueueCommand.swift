import ArgumentParser
import Foundation
import KnowledgeBase
import ReviewFlow
import ReviewFormat
import RevqConfig
import Spool
import SystemFiles

/// `revq enqueue …`: validate jobs against the knowledge base (by `stat` only: no git, no
/// database) and write them to the spool durably.
struct EnqueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue",
        abstract: "Put review or sweep jobs in the spool; prints each job's id.",
        subcommands: [Review.self, Sweep.self]
    )
    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("jobs-from"), help: "Enqueue many jobs: one JSON job per line of this file (- for stdin).")
    var jobsFrom: String?

    func run() throws {
        guard let jobsFrom else { throw ValidationError("name a job kind (review, sweep) or --jobs-from F") }
        var context = try EnqueueContext(global)
        let input = jobsFrom == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try readJobsFile(jobsFrom)
        var jobs: [Job] = []
        for (number, line) in input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
        where !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
            do {
                let job = try JobFile.decode(Array(line), origin: .submission(submittedBy: context.submitter), rules: context.rules)
                try context.checkAgainstKnowledgeBase(job)
                jobs.append(job)
            } catch {
                throw CLIFailure.input("line \(number + 1): \(CLIFailure(error).message)")
            }
        }
        for result in try context.enqueue(jobs) { print(result.id) }
    }

    private func readJobsFile(_ path: String) throws -> Data {
        guard let data = WholeFile.read(atPath: path) else { throw CLIFailure.input("cannot read \(path)") }
        return data
    }

    /// The options every job kind takes (SPEC §6).
    struct JobOptions: ParsableArguments {
        @Option(help: "Runner profile name (from the config).") var runner: String
        @Option(help: "Requested model partition.") var model: String
        @Option(help: "Higher runs first; FIFO within a priority.") var priority = Job.defaultPriority
        @Option(help: "Wall-clock limit in seconds (default: the runner profile's).") var timeout: Int?
        @Option(help: "Attempts before the job fails (default: the config's retry.max_attempts).") var maxAttempts: Int?
        @Option(help: "Do not start before this time: ISO-8601 with offset, or a delay such as 30m, 2h, 1d.")
        var notBefore: String?
        @Option(help: "Idempotency key: while a job with this key is unfinished, its id is returned instead.")
        var key: String?
        @Flag(help: "Print the job and its prompt; write nothing.") var dryRun = false
        @Flag(help: "Print JSON.") var json = false

        func job(_ work: Job.Work, context: inout EnqueueContext) throws -> Job {
            let job = Job(
                work: work, runner: runner, model: ModelPartition.requested(model), priority: priority,
                maxAttempts: maxAttempts ?? context.settings.config.retry.maxAttempts, timeoutSeconds: timeout,
                notBefore: try notBefore.map(DurationText.time), key: key, submittedBy: context.submitter)
            do { try job.validate(context.rules) } catch { throw CLIFailure.input(error.message) }
            try context.checkAgainstKnowledgeBase(job)
            return job
        }

        /// Enqueues `job`, or for a dry run prints it with `prompt()`.
        func submit(_ job: Job, context: EnqueueContext, prompt: () throws -> String) throws {
            guard !dryRun else {
                let text = try prompt()
                if json {
                    return print(JSONValue.object([("job", JobFile.jsonValue(job)), ("prompt", .string(text))]).serialized)
                }
                print(JobFile.jsonValue(job).serialized)
                print()
                return print(text)
            }
            let result = try context.enqueue([job])[0]
            print(json ? result.jsonValue.serialized : result.id.rawValue)
        }
    }

    struct Review: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "review", abstract: "Enqueue a review of one note against gates or bundles.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The note, relative to the KB root (e.g. kb/notes/a.md).") var note: String
        @Argument(help: "Gate ids (<lens>/<name>) or lens names (bundles).") var gates: [String]
        @OptionGroup var options: JobOptions

        func validate() throws {
            if gates.isEmpty { throw ValidationError("name at least one gate or bundle") }
        }

        func run() throws {
            var context = try EnqueueContext(global)
            let note = try context.kb.notePath(note)
            let job = try options.job(.review(note: note, gates: gates), context: &context)
            try options.submit(job, context: context) {
                try ResolvedReview(kb: context.kb, notePath: note, gateArguments: gates).prompt(runId: nil)
            }
        }
    }

    struct Sweep: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sweep", abstract: "Enqueue a sweep of many notes against one gate.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "One gate id (<lens>/<name>).") var gate: String
        @Option(name: .customLong("note"), help: "A note to review (repeatable).") var notes: [String] = []
        @Flag(help: "Review the stale notes of the gate, selected when the sweep is claimed.") var stale = false
        @Flag(help: "With --stale: only notes whose frontmatter says status: current, reviewed or not.")
        var current = false
        @Option(help: "Notes per runner launch (default: the config's sweep.batch_size).") var batchSize: Int?
        @OptionGroup var options: JobOptions

        func validate() throws {
            guard notes.isEmpty != !stale else { throw ValidationError("name notes with --note, or --stale (not both)") }
            if current && !stale { throw ValidationError("--current goes with --stale") }
        }

        func run() throws {
            var context = try EnqueueContext(global)
            let selection: Job.SweepSelection = stale ? .stale(currentOnly: current) : .notes(try notes.map(context.kb.notePath))
            let size = batchSize ?? context.settings.config.sweep.batchSize
            let job = try options.job(.sweep(gate: gate, selection: selection, batchSize: size), context: &context)
            try options.submit(job, context: context) {
                guard case .notes(let paths) = selection else {
                    return "(the prompt is built when the sweep is claimed: its stale notes are selected then)"
                }
                let gateText = try context.kb.gate(gate)
                let batch = try paths.prefix(size).map { try context.kb.note($0) }
                return try ReviewPrompt.sweep(
                    gate: GateText(id: gateText.id, text: gateText.text), notes: batch.map { ($0.path, $0.text) })
            }
        }
    }
}

/// What enqueueing needs: the settings, the knowledge base, the rules and the spool.
struct EnqueueContext {
    let settings: Settings
    let kb: KnowledgeBase
    let rules: JobRules
    let spool: Spool
    /// `user@host` of this process, the jobs' `submitted_by`.
    let submitter: String
    /// Notes and gate arguments already found to exist (`--jobs-from` repeats them), byte for byte.
    private var verified: Set<PathKey> = []

    init(_ global: GlobalOptions) throws {
        settings = try global.settings()
        kb = global.knowledgeBase(settings)
        rules = JobRules(knownRunners: Set(settings.config.runners.keys))
        spool = Spool(root: settings.spoolPath.path)
        let environment = ProcessInfo.processInfo.environment
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        submitter = (environment["USER"] ?? environment["LOGNAME"] ?? String(getuid())) + "@" + String(cString: host)
    }

    /// The note exists under the notes root and reads as a note (a review job's note also holds no
    /// reserved sentinel line), and every gate or bundle resolves.
    mutating func checkAgainstKnowledgeBase(_ job: Job) throws {
        switch job.work {
        case .review(let note, let gates):
            try checkNote(note, forReview: true)
            for gate in gates where !verified.contains(PathKey("gate:" + gate)) {
                _ = try kb.gateIds(for: gate)
                verified.insert(PathKey("gate:" + gate))
            }
        case .sweep(let gate, let selection, _):
            if !verified.contains(PathKey("sweep:" + gate)) {
                guard try kb.gateIds(for: gate) == [gate] else {
                    throw CLIFailure.input("a sweep takes one gate id (<lens>/<name>), not a bundle: \(gate)")
                }
                verified.insert(PathKey("sweep:" + gate))
            }
            if case .notes(let notes) = selection { for note in notes { try checkNote(note, forReview: false) } }
        }
    }

    private mutating func checkNote(_ note: String, forReview: Bool) throws {
        let key = PathKey((forReview ? "review-note:" : "note:") + note)
        guard !verified.contains(key) else { return }
        let read = try kb.note(note)
        if forReview { try ReviewPrompt.refuseReservedSentinels(path: read.path, text: read.text) }
        verified.insert(key)
    }

    func enqueue(_ jobs: [Job]) throws -> [EnqueueResult] {
        do { return try spool.enqueue(jobs, rules: rules) } catch { throw CLIFailure(error) }
    }
}

extension EnqueueResult {
    var jsonValue: JSONValue {
        .object([("id", .string(id.rawValue)), ("state", .string(state.rawValue)), ("existing", .bool(existing))])
    }
}
