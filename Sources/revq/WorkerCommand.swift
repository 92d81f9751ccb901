import ArgumentParser
import Foundation
import Logging
import RevqConfig
import ServiceLifecycle
import StatusServer
import UnixSignals
import Worker
import WorkerMetrics

/// `revq worker`: the daemon, or with `--once` a drain of the queue for scripts and tests.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run the worker pool: watch the spool, run reviews, record them in the store.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Jobs at once (default: config concurrency).") var concurrency: Int?
    @Flag(help: "Work until nothing is ready or running, then exit 0.") var once = false
    @Option(help: "Serve /metrics and the status page at host:port (default: config metrics.listen; off).")
    var metricsListen: String?

    func validate() throws {
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
    }

    func run() async throws {
        let settings = try global.settings()
        try WorkerStartCheck.check(settings)
        let level = Logger.Level(rawValue: settings.config.logLevel.rawValue) ?? .info
        let logger = Logger(label: "revq.worker") { label in LogfmtHandler(label: label, level: level) }
        let listen = try (metricsListen ?? settings.config.metricsListen).map { (text: String) throws -> ListenAddress in
            do { return try ListenAddress(parsing: text) } catch { throw CLIFailure.input("\(error)") }
        }
        var context = try WorkerContext(settings: settings, logger: logger)
        let metrics = listen.map { _ in MetricsRegistry() }
        if let metrics { context.metrics = WorkerMetrics(factory: metrics.factory) }
        let poolSize = concurrency ?? settings.config.concurrency
        let worker = WorkerService(
            context: context, options: WorkerOptions(concurrency: poolSize, once: once),
            reloadSettings: { [global] in try global.settings() })
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let listen, let metrics {
            // First in the group, so that it shuts down last: the page stays up while the pool drains.
            let identity = WorkerIdentity(
                pid: ProcessInfo.processInfo.processIdentifier, startedAt: Date(), concurrency: poolSize,
                host: ProcessInfo.processInfo.hostName)
            services.append(
                .init(
                    service: StatusServer(
                        address: listen, metrics: metrics, spool: context.spool, store: context.store, worker: identity,
                        logger: logger)))
        }
        services.append(.init(service: worker, successTerminationBehavior: .gracefullyShutdownGroup))
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
