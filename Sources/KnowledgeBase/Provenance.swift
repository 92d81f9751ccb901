import Foundation
import Git

/// Where the reviewed content of a note comes from.
public struct NoteProvenance: Equatable, Sendable {
    /// The blob sha of the reviewed content.
    public let sha: String
    /// The last commit that changed the note; nil when the work-tree file is dirty or untracked.
    public let commit: String?

    public init(sha: String, commit: String?) {
        self.sha = sha
        self.commit = commit
    }
}

extension KnowledgeBase {
    /// Provenance of notes (in the order given) and of gates, read in-process: no git process is
    /// started. With HEAD where the last-commit index is, this is HEAD's tree, the index and one
    /// hash of each work-tree file; after HEAD moved, one walk of the new commits.
    ///
    /// - A clean note gives its committed blob sha and the last commit that changed it
    ///   (`git log -1 --format=%H -- <note>`); a dirty, staged, or untracked one gives
    ///   `git hash-object` of the work-tree file and no commit.
    /// - A gate gives its committed blob sha; a gate with uncommitted changes, or not committed
    ///   at all, is refused because review baselines must come from committed gate content.
    public func provenance(notes: [String], gates: [Gate]) throws -> (notes: [NoteProvenance], gateShas: [String: String]) {
        let files = try fileStates(notes + gates.map(\.path))
        let noteFiles = files.prefix(notes.count)
        var lastCommits: [[UInt8]: ObjectID] = [:]
        if let head = files.first?.head, noteFiles.contains(where: \.isClean) {
            lastCommits = try git.lastCommits(try git.opened(), head: head)
        }
        let noteProvenance = try noteFiles.map { file in
            guard file.isClean, let committed = file.committed else { return NoteProvenance(sha: file.workTree.hex, commit: nil) }
            guard let commit = lastCommits[file.repositoryPath] else {
                throw KnowledgeBaseError("no commit found for \(file.path) in the history of HEAD")
            }
            return NoteProvenance(sha: committed.id.hex, commit: commit.hex)
        }
        var gateShas: [String: String] = [:]
        for (gate, file) in zip(gates, files.dropFirst(notes.count)) {
            guard let committed = file.committed else {
                throw KnowledgeBaseError(
                    "gate is not committed: \(gate.path) (review baselines must come from committed gate content)")
            }
            guard file.isClean else {
                throw KnowledgeBaseError(
                    "gate has uncommitted changes: \(gate.path) (review baselines must come from committed gate content)")
            }
            gateShas[gate.id] = committed.id.hex
        }
        return (noteProvenance, gateShas)
    }

    /// Provenance of notes, in the order given (see ``provenance(notes:gates:)``).
    public func noteProvenance(_ paths: [String]) throws -> [NoteProvenance] {
        try provenance(notes: paths, gates: []).notes
    }

    /// Committed blob shas of gates, by gate id; dirty or uncommitted gates are refused.
    public func gateShas(_ gates: [Gate]) throws -> [String: String] {
        try provenance(notes: [], gates: gates).gateShas
    }

    /// The blob id of each work-tree file, committed or not (`git hash-object <path>`), in order.
    public func workTreeBlobIds(_ paths: [String]) throws -> [String] {
        guard !paths.isEmpty else { return [] }
        let opened = try git.opened()
        do {
            return try paths.map { try opened.repository.workTreeBlobID(path: opened.prefix + Array($0.utf8)).hex }
        } catch let error as GitError {
            throw KnowledgeBaseError("cannot read git state in \(root.path): \(error)")
        }
    }

    /// The last commit that touched each path (`git log -1 --format=%H -- <path>`), in order;
    /// nil for a path that is not in HEAD or lies outside the notes and gates roots.
    public func lastCommits(_ paths: [String]) throws -> [String?] {
        let opened = try git.opened()
        guard let head = try opened.repository.head() else { return paths.map { _ in nil } }
        let commits = try git.lastCommits(opened, head: head)
        return paths.map { commits[opened.prefix + Array($0.utf8)]?.hex }
    }

    /// History walks this knowledge base ran to build its last-commit index (zero while HEAD stays put).
    public var historyWalks: Int { git.historyWalks }

    /// Commits those walks visited, all together: a walk after HEAD moved forward visits only
    /// the new commits.
    public var historyCommitsVisited: Int { git.commitsVisited }

    /// What git knows of one KB file: its entry in HEAD and in the index, and the blob id of the
    /// work-tree file.
    struct FileState {
        let path: String
        let repositoryPath: [UInt8]
        let head: ObjectID?
        let committed: Entry?
        let staged: Entry?
        let workTree: ObjectID
        let workTreeMode: UInt32?

        /// `git status` shows nothing for it: committed, index and work tree all agree.
        var isClean: Bool {
            guard let committed else { return false }
            return staged == committed && workTree == committed.id && (workTreeMode.map { $0 == committed.mode } ?? true)
        }
    }

    func fileStates(_ paths: [String]) throws -> [FileState] {
        guard !paths.isEmpty else { return [] }
        let opened = try git.opened()
        let repository = opened.repository
        let repositoryPaths = paths.map { opened.prefix + Array($0.utf8) }
        do {
            let head = try repository.head()
            let committed = try head.map { try repository.treeEntries(commit: $0, paths: repositoryPaths) } ?? paths.map { _ in nil }
            let staged = try repository.indexEntries(paths: repositoryPaths)
            let tracksMode = try repository.tracksFileMode()
            return try paths.indices.map { index in
                FileState(
                    path: paths[index], repositoryPath: repositoryPaths[index], head: head, committed: committed[index],
                    staged: staged[index], workTree: try repository.workTreeBlobID(path: repositoryPaths[index]),
                    workTreeMode: tracksMode ? workTreeMode(paths[index]) : nil)
            }
        } catch let error as GitError {
            throw KnowledgeBaseError("cannot read git state in \(root.path): \(error)")
        }
    }

    /// The mode git records for a work-tree file when `core.filemode` is on: 100755 when the
    /// owner may execute it, else 100644 (a symlink: 120000).
    private func workTreeMode(_ path: String) -> UInt32? {
        var info = stat()
        guard lstat(url(path).path, &info) == 0 else { return nil }
        if (info.st_mode & S_IFMT) == S_IFLNK { return 0o120000 }
        return (info.st_mode & S_IXUSR) != 0 ? 0o100755 : 0o100644
    }
}
