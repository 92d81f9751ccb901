import Glibc
import Synchronization

/// The first SIGINT or SIGTERM received since ``StopSignals/install()``, 0 before one arrives.
private let firstStopSignal = Atomic<Int32>(0)

/// SIGINT and SIGTERM turned into a request to stop that a long loop checks between steps, so
/// that it can finish the step in hand, report and clean up, then exit 128 + the signal.
enum StopSignals {
    static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signal in
            _ = firstStopSignal.compareExchange(expected: 0, desired: signal, ordering: .relaxed)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        for signal in [SIGINT, SIGTERM] { sigaction(signal, &action, nil) }
    }

    /// Blocks until SIGINT or SIGTERM has been received (at once if one was): the signals are
    /// blocked while the flag is checked and let in only by `sigsuspend`, so none is missed.
    static func waitForOne() {
        var stops = sigset_t()
        sigemptyset(&stops)
        for signal in [SIGINT, SIGTERM] { sigaddset(&stops, signal) }
        var previous = sigset_t()
        sigprocmask(SIG_BLOCK, &stops, &previous)
        var waiting = previous
        for signal in [SIGINT, SIGTERM] { sigdelset(&waiting, signal) }
        while received == nil { sigsuspend(&waiting) }
        sigprocmask(SIG_SETMASK, &previous, nil)
    }

    /// The signal received, or nil.
    static var received: Int32? {
        let signal = firstStopSignal.load(ordering: .relaxed)
        return signal == 0 ? nil : signal
    }
}
