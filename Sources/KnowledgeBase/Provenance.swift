import Foundation

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
    /// Provenance of notes and gates together, from one batch of git calls (at most five
    /// processes, whatever the count; see ``noteProvenance(_:)`` and ``gateShas(_:)``).
    public func provenance(notes: [String], gates: [Gate]) throws -> (notes: [String: NoteProvenance], gateShas: [String: String]) {
        let state = try gitState(notes + gates.map(\.path), withLastCommit: !notes.isEmpty)
        return (try noteProvenance(notes, state), try gateShas(gates, state))
    }

    /// Provenance of notes (SPEC §1): a clean note gives its committed blob sha and the last
    /// commit that changed it; a dirty or untracked one gives `git hash-object` of the
    /// work-tree file and no commit.
    public func noteProvenance(_ paths: [String]) throws -> [String: NoteProvenance] {
        try provenance(notes: paths, gates: []).notes
    }

    /// Committed blob shas of gates; a gate with uncommitted changes, or not committed at
    /// all, is refused because review baselines must come from committed gate content.
    public func gateShas(_ gates: [Gate]) throws -> [String: String] {
        try provenance(notes: [], gates: gates).gateShas
    }

    func noteProvenance(_ paths: [String], _ state: GitState) throws -> [String: NoteProvenance] {
        var result: [String: NoteProvenance] = [:]
        var hashed: [String] = []
        for path in paths {
            if let sha = state.committed[path], !state.changed.contains(path), let commit = state.lastCommit[path] {
                result[path] = NoteProvenance(sha: sha, commit: commit)
            } else {
                hashed.append(path)
            }
        }
        if !hashed.isEmpty {
            let input = Data(hashed.map { $0 + "\n" }.joined().utf8)
            let shas = String(decoding: try git.run(["hash-object", "--stdin-paths"], input: input), as: UTF8.self)
                .split(separator: "\n").map(String.init)
            guard shas.count == hashed.count else {
                throw KnowledgeBaseError("git hash-object returned \(shas.count) hashes for \(hashed.count) files")
            }
            for (path, sha) in zip(hashed, shas) { result[path] = NoteProvenance(sha: sha, commit: nil) }
        }
        return result
    }

    func gateShas(_ gates: [Gate], _ state: GitState) throws -> [String: String] {
        var shas: [String: String] = [:]
        for gate in gates {
            guard let sha = state.committed[gate.path] else {
                throw KnowledgeBaseError(
                    "gate is not committed: \(gate.path) (review baselines must come from committed gate content)")
            }
            guard !state.changed.contains(gate.path) else {
                throw KnowledgeBaseError(
                    "gate has uncommitted changes: \(gate.path) (review baselines must come from committed gate content)")
            }
            shas[gate.id] = sha
        }
        return shas
    }

    /// What git knows of some KB-relative paths, in a fixed number of git calls.
    struct GitState {
        /// Blob shas in HEAD.
        var committed: [String: String] = [:]
        /// Paths whose work-tree or index content differs from HEAD, or that are untracked.
        var changed: Set<String> = []
        /// The newest commit that changed each committed path.
        var lastCommit: [String: String] = [:]
    }

    func gitState(_ paths: [String], withLastCommit: Bool) throws -> GitState {
        guard !paths.isEmpty else { return GitState() }
        // git prints paths relative to the top of the work tree; the KB root may lie below it.
        let prefix = try git.prefix()
        func kbRelative(_ topRelative: Substring) -> String? {
            topRelative.hasPrefix(prefix) ? String(topRelative.dropFirst(prefix.count)) : nil
        }
        let pathspecs = ["--"] + paths.map { ":(literal)\($0)" }
        var state = GitState()

        let status = try git.run(["status", "--porcelain=v1", "-z", "--no-renames", "--untracked-files=all"] + pathspecs)
        for entry in status.split(separator: 0) where entry.count > 3 {
            if let path = kbRelative(Substring(decoding: entry.dropFirst(3), as: UTF8.self)) { state.changed.insert(path) }
        }

        let hasHead = (try? git.run(["rev-parse", "--verify", "--quiet", "HEAD"])) != nil
        guard hasHead else { return state }
        let tree = try git.run(["ls-tree", "-z", "--full-name", "HEAD"] + pathspecs)
        for entry in tree.split(separator: 0) {
            // "<mode> blob <sha>\t<path>"
            let line = Substring(decoding: entry, as: UTF8.self)
            guard let tab = line.firstIndex(of: "\t") else { continue }
            let fields = line[..<tab].split(separator: " ")
            if fields.count == 3, fields[1] == "blob", let path = kbRelative(line[line.index(after: tab)...]) {
                state.committed[path] = String(fields[2])
            }
        }

        guard withLastCommit, !state.committed.isEmpty else { return state }
        let log = try git.run(["log", "--no-renames", "-z", "--name-only", "--format=%x01%H"] + pathspecs)
        var commit: String?
        for token in log.split(separator: 0) {
            var text = Substring(decoding: token, as: UTF8.self)
            if text.first == "\u{1}" {
                commit = String(text.dropFirst())
                continue
            }
            if text.first == "\n" { text = text.dropFirst() }
            if let commit, let path = kbRelative(text), state.lastCommit[path] == nil { state.lastCommit[path] = commit }
            if state.lastCommit.count == state.committed.count { break }
        }
        return state
    }
}
