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
    /// Whether the run has telemetry at all.
    public var hasTelemetry: Bool
    /// The telemetry's `model`.
    public var telemetryModel: String?
    /// The integer counts of the telemetry's `totals`, by key (`input_tokens`, …).
    public var telemetryTotals: [String: Int64]
    /// The whole telemetry, only when its `totals` cannot stand for it: its `requests` name
    /// several models (or it has requests and no totals).
    public var telemetryJSON: String?
    /// The requested gates in ordinal order.
    public var gateIds: [String]
    /// The spool job attempt that made the run; the runs of one sweep batch share it, and
    /// with it one runner call and one telemetry payload.
    public var job: JobAttempt?

    public init(
        id: Int64, notePath: String, modelId: String, runner: String, startedAt: String, status: RunStatus,
        hasTelemetry: Bool, telemetryModel: String?, telemetryTotals: [String: Int64], telemetryJSON: String?, gateIds: [String],
        job: JobAttempt?
    ) {
        self.id = id
        self.notePath = notePath
        self.modelId = modelId
        self.runner = runner
        self.startedAt = startedAt
        self.status = status
        self.hasTelemetry = hasTelemetry
        self.telemetryModel = telemetryModel
        self.telemetryTotals = telemetryTotals
        self.telemetryJSON = telemetryJSON
        self.gateIds = gateIds
        self.job = job
    }
}

extension ReviewStore {
    /// Runs started at or after `since` (all when nil), oldest first. Timestamps carry their
    /// own offset, so the SQL bound is a day-wide margin and the exact cut is made on the parsed time.
    /// `totalsKeys` are the integer fields of the telemetry's `totals` to pull out.
    public func usageRuns(since: Date? = nil, totalsKeys: [String]) throws -> [UsageRun] {
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
            return try Row.fetchAll(db, sql: Self.usageSQL(totalsKeys: totalsKeys), arguments: [margin]).map { row in
                let jobId: String? = row["job_id"]
                var totals: [String: Int64] = [:]
                for key in totalsKeys { totals[key] = row[key] }
                return UsageRun(
                    id: row["id"], notePath: row["note_path"], modelId: row["model_id"], runner: row["runner"],
                    startedAt: row["started_at"], status: RunStatus(rawValue: row["status"]) ?? .failed,
                    hasTelemetry: row["has_telemetry"], telemetryModel: row["telemetry_model"], telemetryTotals: totals,
                    telemetryJSON: row["full_telemetry"], gateIds: gates[row["id"]] ?? [],
                    job: jobId.map { JobAttempt(jobId: $0, attempt: row["attempt"]) })
            }
        }
        guard let since else { return runs }
        return runs.filter { (Timestamp.parse($0.startedAt) ?? .distantPast) >= since }
    }

    /// Runs with their telemetry's model and integer `totals` pulled out by SQLite's JSON
    /// functions, so that the telemetry text is not parsed again in Swift; the whole text only
    /// where `totals` cannot stand for it (requests of several models).
    static func usageSQL(totalsKeys: [String]) -> String {
        // An integer, or a real with no fraction (as the Swift reader takes it); anything else is no count.
        let totals = totalsKeys.map { key in
            let value = "json_extract(telemetry_json, '$.totals.\(key)')"
            return "CASE WHEN NOT valid THEN NULL WHEN json_type(telemetry_json, '$.totals.\(key)') = 'integer' THEN \(value) "
                + "WHEN json_type(telemetry_json, '$.totals.\(key)') = 'real' AND \(value) = CAST(\(value) AS INTEGER) "
                + "THEN CAST(\(value) AS INTEGER) END AS \(key)"
        }
        return """
            WITH runs AS (SELECT *, json_valid(telemetry_json) AS valid FROM review_runs WHERE started_at >= ?)
            SELECT r.id, r.note_path, r.model_id, r.runner, r.started_at, r.status, j.job_id, j.attempt,
                r.telemetry_json IS NOT NULL AS has_telemetry,
                CASE WHEN valid AND json_type(telemetry_json, '$.model') = 'text'
                    THEN json_extract(telemetry_json, '$.model') END AS telemetry_model,
                CASE WHEN valid AND json_array_length(telemetry_json, '$.requests') > 0
                    AND (json_type(telemetry_json, '$.totals') IS NOT 'object'
                        OR (SELECT COUNT(DISTINCT json_extract(value, '$.model')) FROM json_each(telemetry_json, '$.requests')) > 1)
                    THEN telemetry_json END AS full_telemetry,
                \(totals.joined(separator: ",\n    "))
            FROM runs r LEFT JOIN revq_job_runs j ON j.review_run_id = r.id
            ORDER BY r.id
            """
    }
}
