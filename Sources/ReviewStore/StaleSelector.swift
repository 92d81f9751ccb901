import GRDB

/// Why a (note, gate) pair needs a review under a partition.
public enum StaleReason: String, Sendable, Codable {
    /// No acceptance exists for the pair.
    case missingReview = "missing-review"
    /// The newest acceptance was for other gate content.
    case gateChanged = "gate-changed"
    /// The newest acceptance was for other note content.
    case noteChanged = "note-changed"
}

/// A (note, gate) pair with the current content shas to compare against.
public struct StaleCandidate: Sendable, Equatable, Codable {
    public var notePath: String
    public var noteSha: String
    /// The last commit of the note when it is clean (see `NoteProvenance`); not compared.
    public var noteCommit: String?
    public var gateId: String
    public var gateSha: String
    public init(notePath: String, noteSha: String, noteCommit: String? = nil, gateId: String, gateSha: String) {
        self.notePath = notePath
        self.noteSha = noteSha
        self.noteCommit = noteCommit
        self.gateId = gateId
        self.gateSha = gateSha
    }
}

public struct StalePair: Sendable, Equatable, Codable {
    public var candidate: StaleCandidate
    public var reason: StaleReason
    public init(candidate: StaleCandidate, reason: StaleReason) {
        self.candidate = candidate
        self.reason = reason
    }
}

extension ReviewStore {
    /// The candidates that need a review under `modelId`, judged by the newest acceptance
    /// per (note, gate, partition): none → missing-review; other gate sha → gate-changed;
    /// other note sha → note-changed.
    public func stale(modelId: String, candidates: [StaleCandidate]) throws -> [StalePair] {
        let gateIds = Array(Set(candidates.map(\.gateId)))
        guard !gateIds.isEmpty else { return [] }
        let accepted = try pool.read { db in
            var newest: [PairKey: (noteSha: String, gateSha: String)] = [:]
            let placeholders = databaseQuestionMarks(count: gateIds.count)
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT note_path, gate_id, accepted_note_sha, accepted_gate_sha FROM current_gate_acceptances
                    WHERE model_id = ? AND gate_id IN (\(placeholders))
                    """,
                arguments: StatementArguments([modelId] + gateIds))
            while let row = try rows.next() {
                newest[PairKey(row["note_path"], row["gate_id"])] = (row["accepted_note_sha"], row["accepted_gate_sha"])
            }
            return newest
        }
        return candidates.compactMap { candidate in
            guard let acceptance = accepted[PairKey(candidate.notePath, candidate.gateId)] else {
                return StalePair(candidate: candidate, reason: .missingReview)
            }
            if acceptance.gateSha != candidate.gateSha { return StalePair(candidate: candidate, reason: .gateChanged) }
            if acceptance.noteSha != candidate.noteSha { return StalePair(candidate: candidate, reason: .noteChanged) }
            return nil
        }
    }
}
