/*
 * alloc_shim.h -- the allocation-failure shim shared by test_alloc_fail.c and
 * test_summary_alloc.c. Include it once, in a glibc program linked with -rdynamic (so
 * that the library, the statically linked Swift runtime and pthread_create bind to it),
 * after `#define _GNU_SOURCE`.
 *
 * It defines malloc, calloc, realloc, free, posix_memalign, aligned_alloc, memalign and
 * valloc on top of glibc's __libc_* functions. While `shim_armed` is set, every
 * allocation (on any thread) is counted in `shim_count`, and the `shim_fail_at`-th one
 * (1-based; 0: none) returns NULL with errno ENOMEM.
 *
 * shim_run_failing(k, call, which, out, size) forks a child that resets the count, fails
 * the k-th allocation, runs call(which, out) (which arms the shim around the library
 * call) and sends the `size` bytes of *out back; stderr of the child goes to /dev/null
 * (a Swift "Fatal error" would be reported by the parent as a signal). It returns 0 when
 * the child exited normally with a whole report in *out, otherwise the child's wait
 * status (never 0) or -1 when pipe or fork failed.
 *
 * The library keeps its scratch blocks (64 KiB and more) between calls (see
 * diffauroc_release_memory in diffauroc.h): a call after a warm one would take them from
 * that cache and never ask malloc, so neither its count nor its failing k would cover
 * them. So both shim_count_allocations and the child of shim_run_failing release the
 * cache (unarmed) before the call: every block the call needs is malloc'd, as in a fresh
 * process. Include diffauroc.h before this file.
 */
#ifndef DIFFAUROC_TEST_ALLOC_SHIM_H
#define DIFFAUROC_TEST_ALLOC_SHIM_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);

static volatile long shim_count = 0;   /* allocations seen while armed */
static volatile long shim_fail_at = 0; /* 1-based index to fail; 0: none */
static volatile int shim_armed = 0;

/* 1 if this allocation must fail (counted only while armed, on any thread) */
static int shim_fails(void) {
    long k;
    if (!shim_armed) return 0;
    k = __atomic_add_fetch(&shim_count, 1, __ATOMIC_SEQ_CST);
    if (k == shim_fail_at) {
        errno = ENOMEM;
        return 1;
    }
    return 0;
}

void *malloc(size_t n) { return shim_fails() ? NULL : __libc_malloc(n); }
void *calloc(size_t a, size_t b) { return shim_fails() ? NULL : __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { return shim_fails() ? NULL : __libc_realloc(p, n); }
void free(void *p) { __libc_free(p); }
void *memalign(size_t alignment, size_t n) {
    return shim_fails() ? NULL : __libc_memalign(alignment, n);
}
void *aligned_alloc(size_t alignment, size_t n) { return memalign(alignment, n); }
void *valloc(size_t n) { return memalign((size_t)sysconf(_SC_PAGESIZE), n); }
int posix_memalign(void **out, size_t alignment, size_t n) {
    void *p;
    if (shim_fails()) return ENOMEM;
    p = __libc_memalign(alignment, n);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}

/* Allocations of one call of call(which, out), counted (the caller warms it up first). */
static long shim_count_allocations(void (*call)(int, void *), int which, void *out) {
    shim_count = 0;
    shim_fail_at = 0;
    diffauroc_release_memory(NULL);
    call(which, out);
    return shim_count;
}

static int shim_run_failing(long k, void (*call)(int, void *), int which, void *out,
                            size_t size) {
    int fds[2], status = 0;
    ssize_t got;
    pid_t pid;
    if (pipe(fds) != 0) return -1;
    fflush(stdout);
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        if (!freopen("/dev/null", "w", stderr)) _exit(5);
        shim_count = 0;
        shim_fail_at = k;
        diffauroc_release_memory(NULL);
        call(which, out);
        if (write(fds[1], out, size) != (ssize_t)size) _exit(3);
        _exit(0);
    }
    close(fds[1]);
    got = read(fds[0], out, size);
    close(fds[0]);
    waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && got == (ssize_t)size) return 0;
    return status != 0 ? status : -1;
}

#endif
