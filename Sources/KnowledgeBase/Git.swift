import Dispatch
public import Foundation
import Synchronization

/// Runs `git` in a work tree and counts the processes it starts, so that callers (and
/// tests) can check that provenance stays batched.
public final class Git: Sendable {
    public let workTree: URL
    private let started = Atomic<Int>(0)

    public init(workTree: URL) { self.workTree = workTree }

    /// git processes started so far by this instance.
    public var processCount: Int { started.load(ordering: .relaxed) }

    /// Runs `git <arguments>` with the work tree as current directory and returns its
    /// stdout; a non-zero exit throws with git's stderr.
    func run(_ arguments: [String], input: Data? = nil) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-c", "core.quotePath=false"] + arguments
        process.currentDirectoryURL = workTree
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_OPTIONAL_LOCKS"] = "0"  // status must not take the index lock
        environment["LC_ALL"] = "C"
        process.environment = environment
        let stdout = Pipe()
        let stderr = Pipe()
        let stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        do {
            try process.run()
        } catch {
            throw KnowledgeBaseError("cannot run git: \(error.localizedDescription)")
        }
        started.add(1, ordering: .relaxed)
        // stdin and stderr are served on other threads so that no pipe can fill up and block.
        let helpers = DispatchGroup()
        if let input {
            let writer = stdin.fileHandleForWriting
            DispatchQueue.global().async(group: helpers) {
                try? writer.write(contentsOf: input)
                try? writer.close()
            }
        }
        let errors = Mutex(Data())
        DispatchQueue.global().async(group: helpers) {
            let data = stderr.fileHandleForReading.readDataToEndOfFile()
            errors.withLock { $0 = data }
        }
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        helpers.wait()
        guard process.terminationStatus == 0 else {
            let message =
                errors.withLock { String(decoding: $0, as: UTF8.self) }
                .split(separator: "\n").first.map(String.init) ?? "exit \(process.terminationStatus)"
            throw KnowledgeBaseError("git \(arguments.first ?? "") failed in \(workTree.path): \(message)")
        }
        return output
    }
}
