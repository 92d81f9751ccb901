extension KnowledgeBase {
    /// The blob shas of files as they are on disk, committed or not (`git hash-object`, read
    /// in-process; works in a repository with no commits), by path. Selection compares gates
    /// by these (SPEC §1).
    public func diskBlobShas(_ paths: [String]) throws -> [String: String] {
        Dictionary(zip(paths, try workTreeBlobIds(paths)), uniquingKeysWith: { first, _ in first })
    }
}
