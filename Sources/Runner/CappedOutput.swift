import Glibc

/// Copies one of a child's output pipes into a file, keeping at most `cap` bytes.
///
/// Past the cap it keeps reading and discards what it reads, so the child never blocks on a
/// full pipe; the discarded byte count tells that the file was truncated.
struct CappedOutput {
    let path: String
    private let pipe: Int32
    private let file: Int32
    private let cap: Int
    private(set) var kept = 0
    private(set) var discarded = 0
    /// False once the pipe reached end of file (every writer closed it) and was closed here.
    private(set) var isOpen = true
    /// Set when writing the file failed; further output is discarded.
    private(set) var writeError: String?

    /// Opens (creating or truncating) the file at `path` for the parent's copy.
    static func openFile(at path: String) throws(SpawnError) -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SpawnError("cannot open \(path): \(errnoText())") }
        return fd
    }

    init(path: String, pipe: Int32, file: Int32, cap: Int) {
        self.path = path
        self.pipe = pipe
        self.file = file
        self.cap = max(0, cap)
    }

    /// The pipe's descriptor while it is open, for `poll`.
    var pollDescriptor: Int32? { isOpen ? pipe : nil }

    /// Reads everything available now without blocking; closes the pipe at end of file.
    mutating func drain(using buffer: UnsafeMutableRawBufferPointer) {
        while isOpen {
            let count = read(pipe, buffer.baseAddress, buffer.count)
            if count > 0 {
                store(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            } else if count == 0 {
                close(pipe)
                isOpen = false
            } else if errno == EINTR {
                continue
            } else {
                if errno != EAGAIN {
                    close(pipe)
                    isOpen = false
                }
                return
            }
        }
    }

    private mutating func store(_ bytes: UnsafeRawBufferPointer) {
        let room = writeError == nil ? min(bytes.count, cap - kept) : 0
        var offset = 0
        while offset < room {
            let written = write(file, bytes.baseAddress! + offset, room - offset)
            if written < 0 {
                if errno == EINTR { continue }
                writeError = "writing \(path): \(errnoText())"
                break
            }
            offset += written
        }
        kept += offset
        discarded += bytes.count - offset
    }

    /// Closes the pipe (if still open) and the file; returns what was captured.
    mutating func finish() -> CapturedStream {
        if isOpen {
            close(pipe)
            isOpen = false
        }
        close(file)
        return CapturedStream(path: path, keptBytes: kept, discardedBytes: discarded)
    }
}
