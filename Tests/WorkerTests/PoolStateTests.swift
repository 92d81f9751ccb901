import Foundation
import ReviewStore
import Spool
import Testing

@testable import Worker

/// The pool's rules as a value: an event in, effects out.
@Suite struct PoolStateTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let idle = QueueView(ready: 0, deferred: 0, nextDue: nil)
    let three = QueueView(ready: 3, deferred: 0, nextDue: nil)

    func pool(concurrency: Int = 2, once: Bool = false, exit: Bool = false) -> PoolState {
        PoolState(concurrency: concurrency, once: once, exitOnPersistentFault: exit, probeInterval: 5, drainGrace: .seconds(30))
    }

    func claims(_ effects: [PoolEffect]) -> Int? {
        effects.compactMap { if case .claim(let n) = $0 { n } else { nil } }.first
    }

    @Test func readyJobsAreClaimedUpToTheConcurrency() {
        var state = pool()
        #expect(claims(state.handle(.queueChanged, now: now, queue: three)) == 2)
        let after = state.handle(.claimed(2), now: now, queue: QueueView(ready: 1, deferred: 0, nextDue: nil))
        #expect(claims(after) == nil && state.running == 2)
        #expect(after.contains(.status("1 ready, 2 running, 0 deferred")))
        #expect(claims(state.handle(.jobEnded(JobEnding(name: "a", state: .done)), now: now, queue: three)) == 1)
    }

    @Test func aStoreFaultStopsClaimingUntilAProbePassesThenReconciles() {
        var state = pool()
        _ = state.handle(.claimed(1), now: now, queue: three)
        let fault = WorkerFault(.store(.malformed), "database disk image is malformed")
        let ended = state.handle(.jobEnded(JobEnding(name: "a", state: .new, fault: fault)), now: now, queue: three)
        #expect(claims(ended) == nil)
        #expect(ended.contains(.recordFault("review store malformed: database disk image is malformed")))
        #expect(ended.contains(.armTimer(at: now.addingTimeInterval(5))))
        #expect(ended.contains { if case .status(let line) = $0 { line.hasSuffix("claiming stopped: review store malformed: database disk image is malformed") } else { false } })
        let later = now.addingTimeInterval(5)
        #expect(state.handle(.timerFired, now: later, queue: three).contains(.probe))
        #expect(claims(state.handle(.fault(fault), now: later, queue: three)) == nil)
        let healthy = state.handle(.healthy, now: later.addingTimeInterval(5), queue: three)
        #expect(healthy.contains(.reconcile(reason: "worker error: review store malformed: database disk image is malformed")))
        #expect(claims(healthy) == 2)
    }

    @Test func aBusyStoreIsProbedAtOnce() {
        var state = pool()
        let effects = state.handle(.fault(WorkerFault(.store(.busy), "database is locked")), now: now, queue: three)
        #expect(effects.contains(.probe) && claims(effects) == nil)
    }

    @Test func aPersistentFaultEndsTheWorkerUnderSystemdOnceJobsEnded() {
        var state = pool(exit: true)
        _ = state.handle(.claimed(2), now: now, queue: three)
        let fault = WorkerFault(.store(.replaced), "another file")
        #expect(!state.handle(.jobEnded(JobEnding(name: "a", state: .new, fault: fault)), now: now, queue: three).contains(.finish(failure: fault)))
        #expect(state.handle(.jobEnded(JobEnding(name: "b", state: .done)), now: now, queue: three).contains(.finish(failure: fault)))
    }

    @Test func aTransientFaultNeverEndsTheDaemon() {
        var state = pool(exit: true)
        let effects = state.handle(.fault(WorkerFault(.diskFull, "ENOSPC")), now: now, queue: three)
        #expect(!effects.contains { if case .finish = $0 { true } else { false } })
    }

    @Test func onceEndsWhenNothingIsReadyOrRunning() {
        var state = pool(once: true)
        #expect(state.handle(.queueChanged, now: now, queue: idle).contains(.finish(failure: nil)))
        var paused = pool(once: true)
        _ = paused.handle(.claimed(1), now: now, queue: three)
        let quota = JobEnding(name: "a", state: .deferred, pausedUntil: now.addingTimeInterval(60))
        let effects = paused.handle(.jobEnded(quota), now: now, queue: three)
        #expect(effects.contains(.recordPause(until: now.addingTimeInterval(60))))
        #expect(effects.contains(.finish(failure: nil)), "a paused pool with --once ends")
    }

    @Test func drainStopsClaimingAndEndsWhenJobsEnded() {
        var state = pool()
        _ = state.handle(.claimed(1), now: now, queue: three)
        let drain = state.handle(.drainRequested, now: now, queue: three)
        #expect(drain.contains(.startDrain(grace: .seconds(30))) && claims(drain) == nil)
        #expect(state.handle(.drainDeadline, now: now, queue: three).contains(.stopRunningJobs))
        #expect(state.handle(.jobEnded(JobEnding(name: "a", state: .new)), now: now, queue: three).contains(.finish(failure: nil)))
    }

    @Test func aQuotaPauseEndsByItself() {
        var state = pool()
        _ = state.handle(.claimed(1), now: now, queue: three)
        let until = now.addingTimeInterval(60)
        let paused = state.handle(.jobEnded(JobEnding(name: "a", state: .deferred, pausedUntil: until)), now: now, queue: three)
        #expect(claims(paused) == nil && paused.contains(.armTimer(at: until)))
        let resumed = state.handle(.timerFired, now: until, queue: three)
        #expect(resumed.contains(.recordPause(until: nil)) && claims(resumed) == 2)
    }
}
