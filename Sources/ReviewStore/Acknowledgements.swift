import Foundation
import GRDB
public import ReviewFormat
import RevqTime

/// An acknowledgement to append: the pair's current content is accepted on the strength of
/// the review accepted before (SPEC §2: `trivial-change-ack`, written by `revq ack` only).
public struct Acknowledgement: Sendable, Equatable {
    public var notePath: String
    public var gateId: String
    public var noteSha: String
    public var noteCommit: String?
    /// The gate content accepted; nil keeps the one accepted before.
    public var gateSha: String?

    public init(notePath: String, gateId: String, noteSha: String, noteCommit: String?, gateSha: String? = nil) {
        self.notePath = notePath
        self.gateId = gateId
        self.noteSha = noteSha
        self.noteCommit = noteCommit
        self.gateSha = gateSha
    }
}

extension ReviewStore {
    /// The current acceptances under a partition (the newest per note and gate), by (note, gate).
    public func currentAcceptances(modelId: String) throws -> [PairKey: AcceptanceRecord] {
        try pool.read { db in
            var found: [PairKey: AcceptanceRecord] = [:]
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT * FROM acceptance_events
                    WHERE id IN (SELECT MAX(id) FROM acceptance_events WHERE model_id = ? GROUP BY note_path, gate_id)
                    """,
                arguments: [modelId])
            while let row = try rows.next() {
                let acceptance = Self.acceptance(row)
                found[PairKey(acceptance.notePath, acceptance.gateId)] = acceptance
            }
            return found
        }
    }

    /// Appends one `trivial-change-ack` acceptance per acknowledgement, pointing at the review
    /// the pair's current acceptance points at, all in one transaction: a pair without an
    /// acceptance refuses the whole call (`no acceptance to acknowledge: <note> <gate> under <model>`).
    /// Returns the new acceptance ids.
    @discardableResult
    public func acknowledge(_ acknowledgements: [Acknowledgement], modelId: String) throws -> [Int64] {
        try pool.write { db in
            let acceptedAt = Timestamp.format(Date())
            return try acknowledgements.map { ack in
                let current = try Row.fetchOne(
                    db,
                    sql: "SELECT * FROM acceptance_events WHERE note_path = ? AND gate_id = ? AND model_id = ? ORDER BY id DESC LIMIT 1",
                    arguments: [ack.notePath, ack.gateId, modelId]
                ).map(Self.acceptance)
                guard let current else {
                    throw ReviewStoreError.refused("no acceptance to acknowledge: \(ack.notePath) \(ack.gateId) under \(modelId)")
                }
                try db.execute(
                    sql: """
                        INSERT INTO acceptance_events (note_path, gate_id, model_id, accepted_review_id, accepted_note_sha,
                            accepted_note_commit, accepted_gate_sha, accepted_at, acceptance_kind)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'trivial-change-ack')
                        """,
                    arguments: [
                        ack.notePath, ack.gateId, modelId, current.acceptedReviewId, ack.noteSha, ack.noteCommit,
                        ack.gateSha ?? current.acceptedGateSha, acceptedAt,
                    ])
                return db.lastInsertedRowID
            }
        }
    }
}

/// A (note, gate) pair as a dictionary key, compared byte for byte (see ``PathKey``).
public struct PairKey: Hashable, Sendable {
    public let note: PathKey
    public let gate: PathKey
    public init(_ notePath: String, _ gateId: String) {
        note = PathKey(notePath)
        gate = PathKey(gateId)
    }
}
