public import Foundation

/// Where the KB root is when none is named (`--kb-root`, `REVQ_KB_ROOT`, `kb_root`), found as git
/// finds its work tree: from the current directory up, the first directory that holds the notes
/// root (`kb/notes`); failing that, the top of the git work tree the current directory is in.
enum KBRootDiscovery {
    static func find(from start: URL, notesRoot: String) -> URL? {
        ancestors(of: start).first { isDirectory($0.appendingPathComponent(notesRoot)) }
            ?? ancestors(of: start).first { FileManager.default.fileExists(atPath: $0.appendingPathComponent(".git").path) }
    }

    static func notFound(from start: URL, notesRoot: String) -> String {
        "no knowledge base found: no \(notesRoot)/ directory and no git work tree in \(start.path) or any directory above it "
            + "(run revq inside a KB, or give --kb-root or REVQ_KB_ROOT)"
    }

    /// `start` and each of its parents up to `/`.
    private static func ancestors(of start: URL) -> [URL] {
        var directories = [start]
        while directories.last!.path != "/" { directories.append(directories.last!.deletingLastPathComponent().standardizedFileURL) }
        return directories
    }

    static func isDirectory(_ url: URL) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &directory) && directory.boolValue
    }
}
