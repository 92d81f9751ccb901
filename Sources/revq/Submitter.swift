import Foundation

/// `user@host` of this process, a job's `submitted_by`: the user is `$USER`, else `$LOGNAME`,
/// else the password database's name for the real uid, else the uid itself.
enum Submitter {
    static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        return user(environment) + "@" + String(cString: host)
    }

    private static func user(_ environment: [String: String]) -> String {
        if let name = environment["USER"] ?? environment["LOGNAME"], !name.isEmpty { return name }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name, name.pointee != 0 { return String(cString: name) }
        return String(getuid())
    }
}
