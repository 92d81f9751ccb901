import Foundation
import TestSupport
import Testing

/// `revq worker` refuses at start, exit 2 and before it logs `ready`, a KB root that does not
/// exist or is not found, and a spool it cannot write; it makes no spool or store then.
@Suite struct WorkerStartRefusalTests {
    func expectRefused(_ arguments: [String], in directory: URL, _ message: String) throws {
        let result = try RevqBinary.run(["worker", "--once"] + arguments, in: directory)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(result.stderr == "revq: error: \(message)\n", "\(arguments)")
    }

    @Test func aMissingKBRootOrAnUnwritableSpoolIsRefused() throws {
        let sample = try SampleKB()
        defer { sample.remove() }
        let outside = try TemporaryDirectory("revq-no-kb")
        defer { outside.remove() }
        try expectRefused(["--kb-root", "/nonexistent-kb"], in: outside.url, "no KB root at /nonexistent-kb: no such directory")
        try expectRefused(
            [], in: outside.url,
            "no knowledge base found: no kb/notes/ directory and no git work tree in \(outside.url.path) or any directory above it "
                + "(run revq inside a KB, or give --kb-root or REVQ_KB_ROOT)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.url.path).isEmpty)

        try outside.write("file", "")
        let spool = outside.url.appendingPathComponent("file/spool").path
        try expectRefused(["--spool", spool], in: sample.root, "cannot write the spool \(spool): mkdir \(spool): Not a directory")
        #expect(!FileManager.default.fileExists(atPath: sample.root.appendingPathComponent("kb/reports/review-store.sqlite").path))
    }
}
