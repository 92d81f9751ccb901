public import KnowledgeBase
public import ReviewFormat
public import ReviewStore

/// The split review path: an agent starts a run, writes each gate's review, then
/// finalizes. Finalizing stores the canonical bundle and writes the artifacts exactly as a
/// queued review would.
public enum SplitReview {
    /// Records one gate's review text, in canonical form, on a running run; a leading
    /// `<!-- REVIEW-METADATA … -->` block is not part of the review.
    public static func writeGate(store: ReviewStore, run: Int64, gateId: String, text: String) throws -> Decision {
        let text = DecisionParser.removingMetadataBlock(text)
        guard !text.allSatisfy(\.isWhitespace) else { throw ReviewFormatError("empty review body for gate: \(gateId)") }
        let canonical = DecisionParser.canonicalize(text)
        try store.recordGateReview(
            run: run, GateReviewInput(gateId: gateId, decision: canonical.decision, rationaleMarkdown: canonical.text))
        return canonical.decision
    }

    /// Finalizes a run from the reviews already written; throws the refusal or the reason
    /// the run was failed with.
    public static func finalize(store: ReviewStore, kb: KnowledgeBase, run id: Int64, actualModelId: String?) throws -> RunRecord {
        let run = try store.run(id)
        let artifacts = ReviewArtifacts(kb: kb, runId: id)
        var bundle: ExecutionData?
        if run.status == .running {
            let reviews = try store.gateReviews(run: id)
            let markdown = BundleParser.canonicalBundle(
                runId: id, notePath: run.notePath, reviews: reviews.map { ($0.gateId, $0.rationaleMarkdown) })
            bundle = ExecutionData(rawBundleMarkdown: markdown)
            try artifacts.writeBundle(markdown)
        }
        try store.recordAndFinalizeRun(run: id, actualModelId: actualModelId, executionData: bundle)
        try artifacts.writeGateFiles(try store.gateReviews(run: id).map { ($0.gateId, $0.rationaleMarkdown) })
        return try store.run(id)
    }
}
