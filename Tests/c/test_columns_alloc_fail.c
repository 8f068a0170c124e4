/*
 * test_columns_alloc_fail.c -- the column exports' two-thread paths with every
 * allocation failing in turn (the malloc shim of alloc_shim.h, as test_alloc_fail.c):
 * auroc_exact_ovr and auroc_exact_ovr_f32 on a C-ordered n x k array (n * k >= 65536:
 * the input check on two threads, the pooled gather, the class bytes), auroc_exact_columns
 * with C-ordered per-column labels (pooled labels) and auroc_exact_ovo (the check on two
 * threads). Each call returns; per column, either its value with the bits of an unfailed
 * call and DIFFAUROC_OK, or DIFFAUROC_E_NO_MEMORY (in out_status, or for the whole call)
 * with its value untouched; the call's status is DIFFAUROC_OK exactly when every column's
 * is. Never an abort. Then four invalid inputs (a bad score, class or label, in
 * either half): with each allocation failing in turn, the bad element's status.
 * auroc_exact_ovr_rowsums (_f32) as auroc_exact_ovr, and its row-sum bound: the unfailed
 * call's bits with a status that is not an error, untouched with E_NO_MEMORY or an
 * input error.
 *
 *   gcc -std=c99 -Wall -Wextra -Werror -pedantic -I include -I Tests/c -rdynamic \
 *       Tests/c/test_columns_alloc_fail.c -o test_columns_alloc_fail -L.build/release \
 *       -ldiffauroc -Wl,-rpath,$PWD/.build/release -lm -pthread
 *   ./test_columns_alloc_fail       (last line: "N passed, N failed")
 */
#define _GNU_SOURCE
#include "diffauroc.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef __GLIBC__
int main(void) {
    printf("SKIP test_columns_alloc_fail: needs glibc's __libc_malloc family\n");
    printf("0 passed, 0 failed\n");
    return 0;
}
#else

#include "alloc_shim.h"
#include "check.h"

#define SENT (-12345.6789)
#define STATUS_SENT (-999)
enum { N = 20000, K = 5, PAIRS = K * K };
static double s[N * K], y[N * K], c[N];
static float s32[N * K], c32[N];
/* The same inputs with one bad element each (the invalid sweep below). */
static double s_bad[N * K], y_bad[N * K], c_bad[N];
static float c32_bad[N];

typedef struct {
    int status;
    double values[PAIRS];
    int statuses[PAIRS];
    double deviation; /* auroc_exact_ovr_rowsums (cases 8-10) */
} report;

static void run_case(int which, void *out) {
    report *r = (report *)out;
    int j;
    for (j = 0; j < PAIRS; j++) {
        r->values[j] = SENT;
        r->statuses[j] = STATUS_SENT;
    }
    r->deviation = SENT;
    shim_armed = 1;
    switch (which) {
    case 0: r->status = auroc_exact_ovr(s, N, K, K, 1, c, NULL, r->values, r->statuses); break;
    case 1: r->status = auroc_exact_ovr_f32(s32, N, K, K, 1, c32, NULL, r->values, r->statuses); break;
    case 2:
        r->status = auroc_exact_columns(s, N, K, K, 1, y, K, 1, NULL, r->values, r->statuses);
        break;
    case 3: r->status = auroc_exact_ovo(s, N, K, K, 1, c, r->values, r->statuses); break;
    /* invalid inputs (see sweep_invalid) */
    case 4: r->status = auroc_exact_ovr(s_bad, N, K, K, 1, c, NULL, r->values, r->statuses); break;
    case 5: r->status = auroc_exact_ovr_f32(s32, N, K, K, 1, c32_bad, NULL, r->values, r->statuses); break;
    case 6:
        r->status = auroc_exact_columns(s, N, K, K, 1, y_bad, K, 1, NULL, r->values, r->statuses);
        break;
    case 7: r->status = auroc_exact_ovr(s, N, K, K, 1, c_bad, NULL, r->values, r->statuses); break;
    case 8:
        r->status = auroc_exact_ovr_rowsums(s, N, K, K, 1, c, NULL, r->values, r->statuses,
                                            &r->deviation);
        break;
    case 9:
        r->status = auroc_exact_ovr_rowsums_f32(s32, N, K, K, 1, c32, NULL, r->values,
                                                r->statuses, &r->deviation);
        break;
    default:
        r->status = auroc_exact_ovr_rowsums(s_bad, N, K, K, 1, c, NULL, r->values, r->statuses,
                                            &r->deviation);
        break;
    }
    shim_armed = 0;
}

static const char *names[] = {
    "auroc_exact_ovr 20,000 x 5, C order (two threads)",
    "auroc_exact_ovr_f32 20,000 x 5, C order (two threads)",
    "auroc_exact_columns 20,000 x 5, C-ordered labels (two threads)",
    "auroc_exact_ovo 20,000 x 5, C order (two threads)",
    "auroc_exact_ovr, a NaN score at the last row of column 3",
    "auroc_exact_ovr_f32, class 2.5 in the first row of the second half",
    "auroc_exact_columns, label 0.5 at row 2048 of column 1",
    "auroc_exact_ovr, a NaN class at row 0",
    "auroc_exact_ovr_rowsums 20,000 x 5, C order (two threads)",
    "auroc_exact_ovr_rowsums_f32 20,000 x 5, C order (two threads)",
    "auroc_exact_ovr_rowsums, a NaN score at the last row of column 3",
};

/* Whether `got` is a correct outcome next to the unfailed `want` (see the file comment). */
static int acceptable(const report *want, const report *got, int entries, int diagonal) {
    int j, any_failed = 0;
    for (j = 0; j < entries; j++) {
        if (diagonal && j % (K + 1) == 0) continue; /* ovo: the diagonal is not written */
        if (got->statuses[j] == DIFFAUROC_OK || (got->statuses[j] == STATUS_SENT &&
                                                 got->status == DIFFAUROC_OK)) {
            if (memcmp(&got->values[j], &want->values[j], sizeof(double)) != 0) return 0;
        } else if (got->statuses[j] == DIFFAUROC_E_NO_MEMORY || got->statuses[j] == STATUS_SENT) {
            if (got->values[j] != SENT) return 0;
            any_failed = 1;
        } else {
            return 0;
        }
    }
    /* the row-sum bound (SENT in both for the other exports) */
    if (got->status == DIFFAUROC_OK
            ? memcmp(&got->deviation, &want->deviation, sizeof(double)) != 0
            : got->deviation != SENT)
        return 0;
    return any_failed ? got->status == DIFFAUROC_E_NO_MEMORY : got->status == DIFFAUROC_OK;
}

static void sweep(int which) {
    report want, got;
    long allocations, k;
    int entries = which == 3 ? PAIRS : K, nomem = 0, same = 0, bad = 0;
    char what[300];
    run_case(which, &want); /* warm */
    allocations = shim_count_allocations(run_case, which, &want);
    snprintf(what, sizeof what, "%s: unfailed status %d", names[which], want.status);
    CHECK(want.status == DIFFAUROC_OK, what);
    for (k = 1; k <= allocations + 1; k++) {
        int status = shim_run_failing(k, run_case, which, &got, sizeof got);
        if (status != 0) {
            snprintf(what, sizeof what, "%s: allocation %ld of %ld failing: the child %s %d",
                     names[which], k, allocations,
                     status == -1 ? "could not run" : WIFSIGNALED(status) ? "was killed by signal" : "exited with",
                     status == -1 ? 0 : WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
            CHECK(0, what);
            bad++;
            continue;
        }
        if (!acceptable(&want, &got, entries, which == 3)) {
            snprintf(what, sizeof what, "%s: allocation %ld failing: status %d, a column "
                     "neither the unfailed bits nor E_NO_MEMORY untouched", names[which], k,
                     got.status);
            CHECK(0, what);
            bad++;
        } else if (got.status == DIFFAUROC_E_NO_MEMORY) {
            nomem++;
        } else {
            same++;
        }
    }
    snprintf(what, sizeof what, "%s: each of its %ld allocations failed in turn: %d x "
             "E_NO_MEMORY, %d x the same bits, no abort", names[which], allocations, nomem, same);
    CHECK(bad == 0 && allocations > 0, what);
    if (bad == 0) printf("ok   %s\n", what);
}

/* Invalid inputs: the element check of the column exports runs inside the core's call
 * (in its first gather pass), after some of the call's allocations; whichever allocation
 * fails, the bad element's status wins (the header's order of checks: the samples before
 * E_NO_MEMORY), with the same out_status as unfailed and no value written. */
static void sweep_invalid(int which, int expected) {
    report want, got;
    long allocations, k;
    int bad = 0;
    char what[300];
    run_case(which, &want);
    allocations = shim_count_allocations(run_case, which, &want);
    snprintf(what, sizeof what, "%s: unfailed status %d (expected %d)", names[which],
             want.status, expected);
    CHECK(want.status == expected, what);
    for (k = 1; k <= allocations + 1; k++) {
        int status = shim_run_failing(k, run_case, which, &got, sizeof got), j, ok;
        if (status != 0) {
            snprintf(what, sizeof what, "%s: allocation %ld of %ld failing: the child did not "
                     "return normally (%d)", names[which], k, allocations, status);
            CHECK(0, what);
            bad++;
            continue;
        }
        ok = got.status == expected;
        for (j = 0; j < K; j++) {
            if (got.values[j] != SENT || got.statuses[j] != want.statuses[j]) ok = 0;
        }
        if (got.deviation != SENT) ok = 0; /* no row-sum bound on an input error */
        if (!ok) {
            snprintf(what, sizeof what, "%s: allocation %ld failing: status %d, not the "
                     "element's %d with the unfailed out_status and no value", names[which],
                     k, got.status, expected);
            CHECK(0, what);
            bad++;
        }
    }
    snprintf(what, sizeof what, "%s: each of its %ld allocations failed in turn: the "
             "element's status %d every time, no value written", names[which], allocations,
             expected);
    CHECK(bad == 0, what);
    if (bad == 0) printf("ok   %s\n", what);
}

int main(void) {
    size_t i;
    int which;
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (i = 0; i < (size_t)N * K; i++) {
        s[i] = (double)((i * 7919u) % 1009u) / 64.0; /* ties */
        s32[i] = (float)s[i];
        y[i] = (double)((i * 2654435761u >> 7) % 3u == 0);
    }
    for (i = 0; i < N; i++) {
        c[i] = (double)((i * 40503u >> 3) % K);
        c32[i] = (float)c[i];
    }
    for (which = 0; which < 4; which++) sweep(which);
    sweep(8);
    sweep(9);
    memcpy(s_bad, s, sizeof s);
    memcpy(y_bad, y, sizeof y);
    memcpy(c_bad, c, sizeof c);
    for (i = 0; i < N; i++) c32_bad[i] = c32[i];
    s_bad[(size_t)(N - 1) * K + 3] = NAN;
    c32_bad[N / 2] = 2.5f;
    y_bad[(size_t)2048 * K + 1] = 0.5;
    c_bad[0] = NAN;
    sweep_invalid(4, DIFFAUROC_E_NONFINITE_SCORE);
    sweep_invalid(5, DIFFAUROC_E_BAD_CLASS);
    sweep_invalid(6, DIFFAUROC_E_BAD_LABEL);
    sweep_invalid(7, DIFFAUROC_E_BAD_CLASS);
    sweep_invalid(10, DIFFAUROC_E_NONFINITE_SCORE);
    return check_summary();
}
#endif
