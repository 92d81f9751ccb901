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
int revq_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags);
int revq_syncfs(int fd);



#endif
