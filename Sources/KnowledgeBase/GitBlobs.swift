import Git
public import ReviewFormat

extension KnowledgeBase {
    /// The blob shas of files as they are on disk, committed or not (`git hash-object`, read
    /// in-process; works in a repository with no commits), by path. Selection compares gates
    /// by these (SPEC §1).
    public func diskBlobShas(_ paths: [String]) throws -> [PathKey: String] {
        Dictionary(zip(paths.map(PathKey.init), try workTreeBlobIds(paths)), uniquingKeysWith: { first, _ in first })
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

    /// The unified diffs of files from one commit to the work tree (`git diff <commit> --
    /// <path>`), by KB-relative path, made in-process; a file that did not change has no entry.
    public func diffs(since commit: String, paths: [String]) throws -> [PathKey: String] {
        guard !paths.isEmpty else { return [:] }
        guard let id = ObjectID(hex: commit) else { throw KnowledgeBaseError("not a commit id: \(commit)") }
        let opened = try git.opened()
        var diffs: [PathKey: String] = [:]
        do {
            for path in paths {
                let patch = try opened.repository.patch(from: id, path: opened.prefix + Array(path.utf8))
                if !patch.isEmpty { diffs[PathKey(path)] = patch }
            }
        } catch let error as GitError {
            throw KnowledgeBaseError("cannot diff since \(commit): \(error)")
        }
        return diffs
    }
}
