import Foundation
import Spool

/// Follows the jobs of a spool from directory listings and prints one line per state change
/// (`  1.2s  review kb/notes/tides.md   new → active`), batch jobs of a sweep included.
struct DemoProgress {
    let spool: Spool
    /// What to call the jobs the demo enqueued; other jobs (batches) are named by their id.
    var labels: [String: String]
    private var states: [String: JobState] = [:]
    private let start = Date()

    init(spool: Spool, labels: [String: String]) {
        self.spool = spool
        self.labels = labels
    }

    /// Reads every state directory once and prints what moved since the last call.
    mutating func poll() throws {
        var now: [String: JobState] = [:]
        for state in JobState.allCases {
            for name in try spool.names(in: state) {
                if let id = JobID(fileName: name), now[id.rawValue] == nil { now[id.rawValue] = state }
            }
        }
        for (id, state) in now.sorted(by: { $0.key < $1.key }) where states[id] != state {
            // Every job enters through new/; one claimed before the first look is shown leaving it.
            let before = states[id]?.rawValue ?? (state == .new ? "enqueued" : JobState.new.rawValue)
            let elapsed = String(format: "%5.1fs", Date().timeIntervalSince(start))
            print("  \(elapsed)  \(label(id).padding(toLength: 48, withPad: " ", startingAt: 0))  \(before) → \(state.rawValue)")
        }
        states = now
    }

    /// True once every job the demo enqueued has been seen and no job is unfinished, apart
    /// from any an operator put on hold.
    func settled() throws -> Bool {
        guard labels.keys.allSatisfy({ states[$0] != nil }) else { return false }
        let counts = try spool.counts()
        return JobState.live.allSatisfy { $0 == .hold || (counts[$0] ?? 0) == 0 }
    }

    /// One line of counts, e.g. `done 4, failed 0, …`.
    func summary() throws -> String {
        let counts = try spool.counts()
        return JobState.allCases.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: ", ")
    }

    func label(_ id: String) -> String {
        if let label = labels[id] { return label }
        for (sweep, label) in labels where id.hasPrefix(sweep + "-b") {
            return "  batch \(id.dropFirst(sweep.count + 2)) of \(label.split(separator: " ").prefix(2).joined(separator: " "))"
        }
        return id
    }
}
