import JSONText

/// The key under which reviews and acceptances are kept (`model_id`).
public enum ModelPartition {
    /// Reasoning efforts that become part of the partition name.
    static let efforts: Set<String> = ["low", "medium", "high", "xhigh"]

    /// A job's requested partition: its `model` string, trimmed, otherwise as given.
    public static func requested(_ model: String) -> String {
        String(model.trimmingWhitespace())
    }

    /// The partition named by a runner's model and reasoning effort: each run of
    /// characters outside `[A-Za-z0-9_-]` becomes `-`, outer `-` are stripped, the result
    /// is lower-cased, and `-<effort>` is appended for a known effort.
    /// `gpt-5.4` + `xhigh` → `gpt-5-4-xhigh`. Nil when nothing is left of the model.
    public static func actual(model: String, effort: String?) -> String? {
        var slug = ""
        var pendingDash = false
        for scalar in model.unicodeScalars {
            let allowed =
                scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-")
            if allowed {
                slug.unicodeScalars.append(scalar)
                pendingDash = false
            } else if !pendingDash {
                slug.append("-")
                pendingDash = true
            }
        }
        // Index-based: `dropLast()` on a Substring walks the whole text, so a loop of it is quadratic.
        guard let first = slug.firstIndex(where: { $0 != "-" }), let last = slug.lastIndex(where: { $0 != "-" }) else { return nil }
        let core = slug[first...last].lowercased()
        if let effort = effort?.trimmingWhitespace().lowercased(), efforts.contains(effort) {
            return core + "-" + effort
        }
        return core
    }

    /// The actual partition from a telemetry JSON document (`model`, `reasoning_effort`,
    /// `models`). Nil when there is no model, or when the telemetry names more than one.
    public static func actual(telemetryJSON: String) -> String? {
        // Other programs' output (a command runner's telemetry file is passed on as written).
        guard let telemetry = try? JSONParser.parse(Array(telemetryJSON.utf8), rules: .lenient), case .object = telemetry,
            let model = optionalString(telemetry["model"]), let effort = optionalString(telemetry["reasoning_effort"]),
            let models = optionalStrings(telemetry["models"])
        else { return nil }
        if let models, Set(models).count > 1 { return nil }
        guard let model = model ?? models?.first else { return nil }
        return actual(model: model, effort: effort)
    }

    /// A member that must be a string when present: `.some(nil)` when missing or null, nil
    /// when it has another type (then the telemetry names no model).
    private static func optionalString(_ value: JSONValue?) -> String?? {
        switch value {
        case nil, .null?: .some(nil)
        case .string(let text)?: .some(text)
        default: nil
        }
    }

    /// A member that must be an array of strings when present, like ``optionalString(_:)``.
    private static func optionalStrings(_ value: JSONValue?) -> [String]?? {
        switch value {
        case nil, .null?: return .some(nil)
        case .array(let elements)?:
            let strings = elements.compactMap(\.stringValue)
            return strings.count == elements.count ? .some(strings) : nil
        default: return nil
        }
    }
}
