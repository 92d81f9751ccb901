public import Foundation

/// The paths and config a command works with, after SPEC §6 precedence:
/// flags beat `REVQ_*` environment variables, which beat the config file, which beats the defaults.
public struct Settings: Sendable {
    public let config: Config
    /// The config file read, if any.
    public let configPath: String?
    public let kbRoot: URL
    /// Set when the KB root named is no directory, or none was named and none was found from the
    /// current directory up (``kbRoot`` is then the current directory): what was looked for, and where.
    public let kbRootNotFound: String?
    public let notesRoot: String
    public let gatesRoot: String
    public let storePath: URL
    public let spoolPath: URL

    /// Flag values as given on the command line (nil when absent).
    public struct Overrides: Sendable {
        public var config, kbRoot, db, spool: String?
        public init(config: String? = nil, kbRoot: String? = nil, db: String? = nil, spool: String? = nil) {
            self.config = config
            self.kbRoot = kbRoot
            self.db = db
            self.spool = spool
        }
    }

    public init(flags: Overrides, environment: [String: String], currentDirectory: String) throws {
        func given(_ flag: String?, _ variable: String) -> String? {
            if let flag, !flag.isEmpty { return flag }
            if let value = environment[variable], !value.isEmpty { return value }
            return nil
        }
        let cwd = URL(fileURLWithPath: currentDirectory, isDirectory: true)
        let configPath = given(flags.config, "REVQ_CONFIG").map { Self.absolute($0, against: cwd).path }
        let config = try configPath.map(ConfigParser.load(path:)) ?? Config()
        let configDirectory = configPath.map { URL(fileURLWithPath: $0).deletingLastPathComponent() } ?? cwd

        let named =
            given(flags.kbRoot, "REVQ_KB_ROOT").map { Self.absolute($0, against: cwd) }
            ?? config.kbRoot.map { Self.absolute($0, against: configDirectory) }
        let found = named == nil ? KBRootDiscovery.find(from: cwd.standardizedFileURL, notesRoot: config.notesRoot) : nil
        let kbRoot = (named ?? found ?? cwd).standardizedFileURL
        kbRootNotFound =
            if let named { KBRootDiscovery.isDirectory(named) ? nil : "no KB root at \(named.standardizedFileURL.path): no such directory" }
            else if found == nil { KBRootDiscovery.notFound(from: cwd.standardizedFileURL, notesRoot: config.notesRoot) }
            else { nil }
        self.config = config
        self.configPath = configPath
        self.kbRoot = kbRoot
        self.notesRoot = config.notesRoot
        self.gatesRoot = config.gatesRoot
        self.storePath =
            given(flags.db, "REVQ_DB").map { Self.absolute($0, against: cwd) }
            ?? config.store.map { Self.absolute($0, against: kbRoot) }
            ?? kbRoot.appendingPathComponent("kb/reports/review-store.sqlite")
        self.spoolPath =
            given(flags.spool, "REVQ_SPOOL").map { Self.absolute($0, against: cwd) }
            ?? config.spool.map { Self.absolute($0, against: kbRoot) }
            ?? kbRoot.appendingPathComponent("kb/reports/spool", isDirectory: true)
    }

    static func absolute(_ path: String, against base: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)
    }
}
