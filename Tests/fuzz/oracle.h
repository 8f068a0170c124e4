/*
 * oracle.h -- an independent oracle for libdiffauroc's C contract (include/diffauroc.h),
 * written from the header alone, used by the fuzz target (fuzz_diffauroc.c) and the
 * sanitizer tests. Nothing here calls the library.
 *
 *   status   the header's checks in its order: size, required pointers, the samples in
 *            index order (score, label, weight at each index), then the temperature;
 *            then the class check (warning 1 for the soft functions, error -6 for exact)
 *   exact    unweighted: the correctly rounded double of U / (P * N), from integer counts
 *            (2U and 2PN as unsigned __int128, the quotient rounded to nearest-even with
 *            integer arithmetic); weighted: the same sum in long double
 *   soft     the pairwise sum of the header's formula in long double (x87, 64-bit
 *            significand): value, every gradient, d/dT
 */
#ifndef DIFFAUROC_FUZZ_ORACLE_H
#define DIFFAUROC_FUZZ_ORACLE_H

#include <stddef.h>
#include <stdint.h>

/* Sizes at least this large are "too large" by the header's own definition (a workspace
 * of n 8-byte elements overflows size_t); sizes up to ORACLE_SURELY_FINE_N are not. The
 * oracle never asks about the band between (the exact limit is the build's choice). */
#define ORACLE_SURELY_TOO_LARGE_N (SIZE_MAX / 8 + 1)
#define ORACLE_SURELY_FINE_N ((size_t)1 << 40)

/* The first failing sample check (-2, -3 or -4) and its index, or 0 when every sample
 * is valid. weights may be NULL. */
int oracle_sample_status(const double *s, const double *y, const double *w, size_t n,
                         size_t *bad_index);

/* Whether a positive and a negative of positive weight exist. */
int oracle_has_both_classes(const double *y, const double *w, size_t n);

/* The correctly rounded (nearest, ties to even) double of a / b, 0 <= a <= b, b > 0,
 * b < 2^100. */
double oracle_ratio_rn(unsigned __int128 a, unsigned __int128 b);

typedef struct {
    int defined;              /* both classes present */
    int weighted;
    double value_rn;          /* unweighted: the correctly rounded value */
    long double value;        /* the value in long double (both cases) */
    unsigned __int128 u2, pn2;  /* unweighted: 2U and 2PN */
} oracle_exact_result;

/* Exact AUROC of valid samples (ties count 1/2), by sorting. */
void oracle_exact(const double *s, const double *y, const double *w, size_t n,
                  oracle_exact_result *out);

typedef struct {
    int has_pairs;
    long double value, dT;
    long double wpos, wneg;   /* class weight totals (P and N without weights) */
} oracle_soft_result;

/* Soft AUROC of valid samples at a valid temperature T by the direct pair sum in long
 * double; grad (n entries, may be NULL) receives d value / d s_i. */
void oracle_soft(const double *s, const double *y, const double *w, size_t n, double T,
                 oracle_soft_result *out, long double *grad);

/* d value / d s_k alone (one sample, O(n)): for spot checks at large n. Requires
 * has_pairs (wpos, wneg from oracle_soft_totals). */
long double oracle_soft_grad_one(const double *s, const double *y, const double *w,
                                 size_t n, double T, size_t k, long double wpos,
                                 long double wneg);
void oracle_soft_totals(const double *y, const double *w, size_t n, long double *wpos,
                        long double *wneg);

/* |lib - ref| <= tol, computed in long double; a reference beyond the double range
 * accepts the infinity of its sign. NaN never passes. */
int oracle_close(double lib, long double ref, long double tol);

/* ---- ROC curve and partial AUC (the header's "ROC curve and partial AUC") ---- */

typedef struct {
    int status;          /* 0, 1 (one class absent: its rate NaN), -6 (no sample of
                            positive weight), -11 (a class's weights sum, in index order,
                            above 2^1022); valid samples assumed */
    size_t count;        /* points, the first at threshold +infinity */
    double *fpr, *tpr, *thr;   /* count each (malloc'd; oracle_curve_free) */
    double *fps, *tps;         /* the cumulative sums at the points (0 at the first) */
} oracle_curve_result;

/* scikit-learn's roc_curve as the header defines it: weight-0 samples dropped; for each
 * distinct score t in decreasing order, the positive and negative weights of the samples
 * with score >= t summed in float64 in decreasing-score order, ties in increasing index
 * order (by brute force: one sum per threshold); the threshold reported is the score of
 * the last sample of its tie group in that order; drop_intermediate as numpy's
 * diff(., 2) != 0 on the sums (float64), first and last kept; then the point (0, 0, +inf)
 * in front; rates fps / fps[last], tps / tps[last] in float64 (NaN for an absent class). */
void oracle_curve(const double *s, const double *y, const double *w, size_t n,
                  int drop_intermediate, oracle_curve_result *out);
void oracle_curve_free(oracle_curve_result *r);

/* The area under the piecewise-linear curve through (x[i], v[i]) (x non-decreasing) over
 * x in [lower, upper], the segments cut by linear interpolation, in long double. */
long double oracle_area(const long double *x, const long double *v, size_t count,
                        long double lower, long double upper);

/* ---- DeLong (the header's "DeLong's variance and the paired test") ---- */

/* The correctly rounded (nearest, ties to even) double of a / b for any a >= 0, b > 0,
 * b < 2^126, a / b < 2^53: the binary expansion by long division, one bit at a time. */
double oracle_ratio_rn_any(unsigned __int128 a, unsigned __int128 b);
/* The same for a signed numerator (the magnitude rounded, the sign put back; 0 is +0.0). */
double oracle_ratio_rn_signed(__int128 a, unsigned __int128 b);

typedef struct {
    int status;       /* 0, 3 (P < 2 or N < 2: covariances NaN), -6 (P == 0 or N == 0) */
    double *auc;      /* k (malloc'd when status >= 0; oracle_delong_free) */
    double *cov;      /* k * k, row-major; NaN with status 3 */
    double *diff_var; /* k * k */
} oracle_delong_result;

/* auroc_delong on valid samples: s is n x k row-major (s[i * k + a]), y n labels 0/1.
 * By the header's definitions with integers: X_ai = 2N V10_ai = 2 #(negatives below) +
 * #(tied) by a direct O(P N) count (beyond P N = 2^22, the seed replay's large n: by
 * binary search in the other class's sorted scores), Y_aj = 2P V01_aj likewise; AUC_a = sum_i X_ai / (2NP);
 * with C10_ab = P sum_i X_ai X_bi - (sum_i X_ai)(sum_i X_bi) and C01_ab likewise over the
 * negatives, cov_ab = (C10_ab (N - 1) + C01_ab (P - 1)) / (4 P^2 N^2 (P - 1)(N - 1)) and
 * diff_var_ab = cov_aa + cov_bb - 2 cov_ab on the exact numerators; each rounded once. */
void oracle_delong(const double *s, const double *y, size_t n, size_t k,
                   oracle_delong_result *out);
void oracle_delong_free(oracle_delong_result *r);

#endif
