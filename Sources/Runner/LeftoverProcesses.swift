import Foundation
import Glibc
import SystemFiles

/// Process groups of processes whose environment holds `REVQ_JOB_ID=<jobId>`: the leftovers of
/// a runner whose worker died. Reads `/proc/<pid>/environ` (only this user's processes are
/// readable) and `/proc/<pid>/stat`; never returns this process's own group or group 0/1.
public func leftoverProcessGroups(markedWith jobId: String) -> [Int32] {
    let marker = Array("\(RunnerEnvironment.jobMarker)=\(jobId)".utf8)
    let ownGroup = getpgrp()
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    var groups: Set<Int32> = []
    for entry in entries {
        guard let pid = Int32(entry), pid > 1, pid != getpid() else { continue }
        guard let environ = WholeFile.read(atPath: "/proc/\(pid)/environ") else { continue }
        guard holdsEntry(marker, environ) else { continue }
        guard let group = processGroup(of: pid), group > 1, group != ownGroup else { continue }
        groups.insert(group)
    }
    return groups.sorted()
}

/// Whether the NUL-separated `environ` holds `entry` as one whole entry. Compares in place, entry
/// by entry: the scan reads every process's environment, so it must not copy them.
func holdsEntry(_ entry: [UInt8], _ environ: Data) -> Bool {
    environ.withUnsafeBytes { raw in
        guard let base = raw.baseAddress else { return false }
        var start = 0
        while start < raw.count {
            let end = memchr(base + start, 0, raw.count - start).map { base.distance(to: UnsafeRawPointer($0)) } ?? raw.count
            if end - start == entry.count, memcmp(base + start, entry, entry.count) == 0 { return true }
            start = end + 1
        }
        return false
    }
}

/// Sends SIGKILL to each process group, then waits (up to `wait`) until the groups are gone,
/// reaping members that are children of this process. Returns the groups still present then.
@discardableResult
public func killProcessGroups(_ groups: [Int32], wait: Duration = .seconds(2)) async -> [Int32] {
    let targets = groups.filter { $0 > 1 }
    for group in targets { kill(-group, SIGKILL) }
    let deadline = ContinuousClock.now + wait
    while true {
        for group in targets {
            while waitpid(-group, nil, WNOHANG) > 0 {}
        }
        let present = targets.filter { kill(-$0, 0) == 0 || errno != ESRCH }
        if present.isEmpty || ContinuousClock.now >= deadline { return present }
        try? await Task.sleep(for: .milliseconds(10))
    }
}

/// The process group id: the fifth field of `/proc/<pid>/stat`, counted after the command
/// name, which is in parentheses and may itself hold spaces and parentheses.
func processGroup(of pid: Int32) -> Int32? {
    guard let data = WholeFile.read(atPath: "/proc/\(pid)/stat") else { return nil }
    let text = String(decoding: data, as: UTF8.self)
    guard let close = text.lastIndex(of: ")") else { return nil }
    let fields = text[text.index(after: close)...].split(separator: " ")
    // After the name: state, ppid, pgrp.
    return fields.count > 2 ? Int32(fields[2]) : nil
}
