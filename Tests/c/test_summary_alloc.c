/*
 * test_summary_alloc.c -- every allocation of the summary exports (auroc_summary,
 * auroc_summary_weighted_f32, auroc_summary_table) failing in turn: each call returns
 * DIFFAUROC_E_NO_MEMORY with its outputs untouched, or succeeds with the unfailed result;
 * it never aborts. The shim is Tests/c/alloc_shim.h (shared with test_alloc_fail.c; link
 * with -rdynamic so that the library binds to it): for each allocation k of a warm call a
 * forked child fails the k-th one.
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

#include "alloc_shim.h"

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
    shim_armed = 1; /* nothing below allocates but the library */
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
    shim_armed = 0;
    return r;
}

static const char *names[] = {"auroc_summary", "auroc_summary_weighted_f32",
                              "auroc_summary_table weighted"};

static void call_case(int which, void *out) { *(report *)out = run_case(which); }

static void sweep(int which) {
    report want, got;
    long allocations, k;
    int bad = 0, nomem = 0, same = 0;
    char what[300];
    (void)run_case(which);
    allocations = shim_count_allocations(call_case, which, &want);
    CHECK(want.status == DIFFAUROC_OK && allocations > 0, "unfailed call succeeds and allocates");
    for (k = 1; k <= allocations + 1; k++) {
        int status = shim_run_failing(k, call_case, which, &got, sizeof got);
        if (status == -1) break;
        if (status != 0) {
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
