public import Foundation
import GRDB
import RevqTime

/// A run as `revq usage` and the status page read it: who ran what, when, and its telemetry.
public struct UsageRun: Sendable, Equatable {
    public var id: Int64
    public var notePath: String
    /// The requested (or, once finalized, actual) partition.
    public var modelId: String
    public var runner: String
    public var startedAt: String
    public var status: RunStatus
    public var telemetryJSON: String?
    /// The requested gates in ordinal order.
    public var gateIds: [String]
    /// The spool job attempt that made the run; the runs of one sweep batch share it, and
    /// with it one runner call and one telemetry payload.
    public var job: JobAttempt?

    public init(
        id: Int64, notePath: String, modelId: String, runner: String, startedAt: String, status: RunStatus,
        telemetryJSON: String?, gateIds: [String], job: JobAttempt?
    ) {
        self.id = id
        self.notePath = notePath
        self.modelId = modelId
        self.runner = runner
        self.startedAt = startedAt
        self.status = status
        self.telemetryJSON = telemetryJSON
        self.gateIds = gateIds
        self.job = job
    }
}

extension ReviewStore {
    /// Runs started at or after `since` (all when nil), oldest first. Timestamps carry their
    /// own offset, so the SQL bound is a day-wide margin and the exact cut is made on the parsed time.
    public func usageRuns(since: Date? = nil) throws -> [UsageRun] {
        let margin = since.map { Timestamp.format($0.addingTimeInterval(-2 * 86_400)).prefix(10) }.map(String.init) ?? ""
        let runs: [UsageRun] = try pool.read { db in
            var gates: [Int64: [String]] = [:]
            let gateRows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT g.review_run_id, g.gate_id FROM review_run_gates g JOIN review_runs r ON r.id = g.review_run_id
                    WHERE r.started_at >= ? ORDER BY g.review_run_id, g.ordinal
                    """, arguments: [margin])
            while let row = try gateRows.next() { gates[row[0], default: []].append(row[1]) }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT r.id, r.note_path, r.model_id, r.runner, r.started_at, r.status, r.telemetry_json, j.job_id, j.attempt
                    FROM review_runs r LEFT JOIN revq_job_runs j ON j.review_run_id = r.id
                    WHERE r.started_at >= ? ORDER BY r.id
                    """, arguments: [margin]
            ).map { row in
                let jobId: String? = row["job_id"]
                return UsageRun(
                    id: row["id"], notePath: row["note_path"], modelId: row["model_id"], runner: row["runner"],
                    startedAt: row["started_at"], status: RunStatus(rawValue: row["status"]) ?? .failed,
                    telemetryJSON: row["telemetry_json"], gateIds: gates[row["id"]] ?? [],
                    job: jobId.map { JobAttempt(jobId: $0, attempt: row["attempt"]) })
            }
        }
        guard let since else { return runs }
        return runs.filter { (Timestamp.parse($0.startedAt) ?? .distantPast) >= since }
    }
}
