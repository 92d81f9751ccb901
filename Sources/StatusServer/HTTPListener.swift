import CLinuxShims
import Foundation
import Glibc
import SystemFiles

/// What a route answers.
struct HTTPResponse: Sendable {
    var status: Int
    var contentType: String
    var body: [UInt8]
    var headers: [(String, String)] = []

    static func text(_ status: Int, _ text: String, headers: [(String, String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8), headers: headers)
    }
}

/// A small HTTP/1.1 server for the worker's read-only pages, on blocking POSIX sockets.
///
/// One request per connection, answered with `Connection: close`; `GET` and `HEAD` only; the
/// request head is at most ``maxHeadBytes``; each connection has its own thread and
/// ``ioTimeoutSeconds`` for every read and write, so a slow or silent client holds one thread
/// for a few seconds and no one else; past ``maxConnections`` at once a client gets 503. The
/// worker's libraries stay small this way: FlyingFox brought FoundationNetworking and
/// libcurl's 20 shared libraries into every `revq` process, about 4 ms of each start.
final class HTTPListener: Sendable {
    static let maxHeadBytes = 16 * 1024
    static let ioTimeoutSeconds = 5
    static let maxConnections = 32

    typealias Route = @Sendable (_ path: String) -> HTTPResponse?

    private let socket: Int32
    /// Woken by ``stop()`` to end the accept loop.
    private let wake: WakePipe
    private let connections = ConnectionCount()
    /// `host:port` (`[host]:port` for IPv6) as bound: port 0 becomes the port taken.
    let boundAddress: String

    /// Binds and listens; an error names the address and the system's reason.
    init(address: ListenAddress) throws {
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        let fd = Glibc.socket(address.host.contains(":") ? AF_INET6 : AF_INET, type, 0)
        guard fd >= 0 else { throw ListenError("socket", address) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        do {
            try SocketAddress.withSockaddr(host: address.host, port: address.port) { sockaddr, length in
                guard bind(fd, sockaddr, length) == 0 else { throw ListenError("bind", address) }
            }
            guard listen(fd, 64) == 0 else { throw ListenError("listen", address) }
            guard let port = SocketAddress.boundPort(of: fd) else { throw ListenError("getsockname", address) }
            var bound = address
            bound.port = port
            boundAddress = bound.description
            wake = try WakePipe()
        } catch {
            close(fd)
            throw error
        }
        socket = fd
    }

    deinit {
        close(socket)
    }

    /// Accepts and answers connections until ``stop()``, then waits for the ones in flight
    /// (each bounded by its timeouts). Blocks its thread.
    func serve(_ route: @escaping Route) {
        var fds = [pollfd(fd: socket, events: Int16(POLLIN), revents: 0), pollfd(fd: wake.readEnd, events: Int16(POLLIN), revents: 0)]
        while true {
            fds[0].revents = 0
            fds[1].revents = 0
            guard poll(&fds, 2, -1) >= 0 || errno == EINTR else { break }
            if fds[1].revents != 0 { break }
            // Non-blocking: a connection the client already dropped gives EAGAIN, not a hang.
            let client = revq_accept4(socket, Int32(SOCK_CLOEXEC.rawValue))
            guard client >= 0 else { continue }
            guard connections.enter(limit: Self.maxConnections) else {
                Connection(fd: client).answer(.text(503, "busy: too many connections\n"), head: false, linger: false)
                continue
            }
            Thread.detachNewThread { [connections] in
                Connection(fd: client).handle(route)
                connections.leave()
            }
        }
        connections.waitUntilNone()
    }

    /// Makes ``serve(_:)`` return; safe to call more than once and from any thread.
    func stop() { wake.wake() }
}

/// An error setting up the listener: the step, the address and `strerror(errno)`.
struct ListenError: Error, CustomStringConvertible {
    let description: String

    init(_ step: String, _ address: ListenAddress) {
        description = "metrics.listen \(address): \(step): \(String(cString: strerror(errno)))"
    }
}

/// The number of connections being answered, and a wait for none.
private final class ConnectionCount: @unchecked Sendable {
    // @unchecked: `count` is only touched with `condition` locked.
    private let condition = NSCondition()
    private var count = 0

    func enter(limit: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard count < limit else { return false }
        count += 1
        return true
    }

    func leave() {
        condition.lock()
        count -= 1
        condition.broadcast()
        condition.unlock()
    }

    func waitUntilNone() {
        condition.lock()
        while count > 0 { condition.wait() }
        condition.unlock()
    }
}

/// One accepted connection: reads a request head, answers, closes.
private struct Connection {
    let fd: Int32

    init(fd: Int32) {
        self.fd = fd
        var timeout = timeval(tv_sec: HTTPListener.ioTimeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func handle(_ route: HTTPListener.Route) {
        switch readHead() {
        case .closed:
            close(fd)
        case .tooLarge:
            answer(.text(431, "request head larger than \(HTTPListener.maxHeadBytes) bytes\n"), head: false)
        case .head(let bytes):
            guard let request = RequestLine(head: bytes) else { return answer(.text(400, "bad request\n"), head: false) }
            guard request.method == "GET" || request.method == "HEAD" else {
                return answer(.text(405, "only GET and HEAD\n", headers: [("Allow", "GET, HEAD")]), head: false)
            }
            answer(route(request.path) ?? .text(404, "not found: \(request.path)\n"), head: request.method == "HEAD")
        }
    }

    enum Head {
        case head([UInt8])
        case tooLarge
        /// The client closed, timed out or failed before a whole head arrived.
        case closed
    }

    /// Reads up to the blank line that ends the request head.
    func readHead() -> Head {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return .closed }
            let searchFrom = max(0, bytes.count - 3)
            bytes += chunk[..<count]
            let end = bytes[searchFrom...].firstRange(of: [13, 10, 13, 10])?.upperBound
            if (end ?? bytes.count) > HTTPListener.maxHeadBytes { return .tooLarge }
            if let end { return .head(Array(bytes[..<end])) }
        }
    }

    /// Sends the response (without its body for `HEAD`), then closes: the write side first, and
    /// what the client still sends is read and dropped (a little; with `linger`, within the
    /// timeout), so that closing does not reset the connection before the client has the response.
    func answer(_ response: HTTPResponse, head: Bool, linger: Bool = true) {
        var text = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        text += "Content-Type: \(response.contentType)\r\nContent-Length: \(response.body.count)\r\n"
        for (name, value) in response.headers { text += "\(name): \(value)\r\n" }
        text += "Connection: close\r\n\r\n"
        if send(Array(text.utf8)), !head { _ = send(response.body) }
        shutdown(fd, Int32(SHUT_WR))
        var drained = 0
        var chunk = [UInt8](repeating: 0, count: 4096)
        while drained < 64 * 1024 {
            // Without `linger`, only what has already arrived.
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, linger ? 0 : Int32(MSG_DONTWAIT)) }
            guard count > 0 else { break }
            drained += count
        }
        close(fd)
    }

    /// Writes all of `bytes`; false when the client went away or timed out.
    private func send(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let sent = Glibc.send(fd, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                if sent < 0, errno == EINTR { continue }
                guard sent > 0 else { return false }
                offset += sent
            }
            return true
        }
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status \(status)"
        }
    }
}

/// `METHOD SP request-target SP HTTP/1.x` from a request head; the path is the target up to `?`.
struct RequestLine: Equatable {
    let method: String
    let path: String

    init?(head: [UInt8]) {
        guard let end = head.firstRange(of: [13, 10]), let line = String(validating: head[..<end.lowerBound], as: UTF8.self) else {
            return nil
        }
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].allSatisfy({ $0.isASCII && $0.isUppercase }), !parts[0].isEmpty,
            parts[1].hasPrefix("/"), parts[2] == "HTTP/1.1" || parts[2] == "HTTP/1.0"
        else { return nil }
        method = String(parts[0])
        path = String(parts[1].prefix { $0 != "?" })
    }
}

/// IPv4 and IPv6 socket addresses from text, and the port a socket was given.
enum SocketAddress {
    /// Calls `body` with the `sockaddr` of `host` (an IPv4 or IPv6 literal) and `port`.
    static func withSockaddr<T>(
        host: String, port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t) throws -> T
    ) throws -> T {
        if host.contains(":") {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else { throw InvalidHost() }
            return try generic(&address, body)
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw InvalidHost() }
        return try generic(&address, body)
    }

    /// A family's address seen as the generic `sockaddr`, with its length.
    private static func generic<Address, T>(
        _ address: inout Address, _ body: (UnsafePointer<sockaddr>, socklen_t) throws -> T
    ) throws -> T {
        try withUnsafePointer(to: &address) {
            try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, socklen_t(MemoryLayout<Address>.size)) }
        }
    }

    struct InvalidHost: Error {}

    /// The port a socket is bound to (port 0 asks the system for one); nil when `getsockname`
    /// fails. `sin_port` and `sin6_port` lie at the same offset, so one reading serves both families.
    static func boundPort(of fd: Int32) -> UInt16? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        return withUnsafeMutablePointer(to: &storage) { pointer in
            let bound = pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
            return bound ? pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) } : nil
        }
    }
}
