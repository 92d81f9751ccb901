import Foundation
import TestSupport

extension SampleKB {
    /// Runs the built `revq` with `arguments` in this KB.
    func revq(_ arguments: [String]) throws -> CommandResult { try RevqBinary.run(arguments, in: root) }

    /// Runs the built `revq` with `arguments` and `--json`; the parsed output, or a failure
    /// naming the command and its stderr when it exits non-zero.
    func revqJSON(_ arguments: [String]) throws -> Any {
        let result = try revq(arguments + ["--json"])
        guard result.status == 0 else { throw TestFailure("\(arguments): \(result.stderr)") }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }
}
