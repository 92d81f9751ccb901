public import Foundation
public import ReviewFormat
import SystemFiles

/// The notes and gates of a knowledge base on disk, and the rules that turn a review
/// request into a gate set (SPEC §1).
///
/// Paths handed in and out are relative to the KB root and are checked before any file
/// is touched: no absolute paths, no `..`, nothing outside the notes or gates root.
public struct KnowledgeBase: Sendable {
    public let root: URL
    /// Notes directory relative to ``root``.
    public let notesRoot: String
    /// Gates directory relative to ``root``.
    public let gatesRoot: String
    /// The repository behind provenance, read in-process, and its last-commit index.
    let git: GitReader
    /// Why there is no knowledge base at ``root`` (none was named, and none was found from the
    /// current directory up); when set, it is the message of every "not found" error.
    public var rootNotFound: String?
    private let parsedGates = ParsedGates()

    /// `lastCommitStorage` keeps the last-commit index between processes (the review store);
    /// without it the index lives as long as this value and its copies.
    public init(
        root: URL, notesRoot: String = "kb/notes", gatesRoot: String = "kb/instructions/review-gates",
        lastCommitStorage: LastCommitStorage? = nil
    ) {
        self.root = root.standardizedFileURL
        self.notesRoot = Self.trimSlashes(notesRoot)
        self.gatesRoot = Self.trimSlashes(gatesRoot)
        git = GitReader(root: self.root, notesRoot: self.notesRoot, gatesRoot: self.gatesRoot, storage: lastCommitStorage)
    }

    // MARK: Notes

    /// Checks that `path` names a note (without reading it) and returns it normalised.
    public func notePath(_ path: String) throws -> String {
        let components = try Self.relativeComponents(path, what: "note path")
        let name = components.last ?? ""
        guard components.dropLast().joined(separator: "/") == notesRoot, name.hasSuffix(".md"),
            !Self.isIndex(name)
        else {
            throw KnowledgeBaseError("not a note path: \(path) (notes are \(notesRoot)/*.md)")
        }
        return components.joined(separator: "/")
    }

    /// True when `path` is a note path and the file exists (one `stat`).
    public func noteExists(_ path: String) -> Bool {
        guard let path = try? notePath(path) else { return false }
        return isRegularFile(path)
    }

    /// Reads a note. A missing file is a ``KnowledgeBaseError/Code/request`` error; a file that is
    /// not UTF-8, has no frontmatter block (it is not a note) or frontmatter that does not parse
    /// is an ``KnowledgeBaseError/Code/unreadableNote`` error saying why.
    public func note(_ path: String) throws -> Note {
        let path = try notePath(path)
        let text = try read(path, missing: "note not found: \(path)")
        let frontmatter = try Frontmatter(text: text, path: path)
        guard frontmatter.isPresent else { throw Self.noFrontmatter(path) }
        return Note(path: path, text: text, frontmatter: frontmatter)
    }

    // MARK: Gates

    /// The gate ids an argument names: itself when it is a gate id, or every gate of the
    /// lens (sorted by file name) when it names a lens directory.
    public func gateIds(for argument: String) throws -> [String] {
        let components = try Self.relativeComponents(argument, what: "gate")
        let id = components.joined(separator: "/")
        if components.count == 2, isRegularFile("\(gatesRoot)/\(id).md") { return [id] }
        if components.count == 1, let files = try? markdownFiles(in: "\(gatesRoot)/\(id)"), !files.isEmpty {
            return files.map { "\(id)/\($0.dropLast(3))" }
        }
        throw missing("gate not found: \(argument)")
    }

    public func gate(_ id: String) throws -> Gate {
        let components = try Self.relativeComponents(id, what: "gate")
        guard components.count == 2 else { throw KnowledgeBaseError("gate not found: \(id)") }
        let path = "\(gatesRoot)/\(id).md"
        let text = try read(path, missing: "gate not found: \(id)")
        return try parsedGates.gate(at: path, text: text) { text in
            let frontmatter = try Frontmatter(text: text, path: path)
            return Gate(
                id: id, path: path, lens: components[0], text: frontmatter.body,
                requiresTrait: frontmatter.fields["requires_trait"].flatMap { $0.isEmpty ? nil : $0 })
        }
    }

    /// The requested gate set of a review: the arguments expanded in order, gates that do
    /// not apply to the note dropped, duplicates dropped (first wins); a gate's position is
    /// its ordinal.
    public func requestedGates(for note: Note, arguments: [String]) throws -> [Gate] {
        var seen: Set<String> = []
        var gates: [Gate] = []
        for argument in arguments {
            for id in try gateIds(for: argument) where seen.insert(id).inserted {
                let gate = try gate(id)
                if gate.applies(to: note) { gates.append(gate) }
            }
        }
        guard !gates.isEmpty else { throw KnowledgeBaseError("no applicable gates resolved for note: \(note.path)") }
        return gates
    }

    // MARK: Links

    /// The note's local markdown links (`[text](target)`), resolved against the KB root.
    /// Web links, anchors and targets outside the KB root are left out.
    public func links(of note: Note) -> [NoteLink] {
        let directory = note.path.split(separator: "/").dropLast().map(String.init)
        return MarkdownLinks.extract(from: note.frontmatter.body).compactMap { link in
            guard let resolved = MarkdownLinks.resolve(link.target, from: directory) else { return nil }
            return NoteLink(text: link.text, target: link.target, resolvedPath: resolved, exists: exists(resolved))
        }
    }

    // MARK: Files

    func url(_ relativePath: String) -> URL { root.appendingPathComponent(relativePath) }

    func exists(_ relativePath: String) -> Bool {
        FileManager.default.fileExists(atPath: url(relativePath).path)
    }

    func isRegularFile(_ relativePath: String) -> Bool {
        var info = stat()
        return lstat(url(relativePath).path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    func read(_ relativePath: String, missing message: String) throws -> String {
        guard isRegularFile(relativePath) else { throw missing(message) }
        guard let data = WholeFile.read(atPath: url(relativePath).path) else {
            throw KnowledgeBaseError("cannot read \(relativePath)", code: .unreadableNote)
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw KnowledgeBaseError("not valid UTF-8: \(relativePath)", code: .unreadableNote)
        }
        return text
    }

    /// A file or directory is not there: `message`, or ``rootNotFound`` when there is no KB at all.
    func missing(_ message: String) -> KnowledgeBaseError { KnowledgeBaseError(rootNotFound ?? message) }

    /// Names of the `*.md` regular files directly in a directory, sorted.
    func markdownFiles(in relativeDirectory: String) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: url(relativeDirectory).path)
        return names.filter { $0.hasSuffix(".md") && !$0.hasPrefix(".") && isRegularFile("\(relativeDirectory)/\($0)") }
            .sorted()
    }

    static func isIndex(_ name: String) -> Bool { name == "index.md" || name.hasSuffix("-index.md") }

    static func trimSlashes(_ path: String) -> String {
        path.split(separator: "/").joined(separator: "/")
    }

    /// The components of a relative path without `.` components (`./kb/notes/a.md` is
    /// `kb/notes/a.md`); refuses absolute paths, `..` and empty paths.
    static func relativeComponents(_ path: String, what: String) throws -> [String] {
        guard !path.hasPrefix("/") else { throw KnowledgeBaseError("\(what) must be relative to the KB root: \(path)") }
        let components = path.split(separator: "/").map(String.init).filter { $0 != "." }
        guard !components.isEmpty, !components.contains(".."),
            !path.contains("\0")
        else {
            throw KnowledgeBaseError("\(what) must stay inside the KB root: \(path)")
        }
        return components
    }
}
