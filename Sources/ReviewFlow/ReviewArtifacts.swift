public import Foundation
public import KnowledgeBase
public import ReviewStore

/// The files of a run under `<kb root>/kb/reports/bundle-reviews/review-run-<id>/`:
/// `bundle-output.md` and, on success, one `<lens>__<name>.md` per gate.
///
/// Every artifact can be rebuilt from the store (the run's `raw_bundle_markdown` and its gate
/// reviews), so none is fsynced: each file is written beside its target and renamed over it, so
/// a reader sees the old or the new file whole, and a crash can at worst lose a copy.
public struct ReviewArtifacts: Sendable {
    public let directory: URL

    public init(kb: KnowledgeBase, runId: Int64) {
        directory = kb.root.appendingPathComponent("kb/reports/bundle-reviews/review-run-\(runId)", isDirectory: true)
    }

    /// Writes the bundle as `bundle-output.md`.
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
        let target = directory.appendingPathComponent(name)
        let partial = directory.appendingPathComponent(".\(name).partial")
        try Data(text.utf8).write(to: partial)  // no `.atomic`: Foundation's atomic write fsyncs
        guard rename(partial.path, target.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target.path])
        }
    }
}
