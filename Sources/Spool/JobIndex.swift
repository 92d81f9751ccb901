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
    /// The names seen since the index was last rebuilt, each under an id: a name seen again
    /// after its removal gets a new id, and its old one stays removed.
    private var names = NameTable()
    /// What is known of each id's job, by id.
    private var records: [Record] = []
    /// The queued ids in claim order. An id removed meanwhile stays until it reaches the top (or
    /// the index is rebuilt), and is then dropped.
    private var queue = BinaryHeap<UInt32>()
    /// Ids queued or taken (``popFirst()``), not removed.
    private var liveCount = 0
    /// Ids taken and neither removed nor put back: while there are any, ids keep their numbers.
    private var takenCount = 0
    /// Bumped when the index is rebuilt and ids are numbered anew.
    private var generation = 0
    /// Names of files that are not valid jobs, with the reason, not yet taken.
    private var defective: [(name: String, reason: String)] = []

    private struct Record: Sendable {
        let priority: Int
        /// `not_before` in seconds since 1970, NaN for none: 8 bytes where a `Date?` takes 16.
        let notBeforeSeconds: Double
        var status: Status

        var notBefore: Date? { notBeforeSeconds.isNaN ? nil : Date(timeIntervalSince1970: notBeforeSeconds) }
    }

    private enum Status: UInt8 {
        case queued, taken, removed
    }

    /// A job taken out of the claim order by ``popFirst()``.
    struct Entry: Sendable {
        fileprivate let id: UInt32
        fileprivate let generation: Int
        let name: String
    }

    /// Claim order of ids: priority descending, then name.
    private struct ClaimOrder {
        let names: NameTable
        let records: [Record]

        func less(_ a: UInt32, _ b: UInt32) -> Bool {
            let (x, y) = (records[Int(a)].priority, records[Int(b)].priority)
            return x != y ? x > y : names.compare(a, b) < 0
        }
    }

    public init(state: JobState = .new) { self.state = state }

    public var count: Int { liveCount }
    public var isEmpty: Bool { liveCount == 0 }

    /// Names whose `not_before` has passed (or that have none), in claim order (a linear pass:
    /// meant for `deferred/`).
    public func due(at now: Date) -> [String] {
        let order = claimOrder
        return queuedIDs.filter { records[Int($0)].notBefore.map { $0 <= now } ?? true }.sorted(by: order.less).map(names.name(of:))
    }

    /// The earliest `not_before` still in the future of `now`, if any: when the next job becomes due.
    public func nextDue(after now: Date) -> Date? {
        queuedIDs.compactMap { records[Int($0)].notBefore }.filter { $0 > now }.min()
    }

    /// Re-lists the directory (names only, unsorted: the heap orders them), adds the names not
    /// seen before, and forgets names that are gone.
    public mutating func refresh(from spool: Spool) throws {
        let known = records.count
        var seen = [Bool](repeating: false, count: known)
        var added: [UInt32] = []
        try spool.forEachName(in: spool.directory(state)) { name in
            guard Spool.role(of: name, in: state) == .job else { return }
            if let id = liveID(of: name) {
                if id < known { seen[Int(id)] = true }
            } else if let id = add(name, from: spool) {
                added.append(id)
            }
        }
        for id in 0..<known where !seen[id] && records[id].status != .removed { markRemoved(id) }
        enqueue(added)
        compactIfStale()
    }

    /// Adds one name (say, from an inotify event).
    public mutating func insert(_ name: String, from spool: Spool) {
        guard Spool.role(of: name, in: state) == .job, liveID(of: name) == nil, let id = add(name, from: spool) else { return }
        enqueue([id])
    }

    /// The files found not to be valid jobs since the last call, with the reason: the caller moves
    /// them aside (``Spool/quarantineIfDefective(_:rules:)``), away from the claim path.
    public mutating func takeDefective() -> [(name: String, reason: String)] {
        defer { defective = [] }
        return defective
    }

    /// Forgets a name (claimed, moved or gone).
    public mutating func remove(_ name: String) {
        guard let id = liveID(of: name) else { return }
        markRemoved(Int(id))
        compactIfStale()
    }

    /// Takes the first queued job out of the claim order; it stays in the index, so the caller
    /// either ``remove(_:)``s its name or ``putBack(_:)`` the entry.
    mutating func popFirst() -> Entry? {
        while let id = popQueue() {
            guard records[Int(id)].status == .queued else { continue }
            records[Int(id)].status = .taken
            takenCount += 1
            return Entry(id: id, generation: generation, name: names.name(of: id))
        }
        return nil
    }

    /// Returns an entry taken by ``popFirst()`` to the claim order, unless its name was removed
    /// meanwhile.
    mutating func putBack(_ entry: Entry) {
        guard entry.generation == generation, records[Int(entry.id)].status == .taken else { return }
        records[Int(entry.id)].status = .queued
        takenCount -= 1
        enqueue([entry.id])
    }

    private var claimOrder: ClaimOrder { ClaimOrder(names: names, records: records) }

    private var queuedIDs: [UInt32] { queue.elements.filter { records[Int($0)].status == .queued } }

    /// The id under which `name` is queued or taken.
    private func liveID(of name: String) -> UInt32? {
        names.find(name).flatMap { records[Int($0)].status == .removed ? nil : $0 }
    }

    /// Puts `ids` into the claim order. (The order holds the tables only for the call, so that
    /// changing them afterwards copies nothing.)
    private mutating func enqueue(_ ids: [UInt32]) {
        let order = claimOrder
        queue.insert(contentsOf: ids, by: order.less)
    }

    private mutating func popQueue() -> UInt32? {
        let order = claimOrder
        return queue.popMin(by: order.less)
    }

    private mutating func markRemoved(_ id: Int) {
        if records[id].status == .taken { takenCount -= 1 }
        records[id].status = .removed
        liveCount -= 1
    }

    /// Gives `name` an id and a record, to be queued by the caller; nil when it is set apart as
    /// defective instead.
    private mutating func add(_ name: String, from spool: Spool) -> UInt32? {
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
                return nil
            } catch {
                // Unreadable, not a regular file, or gone: the claim finds out which.
                (priority, notBefore) = (0, nil)
            }
        }
        let id = names.add(name)
        records.append(Record(priority: priority, notBeforeSeconds: notBefore?.timeIntervalSince1970 ?? .nan, status: .queued))
        liveCount += 1
        return id
    }

    /// Rebuilds the index from its live names, numbered anew, once removed ids outnumber them
    /// (and none is taken): O(1) amortised.
    private mutating func compactIfStale() {
        guard takenCount == 0, records.count > 2 * liveCount + 1024 else { return }
        let kept = records.indices.filter { records[$0].status == .queued }.map(UInt32.init)
        names = names.rebuilt(keeping: kept)
        records = kept.map { records[Int($0)] }
        generation += 1
        let order = claimOrder
        queue = BinaryHeap(Array(0..<UInt32(kept.count)), by: order.less)
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
