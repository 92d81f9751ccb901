public import Foundation
import Glibc
import JSONText

/// A worker of a spool, as it registered itself (`<spool>/worker.<host>-<pid>-<start>.json`, beside
/// the spool's other state files such as `claiming-stopped`).
public struct WorkerRegistration: Sendable, Equatable {
    public var host: String
    public var pid: Int32
    public var startedAt: Date
    public var concurrency: Int
    /// The registering worker's ``revqVersion``; `?` for a registration that names none.
    public var version: String

    public init(host: String, pid: Int32, startedAt: Date, concurrency: Int, version: String = revqVersion) {
        self.host = host
        self.pid = pid
        self.startedAt = startedAt
        self.concurrency = concurrency
        self.version = version
    }

    /// `worker.<host>-<pid>-<start in ns>.json`: unique even when a pid is reused, or for two
    /// workers of one process (tests).
    var fileName: String { "\(Self.prefix)\(host)-\(pid)-\(Int64(startedAt.timeIntervalSince1970 * 1e9)).json" }

    static let prefix = "worker."
}

/// A worker's registration, alive while this value lives: it holds the `flock` that tells
/// readers the worker is alive (as a claim's lock does for a job in `active/`). Dropping it,
/// or the process dying, ends the registration; the file is removed on ``end()`` or by the next
/// reader that finds it unlocked.
public final class WorkerLease: Sendable {
    let path: String
    private let descriptor: Int32

    init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Removes the registration (the worker stops).
    public func end() { unlink(path) }

    deinit { close(descriptor) }
}

extension Spool {
    /// Registers this process as a worker of the spool until the returned lease is dropped: the
    /// registration is written in `tmp/`, locked, then renamed into the spool's root, so a reader
    /// never sees it unlocked while its worker lives.
    public func registerWorker(_ registration: WorkerRegistration) throws -> WorkerLease {
        let document = JSONValue.object([
            ("host", .string(registration.host)), ("pid", .integer(Int(registration.pid))),
            ("started_at", .integer(Int(registration.startedAt.timeIntervalSince1970))),
            ("concurrency", .integer(registration.concurrency)), ("version", .string(registration.version)),
        ])
        let temporary = try writeTemporary(registration.fileName, JSONWriter.bytes(document), exclusive: true, sync: false)
        let fd = try SystemCalls.check("open", temporary) { open(temporary, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(fd)
            throw SpoolError.system(call: "flock", path: temporary, errno: code)
        }
        let path = root + "/" + registration.fileName
        do {
            try SystemCalls.check("rename", path) { rename(temporary, path) }
        } catch {
            close(fd)
            throw error
        }
        return WorkerLease(path: path, descriptor: fd)
    }

    /// The workers alive now, oldest first: registrations whose lock a live process holds.
    /// A registration left unlocked by a worker that died is removed.
    public func liveWorkers() throws -> [WorkerRegistration] {
        var workers: [WorkerRegistration] = []
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for name in names where name.hasPrefix(WorkerRegistration.prefix) && name.hasSuffix(".json") {
            let path = root + "/" + name
            let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            if flock(fd, LOCK_SH | LOCK_NB) == 0 {
                unlink(path)
                continue
            }
            guard let bytes = try? SystemCalls.readAll(fd, limit: 4096, path: path), let document = try? JSONParser.parse(bytes),
                case .string(let host)? = document["host"], case .integer(let pid)? = document["pid"],
                case .integer(let started)? = document["started_at"], case .integer(let concurrency)? = document["concurrency"]
            else { continue }
            workers.append(
                WorkerRegistration(
                    host: host, pid: Int32(pid), startedAt: Date(timeIntervalSince1970: TimeInterval(started)), concurrency: concurrency,
                    version: document["version"]?.stringValue ?? "?"))
        }
        return workers.sorted { ($0.startedAt, $0.pid) < ($1.startedAt, $1.pid) }
    }
}
