import Glibc
import SystemFiles

/// The cgroup v2 directory under which this process makes one cgroup per job: its own cgroup,
/// when it may create children there (systemd's `Delegate=yes` hands the service user its
/// subtree; root may anyway).
///
/// The worker stays in its own cgroup and job cgroups are its children. cgroup v2 forbids
/// processes in a cgroup only once that cgroup enables controllers for its children
/// (`cgroup.subtree_control`); revq enables none (it uses only the core files `cgroup.procs`,
/// `cgroup.events` and `cgroup.kill`), so the worker need not move into a leaf of its own first.
public struct CgroupTree: Sendable, Equatable {
    /// The directory, e.g. `/sys/fs/cgroup/system.slice/revq-worker.service`.
    public let path: String
    /// The same cgroup as `/proc/<pid>/cgroup` names it (after `0::`), e.g. `/system.slice/revq-worker.service`.
    public let name: String

    /// This process's cgroup, if job cgroups can be made under it; otherwise why not.
    /// Found from the cgroup2 mount in `/proc/self/mountinfo` (`/sys/fs/cgroup` under systemd,
    /// `/sys/fs/cgroup/unified` in a hybrid layout) and the `0::` line of `/proc/self/cgroup`,
    /// then proved by creating and removing a probe cgroup that has `cgroup.kill` (Linux ≥ 5.14).
    public static func own() -> Result<CgroupTree, CgroupUnavailable> {
        guard let mounts = readText("/proc/self/mountinfo"), let mount = cgroup2Mount(in: mounts) else {
            return .failure(CgroupUnavailable("no cgroup2 file system is mounted"))
        }
        guard let membership = readText("/proc/self/cgroup"),
            let line = membership.split(separator: "\n").first(where: { $0.hasPrefix("0::") })
        else { return .failure(CgroupUnavailable("this process is in no cgroup v2")) }
        let name = String(line.dropFirst(3))
        guard name == mount.root || name.hasPrefix(mount.root == "/" ? "/" : mount.root + "/") else {
            return .failure(CgroupUnavailable("cgroup \(name) is outside the cgroup2 mount at \(mount.point)"))
        }
        let path = mount.point + (mount.root == "/" ? name : String(name.dropFirst(mount.root.count)))
        let tree = CgroupTree(path: path == mount.point + "/" ? mount.point : path, name: name)
        return tree.probe().map { .failure($0) } ?? .success(tree)
    }

    /// The cgroup directory and name of a child called `leaf`.
    func child(_ leaf: String) -> (path: String, name: String) {
        (path + "/" + leaf, (name == "/" ? "" : name) + "/" + leaf)
    }

    /// Nil when a child cgroup with `cgroup.kill` can be made here; otherwise why not.
    private func probe() -> CgroupUnavailable? {
        let probe = child("revq-probe-\(getpid())").path
        guard mkdir(probe, 0o755) == 0 || errno == EEXIST else {
            return CgroupUnavailable("cannot create a cgroup under \(path): \(errnoText())")
        }
        defer { rmdir(probe) }
        guard access(probe + "/cgroup.kill", W_OK) == 0 else {
            return CgroupUnavailable("cgroup.kill is missing under \(path) (Linux 5.14 or later needed)")
        }
        return nil
    }

    /// The mount point and mounted root of the first cgroup2 file system. A mountinfo line is
    /// `id parent dev root point options [optional…] - fstype source superoptions`.
    package static func cgroup2Mount(in mountinfo: String) -> (point: String, root: String)? {
        for line in mountinfo.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard let dash = fields.firstIndex(of: "-"), dash + 1 < fields.count, fields[dash + 1] == "cgroup2", fields.count > 4 else {
                continue
            }
            return (String(fields[4]), String(fields[3]))
        }
        return nil
    }
}

/// Why cgroup-per-job containment cannot be used here.
public struct CgroupUnavailable: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// A small file's text (a `/proc` or cgroup file); nil when it cannot be read.
func readText(_ path: String) -> String? {
    WholeFile.read(atPath: path).map { String(decoding: $0, as: UTF8.self) }
}
