import Glibc

/// The names of a ``JobIndex``, each under a number (its id, dense from 0): the names' bytes back
/// to back in one buffer, and an open-addressing table from a name's bytes to its newest id.
/// A name costs its bytes plus an 8-byte span and 8 to 16 bytes of table; as a `String` key of a
/// `Dictionary` it cost about 150 (with 100,000 jobs queued, the index was most of the worker's
/// memory).
///
/// Adding a name that is already there gives it a new id; the old id keeps its bytes, so ids
/// stay valid until the table is ``rebuilt(keeping:)``.
struct NameTable: Sendable {
    private var bytes: [UInt8] = []
    private var spans: [Span] = []
    /// The newest id + 1 of the name hashed near each slot, 0 for an empty slot: linear probing,
    /// a power of two long and at most half full.
    private var slots: [UInt32] = []
    /// The slots that are not empty.
    private var used = 0

    private struct Span {
        let offset: UInt32
        let count: UInt32
    }

    /// The number of ids given out.
    var count: Int { spans.count }

    /// The newest id of `name`, nil when it was never added.
    func find(_ name: String) -> UInt32? {
        var name = name
        return name.withUTF8 { locate($0).id }
    }

    /// Gives `name` the next id, which ``find(_:)`` returns for it from now on.
    mutating func add(_ name: String) -> UInt32 {
        var name = name
        return name.withUTF8 { add($0) }
    }

    func name(of id: UInt32) -> String {
        withBytes(of: id) { String(decoding: $0, as: UTF8.self) }
    }

    /// The order of two ids' names by their UTF-8 bytes (`memcmp`, a name before the longer
    /// names it begins), which for the ASCII names of job ids is the order of their strings.
    func compare(_ a: UInt32, _ b: UInt32) -> Int {
        withBytes(of: a) { x in
            withBytes(of: b) { y in
                let common = min(x.count, y.count)
                let order = common == 0 ? 0 : Int(memcmp(x.baseAddress!, y.baseAddress!, common))
                return order != 0 ? order : x.count - y.count
            }
        }
    }

    /// A table of only the names of `ids`, numbered anew from 0 in that order.
    func rebuilt(keeping ids: [UInt32]) -> NameTable {
        var table = NameTable()
        table.spans.reserveCapacity(ids.count)
        for id in ids { _ = withBytes(of: id) { table.add($0) } }
        return table
    }

    private mutating func add(_ utf8: UnsafeBufferPointer<UInt8>) -> UInt32 {
        precondition(bytes.count + utf8.count <= UInt32.max, "more name bytes than a job index holds")
        if 2 * (used + 1) > slots.count { grow() }
        let id = UInt32(spans.count)
        let (slot, existing) = locate(utf8)
        if existing == nil { used += 1 }
        slots[slot] = id + 1
        spans.append(Span(offset: UInt32(bytes.count), count: UInt32(utf8.count)))
        bytes.append(contentsOf: utf8)
        return id
    }

    /// The slot of `utf8`'s name, with its id, or the empty slot where it would go.
    private func locate(_ utf8: UnsafeBufferPointer<UInt8>) -> (slot: Int, id: UInt32?) {
        guard !slots.isEmpty else { return (0, nil) }
        let mask = slots.count - 1
        var slot = Self.hash(UnsafeRawBufferPointer(utf8)) & mask
        while slots[slot] != 0 {
            let id = slots[slot] - 1
            let same = withBytes(of: id) { stored in
                stored.count == utf8.count && (utf8.isEmpty || memcmp(stored.baseAddress!, utf8.baseAddress!, utf8.count) == 0)
            }
            if same { return (slot, id) }
            slot = (slot + 1) & mask
        }
        return (slot, nil)
    }

    /// Doubles the slots (64 at first) and places every name again.
    private mutating func grow() {
        let old = slots
        slots = [UInt32](repeating: 0, count: max(64, 2 * old.count))
        let mask = slots.count - 1
        for value in old where value != 0 {
            var slot = withBytes(of: value - 1) { Self.hash(UnsafeRawBufferPointer($0)) } & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = value
        }
    }

    private func withBytes<R>(of id: UInt32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let span = spans[Int(id)]
        return bytes.withUnsafeBufferPointer { all in
            body(UnsafeBufferPointer(rebasing: all[Int(span.offset)..<Int(span.offset + span.count)]))
        }
    }

    private static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: bytes)
        return hasher.finalize()
    }
}
