import Foundation
import TestSupport
import Testing

@testable import revq

/// Command-line habits: `--version`, negative option values, suggestions for typos, the KB root
/// found from a subdirectory, read-only commands that never make a store, `submitted_by`
/// without `$USER`, and a re-used key said to be one.
@Suite struct CLIHabitsTests {
    static let job = ["--runner", "codex", "--model", "m"]

    @Test func versionIsPrinted() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let result = try sample.revq(["--version"])
        #expect(result.status == 0 && result.stdout == "0.12.0\n")
    }

    @Test func aNegativePriorityIsAValue() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let result = try sample.revq(["enqueue", "review", SampleKB.noteB, "prose", "--priority", "-1", "--dry-run", "--json"] + Self.job)
        #expect(result.status == 0, "\(result.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect((document?["job"] as? [String: Any])?["priority"] as? Int == -1)
    }

    @Test func typosGetTheNearestName() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let cases: [([String], String)] = [
            (["stauts"], "revq: error: unknown command 'stauts' (did you mean 'status'?)\n"),
            (["spool", "lss"], "revq: error: unknown command 'lss' (did you mean 'ls'?)\n"),
            (["enqueue", "reveiw", SampleKB.noteA, "prose"], "revq: error: unknown command 'reveiw' (did you mean 'review'?)\n"),
            (["status", "--jsno"], "revq: error: unknown option '--jsno' (did you mean '--json'?)\n"),
        ]
        for (arguments, message) in cases {
            let result = try sample.revq(arguments)
            #expect(result.status == 2 && result.stderr == message, "\(arguments): \(result.stderr)")
        }
        let far = try sample.revq(["xyzzy"])
        #expect(far.status == 2 && far.stderr.hasPrefix("revq: error: unknown command 'xyzzy' (commands: run, runs, "))
        #expect(UsageSuggestion.distance("stauts", "status") == 1)
    }

    @Test func theKBRootIsFoundFromASubdirectory() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let gates = try RevqBinary.run(["gates", SampleKB.noteA, "prose", "--json"], in: sample.root.appendingPathComponent("kb/notes"))
        #expect(gates.status == 0, "\(gates.stderr)")
        let outside = try TemporaryDirectory("revq-no-kb")
        defer { outside.remove() }
        let lost = try RevqBinary.run(["gates", SampleKB.noteA, "prose"], in: outside.url)
        #expect(lost.status == 2)
        #expect(lost.stderr.hasPrefix("revq: error: no knowledge base found: no kb/notes/ directory and no git work tree in \(outside.url.path)"))
        let named = try RevqBinary.run(["stale", "--model", "m", "prose", "--kb-root", "/nonexistent-kb"], in: outside.url)
        #expect(named.status == 2 && named.stderr == "revq: error: no KB root at /nonexistent-kb: no such directory\n")
    }

    @Test func readingRunsNeverMakesAStore() throws {
        let outside = try TemporaryDirectory("revq-empty")
        defer { outside.remove() }
        try outside.write("kb/notes/.keep", "")
        for arguments in [["runs", "ls"], ["runs", "show", "1"]] {
            let result = try RevqBinary.run(arguments, in: outside.url)
            let store = outside.url.appendingPathComponent("kb/reports/review-store.sqlite").path
            #expect(result.status == 2 && result.stderr == "revq: error: no review store at \(store)\n", "\(arguments): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: outside.url.appendingPathComponent("kb/reports").path))
    }

    @Test func submittedByFallsBackToThePasswordDatabase() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let id = try sample.revq(["enqueue", "review", SampleKB.noteB, "prose"] + Self.job).stdout.trimmingCharacters(in: .newlines)
        let file = try Data(contentsOf: sample.root.appendingPathComponent("kb/reports/spool/new/\(id).json"))
        let job = try JSONSerialization.jsonObject(with: file) as? [String: Any]
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, 255)
        let user = String(cString: try #require(getpwuid(getuid())?.pointee.pw_name))
        #expect(job?["submitted_by"] as? String == "\(user)@\(String(cString: host))")
        #expect(RevqBinary.environment()["USER"] == nil && RevqBinary.environment()["LOGNAME"] == nil)
    }

    @Test func aReusedKeyPrintsTheExistingIdAndSaysSo() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let arguments = ["enqueue", "review", SampleKB.noteB, "prose", "--key", "k"] + Self.job
        let first = try sample.revq(arguments)
        #expect(first.status == 0 && first.stderr.isEmpty)
        let again = try sample.revq(arguments)
        #expect(again.status == 0 && again.stdout == first.stdout)
        let id = first.stdout.trimmingCharacters(in: .newlines)
        #expect(again.stderr == "revq: note: the key is held by job \(id) (new): nothing new was enqueued\n")
    }

    @Test func foundationFileErrorsArePlainLines() {
        let error = CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: "/x/y"])
        let failure = CLIFailure(error)
        #expect(failure.message == "cannot read /x/y: No such file or directory" && failure.status == 1)
        let write = CLIFailure(CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: "/x/z"]))
        #expect(write.message == "cannot write /x/z: Permission denied")
        let posix = CLIFailure(NSError(domain: NSPOSIXErrorDomain, code: Int(ENOSPC), userInfo: [NSFilePathErrorKey: "/x/w"]))
        #expect(posix.message == "/x/w: No space left on device")
    }
}
