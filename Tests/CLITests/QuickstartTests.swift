import Foundation
import TestSupport
import Testing

/// The README's five-minute quickstart, run as written: its note and gate examples in a fresh
/// git repository, then its commands with a `command` runner profile in place of codex.
@Suite struct QuickstartTests {
    /// The fenced blocks of `language` in the quickstart section, in order.
    static func blocks(_ language: String) throws -> [String] {
        let readme = try String(contentsOf: ServiceUnitTests.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "## Your own knowledge base in five minutes\n"))
        let section = readme[start.upperBound...]
        let end = section.range(of: "\n## ")?.lowerBound ?? section.endIndex
        var found: [String] = []
        var current: [Substring]?
        for line in section[..<end].split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            if current == nil, trimmed == "```\(language)" {
                current = []
            } else if current != nil, trimmed == "```" {
                found.append(current!.map { String($0.dropFirst(min(3, $0.prefix { $0 == " " }.count))) }.joined(separator: "\n") + "\n")
                current = nil
            } else if current != nil {
                current!.append(line)
            }
        }
        return found
    }

    @Test func theDocumentedNoteAndGateFormatsReviewEndToEnd() throws {
        let markdown = try Self.blocks("markdown")
        try #require(markdown.count == 2, "the quickstart shows one note and one gate")
        let directory = try TemporaryDirectory("revq-quickstart")
        defer { directory.remove() }
        let root = directory.url
        for arguments in [["init", "-q", "-b", "main"], ["config", "user.email", "t@revq.invalid"], ["config", "user.name", "t"]] {
            _ = try Command.git(arguments, in: root)
        }
        try directory.write("kb/notes/retries.md", markdown[0])
        try directory.write("kb/instructions/review-gates/prose/clarity.md", markdown[1])
        _ = try Command.git(["add", "-A"], in: root)
        _ = try Command.git(["commit", "-q", "-m", "first note and gate"], in: root)
        try directory.write(
            "revq.yaml", "runners:\n  codex:\n    kind: command\n    command: [\"\(RevqBinary.url.path)\", sample-runner]\n")

        let environment = ["REVQ_CONFIG": root.appendingPathComponent("revq.yaml").path]
        let commands = try #require(Self.blocks("sh").first).split(separator: "\n").map { line in
            line.split(separator: "#", maxSplits: 1)[0].split(separator: " ").map(String.init)
        }
        #expect(commands.map { $0.prefix(2).joined(separator: " ") } == ["revq enqueue", "revq worker", "revq status", "revq findings", "revq stale"])
        for command in commands {
            let result = try RevqBinary.run(Array(command.dropFirst()), in: root, environment: environment)
            #expect(result.status == 0, "\(command.joined(separator: " ")): \(result.stderr)")
        }
        let runs = try RevqBinary.run(["runs", "ls", "--json"], in: root, environment: environment)
        let listed = try JSONSerialization.jsonObject(with: Data(runs.stdout.utf8)) as? [String: Any]
        let statuses = (listed?["runs"] as? [[String: Any]])?.map { $0["status"] as? String }
        #expect(statuses == ["completed"], "the documented gate applied to the documented note and its review completed")
    }
}
