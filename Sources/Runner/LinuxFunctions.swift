import Glibc

/// Linux-only libc functions that Swift cannot import (GNU extensions, variadic calls),
/// resolved once with `dlsym` and kept as addresses so the table is `Sendable`.
struct LinuxFunctions: Sendable {
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32
    typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    typealias PidfdOpen = @convention(c) (pid_t, UInt32) -> Int32
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32
    /// `prctl` is variadic; every option used here takes integer arguments only.
    typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32

    /// `POSIX_SPAWN_SETSID` (glibc ≥ 2.26): the child calls `setsid()` and leads a new session and process group.
    static let spawnSetsid: Int16 = 0x80
    /// `PR_SET_CHILD_SUBREAPER`.
    static let setChildSubreaper: Int32 = 36

    private let addChdirAddress: UInt
    private let addClosefromAddress: UInt
    private let pidfdOpenAddress: UInt
    private let prctlAddress: UInt
    private let pipe2Address: UInt

    static let shared = LinuxFunctions()

    private init() {
        let handle = dlopen(nil, RTLD_NOW)
        addChdirAddress = UInt(bitPattern: dlsym(handle, "posix_spawn_file_actions_addchdir_np"))
        addClosefromAddress = UInt(bitPattern: dlsym(handle, "posix_spawn_file_actions_addclosefrom_np"))
        pidfdOpenAddress = UInt(bitPattern: dlsym(handle, "pidfd_open"))
        prctlAddress = UInt(bitPattern: dlsym(handle, "prctl"))
        pipe2Address = UInt(bitPattern: dlsym(handle, "pipe2"))
    }

    /// `posix_spawn_file_actions_addchdir_np` (glibc ≥ 2.29).
    var addChdir: AddChdir? { function(addChdirAddress) }
    /// `posix_spawn_file_actions_addclosefrom_np` (glibc ≥ 2.34).
    var addClosefrom: AddClosefrom? { function(addClosefromAddress) }
    /// `pidfd_open` (glibc ≥ 2.36): a descriptor that polls readable when the process exits.
    var pidfdOpen: PidfdOpen? { function(pidfdOpenAddress) }
    var prctl: Prctl? { function(prctlAddress) }
    /// `pipe2`: a pipe whose both ends are created with the given flags (here `O_CLOEXEC`), with no window
    /// in which another thread's child could inherit them.
    var pipe2: Pipe2? { function(pipe2Address) }

    private func function<F>(_ address: UInt) -> F? {
        UnsafeRawPointer(bitPattern: address).map { unsafeBitCast($0, to: F.self) }
    }
}
