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
        var info = stat()
        let size = fstat(fd, &info) == 0 && info.st_size > 0 ? Int(info.st_size) : 0
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        var chunk = [UInt8](repeating: 0, count: min(max(size + 1, 4096), 1 << 20))
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count == 0 { return Data(bytes) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            bytes.append(contentsOf: chunk[..<count])
        }
    }

    /// The file's text with invalid UTF-8 replaced; empty when it cannot be read.
    public static func text(atPath path: String) -> String {
        String(decoding: read(atPath: path) ?? Data(), as: UTF8.self)
    }
}
