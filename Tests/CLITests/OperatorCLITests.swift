import Foundation
import TestSupport
import Testing

/// The operator's commands without a worker: ids by prefix, several ids and filters, dry runs,
/// `spool ls --wide`, and a spool that does not exist.
@Suite struct OperatorCLITests {
    static let job = ["--runner", "codex", "--model", "gpt-5-4-high"]

    func enqueue(_ sample: SampleKB, _ note: String, _ extra: [String] = []) throws -> String {
        let result = try sample.revq(["enqueue", "review", note, "prose"] + Self.job + extra)
        guard result.status == 0 else { throw TestFailure("enqueue: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .newlines)
    }

    @Test func aUniquePrefixWorksWhereAnIdIsTakenAndAnAmbiguousOneIsRefused() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let (a, b) = (try enqueue(sample, SampleKB.noteA), try enqueue(sample, SampleKB.noteB))
        let unique = String(b.prefix(b.count - 2))
        #expect(try sample.revq(["spool", "hold", unique]).stdout == "held \(b)\n")
        #expect(try sample.revq(["spool", "show", unique]).stdout.hasPrefix("job \(b) in hold/"))
        let shared = String(zip(a, b).prefix { $0 == $1 }.map(\.0))
        let ambiguous = try sample.revq(["spool", "release", shared])
        #expect(ambiguous.status == 2 && ambiguous.stderr.hasPrefix("revq: error: \(shared) is ambiguous"), "\(ambiguous.stderr)")
        #expect(ambiguous.stderr.contains(a) && ambiguous.stderr.contains(b))
        let unknown = try sample.revq(["spool", "show", "zz"])
        #expect(unknown.status == 2 && unknown.stderr.hasPrefix("revq: error: no job zz in "))
    }

    @Test func holdAndCancelTakeSeveralIdsAndFilters() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let ids = [try enqueue(sample, SampleKB.noteA), try enqueue(sample, SampleKB.noteB), try enqueue(sample, SampleKB.noteC)]
        let none = try sample.revq(["spool", "hold"])
        #expect(none.status == 2 && none.stderr.contains("name job ids, or select jobs with"), "\(none.stderr)")
        #expect(try sample.revq(["spool", "hold", ids[0], ids[1]]).stdout == "held \(ids[0])\nheld \(ids[1])\n")
        #expect(try sample.revq(["spool", "release", "--note", SampleKB.noteB]).stdout == "released \(ids[1]) to new/\n")
        #expect(try sample.revq(["spool", "cancel", "--older-than", "1h"]).stdout == "", "nothing is an hour old")
        let cancelled = try sample.revq(["spool", "cancel", "--state", "new", "--kind", "review"])
        #expect(cancelled.stdout == "cancelled \(ids[1])\ncancelled \(ids[2])\n", "\(cancelled.stderr)")
        let outside = try sample.revq(["spool", "hold", "--state", "done"])
        #expect(outside.status == 2 && outside.stderr.contains("no job in done/ can be selected here"))
    }

    @Test func retryFiltersByReasonAndDryRunChangesNothing() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let (a, b) = (try enqueue(sample, SampleKB.noteA), try enqueue(sample, SampleKB.noteB))
        #expect(try sample.revq(["spool", "cancel", a, b]).status == 0)
        // An operator may edit a report; here it makes two reasons to choose from.
        let report = sample.root.appendingPathComponent("kb/reports/spool/failed/\(b).error.json")
        try Data(#"{"reason":"codex exited 3"}"#.utf8).write(to: report)
        let dry = try sample.revq(["spool", "retry", "--reason", "exited", "--dry-run"])
        #expect(dry.stdout == "would retry \(b)\n", "\(dry.stderr)")
        #expect(try sample.revq(["spool", "show", b, "--json"]).stdout.contains(#""state":"failed""#))
        #expect(try sample.revq(["spool", "retry", "--all-failed", "--reason", "cancelled"]).stdout == "retried \(a)\n")
        let purge = try sample.revq(["spool", "purge", "--state", "failed", "--older-than", "0", "--dry-run"])
        #expect(purge.stdout == "would purge \(b).json\nwould purge 1 from failed/\n", "\(purge.stderr)")
        #expect(try sample.revq(["spool", "show", b]).status == 0, "a dry purge removes nothing")
    }

    @Test func lsShowsAgeAndNotBeforeAndWideCutsNothing() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let later = try enqueue(sample, SampleKB.noteA, ["--not-before", "2h"])
        let id = try enqueue(sample, SampleKB.noteB)
        #expect(try sample.revq(["spool", "cancel", id]).status == 0)
        let long = "codex exited 3: " + String(repeating: "word ", count: 30) + "THE END"
        try Data("{\"reason\":\"\(long)\"}".utf8).write(to: sample.root.appendingPathComponent("kb/reports/spool/failed/\(id).error.json"))
        let narrow = try sample.revq(["spool", "ls"])
        #expect(narrow.stdout.hasPrefix("ID ") && narrow.stdout.contains("AGE") && narrow.stdout.contains("NOT-BEFORE"))
        #expect(!narrow.stdout.contains("THE END"))
        let deferred = try #require(narrow.stdout.split(separator: "\n").first { $0.hasPrefix(later) })
        let time = try Regex(#" \d{4}-\d\d-\d\dT\d\d:\d\d"#)
        #expect(deferred.contains(" 0s ") && deferred.contains(time), "its age and not-before time: \(deferred)")
        #expect(try sample.revq(["spool", "ls", "--wide"]).stdout.contains(long))
    }

    @Test func readingCommandsRefuseASpoolThatDoesNotExist() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        for command in [["status"], ["spool", "ls"], ["follow", "x"]] {
            let result = try sample.revq(command + ["--spool", sample.root.path + "/nope"])
            #expect(result.status == 2 && result.stderr == "revq: error: no spool at \(sample.root.path)/nope\n", "\(command): \(result.stderr)")
        }
    }

    @Test func statusSaysWhenNoWorkerRuns() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        _ = try enqueue(sample, SampleKB.noteA)
        let status = try sample.revq(["status"])
        #expect(status.stdout.contains("\nno worker running\n"), "\(status.stdout)")
    }
}
