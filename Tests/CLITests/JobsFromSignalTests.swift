import Foundation
import TestSupport
import Testing

/// `enqueue --jobs-from -` stopped by a signal while it commits: every job it committed, and
/// no other, has its id printed; `tmp/` is left empty. The test hook holds the command after
/// its first group of ids (committing 5,000 jobs outruns any test's reaction otherwise).
@Suite struct JobsFromSignalTests {
    static let count = 5_000

    func interrupt(with signal: Int32, expecting status: Int32) async throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let scratch = try TemporaryDirectory("revq-jobs-from")
        defer { scratch.remove() }
        let line = #"{"version":1,"kind":"review","note":"kb/notes/b.md","gates":["prose"],"runner":"codex","model":"m"}"#
        try scratch.write("jobs", String(repeating: line + "\n", count: Self.count))
        try scratch.write("out", "")
        let out = scratch.url.appendingPathComponent("out")
        let process = Process()
        process.executableURL = RevqBinary.url
        process.arguments = ["enqueue", "--jobs-from", "-"]
        process.currentDirectoryURL = sample.root
        process.environment = RevqBinary.environment(RunnerStandIns.environment.merging(["REVQ_TEST_JOBS_FROM_PAUSE": "1"]) { $1 })
        process.standardInput = try FileHandle(forReadingFrom: scratch.url.appendingPathComponent("jobs"))
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = FileHandle.nullDevice
        try process.run()
        let printed = { ((try? String(contentsOf: out, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init) }
        #expect(await eventually(within: 60) { !printed().isEmpty })
        kill(process.processIdentifier, signal)
        process.waitUntilExit()

        let ids = printed()
        #expect(process.terminationStatus == status, "all \(ids.count) of \(Self.count) were committed before the signal")
        #expect(ids.count < Self.count)
        let spool = sample.root.appendingPathComponent("kb/reports/spool")
        let files = { (state: String) in (try? FileManager.default.contentsOfDirectory(atPath: spool.appendingPathComponent(state).path)) ?? [] }
        #expect(Set(files("new")) == Set(ids.map { $0 + ".json" }))
        #expect(files("new").count == ids.count, "every id printed once")
        #expect(files("tmp").isEmpty)
    }

    @Test func sigintKeepsAndPrintsWhatWasCommitted() async throws {
        try await interrupt(with: SIGINT, expecting: 130)
    }

    @Test func sigtermKeepsAndPrintsWhatWasCommitted() async throws {
        try await interrupt(with: SIGTERM, expecting: 143)
    }
}
