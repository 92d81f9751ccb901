import CGit2
import Glibc
import Synchronization

/// A failed libgit2 call: which operation and libgit2's own message.
package struct GitError: Error, Equatable, Sendable, CustomStringConvertible {
    package let operation: String
    package let code: Int32
    package let message: String

    package var description: String { "\(operation): \(message)" }

    /// The error of the last libgit2 call on this thread.
    static func last(_ operation: String, _ code: Int32) -> GitError {
        let message = git_error_last().map { String(cString: $0.pointee.message) } ?? "libgit2 error \(code)"
        return GitError(operation: operation, code: code, message: message)
    }
}

/// A git repository read in-process through libgit2: HEAD, tree entries, the index, work-tree
/// blob ids and commits. No call starts a process.
///
/// Paths are bytes relative to the top of the work tree (git compares names byte for byte).
/// A libgit2 repository handle must not be used by two threads at once, so every call holds
/// one lock; the handle lives as long as this object.
package final class Repository: Sendable {
    /// The top of the work tree, resolved (`realpath`), ending in `/`.
    package let workTree: String
    private let handle: Mutex<Handle>

    /// The raw handle; only touched with the lock held.
    struct Handle: @unchecked Sendable {
        let repository: OpaquePointer
    }

    private static let initialized: Bool = {
        git_libgit2_init()
        return true
    }()

    /// Opens the repository whose work tree holds `path` (searching upward, like git does).
    package init(discoveringFrom path: String) throws {
        _ = Self.initialized
        var repository: OpaquePointer?
        let status = git_repository_open_ext(&repository, path, 0, nil)
        guard status == 0, let repository else { throw GitError.last("open repository at \(path)", status) }
        guard let workdir = git_repository_workdir(repository) else {
            git_repository_free(repository)
            throw GitError(operation: "open repository at \(path)", code: -1, message: "a bare repository has no work tree")
        }
        let resolved =
            realpath(workdir, nil).map { pointer in
                defer { free(pointer) }
                return String(cString: pointer)
            } ?? String(cString: workdir)
        workTree = resolved.hasSuffix("/") ? resolved : resolved + "/"
        handle = Mutex(Handle(repository: repository))
    }

    deinit {
        handle.withLock { git_repository_free($0.repository) }
    }

    /// Runs `body` with the handle, holding the lock.
    func withHandle<T>(_ body: (OpaquePointer) throws -> T) rethrows -> T {
        try handle.withLock { try body($0.repository) }
    }

    /// The commit HEAD points at, through any symbolic refs and packed refs; nil when HEAD is an
    /// unborn branch (a repository with no commits).
    package func head() throws -> ObjectID? {
        try withHandle { repository in
            var oid = git_oid()
            let status = git_reference_name_to_id(&oid, repository, "HEAD")
            if status == GIT_ENOTFOUND.rawValue || status == GIT_EUNBORNBRANCH.rawValue { return nil }
            guard status == 0 else { throw GitError.last("resolve HEAD", status) }
            return ObjectID(oid)
        }
    }

    /// The entries of `paths` in the tree of `commit` (nil where a path is absent).
    package func treeEntries(commit: ObjectID, paths: [[UInt8]]) throws -> [Entry?] {
        try withHandle { repository in
            let tree = try Self.tree(of: commit, in: repository)
            defer { git_tree_free(tree) }
            return paths.map { path in
                var entry: OpaquePointer?
                guard Self.withCString(path, { git_tree_entry_bypath(&entry, tree, $0) }) == 0, let entry else { return nil }
                defer { git_tree_entry_free(entry) }
                return Self.entry(entry)
            }
        }
    }

    /// The stage-0 entries of `paths` in the index, re-read when the index file changed on disk
    /// (nil where a path is not in the index or is in conflict).
    package func indexEntries(paths: [[UInt8]]) throws -> [Entry?] {
        try withHandle { repository in
            var index: OpaquePointer?
            let status = git_repository_index(&index, repository)
            guard status == 0, let index else { throw GitError.last("open the index", status) }
            defer { git_index_free(index) }
            let read = git_index_read(index, 0)
            guard read == 0 else { throw GitError.last("read the index", read) }
            return paths.map { path in
                guard let entry = Self.withCString(path, { git_index_get_bypath(index, $0, 0) }) else { return nil }
                return Entry(id: ObjectID(entry.pointee.id), mode: entry.pointee.mode)
            }
        }
    }

    /// The blob id git would give the work-tree file at `path` (`git hash-object <path>`): its
    /// bytes after the repository's clean filters (`.gitattributes`, `core.autocrlf`), hashed
    /// as `blob <size>\0<bytes>`.
    package func workTreeBlobID(path: [UInt8]) throws -> ObjectID {
        try withHandle { repository in
            var oid = git_oid()
            let status = Self.withCString(Array(workTree.utf8) + path) { git_repository_hashfile(&oid, repository, $0, GIT_OBJECT_BLOB, nil) }
            guard status == 0 else { throw GitError.last("hash \(String(decoding: path, as: UTF8.self))", status) }
            return ObjectID(oid)
        }
    }

    /// `core.filemode`: whether git compares the executable bit of work-tree files (default true).
    package func tracksFileMode() throws -> Bool {
        try withHandle { repository in
            var config: OpaquePointer?
            let status = git_repository_config_snapshot(&config, repository)
            guard status == 0, let config else { throw GitError.last("read the config", status) }
            defer { git_config_free(config) }
            var value: Int32 = 1
            return git_config_get_bool(&value, config, "core.filemode") != 0 || value != 0
        }
    }

    // MARK: Helpers for calls made with the lock held

    static func tree(of commit: ObjectID, in repository: OpaquePointer) throws -> OpaquePointer {
        var commitObject: OpaquePointer?
        var oid = commit.oid
        let status = git_commit_lookup(&commitObject, repository, &oid)
        guard status == 0, let commitObject else { throw GitError.last("read commit \(commit)", status) }
        defer { git_commit_free(commitObject) }
        var tree: OpaquePointer?
        let treeStatus = git_commit_tree(&tree, commitObject)
        guard treeStatus == 0, let tree else { throw GitError.last("read the tree of \(commit)", treeStatus) }
        return tree
    }

    static func entry(_ entry: OpaquePointer) -> Entry {
        Entry(id: ObjectID(git_tree_entry_id(entry).pointee), mode: git_tree_entry_filemode(entry).rawValue)
    }

    /// Calls `body` with `bytes` as a NUL-terminated C string.
    static func withCString<T>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) throws -> T) rethrows -> T {
        try (bytes + [0]).withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }
        }
    }
}
