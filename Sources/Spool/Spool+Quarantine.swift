import Foundation
import Glibc
import JSONText

extension Spool {
    /// Moves a bad file (SPEC §5 "Bad files") from `state` to `failed/` under its own name, with
    /// `<name>.error.json` beside it saying why. The file is renamed, never read further,
    /// followed or deleted, so its original bytes are kept. When `failed/` already has that name
    /// (or the name would read as a sidecar), a generated suffix is added. Returns the name in
    /// `failed/`, or nil when the file vanished first (someone else moved it).
    ///
    /// Callers that hold the file's lock (a claim) call this while holding it.
    @discardableResult
    public func quarantine(_ name: String, from state: JobState = .new, reason: String) throws -> String? {
        guard let info = try SystemCalls.linkStatus(path(state, name)) else { return nil }
        var target = name
        let taken =
            try SystemCalls.linkStatus(path(.failed, name)) != nil
            || SystemCalls.linkStatus(path(.failed, name.replacingJSONSuffix(with: Self.errorSuffix))) != nil
        if taken || Self.role(of: name, in: .failed) != .job {
            target = name + "." + JobID.uniqueStamp()
        }
        let report = FailureReport(reason: reason)
        var sidecar = report.jsonValue
        if case .object(var members) = sidecar {
            members.insert(("file", .string(name)), at: 1)
            members.insert(("from", .string(state.directoryName)), at: 2)
            members.insert(("size", .integer(Int(info.st_size))), at: 3)
            sidecar = .object(members)
        }
        let sidecarName = target.replacingJSONSuffix(with: Self.errorSuffix)
        try creatingDirectories { try writeDurably(JSONWriter.bytes(sidecar), as: sidecarName, in: .failed, replacing: true) }
        do {
            try SystemCalls.renameNoReplace(path(state, name), path(.failed, target))
        } catch SpoolError.system(_, _, ENOENT) {
            if try SystemCalls.linkStatus(path(.failed, target)) == nil {
                try SystemCalls.unlinkIfPresent(path(.failed, sidecarName))
            }
            return nil
        }
        try SystemCalls.syncDirectory(directory(.failed))
        return target
    }

    /// The reason a file that is not a readable regular file is bad.
    static func badFileReason(_ entry: LockedEntry) -> String? {
        switch entry {
        case .notRegular(let kind): "not a regular file: \(kind)"
        case .unreadable(let code): "cannot be read: \(String(cString: strerror(code)))"
        case .locked, .missing, .busy: nil
        }
    }
}
