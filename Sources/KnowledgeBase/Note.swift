/// A note of the knowledge base: `<notes root>/<name>.md`, top level only.
public struct Note: Sendable {
    /// Path relative to the KB root, e.g. `kb/notes/a.md`.
    public let path: String
    public let text: String
    public let frontmatter: Frontmatter

    /// The note's `traits:` list.
    public var traits: [String] { frontmatter.lists["traits"] ?? [] }
}

/// A review gate: `<gates root>/<lens>/<name>.md`; its id is `<lens>/<name>`.
public struct Gate: Sendable, Equatable {
    public let id: String
    /// Path relative to the KB root.
    public let path: String
    public let lens: String
    /// The definition given to a runner: the file without its frontmatter.
    public let text: String
    /// The trait a note must list for this gate to apply to it, if any.
    public let requiresTrait: String?

    public func applies(to note: Note) -> Bool {
        requiresTrait.map(note.traits.contains) ?? true
    }
}
