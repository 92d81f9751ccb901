import Foundation
import TestSupport
import Testing

/// `make install` of a binary built elsewhere, staged, and the committed man pages against the
/// command tree they document.
@Suite struct InstallTests {
    static let repository = ServiceUnitTests.repository

    /// Every command path of the binary (`["spool", "ls"]`, …, `[]` for revq itself) with the
    /// long option names it takes, from swift-argument-parser's own dump of the tree.
    static func commandTree() throws -> [(path: [String], options: [String])] {
        let dump = try RevqBinary.run(["--experimental-dump-help"], in: repository)
        #expect(dump.status == 0, "\(dump.stderr)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        var commands: [(path: [String], options: [String])] = []
        func walk(_ command: [String: Any], _ path: [String]) {
            let arguments = command["arguments"] as? [[String: Any]] ?? []
            let options = arguments.filter { $0["shouldDisplay"] as? Bool ?? true }.flatMap { argument in
                (argument["names"] as? [[String: String]] ?? []).filter { $0["kind"] == "long" }.compactMap { $0["name"] }
            }
            commands.append((path, options))
            for sub in command["subcommands"] as? [[String: Any]] ?? [] {
                walk(sub, path + [sub["commandName"] as? String ?? "?"])
            }
        }
        walk(try #require(root["command"] as? [String: Any]), [])
        return commands
    }

    @Test func everyCommandAndOptionHasItsManPage() throws {
        let tree = try Self.commandTree()
        #expect(tree.count > 20, "the dump lists the whole tree")
        for (path, options) in tree {
            let name = (["revq"] + path).joined(separator: ".") + ".1"
            let page = Self.repository.appendingPathComponent("docs/man/\(name)")
            let text = try? String(contentsOf: page, encoding: .utf8)
            #expect(text != nil, "docs/man/\(name) is missing: run `make man`")
            for option in options where option != "help" {
                #expect(text?.contains("Fl -\(option)") ?? false, "\(name) lacks --\(option): run `make man`")
            }
        }
    }

    @Test(.enabled(if: ServiceUnitTests.tool("make") != nil, "make is not installed"))
    func aStagedInstallOfAGivenBinaryBuildsNothingAndShipsEverything() throws {
        let stage = try TemporaryDirectory("revq-stage")
        defer { stage.remove() }
        // SWIFT=false: any build the install tried would fail it.
        let make = try Command.run(
            ServiceUnitTests.tool("make")!,
            ["-s", "install", "DESTDIR=\(stage.path)", "PREFIX=/usr", "REVQ_BIN=\(RevqBinary.url.path)", "SWIFT=false"],
            in: Self.repository)
        #expect(make.status == 0, "\(make.stderr)")
        #expect(FileManager.default.contentsEqual(atPath: stage.url.appendingPathComponent("usr/bin/revq").path, andPath: RevqBinary.url.path))

        let pages = try Self.commandTree().map { (["revq"] + $0.path).joined(separator: ".") + ".1" }
        let docs = ["README.md", "spool/README.md", "systemd/README.md", "docs/fuzzing.md", "docs/status-page.png", "config/revq.yaml"]
        let expected =
            pages.map { "usr/share/man/man1/\($0)" } + docs.map { "usr/share/doc/revq/\($0)" }
            + ["revq-worker.service", "revq-worker@.service", "revq-purge.service", "revq-purge.timer"].map { "usr/lib/systemd/system/\($0)" }
        for path in expected {
            #expect(FileManager.default.fileExists(atPath: stage.url.appendingPathComponent(path).path), "\(path) not installed")
        }
        let purge = try stage.read("usr/lib/systemd/system/revq-purge.service")
        #expect(purge.contains("ExecStart=/usr/bin/revq spool purge --retention --config /etc/revq/revq.yaml\n"))

        // The completions are the installed binary's own, one per shell, naming its commands.
        for (path, marker) in [
            ("usr/share/bash-completion/completions/revq", "-F _revq revq"), ("usr/share/zsh/site-functions/_revq", "#compdef revq"),
            ("usr/share/fish/vendor_completions.d/revq.fish", "complete -c 'revq'"),
        ] {
            let script = try stage.read(path)
            #expect(script.contains(marker) && script.contains("enqueue") && script.contains("purge"), "\(path)")
        }
    }
}
