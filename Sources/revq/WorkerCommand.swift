import ArgumentParser
import Foundation
import Logging
import RevqConfig
import ServiceLifecycle
import UnixSignals
import Worker

/// `revq worker`: the daemon, or with `--once` a drain of the queue for scripts and tests.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run the worker pool: watch the spool, run reviews, record them in the store.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Jobs at once (default: config concurrency).") var concurrency: Int?
    @Flag(help: "Work until nothing is ready or running, then exit 0.") var once = false

    func validate() throws {
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
    }

    func run() async throws {
        let settings = try global.settings()
        let level = Logger.Level(rawValue: settings.config.logLevel.rawValue) ?? .info
        let logger = Logger(label: "revq.worker") { label in LogfmtHandler(label: label, level: level) }
        let context = try WorkerContext(settings: settings, logger: logger)
        let worker = WorkerService(
            context: context, options: WorkerOptions(concurrency: concurrency ?? settings.config.concurrency, once: once),
            reloadSettings: { [global] in try global.settings() })
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: worker, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
