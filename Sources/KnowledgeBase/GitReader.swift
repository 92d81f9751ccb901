import Foundation
import Git
import Synchronization

/// Where the last-commit index is kept between processes (the review store's
/// `revq_last_commit_index` table), so that the CLI and the worker share one history walk.
/// Both calls are best effort: a failed load walks again, a failed save loses nothing.
public struct LastCommitStorage: Sendable {
    /// The stored index of a scope: the HEAD it was built for and its entries.
    public var load: @Sendable (_ scope: String) -> (head: String, entries: [UInt8])?
    public var save: @Sendable (_ scope: String, _ head: String, _ entries: [UInt8]) -> Void

    public init(
        load: @escaping @Sendable (_ scope: String) -> (head: String, entries: [UInt8])?,
        save: @escaping @Sendable (_ scope: String, _ head: String, _ entries: [UInt8]) -> Void
    ) {
        self.load = load
        self.save = save
    }
}

/// The git side of a knowledge base, read in-process (no git process is started): the
/// repository opened once, the KB root's place in it, and the last-commit index of the notes
/// and gates for the current HEAD.
///
/// The index answers "the last commit that touched this path" for every file of the notes root
/// and the gates root. It is built by one history walk for a HEAD, kept in memory and in
/// ``LastCommitStorage``, and when HEAD moves it is rebuilt from the previous index: chains that
/// reach the previous HEAD take its answers, so a new commit costs a walk of the new commits
/// only (a HEAD that is not a descendant walks further, as far as the answers need).
final class GitReader: Sendable {
    let root: URL
    /// The notes root and the gates root, relative to the KB root.
    let notesRoot: String
    let gatesRoot: String
    let storage: LastCommitStorage?
    private let state = Mutex<State>(State())
    private let walks = Atomic<Int>(0)
    private let visited = Atomic<Int>(0)

    struct State: Sendable {
        var opened: Opened?
        var index: (head: ObjectID, commits: [[UInt8]: ObjectID])?
    }

    /// The repository and the KB root's path below its top (empty, or ending in `/`).
    struct Opened: Sendable {
        let repository: Repository
        let prefix: [UInt8]
    }

    init(root: URL, notesRoot: String, gatesRoot: String, storage: LastCommitStorage?) {
        self.root = root
        self.notesRoot = notesRoot
        self.gatesRoot = gatesRoot
        self.storage = storage
    }

    /// History walks run so far (zero while HEAD stays where the index is).
    var historyWalks: Int { walks.load(ordering: .relaxed) }

    /// Commits those walks visited, all together.
    var commitsVisited: Int { visited.load(ordering: .relaxed) }

    func opened() throws -> Opened {
        try state.withLock { state in
            if let opened = state.opened { return opened }
            let repository: Repository
            do {
                repository = try Repository(discoveringFrom: root.path)
            } catch let error as GitError {
                throw KnowledgeBaseError("not a git work tree: \(root.path) (\(error.message))")
            }
            let resolved =
                (realpath(root.path, nil).map { pointer in
                    defer { free(pointer) }
                    return String(cString: pointer)
                } ?? root.path) + "/"
            guard resolved.hasPrefix(repository.workTree) else {
                throw KnowledgeBaseError("the KB root \(root.path) is not inside the work tree \(repository.workTree)")
            }
            let opened = Opened(repository: repository, prefix: Array(resolved.utf8.dropFirst(repository.workTree.utf8.count)))
            state.opened = opened
            return opened
        }
    }

    /// The last commit of every file of the notes and gates roots at `head`, by repository path.
    func lastCommits(_ opened: Opened, head: ObjectID) throws -> [[UInt8]: ObjectID] {
        try state.withLock { state in
            if let index = state.index, index.head == head { return index.commits }
            let scope = scopeKey(opened)
            var base = state.index
            if let stored = storage?.load(scope), let storedHead = ObjectID(hex: stored.head),
                let commits = Self.decode(stored.entries)
            {
                if storedHead == head {
                    state.index = (head, commits)
                    return commits
                }
                base = base ?? (storedHead, commits)
            }
            let repository = opened.repository
            let paths =
                try repository.blobPaths(head: head, under: opened.prefix + Array(notesRoot.utf8), recursive: false)
                + repository.blobPaths(head: head, under: opened.prefix + Array(gatesRoot.utf8), recursive: true)
            let (commits, visitedNow) = try repository.lastCommits(head: head, paths: paths, known: base)
            walks.add(1, ordering: .relaxed)
            visited.add(visitedNow, ordering: .relaxed)
            state.index = (head, commits)
            storage?.save(scope, head.hex, Self.encode(commits))
            return commits
        }
    }

    /// Names what the index covers: a stored index is used only for the same roots.
    private func scopeKey(_ opened: Opened) -> String {
        let prefix = String(decoding: opened.prefix, as: UTF8.self)
        return "notes=\(prefix)\(notesRoot)\ngates=\(prefix)\(gatesRoot)"
    }

    /// `<path bytes> NUL <40 hex digits>` per entry.
    static func encode(_ commits: [[UInt8]: ObjectID]) -> [UInt8] {
        var bytes: [UInt8] = []
        for (path, commit) in commits { bytes += path + [0] + Array(commit.hex.utf8) }
        return bytes
    }

    static func decode(_ bytes: [UInt8]) -> [[UInt8]: ObjectID]? {
        var commits: [[UInt8]: ObjectID] = [:]
        var index = 0
        while index < bytes.count {
            guard let nul = bytes[index...].firstIndex(of: 0), nul + 41 <= bytes.count else { return nil }
            guard let commit = ObjectID(hex: String(decoding: bytes[(nul + 1)..<(nul + 41)], as: UTF8.self)) else { return nil }
            commits[Array(bytes[index..<nul])] = commit
            index = nul + 41
        }
        return commits
    }
}
