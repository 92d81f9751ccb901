/// The first of `patterns` found in `text`, compared case-insensitively; nil when none is.
/// The worker applies it to a runner's stdout and stderr to tell an exhausted quota from a failure.
public func matchesQuota(_ text: String, patterns: [String]) -> String? {
    let haystack = text.lowercased()
    return patterns.first { !$0.isEmpty && haystack.contains($0.lowercased()) }
}
