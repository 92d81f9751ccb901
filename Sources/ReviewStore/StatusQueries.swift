import GRDB

extension ReviewStore {
    /// Runs per status, every status present.
    public func runCounts() throws -> [RunStatus: Int] {
        try pool.read { db in
            var counts = Dictionary(uniqueKeysWithValues: RunStatus.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) FROM review_runs GROUP BY status") {
                if let status = RunStatus(rawValue: row[0]) { counts[status] = row[1] }
            }
            return counts
        }
    }

    /// The `started_at` of the running runs of each spool job (a batch's runs share one).
    public func runningRunStarts() throws -> [String: String] {
        try pool.read { db in
            var starts: [String: String] = [:]
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT j.job_id, MIN(r.started_at) FROM review_runs r JOIN revq_job_runs j ON j.review_run_id = r.id
                    WHERE r.status = 'running' GROUP BY j.job_id
                    """)
            for row in rows { starts[row[0]] = row[1] }
            return starts
        }
    }

    /// The partitions that have acceptances, most recently accepted first.
    public func acceptedPartitions(limit: Int) throws -> [String] {
        try pool.read { db in
            try String.fetchAll(
                db, sql: "SELECT model_id FROM acceptance_events GROUP BY model_id ORDER BY MAX(id) DESC LIMIT ?", arguments: [limit])
        }
    }
}
