#define _GNU_SOURCE
#include "CLinuxShims.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/sched.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

const short revq_spawn_setsid = POSIX_SPAWN_SETSID;
const unsigned int revq_rename_noreplace = RENAME_NOREPLACE;

int revq_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

int revq_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}

int revq_pidfd_open(pid_t pid, unsigned int flags) {
    return (int)syscall(SYS_pidfd_open, pid, flags);
}

int revq_become_child_subreaper(void) {
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

int revq_pipe2(int fds[2], int flags) {
    return pipe2(fds, flags);
}

int revq_accept4(int fd, int flags) {
    return accept4(fd, NULL, NULL, flags);
}

int revq_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags) {
    return renameat2(olddirfd, oldpath, newdirfd, newpath, flags);
}

int revq_syncfs(int fd) {
    return syncfs(fd);
}

pid_t revq_reap_if_exited(pid_t pid) {
    return waitpid(pid, NULL, WNOHANG);
}

size_t revq_heap_bytes_in_use(void) {
    return mallinfo2().uordblks;
}

/// The child's side of revq_spawn_in_cgroup: only async-signal-safe calls, as after fork in a
/// threaded process. Reports the failing step's errno on `report` and exits 127.
static void run_child(
    const char *path, char *const argv[], char *const envp[], const char *cwd, int in, int out, int err, int join_fd,
    int report) {
    struct sigaction fallback;
    memset(&fallback, 0, sizeof fallback);
    fallback.sa_handler = SIG_DFL;
    // Handlers first, then the mask: no parent handler may run in the child once signals are unblocked.
    for (int number = 1; number < NSIG; number++) sigaction(number, &fallback, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (join_fd >= 0 && write(join_fd, "0", 1) != 1) goto fail;
    if (setsid() < 0) goto fail;
    if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) goto fail;
    if (chdir(cwd) != 0) goto fail;
    // Close-on-exec rather than close: `report` must stay open until execve succeeds.
    if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) goto fail;
    execve(path, argv, envp);
fail:;
    int failure = errno;
    ssize_t ignored = write(report, &failure, sizeof failure);
    (void)ignored;
    _exit(127);
}

/// What run_child needs, handed to a child that starts on its own stack.
struct child_launch {
    const char *path;
    char *const *argv;
    char *const *envp;
    const char *cwd;
    int in, out, err, report;
};

static void run_launch(void *context) {
    struct child_launch *launch = context;
    run_child(launch->path, launch->argv, launch->envp, launch->cwd, launch->in, launch->out, launch->err, -1, launch->report);
}

#if defined(__x86_64__)
/// clone3 with CLONE_VM | CLONE_VFORK, as glibc's posix_spawn does with clone: the child shares
/// the parent's memory and runs `entry(context)` on `stack` while the parent waits in the kernel
/// until it has called execve or exited. Nothing is copied, so a spawn costs the same whatever
/// the worker's size (a plain fork of the worker copied its page tables: about 1.7 ms, and
/// every page it wrote afterwards faulted once). The child's branch is in assembly because it
/// starts on a fresh stack, where no C frame exists to return to.
static long clone3_vfork(struct clone_args *args, void (*entry)(void *), void *context) {
    long result;
    register void (*entry_register)(void *) __asm__("r12") = entry;
    register void *context_register __asm__("r13") = context;
    __asm__ volatile(
        "syscall\n\t"
        "test %%rax, %%rax\n\t"
        "jnz 1f\n\t"
        "xor %%ebp, %%ebp\n\t"
        "mov %%r13, %%rdi\n\t"
        "call *%%r12\n\t"
        "ud2\n\t"
        "1:\n\t"
        : "=a"(result)
        : "0"((long)SYS_clone3), "D"(args), "S"(sizeof *args), "r"(entry_register), "r"(context_register)
        : "rcx", "r11", "memory");
    if (result < 0) {
        errno = (int)-result;
        return -1;
    }
    return result;
}

enum { child_stack_size = 64 * 1024 };
#endif

int revq_spawn_in_cgroup(
    pid_t *pid, const char *path, char *const argv[], char *const envp[], const char *cwd, int in, int out, int err,
    int cgroup_fd, int cgroup_procs_fd, int use_clone3) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) return errno;
    // Blocked until the child has reset its handlers (the same as glibc's posix_spawn).
    sigset_t every, previous;
    sigfillset(&every);
    pthread_sigmask(SIG_SETMASK, &every, &previous);
    long child;
    if (use_clone3) {
        struct clone_args args;
        memset(&args, 0, sizeof args);
        args.flags = CLONE_INTO_CGROUP;
        args.exit_signal = SIGCHLD;
        args.cgroup = (unsigned long long)cgroup_fd;
#if defined(__x86_64__)
        struct child_launch launch = {path, argv, envp, cwd, in, out, err, report[1]};
        void *stack = mmap(NULL, child_stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
        if (stack == MAP_FAILED) {
            child = -1;
        } else {
            args.flags |= CLONE_VM | CLONE_VFORK;
            args.stack = (unsigned long long)(uintptr_t)stack;
            args.stack_size = child_stack_size;
            child = clone3_vfork(&args, run_launch, &launch);
            int cloneErrno = errno;
            munmap(stack, child_stack_size);  // the child has exec'd or exited: its stack is free
            errno = cloneErrno;
        }
#else
        child = syscall(SYS_clone3, &args, sizeof args);
        if (child == 0) run_launch(&(struct child_launch){path, argv, envp, cwd, in, out, err, report[1]});
#endif
    } else {
        // A plain fork by system call: glibc's fork() would run atfork handlers in a threaded process.
        child = syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);
        if (child == 0) run_child(path, argv, envp, cwd, in, out, err, cgroup_procs_fd, report[1]);
    }
    int cloneError = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    close(report[1]);
    if (child < 0) {
        close(report[0]);
        return cloneError;
    }
    int failure = 0;
    ssize_t count;
    do count = read(report[0], &failure, sizeof failure);
    while (count < 0 && errno == EINTR);
    close(report[0]);
    if (count == (ssize_t)sizeof failure) {
        while (waitpid((pid_t)child, NULL, 0) < 0 && errno == EINTR) {}
        return failure;
    }
    *pid = (pid_t)child;
    return 0;
}
