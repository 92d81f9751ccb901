public import Foundation
import Glibc

/// A worker's in-memory view of `new/` (or `deferred/`): each file is read once, when first
/// seen, for its priority and `not_before`; the claim order (priority descending, then name —
/// which for generated ids is submission order) is kept sorted as names come and go, so a claim
/// never reads every job file. Files that cannot be read get priority 0; claiming them moves
/// them to `failed/`. Files that read but are not valid jobs are set apart at once and handed
/// out by ``takeDefective()``, so that moving them aside never delays a claim.
public struct JobIndex: Sendable {
    public let state: JobState
    private var headers: [String: Header] = [:]
    /// Sorted by claim order.
    private var order: [Header] = []
    /// Names of files that are not valid jobs, with the reason, not yet taken.
    private var defective: [(name: String, reason: String)] = []

    struct Header: Sendable, Comparable {
        let name: String
        let priority: Int
        let notBefore: Date?
        /// Why the file is not a valid job, when it read as one that is not.
        var defect: String? = nil

        static func < (a: Header, b: Header) -> Bool {
            a.priority != b.priority ? a.priority > b.priority : a.name < b.name
        }
    }

    public init(state: JobState = .new) { self.state = state }

    public var count: Int { order.count }
    public var isEmpty: Bool { order.isEmpty }

    /// Names in claim order.
    public var names: [String] { order.map(\.name) }

    /// Names whose `not_before` has passed (or that have none), in claim order.
    public func due(at now: Date) -> [String] {
        order.filter { header in header.notBefore.map { $0 <= now } ?? true }.map(\.name)
    }

    /// The earliest `not_before` still in the future of `now`, if any: when the next job becomes due.
    public func nextDue(after now: Date) -> Date? {
        order.compactMap(\.notBefore).filter { $0 > now }.min()
    }

    /// Re-lists the directory (names only), reads the files not seen before, and forgets names that are gone.
    public mutating func refresh(from spool: Spool) throws {
        let listed = try spool.names(in: state)
        let present = Set(listed)
        if present.count != headers.count || !headers.keys.allSatisfy(present.contains) {
            headers = headers.filter { present.contains($0.key) }
        }
        var added = false
        for name in listed where headers[name] == nil {
            let header = Self.readHeader(name, state: state, spool: spool)
            if let defect = header.defect {
                defective.append((name, defect))
            } else {
                headers[name] = header
                added = true
            }
        }
        if added || order.count != headers.count { order = headers.values.sorted() }
    }

    /// Adds one name (say, from an inotify event), reading its file once.
    public mutating func insert(_ name: String, from spool: Spool) {
        guard headers[name] == nil, Spool.role(of: name, in: state) == .job else { return }
        let header = Self.readHeader(name, state: state, spool: spool)
        if let defect = header.defect { return defective.append((name, defect)) }
        headers[name] = header
        order.insert(header, at: insertionIndex(of: header))
    }

    /// The files found not to be valid jobs since the last call, with the reason: the caller moves
    /// them aside (``Spool/quarantineIfDefective(_:rules:)``), away from the claim path.
    public mutating func takeDefective() -> [(name: String, reason: String)] {
        defer { defective = [] }
        return defective
    }

    /// Forgets a name (claimed, moved or gone).
    public mutating func remove(_ name: String) {
        guard let header = headers.removeValue(forKey: name) else { return }
        let index = insertionIndex(of: header)
        if index < order.count, order[index].name == name { order.remove(at: index) }
    }

    private func insertionIndex(of header: Header) -> Int {
        var low = 0
        var high = order.count
        if let last = order.last, last < header { return order.count }
        while low < high {
            let middle = (low + high) / 2
            if order[middle] < header { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static func readHeader(_ name: String, state: JobState, spool: Spool) -> Header {
        do {
            let job = try spool.readJob(name, in: state)
            return Header(name: name, priority: job.priority, notBefore: job.notBefore)
        } catch let defect as JobDefect where state == .new && spool.isRegularFile(name, in: state) {
            return Header(name: name, priority: 0, notBefore: nil, defect: defect.message)
        } catch {
            // Unreadable, not a regular file, or gone: the claim finds out which.
            return Header(name: name, priority: 0, notBefore: nil)
        }
    }
}

extension Spool {
    /// Claims the first job of `index` (a view of `new/`) that can be claimed, in claim order;
    /// names lost to others or moved to `failed/` are dropped from the index, busy ones kept.
    /// Nil when nothing can be claimed now.
    public func claimNext(from index: inout JobIndex, rules: JobRules, now: Date = Date()) throws -> ClaimedJob? {
        for name in index.names {
            switch try claim(name, rules: rules, now: now) {
            case .claimed(let job):
                index.remove(name)
                return job
            case .lost, .quarantined:
                index.remove(name)
            case .busy:
                continue
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
