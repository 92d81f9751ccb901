import Foundation
import RevqTime

/// What the pool sees of its queues when it decides.
struct QueueView: Sendable, Equatable {
    /// Jobs in `new/` (known to the index).
    var ready: Int
    /// Jobs in `deferred/`.
    var deferred: Int
    /// When the next deferred job falls due, if any is in the future.
    var nextDue: Date?
    /// Whether a deferred job is due now.
    var dueNow: Bool = false
}

/// Something that happened to the pool.
enum PoolEvent: Sendable {
    /// Jobs arrived, a rescan ran, or a deferred job became due.
    case queueChanged
    /// The driver claimed `count` jobs after a ``PoolEffect/claim(_:)``.
    case claimed(Int)
    /// A claimed job ended (it may have met a fault; its settlement may be pending).
    case jobEnded(JobEnding)
    /// A pending settlement was tried again (see ``PoolEffect/reconcile(reason:)``).
    case settlementRetried(JobEnding)
    /// The pool's timer fired.
    case timerFired
    /// A store, disk or KB fault was seen (by a job, or by a probe still failing).
    case fault(WorkerFault)
    /// A probe found the store, the disk and the KB usable again.
    case healthy
    /// SIGTERM: claim nothing more, let running jobs end within the grace.
    case drainRequested
    /// The drain grace ran out.
    case drainDeadline
    /// SIGHUP re-read the config.
    case reloaded(concurrency: Int)
}

/// What the pool asks its driver to do.
enum PoolEffect: Sendable, Equatable {
    /// Claim up to this many jobs (then report ``PoolEvent/claimed(_:)``).
    case claim(Int)
    /// Wake the pool (``PoolEvent/timerFired``) at this time; replaces any earlier timer.
    case armTimer(at: Date)
    /// Check the store and the disk (then report ``PoolEvent/healthy`` or ``PoolEvent/fault(_:)``).
    case probe
    /// Fail `running` runs no live job holds, with this reason; then retry settlements that
    /// were pending on the fault.
    case reconcile(reason: String)
    /// Record a quota pause in the spool, or clear it (nil).
    case recordPause(until: Date?)
    /// Claiming stopped for a fault (or resumed: nil): record it where `revq status` sees it.
    case recordFault(String?)
    /// Tell systemd the worker is stopping and arm the drain deadline.
    case startDrain(grace: Duration)
    /// Stop running jobs now (drain grace over).
    case stopRunningJobs
    /// The status line for systemd's `STATUS=` and the log.
    case status(String)
    /// The service is done: return normally, or fail with the fault (a non-zero exit).
    case finish(failure: WorkerFault?)
}

/// The pool's decisions as a value: each ``PoolEvent`` changes the state and yields the
/// ``PoolEffect``s the driver (``WorkerService``) turns into system calls. Quota pauses,
/// drain, reload, faults and `--once` all meet here, and every rule is a unit test.
///
/// Claiming stops while draining, during a quota pause, and while a fault stands. A fault is
/// probed again every ``probeInterval`` (a busy store at once); when a probe passes, the pool
/// reconciles the store and resumes. A fault that is not transient ends the worker with a
/// failure once its running jobs ended, when ``exitOnPersistentFault`` (under systemd, so the
/// unit restarts it, and with `--once`); otherwise the worker stays up, not claiming, and keeps
/// probing.
struct PoolState: Sendable {
    var concurrency: Int
    let once: Bool
    let exitOnPersistentFault: Bool
    let probeInterval: TimeInterval
    let drainGrace: Duration

    private(set) var running = 0
    private(set) var draining = false
    private(set) var pausedUntil: Date?
    private(set) var fault: WorkerFault?
    private(set) var probing = false
    private(set) var nextProbe: Date?
    /// Jobs that ended but could not be moved on for a fault; they keep their claim (and count
    /// as running) until a settlement retried after a passing probe moves them.
    private(set) var pendingSettlements = 0
    private var finished = false

    init(
        concurrency: Int, once: Bool, exitOnPersistentFault: Bool, probeInterval: TimeInterval, drainGrace: Duration,
        pausedUntil: Date? = nil
    ) {
        self.concurrency = concurrency
        self.once = once
        self.exitOnPersistentFault = exitOnPersistentFault || once
        self.probeInterval = probeInterval
        self.drainGrace = drainGrace
        self.pausedUntil = pausedUntil
    }

    /// The state after `event` at `now`, and what to do about it.
    mutating func handle(_ event: PoolEvent, now: Date, queue: QueueView) -> [PoolEffect] {
        guard !finished else { return [] }
        var effects: [PoolEffect] = []
        var claimRound = true
        switch event {
        case .queueChanged, .timerFired:
            break
        case .claimed(let count):
            running += count
            claimRound = false
        case .jobEnded(let ending), .settlementRetried(let ending):
            if case .settlementRetried = event { pendingSettlements -= 1 }
            // A job whose move is pending keeps its claim, and its place in the pool.
            if ending.pending != nil { pendingSettlements += 1 } else { running -= 1 }
            if let until = ending.pausedUntil {
                pausedUntil = max(pausedUntil ?? until, until)
                effects.append(.recordPause(until: pausedUntil))
            }
            if let fault = ending.fault { effects += enter(fault, now: now) }
        case .fault(let fault):
            probing = false
            effects += enter(fault, now: now)
        case .healthy:
            probing = false
            if let fault {
                self.fault = nil
                nextProbe = nil
                effects += [.recordFault(nil), .reconcile(reason: "worker error: \(fault)")]
            }
        case .drainRequested:
            if !draining {
                draining = true
                effects.append(.startDrain(grace: drainGrace))
            }
        case .drainDeadline:
            effects.append(.stopRunningJobs)
        case .reloaded(let concurrency):
            self.concurrency = concurrency
        }

        if let until = pausedUntil, until <= now {
            pausedUntil = nil
            effects.append(.recordPause(until: nil))
        }
        if fault != nil, !probing, let at = nextProbe, at <= now {
            probing = true
            effects.append(.probe)
        }
        let free = max(1, concurrency) - running
        if claimRound, canClaim, free > 0, queue.ready > 0 || queue.dueNow {
            // The rest of the round follows the driver's `.claimed` report.
            return effects + [.claim(free)]
        }
        if let at = [queue.nextDue, pausedUntil, fault == nil || probing ? nil : nextProbe].compactMap({ $0 }).min() {
            effects.append(.armTimer(at: at))
        }
        effects.append(.status(statusLine(queue)))
        if let end = finish(queue) {
            finished = true
            effects.append(end)
        }
        return effects
    }

    var canClaim: Bool { !draining && pausedUntil == nil && fault == nil }

    /// Stops claiming for `fault` and schedules its probe.
    private mutating func enter(_ fault: WorkerFault, now: Date) -> [PoolEffect] {
        let isNew = self.fault != fault
        self.fault = fault
        nextProbe = now.addingTimeInterval(fault.isBusy ? 0 : probeInterval)
        return isNew ? [.recordFault("\(fault)")] : []
    }

    /// The effect that ends the service, when it is time.
    private func finish(_ queue: QueueView) -> PoolEffect? {
        guard running == 0 else { return nil }
        if let fault, !fault.isTransient, exitOnPersistentFault { return .finish(failure: fault) }
        if draining { return .finish(failure: nil) }
        guard once else { return nil }
        if let fault, !fault.isBusy { return .finish(failure: fault) }
        let nothingClaimable = pausedUntil != nil || (queue.ready == 0 && !queue.dueNow)
        return nothingClaimable && fault == nil ? .finish(failure: nil) : nil
    }

    func statusLine(_ queue: QueueView) -> String {
        var line = "\(queue.ready) ready, \(running) running, \(queue.deferred) deferred"
        if let pausedUntil { line += ", paused until \(Timestamp.format(pausedUntil))" }
        if let fault { line += ", claiming stopped: \(fault)" }
        return line
    }
}
