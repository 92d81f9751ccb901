import Foundation
import TestSupport
import Testing

@testable import Worker

@Suite struct DirectoryWatcherTests {
    @Test func renamesAndClosedWritesArriveAsEvents() async throws {
        let directory = try TemporaryDirectory("revq-watch")
        defer { directory.remove() }
        try FileManager.default.createDirectory(at: directory.url.appendingPathComponent("new"), withIntermediateDirectories: true)
        let watcher = try DirectoryWatcher(directory: directory.url.appendingPathComponent("new"))
        let events = watcher.events(tick: .seconds(30))
        try directory.write("tmp-a", "a")
        #expect(rename(directory.url.appendingPathComponent("tmp-a").path, directory.url.appendingPathComponent("new/a.json").path) == 0)
        try directory.write("new/b.json", "b")
        var seen: Set<String> = []
        for await event in events {
            if case .arrived(let names) = event { seen.formUnion(names) }
            if seen.isSuperset(of: ["a.json", "b.json"]) { break }
        }
        watcher.stop()
        #expect(seen.isSuperset(of: ["a.json", "b.json"]))
    }

    @Test func aQuietDirectoryTicksAndStopEndsTheStream() async throws {
        let directory = try TemporaryDirectory("revq-watch")
        defer { directory.remove() }
        let watcher = try DirectoryWatcher(directory: directory.url)
        var ticks = 0
        for await event in watcher.events(tick: .milliseconds(20)) {
            #expect(event == .tick)
            ticks += 1
            if ticks == 2 { watcher.stop() }
        }
        #expect(ticks >= 2)
    }

    @Test func removingTheDirectoryReportsAnOverflow() async throws {
        let directory = try TemporaryDirectory("revq-watch")
        defer { directory.remove() }
        let watched = directory.url.appendingPathComponent("new")
        try FileManager.default.createDirectory(at: watched, withIntermediateDirectories: true)
        let watcher = try DirectoryWatcher(directory: watched)
        let events = watcher.events(tick: .seconds(30))
        try FileManager.default.removeItem(at: watched)
        for await event in events where event == .overflow {
            watcher.stop()
        }
    }

    @Test func aMissingDirectoryIsAClearError() throws {
        #expect(throws: WatcherError.self) { try DirectoryWatcher(directory: URL(fileURLWithPath: "/nonexistent/revq")) }
    }
}
