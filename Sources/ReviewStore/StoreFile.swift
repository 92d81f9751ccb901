import Foundation
import Glibc
import SystemFiles

/// A file's identity on its file system: a store file removed, or replaced by another file of
/// the same name, no longer has the identity it was opened with.
struct FileIdentity: Sendable, Equatable {
    let device: UInt64
    let inode: UInt64

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

/// The store file before SQLite opens it: created when missing (group-writable in a
/// group-writable directory), while its directory is locked with `flock` so that one process
/// at a time sets a store up.
///
/// The lock is on the directory, never on the store file: closing any descriptor of the
/// store file would drop the `fcntl` locks SQLite holds on it for this whole process.
struct StoreFile {
    struct SetupError: Error {
        let reason: String
    }

    let directoryDescriptor: Int32

    /// Creates the store's directory when missing, takes an exclusive `flock` on it (waiting for
    /// another setup to end), and creates an empty store file when there is none.
    static func lockForSetup(_ path: String) throws(SetupError) -> StoreFile {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw SetupError(reason: "cannot create \(directory.path): \(error.localizedDescription)")
        }
        let lock = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard lock >= 0 else { throw SetupError(reason: "\(directory.path): \(String(cString: strerror(errno)))") }
        while flock(lock, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(lock)
                throw SetupError(reason: "flock \(directory.path): \(reason)")
            }
        }
        // No connection of this process can have a file open that did not exist before the lock.
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        if fd >= 0 {
            // A new store inside a KB's work tree (the default) must never go into a commit.
            let name = URL(fileURLWithPath: path).lastPathComponent
            GitIgnore.place(in: directory.path, patterns: ["", "-wal", "-shm", "-journal"].map { "/" + name + $0 })
            var parent = stat()
            var info = stat()
            if fstat(lock, &parent) == 0, parent.st_mode & S_IWGRP != 0, fstat(fd, &info) == 0 {
                _ = fchmod(fd, (info.st_mode & 0o7777) | S_IRGRP | S_IWGRP)
            }
            close(fd)
        }
        return StoreFile(directoryDescriptor: lock)
    }

    /// Ends the setup: releases the lock.
    func unlock() {
        close(directoryDescriptor)
    }

    /// The identity of whatever file `path` names now; nil when there is none.
    static func identity(at path: String) -> FileIdentity? {
        var info = stat()
        return stat(path, &info) == 0 ? FileIdentity(info) : nil
    }
}
