import Glibc

/// The `.gitignore` revq puts in a directory it makes inside a knowledge base (the spool, the
/// store's directory), so that a plain `git add -A` never commits queue or database files.
public enum GitIgnore {
    /// Writes `<directory>/.gitignore` with `patterns`, one per line after a comment saying who
    /// wrote it, unless a `.gitignore` is already there (an operator's own file is never
    /// changed). Best effort: a directory revq cannot write into fails elsewhere, with a better
    /// message, so nothing is reported here.
    public static func place(in directory: String, patterns: [String]) {
        let fd = open(directory + "/.gitignore", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let text = "# Written by revq: these files are revq's working state, not part of the knowledge base.\n"
            + patterns.map { $0 + "\n" }.joined()
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }
}
