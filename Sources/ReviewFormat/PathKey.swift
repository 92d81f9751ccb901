/// A path (a note path, a gate id) as a set member or dictionary key, compared byte for byte.
///
/// `String` equality and hashing are canonical equivalence, so a `Set<String>` holds only one
/// of `café.md` spelled NFC and spelled NFD. File names are bytes, and such twins are two notes
/// (SPEC §1): collections keyed by note paths go through this type.
public struct PathKey: Hashable, Sendable, CustomStringConvertible {
    public let path: String

    public init(_ path: String) { self.path = path }

    public var description: String { path }

    public static func == (left: PathKey, right: PathKey) -> Bool {
        left.path.utf8.elementsEqual(right.path.utf8)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(path.utf8.count)
        for byte in path.utf8 { hasher.combine(byte) }
    }
}

extension Sequence<String> {
    /// The paths without repeats (byte for byte), first wins, in order.
    public func uniquedByBytes() -> [String] {
        var seen: Set<PathKey> = []
        return filter { seen.insert(PathKey($0)).inserted }
    }
}
