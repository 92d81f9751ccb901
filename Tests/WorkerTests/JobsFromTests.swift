import Foundation
import TestSupport
import Testing

/// `enqueue --jobs-from` gives a job what `enqueue review|sweep` gives it, and a live worker
/// meets a batch's jobs in priority order.
@Suite struct JobsFromTests {
    func jobsFrom(_ h: WorkerHarness, _ lines: [String]) throws -> [String] {
        let result = try Command.run(
            RevqBinary.url.path, ["enqueue", "--jobs-from", "-"], in: h.root, environment: h.environment,
            stdin: lines.joined(separator: "\n") + "\n")
        guard result.status == 0 else { throw TestFailure("jobs-from: \(result.stderr)") }
        return result.stdout.split(separator: "\n").map(String.init)
    }

    @Test func theConfigDefaultsApplyAsForEnqueueReview() throws {
        let h = try WorkerHarness(config: "retry: {max_attempts: 7}\nsweep: {batch_size: 4}")
        defer { h.remove() }
        let review = #"{"version":1,"kind":"review","note":"kb/notes/a.md","gates":["prose"],"runner":"codex","model":"m""#
        let sweep = #"{"version":1,"kind":"sweep","gate":"prose/clarity","select":{"notes":["kb/notes/b.md"]},"runner":"codex","model":"m""#
        let ids = try jobsFrom(h, [review + "}", review + #","max_attempts":3}"#, sweep + "}", sweep + #","batch_size":5}"#])
        let files = try ids.map { try h.jobFile("new", $0) }
        #expect(files.map { $0["max_attempts"] as? Int } == [7, 3, 7, 7])
        #expect(files[2]["batch_size"] as? Int == 4 && files[3]["batch_size"] as? Int == 5)
        let single = try h.enqueue()
        #expect(try h.jobFile("new", single)["max_attempts"] as? Int == 7)
    }

    /// 1,000 priority-1 jobs, then one of priority 9: the worker, watching while they land,
    /// claims the priority-9 job first.
    @Test func aBatchIsClaimedInPriorityOrder() throws {
        let h = try WorkerHarness()
        defer { h.remove() }
        try h.setMode("slow")
        let line = { (priority: Int) in
            #"{"version":1,"kind":"review","note":"kb/notes/b.md","gates":["prose"],"runner":"codex","model":"m","priority":\#(priority)}"#
        }
        try h.withRunningWorker {
            let ids = try jobsFrom(h, Array(repeating: line(1), count: 1_000) + [line(9)])
            #expect(ids.count == 1_001)
            let claimed = { () -> String? in
                let log = (try? String(contentsOf: h.workerLog, encoding: .utf8)) ?? ""
                guard let entry = log.split(separator: "\n").first(where: { $0.contains(#"event="job claimed""#) }) else { return nil }
                return ids.first { entry.contains("job=\($0)") || entry.contains("job=\"\($0)\"") }
            }
            #expect(eventually { claimed() != nil })
            let first = try #require(claimed())
            let state = try #require(["active", "new", "done", "failed"].first { h.files($0).contains(first + ".json") })
            #expect(try h.jobFile(state, first)["priority"] as? Int == 9)
        }
    }
}
