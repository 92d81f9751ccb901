import Git

extension KnowledgeBase {
    /// The blob shas of files as they are on disk, committed or not (`git hash-object`, read
    /// in-process; works in a repository with no commits), by path. Selection compares gates
    /// by these (SPEC §1).
    public func diskBlobShas(_ paths: [String]) throws -> [String: String] {
        Dictionary(zip(paths, try workTreeBlobIds(paths)), uniquingKeysWith: { first, _ in first })
    }

    /// The contents of git blobs by sha, read in-process; a sha git does not have, or a blob
    /// that is not UTF-8, is left out.
    public func blobTexts(_ shas: [String]) throws -> [String: String] {
        let ids = Set(shas).compactMap(ObjectID.init(hex:))
        guard !ids.isEmpty else { return [:] }
        var texts: [String: String] = [:]
        for (id, bytes) in try git.opened().repository.blobContents(ids) {
            if let text = String(validating: bytes, as: UTF8.self) { texts[id.hex] = text }
        }
        return texts
    }

    /// `git diff <commit> -- <path>`: the unified diff of a file from a commit to the work tree,
    /// made in-process.
    public func diff(since commit: String, path: String) throws -> String {
        guard let id = ObjectID(hex: commit) else { throw KnowledgeBaseError("not a commit id: \(commit)") }
        let opened = try git.opened()
        do {
            return try opened.repository.patch(from: id, path: opened.prefix + Array(path.utf8))
        } catch let error as GitError {
            throw KnowledgeBaseError("cannot diff \(path) since \(commit): \(error)")
        }
    }
}
