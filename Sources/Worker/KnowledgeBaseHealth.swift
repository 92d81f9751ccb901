import KnowledgeBase
import Spool

extension WorkerContext {
    /// The knowledge base's fault, when its repository cannot be read now: it cannot be opened,
    /// or its HEAD and the last-commit index cannot be read (git or I/O trouble, such as a work
    /// tree moved away, a damaged repository, too many open files). Nil when it reads.
    func knowledgeBaseFault() -> WorkerFault? {
        do {
            _ = try kb.lastCommits([])
            return nil
        } catch {
            return WorkerFault(.knowledgeBase, "\(error)")
        }
    }
}

extension JobExecutor {
    /// Settles a job whose review could not be resolved against the knowledge base (`error`).
    /// A store or disk fault on the way puts the job back. The knowledge base's errors carry no
    /// cause a caller can match, so the repository is looked at: when it
    /// cannot be read, the failure was the KB's, not the job's, and the job goes back without
    /// spending an attempt while the pool stops claiming (see ``WorkerFault/Kind/knowledgeBase``).
    /// Otherwise the failure is the job's (a missing or unreadable note, bad frontmatter, an
    /// unknown, inapplicable or uncommitted gate) and the job fails for good.
    func settleUnresolved(_ claimed: ClaimedJob, _ error: any Error) throws -> JobEnding {
        if let fault = WorkerFault.classify(error, store: context.store) ?? context.knowledgeBaseFault() { return try settle(claimed, .putBack(fault)) }
        return try settle(claimed, .fail(reason: "\(error)"))
    }
}
