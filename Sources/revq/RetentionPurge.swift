import Foundation
import KnowledgeBase
import ReviewFlow
import ReviewStore
import RevqConfig
import Spool

/// `revq spool purge --retention`, what `revq-purge.timer` runs daily: removes from `done/`,
/// `failed/`, the artifact directories and (only when `retention.store_days` is set) the review
/// store whatever is older than the config's `retention:` keys say, one line per kind.
struct RetentionPurge {
    let settings: Settings
    let knowledgeBase: KnowledgeBase
    let store: ReviewStore?
    let dryRun: Bool
    let now = Date()

    func run(_ spool: Spool) throws {
        let policy = settings.config.retention
        let verb = dryRun ? "would remove" : "removed"
        for (state, days) in [(JobState.done, policy.doneDays), (.failed, policy.failedDays)] {
            guard let days else {
                print("\(state.directoryName): kept (retention.\(state.rawValue)_days: never)")
                continue
            }
            let result = try spool.purge(state, olderThan: Self.seconds(days), now: now, dryRun: dryRun)
            print("\(state.directoryName): \(verb) \(result.removed.count) older than \(days) days")
            for name in result.skipped { print("skipped \(name) (a directory: look at it)") }
        }
        if let days = policy.artifactsDays {
            let expired = try ArtifactRetention.expired(in: knowledgeBase, before: cutoff(days), keeping: try store?.runningRunIDs() ?? [])
            if !dryRun { for directory in expired { try FileManager.default.removeItem(at: directory) } }
            print("artifacts: \(verb) \(expired.count) directories older than \(days) days")
        } else {
            print("artifacts: kept (retention.artifacts_days: never)")
        }
        switch (policy.storeDays, store) {
        case (nil, _): print("store: kept (retention.store_days not set)")
        case (_?, nil): print("store: none at \(settings.storePath.path)")
        case (let days?, let store?):
            let runs = try store.pruneRuns(endedBefore: cutoff(days), dryRun: dryRun)
            print("store: \(verb) \(runs.count) superseded runs ended more than \(days) days ago")
        }
    }

    static func seconds(_ days: Int) -> TimeInterval { TimeInterval(days) * 86_400 }
    func cutoff(_ days: Int) -> Date { now.addingTimeInterval(-Self.seconds(days)) }
}
