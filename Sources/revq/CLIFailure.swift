import Foundation
import KnowledgeBase
import ReviewFormat
import ReviewStore
import RevqConfig
import Spool

/// An error as the command line reports it: a one-line message and an exit status,
/// 2 for bad usage or input, 1 for a failure at run time.
struct CLIFailure: Error {
    let message: String
    let status: Int32

    static func input(_ message: String) -> CLIFailure { CLIFailure(message: message, status: 2) }
    static func runtime(_ message: String) -> CLIFailure { CLIFailure(message: message, status: 1) }

    init(message: String, status: Int32) {
        self.message = message
        self.status = status
    }

    /// Classifies the errors of the modules: what the user can fix in their input is 2 (a bad
    /// job, a missing job or one in the wrong state among them); a file-system failure is 1.
    init(_ error: any Error) {
        switch error {
        case let failure as CLIFailure: self = failure
        case let error as ConfigError: self = .input(error.message)
        case let error as KnowledgeBaseError: self = .input(error.message)
        case let error as ReviewFormatError: self = .input(error.message)
        case let error as ReviewStoreError: self = CLIFailure(message: error.message, status: error.isRefusal ? 2 : 1)
        case let defect as JobDefect: self = .input(defect.message)
        case SpoolError.invalidJob(let defect): self = .input(defect.message)
        case let error as SpoolError:
            switch error {
            case .notFound, .wrongState, .alreadyExists, .busy: self = .input(error.description)
            default: self = .runtime(error.description)
            }
        default:
            let text = String(describing: error)
            self = .runtime(text.contains("Error Domain=") ? Self.plainMessage(error as NSError) : text)
        }
    }

    /// A Foundation error without its `Error Domain=… UserInfo=…` dump: a file error as
    /// ``fileMessage(_:)`` words it; else the path when it names one, and the system's reason for
    /// a POSIX error, else Foundation's description.
    static func plainMessage(_ error: NSError) -> String {
        if error.domain == NSCocoaErrorDomain { return fileMessage(CocoaError(CocoaError.Code(rawValue: error.code), userInfo: error.userInfo)) }
        let path = error.userInfo[NSFilePathErrorKey] as? String ?? (error.userInfo[NSURLErrorKey] as? URL)?.path
        let reason = error.domain == NSPOSIXErrorDomain ? String(cString: strerror(Int32(error.code))) : error.localizedDescription
        return path.map { "\($0): \(reason)" } ?? reason
    }

    /// A Foundation file error as one plain line naming the path (never `Error Domain=…`):
    /// `cannot read /x/y: No such file or directory`.
    static func fileMessage(_ error: CocoaError) -> String {
        let path = error.filePath ?? error.url?.path ?? "a file"
        let verb = error.code.rawValue >= CocoaError.fileWriteUnknown.rawValue ? "cannot write" : "cannot read"
        let posix = (error.userInfo[NSUnderlyingErrorKey] as? NSError).flatMap { $0.domain == NSPOSIXErrorDomain ? Int32($0.code) : nil }
        let reason: String
        switch (posix, error.code) {
        case (let code?, _): reason = String(cString: strerror(code))
        case (nil, .fileNoSuchFile), (nil, .fileReadNoSuchFile): reason = String(cString: strerror(ENOENT))
        case (nil, .fileReadNoPermission), (nil, .fileWriteNoPermission): reason = String(cString: strerror(EACCES))
        case (nil, .fileWriteOutOfSpace): reason = String(cString: strerror(ENOSPC))
        case (nil, .fileWriteFileExists): reason = String(cString: strerror(EEXIST))
        default: reason = "file error \(error.code.rawValue)"
        }
        return "\(verb) \(path): \(reason)"
    }
}
