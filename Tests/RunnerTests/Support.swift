import Foundation
import Glibc
import RevqConfig
import Runner
import TestSupport
import Testing

/// A scratch area for one test: a KB root, an artifacts directory, a `HOME`, and fake programs.
struct RunnerSandbox {
    let directory: TemporaryDirectory
    var root: String { directory.path }
    var kbRoot: String { root + "/kb" }
    var artifacts: String { root + "/artifacts" }
    var home: String { root + "/home" }

    init() throws {
        directory = try TemporaryDirectory("revq-runner")
        for path in [kbRoot, artifacts, home, root + "/bin"] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
    }

    func remove() { directory.remove() }

    /// Writes an executable `/bin/sh` script and returns its path.
    @discardableResult
    func script(_ name: String, _ body: String) throws -> String {
        let path = root + "/bin/" + name
        try Data(("#!/bin/sh\n" + body + "\n").utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o755)
        return path
    }

    func write(_ path: String, _ text: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    func read(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    /// The parent environment the runner sees: this process's PATH, the sandbox's HOME, and
    /// variables that must not pass.
    var parentEnvironment: [String: String] {
        [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8",
            "NOTIFY_SOCKET": "/run/systemd/notify", "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1", "REVQ_CONFIG": "/etc/revq.yaml",
            "SECRET_TOKEN": "hunter2",
        ]
    }

    func invocation(
        _ name: String, _ profile: RunnerProfile, prompt: String = "Review kb/notes/a.md.", environment: [String: String] = [:]
    ) -> RunnerInvocation {
        RunnerInvocation(
            profileName: name, profile: profile, prompt: prompt, kbRoot: kbRoot, artifactsDirectory: artifacts,
            outputCapBytes: 1 << 20, environment: environment, parentEnvironment: parentEnvironment)
    }

    /// A bare launch of `arguments` with short limits, output into the artifacts directory.
    func launch(
        _ arguments: [String], timeout: Duration = .seconds(5), grace: Duration = .milliseconds(300), cap: Int = 1 << 20
    )
        -> ProcessLaunch
    {
        ProcessLaunch(
            arguments: arguments, workingDirectory: kbRoot, environment: RunnerEnvironment.scrubbed(from: parentEnvironment),
            stdoutPath: artifacts + "/out.txt", stderrPath: artifacts + "/err.txt", outputCapBytes: cap, timeout: timeout,
            grace: grace)
    }
}

/// True when no process of the group exists any more (zombies included).
func groupIsGone(_ group: Int32) -> Bool {
    kill(-group, 0) == -1 && errno == ESRCH
}

/// A string as a JSON string literal.
func jsonString(_ text: String) -> String {
    String(decoding: (try? JSONEncoder().encode(text)) ?? Data(), as: UTF8.self)
}

/// Decodes a telemetry JSON object for inspection.
func object(_ json: String?) throws -> [String: Any] {
    let data = Data(try #require(json).utf8)
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

let sampleBundle = """
    === GATE REVIEW START: prose/source-residue ===
    The note still quotes its source verbatim in two places.

    - WARN: paragraph 3 repeats the source's wording.

    ## Result: WARN
    === GATE REVIEW END: prose/source-residue ===

    === GATE REVIEW START: semantic/grounding-alignment ===
    Claims match the cited notes.

    ## Result: PASS
    === GATE REVIEW END: semantic/grounding-alignment ===

    """
let sampleGates = ["prose/source-residue", "semantic/grounding-alignment"]
