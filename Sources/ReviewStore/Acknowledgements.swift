import Foundation
import GRDB
import RevqTime

/// A row of the view `current_gate_acceptances`: the newest acceptance of a (note, gate,
/// partition) key.
public struct CurrentAcceptance: Sendable, Equatable, Codable {
    public var notePath: String
    public var gateId: String
    public var modelId: String
    public var acceptedReviewId: Int64?
    public var acceptedNoteSha: String
    public var acceptedNoteCommit: String?
    public var acceptedGateSha: String
    public var acceptedAt: String
    public var acceptanceKind: String

    init(row: Row) {
        notePath = row["note_path"]
        gateId = row["gate_id"]
        modelId = row["model_id"]
        acceptedReviewId = row["accepted_review_id"]
        acceptedNoteSha = row["accepted_note_sha"]
        acceptedNoteCommit = row["accepted_note_commit"]
        acceptedGateSha = row["accepted_gate_sha"]
        acceptedAt = row["accepted_at"]
        acceptanceKind = row["acceptance_kind"]
    }
}

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
    /// The current acceptances under a partition, by (note, gate).
    public func currentAcceptances(modelId: String) throws -> [PairKey: CurrentAcceptance] {
        try pool.read { db in
            var found: [PairKey: CurrentAcceptance] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM current_gate_acceptances WHERE model_id = ?", arguments: [modelId])
            while let row = try rows.next() {
                let acceptance = CurrentAcceptance(row: row)
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
                    db, sql: "SELECT * FROM current_gate_acceptances WHERE note_path = ? AND gate_id = ? AND model_id = ?",
                    arguments: [ack.notePath, ack.gateId, modelId]
                ).map(CurrentAcceptance.init(row:))
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

/// A (note, gate) pair as a dictionary key.
public struct PairKey: Hashable, Sendable {
    public var notePath: String
    public var gateId: String
    public init(_ notePath: String, _ gateId: String) {
        self.notePath = notePath
        self.gateId = gateId
    }
}
