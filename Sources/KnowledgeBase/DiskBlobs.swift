import Foundation

extension KnowledgeBase {
    /// The blob shas of files as they are on disk, committed or not (`git hash-object`, one
    /// process for any number of files; works in a repository with no commits). Selection
    /// compares gates by these (SPEC §1).
    public func diskBlobShas(_ paths: [String]) throws -> [String: String] {
        guard !paths.isEmpty else { return [:] }
        let input = Data(paths.map { $0 + "\n" }.joined().utf8)
        let shas = String(decoding: try git.run(["hash-object", "--stdin-paths"], input: input), as: UTF8.self)
            .split(separator: "\n").map(String.init)
        guard shas.count == paths.count else {
            throw KnowledgeBaseError("git hash-object returned \(shas.count) hashes for \(paths.count) files")
        }
        return Dictionary(zip(paths, shas), uniquingKeysWith: { first, _ in first })
    }
}
