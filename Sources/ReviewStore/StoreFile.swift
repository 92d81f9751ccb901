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
/// group-writable directory) and locked with `flock` while a process sets the store up.
struct StoreFile {
    struct SetupError: Error {
        let reason: String
    }

    let descriptor: Int32
    let identity: FileIdentity

    /// Creates `path` (and its directory) when missing, opens it and takes an exclusive `flock`,
    /// waiting for another process's setup to end.
    static func lockForSetup(_ path: String) throws(SetupError) -> StoreFile {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw SetupError(reason: "cannot create \(directory.path): \(error.localizedDescription)")
        }
        var fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        if fd >= 0 {
            var parent = stat()
            if stat(directory.path, &parent) == 0, parent.st_mode & S_IWGRP != 0 {
                var info = stat()
                if fstat(fd, &info) == 0 { _ = fchmod(fd, (info.st_mode & 0o7777) | S_IRGRP | S_IWGRP) }
            }
        } else if errno == EEXIST {
            fd = open(path, O_RDWR | O_CLOEXEC)
            // A read-only store can still be opened (and then refuses writes).
            if fd < 0, errno == EACCES || errno == EROFS { fd = open(path, O_RDONLY | O_CLOEXEC) }
        }
        guard fd >= 0 else { throw SetupError(reason: String(cString: strerror(errno))) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw SetupError(reason: "flock: \(reason)")
            }
        }
        var info = stat()
        fstat(fd, &info)
        return StoreFile(descriptor: fd, identity: FileIdentity(info))
    }

    /// Ends the setup: releases the lock and closes the file.
    func unlock() {
        close(descriptor)
    }

    /// The identity of whatever file `path` names now; nil when there is none.
    static func identity(at path: String) -> FileIdentity? {
        var info = stat()
        return stat(path, &info) == 0 ? FileIdentity(info) : nil
    }
}
