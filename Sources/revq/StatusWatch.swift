import ArgumentParser
import Foundation

/// `--watch` of `status` and `spool ls`.
struct WatchOptions: ParsableArguments {
    @Flag(help: "Show again every interval until interrupted (redrawn in place on a terminal).") var watch = false
    @Option(help: ArgumentHelp("Seconds between views with --watch.", valueName: "seconds")) var interval: Double = 2

    func validate() throws {
        guard interval > 0 else { throw ValidationError("--interval must be more than 0") }
    }

    /// Prints `view` once, or with `--watch` every interval until SIGINT: on a terminal the
    /// screen is cleared and the view drawn from the top; otherwise views follow each other,
    /// a blank line between them.
    func repeating(_ view: () throws -> Void) throws {
        guard watch else { return try view() }
        let terminal = isatty(STDOUT_FILENO) == 1
        // Interrupting a watch is its normal end, also when the parent left SIGINT blocked.
        signal(SIGINT) { _ in _exit(0) }
        var interrupt = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &interrupt, nil)
        var first = true
        while true {
            if terminal {
                print("\u{1B}[H\u{1B}[2J", terminator: "")
            } else if !first {
                print()
            }
            first = false
            try view()
            fflush(nil)  // all output streams: `stdout` itself is a global Swift 6 will not touch
            usleep(useconds_t(interval * 1_000_000))
        }
    }
}
