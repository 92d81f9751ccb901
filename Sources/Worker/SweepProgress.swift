public import JSONText
public import ReviewStore
public import Spool

/// Where a sweep stands: its batch jobs in the spool and, from the review store, the notes each
/// has reviewed. Read from directory listings, one job file per batch and the runs linked to
/// each batch job; used by the end-of-sweep stage, `revq status` and `revq spool show`.
public struct SweepProgress: Sendable {
    /// One batch job `<sweep id>-b<k>`.
    public struct Batch: Sendable {
        public let id: JobID
        public let state: JobState
        /// The notes it was given.
        public let notes: [String]
        /// Every run of every attempt, oldest first.
        public let runs: [RunRecord]

        /// Done or failed: it will not run again by itself.
        public var hasEnded: Bool { state == .done || state == .failed }
        /// Each note's newest run.
        public var lastRuns: [RunRecord] {
            notes.compactMap { note in runs.last { $0.notePath == note } }
        }
        /// Notes whose newest run is completed.
        public var reviewed: Int { lastRuns.filter { $0.status == .completed }.count }
    }

    public let sweep: JobID
    public let batches: [Batch]

    /// Reads the batches of `sweep`; without a store (none exists yet) no run is known.
    public init(sweep: JobID, spool: Spool, store: ReviewStore?) throws {
        self.sweep = sweep
        batches = try spool.batches(of: sweep).map { batch in
            var notes: [String] = []
            if case .sweep(_, .batch(_, let batchNotes), _)? = try spool.find(batch.id.rawValue)?.job?.work { notes = batchNotes }
            let runs = try store?.runs(forJob: batch.id.rawValue).map(\.run) ?? []
            return Batch(id: batch.id, state: batch.state, notes: notes, runs: runs)
        }
    }

    public var notes: Int { batches.reduce(0) { $0 + $1.notes.count } }
    public var reviewed: Int { batches.reduce(0) { $0 + $1.reviewed } }
    /// Notes of ended batches without a completed review.
    public var failed: Int { batches.filter(\.hasEnded).reduce(0) { $0 + $1.notes.count - $1.reviewed } }
    public var endedBatches: Int { batches.filter(\.hasEnded).count }
    /// Every batch has ended (true for a sweep without batches).
    public var isComplete: Bool { batches.allSatisfy(\.hasEnded) }
    /// Each note's newest run, batch by batch.
    public var lastRunIDs: [Int64] { batches.flatMap(\.lastRuns).map(\.id) }

    /// `batches 2/3, notes reviewed 5/7, failed 0`.
    public var summary: String {
        "batches \(endedBatches)/\(batches.count), notes reviewed \(reviewed)/\(notes), failed \(failed)"
    }

    /// The batches as JSON: id, state, notes, reviewed.
    public var batchesJSON: JSONValue {
        .array(
            batches.map { batch in
                .object([
                    ("id", .string(batch.id.rawValue)), ("state", .string(batch.state.rawValue)),
                    ("notes", .integer(batch.notes.count)), ("reviewed", .integer(batch.reviewed)),
                ])
            })
    }

    /// The progress as JSON (for `status --json` and `spool show --json`).
    public var jsonValue: JSONValue {
        .object([
            ("id", .string(sweep.rawValue)), ("batches_total", .integer(batches.count)), ("batches_ended", .integer(endedBatches)),
            ("notes", .integer(notes)),
            ("reviewed", .integer(reviewed)), ("failed", .integer(failed)), ("batches", batchesJSON),
        ])
    }
}
