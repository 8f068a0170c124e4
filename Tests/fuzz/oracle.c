/*
 * oracle.c -- see oracle.h. Written from include/diffauroc.h's formulas, not from the
 * library's code: integer counts and a rational rounding for the unweighted exact AUROC,
 * long double (x87 extended: 64-bit significand, exponent range to 1e+-4931, so products
 * of two doubles and 1/T never overflow or underflow) for everything else.
 */
#include "oracle.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int oracle_sample_status(const double *s, const double *y, const double *w, size_t n,
                         size_t *bad_index) {
    for (size_t i = 0; i < n; i++) {
        int code = 0;
        if (!isfinite(s[i])) code = -2;
        else if (!(y[i] == 0.0 || y[i] == 1.0)) code = -3;
        else if (w && !(isfinite(w[i]) && w[i] >= 0.0)) code = -4;
        if (code) {
            if (bad_index) *bad_index = i;
            return code;
        }
    }
    return 0;
}

int oracle_has_both_classes(const double *y, const double *w, size_t n) {
    int pos = 0, neg = 0;
    for (size_t i = 0; i < n; i++) {
        if (w && !(w[i] > 0.0)) continue;
        if (y[i] == 1.0) pos = 1; else neg = 1;
    }
    return pos && neg;
}

double oracle_ratio_rn(unsigned __int128 a, unsigned __int128 b) {
    if (a == 0) return 0.0;
    if (a == b) return 1.0;
    /* smallest k with a * 2^k >= 2^52 * b: then 2^52 <= a * 2^k / b < 2^53 (for k > 0
     * because k - 1 failed; for k = 0 because a < b). */
    const unsigned __int128 lo = ((unsigned __int128)1 << 52) * b;
    int k = 0;
    while ((a << k) < lo) k++;
    unsigned __int128 num = a << k;
    unsigned __int128 q = num / b, r = num % b;
    if (2 * r > b || (2 * r == b && (q & 1))) q++;  /* nearest, ties to even */
    /* q <= 2^53 is exact in a double; ldexp by -k is exact (no subnormal: a/b >= 2^-100) */
    return ldexp((double)(uint64_t)q, -k);
}

typedef struct { double s, y, w; } sample;

static int by_score(const void *pa, const void *pb) {
    double a = ((const sample *)pa)->s, b = ((const sample *)pb)->s;
    return a < b ? -1 : a > b ? 1 : 0;  /* -0.0 == +0.0: the same group */
}

void oracle_exact(const double *s, const double *y, const double *w, size_t n,
                  oracle_exact_result *out) {
    memset(out, 0, sizeof *out);
    out->weighted = w != NULL;
    sample *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) abort();
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        double wi = w ? w[i] : 1.0;
        if (!(wi > 0.0)) continue;  /* weight 0 (or -0.0): excluded */
        v[m].s = s[i]; v[m].y = y[i]; v[m].w = wi; m++;
    }
    qsort(v, m, sizeof *v, by_score);
    unsigned __int128 u2 = 0, negBelow = 0, P = 0, N = 0;
    long double num = 0, wnegBelow = 0, WP = 0, WN = 0;
    for (size_t i = 0; i < m;) {
        size_t j = i;
        unsigned __int128 gp = 0, gn = 0;
        long double wgp = 0, wgn = 0;
        while (j < m && v[j].s == v[i].s) {
            if (v[j].y == 1.0) { gp++; wgp += v[j].w; } else { gn++; wgn += v[j].w; }
            j++;
        }
        u2 += 2 * gp * negBelow + gp * gn;
        num += wgp * wnegBelow + 0.5L * wgp * wgn;
        negBelow += gn; wnegBelow += wgn;
        P += gp; N += gn; WP += wgp; WN += wgn;
        i = j;
    }
    free(v);
    if (P == 0 || N == 0) return;
    out->defined = 1;
    out->u2 = u2;
    out->pn2 = 2 * P * N;
    if (w) {
        out->value = num / (WP * WN);
    } else {
        out->value_rn = oracle_ratio_rn(u2, 2 * P * N);
        out->value = (long double)u2 / (long double)(2 * P * N);
    }
}

/* sigmoid(x), sigmoid'(x) in long double, without overflow for any |x|. */
static void kernels(long double x, long double *sig, long double *slope) {
    long double e = expl(-fabsl(x));  /* in (0, 1], 0 when |x| is huge */
    long double d = 1.0L + e;
    *sig = x >= 0 ? 1.0L / d : e / d;
    *slope = e / (d * d);
}

void oracle_soft_totals(const double *y, const double *w, size_t n, long double *wpos,
                        long double *wneg) {
    long double P = 0, N = 0;
    for (size_t i = 0; i < n; i++) {
        long double wi = w ? w[i] : 1.0;
        if (!(wi > 0)) continue;
        if (y[i] == 1.0) P += wi; else N += wi;
    }
    *wpos = P; *wneg = N;
}

void oracle_soft(const double *s, const double *y, const double *w, size_t n, double T,
                 oracle_soft_result *out, long double *grad) {
    memset(out, 0, sizeof *out);
    if (grad) for (size_t i = 0; i < n; i++) grad[i] = 0;
    oracle_soft_totals(y, w, n, &out->wpos, &out->wneg);
    if (!(out->wpos > 0 && out->wneg > 0)) return;
    out->has_pairs = 1;
    const long double norm = out->wpos * out->wneg, t = T;
    long double value = 0, moment = 0;
    for (size_t i = 0; i < n; i++) {
        long double wi = w ? w[i] : 1.0;
        if (y[i] != 1.0 || !(wi > 0)) continue;
        long double rowSlope = 0;
        for (size_t j = 0; j < n; j++) {
            long double wj = w ? w[j] : 1.0;
            if (y[j] != 0.0 || !(wj > 0)) continue;
            long double x = ((long double)s[i] - (long double)s[j]) / t, sig, slope;
            kernels(x, &sig, &slope);
            value += wi * wj * sig;
            moment += wi * wj * x * slope;
            rowSlope += wj * slope;
            if (grad) grad[j] -= wi * wj * slope;
        }
        if (grad) grad[i] += wi * rowSlope;
    }
    out->value = value / norm;
    out->dT = -moment / (norm * t);
    if (grad) for (size_t i = 0; i < n; i++) grad[i] /= norm * t;
}

long double oracle_soft_grad_one(const double *s, const double *y, const double *w,
                                 size_t n, double T, size_t k, long double wpos,
                                 long double wneg) {
    long double wk = w ? w[k] : 1.0;
    if (!(wk > 0)) return 0;
    const int positive = y[k] == 1.0;
    long double acc = 0;
    for (size_t j = 0; j < n; j++) {
        long double wj = w ? w[j] : 1.0;
        if (!(wj > 0) || (y[j] == 1.0) == positive) continue;
        long double x = positive ? ((long double)s[k] - s[j]) / T
                                 : ((long double)s[j] - s[k]) / T, sig, slope;
        kernels(x, &sig, &slope);
        acc += wj * slope;
    }
    long double g = wk * acc / (wpos * wneg * (long double)T);
    return positive ? g : -g;
}

int oracle_close(double lib, long double ref, long double tol) {
    if (isnan(lib) || isnan(ref)) return 0;
    if (isinf(lib)) {
        /* only where the reference itself rounds to that infinity */
        double r = (double)ref;
        return isinf(r) && (r > 0) == (lib > 0);
    }
    return fabsl((long double)lib - ref) <= tol;
}
