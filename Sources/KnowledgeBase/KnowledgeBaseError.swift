/// A problem with the knowledge base or a request against it; the message is shown as is.
public struct KnowledgeBaseError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
