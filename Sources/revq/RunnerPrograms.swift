import Foundation
import RevqConfig
import Runner

extension Settings {
    /// Why the runner profile `name` cannot start, in the words of the worker's failure reason
    /// (`cannot start codex: no such program in PATH: codex`), or nil when its program is found
    /// as the worker would look for it: in the runner's `PATH`, relative paths from the KB root.
    /// An unknown profile is the job rules' refusal, not this one's.
    func runnerProgramProblem(_ name: String) -> String? {
        guard let program = config.runners[name]?.command.first else { return nil }
        do {
            _ = try ProgramLookup.resolve(program, workingDirectory: kbRoot.path, searchPath: RunnerEnvironment.scrubbed()["PATH"])
            return nil
        } catch {
            return RunnerTermination.launchFailed(error.message).failureReason(profileName: name)
        }
    }
}
