import Foundation
import ReviewFormat
import RevqTime
import Runner
import Spool
import Usage

/// The read-only status page: server-rendered HTML that refreshes itself every few seconds,
/// with no script and no form (control stays in the CLI). Every value from the spool, the store
/// or a job file passes through ``escape(_:)``.
enum StatusPage {
    static let refreshSeconds = 5

    static func render(_ snapshot: StatusSnapshot) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="refresh" content="\(refreshSeconds)">
            <title>revq status</title>
            <style>\(style)</style></head><body>
            <h1>revq</h1>
            <p class="meta">spool \(escape(snapshot.spool)) · \(escape(Timestamp.format(snapshot.takenAt))) · refreshes every \(refreshSeconds) s</p>

            """
        html += section("Queue", queue(snapshot))
        html += section("Workers", workers(snapshot))
        html += section("Running jobs", running(snapshot))
        html += section("Failed jobs (newest)", failed(snapshot))
        html += section("Recent runs", recentRuns(snapshot))
        html += section("Tokens today", tokens(snapshot))
        html += section("Findings", findings(snapshot))
        return html + "</body></html>\n"
    }

    static func section(_ title: String, _ body: String) -> String {
        "<section id=\"\(title.lowercased().split(separator: " ").first ?? "")\"><h2>\(escape(title))</h2>\n\(body)</section>\n"
    }

    static func queue(_ snapshot: StatusSnapshot) -> String {
        var body = table(snapshot.counts.map(\.state), [snapshot.counts.map { String($0.jobs) }])
        body += "<p>oldest ready: " + escape(snapshot.oldestReadyAge.map { "\(duration($0)) ago" } ?? "none") + "</p>\n"
        let claiming = snapshot.pausedUntil.map { "paused until \(Timestamp.format($0)) (runner quota exhausted)" } ?? "not paused"
        return body + "<p>claiming: \(escape(claiming))</p>\n"
    }

    /// The spool's live workers, oldest first; the one serving this page is marked.
    static func workers(_ snapshot: StatusSnapshot) -> String {
        guard !snapshot.workers.isEmpty else { return "<p class=\"none\">No worker is registered.</p>\n" }
        let serving = snapshot.worker
        return table(
            ["host", "pid", "started", "up", "concurrency", "version", ""],
            snapshot.workers.map { worker in
                [
                    worker.host, String(worker.pid), Timestamp.format(worker.startedAt),
                    duration(snapshot.takenAt.timeIntervalSince(worker.startedAt)), String(worker.concurrency), worker.version,
                    worker.host == serving.host && worker.pid == serving.pid ? "serving this page" : "",
                ]
            })
    }

    static func running(_ snapshot: StatusSnapshot) -> String {
        guard !snapshot.running.isEmpty else { return "<p class=\"none\">Nothing is running.</p>\n" }
        return table(
            ["job", "what", "runner", "model", "elapsed"],
            snapshot.running.map { [$0.id, $0.what, $0.runner, $0.model, $0.elapsed.map(duration) ?? "starting"] })
    }

    static func failed(_ snapshot: StatusSnapshot) -> String {
        guard !snapshot.failed.isEmpty else { return "<p class=\"none\">No failed jobs.</p>\n" }
        return table(
            ["job", "failed at", "attempts", "model", "reason"],
            snapshot.failed.map {
                [$0.id, $0.failedAt.map(Timestamp.format) ?? "", $0.attempts.map(String.init) ?? "", $0.model, $0.reason]
            })
    }

    static func recentRuns(_ snapshot: StatusSnapshot) -> String {
        guard !snapshot.recentRuns.isEmpty else { return "<p class=\"none\">No runs yet.</p>\n" }
        return table(
            ["run", "note", "model", "runner", "status", "started", "decisions"],
            snapshot.recentRuns.map { run in
                let decisions = run.decisions.map { "\($0.gate): \($0.decision)" }.joined(separator: ", ")
                return [
                    String(run.id), run.note, run.model, run.runner, run.status, run.startedAt,
                    decisions.isEmpty ? (run.failureReason ?? "") : decisions,
                ]
            })
    }

    static func tokens(_ snapshot: StatusSnapshot) -> String {
        guard let row = snapshot.tokensToday else { return "<p class=\"none\">No review store.</p>\n" }
        return table(
            ["runs", "without telemetry", "input", "cached input", "output", "reasoning", "total"],
            [
                [String(row.runs), String(row.runsWithoutTelemetry)]
                    + [row.tokens.input, row.tokens.cachedInput, row.tokens.output, row.tokens.reasoning, row.tokens.total].map {
                        String($0)
                    }
            ])
    }

    static func findings(_ snapshot: StatusSnapshot) -> String {
        guard !snapshot.findings.isEmpty else { return "<p class=\"none\">No accepted reviews yet.</p>\n" }
        let rows = snapshot.findings.map { partition, decisions in
            [partition] + [Decision.warn, .fail, .error].map { String(decisions[$0] ?? 0) } + ["revq findings --model \(partition)"]
        }
        return "<p>Current reviews that ask for work, per partition:</p>\n"
            + table(["partition", "warn", "fail", "error", "details"], rows)
    }

    /// A table with a header row; every cell escaped.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var html = "<table><tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
        for row in rows { html += "<tr>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n" }
        return html + "</table>\n"
    }

    /// Text made safe for HTML element content and quoted attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    static func duration(_ seconds: TimeInterval) -> String {
        let whole = Int(max(0, seconds))
        switch whole {
        case ..<120: return "\(whole)s"
        case ..<7200: return "\(whole / 60)m \(whole % 60)s"
        default: return "\(whole / 3600)h \(whole % 3600 / 60)m"
        }
    }

    static let style = """
        body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;max-width:70em}
        h1{margin:0}h2{font-size:1.05em;margin:1.2em 0 .4em;border-bottom:1px solid #ddd}
        .meta,.none{color:#666}table{border-collapse:collapse}
        th,td{text-align:left;padding:.15em .8em .15em 0;vertical-align:top}
        th{font-weight:600;color:#444}td{font-variant-numeric:tabular-nums;white-space:nowrap}
        td:last-child{white-space:normal}
        """
}
