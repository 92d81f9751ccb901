public import Foundation
import GRDB
import RevqTime

extension ReviewStore {
    /// Removes the runs that ended before `cutoff` and that nothing current points at, with
    /// their gates, reviews and job links (the schema's cascades); returns their ids, oldest
    /// first. A run is kept while it is running, or while one of its reviews is the newest of
    /// its note, gate and partition, or the one the current acceptance names: `stale`,
    /// `findings` and `runs show` of what matters read the same after a prune. With `dryRun`
    /// nothing is removed.
    public func pruneRuns(endedBefore cutoff: Date, dryRun: Bool = false) throws -> [Int64] {
        let select = """
            SELECT r.id FROM review_runs r
            WHERE r.status != 'running' AND julianday(COALESCE(r.completed_at, r.started_at)) < julianday(?)
              AND NOT EXISTS (
                SELECT 1 FROM gate_reviews g WHERE g.review_run_id = r.id AND (
                  g.id IN (SELECT accepted_review_id FROM current_gate_acceptances WHERE accepted_review_id IS NOT NULL)
                  OR g.id = (SELECT MAX(n.id) FROM gate_reviews n
                             WHERE n.note_path = g.note_path AND n.gate_id = g.gate_id AND n.model_id = g.model_id)))
            ORDER BY r.id
            """
        let arguments: StatementArguments = [Timestamp.format(cutoff)]
        if dryRun { return try pool.read { try Int64.fetchAll($0, sql: select, arguments: arguments) } }
        return try pool.write { db in
            let ids = try Int64.fetchAll(db, sql: select, arguments: arguments)
            let delete = try db.cachedStatement(sql: "DELETE FROM review_runs WHERE id = ?")
            for id in ids { try delete.execute(arguments: [id]) }
            return ids
        }
    }

    /// The ids of the runs still running, queued or not.
    public func runningRunIDs() throws -> Set<Int64> {
        try pool.read { Set(try Int64.fetchAll($0, sql: "SELECT id FROM review_runs WHERE status = 'running'")) }
    }
}
