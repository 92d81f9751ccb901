import ReviewFormat
import Testing

/// The bundle and gate-sweep parsers and the sweep prompt's reserved-sentinel check.
@Suite struct BundleFuzzTests {
    /// Damaged bundles never crash the parser; a failure is a documented message naming the right
    /// gate, a success has one non-blank block per expected gate, in order, with no sentinel inside.
    @Test func bundleMutated() {
        fuzz("bundle", generate: mutatedBundle, save: { Array($0.text.utf8) }) { input in
            do {
                let blocks = try BundleParser.parse(input.text, expectedGates: input.gates)
                try require(blocks.map(\.gateId) == input.gates, "blocks \(blocks.map(\.gateId)) for gates \(input.gates)")
                for block in blocks {
                    try require(!Corpus.trimBlank(block.body).isEmpty, "blank body accepted for \(block.gateId)")
                    let sentinel = block.body.textLines().first(where: isGateSentinel)
                    try require(sentinel == nil, "sentinel line inside a body: \(sentinel ?? "")")
                }
            } catch let error as ReviewFormatError {
                try Messages.checkBundle(error.message, expected: input.gates)
            }
        }
    }

    /// A bundle written from random gates and bodies (in any order, with noise outside the blocks,
    /// blank padding and CRLF) parses back to the same bodies in the expected order; its canonical
    /// bundle parses back to the canonical texts. (Reading those texts again need not give the
    /// same decision: the original's reading is not idempotent, see ``DecisionFuzzTests``.)
    @Test func bundleRoundTrip() throws {
        fuzz("bundle-roundtrip", generate: generatedBundle, save: { Array($0.text.utf8) }) { input in
            let blocks = try BundleParser.parse(input.text, expectedGates: input.gates)
            try require(blocks.map(\.body) == input.bodies, "bodies differ")
            let canonical = BundleParser.canonicalBundle(runId: 7, notePath: "kb/notes/n.md", blocks: blocks)
            let again = try BundleParser.parse(canonical, expectedGates: input.gates)
            try require(again.map { $0.body + "\n" } == blocks.map(\.canonicalText), "canonical bodies altered")
        }
    }

    /// Damaged or generated sweep output: any defect is a documented message (the batch fails as a
    /// whole); a success has one block of the gate per note, in order. Generated output parses back
    /// to its bodies, or, with notes left out, fails naming exactly those notes.
    @Test func sweep() {
        fuzz("sweep", generate: sweepOutput, save: { Array($0.text.utf8) }) { input in
            let omitted = input.bodies.map { bodies in zip(input.notes, bodies).filter { $0.1 == nil }.map(\.0) } ?? []
            let blocks: [GateBlock]
            do {
                blocks = try GateSweepParser.parse(input.text, gateId: input.gate, notes: input.notes)
            } catch let error as ReviewFormatError {
                if input.bodies != nil {
                    let expected = "missing note reviews in gate sweep output: \(omitted.joined(separator: ", "))"
                    try require(!omitted.isEmpty && error.message == expected, "\(error.message), expected \(expected)")
                }
                try Messages.checkSweep(error.message, notes: input.notes, gate: input.gate)
                return
            }
            try require(omitted.isEmpty, "accepted output without \(omitted)")
            try require(blocks.count == input.notes.count && blocks.allSatisfy { $0.gateId == input.gate }, "not one block per note")
            if let bodies = input.bodies {
                try require(blocks.map(\.body) == bodies, "well-formed sweep output altered")
            }
        }
    }

    /// `ReviewPrompt.sweep` refuses exactly the notes with a `=== … ===` line, naming the first one
    /// and its line; an accepted prompt's own template parses as a complete sweep output.
    @Test func sweepPromptSentinels() {
        fuzz("sweep-prompt", generate: promptNotes, save: { Array($0.notes.map(\.text).joined(separator: "\n\u{0}\n").utf8) }) { input in
            let offending = input.notes.lazy.compactMap { note in
                note.text.textLines().firstIndex(where: Corpus.isSentinelShaped).map { (note.path, $0 + 1) }
            }.first
            let gate = GateText(id: input.gate, text: "Check the prose.")
            do {
                let prompt = try ReviewPrompt.sweep(gate: gate, notes: input.notes)
                try require(offending == nil, "accepted a note with a reserved line: \(offending!)")
                let blocks = try GateSweepParser.parse(prompt, gateId: input.gate, notes: input.notes.map(\.path))
                try require(blocks.count == input.notes.count, "the prompt's template does not parse: \(blocks)")
            } catch let error as ReviewFormatError {
                let expected = offending.map { "reserved sentinel in \($0.0) line \($0.1)" }
                try require(error.message == expected, "\(error.message), expected \(expected ?? "success")")
            }
        }
    }

    // MARK: - Generators

    struct BundleInput {
        var text: String
        var gates: [String]
        var bodies: [String] = []
    }

    struct SweepInput {
        var text: String
        var gate: String
        var notes: [String]
        /// The body of each note's gate block, when the output was generated well formed.
        var bodies: [String?]?
    }

    struct PromptInput {
        var gate: String
        var notes: [(path: String, text: String)]
    }

    func mutatedBundle(_ rng: inout SeededRandom) -> BundleInput {
        let gates = rng.oneIn(3) ? Corpus.gateIds(rng.int(1...3), using: &rng) : Corpus.fixtureGates
        let seed = rng.oneIn(4) ? generatedBundle(&rng).text : rng.pick(Corpus.bundles)
        let lines = Corpus.sentinelLines(ids: gates, using: &rng) + Corpus.decisionLines
        let expected = rng.oneIn(5) ? Array(gates.shuffled(using: &rng).prefix(rng.int(0...gates.count))) : gates
        return BundleInput(text: Mutations.mutate(seed, injecting: lines, using: &rng), gates: expected)
    }

    func generatedBundle(_ rng: inout SeededRandom) -> BundleInput {
        let gates = Corpus.gateIds(rng.int(1...5), using: &rng)
        let bodies = gates.map { _ in Corpus.bodyLines(using: &rng) }
        let newline = Corpus.lineEnding(using: &rng)
        var text = noise(&rng) + newline
        for index in gates.indices.shuffled(using: &rng) {
            text += pad("=== GATE REVIEW START: \(rng.oneIn(3) ? " " : "")\(gates[index]) ===", &rng) + newline
            text += bodies[index].joined(separator: newline) + newline
            text += pad("=== GATE REVIEW END: \(gates[index]) ===", &rng) + newline + noise(&rng) + newline
        }
        return BundleInput(text: text, gates: gates, bodies: bodies.map { $0.joined(separator: "\n") })
    }

    func sweepOutput(_ rng: inout SeededRandom) -> SweepInput {
        let gate = rng.oneIn(2) ? Corpus.fixtureGates[0] : Corpus.gateIds(1, using: &rng)[0]
        if rng.oneIn(2) {
            let seed = rng.oneIn(2) ? Corpus.sweep : generatedSweep(gate: gate, &rng).text
            let notes = rng.oneIn(3) ? Corpus.notePaths(rng.int(1...3), using: &rng) : Corpus.fixtureNotes
            let lines = Corpus.sentinelLines(ids: notes + [gate], using: &rng)
            return SweepInput(text: Mutations.mutate(seed, injecting: lines, using: &rng), gate: gate, notes: notes, bodies: nil)
        }
        return generatedSweep(gate: gate, &rng)
    }

    /// Well-formed output for random notes, some of them left out.
    func generatedSweep(gate: String, _ rng: inout SeededRandom) -> SweepInput {
        let notes = Corpus.notePaths(rng.int(1...5), using: &rng)
        let newline = Corpus.lineEnding(using: &rng)
        var text = noise(&rng) + newline
        var bodies: [String?] = []
        for note in notes {
            guard !rng.oneIn(5) else {
                bodies.append(nil)
                continue
            }
            let body = Corpus.bodyLines(using: &rng)
            bodies.append(body.joined(separator: "\n"))
            text += pad("=== NOTE START: \(note) ===", &rng) + newline + noise(&rng) + newline
            text += pad("=== GATE REVIEW START: \(gate) ===", &rng) + newline + body.joined(separator: newline) + newline
            text += pad("=== GATE REVIEW END: \(gate) ===", &rng) + newline + pad("=== NOTE END: \(note) ===", &rng) + newline
        }
        return SweepInput(text: text, gate: gate, notes: notes, bodies: bodies)
    }

    func promptNotes(_ rng: inout SeededRandom) -> PromptInput {
        let paths = Corpus.notePaths(rng.int(1...4), using: &rng)
        let notes = paths.map { path in
            var lines = Corpus.bodyLines(using: &rng)
            if rng.oneIn(3) {
                let reserved = Corpus.sentinelLines(ids: [path], using: &rng) + ["=== x ===", " ==== ", "===== ====="]
                lines.insert(rng.pick(reserved + ["== x ==", "=== x", "x ==="]), at: rng.int(0...lines.count))
            }
            return (path: path, text: lines.joined(separator: Corpus.lineEnding(using: &rng)))
        }
        return PromptInput(gate: Corpus.gateIds(1, using: &rng)[0], notes: notes)
    }

    /// Text outside blocks: anything but a sentinel-shaped line.
    func noise(_ rng: inout SeededRandom) -> String {
        Corpus.bodyLines(using: &rng).joined(separator: "\n")
    }

    /// A sentinel line with blank space around it, as the parser allows.
    func pad(_ line: String, _ rng: inout SeededRandom) -> String {
        rng.oneIn(4) ? rng.pick([" ", "\t", "  "]) + line + rng.pick([" ", "\t", ""]) : line
    }

    /// A gate start or end line with a non-empty name, as SPEC §3 describes it.
    func isGateSentinel(_ line: Substring) -> Bool {
        let trimmed = Corpus.trimBlank(line)
        guard trimmed.hasPrefix("=== GATE REVIEW START:") || trimmed.hasPrefix("=== GATE REVIEW END:"),
            trimmed.hasSuffix(" ==="), trimmed.count >= 8
        else { return false }
        let name = trimmed.dropFirst(4).dropLast(4).drop { $0 != ":" }.dropFirst()
        return !Corpus.trimBlank(name).isEmpty
    }
}
