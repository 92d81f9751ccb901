import ArgumentParser
import Foundation
import Spool

extension SpoolCommand {
    struct Purge: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "purge",
            abstract: "Remove finished or failed jobs (with their sidecars) older than a duration, or all that the config's retention: allows.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "done or failed.") var state: String?
        @Option(help: "Age such as 30d, 12h, 90m, 3600 (seconds).") var olderThan: String?
        @Flag(help: "Purge done/, failed/, artifact directories and (if retention.store_days is set) old runs per the config's retention: keys.")
        var retention = false
        @Flag(help: "List what would be removed; remove nothing.") var dryRun = false

        func validate() throws {
            if retention {
                guard state == nil, olderThan == nil else { throw ValidationError("--retention takes no --state or --older-than") }
                return
            }
            guard let state, let _ = olderThan else { throw ValidationError("give --state and --older-than, or --retention") }
            guard state == "done" || state == "failed" else { throw ValidationError("--state must be done or failed") }
        }

        func run() throws {
            let spool = try global.openSpool()
            if retention {
                let settings = try global.settings()
                let purge = RetentionPurge(
                    settings: settings, knowledgeBase: global.knowledgeBase(settings), store: try global.existingStore(settings),
                    dryRun: dryRun)
                return try purge.run(spool)
            }
            let state = try JobState.parse(state ?? "")
            let age = try DurationText.seconds(olderThan ?? "")
            let result = try spool.purge(state, olderThan: age, dryRun: dryRun)
            if dryRun { result.removed.forEach { print("would purge \($0)") } }
            print("\(dryRun ? "would purge" : "purged") \(result.removed.count) from \(state.directoryName)")
            for name in result.skipped { print("skipped \(name) (a directory: look at it)") }
        }
    }
}
