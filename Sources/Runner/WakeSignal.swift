import CLinuxShims
import Glibc
import Synchronization

/// A pipe that lets any thread wake a ``ProcessMonitor`` out of its `poll`: ``signal()``
/// writes one byte; the monitor polls ``readEnd``.
final class WakeSignal: Sendable {
    let readEnd: Int32
    /// The write end; -1 once closed, so a late ``signal()`` never writes to a reused descriptor.
    private let writeEnd: Mutex<Int32>

    init() throws(SpawnError) {
        var fds: [Int32] = [-1, -1]
        guard revq_pipe2(&fds, O_CLOEXEC | O_NONBLOCK) == 0 else {
            throw SpawnError("pipe: \(errnoText())")
        }
        readEnd = fds[0]
        writeEnd = Mutex(fds[1])
    }

    func signal() {
        writeEnd.withLock { fd in
            guard fd >= 0 else { return }
            var byte: UInt8 = 1
            _ = write(fd, &byte, 1)
        }
    }

    /// Closes both ends; call once the monitor has returned.
    func close() {
        writeEnd.withLock { fd in
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
        Glibc.close(readEnd)
    }
}
