import Synchronization

/// Gates already parsed, by path, with the text each was parsed from: a gate file whose
/// text is unchanged is not parsed again (its YAML was most of a job's cost of reading it).
/// Shared by the copies of one ``KnowledgeBase``; it forgets everything when it holds more
/// than ``limit`` gates, which only a KB whose gates keep changing reaches.
final class ParsedGates: Sendable {
    static let limit = 4096
    private let gates = Mutex<[String: (text: String, gate: Gate)]>([:])

    /// The gate parsed from `text` at `path`, parsing it with `parse` only when it is new.
    func gate(at path: String, text: String, parse: (String) throws -> Gate) rethrows -> Gate {
        if let cached = gates.withLock({ $0[path] }), cached.text == text { return cached.gate }
        let gate = try parse(text)
        gates.withLock { gates in
            if gates.count >= Self.limit { gates.removeAll() }
            gates[path] = (text, gate)
        }
        return gate
    }
}
