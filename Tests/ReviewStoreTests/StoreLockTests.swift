import Foundation
import ReviewStore
import TestSupport
import Testing

@Suite struct StoreLockTests {
    /// SQLite's locks are `fcntl` locks, owned by the process: closing any descriptor of the
    /// store file drops all of them. Then another process that closes its connection believes it
    /// is the last one, checkpoints and deletes the WAL, and the open store goes on writing into
    /// the deleted file: its commits are lost. Opening the store must not leave it so.
    @Test func anotherProcessClosingTheStoreNeverLosesTheOpenStoresCommits() throws {
        let directory = try TemporaryDirectory("revq-lock")
        defer { directory.remove() }
        let path = directory.path + "/review-store.sqlite"
        let store = try ReviewStore(path: path)
        _ = try ReviewStore(path: path)  // a second open in the same process
        store.saveLastCommitIndex(scope: "before", head: "h", entries: [1])
        let reader = try Command.run("/usr/bin/env", ["sqlite3", path, "SELECT count(*) FROM review_runs"])
        #expect(reader.status == 0, "\(reader.stderr)")
        store.saveLastCommitIndex(scope: "after", head: "h", entries: [2])
        let rows = try Command.run("/usr/bin/env", ["sqlite3", path, "SELECT scope FROM revq_last_commit_index ORDER BY scope"])
        #expect(rows.stdout == "after\nbefore\n")
    }
}
