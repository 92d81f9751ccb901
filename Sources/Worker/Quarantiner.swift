import Dispatch
import Logging
import Spool

/// Moves bad files of `new/` aside (SPEC §5 "Bad files") on a queue of its own, one log line
/// each, so that thousands of them dropped at once never delay a ready job: the pool's index
/// sets them apart when it first reads them (``JobIndex/takeDefective()``) and claims on.
final class Quarantiner: Sendable {
    private let queue = DispatchQueue(label: "revq.quarantine")
    private let context: WorkerContext
    /// Called with a name that turned out to be a valid job when checked again under its lock.
    private let readmit: @Sendable (String) -> Void

    init(context: WorkerContext, readmit: @escaping @Sendable (String) -> Void) {
        self.context = context
        self.readmit = readmit
    }

    /// Returns once every file submitted so far has been dealt with.
    func drain() async {
        await withCheckedContinuation { continuation in queue.async { continuation.resume() } }
    }

    func submit(_ files: [(name: String, reason: String)]) {
        guard !files.isEmpty else { return }
        let names = files.map(\.name)
        queue.async { [context, readmit] in
            for name in names {
                do {
                    switch try context.spool.quarantineIfDefective(name, rules: context.rules) {
                    case .quarantined(let reason, let target):
                        context.logger.warning(
                            "bad job file quarantined", metadata: ["file": "\(name)", "to": "failed/\(target)", "reason": "\(reason)"])
                    case .valid:
                        readmit(name)
                    case .notHere:
                        break
                    }
                } catch {
                    context.logger.error("cannot quarantine a bad job file", metadata: ["file": "\(name)", "error": "\(error)"])
                }
            }
        }
    }
}
