/// The telemetry a `command` runner may leave in `$REVQ_TELEMETRY_FILE`.
public enum CommandTelemetry {
    /// The file's contents when they are one JSON object, as written; nil otherwise.
    public static func telemetry(fileContents: String) -> String? {
        guard let value = JSONValue(parsing: fileContents), value.isObject else { return nil }
        return String(fileContents.trimmed)
    }
}
