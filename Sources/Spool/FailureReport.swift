public import Foundation
public import JSONText
import RevqTime

/// The `<name>.error.json` sidecar beside a file in `failed/`: why it failed, and the facts an
/// operator needs without opening anything else.
public struct FailureReport: Sendable, Equatable {
    public var reason: String
    /// Attempts spent (0 for a bad file or a cancelled job that never ran).
    public var attempts: Int
    /// Every run id of every attempt, oldest first.
    public var runIDs: [Int64]
    /// The last lines of the runner's stderr, oldest first, at most ``stderrTailBytes`` in all
    /// (a longer last line keeps its end): the runner's whole stderr may be megabytes.
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
        self.stderrTail = Self.capped(stderrTail)
        self.failedAt = Timestamp.wholeSeconds(failedAt)
        self.submittedAt = submittedAt.map(Timestamp.wholeSeconds)
        self.lastStartedAt = lastStartedAt.map(Timestamp.wholeSeconds)
    }

    /// The most of stderr kept in the report.
    public static let stderrTailBytes = 4096

    /// The last lines of `lines` that fit in ``stderrTailBytes``; the oldest of them cut to its end if need be.
    static func capped(_ lines: [String]) -> [String] {
        var kept: [String] = []
        var budget = stderrTailBytes
        for line in lines.reversed() where budget > 0 {
            let bytes = Array(line.utf8)
            guard bytes.count > budget else {
                kept.append(line)
                budget -= bytes.count
                continue
            }
            // Cut at a character boundary: skip UTF-8 continuation bytes.
            let end = bytes.suffix(budget).drop { $0 & 0xC0 == 0x80 }
            kept.append("…" + String(decoding: end, as: UTF8.self))
            budget = 0
        }
        return kept.reversed()
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
