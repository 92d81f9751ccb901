import Foundation
import Glibc
import Spool
import Testing

/// A fresh spool under a temporary directory, removed by `cleanup()`.
struct TemporarySpool {
    let base: String
    let spool: Spool

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/spooltest-XXXXXX").utf8CString)
        guard let path = mkdtemp(&template) else { throw SpoolError.system(call: "mkdtemp", path: "", errno: errno) }
        base = String(cString: path)
        spool = Spool(root: base + "/spool")
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: base) }

    func path(_ state: String, _ name: String) -> String { spool.root + "/" + state + "/" + name }

    func bytes(_ state: String, _ name: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path(state, name)).map(Array.init)
    }

    /// Writes `bytes` straight into `state/` as a producer that ignored the protocol would.
    func place(_ bytes: [UInt8], as name: String, in state: String = "new") throws {
        try spool.createDirectories()
        try Data(bytes).write(to: URL(fileURLWithPath: path(state, name)))
    }

    func listing(_ state: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: spool.root + "/" + state)) ?? []).sorted()
    }
}

let testRules = JobRules(knownRunners: ["codex", "claude"])

/// A valid review job; without `id`, a generated one that carries `priority`.
func reviewJob(id: String? = nil, note: String = "kb/notes/a.md", key: String? = nil, priority: Int = 0, maxAttempts: Int = 3) -> Job {
    Job(
        id: id.map { JobID($0)! }, work: .review(note: note, gates: ["prose", "semantic/grounding-alignment"]), runner: "codex",
        model: "gpt-5-4-high", priority: priority, maxAttempts: maxAttempts, key: key, submittedBy: "test@host")
}

/// Waits until `condition` holds, polling, failing the test after `seconds`.
func waitUntil(_ what: String, seconds: Double = 10, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(seconds)
    while try !condition() {
        guard Date() < deadline else {
            Issue.record("timed out waiting for \(what)")
            return
        }
        usleep(2_000)
    }
}

extension ClaimOutcome {
    var claimed: ClaimedJob? {
        if case .claimed(let job) = self { job } else { nil }
    }
}
