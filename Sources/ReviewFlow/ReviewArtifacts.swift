public import Foundation
public import KnowledgeBase
public import ReviewStore

/// The files of a run under `<kb root>/kb/reports/bundle-reviews/review-run-<id>/`:
/// `bundle-output.md` and, on success, one `<lens>__<name>.md` per gate.
public struct ReviewArtifacts: Sendable {
    public let directory: URL

    public init(kb: KnowledgeBase, runId: Int64) {
        directory = kb.root.appendingPathComponent("kb/reports/bundle-reviews/review-run-\(runId)", isDirectory: true)
    }

    /// Writes the bundle as `bundle-output.md` (each file replaced atomically).
    public func writeBundle(_ markdown: String) throws {
        try write(markdown, to: "bundle-output.md")
    }

    /// Writes one file per recorded gate review.
    public func writeGateFiles(_ reviews: [GateReviewRecord]) throws {
        for review in reviews {
            try write(review.rationaleMarkdown, to: review.gateId.replacingOccurrences(of: "/", with: "__") + ".md")
        }
    }

    func write(_ text: String, to name: String) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: directory.appendingPathComponent(name), options: .atomic)
    }
}
