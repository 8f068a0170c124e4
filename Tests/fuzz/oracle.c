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

/* ---- ROC curve ---- */

typedef struct { double s; size_t i; } ranked;

static int by_score_desc_index_asc(const void *pa, const void *pb) {
    const ranked *a = pa, *b = pb;
    if (a->s > b->s) return -1;
    if (a->s < b->s) return 1;          /* -0.0 == +0.0: the same tie group */
    return a->i < b->i ? -1 : a->i > b->i ? 1 : 0;
}

void oracle_curve(const double *s, const double *y, const double *w, size_t n,
                  int drop_intermediate, oracle_curve_result *out) {
    memset(out, 0, sizeof *out);
    if (w) {
        double sp = 0.0, sn = 0.0;  /* index order, float64 */
        for (size_t i = 0; i < n; i++) {
            if (y[i] == 1.0) sp += w[i]; else sn += w[i];
        }
        if (sp > 0x1p1022 || sn > 0x1p1022) { out->status = -11; return; }
    }
    ranked *r = malloc((n ? n : 1) * sizeof *r);
    if (!r) abort();
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!w || w[i] > 0.0) r[m++] = (ranked){s[i], i};
    if (m == 0) { free(r); out->status = -6; return; }
    qsort(r, m, sizeof *r, by_score_desc_index_asc);
    /* the last position of each tie group */
    size_t *ends = malloc(m * sizeof *ends), d = 0;
    double *fps = malloc((m + 1) * 8), *tps = malloc((m + 1) * 8), *thr = malloc((m + 1) * 8);
    if (!ends || !fps || !tps || !thr) abort();
    for (size_t k = 0; k < m; k++)
        if (k + 1 == m || r[k + 1].s != r[k].s) ends[d++] = k;
    /* brute force: for each threshold, the sums over every sample with score >= t, in
     * the ranked order (n <= 512; beyond, the same additions as running sums) */
    double runp = 0.0, runn = 0.0;
    size_t done = 0;
    for (size_t g = 0; g < d; g++) {
        const double t = r[ends[g]].s;
        double p = 0.0, q = 0.0;
        if (n <= 512) {
            for (size_t k = 0; k < m && r[k].s >= t; k++) {
                const double wk = w ? w[r[k].i] : 1.0;
                if (y[r[k].i] == 1.0) p += wk; else q += wk;
            }
        } else {
            for (; done <= ends[g]; done++) {
                const double wk = w ? w[r[done].i] : 1.0;
                if (y[r[done].i] == 1.0) runp += wk; else runn += wk;
            }
            p = runp; q = runn;
        }
        tps[g] = p; fps[g] = q; thr[g] = t;
    }
    /* drop_intermediate: numpy's np.diff(a, 2) != 0 in float64, first and last kept */
    size_t c = d;
    if (drop_intermediate && d > 2) {
        size_t *keep = malloc(d * sizeof *keep), kc = 0;
        if (!keep) abort();
        keep[kc++] = 0;
        for (size_t k = 0; k + 2 < d; k++) {
            double f2 = (fps[k + 2] - fps[k + 1]) - (fps[k + 1] - fps[k]);
            double t2 = (tps[k + 2] - tps[k + 1]) - (tps[k + 1] - tps[k]);
            if (f2 != 0.0 || t2 != 0.0) keep[kc++] = k + 1;
        }
        keep[kc++] = d - 1;
        for (size_t k = 0; k < kc; k++) {
            fps[k] = fps[keep[k]]; tps[k] = tps[keep[k]]; thr[k] = thr[keep[k]];
        }
        c = kc;
        free(keep);
    }
    out->count = c + 1;
    out->fps = malloc((c + 1) * 8); out->tps = malloc((c + 1) * 8);
    out->thr = malloc((c + 1) * 8); out->fpr = malloc((c + 1) * 8); out->tpr = malloc((c + 1) * 8);
    if (!out->fps || !out->tps || !out->thr || !out->fpr || !out->tpr) abort();
    out->fps[0] = 0.0; out->tps[0] = 0.0; out->thr[0] = INFINITY;
    for (size_t k = 0; k < c; k++) {
        out->fps[k + 1] = fps[k]; out->tps[k + 1] = tps[k]; out->thr[k + 1] = thr[k];
    }
    const double flast = out->fps[c], tlast = out->tps[c];
    for (size_t k = 0; k <= c; k++) {
        out->fpr[k] = flast > 0.0 ? out->fps[k] / flast : NAN;
        out->tpr[k] = tlast > 0.0 ? out->tps[k] / tlast : NAN;
    }
    out->status = flast > 0.0 && tlast > 0.0 ? 0 : 1;
    free(ends); free(fps); free(tps); free(thr); free(r);
}

void oracle_curve_free(oracle_curve_result *r) {
    free(r->fpr); free(r->tpr); free(r->thr); free(r->fps); free(r->tps);
    memset(r, 0, sizeof *r);
}

long double oracle_area(const long double *x, const long double *v, size_t count,
                        long double lower, long double upper) {
    long double area = 0.0L;
    for (size_t k = 0; k + 1 < count; k++) {
        const long double x0 = x[k], x1 = x[k + 1];
        if (!(x1 > x0)) continue;  /* a vertical step adds nothing */
        const long double a = x0 > lower ? x0 : lower, b = x1 < upper ? x1 : upper;
        if (!(b > a)) continue;
        const long double va = v[k] + (v[k + 1] - v[k]) * ((a - x0) / (x1 - x0));
        const long double vb = v[k] + (v[k + 1] - v[k]) * ((b - x0) / (x1 - x0));
        area += (b - a) * (va + vb) / 2.0L;
    }
    return area;
}

/* ---- DeLong ---- */

double oracle_ratio_rn_any(unsigned __int128 a, unsigned __int128 b) {
    if (a == 0) return 0.0;
    if (b >> 126) abort();
    unsigned __int128 m = a / b, r = a % b;
    if (m >> 53) abort();  /* not needed here: every value is below 2^53 */
    int shift = 0;
    /* m = floor(a / b * 2^shift), r / b the fraction below its last bit */
    while (m < ((unsigned __int128)1 << 52)) {
        r <<= 1; m <<= 1; shift++;
        if (r >= b) { r -= b; m |= 1; }
    }
    if (2 * r > b || (2 * r == b && (m & 1))) m++;  /* nearest, ties to even */
    return ldexp((double)(uint64_t)m, -shift);      /* m <= 2^53: exact; no subnormal */
}

double oracle_ratio_rn_signed(__int128 a, unsigned __int128 b) {
    if (a < 0) return -oracle_ratio_rn_any((unsigned __int128)(-a), b);
    return oracle_ratio_rn_any((unsigned __int128)a, b);
}

static int by_double(const void *pa, const void *pb) {
    const double a = *(const double *)pa, b = *(const double *)pb;
    return a < b ? -1 : a > b ? 1 : 0;  /* -0.0 == +0.0 */
}
/* in sorted a[0..m): the first index whose value is not below v, the first above v */
static size_t first_not_below(const double *a, size_t m, double v) {
    size_t lo = 0, hi = m;
    while (lo < hi) { size_t mid = lo + (hi - lo) / 2; if (a[mid] < v) lo = mid + 1; else hi = mid; }
    return lo;
}
static size_t first_above(const double *a, size_t m, double v) {
    size_t lo = 0, hi = m;
    while (lo < hi) { size_t mid = lo + (hi - lo) / 2; if (a[mid] <= v) lo = mid + 1; else hi = mid; }
    return lo;
}

void oracle_delong(const double *s, const double *y, size_t n, size_t k,
                   oracle_delong_result *out) {
    memset(out, 0, sizeof *out);
    size_t P = 0, N = 0;
    for (size_t i = 0; i < n; i++) { if (y[i] == 1.0) P++; else N++; }
    if (P == 0 || N == 0) { out->status = -6; return; }
    out->status = (P < 2 || N < 2) ? 3 : 0;
    out->auc = malloc(k * sizeof(double));
    out->cov = malloc(k * k * sizeof(double));
    out->diff_var = malloc(k * k * sizeof(double));
    size_t *pos = malloc(P * sizeof *pos), *neg = malloc(N * sizeof *neg);
    /* X: P x k, Yc: N x k components (twice N V10, twice P V01: integers) */
    int64_t *X = malloc(P * k * sizeof *X), *Yc = malloc(N * k * sizeof *Yc);
    if (!out->auc || !out->cov || !out->diff_var || !pos || !neg || !X || !Yc) abort();
    size_t p = 0, q = 0;
    for (size_t i = 0; i < n; i++) { if (y[i] == 1.0) pos[p++] = i; else neg[q++] = i; }
    double *sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!sorted) abort();
    for (size_t a = 0; a < k; a++) {
        for (size_t t = 0; t < P; t++) X[t * k + a] = 0;
        for (size_t u = 0; u < N; u++) Yc[u * k + a] = 0;
        if ((unsigned __int128)P * N > ((unsigned __int128)1 << 22)) {
            /* large n (the seed replay's two-thread sizes): the same counts from the
             * other class's sorted scores, by binary search (below: < s, tied: == s) */
            for (int side = 0; side < 2; side++) {
                const size_t m = side ? P : N, other = side ? N : P;
                const size_t *mine = side ? neg : pos, *theirs = side ? pos : neg;
                for (size_t u = 0; u < m; u++) sorted[u] = s[theirs[u] * k + a];
                qsort(sorted, m, sizeof *sorted, by_double);
                for (size_t t = 0; t < other; t++) {
                    const double v = s[mine[t] * k + a];
                    const size_t lo = first_not_below(sorted, m, v), hi = first_above(sorted, m, v);
                    /* a positive: 2 #(negatives below) + #tied; a negative: 2 #(positives
                     * above) + #tied */
                    if (side == 0) X[t * k + a] = (int64_t)(2 * lo + (hi - lo));
                    else Yc[t * k + a] = (int64_t)(2 * (m - hi) + (hi - lo));
                }
            }
            continue;
        }
        for (size_t t = 0; t < P; t++) {
            const double sp = s[pos[t] * k + a];
            int64_t xs = 0;
            for (size_t u = 0; u < N; u++) {
                const double sn = s[neg[u] * k + a];
                /* pair (t, u): 2 if the positive scores above, 1 if tied, 0 below
                 * (-0.0 == +0.0); the same count from either side */
                const int64_t c = sp > sn ? 2 : sp == sn ? 1 : 0;
                xs += c;
                Yc[u * k + a] += c;
            }
            X[t * k + a] = xs;
        }
    }
    typedef unsigned __int128 u128;
    typedef __int128 i128;
    const u128 twoNP = (u128)2 * N * P;
    i128 *sumX = malloc(k * sizeof *sumX), *sumY = malloc(k * sizeof *sumY);
    i128 *num = malloc(k * k * sizeof *num);
    if (!sumX || !sumY || !num) abort();
    for (size_t a = 0; a < k; a++) {
        sumX[a] = 0; sumY[a] = 0;
        for (size_t t = 0; t < P; t++) sumX[a] += X[t * k + a];
        for (size_t u = 0; u < N; u++) sumY[a] += Yc[u * k + a];
        if (sumX[a] != sumY[a]) abort();  /* both count every pair */
        out->auc[a] = oracle_ratio_rn_any((u128)sumX[a], twoNP);
    }
    if (out->status == 3) {
        for (size_t e = 0; e < k * k; e++) { out->cov[e] = NAN; out->diff_var[e] = NAN; }
    } else {
        /* cov_ab = S10/P + S01/N with S10 = sum (X_a/2N - mean)(X_b/2N - mean) / (P - 1):
         * S10 / P = C10 / (4 N^2 P^2 (P - 1)), S01 / N = C01 / (4 P^2 N^2 (N - 1)) */
        for (size_t a = 0; a < k; a++)
            for (size_t b = 0; b < k; b++) {
                i128 xx = 0, yy = 0;
                for (size_t t = 0; t < P; t++) xx += (i128)X[t * k + a] * X[t * k + b];
                for (size_t u = 0; u < N; u++) yy += (i128)Yc[u * k + a] * Yc[u * k + b];
                const i128 c10 = (i128)P * xx - sumX[a] * sumX[b];
                const i128 c01 = (i128)N * yy - sumY[a] * sumY[b];
                num[a * k + b] = c10 * (i128)(N - 1) + c01 * (i128)(P - 1);
            }
        const u128 den = (u128)4 * P * P * N * N * (P - 1) * (N - 1);
        for (size_t a = 0; a < k; a++)
            for (size_t b = 0; b < k; b++) {
                out->cov[a * k + b] = oracle_ratio_rn_signed(num[a * k + b], den);
                const i128 d = num[a * k + a] + num[b * k + b] - 2 * num[a * k + b];
                out->diff_var[a * k + b] = oracle_ratio_rn_signed(d, den);
            }
    }
    free(sumX); free(sumY); free(num); free(pos); free(neg); free(X); free(Yc); free(sorted);
}

void oracle_delong_free(oracle_delong_result *r) {
    free(r->auc); free(r->cov); free(r->diff_var);
    memset(r, 0, sizeof *r);
}
