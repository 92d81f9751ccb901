import Foundation
import GRDB

/// revq's own table for the knowledge base's last-commit index (see `KnowledgeBase`): one row
/// per scope (the notes and gates roots it covers) with the HEAD it was built for. The CLI and
/// the worker share it, so a history walk made by one is not made again by the other. It is a
/// cache: losing it costs one walk.
extension ReviewStore {
    static let lastCommitIndexTable = """
        CREATE TABLE IF NOT EXISTS revq_last_commit_index (
            scope TEXT PRIMARY KEY,
            head TEXT NOT NULL,
            entries BLOB NOT NULL
        );
        """

    /// The stored index of `scope`; nil when there is none or it cannot be read.
    public func lastCommitIndex(scope: String) -> (head: String, entries: [UInt8])? {
        try? pool.read { db in
            try Row.fetchOne(db, sql: "SELECT head, entries FROM revq_last_commit_index WHERE scope = ?", arguments: [scope])
                .map { ($0["head"], [UInt8]($0["entries"] as Data)) }
        }
    }

    /// Replaces the stored index of `scope`; a failure (a busy store) only costs a later walk.
    public func saveLastCommitIndex(scope: String, head: String, entries: [UInt8]) {
        try? pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO revq_last_commit_index (scope, head, entries) VALUES (?, ?, ?)",
                arguments: [scope, head, Data(entries)])
        }
    }
}
