import GRDB
public import ReviewFormat

/// The review behind a pair's current acceptance.
public struct CurrentReview: Sendable, Equatable {
    public var reviewId: Int64
    public var reviewRunId: Int64?
    public var notePath: String
    public var gateId: String
    public var decision: Decision
    public var rationaleMarkdown: String
    /// The gate sha of the current acceptance.
    public var acceptedGateSha: String
}

extension ReviewStore {
    /// The reviews of the current acceptances under a partition whose decision is one of
    /// `decisions`, ordered by note and gate. The review is the one the acceptance points at,
    /// else (its review deleted or never linked) the newest review of the same key, as the
    /// original's findings selector takes it.
    public func currentReviews(modelId: String, decisions: Set<Decision>) throws -> [CurrentReview] {
        try pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT r.id, r.review_run_id, a.note_path, a.gate_id, r.decision, r.rationale_markdown, a.accepted_gate_sha
                    FROM current_gate_acceptances AS a
                    JOIN gate_reviews AS r ON r.id = COALESCE(
                        (SELECT id FROM gate_reviews WHERE id = a.accepted_review_id),
                        (SELECT id FROM gate_reviews AS g WHERE g.note_path = a.note_path AND g.gate_id = a.gate_id
                            AND g.model_id = a.model_id ORDER BY g.reviewed_at DESC, g.id DESC LIMIT 1))
                    WHERE a.model_id = ?
                    ORDER BY a.note_path, a.gate_id
                    """,
                arguments: [modelId])
            return rows.compactMap { row in
                guard let decision = Decision(rawValue: row["decision"]), decisions.contains(decision) else { return nil }
                return CurrentReview(
                    reviewId: row["id"], reviewRunId: row["review_run_id"], notePath: row["note_path"], gateId: row["gate_id"],
                    decision: decision, rationaleMarkdown: row["rationale_markdown"], acceptedGateSha: row["accepted_gate_sha"])
            }
        }
    }
}
