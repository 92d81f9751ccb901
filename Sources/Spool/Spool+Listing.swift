public import Foundation
import Glibc

/// What a directory entry of a state is.
public enum SpoolEntryRole: Sendable, Equatable {
    /// A job file `<id>.json`, or in `new/` any other non-dot name (a bad file to be moved aside).
    case job
    /// `<name>.error.json` in `failed/`, `<id>.result.json` in `done/`, `<id>.completion.json` in
    /// `waiting/`, `<id>.running` and `<id>.cancel` in `active/`.
    case sidecar
}

extension Spool {
    static let errorSuffix = ".error.json"
    static let resultSuffix = ".result.json"
    static let completionSuffix = ".completion.json"

    /// The names of the jobs (and bad files) in `state`, sorted, read with `readdir` only:
    /// dot-files and sidecars are left out. A missing directory lists as empty.
    public func names(in state: JobState) throws -> [String] {
        var names: [String] = []
        try forEachName(in: directory(state)) { name in
            if Self.role(of: name, in: state) == .job { names.append(name) }
        }
        return names.sorted()
    }

    /// Number of jobs per state, from directory listings only (no job file is read).
    public func counts() throws -> [JobState: Int] {
        var counts: [JobState: Int] = [:]
        for state in JobState.allCases {
            var count = 0
            try forEachName(in: directory(state)) { name in
                if Self.role(of: name, in: state) == .job { count += 1 }
            }
            counts[state] = count
        }
        return counts
    }

    /// The oldest ready job by id (ids are time-ordered), from the listing of `new/` only.
    /// Names that are not generated ids (bad files, batch ids) are skipped.
    public func oldestReady() throws -> (id: JobID, submittedAt: Date)? {
        var oldest: (id: JobID, submittedAt: Date)?
        try forEachName(in: directory(.new)) { name in
            guard let id = JobID(fileName: name), oldest.map({ id < $0.id }) ?? true, let time = id.generatedAt
            else { return }
            oldest = (id, time)
        }
        return oldest
    }

    /// The state a job id is in, looking in `states` in order; nil when in none.
    public func locate(_ id: JobID, in states: [JobState] = JobState.allCases) throws -> JobState? {
        for state in states where try SystemCalls.linkStatus(path(state, id.fileName)) != nil {
            return state
        }
        return nil
    }

    static func role(of name: String, in state: JobState) -> SpoolEntryRole? {
        if name.hasPrefix(".") { return nil }
        switch state {
        case .failed where name.hasSuffix(errorSuffix), .done where name.hasSuffix(resultSuffix),
            .waiting where name.hasSuffix(completionSuffix),
            .active where name.hasSuffix(runningSuffix) || name.hasSuffix(cancelSuffix):
            return .sidecar
        default: return .job
        }
    }

    /// Calls `body` with every name in a directory but `.` and `..`; a missing directory has none.
    func forEachName(in directory: String, _ body: (String) throws -> Void) throws {
        guard let stream = opendir(directory) else {
            if errno == ENOENT { return }
            throw SpoolError.system(call: "opendir", path: directory, errno: errno)
        }
        defer { closedir(stream) }
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw SpoolError.system(call: "readdir", path: directory, errno: errno) }
                return
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { buffer in
                String(cString: buffer.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { try body(name) }
        }
    }
}
