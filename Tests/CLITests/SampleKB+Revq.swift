import Foundation
import TestSupport

extension SampleKB {
    /// Runs the built `revq` with `arguments` in this KB, with ``RunnerStandIns`` on `PATH`.
    func revq(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws -> CommandResult {
        try RevqBinary.run(
            arguments, in: root, environment: RunnerStandIns.environment.merging(environment) { _, given in given }, stdin: stdin)
    }

    /// Runs the built `revq` with `arguments` and `--json`; the parsed output, or a failure
    /// naming the command and its stderr when it exits non-zero.
    func revqJSON(_ arguments: [String]) throws -> Any {
        let result = try revq(arguments + ["--json"])
        guard result.status == 0 else { throw TestFailure("\(arguments): \(result.stderr)") }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }
}

/// Programs named `codex` and `claude`, the built-in runner profiles' programs, that fail when
/// run: enqueueing refuses a job whose runner program is not found, and these tests run no runner.
enum RunnerStandIns {
    /// Made once per test process, left for the system's temporary-file cleaning.
    static let directory: URL = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("revq-runner-stand-ins-\(getpid())")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for name in ["codex", "claude"] {
            let path = directory.appendingPathComponent(name).path
            FileManager.default.createFile(atPath: path, contents: Data("#!/bin/sh\nexit 97\n".utf8), attributes: [.posixPermissions: 0o755])
        }
        return directory
    }()

    static var environment: [String: String] {
        ["PATH": directory.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
    }
}
