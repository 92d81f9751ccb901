import Foundation
public import Logging

/// Writes one `key=value` line per log record to stderr (journald keeps it as one entry):
/// `level=info event="job claimed" job=… attempt=1`. Metadata keys are sorted so that the
/// same state change always prints the same shape.
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
        var line = "level=\(event.level) event=\(Self.quoted(event.message.description))"
        for key in fields.keys.sorted() { line += " \(key)=\(Self.quoted(fields[key]!.description))" }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// The value as is when it has no space, quote or `=`; otherwise in double quotes with `"` and `\` escaped.
    static func quoted(_ value: String) -> String {
        let plain = !value.isEmpty && !value.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\\" || $0.isNewline }
        if plain { return value }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        return "\"\(escaped)\""
    }
}
