import Foundation
public import KnowledgeBase
public import Logging
import ReviewFlow
public import ReviewStore
public import RevqConfig
import Runner
public import Spool
public import WorkerMetrics

/// What every part of a worker shares: where things are, the configuration, and the
/// handles to the store, the spool and the knowledge base.
public struct WorkerContext: Sendable {
    public let settings: Settings
    public let store: ReviewStore
    public let spool: Spool
    public let kb: KnowledgeBase
    public let logger: Logger
    /// Where the worker reports what it does; swift-metrics' no-op unless `revq` gives a backend.
    public var metrics = WorkerMetrics()
    /// What every runner inherits of the worker's environment, taken once at start.
    let runnerEnvironment: [String: String]
    /// Job files must name a configured runner profile.
    public let rules: JobRules

    public init(settings: Settings, logger: Logger) throws {
        self.settings = settings
        self.logger = logger
        store = try ReviewStore(path: settings.storePath.path, busyTimeout: TimeInterval(settings.config.busyTimeoutSeconds))
        spool = Spool(root: settings.spoolPath.path)
        kb = KnowledgeBase(
            root: settings.kbRoot, notesRoot: settings.notesRoot, gatesRoot: settings.gatesRoot,
            lastCommitStorage: LastCommitStorage(store: store))
        runnerEnvironment = RunnerEnvironment.scrubbed()
        rules = JobRules(knownRunners: Set(settings.config.runners.keys))
    }

    public var config: Config { settings.config }

    /// Logs one job state change as one line.
    func log(_ event: String, _ job: JobID, level: Logger.Level = .info, _ fields: Logger.Metadata = [:]) {
        var metadata = fields
        metadata["job"] = "\(job.rawValue)"
        logger.log(level: level, "\(event)", metadata: metadata)
    }
}
