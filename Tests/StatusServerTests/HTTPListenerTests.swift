import Dispatch
import Foundation
import Glibc
import TestSupport
import Testing

@testable import StatusServer

/// The listener on a real loopback socket, spoken to with a raw TCP client.
@Suite struct HTTPListenerTests {
    /// A listener serving `/hello` on a free loopback port, stopped (and waited for) after `body`.
    func withListener(_ body: (_ port: UInt16) throws -> Void) throws {
        let listener = try HTTPListener(address: ListenAddress(parsing: "127.0.0.1:0"))
        let stopped = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            listener.serve { path in
                path == "/hello" ? HTTPResponse(status: 200, contentType: "text/plain", body: Array("hello\n".utf8)) : nil
            }
            stopped.signal()
        }
        defer {
            listener.stop()
            #expect(stopped.wait(timeout: .now() + 20) == .success, "serve returns after stop()")
        }
        let port = try #require(UInt16(listener.boundAddress.split(separator: ":").last ?? ""))
        #expect(listener.boundAddress == "127.0.0.1:\(port)" && port != 0)
        try body(port)
    }

    @Test func answersAGetWithLengthTypeAndClose() throws {
        try withListener { port in
            let response = try exchange(port, "GET /hello?x=1 HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(response.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(response.contains("\r\nContent-Type: text/plain\r\n") && response.contains("\r\nContent-Length: 6\r\n"))
            #expect(response.contains("\r\nConnection: close\r\n") && response.hasSuffix("\r\n\r\nhello\n"))
        }
    }

    @Test func headHasTheLengthButNoBody() throws {
        try withListener { port in
            let response = try exchange(port, "HEAD /hello HTTP/1.0\r\n\r\n")
            #expect(response.hasPrefix("HTTP/1.1 200 OK\r\n") && response.contains("Content-Length: 6\r\n") && response.hasSuffix("\r\n\r\n"))
        }
    }

    @Test(arguments: [
        ("GET /nothing HTTP/1.1\r\n\r\n", "HTTP/1.1 404 Not Found"),
        ("POST /hello HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", "HTTP/1.1 405 Method Not Allowed"),
        ("GET hello HTTP/1.1\r\n\r\n", "HTTP/1.1 400 Bad Request"),
        ("GET /hello HTTP/2\r\n\r\n", "HTTP/1.1 400 Bad Request"),
        ("\u{1}\u{2}garbage\r\n\r\n", "HTTP/1.1 400 Bad Request"),
        ("GET /hello HTTP/1.1\r\nX: " + String(repeating: "a", count: 20_000) + "\r\n\r\n", "HTTP/1.1 431 "),
    ])
    func refusesWhatItDoesNotServe(_ request: String, _ statusLine: String) throws {
        try withListener { port in
            let response = try exchange(port, request)
            #expect(response.hasPrefix(statusLine), "\(response.prefix(80))")
            if statusLine.contains("405") { #expect(response.contains("\r\nAllow: GET, HEAD\r\n")) }
        }
    }

    @Test func aSilentClientDoesNotHoldUpOthers() throws {
        try withListener { port in
            let silent = try connectTo(port)
            defer { close(silent) }
            let response = try exchange(port, "GET /hello HTTP/1.1\r\n\r\n")
            #expect(response.hasPrefix("HTTP/1.1 200 OK"))
        }
    }

    @Test func aFloodOfConnectionsIsTurnedAwayWith503() throws {
        try withListener { port in
            let held = try (0..<HTTPListener.maxConnections).map { _ in try connectTo(port) }
            defer { held.forEach { close($0) } }
            #expect(try exchange(port, "GET /hello HTTP/1.1\r\n\r\n").hasPrefix("HTTP/1.1 503 Service Unavailable"))
        }
    }

    @Test func aClientThatLeavesEarlyIsNoHarm() throws {
        try withListener { port in
            close(try connectTo(port))
            let half = try connectTo(port)
            _ = "GET /hel".withCString { send(half, $0, 8, Int32(MSG_NOSIGNAL)) }
            close(half)
            #expect(try exchange(port, "GET /hello HTTP/1.1\r\n\r\n").hasPrefix("HTTP/1.1 200 OK"))
        }
    }

    @Test func aTakenPortIsAClearError() throws {
        let first = try HTTPListener(address: ListenAddress(parsing: "127.0.0.1:0"))
        let port = try #require(UInt16(first.boundAddress.split(separator: ":").last ?? ""))
        let error = #expect(throws: ListenError.self) { try HTTPListener(address: ListenAddress(parsing: "127.0.0.1:\(port)")) }
        #expect(error?.description == "metrics.listen 127.0.0.1:\(port): bind: Address already in use")
    }

    @Test func requestLineParsing() {
        #expect(RequestLine(head: Array("GET /a?b HTTP/1.1\r\n\r\n".utf8)) == RequestLine(method: "GET", path: "/a"))
        #expect(RequestLine(head: Array("GET  /a HTTP/1.1\r\n\r\n".utf8)) == nil)
        #expect(RequestLine(head: Array("get /a HTTP/1.1\r\n\r\n".utf8)) == nil)
        #expect(RequestLine(head: [0xff, 0x20, 0x2f, 0x20, 13, 10, 13, 10]) == nil)
    }
}

extension RequestLine {
    init(method: String, path: String) {
        self.init(head: Array("\(method) \(path) HTTP/1.1\r\n\r\n".utf8))!
    }
}

/// A connected loopback TCP socket with a 10-second receive timeout.
func connectTo(_ port: UInt16) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var timeout = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    let connected = try SocketAddress.withSockaddr(host: "127.0.0.1", port: port) { connect(fd, $0, $1) }
    guard connected == 0 else {
        close(fd)
        throw TestFailure("connect 127.0.0.1:\(port): errno \(errno)")
    }
    return fd
}

/// Sends `request` and reads the response until the server closes the connection.
func exchange(_ port: UInt16, _ request: String) throws -> String {
    let fd = try connectTo(port)
    defer { close(fd) }
    let bytes = Array(request.utf8)
    var offset = 0
    while offset < bytes.count {
        let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        // The server may answer (431) and close before it has read everything.
        guard sent > 0 else { break }
        offset += sent
    }
    var response: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { break }
        response += chunk[..<count]
    }
    return String(decoding: response, as: UTF8.self)
}
