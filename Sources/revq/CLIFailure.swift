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
        default: self = .runtime(String(describing: error))
        }
    }
}
