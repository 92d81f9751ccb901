import Foundation
import Glibc
import Spool
import Testing

/// Every defect of SPEC §5 "Bad files": the file lands in `failed/` under its own name with the
/// original bytes, and `<name>.error.json` gives its own reason.
@Suite struct BadFileTests {
    static let id = "20261122T101500.123456Z-0000001-abcdef"
    static func job(_ replace: (String, String)? = nil, extra: String = "") -> [UInt8] {
        var text =
            #"{"version":1,"id":"\#(id)","kind":"review","note":"kb/notes/a.md","gates":["prose"],"runner":"codex","model":"m"\#(extra)}"#
        if let (from, to) = replace { text = text.replacingOccurrences(of: from, with: to) }
        return Array(text.utf8)
    }

    static let cases: [(label: String, bytes: [UInt8], reason: String)] = [
        ("too large", Array(repeating: UInt8(ascii: " "), count: (1 << 20) + 1), "file is larger than 1 MiB"),
        ("not UTF-8", [0x7B, 0xFF, 0x7D], "not UTF-8 (invalid byte at offset 1)"),
        ("not JSON", Array("{\"version\":".utf8), "not JSON: unexpected end of input"),
        ("not an object", Array("[1]".utf8), "the file must hold a JSON object, found array"),
        ("unknown version", job(("\"version\":1", "\"version\":2")), "unknown job version 2"),
        ("unknown kind", job(("\"review\"", "\"audit\"")), "unknown job kind \"audit\""),
        ("missing field", job((",\"model\":\"m\"", "")), "missing field \"model\""),
        ("wrong type", job(extra: ",\"priority\":\"high\""), "field \"priority\" must be an integer, found string"),
        ("wrong element type", job(("[\"prose\"]", "[\"prose\",3]")), "field \"gates\" must be an array of strings, found integer"),
        ("unknown field", job(extra: ",\"command\":\"rm -rf /\""), "unknown field \"command\""),
        ("unknown runner", job(("\"codex\"", "\"evil\"")), "unknown runner profile \"evil\""),
        ("absolute note", job(("kb/notes/a.md", "/etc/passwd")), "field \"note\" is outside the KB root (absolute path)"),
        ("dot-dot note", job(("kb/notes/a.md", "kb/../../x.md")), "field \"note\" is outside the KB root ('..')"),
        ("dot-dot gate", job(("[\"prose\"]", "[\"../prose\"]")), "field \"gates\" is outside the KB root ('..')"),
        ("id mismatch", job(("\(id)\"", "other\"")), "does not match the file name"),
        ("wrong spool field type", job(extra: ",\"attempts\":\"2\""), "field \"attempts\" must be an integer"),
    ]

    @Test(arguments: cases.indices)
    func defectGoesToFailedWithItsReason(_ index: Int) throws {
        let (label, bytes, reason) = Self.cases[index]
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        let name = Self.id + ".json"
        try temp.place(bytes, as: name)
        let outcome = try temp.spool.claim(name, rules: testRules)
        guard case .quarantined(let failedName, let given) = outcome else {
            Issue.record("\(label): not quarantined: \(outcome)")
            return
        }
        #expect(failedName == name)
        #expect(given.contains(reason), "\(label): \(given)")
        #expect(temp.bytes("failed", name) == bytes, "\(label): original bytes kept")
        let record = try #require(try temp.spool.find(Self.id))
        #expect(record.failure?.reason == given)
        #expect(temp.listing("new").isEmpty)
    }

    @Test func aSymlinkIsMovedNotFollowed() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        try temp.spool.createDirectories()
        let target = temp.base + "/precious"
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: target))
        symlink(target, temp.path("new", "link.json"))
        guard case .quarantined(_, let reason) = try temp.spool.claim("link.json", rules: testRules) else {
            Issue.record("not quarantined")
            return
        }
        #expect(reason == "not a regular file: a symbolic link")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: temp.path("failed", "link.json")) == target)
        #expect(FileManager.default.contents(atPath: target) == Data("keep me".utf8))
        #expect(temp.listing("failed") == ["link.error.json", "link.json"])
    }

    @Test func aDirectoryAndAFIFOAreMovedAside() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        try temp.spool.createDirectories()
        mkdir(temp.path("new", "dir.json"), 0o700)
        mkfifo(temp.path("new", "pipe.json"), 0o600)
        var index = JobIndex()
        try index.refresh(from: temp.spool)
        #expect(try temp.spool.claimNext(from: &index, rules: testRules) == nil)
        #expect(temp.listing("failed") == ["dir.error.json", "dir.json", "pipe.error.json", "pipe.json"])
        #expect(try temp.spool.find("dir.json")?.failure?.reason == "not a regular file: a directory")
        #expect(try temp.spool.find("pipe.json")?.failure?.reason == "not a regular file: a FIFO")
    }

    @Test func aBadFileNameIsAlsoMovedAside() throws {
        let temp = try TemporarySpool()
        defer { temp.cleanup() }
        try temp.place(Self.job(), as: "notes.txt")
        guard case .quarantined(let name, let reason) = try temp.spool.claim("notes.txt", rules: testRules) else {
            Issue.record("not quarantined")
            return
        }
        #expect(name == "notes.txt")
        #expect(reason.contains("does not match the file name"))
        #expect(temp.listing("failed") == ["notes.txt", "notes.txt.error.json"])
    }
}
