import Dispatch
import Foundation
import Glibc
import TestSupport
import Testing

@testable import Worker

@Suite struct SystemdNotifierTests {
    /// A datagram socket standing in for systemd's notify socket.
    final class FakeSystemd {
        let fd: Int32
        let path: String

        init(path: String) throws {
            self.path = path
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard bound == 0 else { throw TestFailure("bind \(path): \(errno)") }
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        deinit { close(fd) }

        /// The next datagram, or nil after the 5 s receive timeout (at once when not `waiting`).
        func receive(waiting: Bool = true) -> String? {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(fd, &buffer, buffer.count, waiting ? 0 : Int32(MSG_DONTWAIT))
            return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : nil
        }
    }

    @Test func messagesReachThePathSocket() throws {
        let directory = try TemporaryDirectory("revq-notify")
        defer { directory.remove() }
        let systemd = try FakeSystemd(path: directory.url.appendingPathComponent("notify").path)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": systemd.path, "WATCHDOG_USEC": "2000000"])
        notifier.ready()
        notifier.status("3 ready, 1 running")
        notifier.stopping()
        #expect(systemd.receive() == "READY=1")
        #expect(systemd.receive() == "STATUS=3 ready, 1 running")
        #expect(systemd.receive() == "STOPPING=1")
        #expect(notifier.watchdogInterval == .seconds(1))
    }

    @Test func aReceiverThatStopsReadingNeverBlocksTheSender() throws {
        let directory = try TemporaryDirectory("revq-notify")
        defer { directory.remove() }
        let systemd = try FakeSystemd(path: directory.url.appendingPathComponent("notify").path)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": systemd.path])
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            for _ in 0..<5000 { notifier.status("a status line long enough to fill the socket queue quickly") }
            finished.signal()
        }
        #expect(finished.wait(timeout: .now() + 10) == .success, "sending blocked on a full socket queue")
        #expect(systemd.receive()?.hasPrefix("STATUS=") == true)
    }

    @Test func withoutTheVariableNothingIsSent() {
        let notifier = SystemdNotifier(environment: [:])
        #expect(!notifier.isActive && notifier.watchdogInterval == nil)
        notifier.ready()
    }

    @Test func aWatchdogMeantForAnotherProcessIsIgnored() {
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": "/x", "WATCHDOG_USEC": "1000", "WATCHDOG_PID": "1"])
        #expect(notifier.watchdogInterval == nil)
    }
}
