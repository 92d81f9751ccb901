public import Foundation
import Glibc
public import JSONText
import RevqTime

/// What the worker running a claimed job says about its current attempt, in
/// `active/<id>.running` (one line of JSON, replaced whole): written once the attempt's runner
/// runs (its runs and artifact directory are known by then), removed when the job leaves
/// `active/`.
public struct RunningAttempt: Sendable, Equatable {
    public var attempt: Int
    public var runIDs: [Int64]
    /// Where the runner writes its files (`runner-stdout.txt` is its raw output).
    public var artifactsDirectory: String
    /// When the claim started.
    public var startedAt: Date
    public var workerPid: Int32
    public var workerHost: String

    public init(attempt: Int, runIDs: [Int64], artifactsDirectory: String, startedAt: Date, workerPid: Int32, workerHost: String) {
        self.attempt = attempt
        self.runIDs = runIDs
        self.artifactsDirectory = artifactsDirectory
        self.startedAt = Timestamp.wholeSeconds(startedAt)
        self.workerPid = workerPid
        self.workerHost = workerHost
    }

    /// The runner's raw output file, which grows while the runner runs.
    public var outputPath: String { artifactsDirectory + "/runner-stdout.txt" }

    public var jsonValue: JSONValue {
        .object([
            ("attempt", .integer(attempt)), ("run_ids", .array(runIDs.map { .integer(Int($0)) })),
            ("artifacts", .string(artifactsDirectory)), ("started_at", JobFile.timestamp(startedAt)),
            ("worker_pid", .integer(Int(workerPid))), ("worker_host", .string(workerHost)),
        ])
    }

    init?(json: JSONValue) {
        guard let attempt = json["attempt"]?.integerValue, let directory = json["artifacts"]?.stringValue,
            let started = json["started_at"]?.stringValue.flatMap(Timestamp.parse), case .array(let runs)? = json["run_ids"]
        else { return nil }
        self.init(
            attempt: attempt, runIDs: runs.compactMap { $0.integerValue.map(Int64.init) }, artifactsDirectory: directory,
            startedAt: started, workerPid: Int32(json["worker_pid"]?.integerValue ?? 0), workerHost: json["worker_host"]?.stringValue ?? "")
    }
}

extension Spool {
    /// `active/<id>.running`: the running attempt (``RunningAttempt``).
    static let runningSuffix = ".running"
    /// `active/<id>.cancel`: an operator asks the worker running the job to stop it.
    static let cancelSuffix = ".cancel"

    /// The running attempt of a job in `active/`, nil before its worker knows it (or for no such job).
    public func runningAttempt(of id: JobID) -> RunningAttempt? {
        guard let bytes = try? readFile(path(.active, id.rawValue + Self.runningSuffix)),
            let json = try? JSONValue(parsing: bytes)
        else { return nil }
        return RunningAttempt(json: json)
    }

    /// Whether an operator asked to cancel the running job `id`.
    public func cancelRequested(_ id: JobID) -> Bool {
        (try? SystemCalls.linkStatus(path(.active, id.rawValue + Self.cancelSuffix))) != nil
    }

    /// Replaces `active/<id>.running` whole (written beside it, then renamed; not synced: it
    /// only informs readers, and a crash makes it stale anyway).
    func writeRunning(_ attempt: RunningAttempt, of id: JobID) throws {
        let name = id.rawValue + Self.runningSuffix
        let temporary = try writeTemporary(name + "-\(getpid())", JSONWriter.bytes(attempt.jsonValue), exclusive: false, sync: false)
        try SystemCalls.renameReplacing(temporary, path(.active, name))
    }

    /// Asks the worker that holds job `id`'s claim to stop it (it watches for the marker).
    func requestCancel(_ id: JobID) throws {
        let marker = path(.active, id.rawValue + Self.cancelSuffix)
        let fd = try SystemCalls.check("open", marker) { open(marker, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, Spool.fileMode) }
        close(fd)
    }

    /// Removes the sidecars of job `id` in `active/` (it left, or never was there).
    func removeActiveSidecars(of id: JobID) {
        for suffix in [Self.runningSuffix, Self.cancelSuffix] {
            try? SystemCalls.unlinkIfPresent(path(.active, id.rawValue + suffix))
        }
    }

    /// Removes the sidecars of `active/` whose job file is gone (its worker died between the two).
    func removeStrayActiveSidecars() throws {
        var strays: [JobID] = []
        try forEachName(in: directory(.active)) { name in
            guard Self.role(of: name, in: .active) == .sidecar, let id = Self.activeSidecarOwner(name) else { return }
            if try SystemCalls.linkStatus(path(.active, id.fileName)) == nil { strays.append(id) }
        }
        for id in strays { removeActiveSidecars(of: id) }
    }

    /// The job a sidecar of `active/` belongs to.
    static func activeSidecarOwner(_ name: String) -> JobID? {
        for suffix in [runningSuffix, cancelSuffix] where name.hasSuffix(suffix) {
            return JobID(String(name.dropLast(suffix.count)))
        }
        return nil
    }
}
