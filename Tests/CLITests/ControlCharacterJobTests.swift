import Foundation
import TestSupport
import Testing

/// Job fields with control characters (C0, DEL, C1) are refused at enqueue, and a job file
/// holding one is a bad job file.
@Suite struct ControlCharacterJobTests {
    @Test func enqueueRefusesThem() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        for model in ["m\u{1B}[31m", "m\u{7F}", "m\u{9B}1m", "m\tn"] {
            let result = try sample.revq(["enqueue", "review", SampleKB.noteB, "prose", "--runner", "codex", "--model", model])
            #expect(result.status == 2 && result.stderr.hasPrefix("revq: error: field \"model\" holds a control character (U+"), "\(result.stderr)")
        }
        let line = #"{"version":1,"kind":"review","note":"kb/notes/b.md","gates":["prose"],"runner":"codex","model":"m","key":"a\u0007"}"#
        let batch = try sample.revq(["enqueue", "--jobs-from", "-"], stdin: line + "\n")
        #expect(batch.status == 2 && batch.stderr == "revq: error: line 1: field \"key\" holds a control character (U+0007)\n")
        #expect(!FileManager.default.fileExists(atPath: sample.root.appendingPathComponent("kb/reports/spool/new").path))
    }

    @Test func aJobFileWithOneIsABadFile() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let new = sample.root.appendingPathComponent("kb/reports/spool/new")
        try FileManager.default.createDirectory(at: new, withIntermediateDirectories: true)
        let file = #"{"version":1,"id":"escape-job","kind":"review","note":"kb/notes/b.md","gates":["prose"],"runner":"codex","model":"m\u001b[2J"}"#
        try Data((file + "\n").utf8).write(to: new.appendingPathComponent("escape-job.json"))
        let shown = try sample.revqJSON(["spool", "show", "escape-job"]) as? [String: Any]
        #expect(shown?["defect"] as? String == "field \"model\" holds a control character (U+001B)")
    }
}
