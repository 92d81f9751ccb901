import Foundation
import Glibc
import TestSupport
import Testing

/// The files of `systemd/` and the Makefile's data install, checked with systemd's own tools.
/// A test skips only when the tool it needs is not installed.
@Suite struct ServiceUnitTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardizedFileURL
    static let systemdDirectory = repository.appendingPathComponent("systemd")
    /// The worker's units, which share the service contract below.
    static let units = ["revq-worker.service", "revq-worker@.service"]
    /// Every service `make install` ships, each checked by `systemd-analyze security`.
    static let services = units + ["revq-purge.service"]

    /// A program found on `PATH` (or in the usual system directories).
    static func tool(_ name: String) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/bin:/usr/sbin:/sbin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static let analyze = tool("systemd-analyze")

    /// A copy of `unit` in `directory` whose ExecStart names the built `revq`, saved under
    /// `name` (an instance name for the template), so that `verify` can resolve the binary.
    func installedCopy(_ unit: String, as name: String, in directory: TemporaryDirectory) throws -> String {
        let text = try String(contentsOf: Self.systemdDirectory.appendingPathComponent(unit), encoding: .utf8)
        try directory.write(name, text.replacingOccurrences(of: "/usr/local/bin/revq", with: RevqBinary.url.path))
        return directory.url.appendingPathComponent(name).path
    }

    /// Each unit alone, and the purge timer with the service it starts (verify resolves it).
    @Test(
        .enabled(if: analyze != nil, "systemd-analyze is not installed"),
        arguments: [["revq-worker.service"], ["revq-worker@.service"], ["revq-purge.service", "revq-purge.timer"]])
    func theUnitsVerifyCleanly(_ units: [String]) throws {
        let directory = try TemporaryDirectory("revq-units")
        defer { directory.remove() }
        let paths = try units.map { try installedCopy($0, as: $0.replacingOccurrences(of: "@.", with: "@kb1."), in: directory) }
        let result = try Command.run(Self.analyze!, ["verify"] + paths, in: directory.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "systemd-analyze verify warned: \(result.stderr)")
    }

    @Test(.enabled(if: analyze != nil, "systemd-analyze is not installed"), arguments: services)
    func theSecurityExposureIsAtMost2point5(_ unit: String) throws {
        let directory = try TemporaryDirectory("revq-units")
        defer { directory.remove() }
        let path = try installedCopy(unit, as: unit.replacingOccurrences(of: "@.", with: "@kb1."), in: directory)
        let result = try Command.run(Self.analyze!, ["security", "--offline=yes", "--no-pager", path], in: directory.url)
        let summary = result.stdout.split(separator: "\n").first { $0.contains("Overall exposure level") }.map(String.init) ?? ""
        let score = summary.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
        #expect(score != nil, "no exposure level in: \(result.stdout.suffix(300)) \(result.stderr)")
        #expect((score ?? 10) <= 2.5, "\(summary)")
    }

    @Test(arguments: units) func theUnitHasTheServiceContract(_ unit: String) throws {
        let text = try String(contentsOf: Self.systemdDirectory.appendingPathComponent(unit), encoding: .utf8)
        let settings = Dictionary(
            text.split(separator: "\n").filter { !$0.hasPrefix("#") && $0.contains("=") }.map { line -> (String, String) in
                let parts = line.split(separator: "=", maxSplits: 1)
                return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
            }, uniquingKeysWith: { first, _ in first })
        #expect(settings["Type"] == "notify" && settings["NotifyAccess"] == "main")
        #expect(settings["Restart"] == "on-failure" && settings["KillMode"] == "mixed")
        #expect(settings["RestartPreventExitStatus"] == "2", "a config mistake (exit 2) is not restarted")
        #expect(settings["ExecReload"] == "/bin/kill -HUP $MAINPID")
        #expect(settings["User"] == "revq" && settings["Group"] == "revq")
        #expect(Int(settings["WatchdogSec"] ?? "") != nil)
        // The drain grace (30 s by default) plus a runner's SIGTERM-to-SIGKILL grace (10 s) must fit.
        #expect((Int(settings["TimeoutStopSec"] ?? "") ?? 0) > 30 + 10)
        #expect(settings["ReadWritePaths"]?.split(separator: " ").sorted() == ["/var/lib/revq", "/var/spool/revq"])
    }

    @Test func theTemplateReadsTheInstanceConfig() throws {
        let text = try String(contentsOf: Self.systemdDirectory.appendingPathComponent("revq-worker@.service"), encoding: .utf8)
        #expect(text.contains("ExecStart=/usr/local/bin/revq worker --config /etc/revq/%i.yaml\n"))
    }

    /// The spool directories of the tmpfiles rule are exactly those a worker makes.
    @Test func tmpfilesCreatesEverySpoolDirectoryTheWorkerUses() throws {
        let directory = try TemporaryDirectory("revq-spool")
        defer { directory.remove() }
        let spool = directory.url.appendingPathComponent("spool")
        try directory.write("kb/.keep", "")
        let worker = try RevqBinary.run(
            [
                "worker", "--once", "--kb-root", "kb", "--spool", spool.path, "--db",
                directory.url.appendingPathComponent("store.sqlite").path,
            ],
            in: directory.url)
        #expect(worker.status == 0, "\(worker.stderr)")
        let made = try FileManager.default.contentsOfDirectory(atPath: spool.path).filter { !$0.hasPrefix(".") }.sorted()
        let rules = try String(contentsOf: Self.systemdDirectory.appendingPathComponent("revq.tmpfiles.conf"), encoding: .utf8)
        let listed = rules.split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 5, fields[0] == "d", fields[1].hasPrefix("/var/spool/revq/") else { return nil }
            #expect(fields[2] == "2770" && fields[3] == "revq" && fields[4] == "revq", "\(line)")
            return String(fields[1].dropFirst("/var/spool/revq/".count))
        }
        #expect(listed.sorted() == made)
    }

    /// sysusers and tmpfiles applied to an empty root: the user, its group, and the setgid
    /// directories producers in the group can write. Changing ownership needs root.
    @Test(
        .enabled(
            if: tool("systemd-tmpfiles") != nil && tool("systemd-sysusers") != nil && getuid() == 0,
            "needs root and systemd-tmpfiles/-sysusers"))
    func sysusersAndTmpfilesMakeTheLayout() throws {
        let root = try TemporaryDirectory("revq-root")
        defer { root.remove() }
        try root.write("etc/.keep", "")
        try root.write(
            "usr/lib/sysusers.d/revq.conf",
            try String(contentsOf: Self.systemdDirectory.appendingPathComponent("revq.sysusers.conf"), encoding: .utf8))
        try root.write(
            "usr/lib/tmpfiles.d/revq.conf",
            try String(contentsOf: Self.systemdDirectory.appendingPathComponent("revq.tmpfiles.conf"), encoding: .utf8))
        let users = try Command.run(Self.tool("systemd-sysusers")!, ["--root=\(root.path)", "revq.conf"])
        #expect(users.status == 0, "\(users.stderr)")
        let passwd = try root.read("etc/passwd")
        let entry = try #require(passwd.split(separator: "\n").first { $0.hasPrefix("revq:") }).split(
            separator: ":", omittingEmptySubsequences: false)
        #expect(entry[5] == "/var/lib/revq" && entry[6] == "/usr/sbin/nologin")
        #expect(try root.read("etc/group").split(separator: "\n").contains { $0.hasPrefix("revq:x:\(entry[3]):") })

        let files = try Command.run(Self.tool("systemd-tmpfiles")!, ["--root=\(root.path)", "--create", "revq.conf"])
        #expect(files.status == 0, "\(files.stderr)")
        for path in ["var/spool/revq", "var/spool/revq/new", "var/spool/revq/tmp", "var/lib/revq/store"] {
            var info = stat()
            #expect(stat(root.url.appendingPathComponent(path).path, &info) == 0, "\(path) missing")
            #expect(info.st_mode & 0o7777 == 0o2770, "\(path) mode \(String(info.st_mode & 0o7777, radix: 8))")
            #expect(String(info.st_uid) == entry[2] && String(info.st_gid) == entry[3], "\(path) owner")
        }
        var home = stat()
        #expect(stat(root.url.appendingPathComponent("var/lib/revq").path, &home) == 0 && home.st_mode & 0o7777 == 0o750)
    }

    @Test(.enabled(if: tool("make") != nil, "make is not installed"))
    func makeInstallDataStagesEveryFileWithoutReplacingAConfig() throws {
        let stage = try TemporaryDirectory("revq-stage")
        defer { stage.remove() }
        let make = Self.tool("make")!
        let first = try Command.run(make, ["-s", "install-data", "DESTDIR=\(stage.path)", "PREFIX=/usr"], in: Self.repository)
        #expect(first.status == 0, "\(first.stderr)")
        for path in [
            "usr/lib/systemd/system/revq-worker.service", "usr/lib/systemd/system/revq-worker@.service", "usr/lib/tmpfiles.d/revq.conf",
            "usr/lib/sysusers.d/revq.conf", "usr/share/doc/revq/README.md", "etc/revq/revq.yaml",
        ] {
            #expect(FileManager.default.fileExists(atPath: stage.url.appendingPathComponent(path).path), "\(path)")
        }
        let unit = try stage.read("usr/lib/systemd/system/revq-worker.service")
        #expect(unit.contains("ExecStart=/usr/bin/revq worker --config /etc/revq/revq.yaml\n"))

        // The installed config is the shipped one pointed at the service layout, and it parses: the
        // check's only complaint is this machine's, the service's KB root is not there.
        let check = try RevqBinary.run(
            ["config", "check", "--config", stage.url.appendingPathComponent("etc/revq/revq.yaml").path, "--json"], in: stage.url)
        #expect(check.status == 2 && check.stderr.hasPrefix("revq: error: no KB root at /var/lib/revq/kb: no such directory"), "\(check.stderr)")
        let effective = try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any]
        #expect(effective?["kb_root"] as? String == "/var/lib/revq/kb")
        #expect(effective?["spool"] as? String == "/var/spool/revq")
        #expect(effective?["store"] as? String == "/var/lib/revq/store/review-store.sqlite")

        try stage.write("etc/revq/revq.yaml", "concurrency: 7\n")
        let again = try Command.run(make, ["-s", "install-data", "DESTDIR=\(stage.path)", "PREFIX=/usr"], in: Self.repository)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try stage.read("etc/revq/revq.yaml") == "concurrency: 7\n", "an existing config is kept")
    }
}
