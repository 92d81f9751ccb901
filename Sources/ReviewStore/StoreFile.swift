import Foundation
import Glibc

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
/// group-writable directory), with its directory locked by `flock` while a process sets the
/// store up.
///
/// The lock is on the directory, never on the store file: SQLite's locks are `fcntl` locks,
/// owned by the whole process, and closing *any* descriptor of the store file drops them all.
/// Another process closing its connection would then take itself for the last one, checkpoint
/// and delete the WAL, and this process's later commits would go into the deleted file. So the
/// store file is opened here only when this call creates it, and closed before SQLite opens it.
struct StoreFile {
    struct SetupError: Error {
        let reason: String
    }

    /// The locked directory.
    let descriptor: Int32
    let identity: FileIdentity

    /// Locks the store's directory (creating it when missing) with an exclusive `flock`,
    /// waiting for another setup to end, then creates `path` when missing.
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
                throw SetupError(reason: "flock: \(reason)")
            }
        }
        let created = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        if created >= 0 {
            var parent = stat()
            if fstat(lock, &parent) == 0, parent.st_mode & S_IWGRP != 0 {
                var info = stat()
                if fstat(created, &info) == 0 { _ = fchmod(created, (info.st_mode & 0o7777) | S_IRGRP | S_IWGRP) }
            }
            close(created)  // a new file: no connection of this process holds a lock on it yet
        } else if errno != EEXIST {
            let reason = String(cString: strerror(errno))
            close(lock)
            throw SetupError(reason: reason)
        }
        guard let identity = identity(at: path) else {
            let reason = String(cString: strerror(errno))
            close(lock)
            throw SetupError(reason: reason)
        }
        return StoreFile(descriptor: lock, identity: identity)
    }

    /// Ends the setup: releases the directory lock.
    func unlock() {
        close(descriptor)
    }

    /// The identity of whatever file `path` names now; nil when there is none.
    static func identity(at path: String) -> FileIdentity? {
        var info = stat()
        return stat(path, &info) == 0 ? FileIdentity(info) : nil
    }
}
