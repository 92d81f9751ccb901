import Foundation
import KnowledgeBase
import TestSupport
import Testing

/// Every provenance value read in-process is compared with what git itself prints, on
/// repositories shaped to catch the hard cases: merges (one changing a note that neither parent
/// changed), renames, a file deleted and re-added, staged-but-uncommitted files, a detached
/// HEAD, packed refs, a linked worktree and a KB below the top of its repository.
@Suite struct GitExactnessTests {
    /// A git repository in a temporary directory with a KB at `kb` below its top.
    struct Repo {
        let directory: TemporaryDirectory
        let kb: String
        var top: URL { directory.url }
        var kbRoot: URL { kb.isEmpty ? top : top.appendingPathComponent(kb) }

        init(kb: String = "") throws {
            directory = try TemporaryDirectory("revq-exact")
            self.kb = kb
            try git(["init", "-q", "-b", "main"])
            try git(["config", "user.email", "t@revq.invalid"])
            try git(["config", "user.name", "t"])
        }

        /// Runs git at the top; `date` sets both author and committer dates (seconds since 1970).
        @discardableResult
        func git(_ arguments: [String], date: Int? = nil, in directory: URL? = nil) throws -> String {
            var environment = ProcessInfo.processInfo.environment
            if let date {
                (environment["GIT_AUTHOR_DATE"], environment["GIT_COMMITTER_DATE"]) = (
                    "@\(1_700_000_000 + date) +0000", "@\(1_700_000_000 + date) +0000"
                )
            }
            let result = try Command.run("/usr/bin/env", ["git"] + arguments, in: directory ?? top, environment: environment)
            guard result.status == 0 else { throw TestFailure("git \(arguments.joined(separator: " ")): \(result.stderr)") }
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func write(_ kbPath: String, _ text: String) throws { try directory.write(kb.isEmpty ? kbPath : "\(kb)/\(kbPath)", text) }

        func commit(_ message: String, date: Int? = nil) throws {
            try git(["add", "-A"])
            try git(["commit", "-q", "--allow-empty", "-m", message], date: date)
        }

        func remove() { directory.remove() }
    }

    static func note(_ body: String) -> String { "---\ntitle: T\n---\n\(body)\n" }

    /// Compares the provenance of every note and gate file with git's own answers, run in
    /// `workTree`: the KB root (git reads pathspecs relative to it) of the tree checked out.
    func expectExact(_ kb: KnowledgeBase, workTree: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let notes = try kb.notePaths()
        #expect(!notes.isEmpty, sourceLocation: sourceLocation)
        let provenance = try kb.noteProvenance(notes)
        func git(_ arguments: [String]) throws -> String {
            try Command.git(arguments, in: workTree).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        for (path, value) in zip(notes, provenance) {
            let clean = try git(["status", "--porcelain", "--untracked-files=all", "--", path]).isEmpty
            #expect((value.commit == nil) == !clean, "dirty or uncommitted as git status says: \(path)", sourceLocation: sourceLocation)
            let expected =
                clean
                ? NoteProvenance(sha: try git(["rev-parse", "HEAD:./\(path)"]), commit: try git(["log", "-1", "--format=%H", "--", path]))
                : NoteProvenance(sha: try git(["hash-object", path]), commit: nil)
            #expect(value == expected, "\(path)", sourceLocation: sourceLocation)
            #expect(try kb.workTreeBlobIds([path]) == [try git(["hash-object", path])], sourceLocation: sourceLocation)
        }
        let gatePaths = try FileManager.default.subpathsOfDirectory(atPath: kb.root.appendingPathComponent(kb.gatesRoot).path)
            .filter { $0.hasSuffix(".md") }.map { "\(kb.gatesRoot)/\($0)" }
        let committed = try gatePaths.filter { try !git(["ls-tree", "--name-only", "HEAD", "--", $0]).isEmpty }
        let lastCommits = try kb.lastCommits(committed)
        for (path, commit) in zip(committed, lastCommits) {
            #expect(commit == (try git(["log", "-1", "--format=%H", "--", path])), "\(path)", sourceLocation: sourceLocation)
        }
        try expectGatesExact(kb, paths: gatePaths, git: git, sourceLocation: sourceLocation)
    }

    /// A gate's sha for a review is `git rev-parse HEAD:<path>` when `git status` shows nothing
    /// for it; one not in HEAD is refused as not committed, one that `git status` lists as
    /// uncommitted changes. Its sha for selection is `git hash-object` of the file on disk.
    func expectGatesExact(
        _ kb: KnowledgeBase, paths: [String], git: ([String]) throws -> String, sourceLocation: SourceLocation
    ) throws {
        for path in paths {
            let gate = try kb.gate(String(path.dropFirst(kb.gatesRoot.count + 1).dropLast(3)))
            let inHead = try !git(["ls-tree", "--name-only", "HEAD", "--", path]).isEmpty
            let clean = try git(["status", "--porcelain", "--untracked-files=all", "--", path]).isEmpty
            let review = { try kb.gateShas([gate])[gate.id] }
            if !inHead {
                let error = "gate is not committed: \(path) (review baselines must come from committed gate content)"
                #expect(throws: KnowledgeBaseError(error), "\(path)", sourceLocation: sourceLocation) { try review() }
            } else if !clean {
                let error = "gate has uncommitted changes: \(path) (review baselines must come from committed gate content)"
                #expect(throws: KnowledgeBaseError(error), "\(path)", sourceLocation: sourceLocation) { try review() }
            } else {
                #expect(try review() == (try git(["rev-parse", "HEAD:./\(path)"])), "\(path)", sourceLocation: sourceLocation)
            }
            #expect(
                try kb.diskBlobShas([path]).values.first == (try git(["hash-object", path])), "\(path)", sourceLocation: sourceLocation)
        }
    }

    @Test func mergesFollowGitsHistorySimplification() throws {
        let repo = try Repo()
        defer { repo.remove() }
        for name in ["ours", "theirs", "evil", "both", "plain"] { try repo.write("kb/notes/\(name).md", Self.note("base \(name)")) }
        try repo.write("kb/instructions/review-gates/prose/g.md", "---\n---\ngate\n")
        try repo.commit("base", date: 1_000)
        try repo.git(["checkout", "-q", "-b", "side"])
        try repo.write("kb/notes/theirs.md", Self.note("side theirs"))
        try repo.write("kb/notes/both.md", Self.note("side both"))
        try repo.commit("side edits", date: 3_000)  // newer than the main edit below
        try repo.git(["checkout", "-q", "main"])
        try repo.write("kb/notes/ours.md", Self.note("main ours"))
        try repo.write("kb/notes/both.md", Self.note("main both"))
        try repo.write("kb/instructions/review-gates/prose/g.md", "---\n---\ngate v2\n")
        try repo.commit("main edits", date: 2_000)
        // Merge: both.md conflicts and is resolved to the side's text; evil.md changes only in the merge.
        _ = try? repo.git(["merge", "-q", "--no-commit", "side"])
        try repo.write("kb/notes/both.md", Self.note("side both"))
        try repo.write("kb/notes/evil.md", Self.note("changed only in the merge"))
        try repo.commit("merge side", date: 4_000)
        try repo.write("kb/notes/plain.md", Self.note("after the merge"))
        try repo.commit("after", date: 5_000)
        try expectExact(KnowledgeBase(root: repo.kbRoot), workTree: repo.top)
        let evil = try KnowledgeBase(root: repo.kbRoot).noteProvenance(["kb/notes/evil.md"])[0]
        #expect(evil.commit == (try repo.git(["rev-parse", "HEAD~1"])))
    }

    @Test func renamesDeletionsReAddsAndStagedFiles() throws {
        let repo = try Repo()
        defer { repo.remove() }
        try repo.write("kb/notes/old-name.md", Self.note("renamed later"))
        try repo.write("kb/notes/gone.md", Self.note("deleted then re-added"))
        try repo.write("kb/notes/staged.md", Self.note("committed"))
        try repo.write("kb/notes/dirty.md", Self.note("committed"))
        try repo.write("kb/instructions/review-gates/prose/g.md", "---\n---\ngate\n")
        try repo.commit("one", date: 1_000)
        try repo.git(["mv", "kb/notes/old-name.md", "kb/notes/new-name.md"])
        try repo.git(["rm", "-q", "kb/notes/gone.md"])
        try repo.commit("rename and delete", date: 2_000)
        try repo.commit("empty", date: 3_000)
        try repo.write("kb/notes/gone.md", Self.note("deleted then re-added"))
        try repo.commit("re-add with the same content", date: 4_000)
        try repo.write("kb/notes/staged.md", Self.note("staged, not committed"))
        try repo.git(["add", "kb/notes/staged.md"])
        try repo.write("kb/notes/dirty.md", Self.note("edited in the work tree"))
        try repo.write("kb/notes/untracked.md", Self.note("never added"))
        try repo.git(["update-index", "--chmod=+x", "kb/notes/new-name.md"])
        try repo.write("kb/instructions/review-gates/prose/g.md", "---\n---\ngate, edited\n")
        try repo.write("kb/instructions/review-gates/prose/staged.md", "---\n---\nstaged, never committed\n")
        try repo.git(["add", "kb/instructions/review-gates/prose/staged.md"])
        try repo.write("kb/instructions/review-gates/prose/untracked.md", "---\n---\nnever added\n")
        try expectExact(KnowledgeBase(root: repo.kbRoot), workTree: repo.top)
    }

    @Test func detachedHeadPackedRefsAndAKBBelowTheTop() throws {
        let repo = try Repo(kb: "docs/kb-root")
        defer { repo.remove() }
        try repo.write("kb/notes/a.md", Self.note("a1"))
        try repo.write("kb/notes/b.md", Self.note("b1"))
        try repo.write("kb/instructions/review-gates/prose/g.md", "---\n---\ngate\n")
        try repo.directory.write("kb/notes/a.md", Self.note("same path at the top: not this KB"))
        try repo.commit("one", date: 1_000)
        try repo.write("kb/notes/a.md", Self.note("a2"))
        try repo.commit("two", date: 2_000)
        try repo.write("kb/notes/b.md", Self.note("b2"))
        try repo.commit("three", date: 3_000)
        try repo.git(["pack-refs", "--all"])
        try repo.git(["gc", "-q"])
        #expect(!FileManager.default.fileExists(atPath: repo.top.appendingPathComponent(".git/refs/heads/main").path))
        try expectExact(KnowledgeBase(root: repo.kbRoot), workTree: repo.kbRoot)
        try repo.git(["checkout", "-q", "--detach", "HEAD~1"])
        try expectExact(KnowledgeBase(root: repo.kbRoot), workTree: repo.kbRoot)
    }

    @Test func aLinkedWorktreeReadsItsOwnHeadAndIndex() throws {
        let repo = try Repo()
        defer { repo.remove() }
        try repo.write("kb/notes/a.md", Self.note("a1"))
        try repo.write("kb/instructions/review-gates/prose/g.md", "---\n---\ngate\n")
        try repo.commit("one", date: 1_000)
        let linked = repo.top.appendingPathComponent("linked")
        try repo.git(["worktree", "add", "-q", "-b", "other", linked.path])
        try repo.write("kb/notes/a.md", Self.note("a2 on main"))
        try repo.commit("main moves on", date: 2_000)
        try Data(Self.note("b in the linked tree").utf8).write(to: linked.appendingPathComponent("kb/notes/b.md"))
        try repo.git(["add", "-A"], in: linked)
        try repo.git(["commit", "-q", "-m", "linked"], date: 3_000, in: linked)
        try Data(Self.note("staged in the linked tree").utf8).write(to: linked.appendingPathComponent("kb/notes/a.md"))
        try repo.git(["add", "kb/notes/a.md"], in: linked)
        try expectExact(KnowledgeBase(root: linked), workTree: linked)
        try expectExact(KnowledgeBase(root: repo.top), workTree: repo.top)
    }

    /// A seeded random history of branches and merges (dates out of order too), checked at
    /// every step with one long-lived knowledge base, so the incremental index is checked as
    /// HEAD moves forward, sideways and back.
    @Test func aRandomHistoryOfBranchesAndMerges() throws {
        let repo = try Repo()
        defer { repo.remove() }
        var random = SplitMix(seed: 0x5EED_0010)
        let names = (0..<6).map { "kb/notes/n\($0).md" }
        for name in names { try repo.write(name, Self.note("v0")) }
        try repo.write("kb/instructions/review-gates/prose/g.md", "---\n---\ngate\n")
        try repo.commit("root", date: 1_000)
        let kb = KnowledgeBase(root: repo.kbRoot)
        var branches = ["main"]
        for step in 1...24 {
            let date = 1_000 + Int(random.next() % 5_000)
            switch random.next() % 4 {
            case 0 where branches.count < 3:
                let branch = "b\(step)"
                try repo.git(["checkout", "-q", "-b", branch])
                branches.append(branch)
            case 1 where branches.count > 1:
                let other = branches[Int(random.next() % UInt64(branches.count))]
                _ = try? repo.git(["merge", "-q", "--no-commit", "--no-ff", other])
                for name in names where random.next() % 3 == 0 { try repo.write(name, Self.note("merge \(step)")) }
                try repo.commit("merge \(other) at \(step)", date: date)
            case 2:
                try repo.git(["checkout", "-q", branches[Int(random.next() % UInt64(branches.count))]])
            default:
                for name in names where random.next() % 2 == 0 { try repo.write(name, Self.note("v\(step)-\(random.next() % 3)")) }
                try repo.commit("edit \(step)", date: date)
            }
            try expectExact(kb, workTree: repo.top)
        }
        #expect(try repo.git(["rev-list", "--merges", "--all"]).split(separator: "\n").count >= 3)
    }

    @Test func aSteadyHeadWalksNoHistoryAndANewCommitWalksOnlyItself() throws {
        let repo = try Repo()
        defer { repo.remove() }
        for index in 0..<40 { try repo.write("kb/notes/n\(index).md", Self.note("\(index)")) }
        try repo.write("kb/instructions/review-gates/prose/g.md", "---\n---\ngate\n")
        try repo.commit("forty notes", date: 1_000)
        let kb = KnowledgeBase(root: repo.kbRoot)
        let paths = (0..<40).map { "kb/notes/n\($0).md" }
        _ = try kb.noteProvenance(paths)
        #expect(kb.historyWalks == 1)
        for _ in 0..<3 { _ = try kb.noteProvenance(paths) }
        #expect(kb.historyWalks == 1)
        try repo.write("kb/notes/n3.md", Self.note("changed"))
        try repo.commit("one more", date: 2_000)
        let after = try kb.noteProvenance(paths)
        #expect(kb.historyWalks == 2)
        #expect(kb.historyCommitsVisited == 2, "the root commit, then only the new one")
        #expect(after[3].commit == (try repo.git(["rev-parse", "HEAD"])))
        for index in 0..<3 {
            try repo.write("kb/notes/n\(index + 10).md", Self.note("again \(index)"))
            try repo.commit("more \(index)", date: 3_000 + index)
        }
        _ = try kb.noteProvenance(paths)
        #expect(kb.historyWalks == 3)
        #expect(kb.historyCommitsVisited == 5, "three new commits: three more visits")
        try expectExact(kb, workTree: repo.top)
    }
}

/// A small seeded generator, so a failing history can be replayed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
