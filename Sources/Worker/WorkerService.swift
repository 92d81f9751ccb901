public import Foundation
import Glibc
import Logging
public import RevqConfig
import RevqTime
public import ServiceLifecycle
import Spool

/// How a worker runs: its pool size and whether it stops when the queue is empty.
public struct WorkerOptions: Sendable {
    public var concurrency: Int
    /// Work until nothing is ready or running, then return (`revq worker --once`).
    public var once: Bool
    /// The slow rescan of the spool, on top of inotify's hints.
    public var rescanInterval: Duration

    public init(concurrency: Int, once: Bool, rescanInterval: Duration = .seconds(60)) {
        self.concurrency = concurrency
        self.once = once
        self.rescanInterval = rescanInterval
    }
}

/// The worker pool (SPEC §5, §7) as a ``Service``: recovers what a previous worker left,
/// watches `new/` with inotify, claims up to `concurrency` jobs oldest first within priority,
/// promotes deferred jobs when they fall due, and drains on graceful shutdown: no new claims,
/// running jobs get the drain grace, then are stopped and requeued without spending an attempt.
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
        case timer
        case drain
        case drainDeadline
        case reload
    }

    public func run() async throws {
        var context = initialContext
        let spool = context.spool
        try spool.createDirectories()
        try await Recovery(context: context).run()

        var ready = JobIndex(state: .new)
        var deferred = JobIndex(state: .deferred)
        try ready.refresh(from: spool)
        try deferred.refresh(from: spool)
        var watcher = try DirectoryWatcher(directory: URL(fileURLWithPath: spool.root + "/new"))
        let (wakes, wake) = AsyncStream.makeStream(of: Wake.self)
        let hangups = Self.watchHangups { wake.yield(.reload) }
        defer { hangups.cancel() }

        notifier.ready()
        context.logger.info("worker ready", metadata: ["spool": "\(spool.root)", "concurrency": "\(options.concurrency)"])
        var running = 0
        var draining = false
        // A quota pause recorded by an earlier worker on this spool still holds.
        var pausedUntil = spool.pausedUntil()
        var timer: Task<Void, Never>?

        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
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
                for await event in wakes {
                    let now = Date()
                    switch event {
                    case .watch(.arrived(let names)):
                        for name in names { ready.insert(name, from: spool) }
                    case .watch(.overflow), .watch(.tick):
                        do {
                            if case .watch(.overflow) = event {
                                // Events were lost, or the directory went away: make the spool
                                // again if it was removed under us, and watch anew.
                                try spool.createDirectories()
                                watcher.stop()
                                watcher = try DirectoryWatcher(directory: watcher.directory)
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
                        if case .watch(.tick) = event {
                            group.addTask { [context] in await SweepFinisher(context: context).finishAllEnded() }
                        }
                    case .finished(let ending):
                        running -= 1
                        switch ending.state {
                        case .new?: ready.insert(ending.name, from: spool)
                        case .deferred?: deferred.insert(ending.name, from: spool)
                        default: break
                        }
                        for name in ending.readied { ready.insert(name, from: spool) }
                        if let until = ending.pausedUntil {
                            pausedUntil = max(pausedUntil ?? until, until)
                            do {
                                try spool.recordPause(until: pausedUntil ?? until)
                            } catch {
                                context.logger.error("cannot record the pause in the spool", metadata: ["error": "\(error)"])
                            }
                            context.logger.warning(
                                "runner quota exhausted; claiming paused", metadata: ["until": "\(Timestamp.format(until))"])
                        }
                    case .timer:
                        do {
                            for name in try spool.promoteDue(from: &deferred, now: now) { ready.insert(name, from: spool) }
                        } catch {
                            context.logger.error("promoting deferred jobs failed", metadata: ["error": "\(error)"])
                        }
                    case .drain:
                        draining = true
                        notifier.stopping()
                        context.logger.info("draining", metadata: ["running": "\(running)"])
                        let grace = context.config.drainGraceSeconds
                        group.addTask {
                            try? await Task.sleep(for: .seconds(grace))
                            wake.yield(.drainDeadline)
                        }
                    case .drainDeadline:
                        context.logger.info("drain grace over; stopping running jobs", metadata: ["running": "\(running)"])
                        group.cancelAll()
                    case .reload:
                        context = reloaded(context)
                    }

                    if let until = pausedUntil, until <= now {
                        pausedUntil = nil
                        spool.clearPause()
                    }
                    if !draining, pausedUntil == nil {
                        while running < max(1, options.concurrency) {
                            let claimed: ClaimedJob?
                            do {
                                claimed = try spool.claimNext(from: &ready, rules: context.rules, now: now)
                            } catch {
                                context.logger.error("claim failed", metadata: ["error": "\(error)"])
                                claimed = nil
                            }
                            guard let claimed else { break }
                            running += 1
                            let executor = JobExecutor(context: context)
                            group.addTask {
                                wake.yield(.finished(await executor.execute(claimed)))
                            }
                        }
                    }

                    timer?.cancel()
                    if let due = [deferred.nextDue(after: now), pausedUntil].compactMap({ $0 }).min() {
                        timer = Task {
                            try? await Task.sleep(for: .seconds(max(0, due.timeIntervalSinceNow) + 0.001))
                            if !Task.isCancelled { wake.yield(.timer) }
                        }
                    }
                    notifier.status(statusLine(ready: ready.count, deferred: deferred.count, running: running, pausedUntil: pausedUntil))

                    let nothingClaimable = pausedUntil != nil || (ready.isEmpty && deferred.due(at: Date()).isEmpty)
                    if running == 0, draining || (options.once && nothingClaimable) { break }
                }
                timer?.cancel()
                watcher.stop()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            wake.yield(.drain)
        }
        context.logger.info("worker stopped")
    }

    func statusLine(ready: Int, deferred: Int, running: Int, pausedUntil: Date?) -> String {
        var line = "\(ready) ready, \(running) running, \(deferred) deferred"
        if let pausedUntil { line += ", paused until \(Timestamp.format(pausedUntil))" }
        return line
    }

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
            return try WorkerContext(settings: settings, logger: context.logger)
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
