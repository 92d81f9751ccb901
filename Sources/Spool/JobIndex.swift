public import Foundation
import Glibc

/// A worker's in-memory view of `new/` (or `deferred/`) in claim order: priority descending,
/// then name (for generated ids, submission order). Taking the next job is O(log n) and never
/// copies the index, however many jobs wait.
///
/// In `new/`, a name that carries its priority (``JobID/encodedPriority``) enters the index
/// from the directory listing alone, so that a worker starting on a backlog reads no job file;
/// the name's priority wins over the file's, and a defect in such a file is found by its claim,
/// which moves it to `failed/`. Every other name (and every name of `deferred/`, which needs
/// `not_before`) is read once, when first seen, for its priority and `not_before`. Files that
/// cannot be read get priority 0; claiming them moves them to `failed/`. Files that read but are
/// not valid jobs are set apart at once and handed out by ``takeDefective()``, so that moving
/// them aside never delays a claim.
public struct JobIndex: Sendable {
    public let state: JobState
    /// The serial of each name's live entry.
    private var serials: [String: UInt64] = [:]
    /// The entries in claim order. An entry whose name was removed (or added again) meanwhile is
    /// stale: ``serials`` no longer names it, and it is dropped when it reaches the top.
    private var queue = BinaryHeap<Entry>()
    private var lastSerial: UInt64 = 0
    /// Names of files that are not valid jobs, with the reason, not yet taken.
    private var defective: [(name: String, reason: String)] = []

    struct Entry: Sendable, Comparable {
        let name: String
        let priority: Int
        let notBefore: Date?
        let serial: UInt64

        /// Claim order.
        static func < (a: Entry, b: Entry) -> Bool {
            a.priority != b.priority ? a.priority > b.priority : a.name < b.name
        }
    }

    public init(state: JobState = .new) { self.state = state }

    public var count: Int { serials.count }
    public var isEmpty: Bool { serials.isEmpty }

    /// Names whose `not_before` has passed (or that have none), in claim order (a linear pass:
    /// meant for `deferred/`).
    public func due(at now: Date) -> [String] {
        liveEntries.filter { entry in entry.notBefore.map { $0 <= now } ?? true }.sorted().map(\.name)
    }

    /// The earliest `not_before` still in the future of `now`, if any: when the next job becomes due.
    public func nextDue(after now: Date) -> Date? {
        liveEntries.compactMap(\.notBefore).filter { $0 > now }.min()
    }

    /// Re-lists the directory (names only, unsorted: the heap orders them), adds the names not
    /// seen before, and forgets names that are gone.
    public mutating func refresh(from spool: Spool) throws {
        var listed: [String] = []
        try spool.forEachName(in: spool.directory(state)) { name in
            if Spool.role(of: name, in: state) == .job { listed.append(name) }
        }
        let known = listed.reduce(0) { count, name in serials[name] == nil ? count : count + 1 }
        if known != serials.count {
            let present = Set(listed)
            serials = serials.filter { present.contains($0.key) }
            compactIfStale()
        }
        serials.reserveCapacity(listed.count)
        queue.reserveCapacity(queue.count + listed.count - known)
        for name in listed where serials[name] == nil { add(name, from: spool) }
    }

    /// Adds one name (say, from an inotify event).
    public mutating func insert(_ name: String, from spool: Spool) {
        guard serials[name] == nil, Spool.role(of: name, in: state) == .job else { return }
        add(name, from: spool)
    }

    /// The files found not to be valid jobs since the last call, with the reason: the caller moves
    /// them aside (``Spool/quarantineIfDefective(_:rules:)``), away from the claim path.
    public mutating func takeDefective() -> [(name: String, reason: String)] {
        defer { defective = [] }
        return defective
    }

    /// Forgets a name (claimed, moved or gone).
    public mutating func remove(_ name: String) {
        guard serials.removeValue(forKey: name) != nil else { return }
        compactIfStale()
    }

    /// Takes the first live entry out of the claim order; it stays in the index, so the caller
    /// either ``remove(_:)``s its name or ``putBack(_:)`` the entry.
    mutating func popFirst() -> Entry? {
        while let entry = queue.popMin() {
            if serials[entry.name] == entry.serial { return entry }
        }
        return nil
    }

    /// Returns an entry taken by ``popFirst()`` to the claim order.
    mutating func putBack(_ entry: Entry) {
        if serials[entry.name] == entry.serial { queue.insert(entry) }
    }

    private var liveEntries: [Entry] { queue.elements.filter { serials[$0.name] == $0.serial } }

    private mutating func add(_ name: String, from spool: Spool) {
        let priority: Int
        let notBefore: Date?
        if state == .new, let encoded = JobID(fileName: name)?.encodedPriority {
            (priority, notBefore) = (encoded, nil)
        } else {
            do {
                let job = try spool.readJob(name, in: state)
                (priority, notBefore) = (job.priority, job.notBefore)
            } catch let defect as JobDefect where state == .new && spool.isRegularFile(name, in: state) {
                return defective.append((name, defect.message))
            } catch {
                // Unreadable, not a regular file, or gone: the claim finds out which.
                (priority, notBefore) = (0, nil)
            }
        }
        lastSerial += 1
        serials[name] = lastSerial
        queue.insert(Entry(name: name, priority: priority, notBefore: notBefore, serial: lastSerial))
    }

    /// Rebuilds the claim order without its stale entries once they outnumber the live ones
    /// (names removed without being claimed, as promoted deferred jobs are): O(1) amortised.
    private mutating func compactIfStale() {
        if queue.count > 2 * serials.count + 64 { queue = BinaryHeap(liveEntries) }
    }
}

extension Spool {
    /// Claims the first job of `index` (a view of `new/`) that can be claimed, in claim order;
    /// names lost to others or moved to `failed/` are dropped from the index, busy ones kept.
    /// Nil when nothing can be claimed now.
    public func claimNext(from index: inout JobIndex, rules: JobRules, now: Date = Date()) throws -> ClaimedJob? {
        var busy: [JobIndex.Entry] = []
        defer { for entry in busy { index.putBack(entry) } }
        while let entry = index.popFirst() {
            let outcome: ClaimOutcome
            do {
                outcome = try claim(entry.name, rules: rules, now: now)
            } catch {
                index.putBack(entry)
                throw error
            }
            switch outcome {
            case .claimed(let job):
                index.remove(entry.name)
                return job
            case .lost, .quarantined:
                index.remove(entry.name)
            case .busy:
                busy.append(entry)
            }
        }
        return nil
    }

    /// Moves the jobs of `index` (a view of `deferred/`) whose `not_before` has passed to `new/`;
    /// returns their names. A name already moved by someone else is skipped.
    @discardableResult
    public func promoteDue(from index: inout JobIndex, now: Date = Date()) throws -> [String] {
        var promoted: [String] = []
        for name in index.due(at: now) {
            index.remove(name)
            do {
                try move(name, from: .deferred, to: .new)
                promoted.append(name)
            } catch SpoolError.notFound {
                continue
            }
        }
        if !promoted.isEmpty { try SystemCalls.syncDirectory(directory(.new)) }
        return promoted
    }
}

extension Spool {
    /// Whether `<state>/<name>` is a regular file (not a symlink, directory, FIFO, …).
    func isRegularFile(_ name: String, in state: JobState) -> Bool {
        guard let info = try? SystemCalls.linkStatus(path(state, name)) else { return false }
        return info.st_mode & S_IFMT == S_IFREG
    }
}
