import Glibc

/// A spool file opened without following symlinks and locked with `flock(LOCK_EX|LOCK_NB)`:
/// the protocol every process uses before moving a file out of `new/` or `active/`, so that at
/// most one process acts on a file at a time and a claimed file is never unlocked.
enum LockedEntry {
    /// The file is open and locked, and the name still refers to the locked inode.
    case locked(fd: Int32, size: Int)
    /// The name is gone, or now names another file (someone moved it first).
    case missing
    /// Another open file description holds the lock.
    case busy
    /// Not a regular file; the text names what it is (`a symbolic link`, `a directory`, …).
    case notRegular(String)
    /// The file cannot be opened for reading (`errno` of `open`).
    case unreadable(Int32)

    static func open(_ path: String) throws -> LockedEntry {
        let fd = Glibc.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        if fd < 0 {
            switch errno {
            case ENOENT: return .missing
            case ELOOP: return .notRegular("a symbolic link")
            case EACCES, EPERM: return .unreadable(errno)
            default: throw SpoolError.system(call: "open", path: path, errno: errno)
            }
        }
        var keep = false
        defer { if !keep { close(fd) } }
        let info = try SystemCalls.fileStatus(fd, path: path)
        guard info.st_mode & S_IFMT == S_IFREG else { return .notRegular(typeName(info.st_mode)) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EWOULDBLOCK { return .busy }
            throw SpoolError.system(call: "flock", path: path, errno: errno)
        }
        guard let current = try SystemCalls.linkStatus(path), SystemCalls.isSameFile(current, info) else { return .missing }
        keep = true
        return .locked(fd: fd, size: Int(info.st_size))
    }

    /// What a file type is, for a bad file's reason.
    static func typeName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFLNK: "a symbolic link"
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        case S_IFCHR, S_IFBLK: "a device"
        default: "not a regular file"
        }
    }
}
