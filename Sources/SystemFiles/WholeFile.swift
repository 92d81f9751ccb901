public import Foundation
import Glibc

/// Whole-file reads by plain system calls.
///
/// This toolchain's `FileManager.contents(atPath:)` leaks a 4 KiB buffer on every read of an
/// empty regular file. A worker reads one per job (the runner's empty stderr), which made its
/// RSS grow by about 4 KB a job without end (found with heaptrack; README, "Memory"), so every
/// file revq reads goes through here instead.
public enum WholeFile {
    /// The bytes of the file at `path`; nil when it cannot be opened or read (`errno` says why).
    /// Files whose size `stat` does not know (`/proc`) are read to their end all the same.
    public static func read(atPath path: String) -> Data? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return readToEnd(fd).map { Data($0) }
    }

    /// The bytes from `fd`'s offset to its end, at most `limit + 1` of them (so that a caller can
    /// tell "too large"); nil when a read fails (`errno` says why). The reads go into a buffer
    /// sized by `fstat` that is not zeroed first, so a small file costs two `read`s and one copy.
    public static func readToEnd(_ fd: Int32, limit: Int = .max - 1) -> [UInt8]? {
        var info = stat()
        let size = fstat(fd, &info) == 0 && info.st_size > 0 ? Int(info.st_size) : 0
        // One more than the size, so that the end of the file shows in the next read.
        let chunk = UnsafeMutableRawBufferPointer.allocate(
            byteCount: size > 0 ? min(size, limit, 1 << 20) + 1 : 4096, alignment: 1)
        defer { chunk.deallocate() }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(size, limit) + 1)
        while bytes.count <= limit {
            let count = Glibc.read(fd, chunk.baseAddress, min(chunk.count, limit + 1 - bytes.count))
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[..<count]))
        }
        return bytes
    }

    /// The file's text with invalid UTF-8 replaced; empty when it cannot be read.
    public static func text(atPath path: String) -> String {
        String(decoding: read(atPath: path) ?? Data(), as: UTF8.self)
    }
}
