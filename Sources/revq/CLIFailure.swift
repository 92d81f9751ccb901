import KnowledgeBase
import ReviewFormat
import ReviewStore
import RevqConfig

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

    /// Classifies the errors of the modules: what the user can fix in their input is 2.
    init(_ error: any Error) {
        switch error {
        case let failure as CLIFailure: self = failure
        case let error as ConfigError: self = .input(error.message)
        case let error as KnowledgeBaseError: self = .input(error.message)
        case let error as ReviewFormatError: self = .input(error.message)
        case let error as ReviewStoreError: self = CLIFailure(message: error.message, status: error.isRefusal ? 2 : 1)
        default: self = .runtime(String(describing: error))
        }
    }
}
