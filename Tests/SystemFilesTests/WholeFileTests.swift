import CLinuxShims
import Foundation
import Glibc
import SystemFiles
import Testing

@Suite struct WholeFileTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("revq-whole-file-\(getpid())-\(UUID().uuidString)")

    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test func readsEmptySmallLargeAndSizelessFiles() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(WholeFile.read(atPath: try file("empty", [])) == Data())
        #expect(WholeFile.read(atPath: try file("small", Array("héllo\n".utf8))) == Data("héllo\n".utf8))
        let large = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        #expect(WholeFile.read(atPath: try file("large", large)) == Data(large))
        // `/proc` files report size 0 and still have content.
        let stat = try #require(WholeFile.read(atPath: "/proc/self/stat"))
        #expect(String(decoding: stat, as: UTF8.self).hasPrefix("\(getpid()) ("))
        #expect(WholeFile.text(atPath: try file("latin1", [0x63, 0x61, 0x66, 0xE9])) == "caf\u{FFFD}")
    }

    @Test func aFileThatCannotBeOpenedIsNil() throws {
        #expect(WholeFile.read(atPath: directory.appendingPathComponent("missing").path) == nil)
        #expect(WholeFile.read(atPath: "/") == nil)
        #expect(WholeFile.text(atPath: directory.appendingPathComponent("missing").path) == "")
    }

    /// The leak this type exists to avoid: 5,000 reads of an empty file would keep 20 MiB of
    /// heap through `FileManager.contents(atPath:)`. Other tests allocate meanwhile, so the bound
    /// is loose; the count sums every malloc arena.
    @Test func readingEmptyFilesKeepsNoMemory() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let empty = try file("empty", [])
        let before = revq_heap_bytes_in_use()
        for _ in 0..<5_000 { _ = WholeFile.read(atPath: empty) }
        let grown = Int(revq_heap_bytes_in_use()) - Int(before)
        #expect(grown < 8 << 20, "heap grew by \(grown) bytes over 5,000 reads")
    }
}
