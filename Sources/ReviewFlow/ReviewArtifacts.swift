public import Foundation
import Glibc
public import KnowledgeBase
public import ReviewStore

/// The files of a run under `<kb root>/kb/reports/bundle-reviews/review-run-<id>/`:
/// `bundle-output.md` and, on success, one `<lens>__<name>.md` per gate.
///
/// Every artifact can be rebuilt from the store (the run's `raw_bundle_markdown` and its gate
/// reviews), so none is fsynced: each file is written beside its target and renamed over it, so
/// a reader sees the old or the new file whole, and a crash can at worst lose a copy.
///
/// Group-shared layout: when the nearest existing directory above the run's directory is
/// group-writable (as the store's is in the documented setup), the directories made are
/// group-writable too and the files 0664, whatever the umask; directories keep the setgid bit
/// (and so the group) they inherit. Otherwise directories are 0755 and files 0644.
public struct ReviewArtifacts: Sendable {
    public let directory: URL

    public init(kb: KnowledgeBase, runId: Int64) {
        directory = Self.root(of: kb).appendingPathComponent("review-run-\(runId)", isDirectory: true)
    }

    /// `<kb root>/kb/reports/bundle-reviews`, where every run's directory is made.
    public static func root(of kb: KnowledgeBase) -> URL {
        kb.root.appendingPathComponent("kb/reports/bundle-reviews", isDirectory: true)
    }

    /// Makes the run's directory (and its parents) before anything writes into it, such as the
    /// runner's prompt and output files, so that it gets the layout's modes.
    public func prepareDirectory() throws(ArtifactWriteError) {
        _ = try Self.makeDirectories(directory.path)
    }

    /// Writes the bundle as `bundle-output.md`.
    public func writeBundle(_ markdown: String) throws(ArtifactWriteError) {
        try write(markdown, to: "bundle-output.md")
    }

    /// Writes one file per recorded gate review: its rationale as the store holds it.
    public func writeGateFiles(_ reviews: [(gateId: String, rationaleMarkdown: String)]) throws(ArtifactWriteError) {
        for review in reviews {
            try write(review.rationaleMarkdown, to: review.gateId.replacingOccurrences(of: "/", with: "__") + ".md")
        }
    }

    func write(_ text: String, to name: String) throws(ArtifactWriteError) {
        let shared = try Self.makeDirectories(directory.path)
        let target = directory.appendingPathComponent(name).path
        let partial = directory.appendingPathComponent(".\(name).partial").path
        // Not `Data.write(to:)`: Foundation fsyncs every file it writes, atomic or not.
        let fd = open(partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ArtifactWriteError(call: "open", path: partial, code: errno) }
        defer { close(fd) }
        if shared, fchmod(fd, 0o664) != 0 { throw ArtifactWriteError(call: "fchmod", path: partial, code: errno) }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw ArtifactWriteError(call: "write", path: partial, code: written < 0 ? errno : EIO) }
            bytes = bytes.dropFirst(written)
        }
        guard rename(partial, target) == 0 else { throw ArtifactWriteError(call: "rename", path: target, code: errno) }
    }

    /// Makes `path` and its missing parents; returns whether the layout is group-shared (the
    /// nearest directory that already existed is group-writable).
    static func makeDirectories(_ path: String) throws(ArtifactWriteError) -> Bool {
        var info = stat()
        if stat(path, &info) == 0 { return info.st_mode & S_IWGRP != 0 }
        let parent = (path as NSString).deletingLastPathComponent
        guard parent != path else { throw ArtifactWriteError(call: "stat", path: path, code: ENOENT) }
        let shared = try makeDirectories(parent)
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw ArtifactWriteError(call: "mkdir", path: path, code: errno) }
        guard shared else { return false }
        // Through a descriptor, keeping the setgid bit the directory inherited from its parent.
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw ArtifactWriteError(call: "open", path: path, code: errno) }
        defer { close(fd) }
        guard fstat(fd, &info) == 0, fchmod(fd, (info.st_mode & S_ISGID) | 0o775) == 0 else {
            throw ArtifactWriteError(call: "fchmod", path: path, code: errno)
        }
        return true
    }
}

/// A system call writing an artifact failed; `code` is its `errno`, so that a caller can tell
/// a full disk (`ENOSPC`, `EDQUOT`) from other failures.
public struct ArtifactWriteError: Error, Sendable, CustomStringConvertible {
    public let call: String
    public let path: String
    public let code: Int32

    public var description: String { "\(call) \(path): \(String(cString: strerror(code)))" }
}
