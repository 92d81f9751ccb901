import ArgumentParser
import Foundation
import JSONText
import KnowledgeBase
import ReviewFlow
import ReviewFormat
import RevqConfig
import Spool
import SystemFiles

/// `revq enqueue …`: refuse what the worker would certainly fail (the worker's own checks
/// and messages: the note, the gate set, the gates' commits, the runner profile and its
/// program), then write the jobs to the spool durably.
struct EnqueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue",
        abstract: "Put review or sweep jobs in the spool; prints each job's id.",
        subcommands: [Review.self, Sweep.self]
    )
    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("jobs-from"), help: "Enqueue many jobs: one JSON job per line of this file (- for stdin).")
    var jobsFrom: String?

    /// Set in tests only: after printing the ids of the first group of jobs it committed,
    /// `--jobs-from` waits for SIGINT or SIGTERM, so a test can signal it in the middle of a batch.
    static let pauseVariable = "REVQ_TEST_JOBS_FROM_PAUSE"

    func run() throws {
        guard let jobsFrom else { throw ValidationError("name a job kind (review, sweep) or --jobs-from F") }
        var context = try EnqueueContext(global)
        let input = jobsFrom == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try readJobsFile(jobsFrom)
        var jobs: [Job] = []
        for (number, line) in input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
        where !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
            do {
                var job = try JobFile.decode(Array(line), origin: .submission(submittedBy: context.submitter), rules: context.rules)
                let given = JobFile.fieldNames(Array(line))
                context.applyDefaults(
                    to: &job, maxAttempts: given.contains("max_attempts") ? job.maxAttempts : nil,
                    batchSize: given.contains("batch_size") ? job.work.sweepBatchSize : nil)
                try context.check(job)
                jobs.append(job)
            } catch {
                throw CLIFailure.input("line \(number + 1): \(CLIFailure(error).message)")
            }
        }
        // Installed only now: until the first write, a signal may end the process as usual.
        StopSignals.install()
        let pause = ProcessInfo.processInfo.environment[Self.pauseVariable] != nil
        do {
            _ = try context.enqueue(jobs, progress: EnqueueProgress(stopRequested: { StopSignals.received != nil }) { results in
                for result in results {
                    result.reportIfExisting()
                    print(result.id)
                }
                fflush(nil)  // every id out before the next group is written
                if pause { StopSignals.waitForOne() }
            })
        } catch is EnqueueInterrupted {
            throw ExitCode(128 + (StopSignals.received ?? SIGINT))
        }
    }

    private func readJobsFile(_ path: String) throws -> Data {
        guard let data = WholeFile.read(atPath: path) else { throw CLIFailure.input("cannot read \(path)") }
        return data
    }

    /// The options every job kind takes (SPEC §6).
    struct JobOptions: ParsableArguments {
        @Option(help: "Runner profile name (from the config).") var runner: String
        @Option(help: "Requested model partition.") var model: String
        /// `.unconditional`: the next word is the value even when it looks like an option (`--priority -1`).
        @Option(parsing: .unconditional, help: "Higher runs first; FIFO within a priority.") var priority = Job.defaultPriority
        @Option(help: "Wall-clock limit in seconds (default: the runner profile's).") var timeout: Int?
        @Option(help: "Attempts before the job fails (default: the config's retry.max_attempts).") var maxAttempts: Int?
        @Option(help: "Do not start before this time: ISO-8601 with offset, or a delay such as 30m, 2h, 1d.")
        var notBefore: String?
        @Option(help: "Idempotency key: while a job with this key is unfinished, its id is returned instead.")
        var key: String?
        @Flag(help: "Print the job and its prompt; write nothing.") var dryRun = false
        @Flag(help: "Print JSON.") var json = false

        /// The job of these options, with the config's defaults for what they leave out
        /// (`batchSize`: a sweep's `--batch-size`), checked as ``EnqueueContext/check(_:)`` does.
        func job(_ work: Job.Work, context: inout EnqueueContext, batchSize: Int? = nil) throws -> Job {
            var job = Job(
                work: work, runner: runner, model: ModelPartition.requested(model), priority: priority,
                timeoutSeconds: timeout, notBefore: try notBefore.map(DurationText.time), key: key, submittedBy: context.submitter)
            context.applyDefaults(to: &job, maxAttempts: maxAttempts, batchSize: batchSize)
            do { try job.validate(context.rules) } catch { throw CLIFailure.input(error.message) }
            try context.check(job)
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
            result.reportIfExisting()
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
            let job = try options.job(
                .sweep(gate: gate, selection: selection, batchSize: Job.defaultBatchSize), context: &context, batchSize: batchSize)
            let size = job.work.sweepBatchSize ?? Job.defaultBatchSize
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
    let submitter = Submitter.current()
    /// What was already checked (`--jobs-from` repeats notes, gate sets and runners), byte for byte.
    private var verified: Set<PathKey> = []

    init(_ global: GlobalOptions) throws {
        settings = try global.settings()
        kb = global.knowledgeBase(settings)
        rules = JobRules(knownRunners: Set(settings.config.runners.keys))
        spool = Spool(root: settings.spoolPath.path)
    }

    /// The config's defaults for what a job leaves out (nil): `retry.max_attempts`, and a
    /// sweep's `sweep.batch_size`. One place for `enqueue review|sweep` and `--jobs-from`.
    func applyDefaults(to job: inout Job, maxAttempts: Int?, batchSize: Int?) {
        job.maxAttempts = maxAttempts ?? settings.config.retry.maxAttempts
        if case .sweep(let gate, let selection, _) = job.work {
            job.work = .sweep(gate: gate, selection: selection, batchSize: batchSize ?? settings.config.sweep.batchSize)
        }
    }

    /// Refuses what the worker would certainly fail, with the worker's message: for a review, what
    /// ``ResolvedReview/check(kb:notePath:gateArguments:)`` refuses (a missing or unreadable
    /// note, a reserved sentinel line, an unknown gate, an empty gate set, a dirty or uncommitted
    /// gate, a KB that is not a git work tree); for a sweep, its gate (``KnowledgeBase/sweepGate(_:)``)
    /// and its notes; then the runner's program not found. The job's own fields (the runner
    /// profile's name among them) are checked by the job rules.
    mutating func check(_ job: Job) throws {
        switch job.work {
        case .review(let note, let gates):
            // NUL separates the note and the gate arguments, which hold none (checked by the rules).
            if once("review:" + ([note] + gates).joined(separator: "\0")) {
                try ResolvedReview.check(kb: kb, notePath: note, gateArguments: gates)
            }
        case .sweep(let gate, let selection, _):
            if once("sweep:" + gate) { _ = try kb.sweepGate(gate) }
            if case .notes(let notes) = selection {
                for note in notes where once("note:" + note) { _ = try kb.note(note) }
            }
        }
        // Last, as the worker meets it: after the knowledge base, when the runner is started.
        if once("runner:" + job.runner), let problem = settings.runnerProgramProblem(job.runner) {
            throw CLIFailure.input(problem)
        }
    }

    /// True the first time `item` is asked about (a failed check ends the command).
    private mutating func once(_ item: String) -> Bool { verified.insert(PathKey(item)).inserted }

    func enqueue(_ jobs: [Job], progress: EnqueueProgress = .init()) throws -> [EnqueueResult] {
        do { return try spool.enqueue(jobs, rules: rules, progress: progress) } catch let stop as EnqueueInterrupted { throw stop } catch {
            throw CLIFailure(error)
        }
    }
}

extension EnqueueResult {
    var jsonValue: JSONValue {
        .object([("id", .string(id.rawValue)), ("state", .string(state.rawValue)), ("existing", .bool(existing))])
    }

    /// Says on stderr that the key named an existing job, whose id is printed instead of a new one.
    func reportIfExisting() {
        guard existing else { return }
        FileHandle.standardError.write(Data("revq: note: the key is held by job \(id) (\(state.rawValue)): nothing new was enqueued\n".utf8))
    }
}

extension Job.Work {
    /// A sweep's notes per runner launch; nil for a review.
    var sweepBatchSize: Int? {
        if case .sweep(_, _, let batchSize) = self { batchSize } else { nil }
    }
}
