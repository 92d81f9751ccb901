public import KnowledgeBase
public import ReviewStore

extension LastCommitStorage {
    /// Keeps the knowledge base's last-commit index in the review store's own table.
    public init(store: ReviewStore) {
        self.init(
            load: { store.lastCommitIndex(scope: $0) },
            save: { store.saveLastCommitIndex(scope: $0, head: $1, entries: $2) })
    }
}

extension KnowledgeBase {
    /// The same knowledge base with its last-commit index kept in `store`.
    public func sharingLastCommits(with store: ReviewStore) -> KnowledgeBase {
        KnowledgeBase(root: root, notesRoot: notesRoot, gatesRoot: gatesRoot, lastCommitStorage: LastCommitStorage(store: store))
    }
}
