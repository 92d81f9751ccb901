public import Foundation
public import KnowledgeBase

/// The retention purge of artifact directories: `review-run-<id>/` and
/// `sweep-<batch>-attempt-<n>/` under `kb/reports/bundle-reviews/`. Every artifact can be
/// rebuilt from the store (``ReviewArtifacts``), so removing one loses only a copy.
public enum ArtifactRetention {
    /// The directories whose newest entry (or the directory itself) was modified before
    /// `cutoff`, sorted by name; a run in `keeping` (a running one) is never listed.
    public static func expired(in kb: KnowledgeBase, before cutoff: Date, keeping: Set<Int64>) throws -> [URL] {
        let root = ReviewArtifacts.root(of: kb)
        let files = FileManager.default
        guard files.fileExists(atPath: root.path) else { return [] }
        return try files.contentsOfDirectory(atPath: root.path).sorted().compactMap { name -> URL? in
            guard name.hasPrefix("review-run-") || name.hasPrefix("sweep-") else { return nil }
            if name.hasPrefix("review-run-"), let id = Int64(name.dropFirst("review-run-".count)), keeping.contains(id) { return nil }
            let directory = root.appendingPathComponent(name, isDirectory: true)
            guard let newest = lastModified(directory), newest < cutoff else { return nil }
            return directory
        }
    }

    /// The latest modification time of `directory` and of the entries directly in it; nil
    /// when it is not a directory.
    static func lastModified(_ directory: URL) -> Date? {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        guard files.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
        let entries = (try? files.contentsOfDirectory(atPath: directory.path)) ?? []
        return ([directory] + entries.map { directory.appendingPathComponent($0) })
            .compactMap { try? files.attributesOfItem(atPath: $0.path)[.modificationDate] as? Date }.max()
    }
}
