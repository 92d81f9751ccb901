#ifndef REVQ_CLINUXSHIMS_H
#define REVQ_CLINUXSHIMS_H

// GNU and Linux-only calls that Swift cannot import from Glibc (they are declared only under
// _GNU_SOURCE, are variadic, or have no glibc wrapper), as thin wrappers with plain types.
// Each returns what the underlying call returns and leaves errno as the call left it.

#include <spawn.h>
#include <sys/types.h>

/// POSIX_SPAWN_SETSID: the child calls setsid() and leads a new session and process group.
extern const short revq_spawn_setsid;
/// RENAME_NOREPLACE for revq_renameat2.
extern const unsigned int revq_rename_noreplace;

int revq_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);
int revq_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int from);
/// pidfd_open(2) through syscall(2): a descriptor that polls readable when the process exits.
int revq_pidfd_open(pid_t pid, unsigned int flags);
/// prctl(PR_SET_CHILD_SUBREAPER, 1).
int revq_become_child_subreaper(void);
int revq_pipe2(int fds[2], int flags);
/// accept4(2) without the peer's address.
int revq_accept4(int fd, int flags);
int revq_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags);
int revq_syncfs(int fd);


/// Starts `path` the way revq's posix_spawn call does (a new session, every signal at its default
/// and unblocked, fds 0-2 from `in`, `out`, `err`, working directory `cwd`, no other descriptor),
/// inside the cgroup v2 directory `cgroup_fd` from its first instruction, so nothing it forks
/// can start outside. With `use_clone3`, clone3(CLONE_INTO_CGROUP) places it there; otherwise
/// (clone3 refused: old kernels, or systemd's seccomp filter for RestrictNamespaces=, which
/// answers ENOSYS) the child writes itself into `cgroup_procs_fd` before it executes anything.
/// Returns 0 and sets *pid, or an errno value (that of clone3 itself, ENOSYS included, or the
/// child's failing step).
int revq_spawn_in_cgroup(
    pid_t *pid, const char *path, char *const argv[], char *const envp[], const char *cwd, int in, int out, int err,
    int cgroup_fd, int cgroup_procs_fd, int use_clone3);

/// Reaps `pid` if it is an exited child of this process (waitpid with WNOHANG); returns its pid, 0 or -1.
pid_t revq_reap_if_exited(pid_t pid);

/// Bytes of heap in use, summed over every malloc arena (mallinfo2's uordblks): how tests see a leak.
size_t revq_heap_bytes_in_use(void);

#endif
