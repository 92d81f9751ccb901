import Glibc

/// Finds the file a program name starts, as `posix_spawn` with a searched `PATH` would: a name
/// without `/` is searched in `searchPath`; a relative path is taken relative to the working
/// directory. The enqueue and `config check` refusals and the runner launch share it, so they
/// agree on what "not found" means and say it in the same words.
public enum ProgramLookup {
    public struct NotFound: Error, Sendable, Equatable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public static func resolve(_ program: String, workingDirectory: String, searchPath: String?) throws(NotFound) -> String {
        if program.contains("/") {
            let path = program.hasPrefix("/") ? program : workingDirectory + "/" + program
            guard isExecutableFile(path) else { throw NotFound(message: "not an executable file: \(path)") }
            return path
        }
        for directory in (searchPath ?? "").split(separator: ":") where directory.hasPrefix("/") {
            let candidate = directory + "/" + program
            if isExecutableFile(candidate) { return candidate }
        }
        throw NotFound(message: "no such program in PATH: \(program)")
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
    }
}
