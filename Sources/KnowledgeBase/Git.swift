public import Foundation
import Synchronization

/// Runs `git` in a work tree and counts the processes it starts, so that callers (and
/// tests) can check that provenance stays batched.
public final class Git: Sendable {
    public let workTree: URL
    private let started = Atomic<Int>(0)
    private let cachedPrefix = Mutex<String?>(nil)

    public init(workTree: URL) { self.workTree = workTree }

    /// git processes started so far by this instance.
    public var processCount: Int { started.load(ordering: .relaxed) }

    /// The work tree's path below the top of its repository (`rev-parse --show-prefix`),
    /// asked once per instance.
    func prefix() throws -> String {
        if let known = cachedPrefix.withLock({ $0 }) { return known }
        let prefix = String(decoding: try run(["rev-parse", "--show-prefix"]), as: UTF8.self).trimmingCharacters(in: .newlines)
        cachedPrefix.withLock { $0 = prefix }
        return prefix
    }

    /// Runs `git -C <work tree> <arguments>` and returns its stdout; a non-zero exit throws with
    /// git's first stderr line. `posix_spawnp` and one `poll(2)` loop over the pipes: no shell,
    /// no thread, and none of Foundation's `Process` overhead (tens of milliseconds a call here).
    func run(_ arguments: [String], input: Data? = nil) throws -> Data {
        let argv = ["git", "-C", workTree.path, "-c", "core.quotePath=false"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_OPTIONAL_LOCKS"] = "0"  // status must not take the index lock
        environment["LC_ALL"] = "C"
        let child = try GitChild(argv: argv, environment: environment.map { "\($0.key)=\($0.value)" })
        started.add(1, ordering: .relaxed)
        let (output, errors, status) = child.communicate(input: input.map { [UInt8]($0) } ?? [])
        guard status == 0 else {
            let message = String(decoding: errors, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? "exit \(status)"
            throw KnowledgeBaseError("git \(arguments.first ?? "") failed in \(workTree.path): \(message)")
        }
        return Data(output)
    }
}
