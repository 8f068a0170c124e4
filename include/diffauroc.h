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
 *  - Every function is thread-safe, never aborts the process, and allocates only temporary
 *    memory (malloc): blocks of 64 KiB and more are kept after the call for the next one
 *    (bounded; see diffauroc_release_memory), everything else is freed before returning. If
 *    an allocation fails it returns DIFFAUROC_E_NO_MEMORY.
 *  - On large inputs (tens of thousands of samples and more; from 5,000 for the soft
 *    AUROC's costlier temperature ranges) a call may run part of its work on one extra
 *    thread; the call returns only after that part is done. The extra
 *    thread is the library's helper thread, which the first such call starts and which
 *    is kept for later calls (it waits about 20 us for more work, then sleeps without
 *    using CPU; it never exits). A call that finds the helper busy with another caller's
 *    call starts a thread of its own and joins it before returning. After fork() the
 *    child starts its own helper. Because the helper runs the library's code,
 *    dlclose() does not unmap the library (it is linked with -z nodelete). Results are
 *    the same bits whichever thread ran the work, and whether or not any extra thread
 *    could be started.
 *  - Results do not depend on the caller's floating-point mode: a function that reads
 *    floating-point inputs computes with IEEE subnormals even if the calling thread has
 *    flush-to-zero or denormals-are-zero set (as XLA does around custom calls and
 *    -ffast-math programs do at start-up), and gives the thread its mode back (x86-64;
 *    elsewhere the caller's mode is left as it is).
 *  - Checks run in this order, and the first failure is returned: the size (n), required
 *    pointers, then the samples in index order (at each index: score, label, weight), then
 *    the function's other arguments (the temperature; the partial AUC's axis and range).
 *    Such an argument's error is therefore reported only for valid samples.
 *    diffauroc_find_invalid (below) runs the sample checks alone and tells the index of
 *    the first bad sample.
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
 *     1  DIFFAUROC_W_ONE_CLASS         soft functions and auroc_curve: no positive or no
 *                                      negative sample of positive weight, so there is no
 *                                      pair. Soft: the value, every gradient and d/dT are
 *                                      written as 0 (the reference's behaviour); the status
 *                                      tells them apart from a genuine 0. auroc_curve: the
 *                                      points are written, the absent class's rate is NaN.
 *     2  DIFFAUROC_W_BELOW_DIAGONAL    auroc_partial with out_standardized: the partial area
 *                                      is below the diagonal's, where McClish's
 *                                      standardization is undefined (pROC answers NA). Both
 *                                      values are written; the standardized one is the
 *                                      formula's, below 0.5 (scikit-learn's max_fpr value).
 *     3  DIFFAUROC_W_NO_VARIANCE       auroc_delong: fewer than 2 positives or 2 negatives, so
 *                                      DeLong's variance (sample covariances over P - 1 and
 *                                      N - 1) is undefined (pROC answers NA). The AUCs are
 *                                      written; every covariance and difference variance is NaN.
 *    -1  DIFFAUROC_E_NULL_POINTER      a required pointer is NULL
 *    -2  DIFFAUROC_E_NONFINITE_SCORE   a score is NaN or +-infinity
 *    -3  DIFFAUROC_E_BAD_LABEL         a label is not exactly 0 or 1 (NaN included)
 *    -4  DIFFAUROC_E_BAD_WEIGHT        a weight is negative, NaN or +-infinity
 *    -5  DIFFAUROC_E_BAD_TEMPERATURE   the temperature is not finite and > 0
 *    -6  DIFFAUROC_E_ONE_CLASS         auroc_exact, auroc_partial: no positive or no negative
 *                                      sample of positive weight; AUROC is undefined (the
 *                                      column functions: the per-column status of such a
 *                                      column, whose value is NaN).
 *                                      auroc_curve: no sample of positive weight at all (no
 *                                      threshold)
 *    -7  DIFFAUROC_E_NO_MEMORY         a temporary allocation failed
 *    -8  DIFFAUROC_E_TOO_LARGE         n is too large for this build (the workspace size
 *                                      would overflow size_t); column functions: also
 *                                      n * k, or the largest index the strides reach
 *    -9  DIFFAUROC_E_CAPACITY          auroc_curve: capacity is smaller than the number of
 *                                      points (nothing written, *out_count neither: a call
 *                                      with every output array NULL gives the count)
 *   -10  DIFFAUROC_E_BAD_RANGE         auroc_partial: not 0 <= lower < upper <= 1 (NaN
 *                                      included), or axis is not DIFFAUROC_AXIS_FPR or
 *                                      DIFFAUROC_AXIS_TPR
 *   -11  DIFFAUROC_E_WEIGHT_SUM        auroc_curve: the weights of one class sum (in float64,
 *                                      in index order) to more than 2^1022 (about 4.49e307),
 *                                      so a cumulative sum could overflow (scikit-learn's
 *                                      rates would be NaN)
 *   -12  DIFFAUROC_E_BAD_CLASS         auroc_exact_ovr, auroc_exact_ovo: a class is not an
 *                                      integer in [0, k) (NaN and +-infinity included)
 *   -13  DIFFAUROC_E_BAD_TANGENT       auroc_soft_hvp: a direction entry (v[i] or
 *                                      v_temperature) is NaN or +-infinity
 */
#define DIFFAUROC_OK                 0
#define DIFFAUROC_W_ONE_CLASS        1
#define DIFFAUROC_W_BELOW_DIAGONAL   2
#define DIFFAUROC_W_NO_VARIANCE      3
#define DIFFAUROC_E_NULL_POINTER    (-1)
#define DIFFAUROC_E_NONFINITE_SCORE (-2)
#define DIFFAUROC_E_BAD_LABEL       (-3)
#define DIFFAUROC_E_BAD_WEIGHT      (-4)
#define DIFFAUROC_E_BAD_TEMPERATURE (-5)
#define DIFFAUROC_E_ONE_CLASS       (-6)
#define DIFFAUROC_E_NO_MEMORY       (-7)
#define DIFFAUROC_E_TOO_LARGE       (-8)
#define DIFFAUROC_E_CAPACITY        (-9)
#define DIFFAUROC_E_BAD_RANGE      (-10)
#define DIFFAUROC_E_WEIGHT_SUM     (-11)
#define DIFFAUROC_E_BAD_CLASS      (-12)
#define DIFFAUROC_E_BAD_TANGENT    (-13)

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

/* ---- float32 entry points ---- */

/*
 * auroc_exact_f32: auroc_exact on float32 arrays, read in place (NumPy and JAX float32
 * arrays need no conversion or copy). Same contract as auroc_exact in every respect:
 * labels[i] must be exactly 0.0f or 1.0f, scores finite, weights NULL or finite and >= 0,
 * the same status codes in the same order of checks.
 *
 *   scores, labels, weights  n floats each; weights may be NULL (all 1)
 *   out_value                required; receives the AUROC as a double in [0, 1]
 *
 * The result equals auroc_exact on the same values converted to double (the conversion
 * is exact): without weights, the correctly rounded double of U / (P * N).
 * Returns DIFFAUROC_OK or an error; DIFFAUROC_E_ONE_CLASS when there is no pair.
 * Like auroc_exact, for n >= 65536 it shares the work with one extra thread (see the
 * contract above; same result bits with or without it).
 */
int auroc_exact_f32(const float *scores, const float *labels, const float *weights,
                    size_t n, double *out_value);

/* ---- batched entry points ---- */

/*
 * Batched entry points: `batch` independent problems of n samples each in one call (a
 * vectorizing caller such as jax.vmap makes one call, not one per row). Arrays of
 * batch x n elements are row-major and contiguous: row b is elements [b*n, (b+1)*n).
 * Each row means exactly what the single-problem function computes on it.
 *
 * Two phases. First every row is validated (all of them, even after a bad one). If any
 * row is invalid, nothing is computed and no value, gradient or d/dT of ANY row is
 * written; out_status (if given) then holds each row's code (0 for a valid row) and the
 * function returns the code of the lowest invalid row. Otherwise every row is computed
 * and written, and the return is DIFFAUROC_W_ONE_CLASS if any row has that warning, else
 * DIFFAUROC_OK. The only failure after the first phase is DIFFAUROC_E_NO_MEMORY at some
 * row b: rows before b are written (out_status 0 or 1), rows b.. are not (out_status
 * DIFFAUROC_E_NO_MEMORY), and the function returns DIFFAUROC_E_NO_MEMORY.
 *
 * Call-level checks come first and write nothing at all, not even out_status:
 * DIFFAUROC_E_TOO_LARGE if batch, batch * n or (with batch >= 2) (batch - 1) *
 * temperature_stride overflows or exceeds the single-problem limit; then
 * DIFFAUROC_E_NULL_POINTER for a missing required pointer. batch == 0 returns DIFFAUROC_OK
 * and touches nothing (every pointer may be NULL; n and temperature_stride may be any
 * value). With batch == 1 the temperature_stride is never used and may be any value.
 * Rows are computed one after the other, each exactly as the single-problem function
 * computes it.
 */

/*
 * auroc_soft_grad_batch: auroc_soft_grad on each row.
 *
 *   scores, labels        batch x n; may be NULL only when n == 0
 *   weights               batch x n, or NULL (all 1)
 *   temperatures          row b uses temperatures[b * temperature_stride]: stride 1 for
 *                         one temperature per row, 0 for one shared temperature.
 *                         Required when batch > 0; each must be finite and > 0
 *                         (DIFFAUROC_E_BAD_TEMPERATURE for that row)
 *   out_values            batch doubles; required when batch > 0
 *   out_grads             batch x n doubles receiving d value_b / d scores[b*n + i], or
 *                         NULL to compute values only (faster). Must not overlap inputs
 *   out_dtemperatures     batch doubles receiving d value_b / d T_b, or NULL. Non-NULL
 *                         with out_grads NULL is DIFFAUROC_E_NULL_POINTER (d/dT comes
 *                         with the gradients)
 *   out_status            batch ints receiving each row's status (see above), or NULL
 *
 * A row with no pair gets value 0, zero gradient and d/dT 0, and out_status[b] =
 * DIFFAUROC_W_ONE_CLASS, as auroc_soft_grad.
 */
int auroc_soft_grad_batch(const double *scores, const double *labels, const double *weights,
                          size_t batch, size_t n, const double *temperatures,
                          size_t temperature_stride, double *out_values, double *out_grads,
                          double *out_dtemperatures, int *out_status);

/*
 * auroc_exact_batch: auroc_exact on each row.
 *
 *   scores, labels, weights  as auroc_soft_grad_batch
 *   out_values               batch doubles; required when batch > 0
 *   out_status               batch ints, or NULL
 *
 * A row with no pair (no positive or no negative of positive weight, n == 0 included) is
 * invalid: DIFFAUROC_E_ONE_CLASS is found in the validation phase, so no row is written.
 */
int auroc_exact_batch(const double *scores, const double *labels, const double *weights,
                      size_t batch, size_t n, double *out_values, int *out_status);

/* ---- ROC curve and partial AUC ---- */

/*
 * auroc_curve: the ROC curve as scikit-learn's roc_curve(labels, scores,
 * sample_weight=weights, drop_intermediate=drop_intermediate) computes it (scikit-learn
 * 1.9), bit for bit: samples of weight 0 dropped; one point per distinct score, in
 * decreasing score order, after a first point at threshold +infinity with fpr = tpr = 0;
 * the weights summed in float64 in scikit-learn's order (decreasing score, ties in
 * increasing index order: its argsort(stable=True, descending=True)); with
 * drop_intermediate != 0 the points scikit-learn drops as collinear (second differences of
 * both cumulative sums zero) are dropped; fpr = fps / fps[last], tpr = tps / tps[last].
 *
 *   scores, labels, weights  n samples, as auroc_exact (weights may be NULL: all 1)
 *   drop_intermediate        0: every distinct score is a point; else drop as scikit-learn
 *   capacity                 the number of elements of each non-NULL output array
 *   out_fpr, out_tpr         capacity doubles each, or NULL (not wanted)
 *   out_thresholds           capacity doubles, or NULL: +infinity, then the scores of the
 *                            kept points in decreasing order (a tie of -0.0 and +0.0
 *                            reports the sign scikit-learn reports)
 *   out_count                required: receives the number of points
 *
 * How many points: at least 2, at most (samples of positive weight) + 1 <= n + 1. Either
 * give capacity >= n + 1 and call once, or call first with every output array NULL (a
 * count-only call: *out_count is written, capacity is ignored), allocate, and call again.
 * With capacity >= the count the points go to elements [0, count) of each non-NULL array,
 * and elements from count on are not touched. With capacity < the count (some output
 * array non-NULL): DIFFAUROC_E_CAPACITY and, as for every error, nothing is written, not
 * even *out_count. (capacity >= n + 1 computes the curve in one sweep; a smaller
 * sufficient capacity costs one more O(n) sweep after the sort.)
 *
 * Returns DIFFAUROC_OK; DIFFAUROC_W_ONE_CLASS when only one class has samples of positive
 * weight (the points are written; the absent class's rate is NaN at every point, as
 * scikit-learn returns it with an UndefinedMetricWarning); DIFFAUROC_E_ONE_CLASS when no
 * sample has positive weight (n == 0 included: there is no threshold; scikit-learn
 * raises); DIFFAUROC_E_WEIGHT_SUM; DIFFAUROC_E_CAPACITY; or an input error. Checks: n,
 * then out_count (and scores, labels when n > 0), then the samples. Allocates (blocks of
 * 64 KiB and more kept for the next call, see the contract above), 8 bytes per sample
 * without weights (4 for float32), 16 with weights
 * (12), plus the sort's scratch for its largest buckets (typically a few thousand
 * samples, at most as much again) and about 0.7 MiB (1.4 MiB for n >= 65536); without
 * weights, for n >= 65536 and capacity >= n + 1, also a staging area of n doubles for
 * each output array requested (of which only the points of the lower half of the scores
 * are touched). For n >= 65536 it shares the work with one extra thread (see the
 * contract above; same result bits with or without it).
 */
int auroc_curve(const double *scores, const double *labels, const double *weights, size_t n,
                int drop_intermediate, size_t capacity, double *out_fpr, double *out_tpr,
                double *out_thresholds, size_t *out_count);

/*
 * auroc_curve_f32: auroc_curve on float32 arrays (the checks of auroc_exact_f32); the
 * outputs are doubles, equal to scikit-learn's roc_curve on the float32 arrays (the
 * thresholds are the float32 scores converted to double, exactly).
 */
int auroc_curve_f32(const float *scores, const float *labels, const float *weights, size_t n,
                    int drop_intermediate, size_t capacity, double *out_fpr, double *out_tpr,
                    double *out_thresholds, size_t *out_count);

/* The axis of auroc_partial's range. */
#define DIFFAUROC_AXIS_FPR 0
#define DIFFAUROC_AXIS_TPR 1

/*
 * auroc_partial: the area under the ROC curve (the piecewise-linear curve through
 * auroc_curve's points) over a range of one axis, and McClish's standardization:
 *
 *   axis DIFFAUROC_AXIS_FPR: the integral of tpr over fpr in [lower, upper]. pROC's
 *       auc(..., partial.auc = c(1 - lower, 1 - upper), partial.auc.focus = "specificity");
 *       scikit-learn's roc_auc_score(max_fpr = m) is [0, m], standardized.
 *   axis DIFFAUROC_AXIS_TPR: the integral of the specificity 1 - fpr over tpr in
 *       [lower, upper]. pROC's partial.auc = c(lower, upper), focus = "sensitivity".
 *
 *   standardized = (1 + (area - min) / (max - min)) / 2, with max = upper - lower and min
 *   the diagonal's area: (upper - lower)(lower + upper)/2 over FPR,
 *   (upper - lower)(2 - lower - upper)/2 over TPR. 1/2 for the diagonal, 1 for a perfect
 *   ranking; over [0, 1] it is the AUROC itself.
 *
 * The curve is interpolated linearly at the range ends (as pROC and scikit-learn do); the
 * range ends are taken exactly as given. Higher scores mean positive (pROC's
 * direction = "<"). pROC has no weights; with weights the curve is scikit-learn's
 * weighted one.
 *
 *   scores, labels, weights  n samples, as auroc_exact
 *   axis                     DIFFAUROC_AXIS_FPR or DIFFAUROC_AXIS_TPR
 *   lower, upper             0 <= lower < upper <= 1
 *   out_area                 receives the raw partial area in [0, upper - lower], or NULL
 *   out_standardized         receives McClish's value, or NULL (at least one of the two is
 *                            required: both NULL is DIFFAUROC_E_NULL_POINTER)
 *
 * Accuracy: without weights (n below 2^26) within about 10 ulps of (upper - lower) + 16
 * ulps of upper of the exact area of the curve (the segments inside the range add exact
 * integers; only the two cut segments and the final division round; the second term is
 * the range ends' own precision, which matters where the curve jumps at a range end).
 * With weights, within 8 ulps of itself + 16
 * ulps of (upper - lower) + 16 ulps of upper of the area of scikit-learn's float64 curve
 * (a cut position is formed in weight units, which can cancel). The standardized value,
 * with x = (area - min) / (max - min), within (the area's error + 8 ulps of (min + max) *
 * (1 + |x|)) / (max - min), plus 8 ulps of max(value, 1/2): max - min is formed in double
 * and the value is ill-conditioned where it is small (an FPR range near 1, a TPR range
 * near 0). Tests/fuzz checks these bounds against a long-double oracle.
 *
 * Returns DIFFAUROC_OK; DIFFAUROC_W_BELOW_DIAGONAL (only when out_standardized is given)
 * when the computed area is below min by more than its rounding bound 2^-46 (upper -
 * lower), so that a curve on the diagonal (every score tied) never warns: both values are
 * written, the standardized one below 0.5 (pROC would say NA; scikit-learn returns that
 * value; inside the bound the value may be 0.5 minus a few ulps, with DIFFAUROC_OK); DIFFAUROC_E_ONE_CLASS
 * when a class has no sample of positive weight (n == 0 included); DIFFAUROC_E_BAD_RANGE
 * (after the samples are checked); or an input error. Cost: a sort and one O(n) sweep
 * (two with weights); without weights the sweep runs inside the sort, and the samples
 * whose rate on the range's axis lies outside the range are not even sorted. Memory and
 * threads as auroc_curve (without weights 8 bytes per sample, 4 for float32, plus the
 * sort's scratch).
 */
int auroc_partial(const double *scores, const double *labels, const double *weights, size_t n,
                  int axis, double lower, double upper, double *out_area,
                  double *out_standardized);

/* auroc_partial_f32: auroc_partial on float32 arrays (the checks of auroc_exact_f32). */
int auroc_partial_f32(const float *scores, const float *labels, const float *weights, size_t n,
                      int axis, double lower, double upper, double *out_area,
                      double *out_standardized);

/* ---- many columns in one call ---- */

/*
 * The column functions compute k AUROCs of one n x k score array in one call: one per
 * column against its own labels (multilabel), against one shared label vector (k
 * classifiers of one problem), or against "class == j" (one-vs-rest), and the one-vs-one
 * pairs of k classes. Column j's value is exactly what the single-problem function
 * (auroc_exact, auroc_partial) returns on the gathered column, bit for bit.
 *
 * Layout. Element (sample i, column j) of a 2-D array is at
 *     base[i * sample_stride + j * column_stride]
 * with both strides counted in elements (not bytes). NumPy's C-ordered (n, k) array has
 * sample_stride = k, column_stride = 1; a Fortran-ordered one (or k columns of n back to
 * back) sample_stride = 1, column_stride = n; any other pair (slices, a stride of 0 that
 * repeats an element) works too, and columns may overlap (the arrays are only read).
 * Only the elements with i < n and j < k are read; weights and classes are n elements
 * each, contiguous.
 *
 * Checks, in this order (the first failure is returned):
 *   1. DIFFAUROC_E_TOO_LARGE (nothing written, not even out_status) when k, n * k (and, for
 *      auroc_exact_ovo, k * k), or the largest index an array's strides reach,
 *      (n - 1) * sample_stride + (k - 1) * column_stride, overflows size_t or exceeds the
 *      single-problem limit on n. Then k == 0 returns DIFFAUROC_OK and touches nothing
 *      (every pointer may be NULL, n and the strides may be any value).
 *   2. DIFFAUROC_E_NULL_POINTER (nothing written) for a missing required pointer: the
 *      outputs; scores and labels (or classes) when n > 0.
 *   3. The samples, in row order and within a row in column order; at element (i, j):
 *      the score (DIFFAUROC_E_NONFINITE_SCORE), the label (DIFFAUROC_E_BAD_LABEL) or
 *      class (DIFFAUROC_E_BAD_CLASS: not an integer in [0, k), NaN included; -0.0 is
 *      class 0), then weights[i] (DIFFAUROC_E_BAD_WEIGHT). The call returns the status of
 *      the first bad element. With one status per column (every function but
 *      auroc_exact_ovo), out_status (if given) then receives each column's own status:
 *      the first error among column j's scores, labels or classes and the weights, in
 *      row order, which is what auroc_exact returns for the gathered column (0 for a
 *      valid column); nothing else is written. So a NaN at row 5 of column 3 makes the
 *      call return DIFFAUROC_E_NONFINITE_SCORE with out_status[3] ==
 *      DIFFAUROC_E_NONFINITE_SCORE; diffauroc_find_invalid on column 3 then gives row 5.
 *   4. auroc_partial_columns: DIFFAUROC_E_BAD_RANGE for the axis and range (nothing
 *      written).
 * Then every column is computed (two phases: no value is written unless every element
 * is valid). A column with no positive or no negative of positive weight (n == 0
 * included) gets NaN and DIFFAUROC_E_ONE_CLASS in out_status, as scikit-learn's
 * average=None gives NaN with a warning; the call then returns DIFFAUROC_W_ONE_CLASS.
 * If a temporary allocation fails before any column is computed: DIFFAUROC_E_NO_MEMORY,
 * nothing written. If it fails inside one column's computation: that column's value is
 * not written and its out_status is DIFFAUROC_E_NO_MEMORY, the other columns are written
 * with their statuses, and the call returns DIFFAUROC_E_NO_MEMORY.
 *
 * Threads: columns (pairs) are shared between the calling thread and one extra thread
 * (see the contract above) when n * k >= 65536; each column is
 * computed on one thread, the same bits whichever thread it is and whether or not the
 * extra thread could be started. Memory: columns with sample_stride == 1 are read in
 * place; strided ones (C order, slices) are gathered a few columns per pass over the rows:
 * with two threads and room for two columns, by both threads (half of the rows each) into
 * one shared buffer of at most 2 x 2^22 elements, so that each pass reads the array once
 * in all; otherwise into one buffer per thread of at most 2^22 elements (or one column, if
 * longer); the same for strided label columns; one label buffer of n per thread for
 * classes (and n bytes of class codes for one-vs-rest with k <= 256 on the shared-buffer
 * path) (ovo: scores and labels of the two largest classes' sizes,
 * plus n indices); plus what the single-problem function allocates per column, all freed
 * before returning or kept for the next call (blocks of 64 KiB and more, see the contract
 * above). Outputs must not overlap the inputs.
 */

/*
 * auroc_exact_columns: auroc_exact of each of k score columns, in one call (scikit-learn's
 * roc_auc_score(Y, S, average=None) for a multilabel Y, or k classifiers of one problem).
 *
 *   scores                   n x k: element (i, j) at scores[i * score_sample_stride +
 *                            j * score_column_stride]; finite
 *   labels                   n x k 0/1 labels: element (i, j) at
 *                            labels[i * label_sample_stride + j * label_column_stride].
 *                            label_column_stride == 0: one label vector shared by every
 *                            column; otherwise column j's own labels
 *   weights                  n sample weights shared by every column, or NULL (all 1)
 *   out_values               k doubles; required when k > 0: column j's AUROC, or NaN
 *   out_status               k ints, or NULL: column j's status (DIFFAUROC_OK,
 *                            DIFFAUROC_E_ONE_CLASS, DIFFAUROC_E_NO_MEMORY; on an input
 *                            error, the column's input status, see above)
 *
 * Accuracy: each value is auroc_exact's on the column (without weights the correctly
 * rounded U / (P * N)). Returns DIFFAUROC_OK, DIFFAUROC_W_ONE_CLASS (some column has
 * NaN), DIFFAUROC_E_NO_MEMORY, or an input error.
 */
int auroc_exact_columns(const double *scores, size_t n, size_t k, size_t score_sample_stride,
                        size_t score_column_stride, const double *labels,
                        size_t label_sample_stride, size_t label_column_stride,
                        const double *weights, double *out_values, int *out_status);

/* auroc_exact_columns_f32: float32 scores, labels and weights (the checks and values of
 * auroc_exact_f32); double outputs. */
int auroc_exact_columns_f32(const float *scores, size_t n, size_t k,
                            size_t score_sample_stride, size_t score_column_stride,
                            const float *labels, size_t label_sample_stride,
                            size_t label_column_stride, const float *weights,
                            double *out_values, int *out_status);

/*
 * auroc_exact_ovr: one-vs-rest AUROCs of k classes (scikit-learn's roc_auc_score(y,
 * S, multi_class="ovr", average=None)): column j of scores against the labels
 * "classes[i] == j", without building the n x k indicator array.
 *
 *   scores                   n x k, element (i, j) at scores[i * sample_stride +
 *                            j * column_stride]; column j holds the scores of class j
 *   classes                  n doubles, each an integer in [0, k) (else
 *                            DIFFAUROC_E_BAD_CLASS)
 *   weights, out_values, out_status  as auroc_exact_columns
 *
 * A class with no sample (or only samples of weight 0), or the only class present, gets
 * NaN and DIFFAUROC_E_ONE_CLASS. scikit-learn's "macro" average is the mean of the k
 * values, "weighted" the mean weighted by each class's (weighted) prevalence: left to the
 * caller. Returns as auroc_exact_columns.
 */
int auroc_exact_ovr(const double *scores, size_t n, size_t k, size_t sample_stride,
                    size_t column_stride, const double *classes, const double *weights,
                    double *out_values, int *out_status);

/* auroc_exact_ovr_f32: float32 scores, classes and weights; double outputs. */
int auroc_exact_ovr_f32(const float *scores, size_t n, size_t k, size_t sample_stride,
                        size_t column_stride, const float *classes, const float *weights,
                        double *out_values, int *out_status);

/*
 * auroc_exact_ovr_rowsums: auroc_exact_ovr (the same checks, statuses and values), and
 * how far the rows of scores are from summing to 1, measured while the call reads them
 * (scikit-learn's multiclass roc_auc_score requires every row of probabilities to sum to
 * 1 within numpy.allclose's tolerance; this spares the caller a pass over the array).
 *
 *   out_row_deviation        one double; required when k > 0 (else
 *                            DIFFAUROC_E_NULL_POINTER, checked with out_values).
 *                            Receives, when the status is not an error (DIFFAUROC_OK
 *                            or DIFFAUROC_W_ONE_CLASS), the largest over the rows i of
 *                            |S_i - 1| + 2 k u A_i, where S_i and A_i are the sums of
 *                            row i's k scores and of their absolute values, accumulated
 *                            in double, and u the unit roundoff of the scores' type
 *                            (2^-53; 2^-24 for _f32); 0 when n == 0. Any sum of row i's
 *                            scores in the scores' type, in any order, is within this
 *                            value of 1 (up to a relative 2^-50 of it): when it is at
 *                            most 5e-6, every such sum s passes |s - 1| <= 1e-8 +
 *                            1e-5 |s| (numpy.allclose(1, s)); when it is larger, or
 *                            infinite (a sum overflowed), the sums must be checked as
 *                            the caller defines them. Not written for k == 0 or on an
 *                            error status.
 *
 * Cost: the sums are taken in the call's input check (on both threads, right after each
 * block of rows is checked): at n = 10^6, k = 10 (C order, float64) the call's CPU time
 * went from 144.6 to 149.7 ms (medians of 15 interleaved calls), against about 8 ms on
 * one thread for numpy's row sums of the same matrix.
 */
int auroc_exact_ovr_rowsums(const double *scores, size_t n, size_t k, size_t sample_stride,
                            size_t column_stride, const double *classes,
                            const double *weights, double *out_values, int *out_status,
                            double *out_row_deviation);

/* auroc_exact_ovr_rowsums_f32: float32 scores, classes and weights (u = 2^-24); double
 * outputs. */
int auroc_exact_ovr_rowsums_f32(const float *scores, size_t n, size_t k,
                                size_t sample_stride, size_t column_stride,
                                const float *classes, const float *weights,
                                double *out_values, int *out_status,
                                double *out_row_deviation);

/*
 * auroc_exact_ovo: the one-vs-one AUROCs of k classes (Hand and Till; scikit-learn's
 * multi_class="ovo"). For every pair a < b, on the samples of classes a and b only (in
 * sample order):
 *
 *   out_pairs[a * k + b]  the AUROC of column a, class a positive, class b negative
 *   out_pairs[b * k + a]  the AUROC of column b, class b positive, class a negative
 *
 * each equal to auroc_exact on that subset. The diagonal (out_pairs[j * k + j],
 * out_status[j * k + j]) is not written. scikit-learn's score of a pair is the mean of
 * its two values, (out_pairs[a*k+b] + out_pairs[b*k+a]) / 2; its average="macro" result
 * the mean of the k (k - 1) / 2 pair scores, and average="weighted" their mean weighted
 * by each pair's prevalence (n_a + n_b) / n: the caller averages (scikit-learn requires
 * every class present, so no pair is NaN there). No weights
 * (scikit-learn refuses sample_weight with multi_class="ovo").
 *
 *   scores, classes          as auroc_exact_ovr
 *   out_pairs                k * k doubles; required when k > 0
 *   out_status               k * k ints, or NULL: each pair entry's status
 *                            (DIFFAUROC_OK, DIFFAUROC_E_ONE_CLASS when class a or b has
 *                            no sample: both entries of the pair NaN, or
 *                            DIFFAUROC_E_NO_MEMORY). Not written on an input error.
 *
 * Cost: the samples are bucketed by class once (O(n)); pair (a, b) gathers and sorts its
 * n_a + n_b samples twice (once per column), about 2 (k - 1) n samples in all, whatever
 * the layout. Memory: besides the buffers above, 64 bytes per entry of the k x k result
 * (each pair's outcome is staged before the outputs are written). Returns DIFFAUROC_OK, DIFFAUROC_W_ONE_CLASS (some pair has NaN),
 * DIFFAUROC_E_NO_MEMORY, or an input error.
 */
int auroc_exact_ovo(const double *scores, size_t n, size_t k, size_t sample_stride,
                    size_t column_stride, const double *classes, double *out_pairs,
                    int *out_status);

/* auroc_exact_ovo_f32: float32 scores and classes; double outputs. */
int auroc_exact_ovo_f32(const float *scores, size_t n, size_t k, size_t sample_stride,
                        size_t column_stride, const float *classes, double *out_pairs,
                        int *out_status);

/*
 * auroc_partial_columns: auroc_partial of each column (scikit-learn's roc_auc_score(Y, S,
 * average=None, max_fpr=m) for a multilabel Y is out_standardized over FPR [0, m]).
 * Layout, labels, weights and checks as auroc_exact_columns; axis, lower, upper as
 * auroc_partial (checked after the samples: DIFFAUROC_E_BAD_RANGE).
 *
 *   out_area                 k doubles receiving each column's raw partial area, or NULL
 *   out_standardized         k doubles receiving McClish's value, or NULL (at least one
 *                            of the two is required: both NULL is
 *                            DIFFAUROC_E_NULL_POINTER)
 *   out_status               k ints, or NULL: DIFFAUROC_OK; DIFFAUROC_W_BELOW_DIAGONAL
 *                            (only when out_standardized is given) for a column whose
 *                            area is below the diagonal's, as auroc_partial (both values
 *                            written); DIFFAUROC_E_ONE_CLASS (NaN written to both);
 *                            DIFFAUROC_E_NO_MEMORY
 *
 * Accuracy as auroc_partial, each value the same bits as auroc_partial on the column.
 * Returns DIFFAUROC_OK; DIFFAUROC_W_ONE_CLASS if a column lacks a class, else
 * DIFFAUROC_W_BELOW_DIAGONAL if a column is below the diagonal; DIFFAUROC_E_NO_MEMORY;
 * or an input error.
 */
int auroc_partial_columns(const double *scores, size_t n, size_t k, size_t score_sample_stride,
                          size_t score_column_stride, const double *labels,
                          size_t label_sample_stride, size_t label_column_stride,
                          const double *weights, int axis, double lower, double upper,
                          double *out_area, double *out_standardized, int *out_status);

/* auroc_partial_columns_f32: float32 scores, labels and weights; double outputs. */
int auroc_partial_columns_f32(const float *scores, size_t n, size_t k,
                              size_t score_sample_stride, size_t score_column_stride,
                              const float *labels, size_t label_sample_stride,
                              size_t label_column_stride, const float *weights, int axis,
                              double lower, double upper, double *out_area,
                              double *out_standardized, int *out_status);

/*
 * diffauroc_xla_ffi_soft, diffauroc_xla_ffi_exact: XLA FFI handlers (the C ABI of
 * xla/ffi/api/c_api.h, API version 0.1 or later), for JAX programs to call the library
 * without Python in the compiled step:
 *
 *   jax.ffi.register_ffi_target("diffauroc_soft",
 *                               jax.ffi.pycapsule(lib.diffauroc_xla_ffi_soft), platform="cpu")
 *
 * call_frame is an XLA_FFI_CallFrame*, the return an XLA_FFI_Error* (NULL on success);
 * they are void* here so that this header does not depend on XLA's. Not for direct use.
 *
 *   soft   arguments  scores (..., n), labels (..., n), temperature (...) or (),
 *                     [weights (..., n)]
 *          results    value (...)  or  value (...), gradient (..., n), d/dT (...)
 *   exact  arguments  scores (..., n), labels (..., n), [weights (..., n)]
 *          results    value (...)
 *
 * Leading axes are batch rows (auroc_soft_grad_batch / auroc_exact_batch on them; one
 * temperature per row, or one for all). Each array may be float32 or float64; inputs are
 * converted to double, results rounded to the result's type. Every failure (a status < 0
 * of the batched function, a malformed frame, a shape mismatch, another element type, no
 * memory) is returned as an XLA error whose message contains diffauroc_strerror's text
 * and the status, then for a bad sample or temperature the element of the lowest failing
 * row as the caller wrote it, named as diffauroc.jax names the arguments (the index
 * within the row, the value exactly: "labels[7] = 2.0", "predictions[0] = nan",
 * "temperature = -1.0"), and for batched calls that row and the
 * failing rows ("in batch row 3 (batch rows 3, 5)"); results are then not written. The
 * handlers answer XLA's metadata query (API version 0.1) and run only at the execute
 * stage. They make no heap allocation other than malloc (NULL handled).
 *
 * An XLA error can only be created through the frame's API table. When call_frame is
 * NULL, its api is NULL, or the table cannot create an error, the handlers return
 * DIFFAUROC_XLA_FFI_NO_API instead: not NULL (NULL is XLA's success), not an XLA error
 * object, never dereferenced. XLA always passes a frame with its API, so only a direct
 * caller sees it; such a caller must compare with it before treating a result as an
 * XLA_FFI_Error*.
 */
void *diffauroc_xla_ffi_soft(void *call_frame);
void *diffauroc_xla_ffi_exact(void *call_frame);

/* What the XLA FFI handlers return when no XLA error can be created (as POSIX's MAP_FAILED). */
#define DIFFAUROC_XLA_FFI_NO_API ((void *)-1)

/* ---- DeLong's variance and the paired test ---- */

/*
 * auroc_delong: the AUROCs of k score columns on one label vector (k models scored on the
 * same samples: the paired design), DeLong's covariance matrix of those AUROCs, and the
 * variance of each difference AUC_a - AUC_b, as pROC defines them (var(), the covariance
 * of roc.test(method = "delong", paired = TRUE)):
 *
 *   V10_ai = (#negatives scoring below positive i in column a + 1/2 #tied) / N
 *   V01_aj = (#positives scoring above negative j in column a + 1/2 #tied) / P
 *   AUC_a  = mean_i V10_ai (= mean_j V01_aj = auroc_exact of column a, bit for bit)
 *   cov_ab = S10_ab / P + S01_ab / N,  S10_ab = sum_i (V10_ai - AUC_a)(V10_bi - AUC_b) / (P - 1),
 *            S01_ab likewise over the negatives / (N - 1)
 *   diff_var_ab = cov_aa + cov_bb - 2 cov_ab = Var(AUC_a - AUC_b)
 *
 * Unweighted (no weights: a weighted DeLong has no agreed definition). Ties count 1/2
 * whatever their bit patterns (-0.0 ties +0.0).
 *
 *   scores           n x k: element (sample i, column a) at scores[i*sample_stride +
 *                    a*column_stride] (strides in elements; a C-ordered (n, k) array has
 *                    sample_stride k, column_stride 1; k columns back to back sample_stride 1,
 *                    column_stride n; any strides, overlapping columns allowed: read only)
 *   labels           n labels, exactly 0 or 1, shared by every column
 *   out_auc          required (when k > 0): k doubles
 *   out_cov          k x k doubles (row-major, symmetric), or NULL
 *   out_diff_var     k x k doubles (row-major, symmetric, zero diagonal), or NULL. Computed
 *                    from the exact numerators, so it does not cancel as
 *                    cov_aa + cov_bb - 2 cov_ab from the rounded entries would when two
 *                    columns are strongly correlated (the paired test's denominator)
 *
 * Accuracy: every AUC, covariance and difference variance is the correctly rounded double
 * (to nearest, ties to even) of its exact rational value: 2N V10 and 2P V01 are integers,
 * the sums are exact 128-bit integers, and one 256-bit division rounds once. So the
 * results are the same bits on either CPU build, with one thread or two, for float32 and
 * for the same values widened to double, and whatever the strides.
 *
 * Cost: one radix sort and one sweep per column, O(k n) memory (4 bytes per sample and
 * column, plus one sort's scratch of about 24 n bytes per thread), then O(k^2 n) integer
 * multiply-adds for the sums. From n = 32768 and k >= 2 the columns (and the sums) are shared by the
 * calling thread and one extra thread (done before it returns).
 *
 * Order of checks: sizes (n > 2^31 - 1, k x k, n x k or the largest element index
 * (n - 1)*sample_stride + (k - 1)*column_stride beyond the single-problem limit:
 * DIFFAUROC_E_TOO_LARGE), then k == 0 (DIFFAUROC_OK, nothing touched), the pointers
 * (out_auc; scores and labels when n > 0), then the samples in order: at sample i the
 * scores of columns 0 .. k-1 (DIFFAUROC_E_NONFINITE_SCORE), then label i
 * (DIFFAUROC_E_BAD_LABEL). On any error nothing is written.
 *
 * Returns DIFFAUROC_OK; DIFFAUROC_W_NO_VARIANCE when P < 2 or N < 2 (AUCs written, every
 * covariance and difference variance NaN, as pROC's NA); DIFFAUROC_E_ONE_CLASS when there
 * is no positive or no negative (n == 0 included; nothing written); DIFFAUROC_E_NO_MEMORY
 * (nothing written); or a check's error above.
 */
int auroc_delong(const double *scores, size_t n, size_t k, size_t sample_stride,
                 size_t column_stride, const double *labels, double *out_auc,
                 double *out_cov, double *out_diff_var);

/* auroc_delong_f32: auroc_delong for float32 scores and labels (results in double, the
   same bits as auroc_delong on the values widened to double). */
int auroc_delong_f32(const float *scores, size_t n, size_t k, size_t sample_stride,
                     size_t column_stride, const float *labels, double *out_auc,
                     double *out_cov, double *out_diff_var);

/* ---- Mergeable summaries: AUROC, DeLong and the curve over slices of the data ---- */

#include <stdint.h>

/*
 * What one slice of the data (a score range, or one batch) contributes, in a form that
 * merges exactly: compute a summary of each slice anywhere (other threads, processes,
 * machines), merge them, and get auroc_exact's AUROC (bit for bit without weights),
 * auroc_delong's variance and auroc_curve's points of all the data.
 *
 * Every summary function takes one slice (scores, labels, optional weights, n samples, the
 * conventions and checks of auroc_exact; n <= 2^40, else DIFFAUROC_E_TOO_LARGE). A slice
 * may hold one class only, or be empty (n == 0): it is not an error, it contributes its
 * totals. -0.0 and +0.0 are one score.
 *
 * auroc_summary (unweighted): out[DIFFAUROC_SUMMARY_WORDS] receives exact integers. With P,
 * N the slice's positives and negatives and, for a positive i and a negative j,
 *
 *   c_i = 2 #(negatives of the slice scoring below i) + #(negatives of the slice tied with i)
 *   d_j = 2 #(positives of the slice scoring above j) + #(positives of the slice tied with j)
 *
 *   out[0] = N, out[1] = P,
 *   out[2] + 2^64 out[3] = 2U = sum_i c_i = sum_j d_j  (U: the slice's Mann-Whitney count,
 *                                                       ties 1/2)
 *   out[4] + 2^64 out[5] = sum_i c_i^2,   out[6] + 2^64 out[7] = sum_j d_j^2
 *
 * (each below 2^122 for n <= 2^40).
 *
 * Merge rule for score ranges r = 1..R in increasing score order, each holding every
 * sample of its scores (ties never split between ranges), with B_r = sum_{s < r} N_s
 * (negatives in lower ranges) and A_r = sum_{s > r} P_s (positives in higher ranges):
 *
 *   P = sum P_r,  N = sum N_r
 *   2U          = sum_r (2U_r + 2 P_r B_r)
 *   sum C_i^2   = sum_r (sumc2_r + 4 B_r 2U_r + 4 P_r B_r^2)      (C_i = c_i + 2 B_r)
 *   sum D_j^2   = sum_r (sumd2_r + 4 A_r 2U_r + 4 N_r A_r^2)      (D_j = d_j + 2 A_r)
 *
 *   AUROC = 2U / (2 P N)   rounded once to the nearest double: auroc_exact, bit for bit
 *   V10_i = C_i / (2N), V01_j = D_j / (2P), and DeLong's variance (auroc_delong's cov[0]):
 *   var = (sum C^2 - (2U)^2 / P) / (4 N^2 P (P - 1)) + (sum D^2 - (2U)^2 / N) / (4 P^2 N (N - 1))
 *
 * computed with exact integers (the merged sums need up to about 200 bits at n = 2^60)
 * and one final rounding. Summaries of overlapping batches (not ranges) do not merge by
 * this rule: merge their tables (auroc_summary_table) instead.
 *
 * auroc_summary_weighted: weights may be NULL (all 1). Each class's weights are first
 * scaled by a power of two, 2^-e_neg for the negatives and 2^-e_pos for the positives
 * (e the exponent of the class's largest weight, 0 for a class without positive weight),
 * so no sum overflows. Then
 *
 *   out[0] = sum_{j neg} w_j 2^-e_neg,  out[1] = sum_{i pos} w_i 2^-e_pos,
 *   out[2] = sum_{i pos, j neg} w_i w_j ([s_i > s_j] + [s_i == s_j] / 2) 2^-(e_neg + e_pos)
 *   out_exponents[0] = e_neg, out_exponents[1] = e_pos
 *
 * in double, summed with Neumaier's compensation, increasing score order. Error bound:
 * each out[k] is within gamma(3n + 2) of its exact value in relative terms, gamma(m) =
 * m 2^-53 / (1 - m 2^-53), plus an absolute n^2 2^-1074 (scaled units) for products
 * that underflow (only when a class's weights span more than 2^500). Merge rule for
 * ranges as above, with the true values out[k] 2^e: W_neg, W_pos, and the pair mass
 * M = sum_r (M_r + W_pos,r B_r) with B_r the weight of the negatives in lower ranges;
 * AUROC = M / (W_pos W_neg). (Weighted DeLong is not defined: auroc_delong has no weights.)
 *
 * auroc_summary_table: the slice's distinct scores of positive weight, increasing (a tie
 * of -0.0 and +0.0 is reported as +0.0), and at each the sum of the negatives' and of the
 * positives' weights (compensated, in index order; without weights the counts, exact
 * below 2^53). The ROC curve of all the data is the table of all slices (ranges: the
 * concatenation; batches: rows of equal scores added) swept from the highest score down:
 * fps, tps the cumulative sums, fpr = fps / fps[last], tpr = tps / tps[last] (auroc_curve
 * with drop_intermediate = 0, one point per distinct score after the (0, 0) point at
 * +infinity). capacity, out_count and the count-only call (every output array NULL) work
 * as in auroc_curve: with capacity < the row count, DIFFAUROC_E_CAPACITY and nothing
 * written. At most n rows.
 *
 * Each returns DIFFAUROC_OK, DIFFAUROC_E_NULL_POINTER (out / out_exponents / out_count
 * NULL; scores or labels NULL with n > 0), DIFFAUROC_E_TOO_LARGE, DIFFAUROC_E_CAPACITY
 * (table), DIFFAUROC_E_NO_MEMORY, or a sample's error (diffauroc_find_invalid names it).
 * On error nothing is written. Memory: 18 bytes per sample (sort keys and their spare),
 * 32 with weights and for the table, plus the sort's tables (about 0.6 MiB); one thread.
 * The _f32 forms take float32 arrays (the checks of auroc_exact_f32) and give the same
 * results as the double forms on the values widened to double.
 */
#define DIFFAUROC_SUMMARY_WORDS 8

int auroc_summary(const double *scores, const double *labels, size_t n, uint64_t *out);
int auroc_summary_f32(const float *scores, const float *labels, size_t n, uint64_t *out);
int auroc_summary_weighted(const double *scores, const double *labels, const double *weights,
                           size_t n, double *out, int *out_exponents);
int auroc_summary_weighted_f32(const float *scores, const float *labels, const float *weights,
                               size_t n, double *out, int *out_exponents);
int auroc_summary_table(const double *scores, const double *labels, const double *weights,
                        size_t n, size_t capacity, double *out_scores, double *out_negatives,
                        double *out_positives, size_t *out_count);
int auroc_summary_table_f32(const float *scores, const float *labels, const float *weights,
                            size_t n, size_t capacity, double *out_scores,
                            double *out_negatives, double *out_positives, size_t *out_count);

/* ---- finding the bad element ---- */

/*
 * diffauroc_find_invalid: which sample a computing function rejects, and why. Runs
 * exactly the checks every function above runs on (scores, labels, weights, n), in the
 * same order, and nothing else (no temperature, no class check, no computation):
 *
 *   1. n too large for this build (the same limit as the computing functions)
 *                                        -> DIFFAUROC_E_TOO_LARGE
 *   2. out_index NULL, or scores or labels NULL with n > 0
 *                                        -> DIFFAUROC_E_NULL_POINTER
 *   3. the samples in index order, at each index the score, then the label, then the
 *      weight (if weights is not NULL)   -> DIFFAUROC_E_NONFINITE_SCORE,
 *                                           DIFFAUROC_E_BAD_LABEL or DIFFAUROC_E_BAD_WEIGHT
 *
 *   scores, labels, weights  as auroc_exact (weights may be NULL: no weight is checked)
 *   out_index                required; on a sample error (-2, -3, -4) receives the index
 *                            i < n of the first bad sample; otherwise not written
 *
 * Returns DIFFAUROC_OK when every sample is valid (also for n == 0), else the status a
 * computing function returns for the same arrays (if its other arguments are valid).
 * Typical use, after a computing function returned -2, -3 or -4:
 *
 *   size_t i;
 *   if (diffauroc_find_invalid(s, y, w, n, &i) == DIFFAUROC_E_BAD_LABEL)
 *       fprintf(stderr, "labels[%zu] = %g\n", i, y[i]);
 *
 * Reads each array only below index n, allocates nothing, and is thread-safe.
 */
int diffauroc_find_invalid(const double *scores, const double *labels, const double *weights,
                           size_t n, size_t *out_index);

/*
 * diffauroc_find_invalid_f32: diffauroc_find_invalid on float32 arrays (the checks of
 * auroc_exact_f32): labels[i] must be exactly 0.0f or 1.0f, scores finite, weights finite
 * and >= 0. Same order, statuses and out_index rule.
 */
int diffauroc_find_invalid_f32(const float *scores, const float *labels, const float *weights,
                               size_t n, size_t *out_index);

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

/*
 * diffauroc_kernels: which build of the library's algorithms this process runs, as a
 * static, NUL-terminated name (never NULL): "x86-64-v3" (AVX2 and FMA) when the CPU and
 * the operating system support it, else "x86-64" (SSE2 only; the only build on other
 * architectures, where it names the baseline of that architecture's build). Chosen once,
 * at the first call that computes something; the environment variable
 * DIFFAUROC_KERNELS=baseline, set before that, forces "x86-64". Both builds return the
 * same bits for the same inputs; only their speed differs.
 */
const char *diffauroc_kernels(void);

/*
 * diffauroc_release_memory: frees the scratch blocks the library keeps between calls, and
 * writes their total size in bytes to *released_bytes (released_bytes may be NULL).
 * Always returns DIFFAUROC_OK.
 *
 * Why they are kept: a call's temporary blocks of 64 KiB and more (sort buffers, class
 * gathers; about 4 to 50 bytes per sample) are not returned to the system when it ends
 * but cached for the next call, which reuses a block when one is large enough (the
 * smallest such) and otherwise frees every cached block before allocating. Fresh pages
 * cost the kernel a page fault and a zeroing each, which on some machines takes as long as
 * the computation; a loop of calls on data of one shape pays it once. The cache never
 * holds more than the calls of the process needed at once, nor more than 2 GiB (the
 * environment variable DIFFAUROC_SCRATCH_POOL_BYTES, read once, when the library first
 * allocates such a block, sets that cap in bytes; 0 turns the cache off: every block is
 * freed when its call ends). The cached pages of blocks of 4 MiB and more are advised
 * MADV_FREE (Linux): under memory pressure the kernel may take them back without this
 * call. Call it when the library will not be used for a while, or before measuring the
 * process's memory.
 *
 * Thread-safe: blocks in use by calls running at the same time are not touched (they are
 * cached when those calls end). Safe in a child process after fork (the child's copies of
 * the cached blocks are its own).
 *
 *   size_t freed;
 *   diffauroc_release_memory(&freed);
 */
int diffauroc_release_memory(size_t *released_bytes);

/* ---- second derivatives of the soft AUROC ---- */

/*
 * auroc_soft_hvp: the Hessian-vector product of the soft AUROC f (auroc_soft) with respect
 * to (scores, temperature), in the direction (v, v_temperature):
 *
 *   out_hv[k]           = sum_l d2f / ds_k ds_l v[l] + d2f / ds_k dT v_temperature
 *   *out_hv_temperature = sum_l d2f / dT ds_l v[l]  + d2f / dT^2   v_temperature
 *
 * (the Hessian is symmetric, so this is also the vector-Hessian product). Computed in
 * O(n log n) time and O(n) memory (a direct pair sum below 10,000 pairs), to within
 * 1e-12 of each
 * component's natural scale (max|v| + |v_temperature|) / T^2 times the sample's
 * normalized weight (times 1 for the temperature component).
 *
 *   scores, labels, weights  n samples, as auroc_soft (weights may be NULL: all 1)
 *   temperature              T, finite and > 0 (DIFFAUROC_E_BAD_TEMPERATURE)
 *   v                        n doubles, each finite (DIFFAUROC_E_BAD_TANGENT); required
 *                            unless n == 0. Entries of weight-0 samples are ignored
 *                            (but still checked)
 *   v_temperature            finite (DIFFAUROC_E_BAD_TANGENT)
 *   out_hv                   n doubles; required unless n == 0; 0 for weight-0 samples.
 *                            Must not overlap the inputs
 *   out_hv_temperature       may be NULL (then not written)
 *
 * Checks in this order: n, the pointers (v and out_hv), the samples, the temperature,
 * then v in index order and v_temperature. Values overflow to +-infinity only where the
 * true value does (T below about 1e-154 times the score gaps); they are never NaN.
 * Returns DIFFAUROC_OK, DIFFAUROC_W_ONE_CLASS (every output 0) or an error (nothing
 * written). Same bits whichever CPU build runs and whether or not its one extra thread
 * (n >= 20,000) could be started.
 */
int auroc_soft_hvp(const double *scores, const double *labels, const double *weights,
                   size_t n, double temperature, const double *v, double v_temperature,
                   double *out_hv, double *out_hv_temperature);

/*
 * auroc_soft_hvp_f32: auroc_soft_hvp on float32 scores, labels, weights and v (converted
 * to double exactly); temperature, v_temperature and the outputs are doubles. The result
 * equals auroc_soft_hvp on the converted values, bit for bit.
 */
int auroc_soft_hvp_f32(const float *scores, const float *labels, const float *weights,
                       size_t n, double temperature, const float *v, double v_temperature,
                       double *out_hv, double *out_hv_temperature);

/*
 * diffauroc_xla_ffi_soft_hvp: XLA FFI handler (as diffauroc_xla_ffi_soft above) of
 * auroc_soft_hvp for diffauroc.jax's second-order rules. Not for direct use.
 *
 *   arguments  scores (..., n) or (n), labels and [weights] shaped as scores,
 *              temperature (...) or (), v (..., n), v_temperature (...) or ()
 *   results    hv (..., n), hv_temperature (...)
 *
 * The leading axes of v are rows (one direction each; auroc_soft_hvp on each row, in
 * order); scores, labels and weights are one row per direction or one row (n) shared by
 * all, and each temperature one per row or one for all (a Hessian's n directions on one
 * problem need no copies). float32 or float64 arrays (converted to double; results
 * rounded to their type); under vmap, batch rows ("in batch row 3" in messages). Every
 * failure is an XLA error whose message holds diffauroc_strerror's text and the status
 * and, for a bad sample, direction entry or temperature, the element ("v[3] = nan").
 */
void *diffauroc_xla_ffi_soft_hvp(void *call_frame);

#ifdef __cplusplus
}
#endif

#endif /* DIFFAUROC_H */
