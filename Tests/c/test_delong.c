/*
 * test_delong.c -- auroc_delong and auroc_delong_f32 (include/diffauroc.h, "DeLong's
 * variance and the paired test") from C:
 *  - hand cases (pROC's var() of them), and random tied data bit for bit against an
 *    independent O(P N) oracle in exact 64-bit integers (numerator and denominator below
 *    2^53, so one IEEE division is the correctly rounded value the header promises);
 *  - larger data (two threads) against a long double midrank oracle, float32 == float64,
 *    C-ordered == column-after-column == strided views, a column repeated (stride 0);
 *  - every status: sizes, k == 0, NULL pointers, bad scores and labels in the header's
 *    order, one class, fewer than 2 of a class (DIFFAUROC_W_NO_VARIANCE), outputs untouched
 *    on error; guard pages (nothing read past the last element the strides reach).
 *
 * Build and run (the library built by `swift build -c release`):
 *   gcc -std=c99 -Wall -Wextra -Werror -pedantic -O2 -g -I include -I Tests/c \
 *       Tests/c/test_delong.c -o /tmp/test_delong -L .build/release -ldiffauroc \
 *       -Wl,-rpath,$PWD/.build/release -lm && /tmp/test_delong
 */
#define _GNU_SOURCE /* mmap/MAP_ANONYMOUS */
#include "diffauroc.h"
#include "check.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SPLITMIX_SEED 42
#include "splitmix.h"

/* ---- the exact integer oracle (small n) ---------------------------------------------- */

/* Twice the placement of positive i against the negatives (2 per negative below, 1 per tie). */
static int64_t twice_v10(const double *s, const double *y, size_t n, size_t i) {
    int64_t c = 0;
    size_t j;
    for (j = 0; j < n; j++)
        if (y[j] == 0) c += s[i] > s[j] ? 2 : s[i] == s[j] ? 1 : 0;
    return c;
}
static int64_t twice_v01(const double *s, const double *y, size_t n, size_t j) {
    int64_t d = 0;
    size_t i;
    for (i = 0; i < n; i++)
        if (y[i] == 1) d += s[i] > s[j] ? 2 : s[i] == s[j] ? 1 : 0;
    return d;
}

/* A10_ab or A01_ab: count * sum(x_a x_b) - sum(x_a) sum(x_b) over the samples of class cls. */
static int64_t centered(const double *sa, const double *sb, const double *y, size_t n, int cls) {
    int64_t count = 0, sab = 0, sa_ = 0, sb_ = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        int64_t xa, xb;
        if (y[i] != cls) continue;
        xa = cls ? twice_v10(sa, y, n, i) : twice_v01(sa, y, n, i);
        xb = cls ? twice_v10(sb, y, n, i) : twice_v01(sb, y, n, i);
        count++;
        sab += xa * xb;
        sa_ += xa;
        sb_ += xb;
    }
    return count * sab - sa_ * sb_;
}

/* cov_ab (diff = 0) or Var(AUC_a - AUC_b) (diff = 1), correctly rounded. */
static double oracle_entry(const double *sa, const double *sb, const double *y, size_t n,
                           int64_t P, int64_t N, int diff) {
    int64_t a10, a01, num, den = 4 * P * P * N * N * (P - 1) * (N - 1);
    if (diff) {
        a10 = centered(sa, sa, y, n, 1) + centered(sb, sb, y, n, 1) - 2 * centered(sa, sb, y, n, 1);
        a01 = centered(sa, sa, y, n, 0) + centered(sb, sb, y, n, 0) - 2 * centered(sa, sb, y, n, 0);
    } else {
        a10 = centered(sa, sb, y, n, 1);
        a01 = centered(sa, sb, y, n, 0);
    }
    num = a10 * (N - 1) + a01 * (P - 1);
    if (den >= (int64_t)1 << 53 || llabs(num) >= (int64_t)1 << 53) return NAN; /* not exact */
    return (double)num / (double)den;
}

__extension__ typedef __int128 i128;

static int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

static void test_hand_cases(void) {
    double s[] = {0.1, 0.4, 0.35, 0.8}, y[] = {0, 0, 1, 1};
    double auc = -1, cov = -1, diff = -1;
    double t[] = {3, 3, 3, 3, 3}, ty[] = {0, 1, 0, 1, 1};
    CHECK(auroc_delong(s, 4, 1, 1, 4, y, &auc, &cov, &diff) == DIFFAUROC_OK, "hand case OK");
    CHECK(auc == 0.75 && cov == 0.125 && diff == 0, "hand case: AUC 0.75, var 0.125 (pROC)");
    CHECK(auroc_delong(t, 5, 1, 1, 5, ty, &auc, &cov, NULL) == DIFFAUROC_OK, "all tied OK");
    CHECK(auc == 0.5 && cov == 0, "all tied: AUC 1/2, variance 0");
}

static void test_random_exact(void) {
    int trial, mismatches = 0, cases = 0;
    for (trial = 0; trial < 300; trial++) {
        size_t n = 4 + rng_next() % 37, k = 1 + rng_next() % 3, i, a, b;
        int levels = (int[]){2, 3, 7, 1000}[trial % 4];
        double rate = (double[]){0.5, 0.2, 0.85}[trial % 3];
        double y[40], cols[3][40], flat[120], auc[3], cov[9], diff[9];
        float y32[40], flat32[120];
        double auc32[3], cov32[9], diff32[9];
        int64_t P = 0, N;
        int status;
        for (i = 0; i < n; i++) {
            y[i] = rng_uniform() < rate ? 1 : 0;
            P += (int64_t)y[i];
            y32[i] = (float)y[i];
        }
        N = (int64_t)n - P;
        for (a = 0; a < k; a++)
            for (i = 0; i < n; i++) {
                cols[a][i] = (double)(rng_next() % (uint64_t)levels) * 0.25 - 1;
                flat[i * k + a] = cols[a][i]; /* C-ordered (n, k) */
                flat32[i * k + a] = (float)cols[a][i];
            }
        status = auroc_delong(flat, n, k, k, 1, y, auc, cov, diff);
        if (P < 2 || N < 2) {
            CHECK(status == (P == 0 || N == 0 ? DIFFAUROC_E_ONE_CLASS : DIFFAUROC_W_NO_VARIANCE),
                  "random: small class status");
            continue;
        }
        cases++;
        CHECK(status == DIFFAUROC_OK, "random: OK");
        CHECK(auroc_delong_f32(flat32, n, k, k, 1, y32, auc32, cov32, diff32) == DIFFAUROC_OK,
              "random f32: OK");
        for (a = 0; a < k; a++) {
            double exact;
            CHECK(auroc_exact(cols[a], y, NULL, n, &exact) == DIFFAUROC_OK && same_bits(exact, auc[a]),
                  "random: AUC == auroc_exact bit for bit");
            for (b = 0; b < k; b++) {
                double c = oracle_entry(cols[a], cols[b], y, n, P, N, 0);
                double d = oracle_entry(cols[a], cols[b], y, n, P, N, 1);
                if (isnan(c) || isnan(d)) continue;
                if (!same_bits(c, cov[a * k + b]) || !same_bits(d, diff[a * k + b])) mismatches++;
                if (!same_bits(cov[a * k + b], cov32[a * k + b]) ||
                    !same_bits(diff[a * k + b], diff32[a * k + b]) || !same_bits(auc[a], auc32[a]))
                    mismatches++;
            }
        }
    }
    CHECK(cases > 200, "random: enough cases with P, N >= 2");
    CHECK(mismatches == 0, "random: covariance and difference variance bit for bit = integer oracle, f32 = f64");
}

/* ---- larger data: long double midrank oracle ------------------------------------------ */

static const double *sort_base;
static int by_score(const void *x, const void *y) {
    double a = sort_base[*(const size_t *)x], b = sort_base[*(const size_t *)y];
    return a < b ? -1 : a > b;
}

/* mid[i]: the midrank of s[i] among the samples with mask[i] (1-based), by qsort. */
static void midranks(const double *s, const double *y, size_t n, int cls, long double *mid,
                     size_t *order) {
    size_t m = 0, i, start;
    for (i = 0; i < n; i++)
        if (cls < 0 || y[i] == cls) order[m++] = i;
    sort_base = s;
    qsort(order, m, sizeof *order, by_score);
    for (start = 0; start < m;) {
        size_t end = start;
        while (end < m && s[order[end]] == s[order[start]]) end++;
        for (i = start; i < end; i++) mid[order[i]] = (long double)(start + end + 1) / 2;
        start = end;
    }
}

static void test_large(void) {
    enum { n = 50000, k = 3 };
    double *flat = malloc(sizeof(double) * n * k), *colmajor = malloc(sizeof(double) * n * k);
    double *y = malloc(sizeof(double) * n);
    float *flat32 = malloc(sizeof(float) * n * k), *y32 = malloc(sizeof(float) * n);
    long double *r = malloc(sizeof(long double) * n), *rc = malloc(sizeof(long double) * n);
    long double *v = malloc(sizeof(long double) * n * k);
    size_t *order = malloc(sizeof(size_t) * n);
    double auc[k], cov[k * k], diff[k * k], auc2[k], cov2[k * k], diff2[k * k];
    double auc3[k], cov3[k * k], diff3[k * k];
    size_t i, a, b;
    long double P = 0, N;
    int bad = 0;
    if (!flat || !colmajor || !y || !flat32 || !y32 || !r || !rc || !v || !order) {
        CHECK(0, "large: malloc");
        return;
    }
    for (i = 0; i < n; i++) {
        y[i] = rng_uniform() < 0.3 ? 1 : 0;
        y32[i] = (float)y[i];
        P += (long double)y[i];
        for (a = 0; a < k; a++) {
            double s = (double)(rng_next() % 4000) + (a == 1 ? 500 * y[i] : 0);
            flat[i * k + a] = s;
            colmajor[a * n + i] = s;
            flat32[i * k + a] = (float)s;
        }
    }
    N = n - P;
    CHECK(auroc_delong(flat, n, k, k, 1, y, auc, cov, diff) == DIFFAUROC_OK, "large: OK (C order)");
    CHECK(auroc_delong(colmajor, n, k, 1, n, y, auc2, cov2, diff2) == DIFFAUROC_OK, "large: OK (columns)");
    CHECK(memcmp(auc, auc2, sizeof auc) == 0 && memcmp(cov, cov2, sizeof cov) == 0 &&
              memcmp(diff, diff2, sizeof diff) == 0, "large: C order == column after column, bit for bit");
    CHECK(auroc_delong_f32(flat32, n, k, k, 1, y32, auc3, cov3, diff3) == DIFFAUROC_OK, "large f32: OK");
    CHECK(memcmp(auc, auc3, sizeof auc) == 0 && memcmp(cov, cov3, sizeof cov) == 0 &&
              memcmp(diff, diff3, sizeof diff) == 0, "large: f32 == f64, bit for bit");
    /* Structural components from midranks (Sun and Xu), in integers: with R the midrank
       among all samples and R_pos, R_neg among the sample's class, 2N V10 = 2R - 2R_pos for a
       positive and 2P V01 = 2P - (2R - 2R_neg) for a negative (twice a midrank is an
       integer). Then the covariance's numerator and denominator in 128-bit integers, and
       one division of their long double conversions (within 2 ulps of double even where
       long double is double, as under valgrind). */
    for (a = 0; a < k; a++) {
        double *col = colmajor + a * n;
        midranks(col, y, n, -1, r, order);
        midranks(col, y, n, 1, rc, order);
        for (i = 0; i < n; i++)
            if (y[i] == 1) v[a * n + i] = 2 * r[i] - 2 * rc[i];
        midranks(col, y, n, 0, rc, order);
        for (i = 0; i < n; i++)
            if (y[i] == 0) v[a * n + i] = 2 * P - (2 * r[i] - 2 * rc[i]);
    }
    for (a = 0; a < k; a++)
        for (b = 0; b < k; b++) {
            i128 cross[2] = {0, 0}, sa[2] = {0, 0}, sb[2] = {0, 0}, num, den;
            int64_t Pi = (int64_t)P, Ni = (int64_t)N;
            long double expected;
            int cls;
            for (i = 0; i < n; i++) {
                int64_t xa = (int64_t)v[a * n + i], xb = (int64_t)v[b * n + i];
                cls = (int)y[i];
                cross[cls] += (i128)xa * xb;
                sa[cls] += xa;
                sb[cls] += xb;
            }
            num = (Pi * cross[1] - sa[1] * sb[1]) * (Ni - 1) + (Ni * cross[0] - sa[0] * sb[0]) * (Pi - 1);
            den = (i128)4 * Pi * Pi * Ni * Ni * (Pi - 1) * (Ni - 1);
            expected = (long double)num / (long double)den;
            if (fabsl(expected - cov[a * k + b]) > 1e-15L * fabsl(expected)) bad++;
        }
    CHECK(bad == 0, "large: covariance within 1e-15 of the integer midrank oracle");
    /* Repeated column (column stride 0): every covariance entry the variance, no difference. */
    CHECK(auroc_delong(flat, n, 2, k, 0, y, auc2, cov2, diff2) == DIFFAUROC_OK, "stride 0: OK");
    CHECK(auc2[0] == auc[0] && auc2[1] == auc[0] && cov2[0] == cov[0] && cov2[1] == cov[0] &&
              cov2[3] == cov[0] && diff2[1] == 0 && diff2[2] == 0, "stride 0: one column twice");
    /* A strided view: columns 2 and 0 of the C-ordered array (column stride -2 is not
       expressible; columns 0 and 2: column stride 2). */
    CHECK(auroc_delong(flat, n, 2, k, 2, y, auc2, cov2, diff2) == DIFFAUROC_OK, "view: OK");
    CHECK(auc2[0] == auc[0] && auc2[1] == auc[2] && cov2[1] == cov[2] && cov2[3] == cov[8] &&
              diff2[1] == diff[2], "view: columns 0 and 2 as in the full call");
    free(flat); free(colmajor); free(y); free(flat32); free(y32); free(r); free(rc); free(v);
    free(order);
}

/* ---- statuses ------------------------------------------------------------------------- */

static int untouched(const double *x, size_t count) {
    size_t i;
    for (i = 0; i < count; i++)
        if (x[i] != -7) return 0;
    return 1;
}
static void fill(double *x, size_t count) {
    size_t i;
    for (i = 0; i < count; i++) x[i] = -7;
}

static void test_statuses(void) {
    double s[12] = {0.1, 0.9, 0.4, 0.3, 0.35, 0.2, 0.8, 0.7, 0.5, 0.6, 0.2, 0.1};
    double y[6] = {0, 0, 1, 1, 0, 1};
    float s32[12], y32[6];
    double auc[2], cov[4], diff[4];
    size_t big = (size_t)1 << 31, i;
    for (i = 0; i < 12; i++) s32[i] = (float)s[i];
    for (i = 0; i < 6; i++) y32[i] = (float)y[i];
#define RESET() (fill(auc, 2), fill(cov, 4), fill(diff, 4))
#define UNTOUCHED() (untouched(auc, 2) && untouched(cov, 4) && untouched(diff, 4))
    RESET();
    CHECK(auroc_delong(s, big, 2, 2, 1, y, auc, cov, diff) == DIFFAUROC_E_TOO_LARGE && UNTOUCHED(),
          "n = 2^31: TOO_LARGE, before the pointers");
    CHECK(auroc_delong(NULL, big, 1, 1, 1, NULL, NULL, NULL, NULL) == DIFFAUROC_E_TOO_LARGE,
          "n = 2^31 with NULL pointers: TOO_LARGE (size first)");
    CHECK(auroc_delong(s, 6, (size_t)1 << 33, 1, 0, y, auc, cov, diff) == DIFFAUROC_E_TOO_LARGE,
          "k x k overflows: TOO_LARGE");
    CHECK(auroc_delong(s, 6, SIZE_MAX, 1, 0, y, auc, cov, diff) == DIFFAUROC_E_TOO_LARGE,
          "k = SIZE_MAX: TOO_LARGE");
    CHECK(auroc_delong(s, 6, 2, SIZE_MAX / 2, 1, y, auc, cov, diff) == DIFFAUROC_E_TOO_LARGE,
          "largest index overflows (sample stride): TOO_LARGE");
    CHECK(auroc_delong(s, 6, 2, 2, SIZE_MAX, y, auc, cov, diff) == DIFFAUROC_E_TOO_LARGE,
          "largest index overflows (column stride): TOO_LARGE");
    CHECK(auroc_delong(s, 1, 2, SIZE_MAX, 1, y, auc, cov, diff) == DIFFAUROC_E_ONE_CLASS,
          "n = 1: the sample stride is never used, no overflow");
    CHECK(UNTOUCHED(), "sizes: outputs untouched");
    CHECK(auroc_delong(NULL, 6, 0, 1, 1, NULL, NULL, NULL, NULL) == DIFFAUROC_OK,
          "k = 0: OK, nothing read or written");
    CHECK(auroc_delong(s, 6, 2, 2, 1, y, NULL, cov, diff) == DIFFAUROC_E_NULL_POINTER && UNTOUCHED(),
          "out_auc NULL: NULL_POINTER");
    CHECK(auroc_delong(NULL, 6, 2, 2, 1, y, auc, cov, diff) == DIFFAUROC_E_NULL_POINTER, "scores NULL");
    CHECK(auroc_delong(s, 6, 2, 2, 1, NULL, auc, cov, diff) == DIFFAUROC_E_NULL_POINTER, "labels NULL");
    CHECK(auroc_delong_f32(NULL, 6, 2, 2, 1, y32, auc, cov, diff) == DIFFAUROC_E_NULL_POINTER,
          "f32 scores NULL");
    CHECK(UNTOUCHED(), "NULL pointers: outputs untouched");
    CHECK(auroc_delong(NULL, 0, 2, 2, 1, NULL, auc, cov, diff) == DIFFAUROC_E_ONE_CLASS && UNTOUCHED(),
          "n = 0: ONE_CLASS (NULL inputs allowed), untouched");
    {
        double bs[12], by[6];
        memcpy(bs, s, sizeof bs);
        memcpy(by, y, sizeof by);
        bs[2 * 2 + 1] = NAN; /* sample 2, column 1 */
        by[3] = 2;
        CHECK(auroc_delong(bs, 6, 2, 2, 1, by, auc, cov, diff) == DIFFAUROC_E_NONFINITE_SCORE,
              "NaN score at sample 2 before bad label at 3: NONFINITE_SCORE");
        by[3] = 1;
        by[2] = 0.5;
        CHECK(auroc_delong(bs, 6, 2, 2, 1, by, auc, cov, diff) == DIFFAUROC_E_NONFINITE_SCORE,
              "sample 2: its scores before its label");
        bs[2 * 2 + 1] = s[2 * 2 + 1];
        CHECK(auroc_delong(bs, 6, 2, 2, 1, by, auc, cov, diff) == DIFFAUROC_E_BAD_LABEL,
              "label 0.5: BAD_LABEL");
        by[2] = NAN;
        CHECK(auroc_delong(bs, 6, 2, 2, 1, by, auc, cov, diff) == DIFFAUROC_E_BAD_LABEL,
              "label NaN: BAD_LABEL");
        by[2] = 1;
        bs[11] = -INFINITY;
        CHECK(auroc_delong(bs, 6, 2, 2, 1, by, auc, cov, diff) == DIFFAUROC_E_NONFINITE_SCORE,
              "-inf score, last element: NONFINITE_SCORE");
        CHECK(auroc_delong(bs, 6, 1, 2, 1, by, auc, cov, diff) == DIFFAUROC_OK,
              "the same -inf outside the columns the strides reach: not read, OK");
        fill(auc, 2), fill(cov, 4), fill(diff, 4);
        bs[11] = s[11];
        bs[0] = INFINITY;
        CHECK(auroc_delong(bs, 6, 2, 2, 1, by, auc, cov, diff) == DIFFAUROC_E_NONFINITE_SCORE &&
                  UNTOUCHED(), "+inf score: NONFINITE_SCORE, untouched");
    }
    {
        double ones[6] = {1, 1, 1, 1, 1, 1}, one_pos[6] = {0, 0, 1, 0, 0, 0};
        float one_pos32[6] = {0, 0, 1, 0, 0, 0};
        CHECK(auroc_delong(s, 6, 2, 2, 1, ones, auc, cov, diff) == DIFFAUROC_E_ONE_CLASS && UNTOUCHED(),
              "no negative: ONE_CLASS, untouched");
        CHECK(auroc_delong(s, 6, 2, 2, 1, one_pos, auc, cov, diff) == DIFFAUROC_W_NO_VARIANCE,
              "one positive: W_NO_VARIANCE");
        CHECK(auc[0] == 0.4 && auc[1] == 0.2 && isnan(cov[0]) && isnan(cov[1]) && isnan(cov[3]) &&
                  isnan(diff[1]) && isnan(diff[0]), "one positive: AUCs written, every covariance NaN");
        RESET();
        CHECK(auroc_delong_f32(s32, 6, 2, 2, 1, one_pos32, auc, NULL, NULL) == DIFFAUROC_W_NO_VARIANCE &&
                  auc[0] == 0.4 && untouched(cov, 4), "f32, NULL covariance: AUCs only");
    }
    {
        double a1, c1;
        CHECK(auroc_delong(s, 6, 1, 2, 1, y, &a1, &c1, NULL) == DIFFAUROC_OK, "NULL out_diff_var: OK");
        CHECK(auroc_delong(s, 6, 2, 2, 1, y, auc, NULL, diff) == DIFFAUROC_OK && diff[0] == 0 &&
                  diff[1] == diff[2], "NULL out_cov: OK, difference variances written");
    }
    {
        const char *m = diffauroc_strerror(DIFFAUROC_W_NO_VARIANCE);
        CHECK(m != NULL && strstr(m, "variance") != NULL, "strerror(W_NO_VARIANCE) names the variance");
    }
#undef RESET
#undef UNTOUCHED
}

/* Inputs ending exactly at a PROT_NONE page: the last element the strides reach is the
   last readable one. */
static void test_guard_pages(void) {
    long page = sysconf(_SC_PAGESIZE);
    size_t n = 1000, k = 2, bytes = n * k * sizeof(double), pages = bytes / (size_t)page + 2;
    char *base = mmap(NULL, pages * (size_t)page, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *ybase;
    double *s, *y, auc[2], cov[4], diff[4];
    size_t i;
    if (base == MAP_FAILED) {
        CHECK(0, "guard: mmap");
        return;
    }
    ybase = mmap(NULL, 2 * (size_t)page + n * sizeof(double), PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mprotect(base + (pages - 1) * (size_t)page, (size_t)page, PROT_NONE);
    s = (double *)(base + (pages - 1) * (size_t)page - bytes);
    {
        size_t ypages = (n * sizeof(double)) / (size_t)page + 2;
        munmap(ybase, 2 * (size_t)page + n * sizeof(double));
        ybase = mmap(NULL, ypages * (size_t)page, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        mprotect(ybase + (ypages - 1) * (size_t)page, (size_t)page, PROT_NONE);
        y = (double *)(ybase + (ypages - 1) * (size_t)page - n * sizeof(double));
    }
    for (i = 0; i < n; i++) {
        y[i] = (double)(i % 3 == 0);
        s[i * k] = rng_uniform();
        s[i * k + 1] = rng_uniform() + y[i];
    }
    CHECK(auroc_delong(s, n, k, k, 1, y, auc, cov, diff) == DIFFAUROC_OK,
          "guard pages (C order): OK, nothing read past the end");
    CHECK(auroc_delong(s, n, k, 1, n, y, auc, cov, diff) == DIFFAUROC_OK,
          "guard pages (column after column): OK");
}

int main(void) {
    test_hand_cases();
    test_random_exact();
    test_large();
    test_statuses();
    test_guard_pages();
    return check_summary();
}
