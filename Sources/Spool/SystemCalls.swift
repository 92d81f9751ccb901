import CLinuxShims
import Glibc
import SystemFiles

/// Thin, `errno`-checked wrappers around the system calls the spool is made of.
/// Paths are plain strings; every call retries on `EINTR`.
enum SystemCalls {
    /// Runs `call` until it does not fail with `EINTR`; returns its result or throws ``SpoolError/system``.
    @discardableResult
    static func check(_ name: String, _ path: String, _ call: () -> Int32) throws -> Int32 {
        while true {
            let result = call()
            if result != -1 { return result }
            if errno != EINTR { throw SpoolError.system(call: name, path: path, errno: errno) }
        }
    }

    /// `lstat(2)`: never follows a final symlink. Returns nil when the path does not exist.
    static func linkStatus(_ path: String) throws -> stat? {
        var info = stat()
        if lstat(path, &info) == 0 { return info }
        if errno == ENOENT || errno == ENOTDIR { return nil }
        throw SpoolError.system(call: "lstat", path: path, errno: errno)
    }

    static func fileStatus(_ fd: Int32, path: String) throws -> stat {
        var info = stat()
        try check("fstat", path) { fstat(fd, &info) }
        return info
    }

    /// Writes all of `bytes` to `fd`.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = try check("write", path) {
                    Int32(truncatingIfNeeded: write(fd, buffer.baseAddress! + offset, buffer.count - offset))
                }
                offset += Int(written)
            }
        }
    }

    /// Reads from `fd` until end of file, but never more than `limit + 1` bytes (so a caller can tell "too large").
    static func readAll(_ fd: Int32, limit: Int, path: String) throws -> [UInt8] {
        guard let bytes = WholeFile.readToEnd(fd, limit: limit) else { throw SpoolError.system(call: "read", path: path, errno: errno) }
        return bytes
    }

    /// Opens a directory and `fsync`s it, making the renames into it durable.
    static func syncDirectory(_ path: String) throws {
        let fd = try check("open", path) { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { close(fd) }
        try check("fsync", path) { fsync(fd) }
    }

    /// `renameat2(RENAME_NOREPLACE)`: moves `from` to `to` unless `to` exists (`EEXIST`).
    static func renameNoReplace(_ from: String, _ to: String) throws {
        do {
            try check("rename", "\(from) → \(to)") { revq_renameat2(AT_FDCWD, from, AT_FDCWD, to, revq_rename_noreplace) }
        } catch SpoolError.system(_, _, EXDEV) {
            throw SpoolError.crossDevice(from: from, to: to)
        }
    }

    /// `rename(2)`, replacing `to`; only for spool-private names (temporary files, key links).
    static func renameReplacing(_ from: String, _ to: String) throws {
        do {
            try check("rename", "\(from) → \(to)") { rename(from, to) }
        } catch SpoolError.system(_, _, EXDEV) {
            throw SpoolError.crossDevice(from: from, to: to)
        }
    }

    /// `syncfs(2)` on the file system holding `path`: one flush that makes every file written so far durable.
    static func syncFileSystem(containing path: String) throws {
        let fd = try check("open", path) { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { close(fd) }
        try check("syncfs", path) { revq_syncfs(fd) }
    }

    /// Removes a file; a missing file is not an error.
    static func unlinkIfPresent(_ path: String) throws {
        if unlink(path) == 0 || errno == ENOENT { return }
        throw SpoolError.system(call: "unlink", path: path, errno: errno)
    }

    static func isSameFile(_ a: stat, _ b: stat) -> Bool { a.st_dev == b.st_dev && a.st_ino == b.st_ino }
}
