import Yams

/// How long `revq spool purge --retention` (run daily by `revq-purge.timer`) keeps what the
/// queue leaves behind, in days; `never` in the config (nil here) keeps everything of that kind.
public struct RetentionPolicy: Sendable, Equatable {
    /// Days a job stays in `done/` after it finished.
    public var doneDays: Int? = 14
    /// Days a job stays in `failed/` after it failed.
    public var failedDays: Int? = 30
    /// Days a run's artifact directory under `kb/reports/bundle-reviews/` is kept.
    public var artifactsDays: Int? = 30
    /// Days a superseded run stays in the review store; off unless set. A run whose review is
    /// the newest or the accepted one of its note, gate and partition is never removed.
    public var storeDays: Int?
    public init() {}
}

extension ConfigParser {
    static func retention(_ node: Value) throws -> RetentionPolicy {
        var policy = RetentionPolicy()
        let keys: [String: WritableKeyPath<RetentionPolicy, Int?>] = [
            "done_days": \.doneDays, "failed_days": \.failedDays, "artifacts_days": \.artifactsDays, "store_days": \.storeDays,
        ]
        try Fields("retention", node.node).read { key, value in
            guard let field = keys[key] else { return false }
            policy[keyPath: field] = try value.days("retention.\(key)")
            return true
        }
        return policy
    }
}

extension Value {
    /// A whole number of days, at least 1, or `never` (nil).
    func days(_ key: String) throws -> Int? {
        guard isPlainScalar else { throw ConfigError(key, node, "must be a number of days or never") }
        if node.string == "never" { return nil }
        guard let days = node.int, days >= 1 else { throw ConfigError(key, node, "must be a number of days (at least 1) or never") }
        return days
    }
}
