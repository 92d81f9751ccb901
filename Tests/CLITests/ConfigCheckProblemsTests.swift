import Foundation
import TestSupport
import Testing

/// `revq config check` exits 2 when the KB root does not exist or a runner profile's program
/// is not found, naming the profile and the program, after printing the configuration.
@Suite struct ConfigCheckProblemsTests {
    @Test func aMissingKBRootOrRunnerProgramExits2() throws {
        let directory = try TemporaryDirectory("revq-check")
        defer { directory.remove() }
        try directory.write("revq.yaml", "kb_root: kb\nrunners:\n  sample: {kind: command, command: [bin/nope]}\n")
        let missing = try RevqBinary.run(["config", "check", "--config", "revq.yaml"], in: directory.url)
        let kb = directory.url.appendingPathComponent("kb").path
        #expect(missing.status == 2)
        #expect(
            missing.stderr
                == "revq: error: no KB root at \(kb): no such directory; cannot start sample: not an executable file: \(kb)/bin/nope\n")
        #expect(missing.stdout.contains("\nkb_root: \(kb)"))

        try directory.write("kb/kb/notes/a.md", "")
        try directory.write("kb/bin/nope", "#!/bin/sh\n")
        chmod(directory.url.appendingPathComponent("kb/bin/nope").path, 0o755)
        let good = try RevqBinary.run(["config", "check", "--config", "revq.yaml"], in: directory.url)
        #expect(good.status == 0, "\(good.stderr)")

        let builtIn = try RevqBinary.run(["config", "check", "--kb-root", "kb"], in: directory.url, environment: ["PATH": "/usr/bin:/bin"])
        #expect(builtIn.status == 2)
        #expect(
            builtIn.stderr
                == "revq: error: cannot start claude-code: no such program in PATH: claude; cannot start codex: no such program in PATH: codex\n")
    }
}
