import GRDB

extension ReviewStore {
    /// The `running` runs made for spool jobs, with their job ids, oldest first: the runs a
    /// worker's reconciler checks for a live job.
    public func runningJobRuns() throws -> [(runId: Int64, jobId: String)] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT r.id, j.job_id FROM review_runs r JOIN revq_job_runs j ON j.review_run_id = r.id
                    WHERE r.status = 'running' ORDER BY r.id
                    """
            ).map { ($0[0], $0[1]) }
        }
    }
}
