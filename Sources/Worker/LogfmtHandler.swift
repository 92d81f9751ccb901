import Foundation
import Glibc
public import Logging

/// Writes one `key=value` line per log record to stderr (journald keeps it as one entry):
/// `ts=2026-12-07T11:40:02.118Z level=info event="job claimed" job=… attempt=1`. Metadata keys
/// are sorted so that the same state change always prints the same shape. `ts` (RFC 3339, UTC,
/// milliseconds) is left out when stderr is the journal, which stamps every entry itself.
public struct LogfmtHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    let label: String

    public init(label: String, level: Logger.Level = .info) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let extra = event.metadata { fields.merge(extra) { _, new in new } }
        var line = Self.stderrIsJournal ? "" : "ts=\(Self.timestamp(Date())) "
        line += "level=\(event.level) event=\(Self.quoted(event.message.description))"
        for key in fields.keys.sorted() { line += " \(key)=\(Self.quoted(fields[key]!.description))" }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// The value as is when it has no space, quote, `=`, backslash or control character; otherwise
    /// in double quotes with `"` and backslash escaped and control characters written as `\n`,
    /// `\t`, `\xNN`, so that nothing a runner printed can move a terminal's cursor or forge a line.
    static func quoted(_ value: String) -> String {
        let plain = !value.isEmpty && !value.unicodeScalars.contains { " \"=\\".unicodeScalars.contains($0) || isControl($0) }
        if plain { return value }
        var escaped = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            case "\t": escaped += "\\t"
            case "\r": escaped += "\\r"
            case _ where isControl(scalar): escaped += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return "\"\(escaped)\""
    }

    /// C0, DEL and C1 controls.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool { scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value) }

    /// `date` as RFC 3339 in UTC with milliseconds: `2026-12-07T11:40:02.118Z`.
    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(milliseconds / 1000)
        var utc = tm()
        gmtime_r(&seconds, &utc)
        func two(_ value: Int32) -> String { String(value).leftPadded(to: 2) }
        return "\(utc.tm_year + 1900)-\(two(utc.tm_mon + 1))-\(two(utc.tm_mday))T\(two(utc.tm_hour)):\(two(utc.tm_min)):"
            + "\(two(utc.tm_sec)).\(String(milliseconds % 1000).leftPadded(to: 3))Z"
    }

    /// systemd sets `JOURNAL_STREAM=<device>:<inode>` for a service whose stderr is the journal;
    /// it is inherited by children whose stderr may be elsewhere, so the pair must match fd 2.
    static let stderrIsJournal: Bool = {
        guard let value = getenv("JOURNAL_STREAM").map({ String(cString: $0) }) else { return false }
        let parts = value.split(separator: ":")
        var info = stat()
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]), fstat(2, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }()
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
