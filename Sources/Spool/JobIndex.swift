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
    /// The bytes of the names; keys point into it.
    private var names = NameStore()
    /// The serial of each name's live entry.
    private var serials: [NameStore.Key: UInt64] = [:]
    /// The bytes of the names in ``serials``: ``names`` is rebuilt when it holds many more.
    private var liveBytes = 0
    /// The entries in claim order. An entry whose name was removed (or added again) meanwhile is
    /// stale: ``serials`` no longer names it, and it is dropped when it reaches the top.
    private var queue = BinaryHeap<Entry>()
    private var lastSerial: UInt64 = 0
    /// Names of files that are not valid jobs, with the reason, not yet taken.
    private var defective: [(name: String, reason: String)] = []

    struct Entry: Sendable, Comparable {
        let key: NameStore.Key
        let priority: Int
        /// `not_before` in seconds since 1970, NaN for none: 8 bytes where a `Date?` takes 16.
        let notBeforeSeconds: Double
        let serial: UInt64

        var name: String { key.name }
        var notBefore: Date? { notBeforeSeconds.isNaN ? nil : Date(timeIntervalSince1970: notBeforeSeconds) }

        /// Claim order.
        static func < (a: Entry, b: Entry) -> Bool {
            a.priority != b.priority ? a.priority > b.priority : a.key < b.key
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
    /// seen before as they are listed, and forgets names that are gone.
    public mutating func refresh(from spool: Spool) throws {
        let knownBefore = serials.count
        let serialBefore = lastSerial
        var present: [NameStore.Key] = []
        try spool.forEachName(in: spool.directory(state)) { name in
            guard Spool.role(of: name, in: state) == .job else { return }
            if let known = findOrAdd(name, from: spool) { present.append(serials.keys[known]) }
        }
        guard present.count != knownBefore else { return }
        let kept = Set(present)
        serials = serials.filter { kept.contains($0.key) || $0.value > serialBefore }
        liveBytes = serials.keys.reduce(0) { $0 + Int($1.count) }
        compactIfStale()
    }

    /// Adds one name (say, from an inotify event).
    public mutating func insert(_ name: String, from spool: Spool) {
        guard Spool.role(of: name, in: state) == .job else { return }
        _ = findOrAdd(name, from: spool)
    }

    /// The files found not to be valid jobs since the last call, with the reason: the caller moves
    /// them aside (``Spool/quarantineIfDefective(_:rules:)``), away from the claim path.
    public mutating func takeDefective() -> [(name: String, reason: String)] {
        defer { defective = [] }
        return defective
    }

    /// Forgets a name (claimed, moved or gone).
    public mutating func remove(_ name: String) {
        guard let known = find(name) else { return }
        liveBytes -= Int(serials.keys[known].count)
        serials.remove(at: known)
        compactIfStale()
    }

    /// Takes the first live entry out of the claim order; it stays in the index, so the caller
    /// either ``remove(_:)``s its name or ``putBack(_:)`` the entry.
    mutating func popFirst() -> Entry? {
        while let entry = queue.popMin() {
            if serials[entry.key] == entry.serial { return entry }
        }
        return nil
    }

    /// Returns an entry taken by ``popFirst()`` to the claim order.
    mutating func putBack(_ entry: Entry) {
        if serials[entry.key] == entry.serial { queue.insert(entry) }
    }

    private var liveEntries: [Entry] { queue.elements.filter { serials[$0.key] == $0.serial } }

    /// Where `name` is in ``serials``. A key is needed to look it up: its bytes are appended to
    /// ``names`` for the lookup and taken back after it.
    private func find(_ name: String) -> Dictionary<NameStore.Key, UInt64>.Index? {
        let probe = names.append(name)
        defer { names.dropLast(probe) }
        return serials.index(forKey: probe)
    }

    /// Where `name` already is in ``serials``, or nil after indexing it (or setting it apart as
    /// defective): the bytes appended for the lookup become its key when it is indexed.
    private mutating func findOrAdd(_ name: String, from spool: Spool) -> Dictionary<NameStore.Key, UInt64>.Index? {
        let probe = names.append(name)
        if let known = serials.index(forKey: probe) {
            names.dropLast(probe)
            return known
        }
        if !add(name, as: probe, from: spool) { names.dropLast(probe) }
        return nil
    }

    /// Indexes `name`, whose `key` is the last one appended to ``names``; false when it is not
    /// kept (set apart as defective), so that the caller takes its bytes back.
    private mutating func add(_ name: String, as key: NameStore.Key, from spool: Spool) -> Bool {
        let priority: Int
        let notBefore: Date?
        if state == .new, let encoded = JobID(fileName: name)?.encodedPriority {
            (priority, notBefore) = (encoded, nil)
        } else {
            do {
                let job = try spool.readJob(name, in: state)
                (priority, notBefore) = (job.priority, job.notBefore)
            } catch let defect as JobDefect where state == .new && spool.isRegularFile(name, in: state) {
                defective.append((name, defect.message))
                return false
            } catch {
                // Unreadable, not a regular file, or gone: the claim finds out which.
                (priority, notBefore) = (0, nil)
            }
        }
        lastSerial += 1
        serials[key] = lastSerial
        liveBytes += Int(key.count)
        queue.insert(Entry(key: key, priority: priority, notBeforeSeconds: notBefore?.timeIntervalSince1970 ?? .nan, serial: lastSerial))
        return true
    }

    /// Rebuilds the claim order without its stale entries once they outnumber the live ones
    /// (names removed without being claimed, as promoted deferred jobs are), and the name store
    /// once most of its bytes are names no longer indexed: O(1) amortised.
    private mutating func compactIfStale() {
        if names.size > 2 * liveBytes + 64 * 1024 {
            let store = NameStore()
            var moved: [NameStore.Key: NameStore.Key] = [:]
            moved.reserveCapacity(serials.count)
            for key in serials.keys { moved[key] = store.append(key.name) }
            serials = Dictionary(uniqueKeysWithValues: serials.map { (moved[$0.key]!, $0.value) })
            queue = BinaryHeap(liveEntries.map { Entry(key: moved[$0.key]!, priority: $0.priority, notBeforeSeconds: $0.notBeforeSeconds, serial: $0.serial) })
            names = store
        } else if queue.count > 2 * serials.count + 64 {
            queue = BinaryHeap(liveEntries)
        }
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
