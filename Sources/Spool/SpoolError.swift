import Glibc

/// Why a spool operation failed. Every case renders as one line for `revq: error: …`.
public enum SpoolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A system call failed on a path (`errno` kept for callers that branch on it).
    case system(call: String, path: String, errno: Int32)
    /// Two spool directories live on different file systems (`rename` gave `EXDEV`).
    case crossDevice(from: String, to: String)
    /// The job or file is in none of the states the operation applies to.
    case notFound(name: String, states: [JobState])
    /// The job is in a state the operation does not apply to.
    case wrongState(name: String, state: JobState, expected: [JobState])
    /// Another process holds the file's lock (a claim is in progress); try again.
    case busy(name: String)
    /// The name already exists in the target state.
    case alreadyExists(name: String, state: JobState)
    /// The job itself is invalid.
    case invalidJob(JobDefect)
    /// This ``ClaimedJob`` has already left `active/`.
    case alreadyReleased(id: JobID)

    public var description: String {
        switch self {
        case .system(let call, let path, let code):
            "\(call) \(path): \(String(cString: strerror(code)))"
        case .crossDevice(let from, let to):
            "\(from) and \(to) are on different file systems; a spool must live on one file system"
        case .notFound(let name, let states):
            "no job \(name) in \(states.map(\.directoryName).joined(separator: ", "))"
        case .wrongState(let name, let state, let expected):
            "job \(name) is in \(state.directoryName), expected \(expected.map(\.directoryName).joined(separator: " or "))"
        case .busy(let name):
            "job \(name) is being claimed by another process; try again"
        case .alreadyExists(let name, let state):
            "\(state.directoryName)\(name) already exists"
        case .invalidJob(let defect):
            defect.description
        case .alreadyReleased(let id):
            "job \(id) has already left active/"
        }
    }
}
