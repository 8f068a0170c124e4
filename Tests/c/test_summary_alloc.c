/*
 * test_summary_alloc.c -- every allocation of the summary exports (auroc_summary,
 * auroc_summary_weighted_f32, auroc_summary_table) failing in turn: each call returns
 * DIFFAUROC_E_NO_MEMORY with its outputs untouched, or succeeds with the unfailed result;
 * it never aborts. The shim is test_alloc_fail.c's: this program defines the malloc family
 * on glibc's __libc_* functions (link with -rdynamic so that the library binds to them);
 * for each allocation k of a warm call a forked child fails the k-th one.
 *
 *   gcc -std=c99 -Wall -Wextra -Werror -pedantic -O2 -I include -I Tests/c -rdynamic \
 *       Tests/c/test_summary_alloc.c -o /tmp/test_summary_alloc -L .build/release \
 *       -ldiffauroc -Wl,-rpath,$PWD/.build/release && /tmp/test_summary_alloc
 */
#define _GNU_SOURCE
#include "diffauroc.h"
#include "check.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef __GLIBC__
int main(void) {
    printf("SKIP test_summary_alloc: needs glibc's __libc_malloc family\n0 passed, 0 failed\n");
    return 0;
}
#else

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);

static volatile long shim_count = 0, shim_fail_at = 0;
static int shim_fails(void) {
    long k = ++shim_count;
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
int posix_memalign(void **out, size_t alignment, size_t n) {
    void *p;
    if (shim_fails()) return ENOMEM;
    p = __libc_memalign(alignment, n);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}
void *aligned_alloc(size_t alignment, size_t n) {
    return shim_fails() ? NULL : __libc_memalign(alignment, n);
}
void *memalign(size_t alignment, size_t n) {
    return shim_fails() ? NULL : __libc_memalign(alignment, n);
}

#define N 5000
static double s[N], y[N], w[N], ts[N], tn[N], tp[N];
static float s32[N], y32[N], w32[N];
static const double SENT = -12345.0;

typedef struct { int status; int untouched; uint64_t checksum; } report;

static uint64_t mix(uint64_t h, const void *p, size_t bytes) {
    const unsigned char *c = p;
    size_t i;
    for (i = 0; i < bytes; i++) h = (h ^ c[i]) * 0x100000001B3ull;
    return h;
}

static report run_case(int which) {
    report r = {0, 1, 0xCBF29CE484222325ull};
    size_t i, count = 0;
    if (which == 0) {
        uint64_t out[DIFFAUROC_SUMMARY_WORDS];
        for (i = 0; i < DIFFAUROC_SUMMARY_WORDS; i++) out[i] = 77;
        r.status = auroc_summary(s, y, N, out);
        for (i = 0; i < DIFFAUROC_SUMMARY_WORDS; i++) r.untouched &= out[i] == 77;
        r.checksum = mix(r.checksum, out, sizeof out);
    } else if (which == 1) {
        double out[3] = {SENT, SENT, SENT};
        int e[2] = {77, 77};
        r.status = auroc_summary_weighted_f32(s32, y32, w32, N, out, e);
        r.untouched = out[0] == SENT && out[1] == SENT && out[2] == SENT && e[0] == 77 &&
                      e[1] == 77;
        r.checksum = mix(mix(r.checksum, out, sizeof out), e, sizeof e);
    } else {
        for (i = 0; i < N; i++) ts[i] = tn[i] = tp[i] = SENT;
        r.status = auroc_summary_table(s, y, w, N, N, ts, tn, tp, &count);
        for (i = 0; i < N; i++) r.untouched &= ts[i] == SENT && tn[i] == SENT && tp[i] == SENT;
        r.untouched &= count == 0;
        r.checksum = mix(mix(mix(mix(r.checksum, ts, sizeof ts), tn, sizeof tn), tp, sizeof tp),
                         &count, sizeof count);
    }
    return r;
}

static const char *names[] = {"auroc_summary", "auroc_summary_weighted_f32",
                              "auroc_summary_table weighted"};

static void sweep(int which) {
    report want, got;
    long allocations, k;
    int bad = 0, nomem = 0, same = 0;
    char what[300];
    (void)run_case(which);
    shim_count = 0;
    shim_fail_at = 0;
    want = run_case(which);
    allocations = shim_count;
    CHECK(want.status == DIFFAUROC_OK && allocations > 0, "unfailed call succeeds and allocates");
    for (k = 1; k <= allocations + 1; k++) {
        int fds[2], status = 0;
        ssize_t n;
        pid_t pid;
        if (pipe(fds) != 0) break;
        fflush(stdout);
        pid = fork();
        if (pid < 0) break;
        if (pid == 0) {
            report r;
            close(fds[0]);
            if (!freopen("/dev/null", "w", stderr)) _exit(5);
            shim_count = 0;
            shim_fail_at = k;
            r = run_case(which);
            if (write(fds[1], &r, sizeof r) != (ssize_t)sizeof r) _exit(3);
            _exit(0);
        }
        close(fds[1]);
        n = read(fds[0], &got, sizeof got);
        close(fds[0]);
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || n != (ssize_t)sizeof got) {
            bad++;
        } else if (got.status == DIFFAUROC_E_NO_MEMORY && got.untouched) {
            nomem++;
        } else if (got.status == want.status && got.checksum == want.checksum) {
            same++;
        } else {
            bad++;
        }
    }
    snprintf(what, sizeof what, "%s: %ld allocations failing in turn: %d x E_NO_MEMORY "
             "(outputs untouched), %d x same result, %d aborted or wrong", names[which],
             allocations, nomem, same, bad);
    CHECK(bad == 0 && nomem >= 1 && nomem + same == allocations + 1, what);
    printf("%s\n", what);
}

int main(void) {
    size_t i;
    int c;
    for (i = 0; i < N; i++) {
        s[i] = (double)((i * 7919u) % 1009u) / 16.0;
        y[i] = (i % 3 == 0) ? 1.0 : 0.0;
        w[i] = 0.5 + (double)(i % 4);
        s32[i] = (float)s[i];
        y32[i] = (float)y[i];
        w32[i] = (float)w[i];
    }
    for (c = 0; c < 3; c++) sweep(c);
    return check_summary();
}
#endif
