import Foundation
import Glibc
import Logging
import ReviewFlow
import ReviewStore
public import RevqConfig
import RevqTime
public import ServiceLifecycle
import Spool
import WorkerMetrics

/// How a worker runs: its pool size and whether it stops when the queue is empty.
public struct WorkerOptions: Sendable {
    public var concurrency: Int
    /// Work until nothing is ready or running, then return (`revq worker --once`).
    public var once: Bool
    /// The slow rescan of the spool, on top of inotify's hints.
    public var rescanInterval: Duration
    /// How often a store or disk fault is checked again while claiming is stopped.
    public var probeInterval: Duration
    /// End with an error on a fault that needs an operator (so that systemd restarts the
    /// worker); nil: when running under systemd (`$NOTIFY_SOCKET`) or with ``once``.
    public var exitOnPersistentFault: Bool?

    public init(
        concurrency: Int, once: Bool, rescanInterval: Duration = .seconds(60), probeInterval: Duration = .seconds(5),
        exitOnPersistentFault: Bool? = nil
    ) {
        self.concurrency = concurrency
        self.once = once
        self.rescanInterval = rescanInterval
        self.probeInterval = probeInterval
        self.exitOnPersistentFault = exitOnPersistentFault
    }
}

/// The worker ended because the store or the disk failed in a way waiting cannot repair.
public struct WorkerStopped: Error, CustomStringConvertible {
    public let description: String
}

/// The worker pool (SPEC §5, §7) as a ``Service``: recovers what a previous worker left,
/// reconciles the store, watches `new/` with inotify, claims up to `concurrency` jobs oldest
/// first within priority, promotes deferred jobs when they fall due, and drains on graceful
/// shutdown: no new claims, running jobs get the drain grace, then are stopped and requeued
/// without spending an attempt.
///
/// Every decision is ``PoolState``'s; this type only turns the world into ``PoolEvent``s (the
/// watcher, timers, job ends, probes, signals) and ``PoolEffect``s into system calls.
public final class WorkerService: Service {
    let options: WorkerOptions
    let initialContext: WorkerContext
    let notifier: SystemdNotifier
    /// Re-reads the settings on SIGHUP.
    let reloadSettings: @Sendable () throws -> Settings

    public init(
        context: WorkerContext, options: WorkerOptions, notifier: SystemdNotifier = SystemdNotifier(),
        reloadSettings: @escaping @Sendable () throws -> Settings
    ) {
        self.initialContext = context
        self.options = options
        self.notifier = notifier
        self.reloadSettings = reloadSettings
    }

    /// What wakes the pool's loop.
    enum Wake: Sendable {
        case watch(DirectoryWatcher.Event)
        case finished(JobEnding)
        case retried(JobEnding)
        case probed(WorkerFault?)
        case timer
        case drain
        case drainDeadline
        case reload
    }

    public func run() async throws {
        var context = initialContext
        let spool = context.spool
        try spool.createDirectories()
        // Seen by `revq status` and the status page for as long as this worker runs.
        let registration = WorkerRegistration(
            host: ProcessInfo.processInfo.hostName, pid: getpid(), startedAt: Date(), concurrency: options.concurrency)
        // Not registered (a full disk, say) is no reason not to work.
        let lease: WorkerLease?
        do {
            lease = try spool.registerWorker(registration)
        } catch {
            lease = nil
            context.logger.warning("cannot register the worker in the spool", metadata: ["error": "\(error)"])
        }
        defer { lease?.end() }
        warnOfOtherWorkers(on: spool, than: registration, logger: context.logger)
        // Watching starts first: what happens to `new/` during recovery waits in the kernel's queue.
        var watcher = try Self.watch(spool)
        try await Recovery(context: context).run()
        try await StoreReconciler(context: context).run(reason: Recovery.reason)

        var ready = JobIndex(state: .new)
        var deferred = JobIndex(state: .deferred)
        try ready.refresh(from: spool)
        try deferred.refresh(from: spool)
        let (wakes, wake) = AsyncStream.makeStream(of: Wake.self)
        let hangups = Self.watchHangups { wake.yield(.reload) }
        defer { hangups.cancel() }

        notifier.ready()
        context.metrics.workerReady(true)
        context.logger.info("worker ready", metadata: ["spool": "\(spool.root)", "concurrency": "\(options.concurrency)"])
        // A quota pause recorded by an earlier worker on this spool still holds.
        var pool = PoolState(
            concurrency: options.concurrency, once: options.once, exitOnPersistentFault: options.exitOnPersistentFault ?? notifier.isActive,
            probeInterval: Self.seconds(options.probeInterval), drainGrace: .seconds(context.config.drainGraceSeconds),
            pausedUntil: spool.pausedUntil())
        try? spool.recordClaimingStopped(nil)
        var timer: Task<Void, Never>?
        var pending: [String: PendingSettlement] = [:]
        let quarantiner = Quarantiner(context: context) { name in wake.yield(.watch(.arrived([name]))) }
        quarantiner.submit(ready.takeDefective())
        var lastStatus = ""
        var failure: WorkerFault?

        await withGracefulShutdownHandler {
            // Discarding: a finished job's task is freed at once, not kept until the group ends.
            await withDiscardingTaskGroup { group in
                group.addTask { [watcher, options] in
                    for await event in watcher.events(tick: options.rescanInterval) { wake.yield(.watch(event)) }
                }
                if let interval = notifier.watchdogInterval {
                    group.addTask { [notifier] in
                        while !Task.isCancelled {
                            notifier.watchdog()
                            try? await Task.sleep(for: interval)
                        }
                    }
                }
                wake.yield(.timer)
                loop: for await wakeUp in wakes {
                    let now = Date()
                    let event: PoolEvent
                    switch wakeUp {
                    case .watch(.arrived(let names)):
                        for name in names { ready.insert(name, from: spool) }
                        event = .queueChanged
                    case .watch(.overflow), .watch(.tick):
                        do {
                            if case .watch(.overflow) = wakeUp {
                                // Events were lost, or the directory went away: make the spool
                                // again if it was removed under us, and watch anew.
                                try spool.createDirectories()
                                watcher.stop()
                                watcher = try Self.watch(spool)
                                group.addTask { [watcher, options] in
                                    for await event in watcher.events(tick: options.rescanInterval) { wake.yield(.watch(event)) }
                                }
                            }
                            try ready.refresh(from: spool)
                            try deferred.refresh(from: spool)
                            // The deferred timer is monotonic; this also catches a wall clock that jumped.
                            for name in try spool.promoteDue(from: &deferred, now: now) { ready.insert(name, from: spool) }
                        } catch {
                            context.logger.error("spool rescan failed", metadata: ["error": "\(error)"])
                        }
                        // A batch an operator cancelled or moved ends no claim: look at parked sweeps too.
                        if case .watch(.tick) = wakeUp {
                            group.addTask { [context] in await SweepFinisher(context: context).finishAllEnded() }
                        }
                        event = .queueChanged
                    case .finished(let ending), .retried(let ending):
                        switch ending.state {
                        case .new?: ready.insert(ending.name, from: spool)
                        case .deferred?: deferred.insert(ending.name, from: spool)
                        default: break
                        }
                        for name in ending.readied { ready.insert(name, from: spool) }
                        if let settlement = ending.pending { pending[ending.name] = settlement }
                        if case .retried = wakeUp { event = .settlementRetried(ending) } else { event = .jobEnded(ending) }
                    case .probed(let fault):
                        event = fault.map(PoolEvent.fault) ?? .healthy
                    case .timer:
                        do {
                            for name in try spool.promoteDue(from: &deferred, now: now) { ready.insert(name, from: spool) }
                        } catch {
                            context.logger.error("promoting deferred jobs failed", metadata: ["error": "\(error)"])
                        }
                        event = .timerFired
                    case .drain:
                        event = .drainRequested
                    case .drainDeadline:
                        event = .drainDeadline
                    case .reload:
                        context = reloaded(context)
                        event = .reloaded(concurrency: options.concurrency)
                    }

                    quarantiner.submit(ready.takeDefective())
                    var queue = QueueView(
                        ready: ready.count, deferred: deferred.count, nextDue: deferred.nextDue(after: now),
                        dueNow: !deferred.due(at: now).isEmpty)
                    var effects = pool.handle(event, now: now, queue: queue)
                    while !effects.isEmpty {
                        let effect = effects.removeFirst()
                        switch effect {
                        case .claim(let count):
                            var claimed = 0
                            while claimed < count {
                                let job: ClaimedJob?
                                do {
                                    job = try spool.claimNext(from: &ready, rules: context.rules, now: now)
                                } catch {
                                    context.logger.error("claim failed", metadata: ["error": "\(error)"])
                                    job = nil
                                }
                                guard let job else { break }
                                claimed += 1
                                let executor = JobExecutor(context: context)
                                group.addTask { wake.yield(.finished(await executor.execute(job))) }
                            }
                            queue.ready = ready.count
                            effects += pool.handle(.claimed(claimed), now: now, queue: queue)
                        case .armTimer(let at):
                            timer?.cancel()
                            timer = Task {
                                try? await Task.sleep(for: .seconds(max(0, at.timeIntervalSinceNow) + 0.001))
                                if !Task.isCancelled { wake.yield(.timer) }
                            }
                        case .probe:
                            group.addTask { [context] in wake.yield(.probed(await Self.probe(context))) }
                        case .reconcile(let reason):
                            context.logger.notice("store and disk usable again; claiming resumes")
                            // Before any new claim: a job put back on the fault may be claimed
                            // again at once, and its old run must not pass for the new claim's.
                            do {
                                try await StoreReconciler(context: context).run(reason: reason)
                            } catch {
                                context.logger.error("reconciling the store failed", metadata: ["error": "\(error)"])
                            }
                            for (name, settlement) in pending {
                                let executor = JobExecutor(context: context)
                                group.addTask {
                                    let ending =
                                        (try? executor.settle(settlement.claimed, settlement.settlement))
                                        ?? JobEnding(name: name, state: nil)
                                    wake.yield(.retried(ending))
                                }
                            }
                            pending = [:]
                        case .recordPause(let until):
                            guard let until else {
                                spool.clearPause()
                                break
                            }
                            context.metrics.quotaPaused()
                            do {
                                try spool.recordPause(until: until)
                            } catch {
                                context.logger.error("cannot record the pause in the spool", metadata: ["error": "\(error)"])
                            }
                            context.logger.warning(
                                "runner quota exhausted; claiming paused", metadata: ["until": "\(Timestamp.format(until))"])
                        case .recordFault(let reason):
                            if let reason { context.logger.error("claiming stopped", metadata: ["reason": "\(reason)"]) }
                            do {
                                try spool.recordClaimingStopped(reason)
                            } catch {
                                context.logger.error("cannot record the stop in the spool", metadata: ["error": "\(error)"])
                            }
                        case .startDrain(let grace):
                            notifier.stopping()
                            context.metrics.workerReady(false)
                            context.logger.info("draining", metadata: ["running": "\(pool.running)"])
                            group.addTask {
                                try? await Task.sleep(for: grace)
                                wake.yield(.drainDeadline)
                            }
                        case .stopRunningJobs:
                            context.logger.info("drain grace over; stopping running jobs", metadata: ["running": "\(pool.running)"])
                            group.cancelAll()
                        case .status(let line):
                            if line != lastStatus { notifier.status(line) }
                            lastStatus = line
                        case .finish(let fault):
                            failure = fault
                            break loop
                        }
                    }
                }
                timer?.cancel()
                watcher.stop()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            wake.yield(.drain)
        }
        await quarantiner.drain()
        if let failure {
            context.logger.critical("worker stopped: claiming cannot resume without repair", metadata: ["reason": "\(failure)"])
            throw WorkerStopped(description: "\(failure)")
        }
        try? spool.recordClaimingStopped(nil)
        context.logger.info("worker stopped")
    }

    /// Two workers may share a spool, but more often a second one is a mistake (a forgotten
    /// `nohup`, a unit and a shell): say so, naming the others.
    func warnOfOtherWorkers(on spool: Spool, than registration: WorkerRegistration, logger: Logger) {
        let others = ((try? spool.liveWorkers()) ?? []).filter { $0.pid != registration.pid || $0.host != registration.host }
        for other in others {
            logger.warning(
                "another worker is running on this spool",
                metadata: [
                    "pid": "\(other.pid)", "host": "\(other.host)", "started_at": "\(Timestamp.format(other.startedAt))",
                    "spool": "\(spool.root)",
                ])
        }
    }

    /// A watcher of `new/`; the spool is made again when it vanished before the watch was set.
    static func watch(_ spool: Spool) throws -> DirectoryWatcher {
        let new = URL(fileURLWithPath: spool.root + "/new")
        do {
            return try DirectoryWatcher(directory: new)
        } catch {
            try spool.createDirectories()
            return try DirectoryWatcher(directory: new)
        }
    }

    /// Whether the store, the disk and the KB's repository can take the next job: nil, or the
    /// fault in the way.
    static func probe(_ context: WorkerContext) async -> WorkerFault? {
        do {
            try await context.store.perform { try $0.checkHealth() }
        } catch {
            return WorkerFault.classify(error) ?? WorkerFault(.store(.ioError), "\(error)")
        }
        return diskFault(context) ?? context.knowledgeBaseFault()
    }

    /// A full disk under the spool, the store or the run artifacts: each of their file systems
    /// needs ``minimumFreeBytes`` free (a directory that does not exist yet is not looked at).
    static func diskFault(_ context: WorkerContext) -> WorkerFault? {
        let directories = [
            context.spool.root, URL(fileURLWithPath: context.store.path).deletingLastPathComponent().path,
            ReviewArtifacts.root(of: context.kb).path,
        ]
        for path in directories {
            var info = statvfs()
            if statvfs(path, &info) == 0, UInt64(info.f_bavail) * UInt64(info.f_frsize) < minimumFreeBytes {
                return WorkerFault(.diskFull, "less than \(minimumFreeBytes / 1024) KiB free on the file system of \(path)")
            }
        }
        return nil
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        TimeInterval(duration.components.seconds) + TimeInterval(duration.components.attoseconds) * 1e-18
    }

    /// Free space a probe wants before claiming resumes after a full disk.
    static let minimumFreeBytes: UInt64 = 64 * 1024

    /// The context with a re-read configuration; paths cannot change without a restart.
    func reloaded(_ context: WorkerContext) -> WorkerContext {
        notifier.reloading()
        defer { notifier.ready() }
        do {
            let settings = try reloadSettings()
            guard settings.kbRoot == context.settings.kbRoot, settings.storePath == context.settings.storePath,
                settings.spoolPath == context.settings.spoolPath
            else {
                context.logger.error("config reload ignored: the KB root, store or spool path changed; restart the worker for that")
                return context
            }
            context.logger.info("config reloaded", metadata: ["config": "\(settings.configPath ?? "built-in defaults")"])
            var next = try WorkerContext(settings: settings, logger: context.logger)
            next.metrics = context.metrics
            return next
        } catch {
            context.logger.error("config reload failed; keeping the running config", metadata: ["error": "\(error)"])
            return context
        }
    }

    /// Calls `handler` on every SIGHUP until the returned source is cancelled.
    static func watchHangups(_ handler: @escaping @Sendable () -> Void) -> any DispatchSourceSignal {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP)
        source.setEventHandler(handler: handler)
        source.resume()
        return source
    }
}
