import ArgumentParser
import Foundation
import KnowledgeBase
import ReviewStore
import RevqConfig

/// The options every command takes; see SPEC §6 for their precedence.
struct GlobalOptions: ParsableArguments {
    @Option(help: "Config file (default: $REVQ_CONFIG, else built-in defaults).")
    var config: String?

    @Option(
        help: """
            Knowledge base root, a git work tree (default: $REVQ_KB_ROOT, config kb_root, else the first directory \
            from the current one up that holds the notes root, else the top of the current git work tree).
            """)
    var kbRoot: String?

    @Option(help: "Review store (default: $REVQ_DB, config store, <kb root>/kb/reports/review-store.sqlite).")
    var db: String?

    @Option(help: "Spool directory (default: $REVQ_SPOOL, config spool, <kb root>/kb/reports/spool).")
    var spool: String?

    /// The resolved settings for this process.
    func settings() throws -> Settings {
        try Settings(
            flags: .init(config: config, kbRoot: kbRoot, db: db, spool: spool),
            environment: ProcessInfo.processInfo.environment,
            currentDirectory: FileManager.default.currentDirectoryPath
        )
    }

    func knowledgeBase(_ settings: Settings) -> KnowledgeBase {
        var kb = KnowledgeBase(root: settings.kbRoot, notesRoot: settings.notesRoot, gatesRoot: settings.gatesRoot)
        kb.rootNotFound = settings.kbRootNotFound
        return kb
    }

    /// The review store if its file exists, else nil: commands that only read the store never
    /// create one. An existing store that cannot be opened is an error, not an empty store.
    func existingStore(_ settings: Settings) throws -> ReviewStore? {
        FileManager.default.fileExists(atPath: settings.storePath.path) ? try store(settings) : nil
    }

    /// The review store, which must exist: for commands that only read it and have nothing to
    /// show without one (`runs ls`, `runs show`).
    func readStore(_ settings: Settings) throws -> ReviewStore {
        guard let store = try existingStore(settings) else { throw CLIFailure.input("no review store at \(settings.storePath.path)") }
        return store
    }

    /// Opens (creating if needed) the review store.
    func store(_ settings: Settings) throws -> ReviewStore {
        try ReviewStore(path: settings.storePath.path, busyTimeout: TimeInterval(settings.config.busyTimeoutSeconds))
    }
}
