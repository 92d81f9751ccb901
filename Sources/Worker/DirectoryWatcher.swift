public import Foundation
import Glibc
import Synchronization
import SystemFiles

/// Watches one directory with inotify for files that arrive in it (renamed in, or closed
/// after writing) and reports them as ``Event``s.
///
/// Events are hints: the consumer still scans the directory at start, on
/// ``Event/overflow`` and on every ``Event/tick``. A dedicated thread blocks in `poll(2)`
/// on the inotify descriptor and a wake-up pipe, so an idle watcher costs no CPU; the tick
/// is the poll timeout. ``stop()`` ends the stream.
public final class DirectoryWatcher: Sendable {
    public enum Event: Sendable, Equatable {
        /// Names of files that arrived (dot-files included; the consumer filters).
        case arrived([String])
        /// The kernel dropped events, or the directory itself went away: rescan.
        case overflow
        /// The slow timer: rescan.
        case tick
    }

    public let directory: URL
    private let inotify: Int32
    private let wake: WakePipe
    private let stopped = Atomic<Bool>(false)

    /// Starts watching; throws when inotify cannot watch the directory.
    public init(directory: URL) throws {
        self.directory = directory
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw WatcherError("inotify_init1: \(String(cString: strerror(errno)))") }
        let mask = UInt32(IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE_SELF | IN_MOVE_SELF)
        guard inotify_add_watch(fd, directory.path, mask) >= 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw WatcherError("cannot watch \(directory.path): \(reason)")
        }
        do {
            wake = try WakePipe()
        } catch {
            close(fd)
            throw WatcherError(error.description)
        }
        inotify = fd
    }

    deinit {
        close(inotify)
    }

    /// The events, delivered until ``stop()``; a tick every `tick` of quiet.
    public func events(tick: Duration) -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .unbounded)
        let timeout = Int32(clamping: tick.components.seconds * 1000 + tick.components.attoseconds / 1_000_000_000_000_000)
        let thread = Thread { [self] in
            pollLoop(timeoutMilliseconds: timeout, continuation)
            continuation.finish()
        }
        thread.name = "revq-watcher"
        thread.start()
        return stream
    }

    /// Ends the event stream; safe to call more than once.
    public func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        wake.wake()
    }

    private func pollLoop(timeoutMilliseconds: Int32, _ continuation: AsyncStream<Event>.Continuation) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while !stopped.load(ordering: .acquiring) {
            var fds = [pollfd(fd: inotify, events: Int16(POLLIN), revents: 0), pollfd(fd: wake.readEnd, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, timeoutMilliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                continuation.yield(.overflow)
                return
            }
            if fds[1].revents != 0 { return }
            if ready == 0 {
                continuation.yield(.tick)
                continue
            }
            let count = read(inotify, &buffer, buffer.count)
            guard count > 0 else { continue }
            for event in Self.parse(buffer[..<count]) { continuation.yield(event) }
        }
    }

    /// Decodes a buffer of `struct inotify_event` records (16-byte header, then `len` bytes
    /// of NUL-padded name) into events.
    static func parse(_ bytes: ArraySlice<UInt8>) -> [Event] {
        var names: [String] = []
        var events: [Event] = []
        bytes.withUnsafeBytes { raw in
            var position = 0
            while position + 16 <= raw.count {
                let mask = raw.loadUnaligned(fromByteOffset: position + 4, as: UInt32.self)
                let length = Int(raw.loadUnaligned(fromByteOffset: position + 12, as: UInt32.self))
                let nameBytes = raw[(position + 16)..<min(raw.count, position + 16 + length)].prefix { $0 != 0 }
                if mask & UInt32(IN_Q_OVERFLOW | IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED) != 0 {
                    events.append(.overflow)
                } else if !nameBytes.isEmpty {
                    names.append(String(decoding: nameBytes, as: UTF8.self))
                }
                position += 16 + length
            }
        }
        if !names.isEmpty { events.insert(.arrived(names), at: 0) }
        return events
    }
}

public struct WatcherError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
