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
        guard (try? SocketAddress.withSockaddr(host: host, port: port) { _, _ in }) != nil else { throw .invalid(text) }
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// The worker's HTTP listener (``HTTPListener``) as a ``Service``: `GET /metrics` in the
/// Prometheus text format and the read-only status page at `GET /`. It stops when the group
/// shuts down or the task is cancelled, after answering the requests in flight.
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
        let listener = try HTTPListener(address: address)
        logger.info("metrics and status page listening", metadata: ["address": "\(listener.boundAddress)"])
        let route = route
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                    Thread.detachNewThread {
                        listener.serve(route)
                        done.resume()
                    }
                }
            } onGracefulShutdown: {
                listener.stop()
            }
        } onCancel: {
            listener.stop()
        }
    }

    /// The answer for a path; nil: not found.
    var route: HTTPListener.Route {
        { [metrics, spool, store, worker, logger] path in
            do {
                switch path {
                case "/metrics":
                    return HTTPResponse(
                        status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8",
                        body: try metrics.exposition(spool: spool, store: store))
                case "/":
                    let snapshot = try StatusSnapshot(
                        spool: spool, store: store, worker: worker, todayStartsAt: LocalDay.start(of: Date()))
                    return HTTPResponse(status: 200, contentType: "text/html; charset=utf-8", body: Array(StatusPage.render(snapshot).utf8))
                default:
                    return nil
                }
            } catch {
                logger.error("status request failed", metadata: ["path": "\(path)", "error": "\(error)"])
                return .text(500, "\(error)\n")
            }
        }
    }
}
