import Glibc
import RevqTime

/// The idempotency-key index: `keys/<escaped key>` is a symbolic link whose target is the id
/// of the job that took the key. A key is taken while that job is live (in `new/`, `active/`,
/// `deferred/`, `hold/` or `waiting/`, five `lstat`s); a link to a finished or missing job is stale and is
/// replaced. Look-up and replacement happen under an exclusive `flock` on `keys/.lock`, so two
/// producers with one key cannot both enqueue; a job leaving for `done/` or `failed/` removes
/// its link under the same lock. No job file is read.
struct KeyIndex {
    let spool: Spool

    /// Runs `body` holding the key lock.
    func withLock<T>(_ body: () throws -> T) throws -> T {
        let lockPath = spool.keysDirectory + "/.lock"
        let fd = try spool.creatingDirectories {
            try SystemCalls.check("open", lockPath) { open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, Spool.fileMode) }
        }
        defer { close(fd) }
        try SystemCalls.check("flock", lockPath) { flock(fd, LOCK_EX) }
        return try body()
    }

    /// The live job holding `key`, nil when the key is free or its link is stale. Call under the lock.
    func liveHolder(of key: String) throws -> JobID? {
        guard let id = try target(of: key) else { return nil }
        return try spool.locate(id, in: JobState.live) != nil ? id : nil
    }

    /// Points `key` at `id`, replacing a stale link atomically. Call under the lock.
    func assign(_ key: String, to id: JobID) throws {
        let link = path(key)
        let temporary = spool.keysDirectory + "/.new-" + id.rawValue
        try SystemCalls.unlinkIfPresent(temporary)
        try SystemCalls.check("symlink", temporary) { symlink(id.rawValue, temporary) }
        try SystemCalls.renameReplacing(temporary, link)
    }

    /// Removes `key` if it still points at `id` (another job may have taken it since). Call under the lock.
    func release(_ key: String, from id: JobID) throws {
        if try target(of: key) == id { try SystemCalls.unlinkIfPresent(path(key)) }
    }

    private func target(of key: String) throws -> JobID? {
        let link = path(key)
        var buffer = [CChar](repeating: 0, count: 256)
        let count = readlink(link, &buffer, buffer.count - 1)
        if count < 0 {
            if errno == ENOENT { return nil }
            throw SpoolError.system(call: "readlink", path: link, errno: errno)
        }
        return JobID(String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    func path(_ key: String) -> String { spool.keysDirectory + "/" + Self.fileName(for: key) }

    /// The file name of a key: its bytes as they are, except `/`, `%`, control bytes and a leading
    /// `.`, which become `%XX`. Distinct keys give distinct names.
    static func fileName(for key: String) -> String {
        var name: [UInt8] = []
        for (offset, byte) in key.utf8.enumerated() {
            if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "%") || byte < 0x20 || byte == 0x7F
                || (byte == UInt8(ascii: ".") && offset == 0)
            {
                name += Array(("%" + Digits.padded(Int(byte), width: 2, radix: 16)).utf8)
            } else {
                name.append(byte)
            }
        }
        return String(decoding: name, as: UTF8.self)
    }
}
