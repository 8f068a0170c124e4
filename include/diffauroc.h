/*
 * diffauroc.h -- the whole C contract of libdiffauroc.
 *
 * libdiffauroc computes the area under the ROC curve (AUROC) of binary labels two ways:
 *
 *   auroc_soft, auroc_soft_grad  the smooth training surrogate: the Wilcoxon-Mann-Whitney
 *                                statistic with the indicator [s_i > s_j] replaced by
 *                                sigmoid((s_i - s_j) / T), and its exact gradient;
 *   auroc_exact                  the true AUROC, with tied scores counted 1/2 (as
 *                                scikit-learn's roc_auc_score).
 *
 * Conventions shared by every function
 * ------------------------------------
 *  - scores[i], labels[i] and weights[i] describe sample i, for 0 <= i < n. No function
 *    reads past index n - 1, keeps a pointer after it returns, or writes to its inputs.
 *  - labels[i] must be exactly 0.0 (negative) or 1.0 (positive). Any other value, NaN
 *    included, is DIFFAUROC_E_BAD_LABEL. Pad with weight 0, not with a special label.
 *  - scores[i] must be finite (DIFFAUROC_E_NONFINITE_SCORE otherwise). -0.0 equals +0.0.
 *  - weights may be NULL: every sample then has weight 1. Otherwise weights[i] must be
 *    finite and >= 0 (DIFFAUROC_E_BAD_WEIGHT); a sample of weight 0 is excluded: it
 *    contributes nothing and its gradient is 0. Scaling all weights by a constant does not
 *    change any result.
 *  - scores and labels (and out_grad) may be NULL only when n == 0.
 *  - The return value is a status: 0 is success, > 0 is success with a warning (the
 *    outputs are written and defined), < 0 is an error. On error, no output is written.
 *  - Every function is thread-safe (no global mutable state), never aborts the process, and
 *    allocates only temporary memory (malloc) that it frees before returning; if an
 *    allocation fails it returns DIFFAUROC_E_NO_MEMORY.
 *
 * C99 and C++ compatible. Link with -ldiffauroc.
 */
#ifndef DIFFAUROC_H
#define DIFFAUROC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DIFFAUROC_VERSION_MAJOR 0
#define DIFFAUROC_VERSION_MINOR 1
#define DIFFAUROC_VERSION_PATCH 0
#define DIFFAUROC_VERSION_STRING "0.1.0"
/* A single comparable number: 10000 * major + 100 * minor + patch. */
#define DIFFAUROC_VERSION_NUMBER \
    (DIFFAUROC_VERSION_MAJOR * 10000 + DIFFAUROC_VERSION_MINOR * 100 + DIFFAUROC_VERSION_PATCH)

/*
 * Status codes
 * ------------
 *  code  name                          meaning
 *     0  DIFFAUROC_OK                  success
 *     1  DIFFAUROC_W_ONE_CLASS         soft functions only: no positive or no negative sample
 *                                      of positive weight, so there is no pair. The value,
 *                                      every gradient and d/dT are written as 0 (the
 *                                      reference's behaviour); the status tells them apart
 *                                      from a genuine 0.
 *    -1  DIFFAUROC_E_NULL_POINTER      a required pointer is NULL
 *    -2  DIFFAUROC_E_NONFINITE_SCORE   a score is NaN or +-infinity
 *    -3  DIFFAUROC_E_BAD_LABEL         a label is not exactly 0 or 1 (NaN included)
 *    -4  DIFFAUROC_E_BAD_WEIGHT        a weight is negative, NaN or +-infinity
 *    -5  DIFFAUROC_E_BAD_TEMPERATURE   the temperature is not finite and > 0
 *    -6  DIFFAUROC_E_ONE_CLASS         auroc_exact only: no positive or no negative sample
 *                                      of positive weight; AUROC is undefined
 *    -7  DIFFAUROC_E_NO_MEMORY         a temporary allocation failed
 *    -8  DIFFAUROC_E_TOO_LARGE         n is too large for this build (the workspace size
 *                                      would overflow size_t)
 */
#define DIFFAUROC_OK                 0
#define DIFFAUROC_W_ONE_CLASS        1
#define DIFFAUROC_E_NULL_POINTER    (-1)
#define DIFFAUROC_E_NONFINITE_SCORE (-2)
#define DIFFAUROC_E_BAD_LABEL       (-3)
#define DIFFAUROC_E_BAD_WEIGHT      (-4)
#define DIFFAUROC_E_BAD_TEMPERATURE (-5)
#define DIFFAUROC_E_ONE_CLASS       (-6)
#define DIFFAUROC_E_NO_MEMORY       (-7)
#define DIFFAUROC_E_TOO_LARGE       (-8)

/*
 * auroc_soft: the soft (sigmoid) AUROC.
 *
 *   value = sum_{i pos} sum_{j neg} w_i w_j sigmoid((s_i - s_j) / T)
 *           / ((sum_{i pos} w_i) * (sum_{j neg} w_j))
 *
 * Without weights this is the reference's sum / (P * N). The value lies in [0, 1].
 *
 *   scores, labels, weights  n samples; weights may be NULL (all 1)
 *   temperature              T, finite and > 0, else DIFFAUROC_E_BAD_TEMPERATURE
 *   out_value                required; receives the value on success or warning
 *
 * Returns DIFFAUROC_OK, DIFFAUROC_W_ONE_CLASS (out_value = 0, also for n == 0) or an error.
 */
int auroc_soft(const double *scores, const double *labels, const double *weights,
               size_t n, double temperature, double *out_value);

/*
 * auroc_soft_grad: the soft AUROC, its gradient with respect to every score, and its
 * derivative with respect to the temperature, all from one pass.
 *
 *   out_value         required; the value as auroc_soft computes it
 *   out_grad          required unless n == 0; n doubles receive d value / d scores[i]
 *                     (0 for samples of weight 0). Must not overlap the inputs.
 *   out_dtemperature  may be NULL (then d value / dT is not written)
 *
 * Gradients are finite for every valid input unless 1/T itself overflows (T below about
 * 1e-308 times the score gap); they are never NaN.
 * Returns as auroc_soft; with DIFFAUROC_W_ONE_CLASS every output is 0.
 */
int auroc_soft_grad(const double *scores, const double *labels, const double *weights,
                    size_t n, double temperature, double *out_value, double *out_grad,
                    double *out_dtemperature);

/*
 * auroc_exact: the exact AUROC, as scikit-learn's roc_auc_score defines it for binary
 * labels: the area under the trapezoidal ROC curve over distinct thresholds, which equals
 *
 *   sum_{i pos} sum_{j neg} w_i w_j ([s_i > s_j] + 1/2 [s_i == s_j])
 *   / ((sum_{i pos} w_i) * (sum_{j neg} w_j)).
 *
 * Tied scores count 1/2 whatever their order (calibrax's roc_auc does not do this).
 * Without weights the result is the correctly rounded double of the rational U / (P * N),
 * computed from integer counts.
 *
 *   out_value  required; receives the AUROC in [0, 1] on success
 *
 * Returns DIFFAUROC_OK or an error; DIFFAUROC_E_ONE_CLASS when there is no pair (n == 0
 * included), since AUROC is then undefined.
 */
int auroc_exact(const double *scores, const double *labels, const double *weights,
                size_t n, double *out_value);

/* ---- float32 entry points (section owned by the exact-AUROC speed work) ---- */

/* ---- batched entry points (section owned by the JAX front end work) ---- */

/*
 * diffauroc_strerror: a static, NUL-terminated English message for a status code (never
 * NULL; unknown codes get "unknown diffauroc status code"). Do not free it.
 */
const char *diffauroc_strerror(int status);

/*
 * diffauroc_version: the library's version as "MAJOR.MINOR.PATCH" (static, never NULL).
 * Compare it with DIFFAUROC_VERSION_STRING to detect a header/library mismatch.
 */
const char *diffauroc_version(void);

#ifdef __cplusplus
}
#endif

#endif /* DIFFAUROC_H */
