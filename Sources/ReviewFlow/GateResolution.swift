public import KnowledgeBase
import ReviewFormat

/// The requested gate set of a note, with what was left out and why (`revq gates`).
public struct GateResolution: Sendable, Equatable, Codable {
    public struct Requested: Sendable, Equatable, Codable {
        public var id: String
        public var ordinal: Int
        public var path: String
        /// The gate's blob sha as it is on disk.
        public var sha: String
        /// Whether that content is committed: only then can a review run be created with it.
        public var committed: Bool
    }

    public struct Skipped: Sendable, Equatable, Codable {
        public var id: String
        /// `requires trait <t>` or `repeated`.
        public var reason: String
    }

    public var note: String
    public var gates: [Requested]
    public var skipped: [Skipped]

    /// Expands the arguments in order as a review does (SPEC §1): gates the note lacks the
    /// trait for and repeated gates are skipped, the rest numbered from 0. Unknown gates and
    /// unreadable notes throw, as for a review.
    public static func resolve(kb: KnowledgeBase, notePath: String, gateArguments: [String]) throws -> GateResolution {
        let note = try kb.note(notePath)
        var applicable: [Gate] = []
        var skipped: [Skipped] = []
        var seen: Set<String> = []
        for id in try gateArguments.flatMap(kb.gateIds) {
            guard seen.insert(id).inserted else {
                skipped.append(Skipped(id: id, reason: "repeated"))
                continue
            }
            let gate = try kb.gate(id)
            if gate.applies(to: note) {
                applicable.append(gate)
            } else {
                skipped.append(Skipped(id: id, reason: "requires trait \(gate.requiresTrait ?? "")"))
            }
        }
        let onDisk = try kb.diskBlobShas(applicable.map(\.path))
        let committed = (try? kb.gateShas(applicable)) ?? [:]
        let gates = applicable.enumerated().map { ordinal, gate in
            let sha = onDisk[PathKey(gate.path)] ?? ""
            let isCommitted = committed.isEmpty ? (try? kb.gateShas([gate]))?[gate.id] == sha : committed[gate.id] == sha
            return Requested(id: gate.id, ordinal: ordinal, path: gate.path, sha: sha, committed: isCommitted)
        }
        return GateResolution(note: note.path, gates: gates, skipped: skipped)
    }
}
