import Glibc
import SystemFiles

/// A file spool (SPEC §5): one directory per job state under `root`, plus `tmp/` for files
/// being written and `keys/` for idempotency keys. All of it must be on one file system.
///
/// A `Spool` is a plain value: every operation goes to the file system, so any number of
/// processes (producers, workers, operators) can use the same spool at once. The state
/// directories are created on first write, mode 0770 so that a group may enqueue; reading
/// operations never create anything and treat a missing directory as empty.
public struct Spool: Sendable {
    public let root: String

    public init(root: String) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    /// Mode of the spool's directories: owner and group may read, write and enter.
    static let directoryMode: mode_t = 0o770
    /// Mode of the files the spool writes: owner and group may read and write (a worker running
    /// as another user of the group must be able to read and rename them).
    static let fileMode: mode_t = 0o660

    func directory(_ state: JobState) -> String { root + "/" + state.rawValue }
    func path(_ state: JobState, _ name: String) -> String { root + "/" + state.rawValue + "/" + name }
    var temporaryDirectory: String { root + "/tmp" }
    func temporaryPath(_ name: String) -> String { root + "/tmp/" + name }
    var keysDirectory: String { root + "/keys" }

    /// Creates the root and every spool directory that is missing, mode 0770 whatever the umask
    /// (plus setgid, inherited from a setgid parent), and a `.gitignore` of everything in it: a
    /// spool inside a KB's work tree (the default) never goes into a commit.
    /// A root removed meanwhile (`ENOENT`) is made again, a few times.
    public func createDirectories() throws {
        for attempt in 1...3 {
            do {
                try Self.makeDirectory(root, parents: true)
                for name in JobState.allCases.map(\.rawValue) + ["tmp", "keys"] {
                    try Self.makeDirectory(root + "/" + name, parents: false)
                }
                GitIgnore.place(in: root, patterns: ["*"])
                return
            } catch SpoolError.system(_, _, ENOENT) where attempt < 3 {
                continue
            }
        }
    }

    /// Runs `body`; if it fails because a spool directory is missing, creates them and runs it once more.
    func creatingDirectories<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch SpoolError.system(_, _, ENOENT) {
            try createDirectories()
            return try body()
        }
    }

    private static func makeDirectory(_ path: String, parents: Bool) throws {
        if mkdir(path, directoryMode) == 0 {
            // Whatever the umask, but keeping the setgid bit a directory inherits from a setgid
            // parent: files made in it then belong to the spool's group, not the creator's.
            // Through a descriptor: the path may be moved away at any moment (then it is gone
            // for this spool, and the watcher makes the spool again).
            let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else {
                if errno == ENOENT { return }
                throw SpoolError.system(call: "open", path: path, errno: errno)
            }
            defer { close(fd) }
            let info = try SystemCalls.fileStatus(fd, path: path)
            try SystemCalls.check("fchmod", path) { fchmod(fd, directoryMode | (info.st_mode & S_ISGID)) }
            return
        }
        switch errno {
        case EEXIST:
            return
        case ENOENT where parents:
            let parent = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            guard !parent.isEmpty else { throw SpoolError.system(call: "mkdir", path: path, errno: ENOENT) }
            try makeDirectory(parent, parents: true)
            try makeDirectory(path, parents: false)
        default:
            throw SpoolError.system(call: "mkdir", path: path, errno: errno)
        }
    }
}
