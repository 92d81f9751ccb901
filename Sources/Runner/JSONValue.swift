import Foundation
import JSONText

/// A JSON document as a value: enough to read runner logs line by line and to write telemetry
/// with stable (sorted) keys.
enum JSONValue: Sendable, Equatable, Encodable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses one JSON document; nil when `text` is not JSON. The spool's parser reads it with
    /// its rules for other programs' output (Foundation's decoder, which tried each type in turn
    /// through thrown errors, cost about 400,000 instructions per review job); as that decoder
    /// and Python's `json` read them, a repeated name keeps its last value and a whole number
    /// written with a fraction or an exponent is an integer.
    init?(parsing text: some StringProtocol) {
        guard let document = try? JSONParser.parse(Array(text.utf8), rules: .lenient) else { return nil }
        self.init(document)
    }

    init(_ document: JSONText.JSONValue) {
        switch document {
        case .null: self = .null
        case .bool(let value): self = .bool(value)
        case .integer(let value): self = .int(Int64(value))
        case .number(let value) where value.rounded() == value && abs(value) < 9e18: self = .int(Int64(value))
        case .number(let value): self = .double(value)
        case .string(let value): self = .string(value)
        case .array(let elements): self = .array(elements.map(JSONValue.init))
        case .object(let members):
            self = .object(Dictionary(members.map { ($0.name, JSONValue($0.value)) }, uniquingKeysWith: { _, last in last }))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Compact JSON text with sorted keys.
    var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { members[key] } else { nil }
    }

    var string: String? {
        if case .string(let value) = self { value } else { nil }
    }

    var int: Int64? {
        switch self {
        case .int(let value): value
        case .double(let value) where value.rounded() == value && abs(value) < 9e18: Int64(value)
        default: nil
        }
    }

    var array: [JSONValue]? {
        if case .array(let value) = self { value } else { nil }
    }

    var isObject: Bool {
        if case .object = self { true } else { false }
    }

    /// The value, or JSON null when it is missing.
    static func orNull(_ value: JSONValue?) -> JSONValue { value ?? .null }
}

extension Optional where Wrapped == String {
    /// A string or JSON null.
    var json: JSONValue { map(JSONValue.string) ?? .null }
}
