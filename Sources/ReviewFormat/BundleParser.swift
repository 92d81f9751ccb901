/// A defect in runner output; its message becomes the run's failure reason word for word.
public struct ReviewFormatError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One gate's review as the runner wrote it between its sentinel lines.
public struct GateBlock: Equatable, Sendable {
    public let gateId: String
    /// The text between the sentinels, as written.
    public let body: String
    public var decision: Decision { DecisionParser.decision(of: body) }
    /// The body in its stored form (see ``DecisionParser/canonicalText(_:decision:)``).
    public var canonicalText: String { DecisionParser.canonicalize(body).text }
}

/// The sentinel lines of the bundle and sweep formats.
enum Sentinel {
    case gateStart(String), gateEnd(String), noteStart(String), noteEnd(String)

    /// Recognises a sentinel after trimming the line; nil for any other line.
    init?(line: Substring) {
        let trimmed = line.trimmingWhitespace()
        guard trimmed.hasPrefix("=== "), trimmed.hasSuffix(" ==="), trimmed.count >= 8 else { return nil }
        let inner = trimmed.dropFirst(4).dropLast(4)
        let kinds: [(String, (String) -> Sentinel)] = [
            ("GATE REVIEW START:", Sentinel.gateStart), ("GATE REVIEW END:", Sentinel.gateEnd),
            ("NOTE START:", Sentinel.noteStart), ("NOTE END:", Sentinel.noteEnd),
        ]
        for (prefix, make) in kinds where inner.hasPrefix(prefix) {
            let name = inner.dropFirst(prefix.count).trimmingWhitespace()
            guard !name.isEmpty else { return nil }
            self = make(String(name))
            return
        }
        return nil
    }

    static func isReserved(_ line: Substring) -> Bool {
        let trimmed = line.trimmingWhitespace()
        return trimmed.count >= 6 && trimmed.hasPrefix("===") && trimmed.hasSuffix("===")
    }
}

/// Parses a review bundle: the gate blocks between `=== GATE REVIEW START: <id> ===` and
/// `=== GATE REVIEW END: <id> ===`. Text outside blocks is ignored.
public enum BundleParser {
    /// Returns one block per expected gate, in the order of `expectedGates`, or throws the
    /// first defect found (see SPEC §3 for the messages).
    public static func parse(_ output: String, expectedGates: [String]) throws(ReviewFormatError) -> [GateBlock] {
        try parse(lines: output.textLines(), expectedGates: expectedGates)
    }

    static func parse(lines: some Sequence<Substring>, expectedGates: [String]) throws(ReviewFormatError) -> [GateBlock] {
        let expected = Set(expectedGates)
        var found: [String: GateBlock] = [:]
        var open: (id: String, body: [Substring])?
        for line in lines {
            switch Sentinel(line: line) {
            case .gateStart(let id):
                if let open { throw ReviewFormatError("nested gate review start before closing \(open.id)") }
                guard expected.contains(id) else { throw ReviewFormatError("unexpected gate in bundle output: \(id)") }
                guard found[id] == nil else { throw ReviewFormatError("duplicate gate in bundle output: \(id)") }
                open = (id, [])
            case .gateEnd(let id):
                guard let block = open else { throw ReviewFormatError("gate review end without start: \(id)") }
                guard block.id == id else {
                    throw ReviewFormatError("gate review end mismatch: expected \(block.id), found \(id)")
                }
                let body = block.body.joined(separator: "\n")
                guard !body.trimmingWhitespace().isEmpty else {
                    throw ReviewFormatError("empty review body for gate: \(id)")
                }
                found[id] = GateBlock(gateId: id, body: body)
                open = nil
            default:
                open?.body.append(line)
            }
        }
        if let open { throw ReviewFormatError("unterminated gate review block: \(open.id)") }
        let missing = expectedGates.filter { found[$0] == nil }
        guard missing.isEmpty else {
            throw ReviewFormatError("missing gate reviews in bundle output: \(missing.joined(separator: ", "))")
        }
        return expectedGates.map { found[$0]! }
    }

    /// The canonical bundle stored as a run's `raw_bundle_markdown`: a short header, then
    /// each gate's canonical text between its sentinels, in the order given.
    public static func canonicalBundle(runId: Int64, notePath: String, blocks: [GateBlock]) -> String {
        canonicalBundle(runId: runId, notePath: notePath, reviews: blocks.map { ($0.gateId, $0.canonicalText) })
    }

    /// Same as ``canonicalBundle(runId:notePath:blocks:)`` for reviews already in canonical form.
    public static func canonicalBundle(runId: Int64, notePath: String, reviews: [(gateId: String, text: String)]) -> String {
        var out = "# Review Bundle\n\nReview run id: \(runId)\nTarget: \(notePath)\n"
        for review in reviews {
            out += "\n=== GATE REVIEW START: \(review.gateId) ===\n"
            out += review.text.hasSuffix("\n") ? review.text : review.text + "\n"
            out += "=== GATE REVIEW END: \(review.gateId) ===\n"
        }
        return out
    }
}
