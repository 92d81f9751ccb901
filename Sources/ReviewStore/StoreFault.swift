import Glibc
import GRDB

/// A fault of the store itself, as opposed to a refusal of one request: what a caller that met
/// it should do follows from ``kind`` (see ``isTransient``), never from a message.
public struct StoreFault: Error, Sendable, Equatable, CustomStringConvertible {
    /// The raw value is how the kind is named in messages (`review store read-only: …`).
    public enum Kind: String, Sendable {
        /// Another connection held the lock past the busy timeout: try again later.
        case busy
        /// The device holding the store is full: try again when there is space.
        case diskFull
        /// The file is not a database any more (`database disk image is malformed`).
        case malformed
        /// The store cannot be written (file mode, read-only mount).
        case readOnly = "read-only"
        /// The store file was removed while open.
        case removed
        /// Another file was put in the store's place while it was open.
        case replaced
        /// Any other I/O error of the database file.
        case ioError = "I/O error"
    }

    public let kind: Kind
    /// What the database or the file system said.
    public let detail: String

    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// Retrying after a while may succeed without anyone repairing anything.
    public var isTransient: Bool { kind == .busy || kind == .diskFull }

    public var description: String { "review store \(kind.rawValue): \(detail)" }

    /// The store fault `error` is, if it is one; nil for refusals and errors of the request.
    public static func classify(_ error: any Error) -> StoreFault? {
        if let fault = error as? StoreFault { return fault }
        guard let error = error as? DatabaseError else { return nil }
        let detail = error.message ?? error.description
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: return StoreFault(.busy, detail)
        case .SQLITE_FULL: return StoreFault(.diskFull, detail)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return StoreFault(.malformed, detail)
        case .SQLITE_READONLY: return StoreFault(error.extendedResultCode == .SQLITE_READONLY_DBMOVED ? .removed : .readOnly, detail)
        case .SQLITE_IOERR, .SQLITE_CANTOPEN: return StoreFault(.ioError, detail)
        default: return nil
        }
    }
}

extension ReviewStore {
    /// Throws when the file at the store's path is no longer the file this store opened
    /// (removed, or replaced): writing on would go into an unlinked file.
    public func checkIdentity() throws(StoreFault) {
        guard let current = StoreFile.identity(at: path) else { throw StoreFault(.removed, "\(path) no longer exists") }
        guard current == identity else { throw StoreFault(.replaced, "\(path) is another file than the one opened") }
    }

    /// Checks that the store can be used for the worker's next job: the same file, readable and
    /// writable. A fresh connection looks, so that no page cached by this store's connections
    /// hides a damaged file. Throws the fault that stands in the way.
    public func checkHealth() throws(StoreFault) {
        try checkIdentity()
        do {
            var configuration = GRDB.Configuration()
            configuration.busyMode = .timeout(busyTimeout)
            let probe = try DatabaseQueue(path: path, configuration: configuration)
            try probe.inDatabase { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                defer { try? db.execute(sql: "ROLLBACK") }
                _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM review_runs WHERE status = 'running'")
                // A write statement that changes no row still needs a writable file.
                try db.execute(sql: "UPDATE review_runs SET id = id WHERE 0")
            }
        } catch {
            throw fault(of: error) ?? StoreFault(.ioError, "\(error)")
        }
    }

    /// ``StoreFault/classify(_:)`` for an error of this store: an I/O error is `read-only`
    /// when the store file or its WAL cannot be opened for writing.
    public func fault(of error: any Error) -> StoreFault? {
        guard let fault = StoreFault.classify(error) else { return nil }
        guard fault.kind == .ioError, let file = unwritableFile() else { return fault }
        return StoreFault(.readOnly, file)
    }

    /// The store file or its WAL when it cannot be opened for writing for want of permission
    /// (mode, immutable flag, read-only mount): SQLite reports a write refused that way as a
    /// plain I/O error when the file was already open. Nil when both can be opened.
    func unwritableFile() -> String? {
        for file in [path, path + "-wal"] {
            let fd = open(file, O_WRONLY | O_CLOEXEC)
            if fd >= 0 {
                close(fd)
            } else if [EPERM, EACCES, EROFS].contains(errno) {
                return "\(file): \(String(cString: strerror(errno)))"
            }
        }
        return nil
    }
}
