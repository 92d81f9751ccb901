import CGit2

extension Repository {
    /// The bytes of each blob; an id the repository does not have as a blob is left out.
    package func blobContents(_ ids: [ObjectID]) -> [ObjectID: [UInt8]] {
        withHandle { repository in
            var contents: [ObjectID: [UInt8]] = [:]
            for id in ids {
                var blob: OpaquePointer?
                var oid = id.oid
                guard git_blob_lookup(&blob, repository, &oid) == 0, let blob else { continue }
                defer { git_blob_free(blob) }
                let size = Int(git_blob_rawsize(blob))
                contents[id] = size == 0 ? [] : Array(UnsafeRawBufferPointer(start: git_blob_rawcontent(blob), count: size))
            }
            return contents
        }
    }

    /// `git diff <commit> -- <path>`: the patch of one file from a commit to the work tree, as
    /// git prints it (the index decides what is tracked, like git's own command).
    package func patch(from commit: ObjectID, path: [UInt8]) throws -> String {
        try withHandle { repository in
            let tree = try Self.tree(of: commit, in: repository)
            defer { git_tree_free(tree) }
            var options = git_diff_options()
            git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION))
            options.flags = GIT_DIFF_DISABLE_PATHSPEC_MATCH.rawValue
            return try Self.withCString(path) { cPath in
                var strings: [UnsafeMutablePointer<CChar>?] = [UnsafeMutablePointer(mutating: cPath)]
                return try strings.withUnsafeMutableBufferPointer { buffer in
                    options.pathspec = git_strarray(strings: buffer.baseAddress, count: 1)
                    var diff: OpaquePointer?
                    let status = git_diff_tree_to_workdir_with_index(&diff, repository, tree, &options)
                    guard status == 0, let diff else { throw GitError.last("diff \(commit)", status) }
                    defer { git_diff_free(diff) }
                    var text = git_buf()
                    defer { git_buf_dispose(&text) }
                    let printed = git_diff_to_buf(&text, diff, GIT_DIFF_FORMAT_PATCH)
                    guard printed == 0 else { throw GitError.last("print the diff of \(commit)", printed) }
                    guard let pointer = text.ptr else { return "" }
                    return String(decoding: UnsafeRawBufferPointer(start: pointer, count: text.size), as: UTF8.self)
                }
            }
        }
    }
}
