import Foundation

/// Seed inputs and the building blocks of generated ones.
enum Corpus {
    /// A sample from `Tests/ReviewFormatTests/Fixtures/` (the shared format samples).
    static func fixture(_ name: String) -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../ReviewFormatTests/Fixtures/\(name)")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }

    /// The example configuration, `config/revq.yaml`.
    static let exampleConfig: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../config/revq.yaml")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    static let bundles = ["bundle-ok.md", "bundle-end-mismatch.md", "bundle-missing-gate.md", "codex-stdout.txt"].map(fixture)
    static let sweep = fixture("sweep-ok.md")
    static let codexSession = fixture("codex-session.jsonl")
    static let codexStdout = fixture("codex-stdout.txt")
    static let claudeStream = fixture("claude-stream.jsonl")

    /// The gates the bundle fixtures are written for.
    static let fixtureGates = ["prose/source-residue", "semantic/grounding-alignment"]
    static let fixtureNotes = ["kb/notes/a.md", "kb/notes/b.md"]

    /// Result lines and finding lines in the spellings the decision parser knows, and near misses.
    static let decisionLines = [
        "## Result: PASS", "## Result: WARN", "## Result: FAIL", "Result: ok", "Result: info.", "**Result:** warning",
        "### Verdict: error (runner)", "Verdict: unknown", "`Result`: failed — see above", "Result: maybe",
        "Result:PASS", "result : pass", "Results: pass", "Verdict: pass!", "- FAIL: broken link", "* WARN: long",
        "+ PASS: fine", "- INFO: note", "**WARN — wording**", "**FAIL** here", "**PASS - ok**", "-FAIL: no space",
        "- fail: lower", "**WARNING: x**", "## Result: Pass", "# # Result: warn", "Result: ＰＡＳＳ",
    ]

    /// Lines shaped like sentinels, valid or nearly so.
    static func sentinelLines(ids: [String], using rng: inout SeededRandom) -> [String] {
        let id = ids.isEmpty ? rng.word() : rng.pick(ids)
        return [
            "=== GATE REVIEW START: \(id) ===", "=== GATE REVIEW END: \(id) ===", "=== NOTE START: \(id) ===",
            "=== NOTE END: \(id) ===", "  === GATE REVIEW START: \(rng.word()) ===\t", "=== GATE REVIEW END:  ===",
            "===GATE REVIEW START: \(id)===", "=== GATE REVIEW START: \(id) ====", "=== === ===", "======", "===",
            "=== NOTE START:\(id) ===", "=== gate review start: \(id) ===", "=== GATE REVIEW START: \(id) \r===",
        ]
    }

    /// Whether a line has the reserved form `=== … ===` (SPEC §3), judged independently of the parsers.
    static func isSentinelShaped(_ line: some StringProtocol) -> Bool {
        let trimmed = trimBlank(line)
        return trimmed.count >= 6 && trimmed.hasPrefix("===") && trimmed.hasSuffix("===")
    }

    /// The text without the blank characters around it that SPEC §3 ignores: spaces, tabs, CR and LF.
    static func trimBlank(_ text: some StringProtocol) -> String {
        let blank: Set<Character> = [" ", "\t", "\r", "\n", "\r\n"]
        guard let start = text.firstIndex(where: { !blank.contains($0) }), let end = text.lastIndex(where: { !blank.contains($0) })
        else { return "" }
        return String(text[start...end])
    }

    /// `count` distinct gate ids of the `<lens>/<name>` form.
    static func gateIds(_ count: Int, using rng: inout SeededRandom) -> [String] {
        var ids: [String] = []
        while ids.count < count {
            let id = "\(rng.pick(["prose", "semantic", "structure", "x"]))/\(rng.word())"
            if !ids.contains(id) { ids.append(id) }
        }
        return ids
    }

    /// `count` distinct note paths.
    static func notePaths(_ count: Int, using rng: inout SeededRandom) -> [String] {
        var paths: [String] = []
        while paths.count < count {
            let path = "kb/notes/\(rng.word()).md"
            if !paths.contains(path) { paths.append(path) }
        }
        return paths
    }

    /// The lines of a review body: free text and decision lines, none shaped like a sentinel and
    /// none holding a line break, with at least one non-blank character.
    static func bodyLines(using rng: inout SeededRandom) -> [String] {
        let text = rng.text(fragments: decisionLines + ["=== not a sentinel", "== x =="], pieces: 30)
        let breaks: Set<Character> = ["\n", "\r", "\r\n"]
        var lines = text.split(omittingEmptySubsequences: false) { breaks.contains($0) }.map(String.init)
        lines.removeAll(where: isSentinelShaped)
        return lines + [rng.word()]
    }

    /// Line endings a runner may use.
    static func lineEnding(using rng: inout SeededRandom) -> String { rng.oneIn(4) ? "\r\n" : "\n" }
}
