import Glibc

/// A pipe that wakes a thread blocked in `poll(2)`: the thread polls ``readEnd`` for `POLLIN`
/// beside its own descriptors, and ``wake()`` (from any thread, any number of times) makes it
/// readable for good. Both ends are close-on-exec and closed with the pipe.
public final class WakePipe: Sendable {
    public let readEnd: Int32
    private let writeEnd: Int32

    /// Throws the `strerror` text of a failed `pipe(2)`.
    public init() throws(WakePipeError) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw WakePipeError(description: "pipe: \(String(cString: strerror(errno)))") }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        (readEnd, writeEnd) = (ends[0], ends[1])
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    public func wake() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }
}

public struct WakePipeError: Error, CustomStringConvertible {
    public let description: String
}
