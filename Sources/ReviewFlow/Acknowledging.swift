import Foundation
public import KnowledgeBase
import ReviewFormat
public import ReviewStore

/// What `revq ack` acknowledges (SPEC §2): a (note, gate) pair's current content accepted on
/// the strength of the review accepted before, written as a `trivial-change-ack`.
public enum Acknowledging {
    /// Named pairs, accepted as they are now: the note's provenance and the gate's committed
    /// content (a dirty gate is refused as for a review). Every pair needs an acceptance,
    /// which the store checks when it writes.
    public static func pairs(kb: KnowledgeBase, pairs: [(note: String, gate: String)]) throws -> [Acknowledgement] {
        let notes = try pairs.map { try kb.notePath($0.note) }
        let gates = try pairs.map { try kb.gate($0.gate) }
        let provenance = try kb.provenance(notes: notes, gates: gates)
        var seen: Set<PairKey> = []
        return zip(zip(notes, provenance.notes), gates).compactMap { noteAndProvenance, gate in
            let (note, current) = noteAndProvenance
            guard seen.insert(PairKey(note, gate.id)).inserted else { return nil }
            return Acknowledgement(
                notePath: note, gateId: gate.id, noteSha: current.sha, noteCommit: current.commit, gateSha: provenance.gateShas[gate.id])
        }
    }

    /// The trivial changes: `note-changed` pairs (of every gate, of `notePaths` or every note,
    /// `currentOnly` as for `stale`) whose note changed only in parts the gate does not watch.
    /// The accepted content is read from git by its blob sha; a pair whose old content git
    /// does not have, or whose gate cannot be read or has no valid `watches`, does not qualify.
    public static func trivialChanges(
        kb: KnowledgeBase, store: ReviewStore, modelId: String, notePaths: [String]?, currentOnly: Bool
    ) throws -> [Acknowledgement] {
        let lenses = try FileManager.default.contentsOfDirectory(atPath: kb.root.appendingPathComponent(kb.gatesRoot).path)
            .filter { (try? kb.gateIds(for: $0)) != nil }.sorted()
        let changed = try StaleSelection.select(
            kb: kb, store: store, modelId: modelId, gateArguments: lenses, notePaths: notePaths, currentOnly: currentOnly
        ).pairs.filter { $0.reason == .noteChanged }.map(\.candidate)
        guard !changed.isEmpty else { return [] }
        let acceptances = try store.currentAcceptances(modelId: modelId)
        let previousTexts = try kb.blobTexts(changed.compactMap { acceptances[PairKey($0.notePath, $0.gateId)]?.acceptedNoteSha })
        // Caches by byte keys: a note's NFC or NFD twin is another note (see `PathKey`).
        var watches: [PathKey: Set<NotePart>?] = [:]
        var currentParts: [PathKey: NoteParts?] = [:]
        let qualifying = try changed.filter { candidate in
            let (note, gate) = (PathKey(candidate.notePath), PathKey(candidate.gateId))
            if watches[gate] == nil {
                let path = "\(kb.gatesRoot)/\(candidate.gateId).md"
                let text = try? String(contentsOf: kb.root.appendingPathComponent(path), encoding: .utf8)
                watches[gate] = text.flatMap { NotePart.watched(by: $0, path: path) }
            }
            if currentParts[note] == nil {
                currentParts[note] = NoteParts(text: try kb.note(candidate.notePath).text, path: candidate.notePath)
            }
            guard let watched = watches[gate] ?? nil, let current = currentParts[note] ?? nil,
                let sha = acceptances[PairKey(candidate.notePath, candidate.gateId)]?.acceptedNoteSha,
                let previous = previousTexts[sha].flatMap({ NoteParts(text: $0, path: candidate.notePath) })
            else { return false }
            return NoteParts.changedOnlyUnwatched(previous: previous, current: current, watches: watched)
        }
        return qualifying.map {
            Acknowledgement(notePath: $0.notePath, gateId: $0.gateId, noteSha: $0.noteSha, noteCommit: $0.noteCommit)
        }
    }
}
