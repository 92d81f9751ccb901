public import Foundation

/// The `revq` executable built beside the test bundle, run as a real child process.
public enum RevqBinary {
    public static var url: URL {
        let testBinary = URL(
            fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        var directory = testBinary.deletingLastPathComponent()
        // On Linux the test bundle is `<build dir>/revqPackageTests.xctest`, a file beside `revq`.
        while !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("revq").path), directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("revq")
    }

    /// A clean environment: no `REVQ_*` variables from the caller, only what the test gives.
    public static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "LANG": "C.UTF-8",
        ]
        environment.merge(extra) { _, new in new }
        return environment
    }

    @discardableResult
    public static func run(
        _ arguments: [String], in directory: URL, environment extra: [String: String] = [:], stdin: String? = nil
    ) throws -> CommandResult {
        try Command.run(url.path, arguments, in: directory, environment: environment(extra), stdin: stdin)
    }
}
