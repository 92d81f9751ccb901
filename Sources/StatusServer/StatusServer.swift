import FlyingFox
import FlyingSocks
public import Foundation
public import Logging
public import ReviewStore
import RevqTime
public import ServiceLifecycle
public import Spool

/// Where `metrics.listen` asks the worker to listen: `host:port`, the host an IPv4 literal,
/// `localhost` (127.0.0.1) or an IPv6 literal in brackets (`[::1]:9464`). Port 0 takes a free port.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: UInt16

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case invalid(String)
        public var description: String {
            guard case .invalid(let text) = self else { return "" }
            return "metrics.listen: not host:port: \(text) (e.g. 127.0.0.1:9464)"
        }
    }

    public init(parsing text: String) throws(ParseError) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else {
            throw .invalid(text)
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" { host = "127.0.0.1" }
        guard (try? Self.socketAddress(host: host, port: port)) != nil else { throw .invalid(text) }
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    static func socketAddress(host: String, port: UInt16) throws -> any SocketAddress {
        host.contains(":") ? try sockaddr_in6.inet6(ip6: host, port: port) : try sockaddr_in.inet(ip4: host, port: port)
    }
}

/// The worker's HTTP listener (FlyingFox) as a ``Service``: `GET /metrics` in the Prometheus
/// text format and the read-only status page at `GET /`. It stops when the group shuts down.
public struct StatusServer: Service {
    let address: ListenAddress
    let metrics: MetricsRegistry
    let spool: Spool
    let store: ReviewStore
    let worker: WorkerIdentity
    let logger: Logger

    public init(
        address: ListenAddress, metrics: MetricsRegistry, spool: Spool, store: ReviewStore, worker: WorkerIdentity, logger: Logger
    ) {
        self.address = address
        self.metrics = metrics
        self.spool = spool
        self.store = store
        self.worker = worker
        self.logger = logger
    }

    public func run() async throws {
        let server = HTTPServer(address: try ListenAddress.socketAddress(host: address.host, port: address.port), logger: .disabled)
        await server.appendRoute("GET /metrics") { [metrics, spool, store, logger] _ in
            do {
                let body = try metrics.exposition(spool: spool, store: store)
                return HTTPResponse(
                    statusCode: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: Data(body))
            } catch {
                return Self.failure(error, logger: logger)
            }
        }
        await server.appendRoute("GET /") { [spool, store, worker, logger] _ in
            do {
                let snapshot = try StatusSnapshot(spool: spool, store: store, worker: worker, todayStartsAt: LocalDay.start(of: Date()))
                return HTTPResponse(
                    statusCode: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: Data(StatusPage.render(snapshot).utf8))
            } catch {
                return Self.failure(error, logger: logger)
            }
        }
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                try await server.waitUntilListening()
                let bound = await server.listeningAddress.map(Self.describe) ?? address.description
                logger.info("metrics and status page listening", metadata: ["address": "\(bound)"])
                do {
                    try await group.next()
                } catch is CancellationError {
                    // Stopped by the shutdown below.
                }
            }
        } onGracefulShutdown: {
            Task { await server.stop() }
        }
    }

    static func failure(_ error: any Error, logger: Logger) -> HTTPResponse {
        logger.error("status request failed", metadata: ["error": "\(error)"])
        return HTTPResponse(
            statusCode: .internalServerError, headers: [.contentType: "text/plain; charset=utf-8"], body: Data("\(error)\n".utf8))
    }

    static func describe(_ address: Socket.Address) -> String {
        switch address {
        case .ip4(let host, let port): "\(host):\(port)"
        case .ip6(let host, let port): "[\(host)]:\(port)"
        default: "\(address)"
        }
    }
}
