import Foundation
import Glibc
import SystemFiles

/// The session logs codex keeps under `$CODEX_HOME/sessions` (default `$HOME/.codex/sessions`),
/// as seen with the runner's own environment.
struct CodexSessionLogs {
    let directory: String

    /// Nil when the environment names neither `CODEX_HOME` nor `HOME`.
    init?(environment: [String: String]) {
        guard let home = environment["CODEX_HOME"] ?? environment["HOME"].map({ $0 + "/.codex" }) else { return nil }
        directory = home + "/sessions"
    }

    /// The newest log whose file name ends with `<sessionId>.jsonl`.
    func log(sessionId: String) -> String? {
        logFiles().filter { $0.hasSuffix(sessionId + ".jsonl") }.max { modified($0) < modified($1) }
    }

    /// The newest log modified since `launch` that holds `prompt` as a user message.
    func log(prompt: String, modifiedSince launch: Date) -> String? {
        let since = launch.timeIntervalSince1970 - 1
        let recent = logFiles().map { ($0, modified($0)) }.filter { $0.1 >= since }.sorted { $0.1 > $1.1 }
        return recent.first { CodexTelemetry.sessionLog(Self.read($0.0), hasPrompt: prompt) }?.0
    }

    static func read(_ path: String) -> String {
        WholeFile.text(atPath: path)
    }

    private func logFiles() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        return walker.compactMap { ($0 as? String).flatMap { $0.hasSuffix(".jsonl") ? directory + "/" + $0 : nil } }
    }

    /// Modification time in seconds since 1970; 0 when the file cannot be read.
    private func modified(_ path: String) -> Double {
        var info = stat()
        guard stat(path, &info) == 0 else { return 0 }
        return Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
    }
}
