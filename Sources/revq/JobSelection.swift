import ArgumentParser
import Foundation
import Spool

extension Spool {
    /// The job an operator named by its id, a bad file's name or any unique prefix of either.
    func job(named text: String) throws -> (name: String, state: JobState) {
        switch try resolve(text) {
        case .found(let name, let state): return (name, state)
        case .unknown: throw CLIFailure.input("no job \(text) in \(root)")
        case .ambiguous(let ids):
            let shown = ids.prefix(10).joined(separator: ", ") + (ids.count > 10 ? ", … (\(ids.count) in all)" : "")
            throw CLIFailure.input("\(text) is ambiguous: it starts \(shown)")
        }
    }
}

extension GlobalOptions {
    /// The spool of the settings, which must exist: a reading command on a mistyped path says
    /// so instead of showing an empty queue.
    func existingSpool() throws -> Spool {
        let spool = try openSpool()
        var info = stat()
        guard stat(spool.root, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw CLIFailure.input("no spool at \(spool.root)")
        }
        return spool
    }
}

/// The filters `hold`, `release`, `cancel` and `retry` take besides ids; given ids must match them too.
struct JobFilter: ParsableArguments {
    @Option(help: ArgumentHelp("Only jobs whose failure reason contains this text.", valueName: "text")) var reason: String?
    @Option(help: ArgumentHelp("Only the review jobs of this note, or of the notes under this directory.", valueName: "path"))
    var note: String?
    @Option(help: "Only jobs of this kind: review, sweep, batch.") var kind: String?
    @Option(help: ArgumentHelp("Only jobs submitted longer ago than this (30m, 2h, 3d).", valueName: "duration")) var olderThan: String?
    @Option(help: "Only jobs in this state (repeatable).") var state: [String] = []

    var isEmpty: Bool { reason == nil && note == nil && kind == nil && olderThan == nil && state.isEmpty }

    func validate() throws {
        if let kind, !Self.kinds.contains(kind) { throw ValidationError("--kind must be one of \(Self.kinds.joined(separator: ", "))") }
    }

    static let kinds = ["review", "sweep", "batch"]

    /// Whether `record` passes every filter given, `now` being the time ages are measured to.
    func matches(_ record: JobRecord, now: Date, minimumAge: TimeInterval?) -> Bool {
        if let reason, !(record.reasonText?.contains(reason) ?? false) { return false }
        if let kind, record.job?.kindName != kind { return false }
        if let note {
            guard case .review(let path, _)? = record.job?.work, path == note || path.hasPrefix(note.hasSuffix("/") ? note : note + "/")
            else { return false }
        }
        if let minimumAge {
            guard let submitted = record.job?.submittedTime, now.timeIntervalSince(submitted) > minimumAge else { return false }
        }
        return true
    }
}

/// The jobs an operator command acts on: the given ids (or unique prefixes), or, with none,
/// every job of the command's states that passes the filters.
struct JobSelection {
    /// `states`: where the command's jobs can be; `--state` narrows them. `all` selects every
    /// job of them that passes the filters, none given.
    static func select(
        ids: [String], filter: JobFilter, in spool: Spool, states: [JobState], all: Bool = false, now: Date = Date()
    ) throws -> [JobRecord] {
        guard !ids.isEmpty || !filter.isEmpty || all else {
            throw ValidationError("name job ids, or select jobs with --reason, --note, --kind, --older-than or --state")
        }
        let minimumAge = try filter.olderThan.map(DurationText.seconds)
        let narrowed = try filter.state.map(JobState.parse)
        if let outside = narrowed.first(where: { !states.contains($0) }) {
            throw CLIFailure.input(
                "no job in \(outside.directoryName) can be selected here (\(states.map(\.directoryName).joined(separator: ", ")))")
        }
        let candidates: [JobRecord]
        if ids.isEmpty {
            candidates = try (narrowed.isEmpty ? states : narrowed).flatMap { try spool.records(in: $0) }
        } else {
            candidates = try ids.map { text in
                let (name, state) = try spool.job(named: text)
                return try spool.record(name, in: state)
            }
        }
        return candidates.filter {
            (narrowed.isEmpty || narrowed.contains($0.state)) && filter.matches($0, now: now, minimumAge: minimumAge)
        }
    }

    /// Runs `action` on each selected job; a job it fails on is reported on its own line and the
    /// others go on. Exits with the status of the last failure, if any.
    static func each<Item>(_ items: [Item], _ action: (Item) throws -> Void) throws {
        var status: Int32 = 0
        for item in items {
            do {
                try action(item)
            } catch {
                status = Revq.report(error)
            }
        }
        if status != 0 { throw ExitCode(status) }
    }
}

extension JobRecord {
    /// The job's id, or a bad file's name.
    var displayID: String { job?.id.rawValue ?? name }

    /// Why the job failed, why the file is bad, or why its last attempt ended.
    var reasonText: String? { failure?.reason ?? defect?.message ?? job?.history.last?.reason }
}

extension Job {
    /// `review`, `sweep`, or `batch` for a sweep's batch job.
    var kindName: String {
        if case .sweep(_, .batch, _) = work { return "batch" }
        return work.kind
    }

    /// When the job was submitted: its generated id's time, else its `submitted_at`.
    var submittedTime: Date? { id.generatedAt ?? submittedAt }
}
