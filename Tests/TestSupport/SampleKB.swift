public import Foundation
public import KnowledgeBase

/// A real git knowledge base in a temporary directory: three notes (one with the trait
/// `sourced` and links), gates in two lenses, one of them requiring the trait `sourced`.
public struct SampleKB: Sendable {
    public let directory: TemporaryDirectory
    public var root: URL { directory.url }
    public var kb: KnowledgeBase { KnowledgeBase(root: root) }

    public static let residue = "prose/source-residue"
    public static let clarity = "prose/clarity"
    public static let grounding = "semantic/grounding-alignment"
    public static let noteA = "kb/notes/a.md"
    public static let noteB = "kb/notes/b.md"
    public static let noteC = "kb/notes/c.md"

    public init() throws {
        directory = try TemporaryDirectory("revq-kb")
        try git(["init", "-q", "-b", "main"])
        try git(["config", "user.email", "test@revq.invalid"])
        try git(["config", "user.name", "revq test"])
        try write(Self.noteA, Self.note(title: "A", traits: ["sourced"], body: "Alpha cites [b](b.md) and [gone](missing.md#x)."))
        try write(Self.noteB, Self.note(title: "B", traits: [], body: "Beta body."))
        try write(Self.noteC, Self.note(title: "C", traits: ["draft"], body: "Gamma body."))
        try write("kb/notes/index.md", "# Index\n")
        try write(
            "kb/instructions/review-gates/prose/source-residue.md", Self.gate(id: Self.residue, text: "Flag text pasted from sources."))
        try write("kb/instructions/review-gates/prose/clarity.md", Self.gate(id: Self.clarity, text: "Is the note clear?"))
        try write(
            "kb/instructions/review-gates/semantic/grounding-alignment.md",
            Self.gate(id: Self.grounding, text: "Do claims match their sources?", requiresTrait: "sourced"))
        try commit("initial knowledge base")
    }

    public func remove() { directory.remove() }

    public func write(_ path: String, _ text: String) throws { try directory.write(path, text) }

    @discardableResult
    public func git(_ arguments: [String]) throws -> String { try Command.git(arguments, in: root) }

    public func commit(_ message: String) throws {
        try git(["add", "-A"])
        try git(["commit", "-q", "-m", message])
    }

    public func head() throws -> String {
        try git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public static func note(title: String, traits: [String], body: String) -> String {
        "---\ntitle: \(title)\ntraits: [\(traits.joined(separator: ", "))]\n---\n\(body)\n"
    }

    public static func gate(id: String, text: String, requiresTrait: String? = nil) -> String {
        let parts = id.split(separator: "/")
        var front = "---\ngate_id: \(id)\nname: \(parts[1])\nlens: \(parts[0])\nwatches: body\nstaleness: content\n"
        if let requiresTrait { front += "requires_trait: \(requiresTrait)\n" }
        return front + "---\n\(text)\n"
    }
}
