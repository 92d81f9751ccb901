import Foundation
import Glibc
public import JSONText

/// Everything the spool knows about one file, for `spool ls` and `spool show`.
public struct JobRecord: Sendable {
    /// The file name in its state directory (`<id>.json`, or a bad file's own name).
    public let name: String
    public let state: JobState
    /// The decoded job; nil for a bad file.
    public let job: Job?
    /// Why the file is not a job; nil for a job.
    public let defect: JobDefect?
    /// `<name>.error.json` of a file in `failed/`.
    public let failure: FailureReport?
    /// `<id>.result.json` of a job in `done/`.
    public let result: JSONValue?
    /// `<id>.running` of a job in `active/`, once its worker knows the attempt's runs.
    public let running: RunningAttempt?
}

extension Spool {
    /// Reads one file and its sidecar. Any runner name is accepted: this is for looking, not running.
    public func record(_ name: String, in state: JobState) throws -> JobRecord {
        var job: Job?
        var defect: JobDefect?
        guard let info = try SystemCalls.linkStatus(path(state, name)) else {
            throw SpoolError.notFound(name: name, states: [state])
        }
        if info.st_mode & S_IFMT != S_IFREG {
            defect = JobDefect("not a regular file: \(LockedEntry.typeName(info.st_mode))")
        } else {
            do {
                job = try readJob(name, in: state)
            } catch let error as JobDefect {
                defect = error
            } catch SpoolError.system(_, _, let code) {
                defect = JobDefect("cannot be read: \(String(cString: strerror(code)))")
            }
        }
        let failure = state == .failed ? try failureReport(of: name, job: job) : nil
        let result = state == .done ? try sidecar(name.replacingJSONSuffix(with: Self.resultSuffix), in: state) : nil
        let running = state == .active ? job.flatMap { runningAttempt(of: $0.id) } : nil
        return JobRecord(name: name, state: state, job: job, defect: defect, failure: failure, result: result, running: running)
    }

    /// Finds a job by id (or a bad file by name) in any state, first match in state order.
    public func find(_ idOrName: String) throws -> JobRecord? {
        let name = JobID(idOrName).map(\.fileName) ?? idOrName
        for state in JobState.allCases {
            for candidate in [name, idOrName] where try SystemCalls.linkStatus(path(state, candidate)) != nil {
                return try record(candidate, in: state)
            }
        }
        return nil
    }

    /// Every file of `state`, in name order, each read once.
    public func records(in state: JobState) throws -> [JobRecord] {
        try names(in: state).compactMap { name in
            do { return try record(name, in: state) } catch SpoolError.notFound { return nil }
        }
    }

    /// The `.error.json` of a failed file; when that is missing or unreadable, a report whose
    /// reason is the job's last recorded one (a failed job always shows why).
    private func failureReport(of name: String, job: Job?) throws -> FailureReport {
        let sidecarName = name.replacingJSONSuffix(with: Self.errorSuffix)
        if let report = try sidecar(sidecarName, in: .failed).flatMap(FailureReport.init(json:)) { return report }
        let reason = job?.history.last?.reason ?? "unknown (\(sidecarName) is missing or unreadable)"
        return FailureReport(
            reason: reason, attempts: job?.attempts ?? 0, runIDs: job?.runIDs ?? [], failedAt: job?.history.last?.endedAt ?? Date(),
            submittedAt: job?.submittedAt, lastStartedAt: job?.history.last?.startedAt)
    }

    private func sidecar(_ name: String, in state: JobState) throws -> JSONValue? {
        guard let bytes = try? readFile(path(state, name)) else { return nil }
        return try? JSONValue(parsing: bytes)
    }
}

extension String {
    /// `<id>.json` → `<id><suffix>`; other names get the suffix appended.
    func replacingJSONSuffix(with suffix: String) -> String {
        (hasSuffix(".json") ? String(dropLast(5)) : self) + suffix
    }
}
