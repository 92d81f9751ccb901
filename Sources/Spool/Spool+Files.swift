import Glibc

extension Spool {
    /// Writes `bytes` to `tmp/<name>` and `fsync`s it; the file is complete on disk when this returns.
    /// `exclusive` refuses an existing file (a producer's id must be new); otherwise a leftover is replaced.
    func writeTemporary(_ name: String, _ bytes: [UInt8], exclusive: Bool, sync: Bool = true) throws -> String {
        let path = temporaryPath(name)
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (exclusive ? O_EXCL : O_TRUNC)
        let fd = try SystemCalls.check("open", path) { open(path, flags, Spool.fileMode) }
        defer { close(fd) }
        try SystemCalls.check("fchmod", path) { fchmod(fd, Spool.fileMode) }
        try SystemCalls.writeAll(fd, bytes, path: path)
        if sync { try SystemCalls.check("fsync", path) { fsync(fd) } }
        return path
    }

    /// Puts `bytes` at `<state>/<name>` durably: written and synced in `tmp/`, renamed, and the
    /// directory synced. Only sidecars are `replacing`; a job file never replaces an existing one.
    func writeDurably(_ bytes: [UInt8], as name: String, in state: JobState, replacing: Bool = false) throws {
        try place([PlacedFile(name: name, bytes: bytes, replacing: replacing)], in: state)
    }

    /// Puts `files` into `<state>/` in order, with one `fsync` of the directory for all of them:
    /// each is written in `tmp/` (and synced there unless it is ``PlacedFile/derived``), then
    /// renamed into place.
    func place(_ files: [PlacedFile], in state: JobState) throws {
        for file in files {
            let temporary = try writeTemporary(file.name, file.bytes, exclusive: false, sync: !file.derived)
            do {
                if file.replacing {
                    try SystemCalls.renameReplacing(temporary, path(state, file.name))
                } else {
                    try SystemCalls.renameNoReplace(temporary, path(state, file.name))
                }
            } catch SpoolError.system(_, _, EEXIST) {
                try? SystemCalls.unlinkIfPresent(temporary)
                throw SpoolError.alreadyExists(name: file.name, state: state)
            }
        }
        try SystemCalls.syncDirectory(directory(state))
    }

    /// Moves `<from>/<name>` to `<to>/<name>` with one `rename`, never replacing a file there.
    func move(_ name: String, from: JobState, to: JobState) throws {
        do {
            try SystemCalls.renameNoReplace(path(from, name), path(to, name))
        } catch SpoolError.system(_, _, ENOENT) {
            throw SpoolError.notFound(name: name, states: [from])
        } catch SpoolError.system(_, _, EEXIST) {
            throw SpoolError.alreadyExists(name: name, state: to)
        }
    }

    /// Reads a file of the spool without following a symlink, up to ``JobFile/maxSize`` + 1 bytes.
    func readFile(_ path: String) throws -> [UInt8] {
        let fd = try SystemCalls.check("open", path) { open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) }
        defer { close(fd) }
        return try SystemCalls.readAll(fd, limit: JobFile.maxSize, path: path)
    }
}

/// A file for ``Spool/place(_:in:)``.
struct PlacedFile {
    let name: String
    let bytes: [UInt8]
    /// Replaces a file of that name (sidecars); a job file never does.
    var replacing = false
    /// A copy of what a durable record holds (a job's `.result.json`, whose run is in the review
    /// store and whose run ids are in the job's history): its data is not synced, so a power cut
    /// may leave it empty, and readers then show no result.
    var derived = false
}
