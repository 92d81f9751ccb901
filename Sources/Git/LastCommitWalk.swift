import CGit2
import Glibc

/// "The last commit that touched this path", exactly as `git log -1 --format=%H -- <path>`
/// answers it, for many paths in one walk.
///
/// git's default history simplification makes that answer a chain: from a commit C, if the
/// path's entry (id and mode) in C equals its entry in some parent, git follows only the first
/// such parent (a TREESAME merge hides its other parents); otherwise C changed the path and is
/// the answer. A root commit is the answer when it holds the path. So the walk keeps, for each
/// commit reached, the paths whose chain is there, visits commits newest first so that chains
/// meeting in one commit are handled together, and stops a chain at `known.head`, whose answers
/// it already has.
struct LastCommitWalk {
    let repository: OpaquePointer
    /// Answers already known for one commit (the index of an earlier HEAD).
    let known: (head: ObjectID, commits: [[UInt8]: ObjectID])?

    /// Commits visited, for tests and benchmarks.
    private(set) var visited = 0

    /// The last commit of each path of `paths`, all of which must exist in `head`.
    mutating func run(from head: ObjectID, paths: [[UInt8]]) throws -> [[UInt8]: ObjectID] {
        var result: [[UInt8]: ObjectID] = [:]
        var pending: [ObjectID: (time: Int64, paths: [[UInt8]])] = [:]
        pending[head] = (try commitTime(head), paths)
        while let next = pending.max(by: { $0.value.time < $1.value.time }) {
            pending[next.key] = nil
            let commit = next.key
            var chains = next.value.paths
            if let known, known.head == commit {
                chains.removeAll { path in
                    guard let answer = known.commits[path] else { return false }
                    result[path] = answer
                    return true
                }
                if chains.isEmpty { continue }
            }
            visited += 1
            for (parent, moved) in try follow(commit, chains, resolved: &result) {
                if let existing = pending[parent] {
                    pending[parent] = (existing.time, existing.paths + moved)
                } else {
                    pending[parent] = (try commitTime(parent), moved)
                }
            }
        }
        return result
    }

    /// Moves each path to the first parent whose entry equals the commit's, or answers it with
    /// the commit itself. Paths are grouped by directory: one comparison of directory ids
    /// settles every path of a directory that a parent left alone, and the others are looked up
    /// by name in the two directory trees.
    private func follow(_ commit: ObjectID, _ paths: [[UInt8]], resolved: inout [[UInt8]: ObjectID]) throws -> [(ObjectID, [[UInt8]])] {
        let parents = try parentIDs(commit)
        let tree = try Repository.tree(of: commit, in: repository)
        defer { git_tree_free(tree) }
        var remaining = Dictionary(grouping: paths, by: Self.directory)
        var moves: [(ObjectID, [[UInt8]])] = []
        for parent in parents where !remaining.isEmpty {
            let parentTree = try Repository.tree(of: parent, in: repository)
            defer { git_tree_free(parentTree) }
            var moved: [[UInt8]] = []
            for (directory, group) in remaining {
                let mine = try DirectoryTree(tree, directory, repository)
                let theirs = try DirectoryTree(parentTree, directory, repository)
                let (same, changed): ([[UInt8]], [[UInt8]])
                if let id = mine.id, id == theirs.id {
                    (same, changed) = (group, [])
                } else {
                    let equal = group.map { mine.entry($0) == theirs.entry($0) }
                    same = zip(group, equal).filter(\.1).map(\.0)
                    changed = zip(group, equal).filter { !$0.1 }.map(\.0)
                }
                moved += same
                remaining[directory] = changed.isEmpty ? nil : changed
            }
            if !moved.isEmpty { moves.append((parent, moved)) }
        }
        for path in remaining.values.joined() { resolved[path] = commit }
        return moves
    }

    private func parentIDs(_ commit: ObjectID) throws -> [ObjectID] {
        try withCommit(commit) { object in
            (0..<git_commit_parentcount(object)).map { ObjectID(git_commit_parent_id(object, $0).pointee) }
        }
    }

    private func commitTime(_ commit: ObjectID) throws -> Int64 {
        try withCommit(commit) { git_commit_time($0) }
    }

    private func withCommit<T>(_ commit: ObjectID, _ body: (OpaquePointer) -> T) throws -> T {
        var object: OpaquePointer?
        var oid = commit.oid
        let status = git_commit_lookup(&object, repository, &oid)
        guard status == 0, let object else { throw GitError.last("read commit \(commit)", status) }
        defer { git_commit_free(object) }
        return body(object)
    }

    /// The entry at `path` in `tree` (the tree itself for an empty path); nil when absent.
    static func entry(_ tree: OpaquePointer, _ path: [UInt8]) -> Entry? {
        if path.isEmpty { return Entry(id: ObjectID(git_tree_id(tree).pointee), mode: 0o040000) }
        var entry: OpaquePointer?
        guard Repository.withCString(path, { git_tree_entry_bypath(&entry, tree, $0) }) == 0, let entry else { return nil }
        defer { git_tree_entry_free(entry) }
        return Repository.entry(entry)
    }

    /// The directory part of a path (empty at the top).
    static func directory(_ path: [UInt8]) -> [UInt8] {
        guard let slash = path.lastIndex(of: UInt8(ascii: "/")) else { return [] }
        return Array(path[..<slash])
    }
}

extension Repository {
    /// The last commit that touched each of `paths` (present in `head`), as
    /// `git log -1 --format=%H -- <path>` gives it; chains that reach `known.head` take its
    /// answers. Returns the answers and the number of commits visited.
    package func lastCommits(
        head: ObjectID, paths: [[UInt8]], known: (head: ObjectID, commits: [[UInt8]: ObjectID])?
    ) throws -> (commits: [[UInt8]: ObjectID], visited: Int) {
        try withHandle { repository in
            var walk = LastCommitWalk(repository: repository, known: known)
            let commits = try walk.run(from: head, paths: paths)
            return (commits, walk.visited)
        }
    }

    /// Every blob path of `head` under `directory` (`recursive`: in subdirectories too).
    package func blobPaths(head: ObjectID, under directory: [UInt8], recursive: Bool) throws -> [[UInt8]] {
        try withHandle { repository in
            let root = try Self.tree(of: head, in: repository)
            defer { git_tree_free(root) }
            var paths: [[UInt8]] = []
            try Self.collect(root, at: directory, recursive: recursive, in: repository, into: &paths)
            return paths
        }
    }

    private static func collect(
        _ root: OpaquePointer, at directory: [UInt8], recursive: Bool, in repository: OpaquePointer, into paths: inout [[UInt8]]
    ) throws {
        guard let entry = LastCommitWalk.entry(root, directory), entry.mode == 0o040000 else { return }
        var tree: OpaquePointer?
        var oid = entry.id.oid
        let status = git_tree_lookup(&tree, repository, &oid)
        guard status == 0, let tree else { throw GitError.last("read tree \(entry.id)", status) }
        defer { git_tree_free(tree) }
        let prefix = directory.isEmpty ? [] : directory + [UInt8(ascii: "/")]
        for index in 0..<git_tree_entrycount(tree) {
            guard let child = git_tree_entry_byindex(tree, index) else { continue }
            let name = DirectoryTree.name(of: child)
            switch git_tree_entry_type(child) {
            case GIT_OBJECT_BLOB: paths.append(prefix + name)
            case GIT_OBJECT_TREE where recursive: try collect(root, at: prefix + name, recursive: true, in: repository, into: &paths)
            default: break
            }
        }
    }
}

/// One directory of a commit's tree, loaded once so that its entries are found by name.
struct DirectoryTree: ~Copyable {
    /// The directory's tree id; nil when the commit has no such directory.
    let id: ObjectID?
    private let tree: OpaquePointer?

    init(_ root: OpaquePointer, _ directory: [UInt8], _ repository: OpaquePointer) throws {
        (id, tree) = try Self.load(root, directory, repository)
    }

    private static func load(_ root: OpaquePointer, _ directory: [UInt8], _ repository: OpaquePointer) throws -> (ObjectID?, OpaquePointer?) {
        guard !directory.isEmpty else {
            var copy: OpaquePointer?
            guard git_tree_dup(&copy, root) == 0 else { throw GitError.last("copy a tree", -1) }
            return (ObjectID(git_tree_id(root).pointee), copy)
        }
        guard let entry = LastCommitWalk.entry(root, directory), entry.mode == 0o040000 else { return (nil, nil) }
        var loaded: OpaquePointer?
        var oid = entry.id.oid
        let status = git_tree_lookup(&loaded, repository, &oid)
        guard status == 0 else { throw GitError.last("read tree \(entry.id)", status) }
        return (entry.id, loaded)
    }

    deinit { if let tree { git_tree_free(tree) } }

    /// The entry of `path`'s last component in this directory.
    func entry(_ path: [UInt8]) -> Entry? {
        guard let tree else { return nil }
        let slash = path.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 } ?? 0
        guard let found = Repository.withCString(Array(path[slash...]), { git_tree_entry_byname(tree, $0) }) else { return nil }
        return Repository.entry(found)
    }

    /// A tree entry's name as the bytes git stores.
    static func name(of entry: OpaquePointer) -> [UInt8] {
        let name = git_tree_entry_name(entry)!
        return Array(UnsafeRawBufferPointer(start: name, count: strlen(name)))
    }
}
