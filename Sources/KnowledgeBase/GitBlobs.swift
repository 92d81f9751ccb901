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

extension KnowledgeBase {
    /// The contents of git blobs by sha (`git cat-file --batch`, one process for any number);
    /// a sha git does not have, or a blob that is not UTF-8, is left out.
    public func blobTexts(_ shas: [String]) throws -> [String: String] {
        let wanted = Array(Set(shas)).sorted()
        guard !wanted.isEmpty else { return [:] }
        let output = [UInt8](try git.run(["cat-file", "--batch"], input: Data(wanted.map { $0 + "\n" }.joined().utf8)))
        var texts: [String: String] = [:]
        var index = 0
        for sha in wanted {
            // "<sha> blob <size>\n<content>\n", or "<sha> missing\n".
            guard let newline = output[index...].firstIndex(of: UInt8(ascii: "\n")) else { break }
            let header = String(decoding: output[index..<newline], as: UTF8.self).split(separator: " ")
            index = newline + 1
            guard header.count == 3, let size = Int(header[2]), index + size <= output.count else { continue }
            if header[1] == "blob", let text = String(validating: output[index..<(index + size)], as: UTF8.self) { texts[sha] = text }
            index += size + 1
        }
        return texts
    }

    /// The unified diffs of files from one commit to the work tree, by KB-relative path, from
    /// one `git diff <commit> -- <paths>`; a file that did not change has no entry.
    public func diffs(since commit: String, paths: [String]) throws -> [String: String] {
        guard !paths.isEmpty else { return [:] }
        let prefix = try git.prefix()
        let output = String(
            decoding: try git.run(["diff", "--no-color", "--no-ext-diff", commit, "--"] + paths.map { ":(literal)\($0)" }), as: UTF8.self)
        var headers: [String: String] = [:]
        for path in paths { headers["diff --git a/\(prefix)\(path) b/\(prefix)\(path)"] = path }
        var diffs: [String: String] = [:]
        var current: String?
        for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("diff --git ") { current = headers[String(line)] }
            if let current { diffs[current, default: ""] += line + "\n" }
        }
        return diffs.mapValues { $0.hasSuffix("\n\n") ? String($0.dropLast()) : $0 }
    }
}
