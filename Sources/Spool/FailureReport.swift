public import Foundation
import RevqTime

/// The `<name>.error.json` sidecar beside a file in `failed/`: why it failed, and the facts an
/// operator needs without opening anything else.
public struct FailureReport: Sendable, Equatable {
    public var reason: String
    /// Attempts spent (0 for a bad file or a cancelled job that never ran).
    public var attempts: Int
    /// Every run id of every attempt, oldest first.
    public var runIDs: [Int64]
    /// The last lines of the runner's stderr (caller-provided), oldest first.
    public var stderrTail: [String]
    public var failedAt: Date
    public var submittedAt: Date?
    /// When the last attempt started, nil if none did.
    public var lastStartedAt: Date?

    public init(
        reason: String, attempts: Int = 0, runIDs: [Int64] = [], stderrTail: [String] = [], failedAt: Date = Date(),
        submittedAt: Date? = nil, lastStartedAt: Date? = nil
    ) {
        self.reason = reason
        self.attempts = attempts
        self.runIDs = runIDs
        self.stderrTail = stderrTail
        self.failedAt = Timestamp.wholeSeconds(failedAt)
        self.submittedAt = submittedAt.map(Timestamp.wholeSeconds)
        self.lastStartedAt = lastStartedAt.map(Timestamp.wholeSeconds)
    }

    public var jsonValue: JSONValue {
        .object([
            ("reason", .string(reason)), ("attempts", .integer(attempts)),
            ("run_ids", .array(runIDs.map { .integer(Int($0)) })), ("stderr_tail", .array(stderrTail.map(JSONValue.string))),
            ("failed_at", JobFile.timestamp(failedAt)), ("submitted_at", JobFile.timestamp(submittedAt)),
            ("last_started_at", JobFile.timestamp(lastStartedAt)),
        ])
    }

    /// Reads a sidecar leniently (an operator may have edited it): a missing or odd field gets its default.
    public init?(json: JSONValue) {
        guard let reason = json["reason"]?.stringValue else { return nil }
        func date(_ name: String) -> Date? { json[name]?.stringValue.flatMap(Timestamp.parse) }
        func list<T>(_ name: String, _ element: (JSONValue) -> T?) -> [T] {
            guard case .array(let values)? = json[name] else { return [] }
            return values.compactMap(element)
        }
        self.init(
            reason: reason, attempts: json["attempts"]?.integerValue ?? 0,
            runIDs: list("run_ids") { $0.integerValue.map(Int64.init) }, stderrTail: list("stderr_tail") { $0.stringValue },
            failedAt: date("failed_at") ?? Date(timeIntervalSince1970: 0), submittedAt: date("submitted_at"),
            lastStartedAt: date("last_started_at"))
    }
}

extension JSONValue {
    /// Parses one strict JSON document.
    public init(parsing bytes: [UInt8]) throws(JobDefect) {
        do {
            self = try JSONParser.parse(bytes)
        } catch {
            throw JobDefect("not JSON: \(error.message)")
        }
    }

    /// The value as compact JSON text (no trailing newline).
    public var serialized: String { String(decoding: JSONWriter.bytes(self, newline: false), as: UTF8.self) }
}
