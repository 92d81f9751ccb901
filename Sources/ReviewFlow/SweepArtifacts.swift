public import Foundation
public import KnowledgeBase

extension ReviewArtifacts {
    /// The files of one attempt of a sweep batch, `<kb root>/kb/reports/bundle-reviews/sweep-<batch id>-attempt-<n>/`:
    /// the runner's own files and, when the batch's output does not parse, that raw output as
    /// `bundle-output.md` (each note's canonical bundle and gate file go to its run's directory).
    public init(kb: KnowledgeBase, sweepBatch batchId: String, attempt: Int) {
        directory = kb.root.appendingPathComponent("kb/reports/bundle-reviews/sweep-\(batchId)-attempt-\(attempt)", isDirectory: true)
    }
}
