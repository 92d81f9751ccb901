import Foundation
import Glibc
import ReviewStore
import TestSupport

/// A sample KB, a spool, a config with fake `codex` and `claude` programs, and helpers to
/// enqueue jobs and run the built `revq worker` against them as a real child process.
///
/// The fakes read a `mode` file beside them, since a runner's environment is scrubbed:
/// `ok`, `exit3`, `hang`, `garbage`, `huge`, `quota`, `slow` (touches `started`, then waits),
/// `random` (waits 0–200 ms, then answers like `ok`), `chatty` (prints a line, waits for a `go`
/// file beside it, then answers like `ok`), `noisy` (3 MB of stderr on one line, then exits 3).
struct WorkerHarness {
    let sample: SampleKB
    let home: TemporaryDirectory
    var root: URL { sample.root }
    var bin: URL { home.url.appendingPathComponent("bin") }
    var configPath: String { home.url.appendingPathComponent("revq.yaml").path }
    var spool: URL { root.appendingPathComponent("kb/reports/spool") }
    var storePath: String { root.appendingPathComponent("kb/reports/review-store.sqlite").path }

    init(config extra: String = "") throws {
        sample = try SampleKB()
        home = try TemporaryDirectory("revq-home")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try install("codex", Self.fakeCodex)
        try install("claude", Self.fakeClaude)
        try setMode("ok")
        try home.write(
            "revq.yaml",
            (extra.contains("retry:") ? "" : "retry: {max_attempts: 3, backoff_base_s: 0, backoff_max_s: 0, jitter: 0}\n")
                + """
                drain_grace_s: 1
                runners:
                  codex: {kind: codex, timeout_s: 5, grace_s: 1}
                  claude: {kind: claude-code, timeout_s: 5, grace_s: 1}
                \(extra)
                """)
    }

    func remove() {
        sample.remove()
        home.remove()
    }

    func install(_ name: String, _ script: String) throws {
        let path = bin.appendingPathComponent(name).path
        try Data(script.utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o755)
    }

    func setMode(_ mode: String) throws { try Data(mode.utf8).write(to: bin.appendingPathComponent("mode")) }

    var environment: [String: String] {
        RevqBinary.environment([
            "REVQ_CONFIG": configPath, "HOME": home.path,
            "PATH": bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
        ])
    }

    @discardableResult
    func revq(_ arguments: [String]) throws -> CommandResult {
        try Command.run(RevqBinary.url.path, arguments, in: root, environment: environment)
    }

    /// Enqueues a review job and returns its id.
    func enqueue(
        _ note: String = SampleKB.noteA, _ gates: [String] = ["prose"], runner: String = "codex", _ extra: [String] = []
    )
        throws -> String
    {
        let result = try revq(["enqueue", "review", note] + gates + ["--runner", runner, "--model", "gpt-5-4-high"] + extra)
        guard result.status == 0 else { throw TestFailure("enqueue: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func workOnce() throws -> CommandResult { try revq(["worker", "--once"]) }

    /// The log (stderr) of the last worker ``startWorker(environment:)`` started.
    var workerLog: URL { home.url.appendingPathComponent("worker.log") }

    /// Starts `revq worker` in the background, its log in ``workerLog``.
    func startWorker(environment extra: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = RevqBinary.url
        process.arguments = ["worker"]
        process.currentDirectoryURL = root
        process.environment = environment.merging(extra) { $1 }
        _ = FileManager.default.createFile(atPath: workerLog.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: workerLog)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs `body` while a background worker runs; the worker has recovered, made the spool and
    /// watches it (it logged `worker ready`) when `body` starts, and is stopped with SIGTERM afterwards.
    func withRunningWorker(_ body: () throws -> Void) throws {
        let worker = try startWorker()
        defer {
            worker.terminate()
            worker.waitUntilExit()
        }
        guard eventually(10, { ((try? String(contentsOf: workerLog, encoding: .utf8)) ?? "").contains("event=\"worker ready\"") }) else {
            throw TestFailure("the worker did not start: \((try? String(contentsOf: workerLog, encoding: .utf8)) ?? "")")
        }
        try body()
    }

    /// Starts a background worker with the `slow` runner and returns once the runner has
    /// started, so that the test can kill or stop the worker in the middle of a run.
    func startWorkerWithRunnerInFlight() throws -> Process {
        try setMode("slow")
        let worker = try startWorker()
        guard eventually(10, { FileManager.default.fileExists(atPath: startedMarker.path) }) else {
            throw TestFailure("the runner did not start")
        }
        return worker
    }

    func store() throws -> ReviewStore { try ReviewStore(path: storePath) }

    func files(_ state: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: spool.appendingPathComponent(state).path)) ?? []).sorted()
    }

    func jobFile(_ state: String, _ id: String) throws -> [String: Any] {
        let data = try Data(contentsOf: spool.appendingPathComponent("\(state)/\(id).json"))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    var startedMarker: URL { bin.appendingPathComponent("started") }

    /// Processes whose environment carries the runner marker of `job`.
    func markedProcesses(_ job: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
            return data.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == "REVQ_JOB_ID=\(job)" }
        }
    }

    static let fakeCodex = #"""
        #!/bin/sh
        # A stand-in for `codex exec --full-auto -C <root> [--model M] -`, the prompt on stdin.
        dir=$(dirname "$0")
        mode=$(cat "$dir/mode")
        prompt=$(cat)
        case "$mode" in
          exit3) echo "codex: boom" >&2; exit 3 ;;
          hang) sh -c 'trap "" TERM; sleep 60' & sleep 60; exit 0 ;;
          garbage) printf '\377\376 not a bundle\n'; exit 0 ;;
          huge) head -c 30000000 /dev/zero | tr '\0' 'x'; exit 0 ;;
          quota) echo "Error: You are out of extra usage for today." >&2; exit 1 ;;
          slow) touch "$dir/started"; sleep 60; exit 0 ;;
          chatty) echo "thinking..."; while [ ! -e "$dir/go" ]; do sleep 0.05; done ;;
          noisy) head -c 3000000 /dev/zero | tr '\0' 'e' >&2; echo >&2; echo "codex: noisy" >&2; exit 3 ;;
          random) sleep "$(awk 'BEGIN { srand(); printf "0.%03d", int(rand() * 200) }')" ;;
        esac
        sid="0199aaaa-bbbb-4ccc-8ddd-$(date +%s%N | cut -c1-12)"
        logdir="$HOME/.codex/sessions/2026/05/02"
        mkdir -p "$logdir"
        log="$logdir/rollout-2026-05-02T10-00-00-$sid.jsonl"
        echo '{"type":"session_meta","payload":{"id":"'"$sid"'"}}' > "$log"
        echo '{"type":"turn_context","payload":{"model":"gpt-5.4","effort":"xhigh"}}' >> "$log"
        echo '{"type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":100,"output_tokens":20,"total_tokens":120},"last_token_usage":{"input_tokens":100,"output_tokens":20,"total_tokens":120}}}}' >> "$log"
        echo "session id: $sid"
        printf '%s\n' "$prompt" | sed -n 's/^=== GATE REVIEW START: \(.*\) ===$/\1/p' | while read -r gate; do
          printf '=== GATE REVIEW START: %s ===\nReviewed %s.\n\n- WARN: one soft spot\n\n## Result: WARN\n=== GATE REVIEW END: %s ===\n' "$gate" "$gate" "$gate"
        done
        """#

    static let fakeClaude = #"""
        #!/bin/sh
        # A stand-in for `claude -p --verbose … --output-format stream-json [--model M]`, the prompt on stdin.
        prompt=$(cat)
        echo '{"type":"system","subtype":"init","model":"claude-sonnet-4-6","session_id":"s-1"}'
        text=$(printf '%s\n' "$prompt" | sed -n 's/^=== GATE REVIEW START: \(.*\) ===$/\1/p' | while read -r gate; do
          printf '=== GATE REVIEW START: %s ===\nFine.\n\n## Result: PASS\n=== GATE REVIEW END: %s ===\n' "$gate" "$gate"
        done | awk '{printf "%s\\n", $0}')
        printf '%s\n' '{"type":"assistant","requestId":"req-1","message":{"id":"m1","model":"claude-sonnet-4-6","usage":{"input_tokens":10,"output_tokens":5},"content":[{"type":"text","text":"'"$text"'"}]}}'
        echo '{"type":"result","subtype":"success","is_error":false,"result":"done","session_id":"s-1"}'
        """#
}

/// Waits until `condition` holds or `seconds` pass; returns whether it held.
func eventually(_ seconds: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        usleep(10_000)
    }
    return try condition()
}
