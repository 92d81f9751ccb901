import Foundation
public import KnowledgeBase
public import ReviewFormat
public import ReviewStore

/// The actionable findings of one current review.
public struct ReviewFindings: Sendable, Equatable {
    public var note: String
    public var gate: String
    public var decision: Decision
    public var reviewId: Int64
    public var reviewRunId: Int64?
    /// The gate on disk differs from the gate content of the acceptance.
    public var gateChanged: Bool
    /// See ``FindingLines/extract(_:)``.
    public var findings: [String]
}

/// `revq findings`: the current reviews (the newest acceptance per note, gate and partition)
/// whose decision is warn, fail or error, with their finding lines.
public enum FindingsSelection {
    /// `notePaths` and `gateArguments` (gate ids or lens names) narrow the selection when not empty.
    public static func select(
        kb: KnowledgeBase, store: ReviewStore, modelId: String, notePaths: [String], gateArguments: [String]
    ) throws -> [ReviewFindings] {
        // Byte keys: a note's NFC or NFD twin is another note (see `PathKey`).
        let notes = Set(try notePaths.map(kb.notePath).map(PathKey.init))
        let gates = Set(try gateArguments.flatMap(kb.gateIds).map(PathKey.init))
        let reviews = try store.currentReviews(modelId: modelId, decisions: [.warn, .fail, .error]).filter {
            (notes.isEmpty || notes.contains(PathKey($0.notePath))) && (gates.isEmpty || gates.contains(PathKey($0.gateId)))
        }
        let gatePaths = Set(reviews.map { "\(kb.gatesRoot)/\($0.gateId).md" })
        let onDisk = try kb.diskBlobShas(
            gatePaths.filter { FileManager.default.fileExists(atPath: kb.root.appendingPathComponent($0).path) }.sorted())
        return reviews.map { review in
            ReviewFindings(
                note: review.notePath, gate: review.gateId, decision: review.decision, reviewId: review.reviewId,
                reviewRunId: review.reviewRunId,
                gateChanged: onDisk[PathKey("\(kb.gatesRoot)/\(review.gateId).md")] != review.acceptedGateSha,
                findings: FindingLines.extract(review.rationaleMarkdown))
        }
    }
}
