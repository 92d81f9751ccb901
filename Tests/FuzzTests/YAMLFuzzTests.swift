import Foundation
import KnowledgeBase
import RevqConfig
import Testing

/// The YAML readers: a note's or gate's frontmatter and the configuration file.
@Suite struct YAMLFuzzTests {
    static let yamlFragments = [
        "title: x", "traits: [a, b]", "traits:", "  - item", "- item", "key: |", "  indented", "&a x", "*a", "<<: *a",
        "!!binary AAAA", "? complex", "{", "[", ":", "'", "\"", "\t", "...", "---", "%YAML 1.2", "a: {b: [c, {d: e}]}",
        "n: 1e999", "n: 0x1F", "n: .nan", "n: 99999999999999999999", "- - - x", "key: value # comment", "@", "`",
    ]

    /// Frontmatter of random YAML-ish text either parses or throws a `KnowledgeBaseError`; without a
    /// first `---` line the whole text is the body; otherwise the body is what follows the block.
    @Test func frontmatter() {
        fuzz("frontmatter", generate: frontmatterText, save: { Array($0.utf8) }) { text in
            let parsed: Frontmatter
            do {
                parsed = try Frontmatter(text: text, path: "kb/notes/x.md")
            } catch let error as KnowledgeBaseError {
                try require(error.message.contains("frontmatter in kb/notes/x.md"), "undocumented: \(error.message)")
                return
            } catch {
                throw Violation("not a KnowledgeBaseError: \(error)")
            }
            let lines = text.textLinesForTest()
            let isMark = { (line: Substring, marks: Set<String>) in
                marks.contains(String(line.drop { " \t\r".contains($0) }.reversed().drop { " \t\r".contains($0) }.reversed()))
            }
            guard let first = lines.first, isMark(first, ["---"]) else {
                try require(parsed.body == text && parsed.fields.isEmpty && parsed.lists.isEmpty, "text without frontmatter altered")
                return
            }
            let close = lines.dropFirst().firstIndex { isMark($0, ["---", "..."]) }
            let body = close.map { lines[($0 + 1)...].joined(separator: "\n") }
            try require(parsed.body == body, "body is not the text after the block")
        }
    }

    /// A damaged or random configuration either parses to values within their documented bounds or
    /// throws a `ConfigError` naming a key and line, or saying the YAML is invalid.
    @Test func config() {
        fuzz("config", generate: configText, save: { Array($0.utf8) }) { text in
            let config: Config
            do {
                config = try ConfigParser.parse(text)
            } catch let error as ConfigError {
                let named = error.message.hasPrefix("invalid YAML: ") || error.message.contains(": ")
                try require(named, "config error without a key: \(error.message)")
                return
            } catch {
                throw Violation("not a ConfigError: \(error)")
            }
            try require(config.concurrency >= 1 && config.outputCapBytes >= 1024, "limits below their minimum")
            try require((0...1).contains(config.retry.jitter) && config.retry.maxAttempts >= 1, "retry out of bounds")
            try require(config.runners.values.allSatisfy { !$0.command.isEmpty }, "a runner without a program")
        }
    }

    // MARK: - Generators

    func frontmatterText(_ rng: inout SeededRandom) -> String {
        let yaml = (0..<rng.int(0...10)).map { _ in rng.oneIn(3) ? rng.text(pieces: 6) : rng.pick(Self.yamlFragments) }
        let deep = rng.oneIn(30) ? [String(repeating: "[", count: rng.int(10...200))] : []
        let close = rng.pick(["---", "...", " --- ", "---\r", ""])
        let text = ([rng.pick(["---", " ---\t", "--- x", ""])] + yaml + deep + [close] + [rng.text()]).joined(
            separator: Corpus.lineEnding(using: &rng))
        return rng.oneIn(3) ? Mutations.mutate(text, injecting: Self.yamlFragments, using: &rng) : text
    }

    func configText(_ rng: inout SeededRandom) -> String {
        let keys = ["concurrency", "output_cap_bytes", "drain_grace_s", "log_level", "retry", "quota", "sweep", "runners", "bogus"]
        let values = ["1", "0", "-1", "2.5", "\"x\"", "[a]", "{}", "~", "debug", "99999999999999999999", "1e3", "0.5", "yes"]
        var injected = (0..<8).map { _ in "\(rng.pick(keys)): \(rng.pick(values))" }
        injected += ["  jitter: 2", "  x: {kind: command}", "  y: {kind: codex, command: []}", "runners: {z: {kind: claude-code}}"]
        if rng.oneIn(3) { return (0..<rng.int(1...8)).map { _ in rng.pick(injected) }.joined(separator: "\n") }
        return Mutations.mutate(Corpus.exampleConfig, injecting: injected, using: &rng)
    }
}

extension String {
    /// The lines of the text as SPEC'd for markdown files: split at LF, CRLF or CR.
    func textLinesForTest() -> [Substring] {
        split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
    }
}
