import Foundation
import RevqConfig
import Spool

/// What `revq worker` refuses at start, before it makes a store or logs `ready`: every job
/// would fail, or the worker would log the same error forever.
enum WorkerStartCheck {
    static func check(_ settings: Settings) throws {
        if let problem = settings.kbRootNotFound { throw CLIFailure.input(problem) }
        let spool = Spool(root: settings.spoolPath.path)
        do {
            try spool.createDirectories()
        } catch {
            throw CLIFailure.input("cannot write the spool \(spool.root): \(CLIFailure(error).message)")
        }
        // Each directory the worker writes into, by a file made and removed (as root, mode bits do not refuse).
        for directory in JobState.allCases.map(\.rawValue) + ["tmp", "keys"] {
            let probe = "\(spool.root)/\(directory)/.revq-start-probe-\(getpid())"
            let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                throw CLIFailure.input("cannot write the spool directory \(spool.root)/\(directory): \(String(cString: strerror(errno)))")
            }
            close(fd)
            unlink(probe)
        }
    }
}
