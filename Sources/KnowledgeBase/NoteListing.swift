import Foundation
import Glibc

/// A note file that KB-wide work (`stale`, sweep selection) leaves out, and why.
public struct SkippedNote: Sendable, Equatable {
    /// The KB-relative path; bytes that are not UTF-8 are shown as `\xNN`.
    public let note: String
    public let reason: String

    public init(note: String, reason: String) {
        self.note = note
        self.reason = reason
    }
}

/// The notes a KB-wide command works on, and the note files it had to skip.
public struct NoteListing: Sendable {
    /// Readable notes, in byte order of their file names.
    public var notes: [Note] = []
    public var skipped: [SkippedNote] = []
}

extension KnowledgeBase {
    /// Reads the notes at `paths` (nil: every note of the notes root). A file that cannot be read
    /// as a note is skipped with the reason, never thrown, so one bad file cannot stop the rest;
    /// a file without a frontmatter block is not a note and is left out silently when listing
    /// the whole root. Throws only for a path that is not a note path or does not exist.
    public func readNotes(_ paths: [String]?) throws -> NoteListing {
        var listing = NoteListing()
        let candidates: [String]
        if let paths {
            candidates = try paths.map(notePath)
        } else {
            let names = try rawMarkdownNames(in: notesRoot)
            candidates = names.compactMap { name in
                guard let text = String(validating: name, as: UTF8.self) else {
                    listing.skipped.append(SkippedNote(note: "\(notesRoot)/\(Self.escaped(name))", reason: "file name is not UTF-8"))
                    return nil
                }
                return Self.isIndex(text) ? nil : "\(notesRoot)/\(text)"
            }
        }
        for path in candidates {
            do {
                listing.notes.append(try note(path))
            } catch let error as KnowledgeBaseError where error.code == .unreadableNote {
                if paths == nil, error == Self.noFrontmatter(path) { continue }
                listing.skipped.append(SkippedNote(note: path, reason: error.message))
            }
        }
        return listing
    }

    /// Every note path (files that open with a frontmatter block), in byte order; note files
    /// that cannot be read are left out (see ``readNotes(_:)`` for why).
    public func notePaths() throws -> [String] {
        try readNotes(nil).notes.map(\.path)
    }

    static func noFrontmatter(_ path: String) -> KnowledgeBaseError {
        KnowledgeBaseError("not a note: \(path) does not start with a frontmatter block", code: .unreadableNote)
    }

    /// The raw names of the `*.md` regular files directly in a directory, sorted byte-wise. Names
    /// are bytes: one that is not UTF-8 is kept, and NFC and NFD spellings stay two names.
    func rawMarkdownNames(in relativeDirectory: String) throws -> [[UInt8]] {
        let path = url(relativeDirectory).path
        guard let directory = opendir(path) else {
            if errno == ENOENT, let rootNotFound { throw KnowledgeBaseError(rootNotFound) }
            throw KnowledgeBaseError("cannot list \(relativeDirectory): \(String(cString: strerror(errno)))")
        }
        defer { closedir(directory) }
        var names: [[UInt8]] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.prefix(while: { $0 != 0 }))
            }
            guard name.count > 3, name.first != UInt8(ascii: "."), name.suffix(3).elementsEqual(".md".utf8) else { continue }
            var info = stat()
            let isFile = (path.utf8 + [UInt8(ascii: "/")] + name + [0]).withUnsafeBufferPointer { full in
                full.withMemoryRebound(to: CChar.self) { lstat($0.baseAddress!, &info) == 0 }
            }
            if isFile && (info.st_mode & S_IFMT) == S_IFREG { names.append(name) }
        }
        return names.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// A name for display: valid UTF-8 runs as they are, other bytes as `\xNN`.
    static func escaped(_ bytes: [UInt8]) -> String {
        var out = ""
        var start = 0
        while start < bytes.count {
            var end = bytes.count
            while end > start, String(validating: bytes[start..<end], as: UTF8.self) == nil { end -= 1 }
            if end > start {
                out += String(decoding: bytes[start..<end], as: UTF8.self)
                start = end
            } else {
                out += "\\x" + String(bytes[start], radix: 16, uppercase: false).leftPadded(to: 2)
                start += 1
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
