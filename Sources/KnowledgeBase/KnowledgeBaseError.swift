/// A problem with the knowledge base or a request against it; the message is shown as is.
public struct KnowledgeBaseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of problem it is, for callers that act on it.
    public enum Code: Sendable, Equatable {
        /// A bad request or a missing file: the caller asked for something that is not there.
        case request
        /// A note file that exists but cannot be read as a note (not UTF-8, frontmatter that does
        /// not parse, no frontmatter, an I/O error): KB-wide work skips it and reports why.
        case unreadableNote
    }

    public let code: Code
    public let message: String
    public init(_ message: String, code: Code = .request) {
        self.message = message
        self.code = code
    }
    public var description: String { message }
}
