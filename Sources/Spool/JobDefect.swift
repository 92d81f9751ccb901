import JSONText

/// Why a job file or job is not acceptable: one clear message per defect, naming the field
/// when there is one (`field "priority" must be an integer, found string`).
public struct JobDefect: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    static func missing(_ field: String) -> JobDefect { JobDefect("missing field \"\(field)\"") }
    static func unknownField(_ field: String) -> JobDefect { JobDefect("unknown field \"\(field)\"") }
    static func wrongType(_ field: String, expected: String, found: JSONValue) -> JobDefect {
        JobDefect("field \"\(field)\" must be \(expected), found \(found.typeName)")
    }
    static func invalid(_ field: String, _ problem: String) -> JobDefect {
        JobDefect("field \"\(field)\" \(problem)")
    }
}
