import Foundation
import ReviewStore
import TestSupport

/// Sweep helpers on top of ``WorkerHarness``: extra notes, `enqueue sweep`, and a fake `codex`
/// that answers sweep prompts (one note block per `=== NOTE START: … ===` template line of the
/// prompt, holding a WARN review of the gate) and hands review prompts to the harness's fake.
///
/// Besides the harness's `mode` file (`slow` is honoured), it reads three files beside it: `omit`
/// (a note path left out of the output), `fail-on` (a note path whose batch exits 3) and
/// `slow-on` (a note path whose batch behaves as in `slow` mode).
extension WorkerHarness {
    /// Installs the sweep-aware fake as `codex`, the harness's fake as `codex-review`.
    func installSweepCodex() throws {
        try install("codex-review", Self.fakeCodex)
        try install("codex", Self.fakeSweepCodex)
    }

    /// Adds notes `kb/notes/n1.md` … (no traits) and commits them; returns their paths.
    func addNotes(_ count: Int) throws -> [String] {
        let paths = (1...count).map { "kb/notes/n\($0).md" }
        for (index, path) in paths.enumerated() {
            try sample.write(path, "---\ntitle: N\(index + 1)\ntraits: []\n---\nNote number \(index + 1).\n")
        }
        try sample.commit("add \(count) notes")
        return paths
    }

    /// Enqueues a sweep of one gate and returns its id.
    func enqueueSweep(_ gate: String, _ selection: [String], model: String = "gpt-5-4-high", _ extra: [String] = []) throws -> String {
        let result = try revq(["enqueue", "sweep", gate] + selection + ["--runner", "codex", "--model", model] + extra)
        guard result.status == 0 else { throw TestFailure("enqueue sweep: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func setFile(_ name: String, _ text: String) throws { try Data(text.utf8).write(to: bin.appendingPathComponent(name)) }

    /// A `done/` or `failed/` sidecar as a dictionary.
    func sidecar(_ state: String, _ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: spool.appendingPathComponent("\(state)/\(name)"))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// Every run of the batch jobs of `sweep`, by batch id.
    func batchRuns(_ sweep: String) throws -> [String: [RunRecord]] {
        let store = try store()
        var runs: [String: [RunRecord]] = [:]
        for state in ["new", "active", "deferred", "done", "failed"] {
            for name in files(state) where name.hasPrefix(sweep + "-b") && !name.hasSuffix(".result.json") && !name.hasSuffix(".error.json")
            {
                let id = String(name.dropLast(5))
                runs[id] = try store.runs(forJob: id).map(\.run)
            }
        }
        return runs
    }

    static let fakeSweepCodex = #"""
        #!/bin/sh
        # A stand-in for `codex exec … -` that answers gate-sweep prompts read on stdin.
        dir=$(dirname "$0")
        prompt=$(cat)
        case "$prompt" in
          *"=== NOTE START: "*) ;;
          *) printf '%s\n' "$prompt" | exec "$dir/codex-review" "$@" ;;
        esac
        case "$(cat "$dir/mode")" in
          slow) touch "$dir/started"; sleep 60; exit 0 ;;
        esac
        notes=$(printf '%s\n' "$prompt" | sed -n 's/^=== NOTE START: \(.*\) ===$/\1/p')
        gate=$(printf '%s\n' "$prompt" | sed -n 's/^=== GATE REVIEW START: \(.*\) ===$/\1/p' | head -n 1)
        if [ -f "$dir/fail-on" ] && printf '%s\n' "$notes" | grep -qxF "$(cat "$dir/fail-on")"; then
          echo "codex: batch boom" >&2; exit 3
        fi
        if [ -f "$dir/slow-on" ] && printf '%s\n' "$notes" | grep -qxF "$(cat "$dir/slow-on")"; then
          touch "$dir/started"; sleep 60; exit 0
        fi
        sid="0199aaaa-bbbb-4ccc-8ddd-$(printf '%06d' $$)$(date +%N | cut -c1-6)"
        logdir="$HOME/.codex/sessions/2026/05/02"
        mkdir -p "$logdir"
        log="$logdir/rollout-2026-05-02T10-00-00-$sid.jsonl"
        echo '{"type":"session_meta","payload":{"id":"'"$sid"'"}}' > "$log"
        echo '{"type":"turn_context","payload":{"model":"gpt-5.4","effort":"xhigh"}}' >> "$log"
        echo '{"type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":300,"output_tokens":60,"total_tokens":360}}}}' >> "$log"
        echo "session id: $sid"
        omit=$(cat "$dir/omit" 2>/dev/null)
        printf '%s\n' "$notes" | while read -r note; do
          [ "$note" = "$omit" ] && continue
          printf '=== NOTE START: %s ===\n=== GATE REVIEW START: %s ===\nReviewed %s.\n\n- WARN: one soft spot\n\n## Result: WARN\n=== GATE REVIEW END: %s ===\n=== NOTE END: %s ===\n' \
            "$note" "$gate" "$gate" "$gate" "$note"
        done
        """#
}
