import Dispatch
import Foundation
import Glibc
import Logging
import RevqConfig
import ServiceLifecycle
import TestSupport
import Worker

/// The real ``WorkerService`` running in this test process under a `ServiceGroup` (the way
/// hummingbird's test framework runs an application), on a ``WorkerHarness``'s KB and spool,
/// with a `command` runner (``fakeRunner``) so that faults are fast, deterministic tests.
///
/// The fake runner reads the prompt from `$REVQ_PROMPT_FILE` and a `mode` file beside it:
/// `ok`, `slow` (touches `started`, then waits), `gated` (touches `started`, answers once `go`
/// exists), `daemonize` (leaves a `setsid` grandchild that writes its pid to `escaped`, then
/// answers), `setpgid` (the same through a new process group only), `clearenv` (a `setsid`
/// shell with an empty environment leaves a `sleep` without the job's marker), `fill` (answers,
/// waits until the worker has its output, then fills the artifacts' file system with `../filler`).
final class InProcessWorker {
    let group: ServiceGroup
    let task: Task<(any Error)?, Never>
    /// Receives the worker's sd_notify messages (`STATUS=…`).
    let systemd: SystemdNotifierTests.FakeSystemd

    /// Starts the worker; `options` defaults to one job at a time, probing faults every 50 ms,
    /// staying up on a persistent fault.
    init(
        _ h: WorkerHarness,
        options: WorkerOptions = WorkerOptions(concurrency: 1, once: false, probeInterval: .milliseconds(50), exitOnPersistentFault: false)
    ) throws {
        let settings = try Settings(flags: .init(config: h.configPath), environment: [:], currentDirectory: h.root.path)
        // `REVQ_TEST_LOG=1` shows the worker's log on stderr.
        let logger = Logger(label: "revq.test-worker") { label in
            ProcessInfo.processInfo.environment["REVQ_TEST_LOG"] == nil
                ? SwiftLogNoOpLogHandler() : LogfmtHandler(label: label, level: .debug) as any LogHandler
        }
        let socket = h.home.url.appendingPathComponent("notify-\(UUID().uuidString.prefix(8))").path
        systemd = try SystemdNotifierTests.FakeSystemd(path: socket)
        let service = WorkerService(
            context: try WorkerContext(settings: settings, logger: logger), options: options,
            notifier: SystemdNotifier(environment: ["NOTIFY_SOCKET": socket]), reloadSettings: { settings })
        group = ServiceGroup(
            configuration: .init(
                services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [], logger: logger))
        task = Task(executorPreference: Self.executor) { [group] in
            do {
                try await group.run()
                return nil
            } catch {
                return error
            }
        }
    }

    /// Drains the worker (like SIGTERM) and returns how it ended: nil, or its error.
    func stop() async -> (any Error)? {
        await group.triggerGracefulShutdown()
        return await task.value
    }

    /// Waits until a `STATUS=` message holds `text`, or `seconds` pass; returns whether it came.
    func waitForStatus(containing text: String, seconds: Double = 20) async -> Bool {
        await eventually(within: seconds) {
            while let message = systemd.receive(waiting: false) {
                if message.hasPrefix("STATUS="), message.contains(text) { return true }
            }
            return false
        }
    }

    /// Waits for the worker to end by itself (`--once`, or a fault that ends it).
    func ended() async -> (any Error)? { await task.value }

    /// The worker's tasks run on threads of their own: the test process's concurrency pool
    /// (as wide as the cores) is often held by other tests' blocking waits.
    static let executor = DispatchTaskExecutor()

    static let fakeRunner = #"""
        #!/bin/sh
        # A `command` runner: the prompt is in $REVQ_PROMPT_FILE.
        dir=$(dirname "$0")
        mode=$(cat "$dir/mode")
        case "$mode" in
          slow) touch "$dir/started"; sleep 60; exit 0 ;;
          gated) touch "$dir/started"; while [ ! -e "$dir/go" ]; do sleep 0.01; done ;;
          daemonize) setsid sh -c 'echo $$ > "$0/escaped.tmp"; mv "$0/escaped.tmp" "$0/escaped"; exec sleep 60' "$dir" > /dev/null 2>&1 < /dev/null &
            while [ ! -e "$dir/escaped" ]; do sleep 0.01; done ;;
          clearenv) setsid env -i /bin/sh -c 'sleep 60 & echo $! > "$0/escaped.tmp"; mv "$0/escaped.tmp" "$0/escaped"' "$dir" > /dev/null 2>&1 < /dev/null &
            while [ ! -e "$dir/escaped" ]; do sleep 0.01; done ;;
          setpgid) perl -e 'setpgrp(0,0); open(F,">","$ARGV[0]/escaped.tmp"); print F $$; close F; rename("$ARGV[0]/escaped.tmp","$ARGV[0]/escaped"); exec("sleep","60")' "$dir" > /dev/null 2>&1 < /dev/null &
            while [ ! -e "$dir/escaped" ]; do sleep 0.01; done ;;
        esac
        sed -n 's/^=== GATE REVIEW START: \(.*\) ===$/\1/p' "$REVQ_PROMPT_FILE" | while read -r gate; do
          printf '=== GATE REVIEW START: %s ===\nFine.\n\n## Result: PASS\n=== GATE REVIEW END: %s ===\n' "$gate" "$gate"
        done
        if [ "$mode" = fill ]; then
          art=$(dirname "$REVQ_PROMPT_FILE")
          until grep -q 'GATE REVIEW END' "$art/runner-stdout.txt" 2>/dev/null; do sleep 0.01; done
          cat /dev/zero > "$art/../filler" 2>/dev/null
        fi
        exit 0
        """#
}

extension WorkerHarness {
    /// A harness whose `codex` profile is the in-process fake runner, with `extra` config.
    static func inProcess(config extra: String = "") throws -> WorkerHarness {
        let h = try WorkerHarness(config: extra)
        try h.install("fake-runner", InProcessWorker.fakeRunner)
        let config = try String(contentsOfFile: h.configPath, encoding: .utf8)
        let runner = "codex: {kind: command, command: [\(h.bin.appendingPathComponent("fake-runner").path)], timeout_s: 300, grace_s: 1}"
        try config.replacingOccurrences(of: "codex: {kind: codex, timeout_s: 5, grace_s: 1}", with: runner)
            .write(toFile: h.configPath, atomically: true, encoding: .utf8)
        return h
    }
}

/// A task executor on a concurrent dispatch queue, outside the cooperative pool.
final class DispatchTaskExecutor: TaskExecutor, @unchecked Sendable {
    private let queue = DispatchQueue(label: "revq.in-process-worker", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
