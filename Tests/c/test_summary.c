/*
 * test_summary.c -- the mergeable summaries (include/diffauroc.h, "Mergeable summaries"):
 * auroc_summary, auroc_summary_weighted, auroc_summary_table and their _f32 forms, from C:
 *  - every word of auroc_summary against an independent O(n^2) oracle in exact 64-bit
 *    integers (small n, tied scores, -0.0 and +0.0 mixed);
 *  - the header's merge rule over tie-respecting score ranges (some empty, some with one
 *    class) gives the whole data's summary, and 2U / (2 P N) is auroc_exact's value, bit for
 *    bit; f32 == f64 on the widened values;
 *  - the weighted summary against a long double oracle, its power-of-two scaling, and
 *    weights NULL == all 1;
 *  - the table against an oracle (distinct scores, per-class sums, +0.0 for a -0.0/+0.0
 *    tie, weight-0 samples dropped), the count-only call and DIFFAUROC_E_CAPACITY;
 *  - every bad input: n too large, each NULL pointer, bad score, label and weight (each
 *    status, nothing written), n == 0; guard pages (nothing read past n).
 *
 * Build and run (the library built by `swift build -c release`):
 *   gcc -std=c99 -Wall -Wextra -Werror -pedantic -O2 -g -I include -I Tests/c \
 *       Tests/c/test_summary.c -o /tmp/test_summary -L .build/release -ldiffauroc \
 *       -Wl,-rpath,$PWD/.build/release -lm && /tmp/test_summary
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

#define SPLITMIX_SEED 7
#include "splitmix.h"

#define MAXN 300

/* ---- the O(n^2) integer oracle ------------------------------------------------------- */

typedef struct { uint64_t n, p, twice_u, c2, d2; } Oracle;

static Oracle oracle(const double *s, const double *y, size_t n) {
    Oracle o = {0, 0, 0, 0, 0};
    size_t i, j;
    for (i = 0; i < n; i++) {
        uint64_t c = 0;
        if (y[i] == 0) { o.n++; } else { o.p++; }
        for (j = 0; j < n; j++) {
            if (y[i] == 1 && y[j] == 0) c += s[i] > s[j] ? 2 : s[i] == s[j] ? 1 : 0;
            if (y[i] == 0 && y[j] == 1) c += s[j] > s[i] ? 2 : s[j] == s[i] ? 1 : 0;
        }
        if (y[i] == 1) { o.twice_u += c; o.c2 += c * c; } else { o.d2 += c * c; }
    }
    return o;
}

static int words_equal(const uint64_t *w, Oracle o) {
    return w[0] == o.n && w[1] == o.p && w[2] == o.twice_u && w[3] == 0 && w[4] == o.c2 &&
           w[5] == 0 && w[6] == o.d2 && w[7] == 0;
}

/* Random scores on a small grid (many ties), some -0.0 and +0.0. */
static void fill(double *s, double *y, size_t n, int grid) {
    size_t i;
    for (i = 0; i < n; i++) {
        int k = (int)(rng_next() % (uint64_t)grid) - grid / 2;
        s[i] = k == 0 ? ((rng_next() & 1) ? -0.0 : 0.0) : (double)k / 8;
        y[i] = (double)(rng_next() & 1);
    }
}

static void test_oracle_and_merge(void) {
    static double s[MAXN], y[MAXN], rs[MAXN], ry[MAXN];
    static float sf[MAXN], yf[MAXN];
    int trial;
    for (trial = 0; trial < 200; trial++) {
        size_t n = 1 + rng_next() % MAXN, i;
        int grid = 1 + (int)(rng_next() % 40);
        uint64_t w[DIFFAUROC_SUMMARY_WORDS], wf[DIFFAUROC_SUMMARY_WORDS];
        Oracle o;
        fill(s, y, n, grid);
        o = oracle(s, y, n);
        CHECK(auroc_summary(s, y, n, w) == DIFFAUROC_OK, "auroc_summary ok");
        CHECK(words_equal(w, o), "auroc_summary == oracle");
        for (i = 0; i < n; i++) { sf[i] = (float)s[i]; yf[i] = (float)y[i]; }
        CHECK(auroc_summary_f32(sf, yf, n, wf) == DIFFAUROC_OK, "auroc_summary_f32 ok");
        CHECK(memcmp(w, wf, sizeof w) == 0, "f32 == f64");
        if (o.p > 0 && o.n > 0) {
            double auc;
            CHECK(auroc_exact(s, y, NULL, n, &auc) == DIFFAUROC_OK, "auroc_exact");
            /* 2U and 2PN < 2^53: one IEEE division is the correctly rounded ratio */
            CHECK((double)o.twice_u / (double)(2 * o.p * o.n) == auc, "2U / 2PN == auroc_exact");
        }
        {
            /* Ranges [b_r, b_{r+1}) over the grid values (ties never split), some empty;
               the header's merge rule, in uint64 (small n). */
            uint64_t P = 0, N = 0, U = 0, C2 = 0, D2 = 0, below = 0, above = o.p;
            double lo = -1e9;
            int r, ranges = 1 + (int)(rng_next() % 8);
            for (r = 0; r < ranges; r++) {
                double hi = r == ranges - 1 ? 1e9 : lo + (double)(rng_next() % 6) / 8 + 0.0625;
                size_t m = 0;
                uint64_t v[DIFFAUROC_SUMMARY_WORDS];
                if (r == 0 && ranges > 1) hi = -(double)grid / 16;  /* often empty or one class */
                for (i = 0; i < n; i++)
                    if (s[i] >= lo && s[i] < hi) { rs[m] = s[i]; ry[m] = y[i]; m++; }
                CHECK(auroc_summary(m ? rs : NULL, m ? ry : NULL, m, v) == DIFFAUROC_OK,
                      "range summary");
                above -= v[1];
                U += v[2] + 2 * v[1] * below;
                C2 += v[4] + 4 * below * v[2] + 4 * v[1] * below * below;
                D2 += v[6] + 4 * above * v[2] + 4 * v[0] * above * above;
                P += v[1];
                N += v[0];
                below += v[0];
                lo = hi;
            }
            CHECK(P == o.p && N == o.n && U == o.twice_u && C2 == o.c2 && D2 == o.d2,
                  "merge rule == whole-data summary");
        }
    }
}

/* ---- weighted ----------------------------------------------------------------------- */

static void test_weighted(void) {
    static double s[MAXN], y[MAXN], wt[MAXN];
    static float sf[MAXN], yf[MAXN], wtf[MAXN];
    int trial;
    for (trial = 0; trial < 100; trial++) {
        size_t n = 1 + rng_next() % MAXN, i, j;
        long double wn = 0, wp = 0, pairs = 0;
        double out[3], outf[3], scaled[3];
        int e[2], ef[2], es[2];
        uint64_t words[DIFFAUROC_SUMMARY_WORDS];
        fill(s, y, n, 1 + (int)(rng_next() % 30));
        for (i = 0; i < n; i++) wt[i] = (rng_next() % 5 == 0) ? 0.0 : rng_uniform() * 3;
        for (i = 0; i < n; i++) {
            if (y[i] == 0) wn += wt[i]; else wp += wt[i];
            if (y[i] == 1)
                for (j = 0; j < n; j++)
                    if (y[j] == 0)
                        pairs += (long double)wt[i] * wt[j] *
                                 (s[i] > s[j] ? 1.0L : s[i] == s[j] ? 0.5L : 0.0L);
        }
        CHECK(auroc_summary_weighted(s, y, wt, n, out, e) == DIFFAUROC_OK, "weighted ok");
        {
            long double sn = ldexpl(1, -e[0]), sp = ldexpl(1, -e[1]);
            CHECK(fabsl(out[0] - wn * sn) <= 1e-14L * (wn * sn) + 1e-300L, "W_neg");
            CHECK(fabsl(out[1] - wp * sp) <= 1e-14L * (wp * sp) + 1e-300L, "W_pos");
            CHECK(fabsl(out[2] - pairs * sn * sp) <= 1e-14L * (pairs * sn * sp) + 1e-300L,
                  "pair mass");
            CHECK((wn == 0 || (out[0] >= 0.5 && e[0] <= 2)) && (wn > 0 || e[0] == 0),
                  "negative scale exponent");
        }
        for (i = 0; i < n; i++) {
            sf[i] = (float)s[i]; yf[i] = (float)y[i];
            wtf[i] = (float)wt[i];
        }
        for (i = 0; i < n; i++) wt[i] = (double)wtf[i];
        CHECK(auroc_summary_weighted(s, y, wt, n, out, e) == DIFFAUROC_OK, "weighted ok");
        CHECK(auroc_summary_weighted_f32(sf, yf, wtf, n, outf, ef) == DIFFAUROC_OK, "f32 ok");
        CHECK(memcmp(out, outf, sizeof out) == 0 && e[0] == ef[0] && e[1] == ef[1],
              "weighted f32 == f64");
        /* scaling the weights by 2^600 only shifts the exponents */
        for (i = 0; i < n; i++) wt[i] = ldexp(wt[i], 600);
        CHECK(auroc_summary_weighted(s, y, wt, n, scaled, es) == DIFFAUROC_OK, "scaled ok");
        CHECK(memcmp(out, scaled, sizeof out) == 0 &&
              es[0] == e[0] + (out[0] > 0 ? 600 : 0) && es[1] == e[1] + (out[1] > 0 ? 600 : 0),
              "weights x 2^600: same values, exponents + 600");
        /* weights NULL: counts, pair mass U */
        CHECK(auroc_summary_weighted(s, y, NULL, n, out, e) == DIFFAUROC_OK, "NULL weights");
        CHECK(auroc_summary(s, y, n, words) == DIFFAUROC_OK, "summary");
        CHECK(e[0] == 0 && e[1] == 0 && out[0] == (double)words[0] &&
              out[1] == (double)words[1] && out[2] == (double)words[2] / 2,
              "weights NULL == counts");
    }
}

/* ---- table -------------------------------------------------------------------------- */

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void test_table(void) {
    static double s[MAXN], y[MAXN], wt[MAXN], sorted[MAXN];
    static double ts[MAXN], tn[MAXN], tp[MAXN];
    static float sf[MAXN], yf[MAXN];
    int trial;
    for (trial = 0; trial < 100; trial++) {
        size_t n = 1 + rng_next() % MAXN, i, j, m = 0, count = 0, count2 = 0;
        int weighted = trial % 2, ok = 1;
        fill(s, y, n, 1 + (int)(rng_next() % 30));
        for (i = 0; i < n; i++) wt[i] = (rng_next() % 4 == 0) ? 0.0 : (double)(1 + rng_next() % 7);
        /* the oracle: distinct scores of positive weight, increasing */
        for (i = 0; i < n; i++)
            if (!weighted || wt[i] > 0) sorted[m++] = s[i] + 0.0;
        qsort(sorted, m, sizeof *sorted, compare_doubles);
        for (i = 0, j = 0; i < m; i++)
            if (j == 0 || sorted[i] != sorted[j - 1]) sorted[j++] = sorted[i];
        m = j;
        CHECK(auroc_summary_table(s, y, weighted ? wt : NULL, n, 0, NULL, NULL, NULL, &count) ==
              DIFFAUROC_OK && count == m, "count-only call");
        if (m > 0) {
            ts[0] = 42;
            CHECK(auroc_summary_table(s, y, weighted ? wt : NULL, n, m - 1, ts, tn, tp, &count2) ==
                  DIFFAUROC_E_CAPACITY && count2 == 0 && ts[0] == 42,
                  "capacity too small: E_CAPACITY, nothing written");
        }
        CHECK(auroc_summary_table(s, y, weighted ? wt : NULL, n, n, ts, tn, tp, &count2) ==
              DIFFAUROC_OK && count2 == m, "table ok");
        for (i = 0; i < m && ok; i++) {
            double neg = 0, pos = 0;
            for (j = 0; j < n; j++)
                if (s[j] == sorted[i]) {
                    if (y[j] == 0) neg += weighted ? wt[j] : 1; else pos += weighted ? wt[j] : 1;
                }
            ok = ts[i] == sorted[i] && (ts[i] != 0 || !signbit(ts[i])) && tn[i] == neg && tp[i] == pos;
            if (!ok)
                printf("row %zu: %g %g %g oracle %g %g %g\n", i, ts[i], tn[i], tp[i],
                       sorted[i], neg, pos);
        }
        CHECK(ok, "table == oracle (+0.0 for a zero)");
        for (i = 0; i < n; i++) { sf[i] = (float)s[i]; yf[i] = (float)y[i]; }
        CHECK(auroc_summary_table_f32(sf, yf, NULL, n, n, ts, tn, tp, &count2) == DIFFAUROC_OK,
              "table f32 ok");
    }
}

/* ---- bad inputs ----------------------------------------------------------------------- */

static void test_errors(void) {
    double s[4] = {0.1, 0.2, 0.3, 0.4}, y[4] = {0, 1, 0, 1}, w[4] = {1, 1, 1, 1};
    float sf[4] = {0.1f, 0.2f, 0.3f, 0.4f}, yf[4] = {0, 1, 0, 1}, wf[4] = {1, 1, 1, 1};
    uint64_t words[DIFFAUROC_SUMMARY_WORDS];
    double out[3], ts[4], tn[4], tp[4];
    int e[2];
    size_t count = 99, k, big = ((size_t)1 << 40) + 1;

    /* n too large: before any pointer or element is looked at */
    CHECK(auroc_summary(s, y, big, words) == DIFFAUROC_E_TOO_LARGE, "summary n too large");
    CHECK(auroc_summary_f32(sf, yf, big, words) == DIFFAUROC_E_TOO_LARGE, "f32 n too large");
    CHECK(auroc_summary_weighted(s, y, w, big, out, e) == DIFFAUROC_E_TOO_LARGE,
          "weighted n too large");
    CHECK(auroc_summary_weighted_f32(sf, yf, wf, big, out, e) == DIFFAUROC_E_TOO_LARGE,
          "weighted f32 n too large");
    CHECK(auroc_summary_table(s, y, w, big, 4, ts, tn, tp, &count) == DIFFAUROC_E_TOO_LARGE,
          "table n too large");
    CHECK(auroc_summary_table_f32(sf, yf, wf, big, 4, ts, tn, tp, &count) ==
          DIFFAUROC_E_TOO_LARGE, "table f32 n too large");
    CHECK(auroc_summary(NULL, NULL, (size_t)-1, NULL) == DIFFAUROC_E_TOO_LARGE,
          "size checked before pointers");

    /* NULL pointers */
    CHECK(auroc_summary(s, y, 4, NULL) == DIFFAUROC_E_NULL_POINTER, "out NULL");
    CHECK(auroc_summary(NULL, y, 4, words) == DIFFAUROC_E_NULL_POINTER, "scores NULL");
    CHECK(auroc_summary(s, NULL, 4, words) == DIFFAUROC_E_NULL_POINTER, "labels NULL");
    CHECK(auroc_summary_f32(sf, yf, 4, NULL) == DIFFAUROC_E_NULL_POINTER, "f32 out NULL");
    CHECK(auroc_summary_f32(NULL, yf, 4, words) == DIFFAUROC_E_NULL_POINTER, "f32 scores NULL");
    CHECK(auroc_summary_weighted(s, y, w, 4, NULL, e) == DIFFAUROC_E_NULL_POINTER,
          "weighted out NULL");
    CHECK(auroc_summary_weighted(s, y, w, 4, out, NULL) == DIFFAUROC_E_NULL_POINTER,
          "weighted out_exponents NULL");
    CHECK(auroc_summary_weighted(s, NULL, w, 4, out, e) == DIFFAUROC_E_NULL_POINTER,
          "weighted labels NULL");
    CHECK(auroc_summary_weighted_f32(sf, yf, wf, 4, out, NULL) == DIFFAUROC_E_NULL_POINTER,
          "weighted f32 out_exponents NULL");
    CHECK(auroc_summary_table(s, y, w, 4, 4, ts, tn, tp, NULL) == DIFFAUROC_E_NULL_POINTER,
          "table out_count NULL");
    CHECK(auroc_summary_table(NULL, y, w, 4, 4, ts, tn, tp, &count) ==
          DIFFAUROC_E_NULL_POINTER, "table scores NULL");
    CHECK(auroc_summary_table_f32(sf, yf, wf, 4, 4, ts, tn, tp, NULL) ==
          DIFFAUROC_E_NULL_POINTER, "table f32 out_count NULL");

    /* n == 0: NULL arrays allowed, zeros */
    memset(words, 0xFF, sizeof words);
    CHECK(auroc_summary(NULL, NULL, 0, words) == DIFFAUROC_OK, "n == 0 ok");
    for (k = 0; k < DIFFAUROC_SUMMARY_WORDS; k++) CHECK(words[k] == 0, "n == 0: zeros");
    CHECK(auroc_summary_weighted(NULL, NULL, NULL, 0, out, e) == DIFFAUROC_OK &&
          out[0] == 0 && out[1] == 0 && out[2] == 0 && e[0] == 0 && e[1] == 0,
          "weighted n == 0");
    CHECK(auroc_summary_table(NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, &count) ==
          DIFFAUROC_OK && count == 0, "table n == 0");

    /* bad samples, in the header's order; nothing written */
    {
        double bad_s[4] = {0.1, NAN, 0.3, 0.4}, bad_y[4] = {0, 1, 2, 1};
        double bad_w[4] = {1, 1, 1, -1}, inf_s[4] = {0.1, 0.2, INFINITY, 0.4};
        float bad_sf[4] = {0.1f, 0.2f, 0.3f, NAN}, bad_yf[4] = {0, 0.5f, 0, 1};
        float bad_wf[4] = {1, 1, NAN, 1};
        memset(words, 0xAB, sizeof words);
        CHECK(auroc_summary(bad_s, y, 4, words) == DIFFAUROC_E_NONFINITE_SCORE, "NaN score");
        CHECK(auroc_summary(inf_s, y, 4, words) == DIFFAUROC_E_NONFINITE_SCORE, "inf score");
        CHECK(auroc_summary(s, bad_y, 4, words) == DIFFAUROC_E_BAD_LABEL, "label 2");
        CHECK(auroc_summary(bad_s, bad_y, 4, words) == DIFFAUROC_E_NONFINITE_SCORE,
              "score 1 before label 2");
        CHECK(auroc_summary_f32(bad_sf, yf, 4, words) == DIFFAUROC_E_NONFINITE_SCORE,
              "f32 NaN score");
        CHECK(auroc_summary_f32(sf, bad_yf, 4, words) == DIFFAUROC_E_BAD_LABEL, "f32 label 0.5");
        for (k = 0; k < DIFFAUROC_SUMMARY_WORDS; k++)
            CHECK(words[k] == 0xABABABABABABABABull, "nothing written on error");
        out[0] = out[1] = out[2] = 42; e[0] = e[1] = 42;
        CHECK(auroc_summary_weighted(s, y, bad_w, 4, out, e) == DIFFAUROC_E_BAD_WEIGHT,
              "negative weight");
        CHECK(auroc_summary_weighted(s, bad_y, bad_w, 4, out, e) == DIFFAUROC_E_BAD_LABEL,
              "label 2 before weight 3");
        CHECK(auroc_summary_weighted(bad_s, y, NULL, 4, out, e) == DIFFAUROC_E_NONFINITE_SCORE,
              "weighted NaN score");
        CHECK(auroc_summary_weighted_f32(sf, yf, bad_wf, 4, out, e) == DIFFAUROC_E_BAD_WEIGHT,
              "f32 NaN weight");
        CHECK(out[0] == 42 && out[1] == 42 && out[2] == 42 && e[0] == 42 && e[1] == 42,
              "weighted: nothing written on error");
        count = 99; ts[0] = 42;
        CHECK(auroc_summary_table(s, y, bad_w, 4, 4, ts, tn, tp, &count) ==
              DIFFAUROC_E_BAD_WEIGHT, "table negative weight");
        CHECK(auroc_summary_table(bad_s, y, NULL, 4, 4, ts, tn, tp, &count) ==
              DIFFAUROC_E_NONFINITE_SCORE, "table NaN score");
        CHECK(auroc_summary_table_f32(sf, bad_yf, NULL, 4, 4, ts, tn, tp, &count) ==
              DIFFAUROC_E_BAD_LABEL, "table f32 label 0.5");
        CHECK(count == 99 && ts[0] == 42, "table: nothing written on error");
    }
}

/* ---- guard pages: arrays ending at an inaccessible page ----------------------------- */

static void *guarded(size_t bytes, void **region, size_t *region_size) {
    long page = sysconf(_SC_PAGESIZE);
    size_t pages = (bytes + (size_t)page - 1) / (size_t)page + 1;
    char *base = mmap(NULL, pages * (size_t)page, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) return NULL;
    mprotect(base + (pages - 1) * (size_t)page, (size_t)page, PROT_NONE);
    *region = base;
    *region_size = pages * (size_t)page;
    return base + (pages - 1) * (size_t)page - bytes;
}

static void test_guard_pages(void) {
    size_t n = 1000, i, count;
    void *r1, *r2, *r3;
    size_t z1, z2, z3;
    double *s = guarded(n * sizeof(double), &r1, &z1);
    double *y = guarded(n * sizeof(double), &r2, &z2);
    double *w = guarded(n * sizeof(double), &r3, &z3);
    static double ts[1000], tn[1000], tp[1000];
    uint64_t words[DIFFAUROC_SUMMARY_WORDS];
    double out[3];
    int e[2];
    if (!s || !y || !w) { CHECK(0, "mmap"); return; }
    for (i = 0; i < n; i++) { s[i] = (double)(i % 37); y[i] = (double)(i % 3 == 0); w[i] = 1.5; }
    CHECK(auroc_summary(s, y, n, words) == DIFFAUROC_OK, "guarded summary");
    CHECK(auroc_summary_weighted(s, y, w, n, out, e) == DIFFAUROC_OK, "guarded weighted");
    CHECK(auroc_summary_table(s, y, w, n, n, ts, tn, tp, &count) == DIFFAUROC_OK && count == 37,
          "guarded table");
    munmap(r1, z1);
    munmap(r2, z2);
    munmap(r3, z3);
}

int main(void) {
    test_oracle_and_merge();
    test_weighted();
    test_table();
    test_errors();
    test_guard_pages();
    return check_summary();
}
