/*
 * test_alloc_fail.c -- every allocation a call makes may fail, one at a time, and the
 * call still returns (DIFFAUROC_E_NO_MEMORY with its outputs untouched, or success with
 * the bits of an unfailed call): it never aborts. Covered: the fast soft AUROC's
 * two-thread path (n >= 20,000; a failed thread or barrier falls back to one thread with
 * the same bits) through auroc_soft, auroc_soft_grad, the batch and the XLA FFI soft
 * handler (whose error message is composed without heap allocation, error path too);
 * the exact AUROC's two-thread path (n >= 65,536) through auroc_exact, auroc_exact_f32 and
 * auroc_exact_batch (a failed thread or barrier: one thread, same bits); one-thread exact
 * AUROC (float64 and float32) and the direct soft pair sum; the ROC curve (float64 with
 * outputs, float32 count only) and the partial AUC (float64 and float32); the exact
 * AUROC's 2 MiB-aligned scratch of 4 MiB or more (n = 600,000, float64 and weighted float32).
 *
 *   gcc -std=c99 -Wall -Wextra -Werror -pedantic -I include -I Tests/c -rdynamic \
 *       Tests/c/test_alloc_fail.c -o test_alloc_fail -L.build/release -ldiffauroc \
 *       -Wl,-rpath,$PWD/.build/release -lm -pthread
 *   ./test_alloc_fail       (last line: "N passed, N failed")
 *
 * The shim: this program defines malloc, calloc, realloc, free, posix_memalign,
 * aligned_alloc, memalign and valloc on top of glibc's __libc_* functions, so every
 * allocation of the library (the statically linked Swift runtime's included, and
 * pthread_create's thread-local storage) goes through it. For each call it first counts
 * the allocations A of one warm call, then for k = 1 .. A + 1 forks a child in which the
 * k-th allocation of the call returns NULL (ENOMEM); the parent requires the child to
 * exit normally with a correct report. glibc only (the __libc_* entry points).
 */
#define _GNU_SOURCE
#include "diffauroc.h"
#include "xla_ffi_frame.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef __GLIBC__
int main(void) {
    printf("SKIP test_alloc_fail: needs glibc's __libc_malloc family\n");
    printf("0 passed, 0 failed\n");
    return 0;
}
#else

#include "alloc_shim.h"

/* ---- checks ---- */

#include "check.h"
#define SENT (-12345.6789)

/* ---- the calls ---- */

enum { N_EXACT = 70000, N_SMALL = 30000, N_SOFT = 24000, ROWS = 2, N_MAX = ROWS * N_EXACT };
static double s[N_MAX], y[N_MAX], w[N_MAX], g[N_MAX];
static float s32[N_MAX], y32[N_MAX], w32[N_MAX];
static double cf[N_EXACT + 1], ct[N_EXACT + 1], ch[N_EXACT + 1]; /* curve outputs */
/* The exact AUROC's large scratch (>= 4 MiB: HugePageBuffer, a 2 MiB-aligned range of a
 * malloc block):
 * 600,000 samples make 4.8 MB of 8-byte words (float64 unweighted, float32 weighted). */
enum { N_BIG = 600000 };
static double bs[N_BIG], by[N_BIG];
static float bs32[N_BIG], by32[N_BIG], bw32[N_BIG];

typedef struct {
    int status;
    int untouched;     /* on E_NO_MEMORY: every output still holds its sentinel */
    double value;      /* the value written on success */
    uint64_t checksum; /* of the gradient / batch outputs on success */
} report;

static uint64_t mix(uint64_t h, double v) {
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    return (h ^ bits) * 0x100000001B3ull;
}

/* A fake XLA for the FFI handler cases: Error_Create hands out a token. */
static int error_token, ffi_errc = -1;
static void *fake_error_create(ffi_error_create_args *args) {
    ffi_errc = args->errc;
    return &error_token;
}
static ffi_api fake_api;

/* diffauroc_xla_ffi_soft on ROWS x N_SOFT float64 (gradient and d/dT too), or with a bad
 * label (the error path, whose message is composed); the outcome as a status. */
static int call_ffi_soft(int bad, double *values, double *grads, double *dts) {
    static call c;
    double t = 0.7;
    void *r;
    fake_api.struct_size = sizeof fake_api;
    fake_api.error_create = fake_error_create;
    set_buffer(&c, 0, F64, s, 2, ROWS, N_SOFT);
    set_buffer(&c, 1, F64, y, 2, ROWS, N_SOFT);
    set_buffer(&c, 2, F64, &t, 0, 0, 0);
    set_buffer(&c, 3, F64, w, 2, ROWS, N_SOFT);
    set_buffer(&c, 4, F64, values, 1, 0, ROWS);
    set_buffer(&c, 5, F64, grads, 2, ROWS, N_SOFT);
    set_buffer(&c, 6, F64, dts, 1, 0, ROWS);
    if (bad) y[N_SOFT + 17] = 2.0;
    ffi_errc = -1;
    r = diffauroc_xla_ffi_soft(make_frame_with(&c, &fake_api, 4, 3));
    if (bad) y[N_SOFT + 17] = (double)((N_SOFT + 17) % 3 == 0);
    if (r == NULL) return DIFFAUROC_OK;
    if (r != &error_token) return -100; /* not an error of this API */
    return ffi_errc == 8 ? DIFFAUROC_E_NO_MEMORY : -(100 + ffi_errc);
}

/* Calls case `which` once, armed; returns what happened. */
static report run_case(int which) {
    report r;
    double v = SENT, dT = SENT, bv[ROWS] = {SENT, SENT}, bdT[ROWS] = {SENT, SENT}, t = 0.7;
    int bst[ROWS] = {-99, -99};
    size_t i, n = 0;
    int grads = 0, b;
    memset(&r, 0, sizeof r);
    for (i = 0; i < N_MAX; i++) g[i] = SENT;
    shim_armed = 1;
    switch (which) {
    case 0: r.status = auroc_exact(s, y, NULL, N_EXACT, &v); break;
    case 1: r.status = auroc_exact(s, y, w, N_EXACT, &v); break;
    case 2: r.status = auroc_exact_f32(s32, y32, NULL, N_EXACT, &v); break;
    case 3: r.status = auroc_exact_f32(s32, y32, w32, N_EXACT, &v); break;
    case 4: r.status = auroc_soft(s, y, NULL, N_SOFT, 0.7, &v); break;
    case 5:
        r.status = auroc_soft_grad(s, y, w, N_SOFT, 0.7, &v, g, &dT);
        n = N_SOFT;
        grads = 1;
        break;
    case 6:
        r.status = auroc_soft_grad_batch(s, y, w, ROWS, N_SOFT, &t, 0, bv, g, bdT, bst);
        n = ROWS * N_SOFT;
        grads = 1;
        break;
    case 7: r.status = auroc_exact_batch(s, y, NULL, ROWS, N_EXACT, bv, bst); break;
    case 8: r.status = auroc_exact(s, y, NULL, N_SMALL, &v); break;
    case 9: r.status = auroc_exact(s, y, w, N_SMALL, &v); break;
    case 22: /* HVP, grid route (dense at T = 0.7), direction w, weighted */
        r.status = auroc_soft_hvp(s, y, w, N_SOFT, 0.7, w, 0.3, g, &dT);
        n = N_SOFT;
        grads = 1;
        break;
    case 23: /* HVP, sorted route (sparse at T = 1e-4) */
        r.status = auroc_soft_hvp(s, y, NULL, N_SOFT, 1e-4, w, 0.3, g, &dT);
        n = N_SOFT;
        grads = 1;
        break;
    case 24: /* series-window route: about 3 points a temperature width at T = 0.0125 */
        r.status = auroc_soft_grad(s, y, w, N_SOFT, 0.0125, &v, g, &dT);
        n = N_SOFT;
        grads = 1;
        break;
    case 27: /* one-cell path: scores in [0, 100) span half a cell width at T = 200 */
        r.status = auroc_soft_grad(s, y, w, N_SOFT, 200.0, &v, g, &dT);
        n = N_SOFT;
        grads = 1;
        break;
    case 28: /* few-cells path: scores in [0, 100) span 10 cell widths at T = 10 */
        r.status = auroc_soft_grad(s, y, w, N_SOFT, 10.0, &v, g, &dT);
        n = N_SOFT;
        grads = 1;
        break;
    case 29: /* counting path: unweighted, every pair at least 40 T apart at T = 1e-9 */
        r.status = auroc_soft_grad(s, y, NULL, N_SOFT, 1e-9, &v, g, &dT);
        n = N_SOFT;
        grads = 1;
        break;
    case 10: r.status = auroc_exact_f32(s32, y32, w32, N_SMALL, &v); break;
    case 25: r.status = auroc_exact(bs, by, NULL, N_BIG, &v); break;
    case 26: r.status = auroc_exact_f32(bs32, by32, bw32, N_BIG, &v); break;
    case 11: r.status = auroc_soft(s, y, w, 150, 0.7, &v); break; /* 50 x 100 pairs */
    case 12:
        for (b = 0; b < ROWS; b++) bv[b] = bdT[b] = SENT;
        r.status = call_ffi_soft(0, bv, g, bdT);
        n = ROWS * N_SOFT;
        grads = 1;
        break;
    case 14: /* curve, capacity n + 1: one sweep */
    case 15: /* curve f32, count only (the counting sweep) */
    case 20: /* curve unweighted at a two-thread size, capacity n + 1 */
        for (i = 0; i <= N_EXACT; i++) cf[i] = ct[i] = ch[i] = SENT;
        {
            size_t count = 0xDEADBEEFu;
            r.status = which == 14
                           ? auroc_curve(s, y, w, N_SMALL, 1, N_SMALL + 1, cf, ct, ch, &count)
                       : which == 20
                           ? auroc_curve(s, y, NULL, N_EXACT, 1, N_EXACT + 1, cf, ct, ch, &count)
                           : auroc_curve_f32(s32, y32, NULL, N_SMALL, 0, 0, NULL, NULL, NULL, &count);
            v = count == 0xDEADBEEFu ? SENT : (double)count;
        }
        break;
    case 16: r.status = auroc_partial(s, y, w, N_SMALL, DIFFAUROC_AXIS_FPR, 0, 0.2, &v, &dT); break;
    case 21: /* unweighted at a two-thread size: the sweep inside the two-thread sort */
        r.status = auroc_partial(s, y, NULL, N_EXACT, DIFFAUROC_AXIS_FPR, 0, 0.2, &v, &dT);
        break;
    case 17:
        r.status = auroc_partial_f32(s32, y32, NULL, N_SMALL, DIFFAUROC_AXIS_TPR, 0.1, 0.9, &v, &dT);
        break;
    case 18: /* auroc_delong k = 2 (two threads), columns back to back */
    case 19: /* auroc_delong_f32 k = 1 (one thread) */
        for (i = 0; i < 4; i++) g[i] = SENT;
        bv[0] = bv[1] = SENT;
        r.status = which == 18 ? auroc_delong(s, N_EXACT, 2, 1, N_EXACT, y, bv, g, g + 4)
                               : auroc_delong_f32(s32, N_SMALL, 1, 1, 0, y32, bv, g, g + 4);
        n = which == 18 ? 8 : 2;
        grads = 1;
        break;
    default:
        /* error path: the handler must return an XLA error (INVALID_ARGUMENT, -103 here)
         * with or without memory for its scratch, never abort */
        r.status = call_ffi_soft(1, bv, g, bdT);
        if (r.status == -103) r.status = DIFFAUROC_OK;
        break;
    }
    shim_armed = 0;
    if (which == 12 || which == 13) {
        /* XLA FFI: nothing written unless it succeeded */
        int written = 0;
        for (b = 0; b < ROWS; b++) {
            written |= bv[b] != SENT || bdT[b] != SENT;
            r.checksum = mix(r.checksum, bv[b]);
            r.checksum = mix(r.checksum, bdT[b]);
        }
        r.value = bv[0];
        r.untouched = !written;
        if (which == 12 && r.status == DIFFAUROC_E_NO_MEMORY) {
            for (i = 0; i < ROWS * (size_t)N_SOFT; i++)
                if (g[i] != SENT) r.untouched = 0;
        }
    } else if (which == 6 || which == 7) {
        /* batch: rows before the failing row written, the others not (header) */
        int b, ok = 1, failed_rows = 0;
        for (b = 0; b < ROWS; b++) {
            if (bst[b] == DIFFAUROC_E_NO_MEMORY) {
                failed_rows++;
                if (bv[b] != SENT || (which == 6 && bdT[b] != SENT)) ok = 0;
            } else if (bst[b] == DIFFAUROC_OK) {
                if (failed_rows) ok = 0; /* a written row after a failed one */
                r.checksum = mix(r.checksum, bv[b]);
                if (which == 6) r.checksum = mix(r.checksum, bdT[b]);
            } else {
                ok = 0;
            }
        }
        r.untouched = ok;
        r.value = bv[ROWS - 1];
    } else if (which == 18 || which == 19) {
        /* DeLong: AUCs, covariance, difference variances, all or nothing */
        r.value = bv[0];
        r.checksum = mix(r.checksum, bv[1]);
        r.untouched = bv[0] == SENT && bv[1] == SENT;
        for (i = 0; i < 8; i++) r.untouched &= g[i] == SENT;
    } else if (which == 14 || which == 15 || which == 20) {
        int all_sent = 1;
        for (i = 0; i <= N_EXACT; i++) {
            if (cf[i] != SENT || ct[i] != SENT || ch[i] != SENT) all_sent = 0;
            r.checksum = mix(mix(mix(r.checksum, cf[i]), ct[i]), ch[i]);
        }
        r.value = v;
        r.untouched = v == SENT && all_sent;
    } else {
        r.value = v;
        r.untouched = v == SENT && dT == SENT;
        if (which == 16 || which == 17 || which == 21) r.checksum = mix(r.checksum, dT);
        if (which == 5 || which >= 22) r.checksum = mix(r.checksum, dT);
    }
    if (grads) {
        int all_sent = 1;
        for (i = 0; i < n; i++) {
            if (g[i] != SENT) all_sent = 0;
            r.checksum = mix(r.checksum, g[i]);
        }
        if (r.status == DIFFAUROC_E_NO_MEMORY && (which == 5 || which == 18 || which == 19 || which >= 22))
            r.untouched &= all_sent;
    }
    return r;
}

static const char *case_names[] = {
    "auroc_exact n = 70,000 (two threads)",
    "auroc_exact n = 70,000 weighted (two threads)",
    "auroc_exact_f32 n = 70,000 (two threads)",
    "auroc_exact_f32 n = 70,000 weighted (two threads)",
    "auroc_soft n = 24,000 (fast path, two threads)",
    "auroc_soft_grad n = 24,000 weighted (fast path, two threads)",
    "auroc_soft_grad_batch 2 x 24,000 weighted",
    "auroc_exact_batch 2 x 70,000 (two threads a row)",
    "auroc_exact n = 30,000 (one thread)",
    "auroc_exact n = 30,000 weighted (one thread)",
    "auroc_exact_f32 n = 30,000 weighted (one thread)",
    "auroc_soft n = 150 weighted (direct pair sum)",
    "diffauroc_xla_ffi_soft 2 x 24,000 weighted, gradient (fast path, two threads)",
    "diffauroc_xla_ffi_soft with a bad label (the error message path)",
    "auroc_curve n = 30,000 weighted, drop, capacity n + 1",
    "auroc_curve_f32 n = 30,000, count only",
    "auroc_partial n = 30,000 weighted, FPR [0, 0.2]",
    "auroc_partial_f32 n = 30,000, TPR [0.1, 0.9]",
    "auroc_delong n = 70,000, k = 2 (two threads)",
    "auroc_delong_f32 n = 30,000, k = 1",
    "auroc_curve n = 70,000, drop, capacity n + 1 (two threads)",
    "auroc_partial n = 70,000, FPR [0, 0.2] (two threads)",
    "auroc_soft_hvp n = 24,000 weighted, T = 0.7 (grid cells, two threads)",
    "auroc_soft_hvp n = 24,000, T = 1e-4 (radix sort, greedy cells, two threads)",
    "auroc_soft_grad n = 24,000 weighted, T = 0.0125 (series-window path, two threads)",
    "auroc_exact n = 600,000 (4.8 MB of words: the 2 MiB-aligned huge-page scratch)",
    "auroc_exact_f32 n = 600,000 weighted (4.8 MB of words: the 2 MiB-aligned scratch)",
    "auroc_soft_grad n = 24,000 weighted, T = 200 (one-cell path, two threads)",
    "auroc_soft_grad n = 24,000 weighted, T = 10 (few-cells path, two threads)",
    "auroc_soft_grad n = 24,000, T = 1e-9 (counting path: the exact AUROC's sort, two threads)",
};
static void call_case(int which, void *out) { *(report *)out = run_case(which); }

static void sweep(int which) {
    report want, got;
    long allocations, k;
    int aborted = 0, wrong = 0, nomem = 0, ok = 0;
    char what[400];
    (void)run_case(which); /* warm: lazily initialised state of the library */
    allocations = shim_count_allocations(call_case, which, &want);
    snprintf(what, sizeof what, "%s: succeeds unfailed (status %d)", case_names[which],
             want.status);
    CHECK(want.status == DIFFAUROC_OK ||
              (which == 17 && want.status == DIFFAUROC_W_BELOW_DIAGONAL), what);
    for (k = 1; k <= allocations + 1; k++) {
        int status = shim_run_failing(k, call_case, which, &got, sizeof got);
        if (status == -1) break;
        if (status != 0) {
            snprintf(what, sizeof what,
                     "%s: allocation %ld of %ld failing: the process %s %d (the library "
                     "must return DIFFAUROC_E_NO_MEMORY, not abort)",
                     case_names[which], k, allocations,
                     WIFSIGNALED(status) ? "was killed by signal" : "exited with",
                     WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
            CHECK(0, what);
            aborted++;
            continue;
        }
        if (got.status == DIFFAUROC_E_NO_MEMORY && got.untouched) {
            nomem++;
        } else if (got.status == want.status && got.status >= 0 && got.value == want.value &&
                   got.checksum == want.checksum) {
            ok++;
        } else {
            snprintf(what, sizeof what,
                     "%s: allocation %ld failing: status %d, untouched %d, value %.17g "
                     "(expected E_NO_MEMORY with outputs untouched, or OK with %.17g and the "
                     "same bits)",
                     case_names[which], k, got.status, got.untouched, got.value, want.value);
            CHECK(0, what);
            wrong++;
        }
    }
    snprintf(what, sizeof what,
             "%s: each of its %ld allocations failed in turn: %d x E_NO_MEMORY (outputs "
             "untouched), %d x same result, no abort",
             case_names[which], allocations, nomem, ok);
    if (aborted) {
        snprintf(what, sizeof what, "%s: aborted at %d of its %ld allocations", case_names[which],
                 aborted, allocations);
    }
    CHECK(aborted == 0 && wrong == 0 && nomem + ok == allocations + 1 && allocations > 0, what);
    if (aborted == 0 && wrong == 0) printf("ok   %s\n", what);
}

int main(void) {
    size_t i;
    int c;
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (i = 0; i < N_MAX; i++) {
        s[i] = (double)((i * 7919u) % 100003u) / 1000.0;
        y[i] = (i % 3 == 0) ? 1.0 : 0.0;
        w[i] = 0.5 + (double)(i % 4);
        s32[i] = (float)s[i];
        y32[i] = (float)y[i];
        w32[i] = (float)w[i];
    }
    for (i = 0; i < N_BIG; i++) {
        bs[i] = (double)((i * 7919u) % 100003u) / 1000.0 + (double)(i % 7) * 1e-7;
        by[i] = (i % 3 == 0) ? 1.0 : 0.0;
        bs32[i] = (float)bs[i];
        by32[i] = (float)by[i];
        bw32[i] = (float)(i % 5) * 0.25f; /* zeros included */
    }
    {
        /* diffauroc_find_invalid allocates nothing (header): count, with a bad label */
        size_t index = 0;
        int st, st32;
        y[N_SMALL - 5] = 0.5;
        y32[N_SMALL - 5] = 0.5f;
        shim_count = 0;
        shim_fail_at = 0;
        shim_armed = 1;
        st = diffauroc_find_invalid(s, y, w, N_SMALL, &index);
        st32 = diffauroc_find_invalid_f32(s32, y32, w32, N_SMALL, &index);
        shim_armed = 0;
        y[N_SMALL - 5] = (double)((N_SMALL - 5) % 3 == 0);
        y32[N_SMALL - 5] = (float)y[N_SMALL - 5];
        CHECK(st == DIFFAUROC_E_BAD_LABEL && st32 == DIFFAUROC_E_BAD_LABEL &&
                  index == N_SMALL - 5 && shim_count == 0,
              "diffauroc_find_invalid(_f32): finds labels[29995], with no allocation");
    }
    for (c = 0; c < (int)(sizeof case_names / sizeof case_names[0]); c++) sweep(c);
    return check_summary();
}
#endif
