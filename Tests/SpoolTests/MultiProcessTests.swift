import Foundation
import Glibc
import JSONText
import Spool
import Testing

/// Producers and claimers as separate processes (the `SpoolStress` helper), as in production.
@Suite struct MultiProcessTests {
    static let helper = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("SpoolStress").path

    /// Starts the helper with its stdout going to `output`.
    static func start(_ arguments: [String], output: String) throws -> Process {
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: helper)
        process.arguments = arguments
        process.standardOutput = FileHandle(forWritingAtPath: output)
        try process.run()
        return process
    }

    static func lines(_ path: String) -> [String] {
        (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
    }

    @Test func fourProducersTwoClaimersEveryJobClaimedExactlyOnce() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        let stop = temp.base + "/producers-done"
        let claimers = try (0..<2).map { try Self.start(["claim", temp.spool.root, stop], output: temp.base + "/claimed-\($0)") }
        let producers = try (0..<4).map {
            try Self.start(["produce", temp.spool.root, "500"], output: temp.base + "/produced-\($0)")
        }
        for producer in producers { producer.waitUntilExit() }
        _ = FileManager.default.createFile(atPath: stop, contents: nil)
        for claimer in claimers { claimer.waitUntilExit() }
        #expect((producers + claimers).allSatisfy { $0.terminationStatus == 0 })

        let produced = (0..<4).flatMap { Self.lines(temp.base + "/produced-\($0)") }
        let claimed = (0..<2).flatMap { Self.lines(temp.base + "/claimed-\($0)") }
        #expect(produced.count == 2000 && Set(produced).count == 2000)
        #expect(claimed.count == 2000)
        #expect(Set(claimed) == Set(produced))
        #expect(try temp.spool.counts() == [.new: 0, .active: 0, .deferred: 0, .hold: 0, .done: 2000, .failed: 0, .waiting: 0])
    }

    @Test func aProducerKilledMidWriteNeverExposesAPartialFile() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        for round in 0..<5 {
            let output = temp.base + "/flood-\(round)"
            let producer = try Self.start(["flood", temp.spool.root], output: output)
            try waitUntil("the producer to write") { !temp.listing("tmp").isEmpty || !temp.listing("new").isEmpty }
            usleep(UInt32.random(in: 0..<20_000))
            kill(producer.processIdentifier, SIGKILL)
            producer.waitUntilExit()
        }
        var index = JobIndex()
        try index.refresh(from: temp.spool)
        while let claimed = try temp.spool.claimNext(from: &index, rules: JobRules(knownRunners: ["codex"])) {
            try claimed.finish(AttemptReport(), result: .null)
        }
        #expect(temp.listing("failed").isEmpty, "every file in new/ was a complete job")
        #expect(temp.listing("new").isEmpty)
    }
}
