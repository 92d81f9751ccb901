import Foundation
import Glibc
import ReviewStore
import TestSupport
import Testing

/// Opening a store: durable commits, many openers of one fresh file, group-shared files, and
/// the faults a store can have under an open handle.
@Suite struct StoreOpeningTests {
    @Test func commitsAreDurableWithSynchronousFull() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        // A separate connection reports its own setting; revq's writer is checked through the
        // WAL's sync in the worker's strace test. Here: revq's writer connection sets FULL (2).
        #expect(try f.store.synchronousSetting() == 2)
    }

    @Test func manyOpenersOfOneFreshStoreAllSucceed() async throws {
        let directory = try TemporaryDirectory("revq-first-open")
        defer { directory.remove() }
        for round in 0..<20 {
            let path = directory.url.appendingPathComponent("round-\(round)/store.sqlite").path
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask { _ = try ReviewStore(path: path, busyTimeout: 5) }
                }
                try await group.waitForAll()
            }
            let store = try ReviewStore(path: path)
            #expect(try store.runs().isEmpty)
        }
    }

    @Test func aStoreInAGroupWritableDirectoryIsGroupWritable() throws {
        let directory = try TemporaryDirectory("revq-group-store")
        defer { directory.remove() }
        chmod(directory.path, 0o2770)
        let path = directory.url.appendingPathComponent("store.sqlite").path
        let store = try ReviewStore(path: path)
        _ = try store.runs()
        for file in [path, path + "-wal"] {
            var info = stat()
            #expect(stat(file, &info) == 0)
            #expect(info.st_mode & 0o060 == 0o060, "\(file) is group-readable and -writable")
        }
    }

    @Test func aRemovedOrReplacedStoreFileIsNoticed() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        try f.store.checkIdentity()
        let moved = f.storePath + ".moved"
        #expect(rename(f.storePath, moved) == 0)
        #expect(throws: StoreFault(.removed, "\(f.storePath) no longer exists")) { try f.store.checkIdentity() }
        _ = try ReviewStore(path: f.storePath)
        #expect(throws: StoreFault(.replaced, "\(f.storePath) is another file than the one opened")) { try f.store.checkIdentity() }
    }

    @Test func aTruncatedStoreIsAPersistentFault() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        for _ in 0..<20 { _ = try f.createRun() }
        try f.sqlite("PRAGMA wal_checkpoint(TRUNCATE)")
        try f.store.checkHealth()
        #expect(truncate(f.storePath, 4096 * 2) == 0)
        let fault = try #require(throws: StoreFault.self) { try f.store.checkHealth() }
        #expect(fault.kind == .malformed && !fault.isTransient, "\(fault)")
    }

    static let canMount: Bool = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/mount")

    @Test(.enabled(if: canMount, "needs root to make a read-only bind mount"))
    func aReadOnlyStoreIsAPersistentFault() throws {
        let f = try StoreFixture()
        defer { f.remove() }
        _ = try f.createRun()
        let directory = URL(fileURLWithPath: f.storePath).deletingLastPathComponent().path
        let view = try TemporaryDirectory("revq-ro-view")
        defer { view.remove() }
        try #require(try Command.run("/usr/bin/mount", ["--bind", "-o", "ro", directory, view.path]).status == 0)
        defer { _ = try? Command.run("/usr/bin/umount", [view.path]) }
        let path = view.url.appendingPathComponent("review-store.sqlite").path
        do {
            let store = try ReviewStore(path: path)
            let fault = try #require(throws: StoreFault.self) { try store.checkHealth() }
            #expect(!fault.isTransient && fault.kind == .readOnly, "\(fault)")
        } catch let error as ReviewStoreError {
            #expect(error.message.contains("readonly"), "\(error)")
        }
    }
}
