import Foundation

/// The sample knowledge base of `revq demo`: five notes (two with the trait `sourced`), gates
/// in two lenses (one requiring that trait), committed to a fresh git repository.
enum DemoKB {
    static func temporaryRoot() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("revq-demo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let files: [(String, String)] = [
        ("kb/notes/tides.md", note("Tides", traits: ["sourced"], "Tides follow the moon; see [orbits](orbits.md).")),
        ("kb/notes/orbits.md", note("Orbits", traits: ["sourced"], "The moon orbits the earth in about 27.3 days.")),
        ("kb/notes/salt.md", note("Salt", traits: [], "Sea water is salty because rivers carry minerals.")),
        ("kb/notes/waves.md", note("Waves", traits: [], "Wind makes waves. Wind makes waves.")),
        ("kb/notes/currents.md", note("Currents", traits: [], "Currents move heat from the equator to the poles.")),
        ("kb/notes/index.md", "# Index\n\nNot a note: index files are skipped.\n"),
        ("kb/instructions/review-gates/prose/clarity.md", gate("prose/clarity", "Is every sentence clear and needed?")),
        ("kb/instructions/review-gates/prose/source-residue.md", gate("prose/source-residue", "Flag text pasted from sources.")),
        (
            "kb/instructions/review-gates/semantic/grounding-alignment.md",
            gate("semantic/grounding-alignment", "Do the claims match the linked notes?", requiresTrait: "sourced")
        ),
    ]

    static func note(_ title: String, traits: [String], _ body: String) -> String {
        "---\ntitle: \(title)\ntraits: [\(traits.joined(separator: ", "))]\n---\n\(body)\n"
    }

    static func gate(_ id: String, _ text: String, requiresTrait: String? = nil) -> String {
        let parts = id.split(separator: "/")
        let trait = requiresTrait.map { "requires_trait: \($0)\n" } ?? ""
        return "---\ngate_id: \(id)\nname: \(parts[1])\nlens: \(parts[0])\nwatches: body\nstaleness: content\n\(trait)---\n\(text)\n"
    }

    static func create(at root: URL) throws {
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        try git(["init", "-q"], in: root)
        try git(["add", "-A"], in: root)
        try git(["commit", "-q", "-m", "sample knowledge base"], in: root)
    }

    /// Changes and commits a reviewed note, so that the stale report has a `note-changed` pair.
    static func editNote(at root: URL) throws -> String {
        let path = "kb/notes/tides.md"
        try Data(note("Tides", traits: ["sourced"], "Tides follow the moon and the sun; see [orbits](orbits.md).").utf8)
            .write(to: root.appendingPathComponent(path))
        try git(["commit", "-q", "-am", "tides: add the sun"], in: root)
        return path
    }

    static func git(_ arguments: [String], in root: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["git", "-c", "user.name=revq demo", "-c", "user.email=demo@revq.invalid", "-c", "init.defaultBranch=main"] + arguments
        process.currentDirectoryURL = root
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CLIFailure.runtime("git \(arguments.joined(separator: " ")) failed in \(root.path)")
        }
    }
}
