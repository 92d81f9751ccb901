import Foundation
import Glibc
import TestSupport
import Testing

@testable import Worker

/// The worker's log lines: a timestamp unless stderr is the journal, and nothing a runner
/// printed reaching the terminal raw.
@Suite struct LogfmtTests {
    /// `revq worker --once` on a sample KB with its stderr in a file; the lines it logged.
    func workerLines(journalStream: (String) -> String?) throws -> [String] {
        let sample = try SampleKB()
        defer { sample.remove() }
        let log = sample.root.appendingPathComponent("worker.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        var info = stat()
        #expect(stat(log.path, &info) == 0)
        var environment = RevqBinary.environment()
        environment["JOURNAL_STREAM"] = journalStream("\(info.st_dev):\(info.st_ino)")
        let process = Process()
        process.executableURL = RevqBinary.url
        process.arguments = ["worker", "--once"]
        process.currentDirectoryURL = sample.root
        process.environment = environment
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(!lines.isEmpty, "the worker logs at least its start and stop")
        return lines
    }

    @Test func outsideTheJournalEveryLineStartsWithAnRFC3339Timestamp() throws {
        let stamp = /^ts=\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z level=/
        for lines in [try workerLines { _ in nil }, try workerLines { _ in "1:2" }] {
            for line in lines { #expect(line.firstMatch(of: stamp) != nil, "\(line)") }
        }
    }

    @Test func whenStderrIsTheJournalTheJournalStampsTheLines() throws {
        for line in try workerLines(journalStream: { $0 }) { #expect(line.hasPrefix("level="), "\(line)") }
    }

    @Test func timestampsAreUTCWithMilliseconds() {
        #expect(LogfmtHandler.timestamp(Date(timeIntervalSince1970: 1_796_643_602.118_9)) == "2026-12-07T11:40:02.118Z")
        #expect(LogfmtHandler.timestamp(Date(timeIntervalSince1970: 0.0075)) == "1970-01-01T00:00:00.007Z")
    }

    @Test func valuesWithControlCharactersAreQuotedAndEscaped() {
        #expect(LogfmtHandler.quoted("plain") == "plain")
        #expect(LogfmtHandler.quoted("two words") == "\"two words\"")
        #expect(LogfmtHandler.quoted("a\u{1b}[31mred\u{07}") == #""a\x1b[31mred\x07""#)
        #expect(LogfmtHandler.quoted("x\ny\tz\r\"\\\u{9b}\u{7f}") == #""x\ny\tz\r\"\\\x9b\x7f""#)
    }
}
