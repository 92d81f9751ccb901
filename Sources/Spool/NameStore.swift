import Glibc
import Synchronization

/// The names of a ``JobIndex``, stored back to back in one byte buffer. A name costs its bytes
/// plus a 16-byte ``Key``, where a `String` of a generated id is a heap object of about 96 bytes
/// (with 100,000 jobs queued, the index was most of the worker's memory).
///
/// Bytes behind a key never change, so keys stay valid while names are added, also when copies
/// of an index share the store. ``JobIndex`` builds a new store when most of the bytes belong to
/// names it no longer holds.
final class NameStore: Sendable {
    private let bytes = Mutex<[UInt8]>([])

    /// Bytes of names that were added and not taken back.
    var size: Int { bytes.withLock { $0.count } }

    func append(_ name: String) -> Key {
        bytes.withLock { bytes in
            let offset = bytes.count
            bytes.append(contentsOf: name.utf8)
            return Key(store: self, offset: UInt32(offset), count: UInt32(bytes.count - offset))
        }
    }

    /// Takes back a name only looked up, not kept, when nothing was added after it (otherwise
    /// its bytes stay until the store is rebuilt).
    func dropLast(_ key: Key) {
        bytes.withLock { bytes in
            if key.store === self, Int(key.offset + key.count) == bytes.count { bytes.removeLast(Int(key.count)) }
        }
    }

    /// Calls `body` with the bytes of `a` and of `b`, under each store's lock once.
    fileprivate static func withBytes(of a: Key, and b: Key, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Bool) -> Bool {
        a.store.bytes.withLock { first in
            first.withUnsafeBytes { x in
                let left = UnsafeRawBufferPointer(rebasing: x[a.range])
                if a.store === b.store { return body(left, UnsafeRawBufferPointer(rebasing: x[b.range])) }
                return b.store.bytes.withLock { second in
                    second.withUnsafeBytes { y in body(left, UnsafeRawBufferPointer(rebasing: y[b.range])) }
                }
            }
        }
    }

    /// A name in a store: equal, hashed and ordered by its UTF-8 bytes (for the ASCII names of
    /// job ids, the order of their strings).
    struct Key: Hashable, Comparable, Sendable {
        let store: NameStore
        let offset: UInt32
        let count: UInt32

        fileprivate var range: Range<Int> { Int(offset)..<Int(offset + count) }

        var name: String {
            store.bytes.withLock { bytes in bytes.withUnsafeBytes { String(decoding: $0[range], as: UTF8.self) } }
        }

        static func == (a: Key, b: Key) -> Bool {
            a.count == b.count && NameStore.withBytes(of: a, and: b) { compare($0, $1) == 0 }
        }

        static func < (a: Key, b: Key) -> Bool {
            NameStore.withBytes(of: a, and: b) { compare($0, $1) < 0 }
        }

        /// `memcmp` order, a shorter name first when it is the other's prefix.
        private static func compare(_ x: UnsafeRawBufferPointer, _ y: UnsafeRawBufferPointer) -> Int {
            let common = min(x.count, y.count)
            let order = common == 0 ? 0 : Int(memcmp(x.baseAddress!, y.baseAddress!, common))
            return order != 0 ? order : x.count - y.count
        }

        func hash(into hasher: inout Hasher) {
            store.bytes.withLock { bytes in bytes.withUnsafeBytes { hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: $0[range])) } }
        }
    }
}
