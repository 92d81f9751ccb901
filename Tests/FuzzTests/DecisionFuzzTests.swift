import Foundation
import ReviewFormat
import Testing

/// The decision parser and the model partition names.
@Suite struct DecisionFuzzTests {
    /// `decision(of:)` agrees with `canonicalize`; a canonical text is trimmed, has no run of
    /// three newlines and ends in exactly one footer, the one asked for; the body is the same
    /// whatever the decision. (Reading a canonical text again need not give the same result:
    /// the original's grammar is not idempotent, e.g. `## Result` / `## Result: PASS` / `PASS`
    /// loses its split pair only on the second pass.)
    @Test func decision() {
        fuzz("decision", generate: reviewText, save: { Array($0.utf8) }) { text in
            let canonical = DecisionParser.canonicalize(text)
            try require(DecisionParser.decision(of: text) == canonical.decision, "decision(of:) and canonicalize disagree")
            let body = DecisionParser.canonicalText(text, decision: .pass).dropLast("## Result: PASS\n".count)
            for decision in Decision.allCases {
                let stored = DecisionParser.canonicalText(text, decision: decision)
                let footer = "## Result: \(decision.label)\n"
                try require(stored.hasSuffix(footer) && stored.dropLast(footer.count) == body, "\(decision) footer or body wrong")
            }
            try require(!body.contains("\n\n\n") && body.first?.isWhitespace != true, "body not trimmed or collapsed: \(body)")
            try require(body.isEmpty || body.hasSuffix("\n\n") && !body.dropLast(2).hasSuffix("\n"), "body end: \(body)")
        }
    }

    /// A partition name is `[a-z0-9_-]` with no `-` at either end, nil only when the model has no
    /// ASCII letter, digit or `_`, ends in a known effort when one is given, and is its own partition.
    @Test func modelPartition() {
        fuzz("model-partition", generate: modelAndEffort, save: { Array("\($0.model)\n\($0.effort ?? "")".utf8) }) { input in
            let name = ModelPartition.actual(model: input.model, effort: input.effort)
            let hasWordCharacter = input.model.unicodeScalars.contains {
                $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0))
            }
            try require((name != nil) == hasWordCharacter, "nil-ness wrong for \(input.model.debugDescription)")
            guard let name else { return }
            try require(isPartitionName(name), "not a partition name: \(name.debugDescription)")
            let effort = input.effort.map { $0.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() }
            if let effort, ["low", "medium", "high", "xhigh"].contains(effort) {
                try require(name.hasSuffix("-" + effort), "\(name) lacks the effort \(effort)")
            } else {
                try require(ModelPartition.actual(model: name, effort: nil) == name, "\(name) is not its own partition")
            }
        }
    }

    /// Telemetry JSON, valid or damaged: never a crash; the partition follows the telemetry's
    /// `model`/`models`/`reasoning_effort` as documented.
    @Test func telemetryPartition() {
        fuzz("telemetry-partition", generate: telemetry, save: { Array($0.json.utf8) }) { input in
            let name = ModelPartition.actual(telemetryJSON: input.json)
            if let name { try require(isPartitionName(name), "not a partition name: \(name.debugDescription)") }
            guard let fields = input.fields else { return }
            let models = fields["models"] as? [String]
            let expected: String? =
                if let models, Set(models).count > 1 {
                    nil
                } else if let model = fields["model"] as? String ?? models?.first {
                    ModelPartition.actual(model: model, effort: fields["reasoning_effort"] as? String)
                } else {
                    nil
                }
            try require(name == expected, "\(name ?? "nil") instead of \(expected ?? "nil")")
        }
    }

    // MARK: - Generators

    func reviewText(_ rng: inout SeededRandom) -> String {
        let text = rng.text(fragments: Corpus.decisionLines.flatMap { [$0, "\n" + $0 + "\n"] }, pieces: 60)
        return rng.oneIn(4) ? Mutations.mutate(text, injecting: Corpus.decisionLines, using: &rng) : text
    }

    struct ModelInput {
        var model: String
        var effort: String?
    }

    func modelAndEffort(_ rng: inout SeededRandom) -> ModelInput {
        let long = String(repeating: rng.pick(["-", ".", "a"]), count: rng.int(1_000...50_000))
        let parts = [
            "gpt-5.4", "claude-sonnet-4-6", "-", "--", ".", "/", " ", "_", "O3", "ü", "\u{1F600}", "İ", "K", rng.oneIn(50) ? long : "-",
        ]
        let model = (0..<rng.int(0...6)).map { _ in rng.oneIn(3) ? rng.text(pieces: 3) : rng.pick(parts) }.joined()
        let effort = rng.oneIn(4) ? nil : rng.pick(["low", "MEDIUM", " high\n", "xhigh", "minimal", "", rng.word()])
        return ModelInput(model: model, effort: effort)
    }

    struct TelemetryInput {
        var json: String
        /// The object the JSON was written from; nil for damaged JSON.
        var fields: [String: Any]?
    }

    func telemetry(_ rng: inout SeededRandom) -> TelemetryInput {
        var fields: [String: Any] = [:]
        let values: [Any] = ["gpt-5.4", "o3", "", " ", "-", 42, NSNull(), ["x"], "claude-opus-4"]
        if !rng.oneIn(4) { fields["model"] = rng.pick(values) }
        if rng.oneIn(2) { fields["models"] = (0..<rng.int(0...3)).map { _ in rng.pick(["a", "gpt-5.4", "o3"]) } }
        if rng.oneIn(2) { fields["reasoning_effort"] = rng.pick(["high", "low", "none", 3] as [Any]) }
        let data = (try? JSONSerialization.data(withJSONObject: fields)) ?? Data()
        let json = String(decoding: data, as: UTF8.self)
        guard rng.oneIn(3) else { return TelemetryInput(json: json, fields: hasOnlyDecodableTypes(fields) ? fields : nil) }
        return TelemetryInput(json: Mutations.mutate(json, injecting: [], using: &rng), fields: nil)
    }

    /// Whether the fields have the types the telemetry reader expects, so that it reads them all.
    func hasOnlyDecodableTypes(_ fields: [String: Any]) -> Bool {
        let model = fields["model"].map { $0 is String || $0 is NSNull } ?? true
        let effort = fields["reasoning_effort"].map { $0 is String } ?? true
        return model && effort
    }

    func isPartitionName(_ name: String) -> Bool {
        !name.isEmpty && name.first != "-" && name.last != "-"
            && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
    }
}
