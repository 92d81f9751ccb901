import ArgumentParser
import Testing

@testable import revq

/// ``EnqueueLineParser`` against ArgumentParser itself: the same command value on every line
/// it takes, every field set, and nil on every line whose handling it leaves to ArgumentParser.
@Suite struct EnqueueLineParserTests {
    static let review = ["review", "kb/notes/a.md", "prose/clarity"]
    static let job = ["--runner", "codex", "--model", "gpt-5"]

    static let taken: [[String]] = [
        review + job,
        ["review", "kb/notes/a.md", "prose", "prose/clarity", "structure"] + job,
        ["review", "--runner=codex", "kb/notes/a.md", "--model=gpt-5", "prose/clarity"],
        review + job + ["--priority", "-3", "--timeout", "600", "--max-attempts", "2"],
        review + job + ["--priority=+7", "--not-before", "30m", "--key", "nightly-a"],
        review + job + ["--dry-run", "--json"],
        review + job + ["--config", "/etc/revq/revq.yaml", "--kb-root", "/srv/kb", "--db", "s.sqlite", "--spool=/var/spool/revq"],
        ["review", "-", "prose"] + job,
        ["--jobs-from", "-"],
        ["--jobs-from", "jobs.jsonl", "--spool", "/tmp/s", "--config=c.yaml", "--kb-root", "k", "--db", "d"],
        ["--jobs-from=jobs.jsonl"],
    ]

    @Test(arguments: taken)
    func takesWhatArgumentParserTakesWithTheSameResult(_ line: [String]) throws {
        let fast = try #require(EnqueueLineParser.parse(line))
        let full = try EnqueueCommand.parseAsRoot(line)
        #expect(Self.dumped(fast) == Self.dumped(full))
        // A field the fast parser forgot would still be an unparsed definition (and trap when read).
        #expect(!Self.dumped(fast).contains("definition"))
    }

    @Test(arguments: [
        ["--help"], ["review", "--help"], ["review", "-h"], ["--jobs-from", "f", "--help"],
        ["review", "kb/notes/a.md"] + job,
        ["review"] + job,
        job + review,
        review + ["--runner", "codex"],
        review + job + ["--runner", "claude"],
        review + job + ["--timeout", "ten"],
        review + job + ["--priority", "high"],
        review + job + ["--priority"],
        review + job + ["--model", "--json"],
        review + job + ["--bogus", "1"],
        review + job + ["--json=true"],
        review + job + ["--dry-run", "--dry-run"],
        review + job + ["--key="],
        review + job + ["-x"],
        review + job + ["--", "-gate"],
        ["sweep", "prose/clarity", "--stale"] + job,
        ["--jobs-from", "f", "review"],
        ["--jobs-from", "-v"],
        ["--jobs-from"],
        [],
        ["--spool", "s"],
    ])
    func leavesEverythingElseToArgumentParser(_ line: [String]) {
        #expect(EnqueueLineParser.parse(line) == nil)
    }

    /// Every stored value of a command, property wrappers' parse state included.
    static func dumped(_ command: any ParsableCommand) -> String {
        var text = ""
        dump(command, to: &text)
        return text
    }
}
