/*
 * test_link.c -- the C contract of libdiffauroc (include/diffauroc.h), tested from C99.
 *
 *   gcc -std=c99 -Wall -Wextra -Werror -pedantic -I include -I Tests/c \
 *       Tests/c/test_link.c -o test_link -L.build/release -ldiffauroc \
 *       -Wl,-rpath,$PWD/.build/release -lm -pthread
 *   ./test_link            (last line: "N passed, N failed"; exit status 1 on failure)
 *
 * Environment:
 *   DIFFAUROC_TEST_VALGRIND=1   running under valgrind: skip the allocation-failure test
 *                               (RLIMIT_AS in forked children means nothing there) and the
 *                               largest oracle comparisons, run fewer thread rounds
 *   DIFFAUROC_TEST_SKIP_OOM=1   skip only the allocation-failure test
 *   DIFFAUROC_TEST_VERBOSE=1    print every check, not only failures
 *
 * Every export is called; every status of the header's table that can be provoked is
 * provoked, with the exact code, and outputs are pre-filled with a sentinel to prove they
 * are untouched on error (and written as documented on success or warning).
 *
 * Groups: signatures (the header's prototypes have the types test_dlopen.c/Julia use),
 * version and strerror, exact values (hand-checked, ties, correct rounding, weights),
 * soft values (closed form for one pair, pair-sum oracle, central finite differences for
 * the gradient and d/dT, invariants), weights (NULL == ones, scaling, weight 0 == dropped,
 * integer weight == duplicate), random data vs independent oracles (1e-12 of natural
 * scales), extreme valid inputs (never NaN), every bad input (scores, labels, weights,
 * temperature, NULL pointers, one class, n == 0, n too large, checked before any
 * pointer), guard pages (no access past n - 1), diffauroc_find_invalid (status and index
 * of the first bad sample, against an independent oracle and the computing functions),
 * the soft value's [0, 1] bound (N = 1..300 negatives, both paths), the batched entry points (row == single call, two-phase validation,
 * call-level errors), allocation failure (E_NO_MEMORY, never an abort: RLIMIT_AS sweep in
 * forked children), 4 threads against single-thread results, and two-thread calls with
 * both threads pinned to one CPU (a forked child).
 */
#define _GNU_SOURCE /* mmap/MAP_ANONYMOUS, fork, setrlimit, pthreads */

#include "diffauroc.h"
#include "abi_types.h"

#include <errno.h>
#include <float.h>
#include <limits.h>
#ifdef __GLIBC__
#include <malloc.h> /* mallopt, malloc_trim: no heap slack in the allocation-failure test */
#endif
#include <math.h>
#include <pthread.h>
#include <sched.h> /* sched_setaffinity, sched_getcpu: the one-CPU test */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <xmmintrin.h> /* _mm_getcsr / _mm_setcsr: the caller's flush-to-zero mode */
#endif

/* ------------------------------------------------------------------------------------ */
/* Checks                                                                                */

static int n_passed = 0;
static int n_failed = 0;
static int verbose = 0;
static int under_valgrind = 0;
static const char *group = "";

static void record(int ok, int line, const char *what, const char *detail) {
    if (ok) {
        n_passed++;
        if (verbose) printf("ok   [%s] line %d: %s\n", group, line, what);
    } else {
        n_failed++;
        printf("FAIL [%s] line %d: %s%s%s\n", group, line, what, detail[0] ? ": " : "",
               detail);
    }
}

static void check_true(int ok, int line, const char *what) { record(ok, line, what, ""); }

static void check_status(int got, int want, int line, const char *what) {
    char detail[400];
    snprintf(detail, sizeof detail, "status %d (%s), expected %d (%s)", got,
             diffauroc_strerror(got), want, diffauroc_strerror(want));
    record(got == want, line, what, detail);
}

/* |got - want| <= tol, and never NaN unless both are NaN. tol 0 means bit-for-bit ==. */
static void check_close(double got, double want, double tol, int line, const char *what) {
    char detail[160];
    int ok = (got == want) || (isnan(got) && isnan(want)) || fabs(got - want) <= tol;
    snprintf(detail, sizeof detail, "got %.17g, expected %.17g (diff %.3g, tol %.3g)", got,
             want, got - want, tol);
    record(ok, line, what, detail);
}

#define CHECK(cond, what) check_true((cond) != 0, __LINE__, (what))
#define CHECK_STATUS(got, want, what) check_status((got), (want), __LINE__, (what))
#define CHECK_CLOSE(got, want, tol, what) check_close((got), (want), (tol), __LINE__, (what))

/* A value no function computes: outputs are pre-filled with it to detect writes. */
#define SENT (-12345.6789)

static void fill(double *a, size_t n, double v) {
    size_t i;
    for (i = 0; i < n; i++) a[i] = v;
}

static int all_equal(const double *a, size_t n, double v) {
    size_t i;
    for (i = 0; i < n; i++)
        if (!(a[i] == v)) return 0;
    return 1;
}

/* a == b bit for bit as doubles (NaN equals NaN; -0.0 differs from +0.0). */
static int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b)); }

static int same_array(const double *a, const double *b, size_t n) {
    size_t i;
    for (i = 0; i < n; i++)
        if (!same_bits(a[i], b[i])) return 0;
    return 1;
}

static int all_finite(const double *a, size_t n) {
    size_t i;
    for (i = 0; i < n; i++)
        if (!isfinite(a[i])) return 0;
    return 1;
}

static int none_nan(const double *a, size_t n) {
    size_t i;
    for (i = 0; i < n; i++)
        if (isnan(a[i])) return 0;
    return 1;
}

static double *xmalloc_doubles(size_t n) {
    double *p = n < (size_t)PTRDIFF_MAX / sizeof(double) ? (double *)malloc((n ? n : 1) * sizeof(double)) : NULL;
    if (!p) {
        fprintf(stderr, "test_link: out of memory\n");
        exit(2);
    }
    return p;
}

#define SPLITMIX_SEED 0x9E3779B97F4A7C15ull
#include "splitmix.h"

/* ------------------------------------------------------------------------------------ */
/* Oracles (independent of the library: direct pair sums in long double)                  */

static double sigmoid(double x) {
    if (x >= 0) return 1.0 / (1.0 + exp(-x));
    {
        double e = exp(x);
        return e / (1.0 + e);
    }
}

/* sigmoid'(x) = sigmoid(x) sigmoid(-x), without cancellation */
static double dsigmoid(double x) {
    double e = exp(-fabs(x));
    return e / ((1.0 + e) * (1.0 + e));
}

static double weight_of(const double *w, size_t i) { return w ? w[i] : 1.0; }

/* Neumaier's compensated sum in long double: the oracles stay accurate where long double is
 * only double (valgrind emulates x87 80-bit arithmetic with 64-bit doubles). */
typedef struct {
    long double sum, c;
} ksum;
static void kadd(ksum *k, long double x) {
    long double t = k->sum + x;
    if (fabsl(k->sum) >= fabsl(x)) k->c += (k->sum - t) + x;
    else k->c += (x - t) + k->sum;
    k->sum = t;
}
static long double ktotal(const ksum *k) { return k->sum + k->c; }

/* Soft AUROC, gradient and d/dT by the definition. Returns 0 when there is a pair, 1 when
 * one class is empty (outputs then 0). grad may be NULL. */
static int oracle_soft(const double *s, const double *y, const double *w, size_t n, double T,
                       double *value, double *grad, double *dT) {
    ksum wp = {0, 0}, wn = {0, 0}, v = {0, 0}, dt = {0, 0};
    long double pn;
    size_t i, j;
    for (i = 0; i < n; i++) {
        double wi = weight_of(w, i);
        if (wi <= 0) continue;
        if (y[i] == 1) kadd(&wp, wi);
        else kadd(&wn, wi);
    }
    if (grad) fill(grad, n, 0.0);
    if (ktotal(&wp) == 0 || ktotal(&wn) == 0) {
        *value = 0;
        if (dT) *dT = 0;
        return 1;
    }
    pn = ktotal(&wp) * ktotal(&wn);
    {
        ksum *g = (ksum *)calloc(n ? n : 1, sizeof(ksum));
        if (!g) exit(2);
        for (i = 0; i < n; i++) {
            double wi = weight_of(w, i);
            if (y[i] != 1 || wi <= 0) continue;
            for (j = 0; j < n; j++) {
                double wj = weight_of(w, j), x, d;
                long double ww;
                if (y[j] != 0 || wj <= 0) continue;
                x = (s[i] - s[j]) / T;
                d = dsigmoid(x);
                ww = (long double)wi * wj;
                kadd(&v, ww * sigmoid(x));
                kadd(&g[i], ww * d / T);
                kadd(&g[j], -ww * d / T);
                kadd(&dt, -ww * d * x / T);
            }
        }
        *value = (double)(ktotal(&v) / pn);
        if (dT) *dT = (double)(ktotal(&dt) / pn);
        if (grad)
            for (i = 0; i < n; i++) grad[i] = (double)(ktotal(&g[i]) / pn);
        free(g);
    }
    return 0;
}

/* Exact AUROC by the definition (ties 1/2). Returns 1 when undefined (one class). */
static int oracle_exact(const double *s, const double *y, const double *w, size_t n,
                        double *value) {
    ksum wp = {0, 0}, wn = {0, 0}, u = {0, 0};
    size_t i, j;
    for (i = 0; i < n; i++) {
        double wi = weight_of(w, i);
        if (wi <= 0) continue;
        if (y[i] == 1) kadd(&wp, wi);
        else kadd(&wn, wi);
    }
    if (ktotal(&wp) == 0 || ktotal(&wn) == 0) return 1;
    for (i = 0; i < n; i++) {
        double wi = weight_of(w, i);
        if (y[i] != 1 || wi <= 0) continue;
        for (j = 0; j < n; j++) {
            double wj = weight_of(w, j);
            if (y[j] != 0 || wj <= 0) continue;
            if (s[i] > s[j]) kadd(&u, (long double)wi * wj);
            else if (s[i] == s[j]) kadd(&u, 0.5L * wi * wj);
        }
    }
    *value = (double)(ktotal(&u) / (ktotal(&wp) * ktotal(&wn)));
    return 0;
}

/* Unweighted exact AUROC as the correctly rounded double of 2U / (2PN): both integers are
 * < 2^53 here, so one IEEE division rounds the exact rational correctly. */
static double oracle_exact_rounded(const double *s, const double *y, size_t n) {
    uint64_t twice_u = 0, p = 0, q = 0;
    size_t i, j;
    for (i = 0; i < n; i++) {
        if (y[i] == 1) p++;
        else q++;
    }
    for (i = 0; i < n; i++) {
        if (y[i] != 1) continue;
        for (j = 0; j < n; j++) {
            if (y[j] != 0) continue;
            if (s[i] > s[j]) twice_u += 2;
            else if (s[i] == s[j]) twice_u += 1;
        }
    }
    return (double)twice_u / (double)(2 * p * q);
}

/* ------------------------------------------------------------------------------------ */
/* The hand-checkable data set                                                            */

static const double S4[4] = {0.1, 0.4, 0.35, 0.8};
static const double Y4[4] = {0, 0, 1, 1};
static const double W4[4] = {1, 2, 3, 4};

/* ------------------------------------------------------------------------------------ */
/* Signatures: the header's prototypes are exactly the ones the dlopen/Julia path uses   */

/* The column functions' types, as test_dlopen.c calls them (abi_types.h has the others). */
typedef int (*columns_fn)(const double *, size_t, size_t, size_t, size_t, const double *, size_t,
                          size_t, const double *, double *, int *);
typedef int (*columns_f32_fn)(const float *, size_t, size_t, size_t, size_t, const float *, size_t,
                              size_t, const float *, double *, int *);
typedef int (*ovr_fn)(const double *, size_t, size_t, size_t, size_t, const double *,
                      const double *, double *, int *);
typedef int (*ovr_f32_fn)(const float *, size_t, size_t, size_t, size_t, const float *,
                          const float *, double *, int *);
typedef int (*ovo_fn)(const double *, size_t, size_t, size_t, size_t, const double *, double *,
                      int *);
typedef int (*ovo_f32_fn)(const float *, size_t, size_t, size_t, size_t, const float *, double *,
                          int *);
typedef int (*partial_columns_fn)(const double *, size_t, size_t, size_t, size_t, const double *,
                                  size_t, size_t, const double *, int, double, double, double *,
                                  double *, int *);
typedef int (*partial_columns_f32_fn)(const float *, size_t, size_t, size_t, size_t,
                                      const float *, size_t, size_t, const float *, int, double,
                                      double, double *, double *, int *);

static void test_signatures(void) {
    columns_fn cols = auroc_exact_columns;
    columns_f32_fn cols_f32 = auroc_exact_columns_f32;
    ovr_fn ovr = auroc_exact_ovr;
    ovr_f32_fn ovr_f32 = auroc_exact_ovr_f32;
    ovo_fn ovo = auroc_exact_ovo;
    ovo_f32_fn ovo_f32 = auroc_exact_ovo_f32;
    partial_columns_fn pcols = auroc_partial_columns;
    partial_columns_f32_fn pcols_f32 = auroc_partial_columns_f32;
    diffauroc_soft_fn soft = auroc_soft;
    diffauroc_soft_grad_fn grad = auroc_soft_grad;
    diffauroc_exact_fn exact = auroc_exact;
    diffauroc_soft_grad_batch_fn grad_batch = auroc_soft_grad_batch;
    diffauroc_exact_batch_fn exact_batch = auroc_exact_batch;
    diffauroc_strerror_fn strerr = diffauroc_strerror;
    diffauroc_version_fn version = diffauroc_version;
    diffauroc_kernels_fn kernels = diffauroc_kernels;
    diffauroc_find_invalid_fn find_invalid = diffauroc_find_invalid;
    diffauroc_find_invalid_f32_fn find_invalid_f32 = diffauroc_find_invalid_f32;
    diffauroc_curve_fn curve = auroc_curve;
    diffauroc_curve_f32_fn curve_f32 = auroc_curve_f32;
    diffauroc_partial_fn partial = auroc_partial;
    diffauroc_partial_f32_fn partial_f32 = auroc_partial_f32;
    group = "signatures";
    CHECK(soft && grad && exact && grad_batch && exact_batch && strerr && version && kernels &&
              find_invalid && find_invalid_f32 && curve && curve_f32 && partial && partial_f32 &&
              cols && cols_f32 && ovr && ovr_f32 && ovo && ovo_f32 && pcols && pcols_f32,
          "every prototype has the type test_dlopen.c and julia/DiffAUROC.jl use");
}

/* ------------------------------------------------------------------------------------ */
/* Version and strerror                                                                   */

static void test_version(void) {
    const char *v = diffauroc_version();
    char expected[64];
    group = "version";
    CHECK(v != NULL, "diffauroc_version() is not NULL");
    if (!v) return;
    CHECK(strcmp(v, DIFFAUROC_VERSION_STRING) == 0,
          "diffauroc_version() equals DIFFAUROC_VERSION_STRING");
    snprintf(expected, sizeof expected, "%d.%d.%d", DIFFAUROC_VERSION_MAJOR,
             DIFFAUROC_VERSION_MINOR, DIFFAUROC_VERSION_PATCH);
    CHECK(strcmp(DIFFAUROC_VERSION_STRING, expected) == 0,
          "DIFFAUROC_VERSION_STRING is MAJOR.MINOR.PATCH of the macros");
    CHECK(DIFFAUROC_VERSION_NUMBER == DIFFAUROC_VERSION_MAJOR * 10000 +
                                          DIFFAUROC_VERSION_MINOR * 100 +
                                          DIFFAUROC_VERSION_PATCH,
          "DIFFAUROC_VERSION_NUMBER = 10000 major + 100 minor + patch");
    CHECK(diffauroc_version() == v, "diffauroc_version() returns a static string");
}

/* Which build of the core runs: the name is static and one of the two the header
 * lists; DIFFAUROC_KERNELS=baseline forces "x86-64"; otherwise, on x86-64, gcc's own
 * CPUID check decides whether "x86-64-v3" must have been chosen. */
static void test_kernels(void) {
    const char *k = diffauroc_kernels();
    const char *forced = getenv("DIFFAUROC_KERNELS");
    group = "kernels";
    CHECK(k != NULL, "diffauroc_kernels() is not NULL");
    if (!k) return;
    CHECK(strcmp(k, "x86-64") == 0 || strcmp(k, "x86-64-v3") == 0,
          "diffauroc_kernels() is \"x86-64\" or \"x86-64-v3\"");
    CHECK(diffauroc_kernels() == k, "diffauroc_kernels() returns a static string");
    if (forced && strcmp(forced, "baseline") == 0) {
        CHECK(strcmp(k, "x86-64") == 0, "DIFFAUROC_KERNELS=baseline gives \"x86-64\"");
    } else {
#if defined(__x86_64__) && defined(__GNUC__) && __GNUC__ >= 12
        __builtin_cpu_init();
        CHECK(strcmp(k, __builtin_cpu_supports("x86-64-v3") ? "x86-64-v3" : "x86-64") == 0,
              "diffauroc_kernels() is \"x86-64-v3\" exactly when gcc's CPUID check says so");
#endif
    }
}

/* ------------------------------------------------------------------------------------ */
/* The caller's floating-point mode                                                       */

#if defined(__x86_64__)
/* x * 2, called through a volatile pointer: the compiler may move arithmetic it can see
 * (or a call it knows to be pure) across _mm_setcsr, as it assumes the default mode. */
static double twice(double x) { return x * 2.0; }
static double (*volatile doubled)(double) = twice;
#endif

/* With flush-to-zero and denormals-are-zero set by the caller (as XLA does around custom
 * calls, and -ffast-math programs at start-up), subnormal inputs still count as what they
 * are, results equal those computed in IEEE mode, and the caller gets its mode back.
 * x86-64 only; not under valgrind, which does not emulate those MXCSR bits. */
static void test_caller_flush_mode(void) {
#if defined(__x86_64__)
    const unsigned flush = 0x8040;    /* MXCSR FTZ (bit 15) | DAZ (bit 6) */
    const unsigned controls = ~0x3fu; /* MXCSR without its sticky exception flags */
    const double tiny = ldexp(1.0, -1074); /* the smallest subnormal double */
    const float tiny32 = ldexpf(1.0f, -149);
    double s[4], y[4] = {0, 1, 0, 1}, w3[3] = {1, 0, 1}, s3[3] = {0.1, 0.2, 0.3};
    double y3[3] = {1, 0, 1}, bad_y[4] = {0, 1, 0, 0};
    float s32[4], y32[4] = {0, 1, 0, 1};
    double v = -1, soft_ieee = -1, soft_flush = -2, grad[4], dt;
    int status, k, flushes;
    double probe;
    unsigned saved, after;
    group = "caller flush mode";
    if (under_valgrind) {
        printf("SKIP caller flush mode: valgrind does not emulate MXCSR FTZ/DAZ\n");
        return;
    }
    for (k = 0; k < 4; k++) {
        s[k] = k * tiny;
        s32[k] = (float)k * tiny32;
    }
    probe = ldexp(1.0, -1060); /* subnormal: under DAZ, probe * 2 is 0 */
    w3[1] = tiny;    /* the only negative, of subnormal weight */
    bad_y[3] = tiny; /* a label that is neither 0 nor 1 */
    status = auroc_soft_grad(s, y, NULL, 4, tiny, &soft_ieee, grad, &dt);
    CHECK_STATUS(status, DIFFAUROC_OK, "soft AUROC at a subnormal temperature (IEEE mode)");

    saved = _mm_getcsr();
    _mm_setcsr(saved | flush);
    flushes = doubled(probe) == 0.0;
    status = auroc_exact(s, y, NULL, 4, &v);
    CHECK_STATUS(status, DIFFAUROC_OK, "auroc_exact under FTZ/DAZ");
    CHECK_CLOSE(v, 0.75, 0, "subnormal scores are ordered, not tied with 0 (0.75)");
    v = -1;
    status = auroc_exact_f32(s32, y32, NULL, 4, &v);
    CHECK_CLOSE(v, 0.75, 0, "float32 subnormal scores are ordered (0.75)");
    v = -1;
    status = auroc_exact(s3, y3, w3, 3, &v);
    CHECK_STATUS(status, DIFFAUROC_OK, "a subnormal weight keeps its sample (no E_ONE_CLASS)");
    CHECK_CLOSE(v, 0.5, 0, "... and counts: 0.5");
    {
        /* the curve and the partial AUC: four distinct subnormal-or-zero scores stay four
         * thresholds (5 points), and the partial area is that of IEEE mode */
        size_t count = 0;
        double thr[5] = {0, 0, 0, 0, 0}, area = -1;
        status = auroc_curve(s, y, NULL, 4, 0, 5, NULL, NULL, thr, &count);
        CHECK(status == DIFFAUROC_OK && count == 5 && thr[1] == 3 * tiny && thr[4] == 0,
              "auroc_curve under FTZ/DAZ: subnormal thresholds kept (5 points)");
        count = 0;
        status = auroc_curve_f32(s32, y32, NULL, 4, 0, 0, NULL, NULL, NULL, &count);
        CHECK(status == DIFFAUROC_OK && count == 5, "auroc_curve_f32 under FTZ/DAZ: 5 points");
        status = auroc_partial(s, y, NULL, 4, DIFFAUROC_AXIS_FPR, 0, 1, &area, NULL);
        CHECK(status == DIFFAUROC_OK && area == 0.75, "auroc_partial under FTZ/DAZ: 0.75");
    }
    status = auroc_exact(s, bad_y, NULL, 4, &v);
    CHECK_STATUS(status, DIFFAUROC_E_BAD_LABEL, "a subnormal label is a bad label, not 0");
    status = auroc_soft_grad(s, y, NULL, 4, tiny, &soft_flush, grad, &dt);
    CHECK_STATUS(status, DIFFAUROC_OK, "a subnormal temperature is accepted under FTZ/DAZ");
    after = _mm_getcsr();
    _mm_setcsr(saved);
    CHECK(flushes, "FTZ/DAZ were in effect in this process (the checks above can fail)");
    CHECK(soft_flush == soft_ieee, "soft AUROC under FTZ/DAZ has the bits of IEEE mode");
    CHECK((after & controls) == ((saved | flush) & controls),
          "the caller's MXCSR control bits are given back unchanged");
#endif
}

static const int all_codes[] = {
    DIFFAUROC_OK,                DIFFAUROC_W_ONE_CLASS,     DIFFAUROC_E_NULL_POINTER,
    DIFFAUROC_E_NONFINITE_SCORE, DIFFAUROC_E_BAD_LABEL,     DIFFAUROC_E_BAD_WEIGHT,
    DIFFAUROC_E_BAD_TEMPERATURE, DIFFAUROC_E_ONE_CLASS,     DIFFAUROC_E_NO_MEMORY,
    DIFFAUROC_E_TOO_LARGE,       DIFFAUROC_W_BELOW_DIAGONAL, DIFFAUROC_E_CAPACITY,
    DIFFAUROC_E_BAD_RANGE,       DIFFAUROC_E_WEIGHT_SUM,     DIFFAUROC_E_BAD_CLASS,
    DIFFAUROC_W_NO_VARIANCE,     DIFFAUROC_E_BAD_TANGENT};
#define N_CODES (sizeof all_codes / sizeof all_codes[0])

static void test_status_codes(void) {
    size_t i, j;
    const char *unknown;
    static const int unknown_codes[] = {20, -20, 100, -100, 1000, -1000, INT_MAX, INT_MIN};
    group = "status codes";
    /* The numeric values of the header's table. */
    CHECK(DIFFAUROC_OK == 0 && DIFFAUROC_W_ONE_CLASS == 1 && DIFFAUROC_E_NULL_POINTER == -1 &&
              DIFFAUROC_E_NONFINITE_SCORE == -2 && DIFFAUROC_E_BAD_LABEL == -3 &&
              DIFFAUROC_E_BAD_WEIGHT == -4 && DIFFAUROC_E_BAD_TEMPERATURE == -5 &&
              DIFFAUROC_E_ONE_CLASS == -6 && DIFFAUROC_E_NO_MEMORY == -7 &&
              DIFFAUROC_E_TOO_LARGE == -8 && DIFFAUROC_W_BELOW_DIAGONAL == 2 &&
              DIFFAUROC_E_CAPACITY == -9 && DIFFAUROC_E_BAD_RANGE == -10 &&
              DIFFAUROC_E_WEIGHT_SUM == -11 && DIFFAUROC_E_BAD_CLASS == -12 &&
              DIFFAUROC_W_NO_VARIANCE == 3 && DIFFAUROC_E_BAD_TANGENT == -13 &&
              DIFFAUROC_AXIS_FPR == 0 && DIFFAUROC_AXIS_TPR == 1,
          "status code values match the header's table");

    group = "strerror";
    unknown = diffauroc_strerror(12345);
    CHECK(unknown != NULL, "strerror(unknown) is not NULL");
    if (unknown)
        CHECK(strcmp(unknown, "unknown diffauroc status code") == 0,
              "strerror(unknown) is \"unknown diffauroc status code\"");
    for (i = 0; i < sizeof unknown_codes / sizeof unknown_codes[0]; i++) {
        const char *m = diffauroc_strerror(unknown_codes[i]);
        char what[96];
        snprintf(what, sizeof what, "strerror(%d) is the unknown-code message", unknown_codes[i]);
        CHECK(m != NULL && unknown != NULL && strcmp(m, unknown) == 0, what);
    }
    for (i = 0; i < N_CODES; i++) {
        const char *m = diffauroc_strerror(all_codes[i]);
        char what[96];
        snprintf(what, sizeof what, "strerror(%d) is a non-empty message", all_codes[i]);
        CHECK(m != NULL && m[0] != '\0', what);
        if (!m) continue;
        snprintf(what, sizeof what, "strerror(%d) differs from the unknown-code message",
                 all_codes[i]);
        CHECK(unknown == NULL || strcmp(m, unknown) != 0, what);
        snprintf(what, sizeof what, "strerror(%d) is static (same pointer twice)", all_codes[i]);
        CHECK(diffauroc_strerror(all_codes[i]) == m, what);
        for (j = 0; j < i; j++) {
            const char *o = diffauroc_strerror(all_codes[j]);
            snprintf(what, sizeof what, "strerror(%d) differs from strerror(%d)", all_codes[i],
                     all_codes[j]);
            CHECK(o != NULL && strcmp(m, o) != 0, what);
        }
    }
}

/* ------------------------------------------------------------------------------------ */
/* Exact AUROC values                                                                     */

static double exact_or_sentinel(const double *s, const double *y, const double *w, size_t n,
                                 int *status) {
    double v = SENT;
    *status = auroc_exact(s, y, w, n, &v);
    return v;
}

static void test_exact_values(void) {
    int st;
    double v;
    group = "exact values";

    v = exact_or_sentinel(S4, Y4, NULL, 4, &st);
    CHECK_STATUS(st, DIFFAUROC_OK, "{0.1,0.4,0.35,0.8} / {0,0,1,1}");
    CHECK_CLOSE(v, 0.75, 0, "exact AUROC is exactly 0.75");

    {
        const double s[5] = {2.5, 2.5, 2.5, 2.5, 2.5}, y[5] = {1, 0, 1, 0, 0};
        v = exact_or_sentinel(s, y, NULL, 5, &st);
        CHECK_STATUS(st, DIFFAUROC_OK, "all tied");
        CHECK_CLOSE(v, 0.5, 0, "all tied gives exactly 0.5");
        {
            const double y2[5] = {0, 0, 0, 1, 1}; /* tie order must not matter */
            v = exact_or_sentinel(s, y2, NULL, 5, &st);
            CHECK_CLOSE(v, 0.5, 0, "all tied, positives last: still 0.5");
        }
    }
    {
        const double s[4] = {1, 2, 3, 4}, y_up[4] = {0, 0, 1, 1}, y_down[4] = {1, 1, 0, 0};
        v = exact_or_sentinel(s, y_up, NULL, 4, &st);
        CHECK_CLOSE(v, 1.0, 0, "perfect ranking gives 1");
        v = exact_or_sentinel(s, y_down, NULL, 4, &st);
        CHECK_CLOSE(v, 0.0, 0, "reversed ranking gives 0");
    }
    {
        /* pos {1, 2}, neg {1, 0}: pos 1 ties neg 1 (1/2), beats 0; pos 2 beats both */
        const double s[4] = {1, 1, 2, 0}, y[4] = {1, 0, 1, 0};
        v = exact_or_sentinel(s, y, NULL, 4, &st);
        CHECK_CLOSE(v, 0.875, 0, "partial ties: 3.5 / 4");
    }
    {
        const double s[2] = {-0.0, 0.0}, y[2] = {1, 0};
        v = exact_or_sentinel(s, y, NULL, 2, &st);
        CHECK_STATUS(st, DIFFAUROC_OK, "-0.0 vs +0.0");
        CHECK_CLOSE(v, 0.5, 0, "-0.0 ties +0.0");
    }
    {
        /* U / (P N) = 1/3 and 2/3 and 5/7: correctly rounded */
        const double s[4] = {1, -1, -2, 0}, y[4] = {1, 1, 1, 0};
        const double s2[4] = {1, 2, -2, 0};
        const double s3[8] = {0, 1, 2, 3, 4, 5, 6, 7}, y3[8] = {0, 1, 0, 1, 1, 1, 1, 1};
        v = exact_or_sentinel(s, y, NULL, 4, &st);
        CHECK_CLOSE(v, 1.0 / 3.0, 0, "1/3 correctly rounded");
        v = exact_or_sentinel(s2, y, NULL, 4, &st);
        CHECK_CLOSE(v, 2.0 / 3.0, 0, "2/3 correctly rounded");
        v = exact_or_sentinel(s3, y3, NULL, 8, &st);
        /* positives 1,3,4,5,6,7 vs negatives 0,2: 1 beats 1; the rest beat 2 -> 11/12 */
        CHECK_CLOSE(v, 11.0 / 12.0, 0, "11/12 correctly rounded");
    }
    {
        /* Hand-weighted: pos 0.35 (w3), 0.8 (w4); neg 0.1 (w1), 0.4 (w2):
         * 3*1 + 4*1 + 4*2 = 15 over 7*3 = 21 */
        v = exact_or_sentinel(S4, Y4, W4, 4, &st);
        CHECK_STATUS(st, DIFFAUROC_OK, "weighted hand example");
        CHECK_CLOSE(v, 15.0 / 21.0, 2 * DBL_EPSILON, "weighted AUROC is 5/7");
    }
    {
        /* One positive, one negative */
        const double s[2] = {0.3, 0.7}, y[2] = {1, 0};
        v = exact_or_sentinel(s, y, NULL, 2, &st);
        CHECK_CLOSE(v, 0.0, 0, "n=2 wrong order gives 0");
    }
}

/* ------------------------------------------------------------------------------------ */
/* Soft AUROC values, gradients, finite differences                                       */

static void test_soft_pair(void) {
    static const double pairs[][3] = {/* s_pos, s_neg, T */
                                      {0.8, 0.1, 1.0},   {0.1, 0.8, 1.0},  {0.5, 0.5, 0.3},
                                      {3.0, -2.0, 0.25}, {1e-3, 0, 1e-2},  {-7, 4, 2.0},
                                      {100, 0, 1.0},     {0, 100, 1.0},    {0.2, 0.1, 1e3}};
    size_t k;
    group = "soft one pair";
    for (k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
        double s[2], y[2] = {1, 0}, T = pairs[k][2], v = SENT, v2 = SENT, g[3], dT = SENT;
        double d, expect, slope;
        char what[128];
        int st;
        s[0] = pairs[k][0];
        s[1] = pairs[k][1];
        d = s[0] - s[1];
        expect = 1.0 / (1.0 + exp(-d / T));
        slope = exp(-d / T) / ((1 + exp(-d / T)) * (1 + exp(-d / T)));
        fill(g, 3, SENT);
        st = auroc_soft(s, y, NULL, 2, T, &v);
        snprintf(what, sizeof what, "pos %g neg %g T %g: auroc_soft = 1/(1+exp(-d/T))", s[0],
                 s[1], T);
        CHECK_STATUS(st, DIFFAUROC_OK, what);
        CHECK_CLOSE(v, expect, 4 * DBL_EPSILON, what);
        st = auroc_soft_grad(s, y, NULL, 2, T, &v2, g, &dT);
        snprintf(what, sizeof what, "pos %g neg %g T %g: auroc_soft_grad", s[0], s[1], T);
        CHECK_STATUS(st, DIFFAUROC_OK, what);
        CHECK_CLOSE(v2, v, 0, "auroc_soft_grad value equals auroc_soft value");
        CHECK_CLOSE(g[0], slope / T, 1e-14 / T, "d/ds_pos = sigmoid'(d/T) / T");
        CHECK_CLOSE(g[1], -slope / T, 1e-14 / T, "d/ds_neg = -sigmoid'(d/T) / T");
        CHECK_CLOSE(dT, -slope * d / (T * T), 1e-14 / T, "d/dT = -sigmoid'(d/T) d / T^2");
        CHECK(g[2] == SENT, "nothing written past out_grad[n-1]");
    }
}

static void test_soft_small(void) {
    double v = SENT, v2 = SENT, g[5], dT = SENT, ref_v, ref_g[4], ref_dT;
    int st, k;
    const double Ts[3] = {0.05, 0.5, 2.0};
    group = "soft small";
    for (k = 0; k < 3; k++) {
        double T = Ts[k];
        int weighted;
        for (weighted = 0; weighted < 2; weighted++) {
            const double *w = weighted ? W4 : NULL;
            int i;
            char what[96];
            fill(g, 5, SENT);
            oracle_soft(S4, Y4, w, 4, T, &ref_v, ref_g, &ref_dT);
            st = auroc_soft(S4, Y4, w, 4, T, &v);
            snprintf(what, sizeof what, "hand data, T=%g, %s", T, weighted ? "weights" : "no weights");
            CHECK_STATUS(st, DIFFAUROC_OK, what);
            CHECK_CLOSE(v, ref_v, 1e-15, "value matches the pair-sum oracle");
            st = auroc_soft_grad(S4, Y4, w, 4, T, &v2, g, &dT);
            CHECK_STATUS(st, DIFFAUROC_OK, what);
            CHECK_CLOSE(v2, v, 0, "auroc_soft_grad value equals auroc_soft value");
            for (i = 0; i < 4; i++) CHECK_CLOSE(g[i], ref_g[i], 1e-14 / T, "gradient vs oracle");
            CHECK_CLOSE(dT, ref_dT, 1e-14 / T, "d/dT vs oracle");
            CHECK(g[4] == SENT, "nothing written past out_grad[n-1]");

            /* Central finite differences. */
            for (i = 0; i < 4; i++) {
                double sp[4], sm[4], fp, fm, h = 1e-6 * T;
                memcpy(sp, S4, sizeof sp);
                memcpy(sm, S4, sizeof sm);
                sp[i] += h;
                sm[i] -= h;
                auroc_soft(sp, Y4, w, 4, T, &fp);
                auroc_soft(sm, Y4, w, 4, T, &fm);
                CHECK_CLOSE(g[i], (fp - fm) / ((sp[i] - S4[i]) + (S4[i] - sm[i])), 1e-7 / T,
                            "gradient vs central finite difference");
            }
            {
                double h = 1e-6 * T, fp, fm;
                auroc_soft(S4, Y4, w, 4, T + h, &fp);
                auroc_soft(S4, Y4, w, 4, T - h, &fm);
                CHECK_CLOSE(dT, (fp - fm) / (2 * h), 1e-7 / T, "d/dT vs central finite difference");
            }
            {
                /* out_dtemperature may be NULL; the rest is unchanged */
                double v3 = SENT, g3[5];
                fill(g3, 5, SENT);
                st = auroc_soft_grad(S4, Y4, w, 4, T, &v3, g3, NULL);
                CHECK_STATUS(st, DIFFAUROC_OK, "out_dtemperature NULL is allowed");
                CHECK_CLOSE(v3, v2, 0, "same value with out_dtemperature NULL");
                CHECK(memcmp(g3, g, 4 * sizeof(double)) == 0,
                      "same gradient with out_dtemperature NULL");
                CHECK(g3[4] == SENT, "nothing written past out_grad[n-1]");
            }
        }
    }
}

/* ------------------------------------------------------------------------------------ */
/* The soft value lies in [0, 1] (header), also where every sigmoid rounds to 1 or 0      */

/* Scores: `np` positives at `hi`, `nn` negatives at 0. Weighted: weights 0.1, 0.3, 0.5, ...
 * (not powers of two: their normalised masses round). Checks the value is in [0, 1], and
 * within `tol` of the exact sigmoid(hi / T), which every pair has. */
static void soft_bound_case(size_t np, size_t nn, double hi, int weighted, double tol,
                            int *bad) {
    size_t n = np + nn, i;
    double *s = xmalloc_doubles(n), *y = xmalloc_doubles(n), *w = xmalloc_doubles(n);
    double *g = xmalloc_doubles(n), v = SENT, v2 = SENT, want = sigmoid(hi);
    for (i = 0; i < n; i++) {
        s[i] = i < np ? hi : 0.0;
        y[i] = i < np ? 1.0 : 0.0;
        w[i] = 0.1 + 0.2 * (double)(i % 7);
    }
    if (auroc_soft(s, y, weighted ? w : NULL, n, 1.0, &v) != DIFFAUROC_OK ||
        auroc_soft_grad(s, y, weighted ? w : NULL, n, 1.0, &v2, g, NULL) != DIFFAUROC_OK ||
        !(v >= 0 && v <= 1) || v != v2 || fabs(v - want) > tol) {
        if (*bad < 5)
            printf("  soft value %.17g (grad path %.17g), want %.17g: %zu positives at %g, "
                   "%zu negatives, %s\n",
                   v, v2, want, np, hi, nn, weighted ? "weighted" : "unweighted");
        (*bad)++;
    }
    free(s);
    free(y);
    free(w);
    free(g);
}

static void test_soft_bound(void) {
    size_t nn;
    int weighted, bad;
    char what[160];
    group = "soft value in [0, 1]";
    for (weighted = 0; weighted < 2; weighted++) {
        /* direct pair-sum path: one positive, N = 1..300 negatives (N < 10,000 pairs);
         * the value normalised by the masses it used is exactly the common sigmoid */
        bad = 0;
        for (nn = 1; nn <= 300; nn++) soft_bound_case(1, nn, 1e6, weighted, 0.0, &bad);
        for (nn = 1; nn <= 300; nn++) soft_bound_case(3, nn, 40.0, weighted, 0.0, &bad);
        for (nn = 1; nn <= 300; nn++) soft_bound_case(2, nn, -1e6, weighted, 0.0, &bad);
        for (nn = 1; nn <= 300; nn++) soft_bound_case(2, nn, 1.5, weighted, 1e-13, &bad);
        snprintf(what, sizeof what,
                 "direct path, N = 1..300 negatives, %s: value in [0, 1] and equal to the "
                 "common sigmoid (%d bad)",
                 weighted ? "weighted" : "unweighted", bad);
        CHECK(bad == 0, what);
        /* fast path: enough positives for >= 10,000 pairs; its accuracy bar is 1e-12 */
        bad = 0;
        for (nn = 1; nn <= 300; nn += under_valgrind ? 37 : 1) {
            size_t np = 10000 / nn + 1;
            soft_bound_case(np, nn, 1e6, weighted, 1e-13, &bad);
            soft_bound_case(np, nn, -1e6, weighted, 1e-13, &bad);
            soft_bound_case(np, nn, 40.0, weighted, 1e-13, &bad);
        }
        snprintf(what, sizeof what,
                 "fast path, N = 1..300 negatives, %s: value in [0, 1] and equal to the "
                 "common sigmoid (%d bad)",
                 weighted ? "weighted" : "unweighted", bad);
        CHECK(bad == 0, what);
    }
}

/* Invariants of the definition: label flip, shift, joint scaling, sum of gradient. */
static void test_soft_invariants(void) {
    double s[40], y[40], yf[40], w[40], sh[40], sc[40], g[40];
    double v, vf, vs, vc, dT, e, ef;
    size_t i, n = 40;
    int st;
    long double gsum = 0;
    group = "soft invariants";
    for (i = 0; i < n; i++) {
        s[i] = rng_uniform() * 4 - 2;
        y[i] = (rng_next() & 1) ? 1 : 0;
        yf[i] = 1 - y[i];
        w[i] = 0.5 + rng_uniform();
        sh[i] = s[i] + 3.0;
        sc[i] = s[i] * 8.0; /* power of two: exact scaling */
    }
    y[0] = 1;
    y[1] = 0;
    yf[0] = 0;
    yf[1] = 1;
    auroc_soft(s, y, w, n, 0.7, &v);
    auroc_soft(s, yf, w, n, 0.7, &vf);
    CHECK_CLOSE(v + vf, 1.0, 1e-14, "label flip gives 1 - value (soft)");
    auroc_exact(s, y, w, n, &e);
    auroc_exact(s, yf, w, n, &ef);
    CHECK_CLOSE(e + ef, 1.0, 1e-14, "label flip gives 1 - value (exact)");
    auroc_soft(sh, y, w, n, 0.7, &vs);
    CHECK_CLOSE(vs, v, 1e-14, "shifting all scores changes nothing");
    auroc_soft(sc, y, w, n, 0.7 * 8.0, &vc);
    CHECK_CLOSE(vc, v, 1e-14, "scaling scores and T together changes nothing");
    st = auroc_soft_grad(s, y, w, n, 0.7, &v, g, &dT);
    CHECK_STATUS(st, DIFFAUROC_OK, "soft_grad on 40 random samples");
    for (i = 0; i < n; i++) gsum += g[i];
    CHECK_CLOSE((double)gsum, 0.0, 1e-13, "gradient sums to 0 (shift invariance)");
    {
        /* Euler: value is homogeneous of degree 0 in (s, T): sum s_i g_i + T dT = 0 */
        long double euler = 0.7L * dT;
        for (i = 0; i < n; i++) euler += (long double)s[i] * g[i];
        CHECK_CLOSE((double)euler, 0.0, 1e-13, "sum s_i g_i + T dvalue/dT = 0");
    }
    {
        /* soft -> exact as T -> 0 on distinct scores */
        double vt;
        auroc_soft(s, y, w, n, 1e-9, &vt);
        CHECK_CLOSE(vt, e, 1e-9, "soft tends to exact as T -> 0 (distinct scores)");
    }
}

/* ------------------------------------------------------------------------------------ */
/* Weights                                                                                */

static void compare_all(const double *s, const double *y, const double *w, size_t n,
                        const double *s2, const double *y2, const double *w2, size_t n2,
                        const size_t *map, double T, double tol, const char *what) {
    /* Results of (s,y,w,n) and (s2,y2,w2,n2) agree; map[k] is the index in the first set of
     * sample k of the second (NULL: identity); first-set samples not mapped must have
     * gradient 0 (they are weight-0 samples). */
    double v1, v2, e1, e2, dT1, dT2, *g1 = xmalloc_doubles(n + 1), *g2 = xmalloc_doubles(n2 + 1);
    int st1, st2, ste1, ste2;
    size_t k;
    char buf[192];
    st1 = auroc_soft_grad(s, y, w, n, T, &v1, g1, &dT1);
    st2 = auroc_soft_grad(s2, y2, w2, n2, T, &v2, g2, &dT2);
    ste1 = auroc_exact(s, y, w, n, &e1);
    ste2 = auroc_exact(s2, y2, w2, n2, &e2);
    snprintf(buf, sizeof buf, "%s: both succeed", what);
    CHECK(st1 == DIFFAUROC_OK && st2 == DIFFAUROC_OK && ste1 == DIFFAUROC_OK &&
              ste2 == DIFFAUROC_OK,
          buf);
    snprintf(buf, sizeof buf, "%s: soft value", what);
    CHECK_CLOSE(v1, v2, tol, buf);
    snprintf(buf, sizeof buf, "%s: exact value", what);
    CHECK_CLOSE(e1, e2, tol, buf);
    snprintf(buf, sizeof buf, "%s: d/dT", what);
    CHECK_CLOSE(dT1, dT2, tol / T, buf);
    if (map) {
        /* gradients of duplicated samples add up; unmapped ones are 0 */
        double *acc = xmalloc_doubles(n);
        fill(acc, n, 0.0);
        for (k = 0; k < n2; k++) acc[map[k]] += g2[k];
        for (k = 0; k < n; k++) {
            snprintf(buf, sizeof buf, "%s: gradient[%zu]", what, k);
            CHECK_CLOSE(g1[k], acc[k], 4 * tol / T, buf);
        }
        free(acc);
    } else {
        for (k = 0; k < n2 && k < n; k++) {
            snprintf(buf, sizeof buf, "%s: gradient[%zu]", what, k);
            CHECK_CLOSE(g1[k], g2[k], tol / T, buf);
        }
    }
    free(g1);
    free(g2);
}

static void test_weights(void) {
    enum { N = 12 };
    double s[N], y[N], w[N], ones[N], ws[N];
    size_t i, n = N;
    group = "weights";
    for (i = 0; i < n; i++) {
        s[i] = floor(rng_uniform() * 8) / 4; /* with ties */
        y[i] = (double)(i % 3 == 0);
        w[i] = 0.25 + rng_uniform() * 2;
        ones[i] = 1.0;
    }
    compare_all(s, y, NULL, n, s, y, ones, n, NULL, 0.6, 1e-15, "weights NULL == all ones");

    {
        static const double scales[] = {4.0, 0.125, 3.7, 1e-3, 1e300, 1e-300, 0x1p-1000};
        size_t k;
        for (k = 0; k < sizeof scales / sizeof scales[0]; k++) {
            char what[96];
            for (i = 0; i < n; i++) ws[i] = w[i] * scales[k];
            snprintf(what, sizeof what, "weights scaled by %g change nothing", scales[k]);
            compare_all(s, y, w, n, s, y, ws, n, NULL, 0.6, 1e-14, what);
        }
        for (i = 0; i < n; i++) ws[i] = ones[i] * 1e308;
        compare_all(s, y, NULL, n, s, y, ws, n, NULL, 0.6, 1e-14, "all weights 1e308 == no weights");
        for (i = 0; i < n; i++) ws[i] = 4.9406564584124654e-324;
        compare_all(s, y, NULL, n, s, y, ws, n, NULL, 0.6, 1e-14,
                    "all weights = smallest subnormal == no weights");
    }
    {
        /* weight 0 == dropping the sample (weighted and unweighted); its gradient is 0 */
        size_t drop;
        for (drop = 0; drop < 3; drop++) {
            double s2[N], y2[N], w2[N], wz[N], oz[N];
            size_t map[N], m = 0;
            char what[96];
            for (i = 0; i < n; i++) {
                wz[i] = (i == drop) ? 0.0 : w[i];
                oz[i] = (i == drop) ? 0.0 : 1.0;
                if (i == drop) continue;
                s2[m] = s[i];
                y2[m] = y[i];
                w2[m] = w[i];
                map[m] = i;
                m++;
            }
            snprintf(what, sizeof what, "weight 0 on sample %zu == dropping it (weighted)", drop);
            compare_all(s, y, wz, n, s2, y2, w2, m, map, 0.6, 1e-14, what);
            snprintf(what, sizeof what, "weight 0 on sample %zu == dropping it (unweighted)", drop);
            compare_all(s, y, oz, n, s2, y2, NULL, m, map, 0.6, 1e-14, what);
            {
                double g[N], v, dT;
                auroc_soft_grad(s, y, wz, n, 0.6, &v, g, &dT);
                CHECK(g[drop] == 0.0, "gradient of a weight-0 sample is exactly 0");
            }
            {
                /* -0.0 is a weight >= 0: same as 0 */
                double wm[N], v1, v2;
                memcpy(wm, wz, sizeof wm);
                wm[drop] = -0.0;
                CHECK_STATUS(auroc_soft(s, y, wm, n, 0.6, &v1), DIFFAUROC_OK, "weight -0.0 is valid");
                auroc_soft(s, y, wz, n, 0.6, &v2);
                CHECK_CLOSE(v1, v2, 0, "weight -0.0 acts as weight 0");
            }
        }
    }
    {
        /* integer weights == duplicated samples */
        double s2[4 * N], y2[4 * N], wi[N];
        size_t map[4 * N], m = 0, r;
        for (i = 0; i < n; i++) {
            wi[i] = (double)(1 + i % 4);
            for (r = 0; r < (size_t)wi[i]; r++) {
                s2[m] = s[i];
                y2[m] = y[i];
                map[m] = i;
                m++;
            }
        }
        compare_all(s, y, wi, n, s2, y2, NULL, m, map, 0.6, 1e-14,
                    "integer weights == duplicated samples");
    }
}

/* ------------------------------------------------------------------------------------ */
/* Random data against the oracles                                                        */

static void random_case(size_t n, double T, int weighted, int ties, double pos_rate) {
    double *s = xmalloc_doubles(n), *y = xmalloc_doubles(n), *w = xmalloc_doubles(n);
    double *g = xmalloc_doubles(n + 1), *rg = xmalloc_doubles(n);
    double v, rv, dT, rdT, e, re;
    double wp = 0, wn = 0;
    size_t i;
    int st, rst;
    char what[160];
    for (i = 0; i < n; i++) {
        double u = rng_uniform() * 6 - 3;
        s[i] = ties ? floor(u * 4) / 4 : u;
        y[i] = rng_uniform() < pos_rate ? 1 : 0;
        w[i] = weighted ? ((rng_next() % 7 == 0) ? 0.0 : rng_uniform() * 3) : 1.0;
    }
    if (n >= 2) {
        y[0] = 1;
        y[1] = 0;
        w[0] = w[1] = 1.0;
    }
    for (i = 0; i < n; i++) {
        if (w[i] <= 0) continue;
        if (y[i] == 1) wp += w[i];
        else wn += w[i];
    }
    snprintf(what, sizeof what, "random n=%zu T=%g %s %s pos_rate=%g", n, T,
             weighted ? "weighted" : "unweighted", ties ? "ties" : "distinct", pos_rate);
    fill(g, n + 1, SENT);
    st = auroc_soft_grad(s, y, weighted ? w : NULL, n, T, &v, g, &dT);
    rst = oracle_soft(s, y, weighted ? w : NULL, n, T, &rv, rg, &rdT);
    CHECK_STATUS(st, rst ? DIFFAUROC_W_ONE_CLASS : DIFFAUROC_OK, what);
    CHECK_CLOSE(v, rv, 1e-12, "soft value vs oracle (natural scale 1)");
    CHECK_CLOSE(dT, rdT, 1e-12 / T, "d/dT vs oracle (natural scale 1/T)");
    {
        int bad = 0;
        double worst = 0;
        for (i = 0; i < n; i++) {
            double scale = w[i] / (T * (y[i] == 1 ? wp : wn));
            double err = fabs(g[i] - rg[i]) / (scale > 0 ? scale : 1);
            if (!(err <= 1e-12)) bad++;
            if (err > worst || isnan(err)) worst = err;
        }
        {
            char buf[192];
            snprintf(buf, sizeof buf,
                     "gradient vs oracle to 1e-12 of w_i/(T W_class): %d bad, worst %.3g", bad,
                     worst);
            CHECK(bad == 0, buf);
        }
    }
    CHECK(g[n] == SENT, "nothing written past out_grad[n-1]");
    {
        double v1;
        auroc_soft(s, y, weighted ? w : NULL, n, T, &v1);
        CHECK_CLOSE(v1, v, 0, "auroc_soft value equals auroc_soft_grad value");
    }
    e = SENT;
    st = auroc_exact(s, y, weighted ? w : NULL, n, &e);
    rst = oracle_exact(s, y, weighted ? w : NULL, n, &re);
    CHECK_STATUS(st, rst ? DIFFAUROC_E_ONE_CLASS : DIFFAUROC_OK, "exact status vs oracle");
    if (!rst) {
        if (weighted) CHECK_CLOSE(e, re, 1e-14, "exact AUROC vs weighted oracle");
        else CHECK_CLOSE(e, oracle_exact_rounded(s, y, n), 0, "exact AUROC correctly rounded");
    }
    free(s);
    free(y);
    free(w);
    free(g);
    free(rg);
}

static void test_random(void) {
    static const size_t sizes[] = {2, 3, 7, 31, 100, 257, 1000};
    static const double temps[] = {0.01, 0.3, 1.0, 25.0};
    size_t a, b;
    group = "random vs oracle";
    for (a = 0; a < sizeof sizes / sizeof sizes[0]; a++)
        for (b = 0; b < sizeof temps / sizeof temps[0]; b++) {
            random_case(sizes[a], temps[b], 0, 0, 0.4);
            random_case(sizes[a], temps[b], 1, 1, 0.5);
        }
    random_case(3000, 0.5, 0, 1, 0.3);
    random_case(3000, 0.05, 1, 0, 0.7);
    random_case(2500, 2.0, 0, 0, 0.02); /* few positives */
    if (!under_valgrind) { /* too slow under valgrind */
        /* large n (a library may switch method, or threads, above some size); few
         * positives keep the O(P N) oracle affordable */
        random_case(60000, 0.5, 0, 0, 0.005);
        random_case(60000, 0.02, 1, 1, 0.004);
        random_case(120000, 3.0, 0, 0, 0.001);
    }
}

/* ------------------------------------------------------------------------------------ */
/* Extreme but valid inputs: finite results, never NaN                                    */

static void extreme_case(const double *s, const double *y, const double *w, size_t n,
                         double T, int gradients_finite, const char *what) {
    double v = SENT, g[8], dT = SENT, e = SENT;
    int st;
    char buf[160];
    fill(g, 8, SENT);
    st = auroc_soft_grad(s, y, w, n, T, &v, g, &dT);
    snprintf(buf, sizeof buf, "%s: status OK", what);
    CHECK_STATUS(st, DIFFAUROC_OK, buf);
    snprintf(buf, sizeof buf, "%s: value finite in [0, 1]", what);
    CHECK(isfinite(v) && v >= 0 && v <= 1, buf);
    snprintf(buf, sizeof buf, "%s: gradient and d/dT never NaN", what);
    CHECK(none_nan(g, n) && !isnan(dT), buf);
    if (gradients_finite) {
        snprintf(buf, sizeof buf, "%s: gradient and d/dT finite", what);
        CHECK(all_finite(g, n) && isfinite(dT), buf);
    }
    st = auroc_exact(s, y, w, n, &e);
    snprintf(buf, sizeof buf, "%s: exact finite in [0, 1]", what);
    CHECK(st == DIFFAUROC_OK && isfinite(e) && e >= 0 && e <= 1, buf);
}

static void test_extremes(void) {
    const double y2[2] = {1, 0}, y4[4] = {1, 0, 1, 0};
    double v;
    group = "extremes";
    {
        const double s[2] = {1e308, -1e308}; /* the difference overflows to +inf */
        extreme_case(s, y2, NULL, 2, 1.0, 1, "scores +-1e308, T=1");
        auroc_soft(s, y2, NULL, 2, 1.0, &v);
        CHECK_CLOSE(v, 1.0, 0, "scores +-1e308: soft value 1");
        extreme_case(s, y2, NULL, 2, 1e-300, 1, "scores +-1e308, T=1e-300");
    }
    {
        const double s[2] = {-1.7976931348623157e308, 1.7976931348623157e308};
        extreme_case(s, y2, NULL, 2, 1e300, 1, "scores -+DBL_MAX, T=1e300");
        auroc_soft(s, y2, NULL, 2, 1.0, &v);
        CHECK_CLOSE(v, 0.0, 0, "scores -+DBL_MAX, T=1: soft value 0");
    }
    {
        const double s[2] = {1, 0};
        extreme_case(s, y2, NULL, 2, 1e-300, 1, "gap 1, T=1e-300 (1/T finite)");
        extreme_case(s, y2, NULL, 2, 4.9406564584124654e-324, 0, "gap 1, T = min subnormal");
        extreme_case(s, y2, NULL, 2, 1.7976931348623157e308, 1, "gap 1, T = DBL_MAX");
        auroc_soft(s, y2, NULL, 2, 1e300, &v);
        CHECK_CLOSE(v, 0.5, 1e-15, "T=1e300: soft value 1/2");
    }
    {
        const double s[2] = {1e-320, 0};
        extreme_case(s, y2, NULL, 2, 1e-320, 0, "subnormal gap and T");
    }
    {
        const double s[4] = {5, 5, 5, 5};
        const double w[4] = {1e308, 1e308, 1e308, 1e308};
        const double ws[4] = {4.9406564584124654e-324, 1e308, 1, 1e-300};
        extreme_case(s, y4, w, 4, 1.0, 1, "weights 1e308");
        auroc_soft(s, y4, w, 4, 1.0, &v);
        CHECK_CLOSE(v, 0.5, 1e-15, "all tied, weights 1e308: soft value 1/2");
        extreme_case(s, y4, ws, 4, 1.0, 1, "weights from subnormal to 1e308");
    }
}

/* ------------------------------------------------------------------------------------ */
/* Error and warning statuses, outputs untouched on error                                 */

/* Calls every function on one input and checks its status and its outputs:
 *   error:   every output keeps its sentinel;
 *   warning: value, whole gradient and d/dT are 0 (nothing past n);
 *   ok:      outputs written, finite, value in [0, 1].
 * want_exact == 99 skips auroc_exact (it has no temperature). Inputs must not change. */
#define SKIP_EXACT 99
static void expect_statuses(const double *s, const double *y, const double *w, size_t n,
                            double T, int want_soft, int want_exact, const char *what) {
    double v, dT, g[16], cs[16], cy[16], cw[16];
    int st, with_dt;
    size_t gn = n < 15 ? n : 15; /* only ever called with small n, or huge n and error */
    char buf[192];
    if (n <= 16) {
        if (s) memcpy(cs, s, n * sizeof(double));
        if (y) memcpy(cy, y, n * sizeof(double));
        if (w) memcpy(cw, w, n * sizeof(double));
    }

    v = SENT;
    st = auroc_soft(s, y, w, n, T, &v);
    snprintf(buf, sizeof buf, "auroc_soft: %s", what);
    CHECK_STATUS(st, want_soft, buf);
    if (want_soft < 0) CHECK(v == SENT, "auroc_soft: out_value untouched on error");
    else if (want_soft == DIFFAUROC_W_ONE_CLASS) CHECK(v == 0.0, "auroc_soft: value 0 on one-class warning");
    else CHECK(v >= 0 && v <= 1, "auroc_soft: value in [0, 1]");

    for (with_dt = 1; with_dt >= 0; with_dt--) {
        v = SENT;
        dT = SENT;
        fill(g, 16, SENT);
        st = auroc_soft_grad(s, y, w, n, T, &v, (n > 0 || s) ? g : NULL, with_dt ? &dT : NULL);
        snprintf(buf, sizeof buf, "auroc_soft_grad%s: %s", with_dt ? "" : " (dT NULL)", what);
        CHECK_STATUS(st, want_soft, buf);
        if (want_soft < 0) {
            CHECK(v == SENT && dT == SENT && all_equal(g, 16, SENT),
                  "auroc_soft_grad: value, gradient and d/dT untouched on error");
        } else if (want_soft == DIFFAUROC_W_ONE_CLASS) {
            CHECK(v == 0.0 && all_equal(g, gn, 0.0) && all_equal(g + gn, 16 - gn, SENT) &&
                      (with_dt ? dT == 0.0 : dT == SENT),
                  "auroc_soft_grad: value, every gradient and d/dT are 0 on one-class warning");
        } else {
            CHECK(v >= 0 && v <= 1 && all_finite(g, gn) && all_equal(g + gn, 16 - gn, SENT) &&
                      (with_dt ? isfinite(dT) : dT == SENT),
                  "auroc_soft_grad: outputs written and finite");
        }
    }

    if (want_exact != SKIP_EXACT) {
        v = SENT;
        st = auroc_exact(s, y, w, n, &v);
        snprintf(buf, sizeof buf, "auroc_exact: %s", what);
        CHECK_STATUS(st, want_exact, buf);
        if (want_exact < 0) CHECK(v == SENT, "auroc_exact: out_value untouched on error");
        else CHECK(v >= 0 && v <= 1, "auroc_exact: value in [0, 1]");
    }

    if (n <= 16) {
        CHECK((!s || memcmp(cs, s, n * sizeof(double)) == 0) &&
                  (!y || memcmp(cy, y, n * sizeof(double)) == 0) &&
                  (!w || memcmp(cw, w, n * sizeof(double)) == 0),
              "inputs unchanged");
    }
}

static void test_bad_values(void) {
    static const int positions[] = {0, 2, 3};
    const double bad_scores[] = {NAN, INFINITY, -INFINITY};
    const double bad_labels[] = {2.0, -1.0, 0.5, NAN, INFINITY, -INFINITY, 1.0000000000000002,
                                 4.9406564584124654e-324};
    const double bad_weights[] = {-1.0, -4.9406564584124654e-324, NAN, INFINITY, -INFINITY};
    const double bad_temps[] = {0.0, -0.0, -1.0, -1e-300, NAN, INFINITY, -INFINITY};
    size_t p, k;
    char what[128];

    group = "bad scores";
    for (p = 0; p < 3; p++)
        for (k = 0; k < sizeof bad_scores / sizeof bad_scores[0]; k++) {
            double s[4];
            memcpy(s, S4, sizeof s);
            s[positions[p]] = bad_scores[k];
            snprintf(what, sizeof what, "score %g at index %d", bad_scores[k], positions[p]);
            expect_statuses(s, Y4, NULL, 4, 1.0, DIFFAUROC_E_NONFINITE_SCORE,
                            DIFFAUROC_E_NONFINITE_SCORE, what);
            expect_statuses(s, Y4, W4, 4, 1.0, DIFFAUROC_E_NONFINITE_SCORE,
                            DIFFAUROC_E_NONFINITE_SCORE, what);
        }
    {
        /* a bad score is an error even when its weight is 0 */
        double s[4], w[4] = {1, 1, 0, 1};
        memcpy(s, S4, sizeof s);
        s[2] = NAN;
        expect_statuses(s, Y4, w, 4, 1.0, DIFFAUROC_E_NONFINITE_SCORE,
                        DIFFAUROC_E_NONFINITE_SCORE, "NaN score with weight 0");
    }

    group = "bad labels";
    for (p = 0; p < 3; p++)
        for (k = 0; k < sizeof bad_labels / sizeof bad_labels[0]; k++) {
            double y[4];
            memcpy(y, Y4, sizeof y);
            y[positions[p]] = bad_labels[k];
            snprintf(what, sizeof what, "label %.17g at index %d", bad_labels[k], positions[p]);
            expect_statuses(S4, y, NULL, 4, 1.0, DIFFAUROC_E_BAD_LABEL, DIFFAUROC_E_BAD_LABEL,
                            what);
            expect_statuses(S4, y, W4, 4, 1.0, DIFFAUROC_E_BAD_LABEL, DIFFAUROC_E_BAD_LABEL,
                            what);
        }
    {
        double y[4] = {0, 0, 2, 1}, w[4] = {1, 1, 0, 1};
        expect_statuses(S4, y, w, 4, 1.0, DIFFAUROC_E_BAD_LABEL, DIFFAUROC_E_BAD_LABEL,
                        "label 2 with weight 0 (padding is weight 0, not a label)");
    }

    group = "bad weights";
    for (p = 0; p < 3; p++)
        for (k = 0; k < sizeof bad_weights / sizeof bad_weights[0]; k++) {
            double w[4];
            memcpy(w, W4, sizeof w);
            w[positions[p]] = bad_weights[k];
            snprintf(what, sizeof what, "weight %g at index %d", bad_weights[k], positions[p]);
            expect_statuses(S4, Y4, w, 4, 1.0, DIFFAUROC_E_BAD_WEIGHT, DIFFAUROC_E_BAD_WEIGHT,
                            what);
        }

    group = "bad temperature";
    for (k = 0; k < sizeof bad_temps / sizeof bad_temps[0]; k++) {
        snprintf(what, sizeof what, "temperature %g", bad_temps[k]);
        expect_statuses(S4, Y4, NULL, 4, bad_temps[k], DIFFAUROC_E_BAD_TEMPERATURE, SKIP_EXACT,
                        what);
        expect_statuses(S4, Y4, W4, 4, bad_temps[k], DIFFAUROC_E_BAD_TEMPERATURE, SKIP_EXACT,
                        what);
    }
    {
        /* an error, not the one-class warning, even when there is no pair or no sample */
        const double y1[4] = {1, 1, 1, 1};
        expect_statuses(S4, y1, NULL, 4, 0.0, DIFFAUROC_E_BAD_TEMPERATURE, SKIP_EXACT,
                        "temperature 0 with one class");
        expect_statuses(NULL, NULL, NULL, 0, NAN, DIFFAUROC_E_BAD_TEMPERATURE, SKIP_EXACT,
                        "temperature NaN with n = 0");
    }
    {
        /* valid: tiny positive temperatures */
        expect_statuses(S4, Y4, NULL, 4, 4.9406564584124654e-324, DIFFAUROC_OK, SKIP_EXACT,
                        "temperature = smallest subnormal is valid");
    }
}

static void test_one_class(void) {
    const double all1[4] = {1, 1, 1, 1}, all0[4] = {0, 0, 0, 0};
    const double w_no_pos[4] = {1, 1, 0, 0}, w_no_neg[4] = {0, 0, 1, 1}, w_zero[4] = {0, 0, 0, 0};
    const double s1[1] = {0.5}, y1[1] = {1};
    group = "one class";
    expect_statuses(S4, all1, NULL, 4, 1.0, DIFFAUROC_W_ONE_CLASS, DIFFAUROC_E_ONE_CLASS,
                    "all labels 1");
    expect_statuses(S4, all0, NULL, 4, 1.0, DIFFAUROC_W_ONE_CLASS, DIFFAUROC_E_ONE_CLASS,
                    "all labels 0");
    expect_statuses(S4, all0, W4, 4, 1.0, DIFFAUROC_W_ONE_CLASS, DIFFAUROC_E_ONE_CLASS,
                    "all labels 0, weighted");
    expect_statuses(S4, Y4, w_no_pos, 4, 1.0, DIFFAUROC_W_ONE_CLASS, DIFFAUROC_E_ONE_CLASS,
                    "every positive has weight 0");
    expect_statuses(S4, Y4, w_no_neg, 4, 1.0, DIFFAUROC_W_ONE_CLASS, DIFFAUROC_E_ONE_CLASS,
                    "every negative has weight 0");
    expect_statuses(S4, Y4, w_zero, 4, 1.0, DIFFAUROC_W_ONE_CLASS, DIFFAUROC_E_ONE_CLASS,
                    "all weights zero");
    expect_statuses(s1, y1, NULL, 1, 1.0, DIFFAUROC_W_ONE_CLASS, DIFFAUROC_E_ONE_CLASS,
                    "n = 1");
    group = "n = 0";
    expect_statuses(NULL, NULL, NULL, 0, 1.0, DIFFAUROC_W_ONE_CLASS, DIFFAUROC_E_ONE_CLASS,
                    "n = 0, every input pointer NULL");
    {
        /* non-NULL pointers to invalid data: n == 0 means nothing is read */
        const double junk[1] = {NAN};
        expect_statuses(junk, junk, junk, 0, 1.0, DIFFAUROC_W_ONE_CLASS, DIFFAUROC_E_ONE_CLASS,
                        "n = 0, pointers to NaN (must not be read)");
    }
}

static void test_null_pointers(void) {
    double v, g[5], dT;
    int st;
    group = "NULL pointers";
    expect_statuses(NULL, Y4, NULL, 4, 1.0, DIFFAUROC_E_NULL_POINTER, DIFFAUROC_E_NULL_POINTER,
                    "scores NULL, n = 4");
    expect_statuses(S4, NULL, NULL, 4, 1.0, DIFFAUROC_E_NULL_POINTER, DIFFAUROC_E_NULL_POINTER,
                    "labels NULL, n = 4");
    expect_statuses(NULL, NULL, W4, 4, 1.0, DIFFAUROC_E_NULL_POINTER, DIFFAUROC_E_NULL_POINTER,
                    "scores and labels NULL, n = 4");
    expect_statuses(NULL, Y4, W4, 1, 1.0, DIFFAUROC_E_NULL_POINTER, DIFFAUROC_E_NULL_POINTER,
                    "scores NULL, n = 1");

    /* out_value NULL: every function, every n */
    CHECK_STATUS(auroc_soft(S4, Y4, NULL, 4, 1.0, NULL), DIFFAUROC_E_NULL_POINTER,
                 "auroc_soft: out_value NULL");
    CHECK_STATUS(auroc_soft(NULL, NULL, NULL, 0, 1.0, NULL), DIFFAUROC_E_NULL_POINTER,
                 "auroc_soft: out_value NULL, n = 0");
    CHECK_STATUS(auroc_exact(S4, Y4, W4, 4, NULL), DIFFAUROC_E_NULL_POINTER,
                 "auroc_exact: out_value NULL");
    CHECK_STATUS(auroc_exact(NULL, NULL, NULL, 0, NULL), DIFFAUROC_E_NULL_POINTER,
                 "auroc_exact: out_value NULL, n = 0");
    fill(g, 5, SENT);
    dT = SENT;
    st = auroc_soft_grad(S4, Y4, NULL, 4, 1.0, NULL, g, &dT);
    CHECK_STATUS(st, DIFFAUROC_E_NULL_POINTER, "auroc_soft_grad: out_value NULL");
    CHECK(all_equal(g, 5, SENT) && dT == SENT, "auroc_soft_grad: gradient and d/dT untouched");
    dT = SENT;
    st = auroc_soft_grad(NULL, NULL, NULL, 0, 1.0, NULL, NULL, &dT);
    CHECK_STATUS(st, DIFFAUROC_E_NULL_POINTER, "auroc_soft_grad: out_value NULL, n = 0");
    CHECK(dT == SENT, "auroc_soft_grad: d/dT untouched");

    /* out_grad NULL with n > 0 (also one-class and bad-temperature data: NULL wins or not,
     * outputs stay untouched either way, so only the n > 0 valid case fixes the code) */
    v = SENT;
    dT = SENT;
    st = auroc_soft_grad(S4, Y4, NULL, 4, 1.0, &v, NULL, &dT);
    CHECK_STATUS(st, DIFFAUROC_E_NULL_POINTER, "auroc_soft_grad: out_grad NULL, n = 4");
    CHECK(v == SENT && dT == SENT, "auroc_soft_grad: value and d/dT untouched");
    v = SENT;
    st = auroc_soft_grad(S4, Y4, W4, 4, 1.0, &v, NULL, NULL);
    CHECK_STATUS(st, DIFFAUROC_E_NULL_POINTER, "auroc_soft_grad: out_grad and dT NULL, n = 4");
    CHECK(v == SENT, "auroc_soft_grad: value untouched");
    v = SENT;
    st = auroc_soft_grad(S4, (const double[4]){1, 1, 1, 1}, NULL, 4, 1.0, &v, NULL, NULL);
    CHECK_STATUS(st, DIFFAUROC_E_NULL_POINTER, "auroc_soft_grad: out_grad NULL, one class");
    CHECK(v == SENT, "auroc_soft_grad: value untouched");
    /* out_grad NULL with n == 0 is fine */
    v = SENT;
    dT = SENT;
    st = auroc_soft_grad(S4, Y4, NULL, 0, 1.0, &v, NULL, &dT);
    CHECK_STATUS(st, DIFFAUROC_W_ONE_CLASS, "auroc_soft_grad: out_grad NULL, n = 0");
    CHECK(v == 0.0 && dT == 0.0, "auroc_soft_grad: value and d/dT 0 for n = 0");
}

static void test_too_large(void) {
    /* Arrays of 4 doubles passed with an impossible n: no array of SIZE_MAX / 8 + 1 doubles
     * can exist, so the only correct answer is DIFFAUROC_E_TOO_LARGE, before reading. The
     * first score is NaN so that a library reading first fails this test instead of
     * crashing it. */
    const size_t huge[] = {SIZE_MAX, SIZE_MAX / 2 + 1, SIZE_MAX / 8 + 1};
    double s[4] = {NAN, 0.4, 0.35, 0.8};
    size_t k;
    group = "n too large";
    for (k = 0; k < 3; k++) {
        char what[96];
        snprintf(what, sizeof what, "n = %zu", huge[k]);
        expect_statuses(s, Y4, NULL, huge[k], 1.0, DIFFAUROC_E_TOO_LARGE, DIFFAUROC_E_TOO_LARGE,
                        what);
        expect_statuses(s, Y4, W4, huge[k], 1.0, DIFFAUROC_E_TOO_LARGE, DIFFAUROC_E_TOO_LARGE,
                        what);
        /* the size is checked first, before the pointers (header: "Checks run in this
         * order"): a NULL output or input with an impossible n is E_TOO_LARGE too */
        snprintf(what, sizeof what, "n = %zu, out_value NULL: size first", huge[k]);
        CHECK_STATUS(auroc_exact(s, Y4, NULL, huge[k], NULL), DIFFAUROC_E_TOO_LARGE, what);
        CHECK_STATUS(auroc_soft(s, Y4, NULL, huge[k], 1.0, NULL), DIFFAUROC_E_TOO_LARGE, what);
        CHECK_STATUS(auroc_soft_grad(s, Y4, NULL, huge[k], 1.0, NULL, NULL, NULL),
                     DIFFAUROC_E_TOO_LARGE, what);
        CHECK_STATUS(auroc_exact_f32(NULL, NULL, NULL, huge[k], NULL), DIFFAUROC_E_TOO_LARGE,
                     what);
        snprintf(what, sizeof what, "n = %zu, out_grad NULL: size first", huge[k]);
        {
            double v = SENT;
            CHECK_STATUS(auroc_soft_grad(s, Y4, NULL, huge[k], 1.0, &v, NULL, NULL),
                         DIFFAUROC_E_TOO_LARGE, what);
        }
        snprintf(what, sizeof what, "n = %zu, every pointer NULL: size first", huge[k]);
        CHECK_STATUS(auroc_exact(NULL, NULL, NULL, huge[k], NULL), DIFFAUROC_E_TOO_LARGE, what);
        CHECK_STATUS(auroc_soft(NULL, NULL, NULL, huge[k], NAN, NULL), DIFFAUROC_E_TOO_LARGE,
                     what);
        CHECK_STATUS(auroc_soft_grad_batch(NULL, NULL, NULL, 1, huge[k], NULL, 0, NULL, NULL,
                                           NULL, NULL),
                     DIFFAUROC_E_TOO_LARGE, what);
        CHECK_STATUS(auroc_exact_batch(NULL, NULL, NULL, 1, huge[k], NULL, NULL),
                     DIFFAUROC_E_TOO_LARGE, what);
    }
}

/* ------------------------------------------------------------------------------------ */
/* No access past index n - 1: arrays that end where an inaccessible page begins          */

typedef struct {
    void *base;
    size_t length;
} mapping;

/* `bytes` bytes ending exactly at a PROT_NONE page (NULL if mmap is unavailable). */
static void *guarded_bytes(size_t bytes, mapping *m) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t pages = (bytes + page - 1) / page + 1;
    char *base = (char *)mmap(NULL, pages * page, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == (char *)MAP_FAILED) return NULL;
    if (mprotect(base + (pages - 1) * page, page, PROT_NONE) != 0) {
        munmap(base, pages * page);
        return NULL;
    }
    m->base = base;
    m->length = pages * page;
    return base + (pages - 1) * page - bytes;
}

static double *guarded_doubles(size_t n, mapping *m) {
    return (double *)guarded_bytes(n * sizeof(double), m);
}

static void test_guard_pages(void) {
    enum { N = 37 };
    mapping ms, my, mw, mg;
    double *s = guarded_doubles(N, &ms), *y = guarded_doubles(N, &my);
    double *w = guarded_doubles(N, &mw), *g = guarded_doubles(N, &mg);
    double v, dT;
    size_t i;
    group = "guard pages";
    if (!s || !y || !w || !g) {
        printf("SKIP guard pages: mmap/mprotect unavailable\n");
        return;
    }
    for (i = 0; i < N; i++) {
        s[i] = rng_uniform();
        y[i] = (double)(i % 2);
        w[i] = 1 + rng_uniform();
    }
    /* A read or write past the end would be SIGSEGV: these only return if they are in
     * bounds. */
    CHECK_STATUS(auroc_soft(s, y, w, N, 0.5, &v), DIFFAUROC_OK, "auroc_soft reads only n");
    CHECK_STATUS(auroc_soft_grad(s, y, w, N, 0.5, &v, g, &dT), DIFFAUROC_OK,
                 "auroc_soft_grad reads and writes only n");
    CHECK_STATUS(auroc_exact(s, y, w, N, &v), DIFFAUROC_OK, "auroc_exact reads only n");
    CHECK_STATUS(auroc_exact(s, y, NULL, N, &v), DIFFAUROC_OK, "auroc_exact unweighted");
    /* error paths scan too: the last element is the bad one */
    s[N - 1] = NAN;
    CHECK_STATUS(auroc_soft(s, y, w, N, 0.5, &v), DIFFAUROC_E_NONFINITE_SCORE,
                 "bad last score found, nothing read past it");
    munmap(ms.base, ms.length);
    munmap(my.base, my.length);
    munmap(mw.base, mw.length);
    munmap(mg.base, mg.length);
}

/* ------------------------------------------------------------------------------------ */
/* diffauroc_find_invalid: the index of the first bad sample                              */

#define INDEX_SENT ((size_t)0xDEADBEEFu)

/* The header's rules, written out independently: the first index whose score is not
 * finite, or whose label is not exactly 0 or 1, or whose weight (if any) is not finite
 * and >= 0, with the score checked before the label before the weight. */
static int oracle_first_invalid(const double *s, const double *y, const double *w, size_t n,
                                size_t *index) {
    size_t i;
    for (i = 0; i < n; i++) {
        int st = DIFFAUROC_OK;
        if (!isfinite(s[i])) st = DIFFAUROC_E_NONFINITE_SCORE;
        else if (!(y[i] == 0.0 || y[i] == 1.0)) st = DIFFAUROC_E_BAD_LABEL;
        else if (w && !(isfinite(w[i]) && w[i] >= 0.0)) st = DIFFAUROC_E_BAD_WEIGHT;
        if (st != DIFFAUROC_OK) {
            *index = i;
            return st;
        }
    }
    return DIFFAUROC_OK;
}

/* find_invalid (double and float32) against the oracle, and against the status every
 * computing function returns on the same arrays. */
static void find_invalid_case(const double *s, const double *y, const double *w, size_t n,
                              const char *what) {
    size_t want_index = INDEX_SENT, got_index = INDEX_SENT, got32 = INDEX_SENT, i;
    int want = oracle_first_invalid(s, y, w, n, &want_index);
    int got = diffauroc_find_invalid(s, y, w, n, &got_index);
    double v = SENT, *g = xmalloc_doubles(n);
    float *s32 = (float *)malloc((n ? n : 1) * sizeof(float));
    float *y32 = (float *)malloc((n ? n : 1) * sizeof(float));
    float *w32 = (float *)malloc((n ? n : 1) * sizeof(float));
    char buf[256];
    int st32;
    if (!s32 || !y32 || !w32) {
        fprintf(stderr, "test_link: out of memory\n");
        exit(2);
    }
    snprintf(buf, sizeof buf, "diffauroc_find_invalid: %s", what);
    CHECK_STATUS(got, want, buf);
    snprintf(buf, sizeof buf, "diffauroc_find_invalid: %s: index %zu, expected %zu", what,
             got_index, want_index);
    CHECK(got_index == want_index, buf);
    /* every computing function reports the same status (samples are checked first) */
    snprintf(buf, sizeof buf, "auroc_soft agrees with diffauroc_find_invalid: %s", what);
    if (want != DIFFAUROC_OK) {
        CHECK_STATUS(auroc_soft(s, y, w, n, 1.0, &v), want, buf);
        CHECK_STATUS(auroc_soft_grad(s, y, w, n, 1.0, &v, g, NULL), want,
                     "auroc_soft_grad agrees with diffauroc_find_invalid");
        CHECK_STATUS(auroc_exact(s, y, w, n, &v), want,
                     "auroc_exact agrees with diffauroc_find_invalid");
        CHECK(v == SENT, "no value written");
    }
    /* float32: the same values, where they are exactly representable (the callers below
     * use only such values) */
    for (i = 0; i < n; i++) {
        s32[i] = (float)s[i];
        y32[i] = (float)y[i];
        w32[i] = w ? (float)w[i] : 1.0f;
    }
    st32 = diffauroc_find_invalid_f32(s32, y32, w ? w32 : NULL, n, &got32);
    snprintf(buf, sizeof buf, "diffauroc_find_invalid_f32: %s", what);
    CHECK_STATUS(st32, want, buf);
    snprintf(buf, sizeof buf, "diffauroc_find_invalid_f32: %s: index %zu, expected %zu", what,
             got32, want_index);
    CHECK(got32 == want_index, buf);
    if (want != DIFFAUROC_OK) {
        v = SENT;
        CHECK_STATUS(auroc_exact_f32(s32, y32, w ? w32 : NULL, n, &v), want,
                     "auroc_exact_f32 agrees with diffauroc_find_invalid_f32");
    }
    free(g);
    free(s32);
    free(y32);
    free(w32);
}

static void test_find_invalid(void) {
    /* positions at and around the 1024-sample blocks of the library's scan */
    static const size_t positions[] = {0, 1, 1022, 1023, 1024, 1025, 2047, 2048, 2999};
    const double bad_scores[] = {NAN, INFINITY, -INFINITY};
    const double bad_labels[] = {2.0, -1.0, 0.5, NAN, INFINITY, 1.0000000000000002,
                                 4.9406564584124654e-324};
    const double bad_weights[] = {-1.0, -4.9406564584124654e-324, NAN, INFINITY, -INFINITY};
    enum { N = 3000 };
    double *s = xmalloc_doubles(N), *y = xmalloc_doubles(N), *w = xmalloc_doubles(N);
    size_t p, k, i, idx;
    int round;
    char what[160];
    group = "find invalid";

    for (i = 0; i < N; i++) {
        s[i] = (double)((i * 7919u) % 4093u) / 4093.0;
        y[i] = (double)(i % 3 == 0);
        w[i] = (double)(i % 5);
    }
    find_invalid_case(s, y, NULL, N, "valid, unweighted");
    find_invalid_case(s, y, w, N, "valid, weighted (weight 0 included)");
    idx = INDEX_SENT;
    CHECK_STATUS(diffauroc_find_invalid(s, y, w, N, &idx), DIFFAUROC_OK, "valid -> OK");
    CHECK(idx == INDEX_SENT, "valid: out_index not written");

    for (p = 0; p < sizeof positions / sizeof positions[0]; p++) {
        size_t at = positions[p];
        for (k = 0; k < sizeof bad_scores / sizeof bad_scores[0]; k++) {
            double keep = s[at];
            s[at] = bad_scores[k];
            snprintf(what, sizeof what, "score %g at %zu", bad_scores[k], at);
            find_invalid_case(s, y, w, N, what);
            find_invalid_case(s, y, NULL, N, what);
            s[at] = keep;
        }
        for (k = 0; k < sizeof bad_labels / sizeof bad_labels[0]; k++) {
            double keep = y[at];
            y[at] = bad_labels[k];
            snprintf(what, sizeof what, "label %.17g at %zu", bad_labels[k], at);
            /* float32 cannot hold every bad label exactly: the double checks only */
            if (bad_labels[k] == 1.0000000000000002 || bad_labels[k] == 4.9406564584124654e-324) {
                size_t got = INDEX_SENT;
                CHECK_STATUS(diffauroc_find_invalid(s, y, w, N, &got), DIFFAUROC_E_BAD_LABEL,
                             what);
                CHECK(got == at, what);
            } else {
                find_invalid_case(s, y, w, N, what);
            }
            y[at] = keep;
        }
        for (k = 0; k < sizeof bad_weights / sizeof bad_weights[0]; k++) {
            double keep = w[at];
            w[at] = bad_weights[k];
            snprintf(what, sizeof what, "weight %g at %zu", bad_weights[k], at);
            if (bad_weights[k] == -4.9406564584124654e-324) {
                size_t got = INDEX_SENT;
                CHECK_STATUS(diffauroc_find_invalid(s, y, w, N, &got), DIFFAUROC_E_BAD_WEIGHT,
                             what);
                CHECK(got == at, what);
                /* without weights nothing is wrong */
                got = INDEX_SENT;
                CHECK_STATUS(diffauroc_find_invalid(s, y, NULL, N, &got), DIFFAUROC_OK,
                             "weights NULL: no weight checked");
            } else {
                find_invalid_case(s, y, w, N, what);
                find_invalid_case(s, y, NULL, N, what);
            }
            w[at] = keep;
        }
    }

    /* several bad samples: the lowest index wins; at one index score, label, weight */
    s[2000] = NAN;
    y[1500] = 7;
    w[1024] = -2;
    find_invalid_case(s, y, w, N, "weight at 1024 before label at 1500 before score at 2000");
    find_invalid_case(s, y, NULL, N, "unweighted: label at 1500 before score at 2000");
    s[1024] = INFINITY;
    y[1024] = 3;
    find_invalid_case(s, y, w, N, "score, label and weight bad at 1024: the score");
    s[1024] = 0.5;
    find_invalid_case(s, y, w, N, "label and weight bad at 1024: the label");
    s[2000] = 0.25;
    y[1500] = 1;
    w[1024] = 1;
    y[1024] = 0;

    /* random arrays with a few random bad values anywhere */
    for (round = 0; round < 200; round++) {
        size_t n = 1 + (size_t)(rng_next() % N), nbad = rng_next() % 4, b;
        for (i = 0; i < n; i++) {
            s[i] = (double)(int)(rng_next() % 1000) / 8.0;
            y[i] = (double)(rng_next() & 1);
            w[i] = (double)(rng_next() % 4);
        }
        for (b = 0; b < nbad; b++) {
            size_t at = (size_t)(rng_next() % n);
            switch (rng_next() % 3) {
            case 0: s[at] = NAN; break;
            case 1: y[at] = 0.5; break;
            default: w[at] = -1; break;
            }
        }
        snprintf(what, sizeof what, "random round %d (n = %zu, %zu bad)", round, n, nbad);
        find_invalid_case(s, y, (round & 1) ? w : NULL, n, what);
    }

    /* the order of the checks before the samples: size, then pointers */
    idx = INDEX_SENT;
    CHECK_STATUS(diffauroc_find_invalid(NULL, NULL, NULL, 0, &idx), DIFFAUROC_OK,
                 "n = 0, NULL arrays: OK");
    CHECK_STATUS(diffauroc_find_invalid_f32(NULL, NULL, NULL, 0, &idx), DIFFAUROC_OK,
                 "f32: n = 0, NULL arrays: OK");
    CHECK(idx == INDEX_SENT, "n = 0: out_index not written");
    CHECK_STATUS(diffauroc_find_invalid(s, y, w, 4, NULL), DIFFAUROC_E_NULL_POINTER,
                 "out_index NULL");
    CHECK_STATUS(diffauroc_find_invalid(NULL, NULL, NULL, 0, NULL), DIFFAUROC_E_NULL_POINTER,
                 "out_index NULL, n = 0");
    CHECK_STATUS(diffauroc_find_invalid_f32(NULL, NULL, NULL, 0, NULL), DIFFAUROC_E_NULL_POINTER,
                 "f32: out_index NULL, n = 0");
    CHECK_STATUS(diffauroc_find_invalid(NULL, y, w, 4, &idx), DIFFAUROC_E_NULL_POINTER,
                 "scores NULL, n = 4");
    CHECK_STATUS(diffauroc_find_invalid(s, NULL, w, 4, &idx), DIFFAUROC_E_NULL_POINTER,
                 "labels NULL, n = 4");
    CHECK_STATUS(diffauroc_find_invalid_f32(NULL, NULL, NULL, 1, &idx), DIFFAUROC_E_NULL_POINTER,
                 "f32: scores and labels NULL, n = 1");
    CHECK(idx == INDEX_SENT, "pointer errors: out_index not written");
    {
        const size_t huge[] = {SIZE_MAX, SIZE_MAX / 2 + 1, SIZE_MAX / 8 + 1, SIZE_MAX / 32 + 1};
        double bad[4] = {NAN, NAN, NAN, NAN};
        float bad32[4] = {NAN, NAN, NAN, NAN};
        for (k = 0; k < sizeof huge / sizeof huge[0]; k++) {
            snprintf(what, sizeof what, "n = %zu: E_TOO_LARGE before reading", huge[k]);
            CHECK_STATUS(diffauroc_find_invalid(bad, bad, bad, huge[k], &idx),
                         DIFFAUROC_E_TOO_LARGE, what);
            CHECK_STATUS(diffauroc_find_invalid_f32(bad32, bad32, bad32, huge[k], &idx),
                         DIFFAUROC_E_TOO_LARGE, what);
            snprintf(what, sizeof what, "n = %zu, every pointer NULL: E_TOO_LARGE (size first)",
                     huge[k]);
            CHECK_STATUS(diffauroc_find_invalid(NULL, NULL, NULL, huge[k], NULL),
                         DIFFAUROC_E_TOO_LARGE, what);
            CHECK_STATUS(diffauroc_find_invalid_f32(NULL, NULL, NULL, huge[k], NULL),
                         DIFFAUROC_E_TOO_LARGE, what);
            /* the same limit as the computing functions */
            CHECK_STATUS(auroc_exact(bad, bad, bad, huge[k], &s[0]), DIFFAUROC_E_TOO_LARGE,
                         "auroc_exact has the same size limit");
        }
        CHECK(idx == INDEX_SENT, "E_TOO_LARGE: out_index not written");
    }

    /* float32 specifics: a subnormal float label is bad, a subnormal weight is valid */
    {
        float fs[3] = {0.5f, 0.25f, 1.0f}, fy[3] = {1.0f, 0.0f, 1.0f}, fw[3] = {1.0f, 1.0f, 1.0f};
        fw[1] = 1e-45f;
        idx = INDEX_SENT;
        CHECK_STATUS(diffauroc_find_invalid_f32(fs, fy, fw, 3, &idx), DIFFAUROC_OK,
                     "f32: subnormal weight valid");
        fy[2] = 1e-45f;
        CHECK_STATUS(diffauroc_find_invalid_f32(fs, fy, fw, 3, &idx), DIFFAUROC_E_BAD_LABEL,
                     "f32: subnormal label is bad");
        CHECK(idx == 2, "f32: ... at index 2");
        fw[0] = -0.0f;
        fy[2] = 1.0f;
        idx = INDEX_SENT;
        CHECK_STATUS(diffauroc_find_invalid_f32(fs, fy, fw, 3, &idx), DIFFAUROC_OK,
                     "f32: weight -0.0 valid (>= 0)");
    }

    /* no read past n - 1: a bad value just past the end is not seen, the last one is */
    {
        mapping ms, my, mw;
        enum { G = 1037 };
        double *gs = guarded_doubles(G, &ms), *gy = guarded_doubles(G, &my);
        double *gw = guarded_doubles(G, &mw);
        if (gs && gy && gw) {
            for (i = 0; i < G; i++) {
                gs[i] = (double)i;
                gy[i] = (double)(i & 1);
                gw[i] = 1.0;
            }
            idx = INDEX_SENT;
            CHECK_STATUS(diffauroc_find_invalid(gs, gy, gw, G, &idx), DIFFAUROC_OK,
                         "guard pages: valid, reads only n");
            gw[G - 1] = -1;
            CHECK_STATUS(diffauroc_find_invalid(gs, gy, gw, G, &idx), DIFFAUROC_E_BAD_WEIGHT,
                         "guard pages: last weight bad");
            CHECK(idx == G - 1, "guard pages: index n - 1");
            munmap(ms.base, ms.length);
            munmap(my.base, my.length);
            munmap(mw.base, mw.length);
        } else {
            printf("SKIP find invalid guard pages: mmap/mprotect unavailable\n");
        }
    }
    free(s);
    free(y);
    free(w);
}

/* ------------------------------------------------------------------------------------ */
/* Batched entry points                                                                   */

#define BB 4 /* rows */
#define BN 6 /* samples per row */
#define STATUS_SENT (-999)

static double bs[BB * BN], by[BB * BN], bw[BB * BN];

static void batch_data(void) {
    size_t i;
    for (i = 0; i < BB * BN; i++) {
        bs[i] = floor(rng_uniform() * 16) / 8; /* ties within rows */
        by[i] = (double)(i % 2 == 0);
        bw[i] = (i % 5 == 3) ? 0.0 : 0.5 + rng_uniform();
    }
}

static void fill_int(int *a, size_t n, int v) {
    size_t i;
    for (i = 0; i < n; i++) a[i] = v;
}

static int all_int(const int *a, size_t n, int v) {
    size_t i;
    for (i = 0; i < n; i++)
        if (a[i] != v) return 0;
    return 1;
}

/* auroc_soft_grad_batch against auroc_soft_grad row by row, bit for bit. */
static void soft_batch_vs_single(const double *s, const double *y, const double *w,
                                 const double *temps, size_t stride, int with_grads,
                                 int with_dt, int with_status, const char *what) {
    double v[BB + 1], g[BB * BN + 1], dT[BB + 1];
    int st[BB + 1], ret, want_ret = DIFFAUROC_OK;
    size_t b;
    char buf[192];
    fill(v, BB + 1, SENT);
    fill(g, BB * BN + 1, SENT);
    fill(dT, BB + 1, SENT);
    fill_int(st, BB + 1, STATUS_SENT);
    ret = auroc_soft_grad_batch(s, y, w, BB, BN, temps, stride, v, with_grads ? g : NULL,
                                with_dt ? dT : NULL, with_status ? st : NULL);
    for (b = 0; b < BB; b++) {
        double rv = SENT, rg[BN], rdT = SENT;
        int rst = auroc_soft_grad(s + b * BN, y + b * BN, w ? w + b * BN : NULL, BN,
                                  temps[b * stride], &rv, rg, &rdT);
        if (rst == DIFFAUROC_W_ONE_CLASS) want_ret = DIFFAUROC_W_ONE_CLASS;
        snprintf(buf, sizeof buf, "%s: row %zu value == auroc_soft_grad's", what, b);
        CHECK_CLOSE(v[b], rv, 0, buf);
        if (with_grads) {
            snprintf(buf, sizeof buf, "%s: row %zu gradient == auroc_soft_grad's", what, b);
            CHECK(memcmp(g + b * BN, rg, sizeof rg) == 0, buf);
        }
        if (with_dt) {
            snprintf(buf, sizeof buf, "%s: row %zu d/dT == auroc_soft_grad's", what, b);
            CHECK_CLOSE(dT[b], rdT, 0, buf);
        }
        if (with_status) {
            snprintf(buf, sizeof buf, "%s: out_status[%zu] == auroc_soft_grad's status", what, b);
            CHECK_STATUS(st[b], rst, buf);
        }
    }
    snprintf(buf, sizeof buf, "%s: return value", what);
    CHECK_STATUS(ret, want_ret, buf);
    snprintf(buf, sizeof buf, "%s: nothing written past the outputs (or to unrequested ones)",
             what);
    CHECK(v[BB] == SENT && g[BB * BN] == SENT && dT[BB] == SENT && st[BB] == STATUS_SENT &&
              (with_grads || all_equal(g, BB * BN, SENT)) &&
              (with_dt || all_equal(dT, BB, SENT)) && (with_status || all_int(st, BB, STATUS_SENT)),
          buf);
}

/* An erroring batch call: return `want`, per-row statuses `want_st` (NULL: out_status must
 * be untouched, as for call-level errors), and no value, gradient or d/dT written. */
static void soft_batch_error(const double *s, const double *y, const double *w, size_t batch,
                             size_t n, const double *temps, size_t stride, int grads, int dts,
                             int want, const int *want_st, const char *what) {
    double v[BB], g[BB * BN], dT[BB];
    int st[BB], ret;
    size_t b;
    char buf[192];
    fill(v, BB, SENT);
    fill(g, BB * BN, SENT);
    fill(dT, BB, SENT);
    fill_int(st, BB, STATUS_SENT);
    ret = auroc_soft_grad_batch(s, y, w, batch, n, temps, stride, v, grads ? g : NULL,
                                dts ? dT : NULL, st);
    snprintf(buf, sizeof buf, "auroc_soft_grad_batch: %s", what);
    CHECK_STATUS(ret, want, buf);
    snprintf(buf, sizeof buf, "auroc_soft_grad_batch: %s: no value, gradient or d/dT written",
             what);
    CHECK(all_equal(v, BB, SENT) && all_equal(g, BB * BN, SENT) && all_equal(dT, BB, SENT), buf);
    if (want_st) {
        for (b = 0; b < batch && b < BB; b++) {
            snprintf(buf, sizeof buf, "auroc_soft_grad_batch: %s: out_status[%zu]", what, b);
            CHECK_STATUS(st[b], want_st[b], buf);
        }
    } else {
        snprintf(buf, sizeof buf, "auroc_soft_grad_batch: %s: out_status untouched", what);
        CHECK(all_int(st, BB, STATUS_SENT), buf);
    }
}

static void exact_batch_error(const double *s, const double *y, const double *w, size_t batch,
                              size_t n, int want, const int *want_st, const char *what) {
    double v[BB];
    int st[BB], ret;
    size_t b;
    char buf[192];
    fill(v, BB, SENT);
    fill_int(st, BB, STATUS_SENT);
    ret = auroc_exact_batch(s, y, w, batch, n, v, st);
    snprintf(buf, sizeof buf, "auroc_exact_batch: %s", what);
    CHECK_STATUS(ret, want, buf);
    snprintf(buf, sizeof buf, "auroc_exact_batch: %s: no value written", what);
    CHECK(all_equal(v, BB, SENT), buf);
    if (want_st) {
        for (b = 0; b < batch && b < BB; b++) {
            snprintf(buf, sizeof buf, "auroc_exact_batch: %s: out_status[%zu]", what, b);
            CHECK_STATUS(st[b], want_st[b], buf);
        }
    } else {
        snprintf(buf, sizeof buf, "auroc_exact_batch: %s: out_status untouched", what);
        CHECK(all_int(st, BB, STATUS_SENT), buf);
    }
}

static void test_soft_batch(void) {
    const double temps[BB] = {0.3, 1.0, 2.5, 0.05}, shared[1] = {0.7};
    double y1[BB * BN], s2[BB * BN];
    size_t i;
    group = "soft batch";
    batch_data();
    soft_batch_vs_single(bs, by, NULL, temps, 1, 1, 1, 1, "per-row T, no weights");
    soft_batch_vs_single(bs, by, bw, temps, 1, 1, 1, 1, "per-row T, weights");
    soft_batch_vs_single(bs, by, bw, shared, 0, 1, 1, 1, "shared T (stride 0)");
    soft_batch_vs_single(bs, by, bw, temps, 1, 0, 0, 1, "values only (out_grads NULL)");
    soft_batch_vs_single(bs, by, NULL, temps, 1, 1, 0, 1, "out_dtemperatures NULL");
    soft_batch_vs_single(bs, by, bw, temps, 1, 1, 1, 0, "out_status NULL");
    /* a one-class row: warning, that row all 0, the others computed */
    memcpy(y1, by, sizeof y1);
    for (i = 2 * BN; i < 3 * BN; i++) y1[i] = 1.0;
    soft_batch_vs_single(bs, y1, bw, temps, 1, 1, 1, 1, "row 2 one class");
    {
        double w0[BB * BN];
        memcpy(w0, bw, sizeof w0);
        for (i = BN; i < 2 * BN; i++) w0[i] = 0.0;
        soft_batch_vs_single(bs, by, w0, temps, 1, 1, 1, 1, "row 1 all weights 0");
    }

    /* invalid rows: every row validated, lowest invalid row's code returned, nothing
     * computed anywhere */
    {
        double y2[BB * BN];
        const int want[BB] = {0, DIFFAUROC_E_BAD_LABEL, 0, DIFFAUROC_E_NONFINITE_SCORE};
        memcpy(y2, by, sizeof y2);
        memcpy(s2, bs, sizeof s2);
        y2[BN + 3] = 2.0;
        s2[3 * BN + 5] = NAN;
        soft_batch_error(s2, y2, NULL, BB, BN, temps, 1, 1, 1, DIFFAUROC_E_BAD_LABEL, want,
                         "bad label in row 1, NaN score in row 3");
        soft_batch_error(s2, y2, bw, BB, BN, temps, 1, 0, 0, DIFFAUROC_E_BAD_LABEL, want,
                         "bad label in row 1, NaN score in row 3 (values only)");
    }
    {
        double w2[BB * BN];
        const int want[BB] = {0, 0, DIFFAUROC_E_BAD_WEIGHT, 0};
        memcpy(w2, bw, sizeof w2);
        w2[2 * BN] = -1.0;
        soft_batch_error(bs, by, w2, BB, BN, temps, 1, 1, 1, DIFFAUROC_E_BAD_WEIGHT, want,
                         "negative weight in row 2");
    }
    {
        const double bad_t[BB] = {1.0, 1.0, 0.0, 1.0}, nan_t[1] = {NAN};
        const int want[BB] = {0, 0, DIFFAUROC_E_BAD_TEMPERATURE, 0};
        const int want_all[BB] = {DIFFAUROC_E_BAD_TEMPERATURE, DIFFAUROC_E_BAD_TEMPERATURE,
                                  DIFFAUROC_E_BAD_TEMPERATURE, DIFFAUROC_E_BAD_TEMPERATURE};
        soft_batch_error(bs, by, bw, BB, BN, bad_t, 1, 1, 1, DIFFAUROC_E_BAD_TEMPERATURE, want,
                         "temperature 0 for row 2");
        soft_batch_error(bs, by, bw, BB, BN, nan_t, 0, 1, 1, DIFFAUROC_E_BAD_TEMPERATURE,
                         want_all, "shared temperature NaN");
    }

    /* call-level errors: nothing written, not even out_status */
    soft_batch_error(bs, by, bw, BB, BN, NULL, 1, 1, 1, DIFFAUROC_E_NULL_POINTER, NULL,
                     "temperatures NULL");
    soft_batch_error(NULL, by, bw, BB, BN, temps, 1, 1, 1, DIFFAUROC_E_NULL_POINTER, NULL,
                     "scores NULL");
    soft_batch_error(bs, NULL, bw, BB, BN, temps, 1, 1, 1, DIFFAUROC_E_NULL_POINTER, NULL,
                     "labels NULL");
    soft_batch_error(bs, by, bw, BB, BN, temps, 1, 0, 1, DIFFAUROC_E_NULL_POINTER, NULL,
                     "out_dtemperatures without out_grads");
    {
        double g[BB * BN], dT[BB];
        int st[BB];
        fill(g, BB * BN, SENT);
        fill(dT, BB, SENT);
        fill_int(st, BB, STATUS_SENT);
        CHECK_STATUS(auroc_soft_grad_batch(bs, by, bw, BB, BN, temps, 1, NULL, g, dT, st),
                     DIFFAUROC_E_NULL_POINTER, "auroc_soft_grad_batch: out_values NULL");
        CHECK(all_equal(g, BB * BN, SENT) && all_equal(dT, BB, SENT) && all_int(st, BB, STATUS_SENT),
              "auroc_soft_grad_batch: out_values NULL: nothing written");
    }
    {
        /* batch * n, or (batch - 1) * temperature_stride, overflows */
        soft_batch_error(bs, by, bw, SIZE_MAX / 2 + 1, BN, temps, 0, 1, 1, DIFFAUROC_E_TOO_LARGE,
                         NULL, "batch * n overflows");
        soft_batch_error(bs, by, bw, 2, SIZE_MAX / 2 + 1, temps, 0, 1, 1, DIFFAUROC_E_TOO_LARGE,
                         NULL, "n = SIZE_MAX / 2 + 1");
        soft_batch_error(bs, by, bw, BB, BN, temps, SIZE_MAX / 2, 1, 1, DIFFAUROC_E_TOO_LARGE,
                         NULL, "(batch - 1) * temperature_stride overflows");
        soft_batch_error(NULL, NULL, NULL, SIZE_MAX, 4, NULL, 1, 1, 1, DIFFAUROC_E_TOO_LARGE,
                         NULL, "TOO_LARGE is checked before NULL pointers");
        /* each count bounded on its own, not only the products (these trapped: fuzzing) */
        soft_batch_error(NULL, NULL, NULL, SIZE_MAX, 0, NULL, 0, 1, 1, DIFFAUROC_E_TOO_LARGE,
                         NULL, "batch = SIZE_MAX with n = 0 and stride 0");
        soft_batch_error(NULL, NULL, NULL, (size_t)1 << 63, 0, NULL, 0, 1, 1,
                         DIFFAUROC_E_TOO_LARGE, NULL, "batch = 2^63 with n = 0");
    }
    CHECK_STATUS(auroc_soft_grad_batch(NULL, NULL, NULL, 0, SIZE_MAX, NULL, SIZE_MAX, NULL, NULL,
                                       NULL, NULL),
                 DIFFAUROC_OK, "auroc_soft_grad_batch: batch 0 with n = SIZE_MAX touches nothing");
    {
        /* one row: temperature_stride is never used, any value is accepted */
        double v = SENT, g[BN], dT = SENT, v1 = SENT, g1[BN], dT1 = SENT;
        int st = STATUS_SENT;
        CHECK_STATUS(auroc_soft_grad_batch(bs, by, bw, 1, BN, temps, SIZE_MAX, &v, g, &dT, &st),
                     DIFFAUROC_OK, "auroc_soft_grad_batch: batch 1, temperature_stride SIZE_MAX");
        CHECK_STATUS(auroc_soft_grad(bs, by, bw, BN, temps[0], &v1, g1, &dT1), DIFFAUROC_OK,
                     "auroc_soft_grad on row 0");
        CHECK(v == v1 && dT == dT1 && memcmp(g, g1, sizeof g) == 0 && st == DIFFAUROC_OK,
              "auroc_soft_grad_batch: batch 1, stride SIZE_MAX: row 0 as auroc_soft_grad");
    }

    /* batch == 0: OK, touches nothing, every pointer may be NULL */
    CHECK_STATUS(auroc_soft_grad_batch(NULL, NULL, NULL, 0, BN, NULL, 1, NULL, NULL, NULL, NULL),
                 DIFFAUROC_OK, "auroc_soft_grad_batch: batch 0, every pointer NULL");
    {
        double v[BB], g[BB * BN], dT[BB];
        int st[BB];
        fill(v, BB, SENT);
        fill(g, BB * BN, SENT);
        fill(dT, BB, SENT);
        fill_int(st, BB, STATUS_SENT);
        CHECK_STATUS(auroc_soft_grad_batch(bs, by, bw, 0, BN, temps, 1, v, g, dT, st), DIFFAUROC_OK,
                     "auroc_soft_grad_batch: batch 0");
        CHECK(all_equal(v, BB, SENT) && all_equal(g, BB * BN, SENT) && all_equal(dT, BB, SENT) &&
                  all_int(st, BB, STATUS_SENT),
              "auroc_soft_grad_batch: batch 0 touches nothing");
    }
    /* n == 0: every row has no pair */
    {
        double v[BB], dT[BB];
        int st[BB];
        fill(v, BB, SENT);
        fill(dT, BB, SENT);
        fill_int(st, BB, STATUS_SENT);
        CHECK_STATUS(auroc_soft_grad_batch(NULL, NULL, NULL, 3, 0, temps, 1, v, NULL, NULL, st),
                     DIFFAUROC_W_ONE_CLASS, "auroc_soft_grad_batch: n = 0, values only");
        CHECK(v[0] == 0 && v[1] == 0 && v[2] == 0 && v[3] == SENT && st[0] == 1 && st[1] == 1 &&
                  st[2] == 1 && st[3] == STATUS_SENT,
              "auroc_soft_grad_batch: n = 0: values 0, out_status W_ONE_CLASS");
        fill(v, BB, SENT);
        {
            double g[1] = {SENT};
            CHECK_STATUS(auroc_soft_grad_batch(NULL, NULL, NULL, 2, 0, temps, 0, v, g, dT, NULL),
                         DIFFAUROC_W_ONE_CLASS, "auroc_soft_grad_batch: n = 0 with gradients");
            CHECK(v[0] == 0 && v[1] == 0 && dT[0] == 0 && dT[1] == 0 && g[0] == SENT,
                  "auroc_soft_grad_batch: n = 0: values and d/dT 0, no gradient written");
        }
    }
}

static void test_exact_batch(void) {
    double v[BB + 1], y1[BB * BN];
    int st[BB + 1], ret;
    size_t b, i;
    int weighted;
    group = "exact batch";
    batch_data();
    for (weighted = 0; weighted < 2; weighted++) {
        const double *w = weighted ? bw : NULL;
        fill(v, BB + 1, SENT);
        fill_int(st, BB + 1, STATUS_SENT);
        ret = auroc_exact_batch(bs, by, w, BB, BN, v, st);
        CHECK_STATUS(ret, DIFFAUROC_OK, weighted ? "auroc_exact_batch, weights" : "auroc_exact_batch");
        for (b = 0; b < BB; b++) {
            double r = SENT;
            char buf[96];
            auroc_exact(bs + b * BN, by + b * BN, w ? w + b * BN : NULL, BN, &r);
            snprintf(buf, sizeof buf, "row %zu (%s) == auroc_exact's", b, weighted ? "weights" : "no weights");
            CHECK_CLOSE(v[b], r, 0, buf);
            snprintf(buf, sizeof buf, "out_status[%zu] == 0", b);
            CHECK_STATUS(st[b], DIFFAUROC_OK, buf);
        }
        CHECK(v[BB] == SENT && st[BB] == STATUS_SENT, "nothing written past row batch - 1");
    }
    fill(v, BB, SENT);
    CHECK_STATUS(auroc_exact_batch(bs, by, bw, BB, BN, v, NULL), DIFFAUROC_OK,
                 "auroc_exact_batch: out_status NULL");
    CHECK(v[0] != SENT && v[BB - 1] != SENT, "values written with out_status NULL");

    /* one-class row: an error found before anything is written */
    memcpy(y1, by, sizeof y1);
    for (i = BN; i < 2 * BN; i++) y1[i] = 0.0;
    {
        const int want[BB] = {0, DIFFAUROC_E_ONE_CLASS, 0, 0};
        exact_batch_error(bs, y1, NULL, BB, BN, DIFFAUROC_E_ONE_CLASS, want, "row 1 one class");
    }
    {
        double w0[BB * BN];
        const int want[BB] = {0, 0, 0, DIFFAUROC_E_ONE_CLASS};
        memcpy(w0, bw, sizeof w0);
        for (i = 3 * BN; i < 4 * BN; i++) w0[i] = 0.0;
        exact_batch_error(bs, by, w0, BB, BN, DIFFAUROC_E_ONE_CLASS, want, "row 3 all weights 0");
    }
    {
        /* the lowest invalid row decides the return, whatever kind of invalid it is */
        double y2[BB * BN];
        const int want[BB] = {DIFFAUROC_E_ONE_CLASS, DIFFAUROC_E_BAD_LABEL, 0, 0};
        memcpy(y2, by, sizeof y2);
        for (i = 0; i < BN; i++) y2[i] = 1.0;
        y2[BN + 1] = -1.0;
        exact_batch_error(bs, y2, NULL, BB, BN, DIFFAUROC_E_ONE_CLASS, want,
                          "row 0 one class, row 1 bad label: lowest invalid row is row 0");
    }
    {
        double w2[BB * BN];
        const int want[BB] = {0, 0, 0, DIFFAUROC_E_BAD_WEIGHT};
        memcpy(w2, bw, sizeof w2);
        w2[4 * BN - 1] = INFINITY;
        exact_batch_error(bs, by, w2, BB, BN, DIFFAUROC_E_BAD_WEIGHT, want, "infinite weight in row 3");
    }
    {
        const int want[BB] = {DIFFAUROC_E_ONE_CLASS, DIFFAUROC_E_ONE_CLASS, 0, 0};
        exact_batch_error(NULL, NULL, NULL, 2, 0, DIFFAUROC_E_ONE_CLASS, want, "n = 0");
    }
    exact_batch_error(NULL, by, NULL, BB, BN, DIFFAUROC_E_NULL_POINTER, NULL, "scores NULL");
    exact_batch_error(bs, by, NULL, SIZE_MAX / 4 + 1, BN, DIFFAUROC_E_TOO_LARGE, NULL,
                      "batch * n overflows");
    exact_batch_error(NULL, NULL, NULL, SIZE_MAX, 0, DIFFAUROC_E_TOO_LARGE, NULL,
                      "batch = SIZE_MAX with n = 0");
    CHECK_STATUS(auroc_exact_batch(NULL, NULL, NULL, 0, SIZE_MAX, NULL, NULL), DIFFAUROC_OK,
                 "auroc_exact_batch: batch 0 with n = SIZE_MAX touches nothing");
    fill_int(st, BB, STATUS_SENT);
    CHECK_STATUS(auroc_exact_batch(bs, by, NULL, BB, BN, NULL, st), DIFFAUROC_E_NULL_POINTER,
                 "auroc_exact_batch: out_values NULL");
    CHECK(all_int(st, BB, STATUS_SENT), "auroc_exact_batch: out_values NULL: out_status untouched");
    CHECK_STATUS(auroc_exact_batch(NULL, NULL, NULL, 0, BN, NULL, NULL), DIFFAUROC_OK,
                 "auroc_exact_batch: batch 0, every pointer NULL");
}

static void test_batch_guard_pages(void) {
    mapping m[8];
    double *s = guarded_doubles(BB * BN, &m[0]), *y = guarded_doubles(BB * BN, &m[1]);
    double *w = guarded_doubles(BB * BN, &m[2]), *t = guarded_doubles(BB, &m[3]);
    double *v = guarded_doubles(BB, &m[4]), *g = guarded_doubles(BB * BN, &m[5]);
    double *dT = guarded_doubles(BB, &m[6]);
    int *st = (int *)guarded_bytes(BB * sizeof(int), &m[7]);
    size_t i;
    group = "batch guard pages";
    if (!s || !y || !w || !t || !v || !g || !dT || !st) {
        printf("SKIP batch guard pages: mmap/mprotect unavailable\n");
        return;
    }
    batch_data();
    memcpy(s, bs, sizeof bs);
    memcpy(y, by, sizeof by);
    memcpy(w, bw, sizeof bw);
    for (i = 0; i < BB; i++) t[i] = 0.5 + (double)i;
    CHECK_STATUS(auroc_soft_grad_batch(s, y, w, BB, BN, t, 1, v, g, dT, st), DIFFAUROC_OK,
                 "auroc_soft_grad_batch reads and writes only batch x n / batch elements");
    CHECK_STATUS(auroc_exact_batch(s, y, w, BB, BN, v, st), DIFFAUROC_OK,
                 "auroc_exact_batch reads and writes only batch x n / batch elements");
    for (i = 0; i < 8; i++) munmap(m[i].base, m[i].length);
}

/* ------------------------------------------------------------------------------------ */
/* Threads: concurrent calls give the single-thread results, bit for bit                  */

#define T_SETS 3
#define T_MAXN 600
typedef struct {
    double s[T_MAXN], y[T_MAXN], w[T_MAXN];
    size_t n;
    int weighted;
    double T;
    /* single-thread results */
    int st_soft, st_grad, st_exact, st_curve, st_partial;
    double v_soft, v_grad, g[T_MAXN], dT, v_exact;
    double fpr[T_MAXN + 1], tpr[T_MAXN + 1], thr[T_MAXN + 1], area, standardized;
    size_t count;
} thread_set;

static thread_set tsets[T_SETS];

typedef struct {
    int id;
    int iterations;
    int mismatches;
} thread_arg;

static int run_set_and_compare(const thread_set *t) {
    double v, g[T_MAXN], dT, e;
    int bad = 0;
    const double *w = t->weighted ? t->w : NULL;
    if (auroc_soft(t->s, t->y, w, t->n, t->T, &v) != t->st_soft || v != t->v_soft) bad++;
    if (auroc_soft_grad(t->s, t->y, w, t->n, t->T, &v, g, &dT) != t->st_grad ||
        v != t->v_grad || dT != t->dT || memcmp(g, t->g, t->n * sizeof(double)) != 0)
        bad++;
    e = SENT;
    if (auroc_exact(t->s, t->y, w, t->n, &e) != t->st_exact || e != t->v_exact) bad++;
    {
        double fpr[T_MAXN + 1], tpr[T_MAXN + 1], thr[T_MAXN + 1], area = SENT, st = SENT;
        size_t count = 0;
        if (auroc_curve(t->s, t->y, w, t->n, 1, T_MAXN + 1, fpr, tpr, thr, &count) != t->st_curve ||
            count != t->count || memcmp(thr, t->thr, count * sizeof(double)) != 0 ||
            !same_array(fpr, t->fpr, count) || !same_array(tpr, t->tpr, count))
            bad++;
        if (auroc_partial(t->s, t->y, w, t->n, DIFFAUROC_AXIS_FPR, 0, 0.4, &area, &st) !=
                t->st_partial ||
            !same_bits(area, t->area) || !same_bits(st, t->standardized))
            bad++;
    }
    return bad;
}

/* batched calls on the batch test data, single-thread results */
static double tb_values[BB], tb_grads[BB * BN], tb_dts[BB], tb_exact[BB], tb_columns[BB];

static int run_batch_and_compare(void) {
    double v[BB], g[BB * BN], dT[BB], t = 0.4;
    int bad = 0;
    if (auroc_soft_grad_batch(bs, by, bw, BB, BN, &t, 0, v, g, dT, NULL) != DIFFAUROC_OK ||
        memcmp(v, tb_values, sizeof v) != 0 || memcmp(g, tb_grads, sizeof g) != 0 ||
        memcmp(dT, tb_dts, sizeof dT) != 0)
        bad++;
    if (auroc_exact_batch(bs, by, bw, BB, BN, v, NULL) != DIFFAUROC_OK ||
        memcmp(v, tb_exact, sizeof v) != 0)
        bad++;
    /* the batch rows as BB columns of BN samples (Fortran order), weights of row 0 */
    if (auroc_exact_columns(bs, BN, BB, 1, BN, by, 1, BN, bw, v, NULL) != DIFFAUROC_OK ||
        memcmp(v, tb_columns, sizeof v) != 0)
        bad++;
    return bad;
}

static void *thread_main(void *p) {
    thread_arg *a = (thread_arg *)p;
    int it, k;
    for (it = 0; it < a->iterations; it++) {
        for (k = 0; k < T_SETS; k++) a->mismatches += run_set_and_compare(&tsets[(k + a->id) % T_SETS]);
        a->mismatches += run_batch_and_compare();
        if (strcmp(diffauroc_version(), DIFFAUROC_VERSION_STRING) != 0) a->mismatches++;
        if (diffauroc_strerror(DIFFAUROC_E_BAD_LABEL) == NULL) a->mismatches++;
    }
    return NULL;
}

static void test_threads(void) {
    enum { THREADS = 4 };
    pthread_t th[THREADS];
    thread_arg args[THREADS];
    int i, k, created = 0, total = 0;
    group = "threads";
    for (k = 0; k < T_SETS; k++) {
        thread_set *t = &tsets[k];
        size_t j;
        t->n = k == 0 ? T_MAXN : (k == 1 ? 300 : 50);
        t->weighted = k != 0;
        t->T = k == 2 ? 0.1 : 1.0;
        for (j = 0; j < t->n; j++) {
            t->s[j] = rng_uniform();
            t->y[j] = (rng_next() % 3 == 0) ? 1 : 0;
            t->w[j] = rng_uniform();
        }
        if (k == 2) /* one class: exercises the warning path concurrently */
            for (j = 0; j < t->n; j++) t->y[j] = 1;
        t->st_soft = auroc_soft(t->s, t->y, t->weighted ? t->w : NULL, t->n, t->T, &t->v_soft);
        t->st_grad = auroc_soft_grad(t->s, t->y, t->weighted ? t->w : NULL, t->n, t->T,
                                     &t->v_grad, t->g, &t->dT);
        t->v_exact = SENT;
        t->st_exact = auroc_exact(t->s, t->y, t->weighted ? t->w : NULL, t->n, &t->v_exact);
        t->area = t->standardized = SENT;
        t->st_curve = auroc_curve(t->s, t->y, t->weighted ? t->w : NULL, t->n, 1, T_MAXN + 1,
                                  t->fpr, t->tpr, t->thr, &t->count);
        t->st_partial = auroc_partial(t->s, t->y, t->weighted ? t->w : NULL, t->n,
                                      DIFFAUROC_AXIS_FPR, 0, 0.4, &t->area, &t->standardized);
    }
    CHECK(tsets[0].st_soft == DIFFAUROC_OK && tsets[1].st_soft == DIFFAUROC_OK &&
              tsets[2].st_soft == DIFFAUROC_W_ONE_CLASS && tsets[2].st_exact == DIFFAUROC_E_ONE_CLASS &&
              tsets[0].st_curve == DIFFAUROC_OK && tsets[2].st_curve == DIFFAUROC_W_ONE_CLASS &&
              tsets[0].st_partial >= 0 && tsets[2].st_partial == DIFFAUROC_E_ONE_CLASS,
          "single-thread baselines have the expected statuses");
    CHECK(run_set_and_compare(&tsets[0]) == 0, "repeated single-thread calls are deterministic");
    {
        double t = 0.4;
        batch_data();
        CHECK(auroc_soft_grad_batch(bs, by, bw, BB, BN, &t, 0, tb_values, tb_grads, tb_dts,
                                    NULL) == DIFFAUROC_OK &&
                  auroc_exact_batch(bs, by, bw, BB, BN, tb_exact, NULL) == DIFFAUROC_OK &&
                  auroc_exact_columns(bs, BN, BB, 1, BN, by, 1, BN, bw, tb_columns, NULL) ==
                      DIFFAUROC_OK,
              "single-thread batch baselines");
    }
    for (i = 0; i < THREADS; i++) {
        args[i].id = i;
        args[i].iterations = under_valgrind ? 3 : 25;
        args[i].mismatches = 0;
        if (pthread_create(&th[i], NULL, thread_main, &args[i]) != 0) break;
        created++;
    }
    CHECK(created == THREADS, "created 4 threads");
    for (i = 0; i < created; i++) {
        pthread_join(th[i], NULL);
        total += args[i].mismatches;
    }
    {
        char what[96];
        snprintf(what, sizeof what, "%d threads agree bit for bit with one thread (%d mismatches)",
                 created, total);
        CHECK(total == 0, what);
    }
}

/* ------------------------------------------------------------------------------------ */
/* Allocation failure: DIFFAUROC_E_NO_MEMORY, never an abort                               */
/*
 * Each call runs in a forked child whose address space is capped (RLIMIT_AS) at what is
 * mapped now plus a margin; the margin sweeps from 0 upwards in steps smaller than any
 * workspace, until the call succeeds. So every allocation the call makes -- the first, the
 * last, and any made inside a sort -- fails in some child. Every child must return
 * DIFFAUROC_E_NO_MEMORY with its outputs untouched, or succeed with the right value; a
 * child killed by a signal means the library aborted the host process on malloc failure.
 */

#define OOM_N ((size_t)1 << 18)
#define OOM_STEP ((size_t)128 << 10)
#define OOM_MAX_MARGIN ((size_t)96 << 20)

typedef struct {
    const char *name;
    int which; /* 0 exact, 1 exact weighted, 2 soft, 3 soft_grad, 4 soft_grad_batch,
                  5 exact_batch (batch: 2 rows of OOM_N / 2) */
} oom_case;

/* After a batch call failed with E_NO_MEMORY: some row b has rows < b written with status
 * 0 or 1 and rows >= b unwritten with status E_NO_MEMORY. */
static int batch_nomem_consistent(const double *v, const double *dT, const int *st, size_t rows) {
    size_t b = 0;
    while (b < rows && (st[b] == DIFFAUROC_OK || st[b] == DIFFAUROC_W_ONE_CLASS) && v[b] != SENT &&
           (!dT || dT[b] != SENT))
        b++;
    for (; b < rows; b++)
        if (st[b] != DIFFAUROC_E_NO_MEMORY || v[b] != SENT || (dT && dT[b] != SENT)) return 0;
    return 1;
}

/* In the child: cap the address space, make the call, report (status, untouched, value). */
static void oom_child(int which, size_t margin, const double *s, const double *y,
                      const double *w, double *g, int fd) {
    double report[3], v = SENT, dT = SENT;
    long pages = 0;
    int st = 0, untouched;
    FILE *f;
    struct rlimit rl;
    /* The library's cached scratch blocks (inherited from the parent's calls) go first:
     * a call served from them would allocate nothing the cap could refuse. */
    diffauroc_release_memory(NULL);
#ifdef __GLIBC__
    /* Large blocks straight from mmap and back, and free heap returned: otherwise memory
     * freed earlier in this process would serve the library's allocations and no cap
     * would make them fail. */
    mallopt(M_MMAP_THRESHOLD, 64 * 1024);
    mallopt(M_TRIM_THRESHOLD, 64 * 1024);
    malloc_trim(0);
#endif
    f = fopen("/proc/self/statm", "r");
    if (!f || fscanf(f, "%ld", &pages) != 1) _exit(4);
    fclose(f);
    rl.rlim_cur = rl.rlim_max = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + margin;
    if (setrlimit(RLIMIT_AS, &rl) != 0) _exit(5);
    switch (which) {
    case 0: st = auroc_exact(s, y, NULL, OOM_N, &v); break;
    case 1: st = auroc_exact(s, y, w, OOM_N, &v); break;
    case 2: st = auroc_soft(s, y, NULL, OOM_N, 1.0, &v); break;
    case 3: st = auroc_soft_grad(s, y, w, OOM_N, 1.0, &v, g, &dT); break;
    default: {
        double bv[2] = {SENT, SENT}, bdT[2] = {SENT, SENT}, t = 1.0;
        int bst[2] = {STATUS_SENT, STATUS_SENT};
        st = which == 4 ? auroc_soft_grad_batch(s, y, w, 2, OOM_N / 2, &t, 0, bv, g, bdT, bst)
                        : auroc_exact_batch(s, y, w, 2, OOM_N / 2, bv, bst);
        /* "untouched" here: the partial-write rule of the batch contract holds */
        report[0] = st;
        report[1] = st == DIFFAUROC_E_NO_MEMORY
                        ? batch_nomem_consistent(bv, which == 4 ? bdT : NULL, bst, 2)
                        : 1;
        report[2] = bv[1];
        if (write(fd, report, sizeof report) != (ssize_t)sizeof report) _exit(6);
        _exit(0);
    }
    }
    untouched = v == SENT && (which != 3 || (dT == SENT && g[0] == SENT && g[OOM_N - 1] == SENT));
    report[0] = st;
    report[1] = untouched;
    report[2] = v;
    if (write(fd, report, sizeof report) != (ssize_t)sizeof report) _exit(6);
    _exit(0);
}

static void test_no_memory(void) {
    static const oom_case cases[] = {{"auroc_exact", 0},
                                     {"auroc_exact (weights)", 1},
                                     {"auroc_soft", 2},
                                     {"auroc_soft_grad (weights)", 3},
                                     {"auroc_soft_grad_batch (2 rows)", 4},
                                     {"auroc_exact_batch (2 rows)", 5}};
    double *s, *y, *w, *g;
    size_t i, c;
    group = "no memory";
    if (under_valgrind || getenv("DIFFAUROC_TEST_SKIP_OOM")) {
        printf("SKIP no memory: DIFFAUROC_TEST_VALGRIND or DIFFAUROC_TEST_SKIP_OOM is set\n");
        return;
    }
    /* One negative, so that the soft pair sum is O(n) whatever path the library takes. */
    s = xmalloc_doubles(OOM_N);
    y = xmalloc_doubles(OOM_N);
    w = xmalloc_doubles(OOM_N);
    g = xmalloc_doubles(OOM_N);
    for (i = 0; i < OOM_N; i++) {
        s[i] = (double)((i * 7919u) % 10007u) / 10007.0;
        y[i] = (i == 0 || i == OOM_N / 2) ? 0.0 : 1.0; /* a negative in each batch row */
        w[i] = 1.0 + (double)(i % 3);
        g[i] = SENT;
    }
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        double expected = SENT, dT;
        size_t margin;
        int n_nomem = 0, n_ok = 0, aborted = 0, wrong = 0, setup = 0;
        char what[192];
        /* the value in this process, which also warms up anything lazily initialised */
        switch (cases[c].which) {
        case 0: auroc_exact(s, y, NULL, OOM_N, &expected); break;
        case 1: auroc_exact(s, y, w, OOM_N, &expected); break;
        case 2: auroc_soft(s, y, NULL, OOM_N, 1.0, &expected); break;
        case 3: auroc_soft_grad(s, y, w, OOM_N, 1.0, &expected, g, &dT); break;
        case 4: {
            double bv[2], bdT[2], t = 1.0;
            auroc_soft_grad_batch(s, y, w, 2, OOM_N / 2, &t, 0, bv, g, bdT, NULL);
            expected = bv[1];
            break;
        }
        default: {
            double bv[2];
            auroc_exact_batch(s, y, w, 2, OOM_N / 2, bv, NULL);
            expected = bv[1];
            break;
        }
        }
        fill(g, OOM_N, SENT);
        for (margin = 0; margin <= OOM_MAX_MARGIN && !aborted; margin += OOM_STEP) {
            int fds[2], status = 0;
            double report[3];
            ssize_t got;
            pid_t pid;
            if (pipe(fds) != 0) { setup = 1; break; }
            fflush(stdout);
            pid = fork();
            if (pid < 0) { close(fds[0]); close(fds[1]); setup = 1; break; }
            if (pid == 0) {
                close(fds[0]);
                oom_child(cases[c].which, margin, s, y, w, g, fds[1]);
            }
            close(fds[1]);
            got = read(fds[0], report, sizeof report);
            close(fds[0]);
            waitpid(pid, &status, 0);
            if (WIFSIGNALED(status)) {
                snprintf(what, sizeof what,
                         "%s: process killed by signal %d when the address space was capped at "
                         "current + %zu KiB (n = %zu): the library aborts on allocation failure",
                         cases[c].name, WTERMSIG(status), margin >> 10, OOM_N);
                CHECK(0, what);
                aborted = 1;
                break;
            }
            if (got != (ssize_t)sizeof report || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                setup = 1;
                break;
            }
            if ((int)report[0] == DIFFAUROC_E_NO_MEMORY && report[1] != 0) {
                n_nomem++;
            } else if ((int)report[0] == DIFFAUROC_OK && report[2] == expected) {
                n_ok++;
                break; /* enough room from here on */
            } else {
                snprintf(what, sizeof what,
                         "%s at margin %zu KiB: status %d, outputs untouched %d, value %.17g "
                         "(expected E_NO_MEMORY untouched, or OK with %.17g)",
                         cases[c].name, margin >> 10, (int)report[0], (int)report[1], report[2],
                         expected);
                CHECK(0, what);
                wrong++;
            }
        }
        if (setup) {
            printf("SKIP no memory (%s): fork/pipe/setrlimit failed\n", cases[c].name);
            continue;
        }
        if (aborted) continue;
        if (n_nomem == 0) {
            printf("SKIP no memory (%s): no allocation failed under RLIMIT_AS\n", cases[c].name);
            continue;
        }
        snprintf(what, sizeof what,
                 "%s: E_NO_MEMORY with outputs untouched at %d address-space caps, then OK",
                 cases[c].name, n_nomem);
        CHECK(wrong == 0 && n_ok == 1, what);
    }
    free(s);
    free(y);
    free(w);
    free(g);
}

/* ------------------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------------------ */
/* auroc_curve / auroc_partial: the ROC curve and the partial AUC                        */

static int cmp_desc(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x > y ? -1 : x < y ? 1 : 0;
}

/* The curve written out from the definition, independently of the library: for each
 * distinct score t of a sample of positive weight (decreasing), fps(t) and tps(t) are the
 * weights of the negatives and positives with score >= t, summed anew for every t in long
 * double; with `drop`, a point whose second differences of fps and tps are both zero is
 * dropped (scikit-learn's rule, the first and last raw points kept); a first point
 * (0, 0, +inf). fpr = fps / fps[last] as one double division (NaN for an absent class).
 * Returns the number of points, 0 when no sample has positive weight. Integer weights (or
 * none) make every sum exact, so the arrays must match the library's bit for bit. The
 * thresholds are the distinct values (a zero is reported as +0.0 here). */
static size_t oracle_curve(const double *s, const double *y, const double *w, size_t n, int drop,
                           double *fpr, double *tpr, double *thr, long double *fps_out,
                           long double *tps_out) {
    double *t = xmalloc_doubles(n), *rfps = xmalloc_doubles(n + 1), *rtps = xmalloc_doubles(n + 1);
    size_t m = 0, k = 0, i, j, count = 0;
    long double F, T;
    for (i = 0; i < n; i++)
        if (!w || w[i] > 0) t[m++] = s[i] == 0 ? 0.0 : s[i];
    qsort(t, m, sizeof *t, cmp_desc);
    for (i = 0; i < m; i++)
        if (i == 0 || t[i] != t[k - 1]) t[k++] = t[i];
    for (i = 0; i < k; i++) {
        long double f = 0, p = 0;
        for (j = 0; j < n; j++) {
            double wj = w ? w[j] : 1.0;
            if (wj > 0 && s[j] >= t[i]) {
                if (y[j] == 1) p += wj;
                else f += wj;
            }
        }
        rfps[i] = (double)f;
        rtps[i] = (double)p;
    }
    if (k == 0) {
        free(t), free(rfps), free(rtps);
        return 0;
    }
    F = rfps[k - 1];
    T = rtps[k - 1];
    fpr[0] = 0, tpr[0] = 0, thr[0] = INFINITY;
    if (fps_out) fps_out[0] = 0, tps_out[0] = 0;
    count = 1;
    for (i = 0; i < k; i++) {
        if (drop && k > 2 && i > 0 && i < k - 1 &&
            (rfps[i + 1] - rfps[i]) - (rfps[i] - rfps[i - 1]) == 0 &&
            (rtps[i + 1] - rtps[i]) - (rtps[i] - rtps[i - 1]) == 0)
            continue;
        fpr[count] = rfps[i];
        tpr[count] = rtps[i];
        thr[count] = t[i];
        if (fps_out) fps_out[count] = rfps[i], tps_out[count] = rtps[i];
        count++;
    }
    for (i = 0; i < count; i++) {
        fpr[i] = F > 0 ? fpr[i] / (double)F : NAN;
        tpr[i] = T > 0 ? tpr[i] / (double)T : NAN;
    }
    free(t), free(rfps), free(rtps);
    return count;
}

/* The partial area of the oracle's (undropped) curve over [a, b] of `axis`, in long double:
 * each segment's part inside the range as a trapezoid, y interpolated at the cuts. */
static long double oracle_partial(const double *s, const double *y, const double *w, size_t n,
                                  int axis, double a, double b) {
    double *fpr = xmalloc_doubles(n + 1), *tpr = xmalloc_doubles(n + 1), *thr = xmalloc_doubles(n + 1);
    long double *fps = (long double *)malloc((n + 1) * sizeof(long double));
    long double *tps = (long double *)malloc((n + 1) * sizeof(long double));
    long double area = 0, F, T;
    size_t count, i;
    if (!fps || !tps) exit(2);
    count = oracle_curve(s, y, w, n, 0, fpr, tpr, thr, fps, tps);
    F = fps[count - 1];
    T = tps[count - 1];
    for (i = 1; i < count; i++) {
        long double x0, x1, y0, y1, lo, hi, ylo, yhi;
        if (axis == DIFFAUROC_AXIS_FPR) {
            x0 = fps[i - 1] / F, x1 = fps[i] / F, y0 = tps[i - 1] / T, y1 = tps[i] / T;
        } else {
            x0 = tps[i - 1] / T, x1 = tps[i] / T, y0 = 1 - fps[i - 1] / F, y1 = 1 - fps[i] / F;
        }
        if (!(x1 > x0)) continue;
        lo = x0 > a ? x0 : a;
        hi = x1 < b ? x1 : b;
        if (!(hi > lo)) continue;
        ylo = y0 + (y1 - y0) * (lo - x0) / (x1 - x0);
        yhi = y0 + (y1 - y0) * (hi - x0) / (x1 - x0);
        area += (hi - lo) * (ylo + yhi) / 2;
    }
    free(fpr), free(tpr), free(thr), free(fps), free(tps);
    return area;
}

static long double mcclish(long double area, int axis, long double a, long double b) {
    long double mn = axis == DIFFAUROC_AXIS_FPR ? (b - a) * (a + b) / 2 : (b - a) * (2 - a - b) / 2;
    long double mx = b - a;
    return (1 + (area - mn) / (mx - mn)) / 2;
}

/* One curve call into fresh sentinel-filled arrays of `cap` (+ 2 spare) elements; checks the
 * status, the count, the points against want_* (bit for bit) and that nothing past the
 * count was written. */
static void curve_expect(const double *s, const double *y, const double *w, size_t n, int drop,
                         size_t cap, int want_status, size_t want_count, const double *want_fpr,
                         const double *want_tpr, const double *want_thr, const char *what) {
    double *fpr = xmalloc_doubles(cap + 2), *tpr = xmalloc_doubles(cap + 2), *thr = xmalloc_doubles(cap + 2);
    size_t count = INDEX_SENT;
    char buf[300];
    int st;
    fill(fpr, cap + 2, SENT), fill(tpr, cap + 2, SENT), fill(thr, cap + 2, SENT);
    st = auroc_curve(s, y, w, n, drop, cap, fpr, tpr, thr, &count);
    snprintf(buf, sizeof buf, "%s: status", what);
    CHECK_STATUS(st, want_status, buf);
    if (want_status >= 0) {
        snprintf(buf, sizeof buf, "%s: count %zu (want %zu)", what, count, want_count);
        CHECK(count == want_count, buf);
        snprintf(buf, sizeof buf, "%s: fpr, tpr, thresholds bit for bit", what);
        CHECK(count == want_count && same_array(fpr, want_fpr, want_count) &&
                  same_array(tpr, want_tpr, want_count) && same_array(thr, want_thr, want_count),
              buf);
        snprintf(buf, sizeof buf, "%s: nothing written past the count", what);
        CHECK(all_equal(fpr + want_count, cap + 2 - want_count, SENT) &&
                  all_equal(tpr + want_count, cap + 2 - want_count, SENT) &&
                  all_equal(thr + want_count, cap + 2 - want_count, SENT),
              buf);
    } else {
        snprintf(buf, sizeof buf, "%s: on error nothing written (out_count neither)", what);
        CHECK(count == INDEX_SENT && all_equal(fpr, cap + 2, SENT) && all_equal(tpr, cap + 2, SENT) &&
                  all_equal(thr, cap + 2, SENT),
              buf);
    }
    free(fpr), free(tpr), free(thr);
}

static void test_curve_toys(void) {
    /* scikit-learn's roc_curve docstring example */
    static const double s1[] = {0.1, 0.4, 0.35, 0.8}, y1[] = {0, 0, 1, 1};
    static const double f1[] = {0, 0, 0.5, 0.5, 1}, t1[] = {0, 0.5, 0.5, 1, 1};
    static const double h1[] = {INFINITY, 0.8, 0.4, 0.35, 0.1};
    /* three tied pairs: collinear, the middle point dropped */
    static const double s2[] = {3, 3, 2, 2, 1, 1}, y2[] = {1, 0, 1, 0, 1, 0};
    static const double f2[] = {0, 1.0 / 3, 2.0 / 3, 1}, h2[] = {INFINITY, 3, 2, 1};
    static const double f2d[] = {0, 1.0 / 3, 1}, h2d[] = {INFINITY, 3, 1};
    /* weights: weight 0 drops its sample (and its threshold 0.2) */
    static const double s3[] = {0.9, 0.5, 0.5, 0.2}, y3[] = {1, 1, 0, 0}, w3[] = {2, 1, 3, 0};
    static const double f3[] = {0, 0, 1}, t3[] = {0, 2.0 / 3, 1}, h3[] = {INFINITY, 0.9, 0.5};
    /* one class: the absent class's rate is NaN */
    static const double s4[] = {0.3, 0.1, 0.2}, y4[] = {1, 1, 1};
    static const double f4[] = {NAN, NAN, NAN, NAN}, t4[] = {0, 1.0 / 3, 2.0 / 3, 1};
    static const double h4[] = {INFINITY, 0.3, 0.2, 0.1};
    /* a tie of +0.0 and -0.0: the sign of the tied sample with the highest index */
    static const double s5[] = {0.0, -0.0}, s6[] = {-0.0, 0.0}, y5[] = {1, 0};
    static const double f5[] = {0, 1}, t5[] = {0, 1}, h5[] = {INFINITY, -0.0}, h6[] = {INFINITY, 0.0};
    float s1f[4], y1f[4];
    double fpr[8], tpr[8], thr[8];
    size_t count = INDEX_SENT, i;
    group = "curve toys";
    curve_expect(s1, y1, NULL, 4, 1, 5, DIFFAUROC_OK, 5, f1, t1, h1, "sklearn example, drop");
    curve_expect(s1, y1, NULL, 4, 0, 5, DIFFAUROC_OK, 5, f1, t1, h1, "sklearn example, no drop");
    curve_expect(s2, y2, NULL, 6, 0, 7, DIFFAUROC_OK, 4, f2, f2, h2, "tied pairs, no drop");
    curve_expect(s2, y2, NULL, 6, 1, 7, DIFFAUROC_OK, 3, f2d, f2d, h2d, "tied pairs, drop");
    curve_expect(s2, y2, NULL, 6, 42, 3, DIFFAUROC_OK, 3, f2d, f2d, h2d,
                 "drop_intermediate any nonzero int, capacity == count");
    curve_expect(s3, y3, w3, 4, 1, 5, DIFFAUROC_OK, 3, f3, t3, h3, "weights, weight 0 dropped");
    curve_expect(s4, y4, NULL, 3, 0, 4, DIFFAUROC_W_ONE_CLASS, 4, f4, t4, h4,
                 "positives only: W_ONE_CLASS, fpr NaN");
    curve_expect(s4, y4, NULL, 3, 1, 4, DIFFAUROC_W_ONE_CLASS, 3,
                 (const double[]){NAN, NAN, NAN}, (const double[]){0, 1.0 / 3, 1},
                 (const double[]){INFINITY, 0.3, 0.1}, "positives only, drop");
    curve_expect(s4, (const double[]){0, 0, 0}, NULL, 3, 0, 4, DIFFAUROC_W_ONE_CLASS, 4, t4, f4,
                 h4, "negatives only: tpr NaN");
    curve_expect(s5, y5, NULL, 2, 1, 3, DIFFAUROC_OK, 2, f5, t5, h5, "+0.0 then -0.0: -0.0");
    curve_expect(s6, y5, NULL, 2, 1, 3, DIFFAUROC_OK, 2, f5, t5, h6, "-0.0 then +0.0: +0.0");
    CHECK(signbit(h5[1]) && !signbit(h6[1]), "(the zero signs compared are distinct)");
    /* float32: the same points */
    for (i = 0; i < 4; i++) s1f[i] = (float)s1[i], y1f[i] = (float)y1[i];
    fill(fpr, 8, SENT), fill(thr, 8, SENT);
    CHECK_STATUS(auroc_curve_f32(s1f, y1f, NULL, 4, 1, 8, fpr, NULL, thr, &count), DIFFAUROC_OK,
                 "f32 sklearn example");
    CHECK(count == 5 && same_array(fpr, f1, 5), "f32: fpr");
    CHECK(thr[1] == (double)0.8f && thr[2] == (double)0.4f && thr[3] == (double)0.35f &&
              thr[4] == (double)0.1f && isinf(thr[0]),
          "f32: thresholds are the float32 scores converted exactly");
    CHECK(all_equal(fpr + 5, 3, SENT) && all_equal(thr + 5, 3, SENT), "f32: nothing past count");
    (void)tpr;
}

static void test_curve_statuses(void) {
    static const double s[] = {0.5, 0.2, 0.9, 0.2, 0.7}, y[] = {1, 0, 1, 0, 0};
    static const double w[] = {1, 2, 0.5, 1, 3};
    double fpr[8], tpr[8], thr[8];
    double bs[5], by[5], bw[5];
    float sf[5], yf[5];
    size_t count, full, huge[] = {SIZE_MAX, SIZE_MAX / 2, ((size_t)1 << 62) + 1}, k, i;
    group = "curve statuses";
    /* count-only: every out array NULL; capacity ignored */
    count = INDEX_SENT;
    CHECK_STATUS(auroc_curve(s, y, w, 5, 0, 0, NULL, NULL, NULL, &count), DIFFAUROC_OK, "count only");
    full = count;
    CHECK(full == 5, "count only: 4 distinct scores + 1 point");
    count = INDEX_SENT;
    CHECK_STATUS(auroc_curve(s, y, w, 5, 0, SIZE_MAX, NULL, NULL, NULL, &count), DIFFAUROC_OK,
                 "count only, capacity SIZE_MAX");
    CHECK(count == full, "... same count");
    count = INDEX_SENT;
    CHECK_STATUS(auroc_curve(s, y, NULL, 5, 1, 0, NULL, NULL, NULL, &count), DIFFAUROC_OK,
                 "count only, drop, unweighted");
    CHECK(count >= 2 && count <= 5, "... count in [2, n + 1]");
    /* capacity protocol */
    for (k = 0; k <= 7; k++) {
        char what[120];
        int want = k < full ? DIFFAUROC_E_CAPACITY : DIFFAUROC_OK;
        fill(fpr, 8, SENT), fill(tpr, 8, SENT), fill(thr, 8, SENT);
        count = INDEX_SENT;
        snprintf(what, sizeof what, "capacity %zu (count %zu)", k, full);
        CHECK_STATUS(auroc_curve(s, y, w, 5, 0, k, fpr, tpr, thr, &count), want, what);
        if (want == DIFFAUROC_OK) {
            snprintf(what, sizeof what, "capacity %zu: count written, nothing past it", k);
            CHECK(count == full && all_equal(fpr + full, 8 - full, SENT) &&
                      all_equal(tpr + full, 8 - full, SENT) && all_equal(thr + full, 8 - full, SENT) &&
                      fpr[full - 1] == 1 && tpr[full - 1] == 1,
                  what);
        } else {
            snprintf(what, sizeof what, "capacity %zu: E_CAPACITY writes nothing, out_count neither", k);
            CHECK(count == INDEX_SENT && all_equal(fpr, 8, SENT) && all_equal(tpr, 8, SENT) &&
                      all_equal(thr, 8, SENT),
                  what);
        }
    }
    /* capacity far beyond n + 1 (only count elements are written) */
    fill(thr, 8, SENT);
    count = INDEX_SENT;
    CHECK_STATUS(auroc_curve(s, y, w, 5, 0, SIZE_MAX, NULL, NULL, thr, &count), DIFFAUROC_OK,
                 "capacity SIZE_MAX, thresholds only");
    CHECK(count == full && all_equal(thr + full, 8 - full, SENT) && isinf(thr[0]) && thr[1] == 0.9,
          "... thresholds written, nothing past the count");
    /* NULL pointers */
    count = INDEX_SENT;
    fill(fpr, 8, SENT);
    CHECK_STATUS(auroc_curve(s, y, w, 5, 0, 8, fpr, NULL, NULL, NULL), DIFFAUROC_E_NULL_POINTER,
                 "out_count NULL");
    CHECK(all_equal(fpr, 8, SENT), "... nothing written");
    CHECK_STATUS(auroc_curve(NULL, y, w, 5, 0, 8, fpr, NULL, NULL, &count), DIFFAUROC_E_NULL_POINTER,
                 "scores NULL");
    CHECK_STATUS(auroc_curve(s, NULL, w, 5, 0, 8, fpr, NULL, NULL, &count), DIFFAUROC_E_NULL_POINTER,
                 "labels NULL");
    CHECK(count == INDEX_SENT && all_equal(fpr, 8, SENT), "... nothing written");
    CHECK_STATUS(auroc_curve_f32(NULL, NULL, NULL, 3, 0, 8, fpr, NULL, NULL, &count),
                 DIFFAUROC_E_NULL_POINTER, "f32 scores NULL");
    /* n == 0 and no sample of positive weight: E_ONE_CLASS (no threshold) */
    CHECK_STATUS(auroc_curve(NULL, NULL, NULL, 0, 0, 8, fpr, tpr, thr, &count), DIFFAUROC_E_ONE_CLASS,
                 "n == 0");
    CHECK_STATUS(auroc_curve(NULL, NULL, NULL, 0, 0, 0, NULL, NULL, NULL, &count),
                 DIFFAUROC_E_ONE_CLASS, "n == 0, count only");
    CHECK_STATUS(auroc_curve(s, y, (const double[]){0, 0, 0, 0, 0}, 5, 0, 8, fpr, tpr, thr, &count),
                 DIFFAUROC_E_ONE_CLASS, "every weight 0");
    CHECK(count == INDEX_SENT && all_equal(fpr, 8, SENT), "... nothing written");
    /* n too large: before any pointer is looked at */
    for (k = 0; k < sizeof huge / sizeof huge[0]; k++) {
        CHECK_STATUS(auroc_curve(NULL, NULL, NULL, huge[k], 0, 0, NULL, NULL, NULL, NULL),
                     DIFFAUROC_E_TOO_LARGE, "n too large, every pointer NULL");
        CHECK_STATUS(auroc_curve_f32(NULL, NULL, NULL, huge[k], 0, 0, NULL, NULL, NULL, NULL),
                     DIFFAUROC_E_TOO_LARGE, "f32: n too large, every pointer NULL");
    }
    /* each bad sample, in index order */
    for (k = 0; k < 6; k++) {
        static const char *names[] = {"score NaN", "score +inf", "label 0.5", "label NaN",
                                      "weight -1", "weight NaN"};
        static const int want[] = {DIFFAUROC_E_NONFINITE_SCORE, DIFFAUROC_E_NONFINITE_SCORE,
                                   DIFFAUROC_E_BAD_LABEL,       DIFFAUROC_E_BAD_LABEL,
                                   DIFFAUROC_E_BAD_WEIGHT,      DIFFAUROC_E_BAD_WEIGHT};
        memcpy(bs, s, sizeof bs), memcpy(by, y, sizeof by), memcpy(bw, w, sizeof bw);
        if (k == 0) bs[3] = NAN;
        if (k == 1) bs[3] = INFINITY;
        if (k == 2) by[3] = 0.5;
        if (k == 3) by[3] = NAN;
        if (k == 4) bw[3] = -1;
        if (k == 5) bw[3] = NAN;
        fill(fpr, 8, SENT), fill(tpr, 8, SENT), fill(thr, 8, SENT);
        count = INDEX_SENT;
        CHECK_STATUS(auroc_curve(bs, by, bw, 5, 1, 8, fpr, tpr, thr, &count), want[k], names[k]);
        CHECK(count == INDEX_SENT && all_equal(fpr, 8, SENT) && all_equal(tpr, 8, SENT) &&
                  all_equal(thr, 8, SENT),
              "... nothing written");
        CHECK_STATUS(auroc_curve(bs, by, bw, 5, 1, 0, NULL, NULL, NULL, &count), want[k],
                     "... also in a count-only call");
        for (i = 0; i < 5; i++) sf[i] = (float)bs[i], yf[i] = (float)by[i];
        if (k < 4) {
            CHECK_STATUS(auroc_curve_f32(sf, yf, NULL, 5, 1, 8, fpr, tpr, thr, &count), want[k],
                         "... f32");
            CHECK(count == INDEX_SENT && all_equal(fpr, 8, SENT), "... f32 nothing written");
        }
    }
    memcpy(bs, s, sizeof bs), memcpy(by, y, sizeof by);
    bs[3] = NAN;
    by[1] = 2;
    CHECK_STATUS(auroc_curve(bs, by, NULL, 5, 0, 8, fpr, tpr, thr, &count), DIFFAUROC_E_BAD_LABEL,
                 "bad label at 1 before bad score at 3 (index order)");
    /* class weight sums: 2^1022 is fine, above it E_WEIGHT_SUM */
    {
        double ws[] = {0x1p1021, 0x1p1021, 1}, ys[] = {0, 0, 1}, ss[] = {1, 2, 3};
        fill(fpr, 8, SENT);
        count = INDEX_SENT;
        CHECK_STATUS(auroc_curve(ss, ys, ws, 3, 0, 8, fpr, tpr, thr, &count), DIFFAUROC_OK,
                     "negative weights summing to 2^1022: accepted");
        CHECK(count == 4 && fpr[0] == 0 && fpr[1] == 0 && fpr[2] == 0.5 && fpr[3] == 1 &&
                  tpr[1] == 1,
              "... rates exact (no overflow)");
        {
            double ys3[] = {0, 0, 0, 1}, ss3[] = {1, 2, 3, 4}, ws3[] = {0x1p1021, 0x1p1021, 0x1p1000, 1};
            fill(fpr, 8, SENT);
            CHECK_STATUS(auroc_curve(ss3, ys3, ws3, 4, 0, 8, fpr, tpr, thr, &count),
                         DIFFAUROC_E_WEIGHT_SUM, "negative weights summing just above 2^1022");
            CHECK(count == 4 && all_equal(fpr, 8, SENT), "... nothing written");
            CHECK_STATUS(auroc_curve(ss3, ys3, ws3, 4, 0, 0, NULL, NULL, NULL, &count),
                         DIFFAUROC_E_WEIGHT_SUM, "... also count only");
        }
        {
            double ys1[] = {1, 0}, ss1[] = {1, 2}, ws1[] = {1e308, 1};
            CHECK_STATUS(auroc_curve(ss1, ys1, ws1, 2, 1, 8, fpr, tpr, thr, &count),
                         DIFFAUROC_E_WEIGHT_SUM, "one positive weight 1e308");
        }
    }
}

static void random_curve_data(size_t n, double *s, double *y, double *w, int levels, int zeros) {
    size_t i;
    for (i = 0; i < n; i++) {
        s[i] = (double)(int)(rng_next() % (uint64_t)levels) / 4.0 - 3;
        y[i] = (double)(rng_next() & 1);
        w[i] = zeros && rng_next() % 5 == 0 ? 0.0 : (double)(1 + rng_next() % 4);
    }
}

static void test_curve_oracle(void) {
    static const size_t sizes[] = {1, 2, 3, 5, 8, 13, 40, 100, 257, 1000, 3000};
    size_t si, rep, reps = under_valgrind ? 2 : 8;
    group = "curve oracle";
    for (si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        size_t n = sizes[si];
        if (under_valgrind && n > 300) continue;
        for (rep = 0; rep < reps; rep++) {
            double *s = xmalloc_doubles(n), *y = xmalloc_doubles(n), *w = xmalloc_doubles(n);
            double *fpr = xmalloc_doubles(n + 1), *tpr = xmalloc_doubles(n + 1), *thr = xmalloc_doubles(n + 1);
            double *f2 = xmalloc_doubles(n + 3), *t2 = xmalloc_doubles(n + 3), *h2 = xmalloc_doubles(n + 3);
            float *sf = (float *)malloc(n * sizeof(float)), *yf = (float *)malloc(n * sizeof(float));
            float *wf = (float *)malloc(n * sizeof(float));
            int weighted = rep % 2, drop, levels = rep < 4 ? 5 : 1000;
            size_t i;
            if (!sf || !yf || !wf) exit(2);
            random_curve_data(n, s, y, w, levels, rep % 3 == 0);
            for (i = 0; i < n; i++) sf[i] = (float)s[i], yf[i] = (float)y[i], wf[i] = (float)w[i];
            for (drop = 0; drop <= 1; drop++) {
                char what[160];
                const double *wp = weighted ? w : NULL;
                size_t want = oracle_curve(s, y, wp, n, drop, fpr, tpr, thr, NULL, NULL), count = INDEX_SENT;
                int want_status = want == 0 ? DIFFAUROC_E_ONE_CLASS
                                  : (isnan(fpr[0]) || isnan(tpr[0])) ? DIFFAUROC_W_ONE_CLASS
                                                                     : DIFFAUROC_OK;
                snprintf(what, sizeof what, "n %zu rep %zu %s drop %d", n, rep,
                         weighted ? "integer weights" : "unweighted", drop);
                curve_expect(s, y, wp, n, drop, n + 1, want_status, want, fpr, tpr, thr, what);
                if (want_status < 0) continue;
                /* exact capacity, and float32 (the same values: quarters, small integers) */
                curve_expect(s, y, wp, n, drop, want, want_status, want, fpr, tpr, thr, what);
                fill(f2, n + 3, SENT), fill(t2, n + 3, SENT), fill(h2, n + 3, SENT);
                CHECK_STATUS(auroc_curve_f32(sf, yf, weighted ? wf : NULL, n, drop, n + 1, f2, t2, h2,
                                             &count),
                             want_status, "f32 status");
                CHECK(count == want && same_array(f2, fpr, want) && same_array(t2, tpr, want) &&
                          same_array(h2, thr, want) && all_equal(f2 + want, n + 3 - want, SENT),
                      "f32: the same points bit for bit");
            }
            free(s), free(y), free(w), free(fpr), free(tpr), free(thr), free(f2), free(t2), free(h2);
            free(sf), free(yf), free(wf);
        }
    }
    /* real-valued weights: the oracle's sums round differently, so to 1e-12 (no drop) */
    for (rep = 0; rep < reps; rep++) {
        size_t n = 200, i, count = INDEX_SENT, want;
        double *s = xmalloc_doubles(n), *y = xmalloc_doubles(n), *w = xmalloc_doubles(n);
        double *fpr = xmalloc_doubles(n + 1), *tpr = xmalloc_doubles(n + 1), *thr = xmalloc_doubles(n + 1);
        double *f2 = xmalloc_doubles(n + 1), *t2 = xmalloc_doubles(n + 1), *h2 = xmalloc_doubles(n + 1);
        double err = 0;
        random_curve_data(n, s, y, w, 30, 1);
        for (i = 0; i < n; i++) w[i] = w[i] > 0 ? rng_uniform() * 5 : 0;
        want = oracle_curve(s, y, w, n, 0, fpr, tpr, thr, NULL, NULL);
        CHECK_STATUS(auroc_curve(s, y, w, n, 0, n + 1, f2, t2, h2, &count), DIFFAUROC_OK,
                     "real weights: status");
        CHECK(count == want && same_array(h2, thr, want), "real weights: count and thresholds");
        for (i = 0; i < want && count == want; i++) {
            if (fabs(f2[i] - fpr[i]) > err) err = fabs(f2[i] - fpr[i]);
            if (fabs(t2[i] - tpr[i]) > err) err = fabs(t2[i] - tpr[i]);
        }
        CHECK_CLOSE(err, 0, 1e-12, "real weights: rates within 1e-12 of the oracle");
        free(s), free(y), free(w), free(fpr), free(tpr), free(thr), free(f2), free(t2), free(h2);
    }
}

static void test_curve_guard_pages(void) {
    enum { N = 41 };
    mapping ms, my, mw, mf, mt, mh, ms32, my32;
    double *s = guarded_doubles(N, &ms), *y = guarded_doubles(N, &my), *w = guarded_doubles(N, &mw);
    float *s32 = (float *)guarded_bytes(N * sizeof(float), &ms32);
    float *y32 = (float *)guarded_bytes(N * sizeof(float), &my32);
    double fpr[N + 1], tpr[N + 1], thr[N + 1], *gf, *gt, *gh;
    size_t count = 0, want, i;
    double area = 0, st = 0;
    group = "curve guard pages";
    if (!s || !y || !w || !s32 || !y32) {
        printf("SKIP curve guard pages: mmap/mprotect unavailable\n");
        return;
    }
    random_curve_data(N, s, y, w, 12, 1);
    for (i = 0; i < N; i++) s32[i] = (float)s[i], y32[i] = (float)y[i];
    want = oracle_curve(s, y, w, N, 1, fpr, tpr, thr, NULL, NULL);
    /* outputs of exactly `count` elements, each ending at an inaccessible page */
    gf = guarded_doubles(want, &mf), gt = guarded_doubles(want, &mt), gh = guarded_doubles(want, &mh);
    if (!gf || !gt || !gh) {
        printf("SKIP curve guard pages: mmap/mprotect unavailable\n");
        return;
    }
    CHECK_STATUS(auroc_curve(s, y, w, N, 1, want, gf, gt, gh, &count), DIFFAUROC_OK,
                 "auroc_curve reads only n, writes only count");
    CHECK(count == want && same_array(gf, fpr, want) && same_array(gt, tpr, want) &&
              same_array(gh, thr, want),
          "... and matches the oracle");
    CHECK_STATUS(auroc_curve(s, y, NULL, N, 0, 0, NULL, NULL, NULL, &count), DIFFAUROC_OK,
                 "count only, unweighted");
    CHECK_STATUS(auroc_curve_f32(s32, y32, NULL, N, 1, 0, NULL, NULL, NULL, &count), DIFFAUROC_OK,
                 "auroc_curve_f32 reads only n");
    CHECK(auroc_partial(s, y, w, N, DIFFAUROC_AXIS_FPR, 0, 0.3, &area, &st) >= 0,
          "auroc_partial reads only n (OK or below the diagonal: random labels)");
    CHECK_STATUS(auroc_partial_f32(s32, y32, NULL, N, DIFFAUROC_AXIS_TPR, 0.2, 1, &area, NULL),
                 DIFFAUROC_OK, "auroc_partial_f32 reads only n");
    w[N - 1] = -1;
    CHECK_STATUS(auroc_curve(s, y, w, N, 1, want, gf, gt, gh, &count), DIFFAUROC_E_BAD_WEIGHT,
                 "bad last weight found, nothing read past it");
    CHECK_STATUS(auroc_partial(s, y, w, N, DIFFAUROC_AXIS_FPR, 0, 1, &area, NULL),
                 DIFFAUROC_E_BAD_WEIGHT, "partial: bad last weight found");
    munmap(ms.base, ms.length), munmap(my.base, my.length), munmap(mw.base, mw.length);
    munmap(mf.base, mf.length), munmap(mt.base, mt.length), munmap(mh.base, mh.length);
    munmap(ms32.base, ms32.length), munmap(my32.base, my32.length);
}

static void partial_expect(const double *s, const double *y, const double *w, size_t n, int axis,
                           double a, double b, int want_status, double want_area, double want_std,
                           double tol, const char *what) {
    double area = SENT, st = SENT, only = SENT;
    char buf[200];
    int got = auroc_partial(s, y, w, n, axis, a, b, &area, &st);
    snprintf(buf, sizeof buf, "%s: status", what);
    CHECK_STATUS(got, want_status, buf);
    if (want_status >= 0) {
        snprintf(buf, sizeof buf, "%s: area", what);
        CHECK_CLOSE(area, want_area, tol, buf);
        snprintf(buf, sizeof buf, "%s: standardized", what);
        CHECK_CLOSE(st, want_std, tol, buf);
        got = auroc_partial(s, y, w, n, axis, a, b, &only, NULL);
        snprintf(buf, sizeof buf, "%s: area alone, status OK, same bits", what);
        CHECK(got == DIFFAUROC_OK && same_bits(only, area), buf);
        only = SENT;
        got = auroc_partial(s, y, w, n, axis, a, b, NULL, &only);
        snprintf(buf, sizeof buf, "%s: standardized alone, same status and bits", what);
        CHECK(got == want_status && same_bits(only, st), buf);
    } else {
        snprintf(buf, sizeof buf, "%s: nothing written", what);
        CHECK(area == SENT && st == SENT, buf);
    }
}

static void test_partial_toys(void) {
    static const double s[] = {0.1, 0.4, 0.35, 0.8}, y[] = {0, 0, 1, 1}, yr[] = {1, 1, 0, 0};
    static const double s2[] = {1, 1, 1, 1}, y2[] = {0, 1, 0, 1};
    double auc = 0;
    float sf[4], yf[4];
    double a32 = SENT, st32 = SENT;
    size_t i;
    group = "partial toys";
    /* curve (fpr, tpr): (0,0) (0,.5) (.5,.5) (.5,1) (1,1) */
    partial_expect(s, y, NULL, 4, DIFFAUROC_AXIS_FPR, 0, 0.25, DIFFAUROC_OK, 0.125, 5.0 / 7, 1e-15,
                   "FPR [0, 0.25] (sklearn max_fpr=0.25: 5/7)");
    partial_expect(s, y, NULL, 4, DIFFAUROC_AXIS_TPR, 0.5, 1, DIFFAUROC_OK, 0.25, 2.0 / 3, 1e-15,
                   "TPR [0.5, 1]");
    partial_expect(s, y, NULL, 4, DIFFAUROC_AXIS_FPR, 0.25, 0.75, DIFFAUROC_OK, 0.375,
                   0.5 * (1 + (0.375 - 0.25) / (0.5 - 0.25)), 1e-15, "FPR [0.25, 0.75]");
    CHECK_STATUS(auroc_exact(s, y, NULL, 4, &auc), DIFFAUROC_OK, "auroc_exact of the toy");
    partial_expect(s, y, NULL, 4, DIFFAUROC_AXIS_FPR, 0, 1, DIFFAUROC_OK, auc, auc, 0,
                   "FPR [0, 1]: area == standardized == auroc_exact");
    partial_expect(s, y, NULL, 4, DIFFAUROC_AXIS_TPR, 0, 1, DIFFAUROC_OK, auc, auc, 0,
                   "TPR [0, 1]: area == standardized == auroc_exact");
    /* reversed labels: below the diagonal; the formula's value, status 2 */
    partial_expect(s, yr, NULL, 4, DIFFAUROC_AXIS_FPR, 0, 0.5, DIFFAUROC_W_BELOW_DIAGONAL, 0,
                   0.5 * (1 + (0 - 0.125) / (0.5 - 0.125)), 1e-15,
                   "reversed labels FPR [0, 0.5]: W_BELOW_DIAGONAL, value 1/3");
    /* all tied: the diagonal exactly (standardized 1/2, no warning) */
    partial_expect(s2, y2, NULL, 4, DIFFAUROC_AXIS_FPR, 0, 0.5, DIFFAUROC_OK, 0.125, 0.5, 1e-15,
                   "all tied: diagonal, FPR [0, 0.5]");
    partial_expect(s2, y2, NULL, 4, DIFFAUROC_AXIS_TPR, 0.5, 1, DIFFAUROC_OK, 0.125, 0.5, 1e-15,
                   "all tied: diagonal, TPR [0.5, 1]");
    /* a curve exactly on the diagonal (every score tied) never warns, whatever the range
     * (the computed area may round a hair below the diagonal's), and its standardized
     * value is 1/2 within the header's bound: the area's error (about 10 ulps of
     * upper - lower) divided by max - min, plus a few ulps. max - min is
     * d (1 - s / 2) on the FPR axis and d s / 2 on the TPR axis (d = hi - lo,
     * s = hi + lo): tiny for a TPR range near 0, where the value is ill-conditioned. */
    {
        double zs[23], zy[23], zw[23], area, st;
        int k, warned = 0, cases = 0, j;
        for (j = 0; j < 23; j++) zs[j] = 0, zy[j] = j % 3 == 0, zw[j] = 0.5 + rng_uniform();
        for (k = 0; k < 2000; k++) {
            double a = rng_uniform(), b = rng_uniform(), lo = a < b ? a : b, hi = a < b ? b : a;
            int st_code, tpr = k % 3 == 0;
            double d, s, spread, bound;
            if (!(lo < hi)) continue;
            st_code = auroc_partial(zs, zy, k % 2 ? zw : NULL, 23, tpr, lo, hi, &area, &st);
            cases++;
            d = hi - lo, s = hi + lo, spread = tpr ? d * s / 2 : d * (1 - s / 2);
            bound = 10 * (nextafter(d, 2) - d) / spread + 4 * DBL_EPSILON;
            if (st_code != DIFFAUROC_OK || fabs(st - 0.5) > bound) warned++;
        }
        CHECK(cases > 1900 && warned == 0,
              "all tied, 2000 random ranges: OK, and standardized 1/2 within the header's "
              "bound, every time");
    }
    /* weights scale nothing */
    partial_expect(s, y, (const double[]){3, 3, 3, 3}, 4, DIFFAUROC_AXIS_FPR, 0, 0.25, DIFFAUROC_OK,
                   0.125, 5.0 / 7, 1e-15, "equal weights 3: same values");
    for (i = 0; i < 4; i++) sf[i] = (float)s[i], yf[i] = (float)y[i];
    CHECK_STATUS(auroc_partial_f32(sf, yf, NULL, 4, DIFFAUROC_AXIS_FPR, 0, 0.25, &a32, &st32),
                 DIFFAUROC_OK, "f32 FPR [0, 0.25]");
    CHECK_CLOSE(a32, 0.125, 1e-15, "f32 area");
    CHECK_CLOSE(st32, 5.0 / 7, 1e-15, "f32 standardized");
}

static void test_partial_statuses(void) {
    static const double s[] = {0.1, 0.4, 0.35, 0.8}, y[] = {0, 0, 1, 1}, w[] = {1, 1, 1, 1};
    static const struct { int axis; double a, b; const char *what; } bad[] = {
        {DIFFAUROC_AXIS_FPR, NAN, 0.5, "lower NaN"},  {DIFFAUROC_AXIS_FPR, 0, NAN, "upper NaN"},
        {DIFFAUROC_AXIS_FPR, 0.3, 0.3, "lower == upper"}, {DIFFAUROC_AXIS_FPR, 0.6, 0.3, "lower > upper"},
        {DIFFAUROC_AXIS_TPR, -0.1, 0.5, "lower < 0"}, {DIFFAUROC_AXIS_TPR, 0, 1.0000000000000002, "upper > 1"},
        {DIFFAUROC_AXIS_FPR, -INFINITY, INFINITY, "infinite range"}, {2, 0, 0.5, "axis 2"},
        {-1, 0, 0.5, "axis -1"},
    };
    double area = SENT, st = SENT, bs[4], by[4], bw[4];
    size_t k, huge[] = {SIZE_MAX, ((size_t)1 << 62) + 1};
    group = "partial statuses";
    for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char what[120];
        snprintf(what, sizeof what, "E_BAD_RANGE: %s", bad[k].what);
        partial_expect(s, y, w, 4, bad[k].axis, bad[k].a, bad[k].b, DIFFAUROC_E_BAD_RANGE, 0, 0, 0, what);
        CHECK_STATUS(auroc_partial_f32((const float[]){1, 2}, (const float[]){0, 1}, NULL, 2,
                                       bad[k].axis, bad[k].a, bad[k].b, &area, NULL),
                     DIFFAUROC_E_BAD_RANGE, "... f32");
    }
    partial_expect(s, y, w, 4, DIFFAUROC_AXIS_FPR, -0.0, 1, DIFFAUROC_OK, 0.75, 0.75, 0,
                   "lower -0.0 is 0");
    /* a bad sample is reported before a bad range (order of checks) */
    memcpy(bs, s, sizeof bs), memcpy(by, y, sizeof by), memcpy(bw, w, sizeof bw);
    by[2] = 3;
    partial_expect(bs, by, bw, 4, 7, NAN, NAN, DIFFAUROC_E_BAD_LABEL, 0, 0, 0,
                   "bad label and bad range/axis: the label");
    by[2] = 1, bs[1] = NAN;
    partial_expect(bs, by, bw, 4, DIFFAUROC_AXIS_FPR, 0, 1, DIFFAUROC_E_NONFINITE_SCORE, 0, 0, 0,
                   "score NaN");
    bs[1] = 0.4, bw[3] = INFINITY;
    partial_expect(bs, by, bw, 4, DIFFAUROC_AXIS_FPR, 0, 1, DIFFAUROC_E_BAD_WEIGHT, 0, 0, 0,
                   "weight +inf");
    /* pointers */
    CHECK_STATUS(auroc_partial(s, y, w, 4, DIFFAUROC_AXIS_FPR, 0, 1, NULL, NULL),
                 DIFFAUROC_E_NULL_POINTER, "both outputs NULL");
    CHECK_STATUS(auroc_partial(bs, by, bw, 4, 9, NAN, 0, NULL, NULL), DIFFAUROC_E_NULL_POINTER,
                 "both outputs NULL, bad samples and range: NULL pointer first");
    CHECK_STATUS(auroc_partial(NULL, y, w, 4, DIFFAUROC_AXIS_FPR, 0, 1, &area, &st),
                 DIFFAUROC_E_NULL_POINTER, "scores NULL");
    CHECK_STATUS(auroc_partial(s, NULL, w, 4, DIFFAUROC_AXIS_FPR, 0, 1, &area, &st),
                 DIFFAUROC_E_NULL_POINTER, "labels NULL");
    CHECK_STATUS(auroc_partial_f32(NULL, NULL, NULL, 4, DIFFAUROC_AXIS_FPR, 0, 1, &area, &st),
                 DIFFAUROC_E_NULL_POINTER, "f32 scores NULL");
    CHECK(area == SENT && st == SENT, "... nothing written");
    /* one class, n == 0, every weight 0 */
    partial_expect(s, (const double[]){1, 1, 1, 1}, NULL, 4, DIFFAUROC_AXIS_FPR, 0, 1,
                   DIFFAUROC_E_ONE_CLASS, 0, 0, 0, "positives only");
    partial_expect(s, y, (const double[]){1, 1, 0, 0}, 4, DIFFAUROC_AXIS_TPR, 0, 1,
                   DIFFAUROC_E_ONE_CLASS, 0, 0, 0, "positives of weight 0 only");
    partial_expect(NULL, NULL, NULL, 0, DIFFAUROC_AXIS_FPR, 0, 1, DIFFAUROC_E_ONE_CLASS, 0, 0, 0,
                   "n == 0");
    for (k = 0; k < sizeof huge / sizeof huge[0]; k++) {
        CHECK_STATUS(auroc_partial(NULL, NULL, NULL, huge[k], 5, NAN, NAN, NULL, NULL),
                     DIFFAUROC_E_TOO_LARGE, "n too large, every pointer NULL");
        CHECK_STATUS(auroc_partial_f32(NULL, NULL, NULL, huge[k], 5, NAN, NAN, NULL, NULL),
                     DIFFAUROC_E_TOO_LARGE, "f32: n too large, every pointer NULL");
    }
}

static void test_partial_oracle(void) {
    static const double ranges[][2] = {{0, 1}, {0, 0.1}, {0, 0.3}, {0.2, 0.7}, {0.5, 1}, {0.9, 1},
                                       {1.0 / 3, 0.4}};
    static const size_t sizes[] = {2, 7, 30, 200, 1500};
    size_t si, rep, reps = under_valgrind ? 2 : 6, r;
    double worst = 0, worst_std = 0;
    group = "partial oracle";
    for (si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        size_t n = sizes[si];
        if (under_valgrind && n > 300) continue;
        for (rep = 0; rep < reps; rep++) {
            double *s = xmalloc_doubles(n), *y = xmalloc_doubles(n), *w = xmalloc_doubles(n);
            float *sf = (float *)malloc(n * sizeof(float)), *yf = (float *)malloc(n * sizeof(float));
            int weighted = rep % 2, axis;
            size_t i;
            if (!sf || !yf) exit(2);
            random_curve_data(n, s, y, w, rep < 3 ? 6 : 500, 1);
            y[0] = 0;
            y[n - 1] = 1;
            if (weighted) {
                for (i = 0; i < n; i++) w[i] = rng_uniform() * 4;
            }
            for (i = 0; i < n; i++) sf[i] = (float)s[i], yf[i] = (float)y[i];
            for (axis = 0; axis <= 1; axis++) {
                for (r = 0; r < sizeof ranges / sizeof ranges[0]; r++) {
                    double a = ranges[r][0], b = ranges[r][1], area = SENT, st = SENT, a32 = SENT;
                    const double *wp = weighted ? w : NULL;
                    long double want = oracle_partial(s, y, wp, n, axis, a, b);
                    long double want_std = mcclish(want, axis, a, b);
                    int got = auroc_partial(s, y, wp, n, axis, a, b, &area, &st);
                    int want_status = want_std < 0.5L - 1e-12L ? DIFFAUROC_W_BELOW_DIAGONAL : DIFFAUROC_OK;
                    char what[160];
                    snprintf(what, sizeof what, "n %zu rep %zu axis %d [%g, %g]: status", n, rep, axis, a, b);
                    if (fabsl(want_std - 0.5L) > 1e-12L) CHECK_STATUS(got, want_status, what);
                    else CHECK(got == DIFFAUROC_OK || got == DIFFAUROC_W_BELOW_DIAGONAL, what);
                    if (fabs(area - (double)want) > worst) worst = fabs(area - (double)want);
                    if (fabs(st - (double)want_std) > worst_std) worst_std = fabs(st - (double)want_std);
                    if (!weighted) {
                        auroc_partial_f32(sf, yf, NULL, n, axis, a, b, &a32, NULL);
                        snprintf(what, sizeof what, "n %zu axis %d [%g, %g]: f32 same bits", n, axis, a, b);
                        CHECK(same_bits(a32, area), what);
                    }
                }
            }
            free(s), free(y), free(w), free(sf), free(yf);
        }
    }
    CHECK_CLOSE(worst, 0, 1e-13, "largest |area - oracle| over every case");
    CHECK_CLOSE(worst_std, 0, 1e-12, "largest |standardized - oracle| over every case");
    printf("partial oracle: largest area error %.3g, standardized %.3g\n", worst, worst_std);
}

/* ------------------------------------------------------------------------------------ */
/* Many columns in one call: auroc_exact_columns, _ovr, _ovo, auroc_partial_columns      */
/*
 * Layout helpers: an n x k matrix is built column by column (col[j][i]) and stored with
 * the strides under test; every value is compared with an independent oracle (the
 * long-double pair sum oracle_exact, the correctly rounded unweighted oracle, and the
 * long-double oracle_partial), and, as a consistency check only, with the single-problem
 * function on the gathered column (the header promises the same bits).
 */

/* Stores column-major `cols` (k columns of n) into `dst` with the given strides. */
static void put_strided(double *dst, const double *cols, size_t n, size_t k, size_t ss,
                        size_t cs) {
    size_t i, j;
    for (j = 0; j < k; j++)
        for (i = 0; i < n; i++) dst[i * ss + j * cs] = cols[j * n + i];
}

/* The elements an n x k array with these strides spans (largest index + 1; 1 if empty). */
static size_t span(size_t n, size_t k, size_t ss, size_t cs) {
    return n == 0 || k == 0 ? 1 : (n - 1) * ss + (k - 1) * cs + 1;
}

static void fill_status(int *a, size_t n, int v) {
    size_t i;
    for (i = 0; i < n; i++) a[i] = v;
}

#define CSENT (-999)

/* The hand toy: 4 samples, 2 score columns (S4 and S4 reversed), labels Y4 shared.
 * Column 0: 0.75 (as auroc_exact's S4 toy). Column 1 = {0.8, 0.35, 0.4, 0.1}: positives
 * 0.4, 0.1 against negatives 0.8, 0.35: only 0.4 > 0.35 wins: 1/4. */
static void test_columns_toys(void) {
    static const double cols[8] = {0.1, 0.4, 0.35, 0.8, 0.8, 0.35, 0.4, 0.1};
    double c_order[8], f_order[8], v[3], area[3], st_[3];
    double ylab[8];
    int st[3];
    size_t i;
    group = "columns toys";
    put_strided(c_order, cols, 4, 2, 2, 1);
    put_strided(f_order, cols, 4, 2, 1, 4);
    fill(v, 3, SENT), fill_status(st, 3, CSENT);
    CHECK_STATUS(auroc_exact_columns(c_order, 4, 2, 2, 1, Y4, 1, 0, NULL, v, st), DIFFAUROC_OK,
                 "C order, shared labels");
    CHECK(v[0] == 0.75 && v[1] == 0.25 && v[2] == SENT, "C order: 0.75, 0.25, nothing past k");
    CHECK(st[0] == 0 && st[1] == 0 && st[2] == CSENT, "C order: statuses 0, 0");
    fill(v, 3, SENT);
    CHECK_STATUS(auroc_exact_columns(f_order, 4, 2, 1, 4, Y4, 1, 0, NULL, v, NULL), DIFFAUROC_OK,
                 "Fortran order, shared labels, out_status NULL");
    CHECK(v[0] == 0.75 && v[1] == 0.25, "Fortran order: 0.75, 0.25");
    /* per-column labels: column 1 gets the flipped labels -> 1 - 0.25 = 0.75 */
    for (i = 0; i < 4; i++) ylab[2 * i] = Y4[i], ylab[2 * i + 1] = 1 - Y4[i];
    fill(v, 3, SENT);
    CHECK_STATUS(auroc_exact_columns(c_order, 4, 2, 2, 1, ylab, 2, 1, NULL, v, st), DIFFAUROC_OK,
                 "per-column labels (C order)");
    CHECK(v[0] == 0.75 && v[1] == 0.75, "per-column labels: 0.75, 0.75");
    /* weights shared: column 0 is auroc_exact's weighted toy */
    {
        double want;
        auroc_exact(S4, Y4, W4, 4, &want);
        fill(v, 3, SENT);
        CHECK_STATUS(auroc_exact_columns(f_order, 4, 2, 1, 4, Y4, 1, 0, W4, v, st), DIFFAUROC_OK,
                     "weighted");
        /* by hand: positives 0.35 (w3), 0.8 (w4); negatives 0.1 (w1), 0.4 (w2):
         * (3*1 + 4*1 + 4*2) / (7 * 3) = 15/21 */
        CHECK(v[0] == 15.0 / 21.0 && v[0] == want, "weighted column 0: 15/21");
    }
    /* ovr: 6 samples, 3 classes; scores C order. Column j = the score of class j. */
    {
        static const double cls[6] = {0, 1, 2, 0, 1, 2};
        /* rows (class; columns 0, 1, 2): 0 (0; .9 .3 0), 1 (1; .5 .3 .5), 2 (2; .1 .3 .5),
         * 3 (0; .6 .3 .5), 4 (1; .7 .3 .5), 5 (2; .2 .9 1).
         * column 0, class 0 positive: .9 beats 4, .6 beats .5 .1 .2 -> 7/8
         * column 1, class 1 positive: .3, .3 against .3 .3 .3 .9: 3 ties each -> 3/8
         * column 2, class 2 positive: .5 beats 0 and ties 3 (2.5), 1 beats 4 -> 6.5/8 */
        static const double sc[18] = {0.9, 0.3, 0.0, 0.5, 0.3, 0.5, 0.1, 0.3, 0.5,
                                      0.6, 0.3, 0.5, 0.7, 0.3, 0.5, 0.2, 0.9, 1.0};
        double c3[6];
        fill(v, 3, SENT), fill_status(st, 3, CSENT);
        CHECK_STATUS(auroc_exact_ovr(sc, 6, 3, 3, 1, cls, NULL, v, st), DIFFAUROC_OK, "ovr toy");
        CHECK(v[0] == 7.0 / 8.0 && v[1] == 3.0 / 8.0 && v[2] == 13.0 / 16.0 && st[0] == 0 &&
                  st[1] == 0 && st[2] == 0,
              "ovr toy: 7/8, 3/8, 13/16");
        /* ovo pair (0, 1): rows 0, 1, 3, 4. Column 0 (class 0 positive): .9, .6 against
         * .5, .7 -> .9 beats 2, .6 beats 1 -> 3/4. Column 1 (class 1 positive): every
         * score .3 -> 1/2. */
        {
            double pairs[10];
            int pst[10];
            fill(pairs, 10, SENT), fill_status(pst, 10, CSENT);
            CHECK_STATUS(auroc_exact_ovo(sc, 6, 3, 3, 1, cls, pairs, pst), DIFFAUROC_OK, "ovo toy");
            CHECK(pairs[0 * 3 + 1] == 0.75 && pairs[1 * 3 + 0] == 0.5, "ovo pair (0, 1): 3/4, 1/2");
            CHECK(pairs[0] == SENT && pairs[4] == SENT && pairs[8] == SENT && pairs[9] == SENT &&
                      pst[0] == CSENT && pst[4] == CSENT && pst[8] == CSENT && pst[9] == CSENT,
                  "ovo: diagonal and past k*k untouched");
            /* pair (0, 2): rows 0, 2, 3, 5. column 0: .9, .6 against .1, .2 -> 1;
             * column 2 (class 2 positive): .5, 1 against 0, .5 -> (1.5 + 2) / 4 */
            CHECK(pairs[0 * 3 + 2] == 1.0 && pairs[2 * 3 + 0] == 0.875, "ovo pair (0, 2): 1, 7/8");
            /* pair (1, 2): rows 1, 2, 4, 5. column 1: .3, .3 against .3, .9 -> 1/4;
             * column 2: .5, 1 against .5, .5 -> (1 + 2) / 4 */
            CHECK(pairs[1 * 3 + 2] == 0.25 && pairs[2 * 3 + 1] == 0.75, "ovo pair (1, 2): 1/4, 3/4");
            CHECK(pst[1] == 0 && pst[2] == 0 && pst[3] == 0 && pst[5] == 0 && pst[6] == 0 &&
                      pst[7] == 0,
                  "ovo: every pair status 0");
        }
        /* -0.0 is class 0 */
        memcpy(c3, cls, sizeof c3);
        c3[0] = -0.0;
        fill(v, 3, SENT);
        CHECK_STATUS(auroc_exact_ovr(sc, 6, 3, 3, 1, c3, NULL, v, NULL), DIFFAUROC_OK,
                     "class -0.0 is class 0");
        CHECK(v[0] == 7.0 / 8.0, "... same value");
    }
    /* partial columns: [0, 1] is the AUROC itself; column 1's 0.25 is below the diagonal */
    fill(area, 3, SENT), fill(st_, 3, SENT), fill_status(st, 3, CSENT);
    CHECK_STATUS(auroc_partial_columns(c_order, 4, 2, 2, 1, Y4, 1, 0, NULL, DIFFAUROC_AXIS_FPR, 0, 1,
                                       area, st_, st),
                 DIFFAUROC_W_BELOW_DIAGONAL, "partial columns over [0, 1]");
    CHECK(area[0] == 0.75 && area[1] == 0.25 && st_[0] == 0.75 && st_[1] == 0.25 && area[2] == SENT,
          "partial [0, 1]: the AUROCs, nothing past k");
    CHECK(st[0] == DIFFAUROC_OK && st[1] == DIFFAUROC_W_BELOW_DIAGONAL && st[2] == CSENT,
          "partial [0, 1]: column 1 W_BELOW_DIAGONAL");
    /* FPR [0, 0.25] of S4: area 0.125, standardized 5/7 (the header's toy); column 1 is
     * below the diagonal there: area 0 -> W_BELOW_DIAGONAL for that column */
    fill(area, 3, SENT), fill(st_, 3, SENT), fill_status(st, 3, CSENT);
    CHECK_STATUS(auroc_partial_columns(c_order, 4, 2, 2, 1, Y4, 1, 0, NULL, DIFFAUROC_AXIS_FPR, 0,
                                       0.25, area, st_, st),
                 DIFFAUROC_W_BELOW_DIAGONAL, "partial [0, 0.25]: column 1 below the diagonal");
    CHECK(area[0] == 0.125 && st[0] == DIFFAUROC_OK && st[1] == DIFFAUROC_W_BELOW_DIAGONAL &&
              area[1] == 0 && st_[1] < 0.5,
          "partial [0, 0.25]: 0.125 OK; 0 below the diagonal, both written");
    CHECK_CLOSE(st_[0], 5.0 / 7.0, 4e-16, "partial [0, 0.25]: standardized 5/7");
    fill(area, 3, SENT), fill_status(st, 3, CSENT);
    CHECK_STATUS(auroc_partial_columns(c_order, 4, 2, 2, 1, Y4, 1, 0, NULL, DIFFAUROC_AXIS_FPR, 0,
                                       0.25, area, NULL, st),
                 DIFFAUROC_OK, "... area only: no below-diagonal warning");
    CHECK(st[1] == DIFFAUROC_OK && area[1] == 0, "... column 1 status 0");
}

/* Every status path of the column functions. */
static void test_columns_statuses(void) {
    enum { N = 8, K = 5 };
    double sc[N * K], y[N * K], ys[N], w[N], cls[N], v[K + 1], v2[K + 1], pairs[K * K];
    float scf[N * K], yf[N * K], clsf[N];
    int st[K + 1], pst[K * K];
    size_t i, j, huge = (size_t)1 << 62;
    group = "columns statuses";
    for (i = 0; i < N; i++) {
        for (j = 0; j < K; j++) {
            sc[i * K + j] = (double)((i * 7 + j * 3) % 5) / 4;
            y[i * K + j] = (double)((i + j) % 2);
        }
        ys[i] = (double)(i % 2);
        w[i] = 1 + (double)(i % 3);
        cls[i] = (double)(i % K);
    }
    for (i = 0; i < N * K; i++) scf[i] = (float)sc[i], yf[i] = (float)y[i];
    for (i = 0; i < N; i++) clsf[i] = (float)cls[i];

    /* --- sizes: E_TOO_LARGE before any pointer, nothing written --- */
    fill_status(st, K + 1, CSENT);
    CHECK_STATUS(auroc_exact_columns(NULL, 2, SIZE_MAX, 0, 0, NULL, 0, 0, NULL, NULL, st),
                 DIFFAUROC_E_TOO_LARGE, "k = SIZE_MAX");
    CHECK_STATUS(auroc_exact_columns(NULL, huge, huge, 0, 0, NULL, 0, 0, NULL, NULL, st),
                 DIFFAUROC_E_TOO_LARGE, "n * k overflows size_t");
    CHECK_STATUS(auroc_exact_columns(NULL, (size_t)1 << 30, (size_t)1 << 30, 1, 1 << 30, NULL, 0,
                                     0, NULL, NULL, st),
                 DIFFAUROC_E_TOO_LARGE, "n * k = 2^60 above the single-problem limit");
    CHECK_STATUS(auroc_exact_columns(sc, N, K, K, 1, y, K, 1, NULL, v, st), DIFFAUROC_OK,
                 "(baseline call of the stride cases)");
    fill_status(st, K + 1, CSENT);
    CHECK_STATUS(auroc_exact_columns(sc, N, K, SIZE_MAX / 4, 1, y, K, 1, NULL, v, st),
                 DIFFAUROC_E_TOO_LARGE, "score sample stride: (n - 1) * stride overflows");
    CHECK_STATUS(auroc_exact_columns(sc, N, K, K, SIZE_MAX / 2, y, K, 1, NULL, v, st),
                 DIFFAUROC_E_TOO_LARGE, "score column stride: (k - 1) * stride overflows");
    CHECK_STATUS(auroc_exact_columns(sc, N, K, SIZE_MAX / 16, SIZE_MAX / 8, y, K, 1, NULL, v, st),
                 DIFFAUROC_E_TOO_LARGE, "score strides: the sum overflows");
    CHECK_STATUS(auroc_exact_columns(sc, N, K, (size_t)1 << 57, 1, y, K, 1, NULL, v, st),
                 DIFFAUROC_E_TOO_LARGE, "score index 7 * 2^57 fits size_t but not the limit");
    CHECK_STATUS(auroc_exact_columns(sc, N, K, K, 1, y, SIZE_MAX / 4, 1, NULL, v, st),
                 DIFFAUROC_E_TOO_LARGE, "label sample stride overflows");
    CHECK_STATUS(auroc_exact_columns(sc, N, K, K, 1, y, 1, SIZE_MAX / 3, NULL, v, st),
                 DIFFAUROC_E_TOO_LARGE, "label column stride overflows");
    CHECK_STATUS(auroc_exact_ovr(sc, N, K, SIZE_MAX / 4, 1, cls, NULL, v, st),
                 DIFFAUROC_E_TOO_LARGE, "ovr stride overflows");
    CHECK_STATUS(auroc_exact_ovo(sc, N, K, K, SIZE_MAX / 2, cls, pairs, pst),
                 DIFFAUROC_E_TOO_LARGE, "ovo stride overflows");
    CHECK_STATUS(auroc_exact_ovo(NULL, 1, (size_t)1 << 32, 0, 0, NULL, NULL, NULL),
                 DIFFAUROC_E_TOO_LARGE, "ovo k * k = 2^64 overflows");
    CHECK_STATUS(auroc_exact_ovo(NULL, 1, (size_t)1 << 30, 0, 0, NULL, NULL, NULL),
                 DIFFAUROC_E_TOO_LARGE, "ovo k * k = 2^60 above the limit");
    CHECK_STATUS(auroc_partial_columns(sc, N, K, SIZE_MAX, SIZE_MAX, y, K, 1, NULL, 7, NAN, NAN,
                                       NULL, NULL, st),
                 DIFFAUROC_E_TOO_LARGE, "partial: strides overflow, before NULL outputs and range");
    CHECK_STATUS(auroc_exact_columns_f32(scf, N, K, SIZE_MAX / 4, 1, yf, K, 1, NULL, v, st),
                 DIFFAUROC_E_TOO_LARGE, "f32 stride overflows");
    CHECK_STATUS(auroc_exact_ovr_f32(scf, N, K, K, SIZE_MAX / 2, clsf, NULL, v, st),
                 DIFFAUROC_E_TOO_LARGE, "ovr f32 stride overflows");
    CHECK_STATUS(auroc_exact_ovo_f32(scf, N, K, SIZE_MAX / 4, 1, clsf, pairs, pst),
                 DIFFAUROC_E_TOO_LARGE, "ovo f32 stride overflows");
    CHECK_STATUS(auroc_partial_columns_f32(scf, N, K, SIZE_MAX / 4, 1, yf, K, 1, NULL, 0, 0, 1, v,
                                           NULL, st),
                 DIFFAUROC_E_TOO_LARGE, "partial f32 stride overflows");
    CHECK(all_int(st, K + 1, CSENT), "E_TOO_LARGE writes no status");
    /* one row: the sample stride is never used (index 0 only) */
    CHECK_STATUS(auroc_exact_columns(sc, 1, K, SIZE_MAX, 1, y, SIZE_MAX, 1, NULL, v, st),
                 DIFFAUROC_W_ONE_CLASS, "n == 1: any sample stride (one class per column)");

    /* --- k == 0: OK, nothing touched, whatever n and strides --- */
    CHECK_STATUS(auroc_exact_columns(NULL, SIZE_MAX, 0, SIZE_MAX, SIZE_MAX, NULL, SIZE_MAX,
                                     SIZE_MAX, NULL, NULL, NULL),
                 DIFFAUROC_OK, "k == 0, n = SIZE_MAX, every pointer NULL");
    CHECK_STATUS(auroc_exact_ovr(NULL, 5, 0, 1, 1, NULL, NULL, NULL, NULL), DIFFAUROC_OK, "ovr k == 0");
    CHECK_STATUS(auroc_exact_ovo(NULL, 5, 0, 1, 1, NULL, NULL, NULL), DIFFAUROC_OK, "ovo k == 0");
    CHECK_STATUS(auroc_partial_columns(NULL, 5, 0, 1, 1, NULL, 1, 1, NULL, 9, NAN, NAN, NULL, NULL,
                                       NULL),
                 DIFFAUROC_OK, "partial k == 0 (bad range, NULL outputs: not looked at)");
    CHECK_STATUS(auroc_exact_columns_f32(NULL, 5, 0, 1, 1, NULL, 1, 1, NULL, NULL, NULL),
                 DIFFAUROC_OK, "f32 k == 0");
    CHECK_STATUS(auroc_exact_ovr_f32(NULL, 5, 0, 1, 1, NULL, NULL, NULL, NULL), DIFFAUROC_OK,
                 "ovr f32 k == 0");
    CHECK_STATUS(auroc_exact_ovo_f32(NULL, 5, 0, 1, 1, NULL, NULL, NULL), DIFFAUROC_OK,
                 "ovo f32 k == 0");
    CHECK_STATUS(auroc_partial_columns_f32(NULL, 5, 0, 1, 1, NULL, 1, 1, NULL, 0, 0, 1, NULL, NULL,
                                           NULL),
                 DIFFAUROC_OK, "partial f32 k == 0");

    /* --- NULL pointers --- */
    fill_status(st, K + 1, CSENT);
    CHECK_STATUS(auroc_exact_columns(sc, N, K, K, 1, y, K, 1, NULL, NULL, st),
                 DIFFAUROC_E_NULL_POINTER, "out_values NULL");
    CHECK_STATUS(auroc_exact_columns(NULL, N, K, K, 1, y, K, 1, NULL, v, st),
                 DIFFAUROC_E_NULL_POINTER, "scores NULL");
    CHECK_STATUS(auroc_exact_columns(sc, N, K, K, 1, NULL, K, 1, NULL, v, st),
                 DIFFAUROC_E_NULL_POINTER, "labels NULL");
    CHECK_STATUS(auroc_exact_ovr(sc, N, K, K, 1, NULL, NULL, v, st), DIFFAUROC_E_NULL_POINTER,
                 "classes NULL");
    CHECK_STATUS(auroc_exact_ovr(sc, N, K, K, 1, cls, NULL, NULL, st), DIFFAUROC_E_NULL_POINTER,
                 "ovr out_values NULL");
    CHECK_STATUS(auroc_exact_ovo(sc, N, K, K, 1, cls, NULL, pst), DIFFAUROC_E_NULL_POINTER,
                 "ovo out_pairs NULL");
    CHECK_STATUS(auroc_exact_ovo(sc, N, K, K, 1, NULL, pairs, pst), DIFFAUROC_E_NULL_POINTER,
                 "ovo classes NULL");
    CHECK_STATUS(auroc_partial_columns(sc, N, K, K, 1, y, K, 1, NULL, 0, 0, 1, NULL, NULL, st),
                 DIFFAUROC_E_NULL_POINTER, "partial: both outputs NULL");
    CHECK_STATUS(auroc_partial_columns(sc, N, K, K, 1, y, K, 1, NULL, 9, NAN, 0, NULL, NULL, st),
                 DIFFAUROC_E_NULL_POINTER, "partial: both outputs NULL before a bad range");
    CHECK_STATUS(auroc_exact_columns_f32(scf, N, K, K, 1, NULL, K, 1, NULL, v, st),
                 DIFFAUROC_E_NULL_POINTER, "f32 labels NULL");
    CHECK_STATUS(auroc_exact_ovr_f32(NULL, N, K, K, 1, clsf, NULL, v, st),
                 DIFFAUROC_E_NULL_POINTER, "ovr f32 scores NULL");
    CHECK_STATUS(auroc_exact_ovo_f32(scf, N, K, K, 1, clsf, NULL, NULL), DIFFAUROC_E_NULL_POINTER,
                 "ovo f32 out_pairs NULL");
    CHECK_STATUS(auroc_partial_columns_f32(scf, N, K, K, 1, yf, K, 1, NULL, 0, 0, 1, NULL, NULL, st),
                 DIFFAUROC_E_NULL_POINTER, "partial f32 both outputs NULL");
    CHECK(all_int(st, K + 1, CSENT), "E_NULL_POINTER writes no status");

    /* --- n == 0: every column NaN + E_ONE_CLASS, W_ONE_CLASS; pointers may be NULL --- */
    fill(v, K + 1, SENT), fill_status(st, K + 1, CSENT);
    CHECK_STATUS(auroc_exact_columns(NULL, 0, K, 3, 3, NULL, 3, 3, NULL, v, st),
                 DIFFAUROC_W_ONE_CLASS, "n == 0: W_ONE_CLASS");
    for (j = 0; j < K; j++) CHECK(isnan(v[j]) && st[j] == DIFFAUROC_E_ONE_CLASS, "n == 0: NaN, E_ONE_CLASS");
    CHECK(v[K] == SENT && st[K] == CSENT, "n == 0: nothing past k");
    fill(pairs, K * K, SENT), fill_status(pst, K * K, CSENT);
    CHECK_STATUS(auroc_exact_ovo(NULL, 0, K, 1, 1, NULL, pairs, pst), DIFFAUROC_W_ONE_CLASS,
                 "ovo n == 0");
    CHECK(isnan(pairs[1]) && pst[1] == DIFFAUROC_E_ONE_CLASS && pairs[0] == SENT && pst[0] == CSENT,
          "ovo n == 0: pairs NaN / E_ONE_CLASS, diagonal untouched");
    CHECK_STATUS(auroc_exact_ovo(sc, N, 1, K, 1, (const double[]){0, 0, 0, 0, 0, 0, 0, 0}, pairs,
                                 pst),
                 DIFFAUROC_OK, "ovo k == 1: no pair, OK");

    /* --- per-column statuses: a column without positives, one with weight-0 negatives --- */
    {
        double yy[N * K], ww[N];
        memcpy(yy, y, sizeof yy);
        memcpy(ww, w, sizeof ww);
        for (i = 0; i < N; i++) yy[i * K + 2] = 0; /* column 2: no positive */
        for (i = 0; i < N; i++) yy[i * K + 4] = i == 3 ? 0 : 1; /* column 4: one negative, row 3 */
        fill(v, K + 1, SENT), fill_status(st, K + 1, CSENT);
        CHECK_STATUS(auroc_exact_columns(sc, N, K, K, 1, yy, K, 1, ww, v, st),
                     DIFFAUROC_W_ONE_CLASS, "a column without positives: W_ONE_CLASS");
        CHECK(isnan(v[2]) && st[2] == DIFFAUROC_E_ONE_CLASS, "... column 2 NaN, E_ONE_CLASS");
        CHECK(!isnan(v[4]) && st[4] == DIFFAUROC_OK, "... column 4 computed");
        ww[3] = 0; /* column 4's only negative now has weight 0 */
        fill(v, K + 1, SENT), fill_status(st, K + 1, CSENT);
        CHECK_STATUS(auroc_exact_columns(sc, N, K, K, 1, yy, K, 1, ww, v, st),
                     DIFFAUROC_W_ONE_CLASS, "weight 0 removes column 4's negative");
        CHECK(isnan(v[4]) && st[4] == DIFFAUROC_E_ONE_CLASS && st[0] == 0 && !isnan(v[0]),
              "... column 4 NaN, E_ONE_CLASS; column 0 fine");
        for (j = 0; j < K; j++) {
            double e = SENT;
            double col[N], lab[N];
            int es;
            for (i = 0; i < N; i++) col[i] = sc[i * K + j], lab[i] = yy[i * K + j];
            es = auroc_exact(col, lab, ww, N, &e);
            CHECK(es == (st[j] == 0 ? DIFFAUROC_OK : DIFFAUROC_E_ONE_CLASS) &&
                      (es != 0 || same_bits(e, v[j])),
                  "each column's status and value are auroc_exact's on the gathered column");
        }
        /* ovr: class 3 absent */
        {
            double c2[N];
            for (i = 0; i < N; i++) c2[i] = cls[i] == 3 ? 1 : cls[i];
            fill(v, K + 1, SENT), fill_status(st, K + 1, CSENT);
            CHECK_STATUS(auroc_exact_ovr(sc, N, K, K, 1, c2, NULL, v, st), DIFFAUROC_W_ONE_CLASS,
                         "ovr: class 3 absent");
            CHECK(isnan(v[3]) && st[3] == DIFFAUROC_E_ONE_CLASS && st[1] == 0 && !isnan(v[1]),
                  "... column 3 NaN, E_ONE_CLASS");
            fill(pairs, K * K, SENT), fill_status(pst, K * K, CSENT);
            CHECK_STATUS(auroc_exact_ovo(sc, N, K, K, 1, c2, pairs, pst), DIFFAUROC_W_ONE_CLASS,
                         "ovo: class 3 absent");
            CHECK(isnan(pairs[1 * K + 3]) && isnan(pairs[3 * K + 1]) &&
                      pst[1 * K + 3] == DIFFAUROC_E_ONE_CLASS && pst[3 * K + 1] == DIFFAUROC_E_ONE_CLASS &&
                      pst[0 * K + 1] == 0 && !isnan(pairs[0 * K + 1]),
                  "... pairs with class 3 NaN / E_ONE_CLASS, others computed");
        }
    }

    /* --- bad samples: NaN score at row 5, column 3 --- */
    {
        double bad[N * K], col[N];
        size_t idx = INDEX_SENT;
        memcpy(bad, sc, sizeof bad);
        bad[5 * K + 3] = NAN;
        fill(v, K + 1, SENT), fill_status(st, K + 1, CSENT);
        CHECK_STATUS(auroc_exact_columns(bad, N, K, K, 1, y, K, 1, w, v, st),
                     DIFFAUROC_E_NONFINITE_SCORE, "NaN score at (5, 3)");
        CHECK(st[0] == 0 && st[1] == 0 && st[2] == 0 && st[3] == DIFFAUROC_E_NONFINITE_SCORE &&
                  st[4] == 0 && st[5] == CSENT,
              "... out_status names column 3 (others 0)");
        CHECK(all_equal(v, K + 1, SENT), "... no value written");
        for (i = 0; i < N; i++) col[i] = bad[i * K + 3];
        CHECK(diffauroc_find_invalid(col, ys, w, N, &idx) == DIFFAUROC_E_NONFINITE_SCORE && idx == 5,
              "... diffauroc_find_invalid on column 3 names row 5");
        /* the same in Fortran order, in ovr, partial and the f32 functions */
        {
            double fo[N * K], cols_[N * K];
            float bf[N * K];
            for (j = 0; j < K; j++)
                for (i = 0; i < N; i++) cols_[j * N + i] = bad[i * K + j];
            put_strided(fo, cols_, N, K, 1, N);
            fill_status(st, K + 1, CSENT);
            CHECK_STATUS(auroc_exact_columns(fo, N, K, 1, N, ys, 1, 0, NULL, v, st),
                         DIFFAUROC_E_NONFINITE_SCORE, "Fortran order: NaN at (5, 3)");
            CHECK(st[3] == DIFFAUROC_E_NONFINITE_SCORE && st[2] == 0 && st[4] == 0,
                  "... column 3 named");
            fill_status(st, K + 1, CSENT);
            CHECK_STATUS(auroc_exact_ovr(bad, N, K, K, 1, cls, NULL, v, st),
                         DIFFAUROC_E_NONFINITE_SCORE, "ovr: NaN at (5, 3)");
            CHECK(st[3] == DIFFAUROC_E_NONFINITE_SCORE && st[0] == 0, "... column 3 named");
            fill(pairs, K * K, SENT), fill_status(pst, K * K, CSENT);
            CHECK_STATUS(auroc_exact_ovo(bad, N, K, K, 1, cls, pairs, pst),
                         DIFFAUROC_E_NONFINITE_SCORE, "ovo: NaN at (5, 3)");
            CHECK(all_equal(pairs, K * K, SENT) && all_int(pst, K * K, CSENT),
                  "ovo: input error writes nothing, not even out_status");
            fill_status(st, K + 1, CSENT);
            CHECK_STATUS(auroc_partial_columns(bad, N, K, K, 1, y, K, 1, NULL, 5, NAN, NAN, v, v2, st),
                         DIFFAUROC_E_NONFINITE_SCORE, "partial: NaN before a bad range");
            CHECK(st[3] == DIFFAUROC_E_NONFINITE_SCORE && all_equal(v, K + 1, SENT),
                  "... column 3 named, nothing written");
            for (i = 0; i < N * K; i++) bf[i] = (float)bad[i];
            bf[5 * K + 3] = INFINITY;
            fill_status(st, K + 1, CSENT);
            CHECK_STATUS(auroc_exact_columns_f32(bf, N, K, K, 1, yf, K, 1, NULL, v, st),
                         DIFFAUROC_E_NONFINITE_SCORE, "f32: +inf at (5, 3)");
            CHECK(st[3] == DIFFAUROC_E_NONFINITE_SCORE, "... f32 column 3 named");
        }
        /* order of checks inside a row: a bad label at (5, 1) comes before the score (5, 3) */
        {
            double yb[N * K];
            memcpy(yb, y, sizeof yb);
            yb[5 * K + 1] = 0.5;
            fill_status(st, K + 1, CSENT);
            CHECK_STATUS(auroc_exact_columns(bad, N, K, K, 1, yb, K, 1, NULL, v, st),
                         DIFFAUROC_E_BAD_LABEL, "label (5, 1) before score (5, 3)");
            CHECK(st[1] == DIFFAUROC_E_BAD_LABEL && st[3] == DIFFAUROC_E_NONFINITE_SCORE && st[0] == 0,
                  "... each column's own first error");
            yb[5 * K + 1] = 1;
            yb[6 * K + 0] = NAN;
            CHECK_STATUS(auroc_exact_columns(bad, N, K, K, 1, yb, K, 1, NULL, v, st),
                         DIFFAUROC_E_NONFINITE_SCORE, "row 5's score before row 6's label");
            /* score and label of the same element: the score first */
            yb[6 * K + 0] = 0;
            yb[5 * K + 3] = 2;
            CHECK_STATUS(auroc_exact_columns(bad, N, K, K, 1, yb, K, 1, NULL, v, st),
                         DIFFAUROC_E_NONFINITE_SCORE, "score before label at the same element");
        }
        /* shared labels and weights: a bad one is every column's error */
        {
            double yb[N], wb[N];
            memcpy(yb, ys, sizeof yb);
            yb[2] = -1;
            fill_status(st, K + 1, CSENT);
            CHECK_STATUS(auroc_exact_columns(sc, N, K, K, 1, yb, 1, 0, NULL, v, st),
                         DIFFAUROC_E_BAD_LABEL, "shared label -1");
            CHECK(all_int(st, K, DIFFAUROC_E_BAD_LABEL) && st[K] == CSENT, "... every column");
            memcpy(wb, w, sizeof wb);
            wb[4] = -0.5;
            fill_status(st, K + 1, CSENT);
            CHECK_STATUS(auroc_exact_columns(bad, N, K, K, 1, ys, 1, 0, wb, v, st),
                         DIFFAUROC_E_BAD_WEIGHT, "weight row 4 before score (5, 3)");
            CHECK(all_int(st, K, DIFFAUROC_E_BAD_WEIGHT), "... every column's error is the weight");
            wb[4] = NAN;
            CHECK_STATUS(auroc_exact_ovr(sc, N, K, K, 1, cls, wb, v, NULL), DIFFAUROC_E_BAD_WEIGHT,
                         "ovr weight NaN");
            CHECK_STATUS(auroc_partial_columns(sc, N, K, K, 1, ys, 1, 0, wb, 0, 0, 1, v, NULL, NULL),
                         DIFFAUROC_E_BAD_WEIGHT, "partial weight NaN");
        }
    }

    /* --- classes --- */
    {
        static const double bad_classes[] = {1.5, -1, (double)K, NAN, INFINITY, -INFINITY, 1e300,
                                             0.5, 4.000000000000001, -0.5};
        size_t b;
        for (b = 0; b < sizeof bad_classes / sizeof bad_classes[0]; b++) {
            double c2[N];
            float c2f[N];
            char what[96];
            memcpy(c2, cls, sizeof c2);
            c2[6] = bad_classes[b];
            for (i = 0; i < N; i++) c2f[i] = (float)c2[i];
            snprintf(what, sizeof what, "class %g: E_BAD_CLASS", bad_classes[b]);
            fill(v, K + 1, SENT), fill_status(st, K + 1, CSENT);
            CHECK_STATUS(auroc_exact_ovr(sc, N, K, K, 1, c2, w, v, st), DIFFAUROC_E_BAD_CLASS, what);
            CHECK(all_int(st, K, DIFFAUROC_E_BAD_CLASS) && all_equal(v, K + 1, SENT),
                  "... every column's status, no value");
            CHECK_STATUS(auroc_exact_ovo(sc, N, K, K, 1, c2, pairs, NULL), DIFFAUROC_E_BAD_CLASS,
                         "... ovo");
            if (bad_classes[b] != 4.000000000000001) { /* not a float32 value */
                CHECK_STATUS(auroc_exact_ovr_f32(scf, N, K, K, 1, c2f, NULL, v, NULL),
                             DIFFAUROC_E_BAD_CLASS, "... ovr f32");
                CHECK_STATUS(auroc_exact_ovo_f32(scf, N, K, K, 1, c2f, pairs, NULL),
                             DIFFAUROC_E_BAD_CLASS, "... ovo f32");
            }
        }
        /* a bad class at row 6 comes after a NaN score at row 2 column 4, before (7, 0) */
        {
            double c2[N], bad[N * K];
            memcpy(c2, cls, sizeof c2);
            memcpy(bad, sc, sizeof bad);
            c2[6] = 7;
            bad[2 * K + 4] = NAN;
            CHECK_STATUS(auroc_exact_ovr(bad, N, K, K, 1, c2, NULL, v, st),
                         DIFFAUROC_E_NONFINITE_SCORE, "score (2, 4) before class 6");
            CHECK(st[4] == DIFFAUROC_E_NONFINITE_SCORE && st[0] == DIFFAUROC_E_BAD_CLASS,
                  "... column 4 the score, column 0 the class");
            bad[2 * K + 4] = 0;
            bad[7 * K + 0] = NAN;
            CHECK_STATUS(auroc_exact_ovr(bad, N, K, K, 1, c2, NULL, v, st), DIFFAUROC_E_BAD_CLASS,
                         "class 6 before score (7, 0)");
        }
    }

    /* --- the partial AUC's range, after the samples --- */
    fill(v, K + 1, SENT), fill_status(st, K + 1, CSENT);
    CHECK_STATUS(auroc_partial_columns(sc, N, K, K, 1, y, K, 1, NULL, 2, 0, 0.5, v, NULL, st),
                 DIFFAUROC_E_BAD_RANGE, "axis 2");
    CHECK_STATUS(auroc_partial_columns(sc, N, K, K, 1, y, K, 1, NULL, 0, 0.5, 0.5, v, NULL, st),
                 DIFFAUROC_E_BAD_RANGE, "lower == upper");
    CHECK_STATUS(auroc_partial_columns(sc, N, K, K, 1, y, K, 1, NULL, 1, NAN, 0.5, v, NULL, st),
                 DIFFAUROC_E_BAD_RANGE, "lower NaN");
    CHECK_STATUS(auroc_partial_columns_f32(scf, N, K, K, 1, yf, K, 1, NULL, 0, 0, 1.5, NULL, v, st),
                 DIFFAUROC_E_BAD_RANGE, "f32 upper > 1");
    CHECK(all_equal(v, K + 1, SENT) && all_int(st, K + 1, CSENT), "E_BAD_RANGE writes nothing");

    /* --- strides 0 --- */
    {
        double one_score = 0.25, vv[K];
        fill(vv, K, SENT);
        CHECK_STATUS(auroc_exact_columns(&one_score, N, K, 0, 0, ys, 1, 0, NULL, vv, st),
                     DIFFAUROC_OK, "both score strides 0: every score the same");
        CHECK(all_equal(vv, K, 0.5), "... every column 0.5 (all tied)");
        fill(vv, K, SENT);
        CHECK_STATUS(auroc_exact_columns(sc, N, K, K, 0, ys, 1, 0, NULL, vv, st), DIFFAUROC_OK,
                     "score column stride 0: every column is column 0");
        for (j = 1; j < K; j++) CHECK(same_bits(vv[j], vv[0]), "... same value as column 0");
        fill(v2, K + 1, SENT);
        CHECK_STATUS(auroc_exact_columns(sc, N, K, K, 1, ys, 0, 0, NULL, v2, st), DIFFAUROC_W_ONE_CLASS,
                     "label strides 0: one label for everything (ys[0] = 0): one class");
        CHECK(isnan(v2[0]) && st[0] == DIFFAUROC_E_ONE_CLASS, "... NaN, E_ONE_CLASS");
        /* label_column_stride 0 vs the same labels repeated per column: same bits */
        {
            double yrep[N * K], a[K], b2[K];
            for (i = 0; i < N; i++)
                for (j = 0; j < K; j++) yrep[i * K + j] = ys[i];
            auroc_exact_columns(sc, N, K, K, 1, ys, 1, 0, w, a, NULL);
            auroc_exact_columns(sc, N, K, K, 1, yrep, K, 1, w, b2, NULL);
            CHECK(same_array(a, b2, K), "label_column_stride 0 == the vector repeated per column");
            /* strided shared labels: every other element of a 2N array */
            {
                double y2[2 * N];
                for (i = 0; i < N; i++) y2[2 * i] = ys[i], y2[2 * i + 1] = 7;
                fill(b2, K, SENT);
                CHECK_STATUS(auroc_exact_columns(sc, N, K, K, 1, y2, 2, 0, w, b2, NULL), DIFFAUROC_OK,
                             "shared labels with sample stride 2 (the 7s never read)");
                CHECK(same_array(a, b2, K), "... same bits");
            }
        }
    }
}

/* Unweighted AUROC from midranks (an O(n log n) oracle independent of the library: qsort
 * of (score, label) pairs, each tie group's ranks averaged): 2U = 2 R_pos - P (P + 1) with
 * R_pos the positives' rank sum (ranks from 1), an exact integer in a double for n below
 * 2^26; the correctly rounded 2U / (2PN) by one IEEE division. NaN for one class. */
typedef struct { double s; int y; } ranked;

static int ranked_cmp(const void *a, const void *b) {
    double x = ((const ranked *)a)->s, z = ((const ranked *)b)->s;
    return x < z ? -1 : x > z;
}

static double oracle_ranks(const double *s, const double *y, size_t n) {
    ranked *r = (ranked *)malloc((n ? n : 1) * sizeof(ranked));
    double twice_rank_sum = 0, p = 0, q = 0;
    size_t i = 0, e;
    if (!r) exit(2);
    for (i = 0; i < n; i++) r[i].s = s[i], r[i].y = y[i] == 1, p += y[i] == 1, q += y[i] != 1;
    qsort(r, n, sizeof *r, ranked_cmp);
    for (i = 0; i < n; i = e) {
        size_t pos = 0, t;
        for (e = i; e < n && r[e].s == r[i].s; e++) pos += (size_t)r[e].y;
        /* ranks i + 1 .. e: twice their mean is (i + 1) + e */
        t = (i + 1) + e;
        twice_rank_sum += (double)pos * (double)t;
    }
    free(r);
    if (p == 0 || q == 0) return NAN;
    return (twice_rank_sum - p * (p + 1)) / (2 * p * q);
}

/* Random data with heavy ties against the oracles, in several layouts. */
static void columns_random_case(size_t n, size_t k, int levels, int weighted, int layout,
                                int use_oracle) {
    /* layout 0: C order; 1: Fortran order; 2: a slice (sample stride 2k + 1, column
     * stride 2: every other element of a wider array, NaN in the gaps) with one shared
     * strided label vector; 3: Fortran-ordered scores, C-ordered labels.
     * use_oracle 1: the pair-sum oracles; 2: the rank oracle (unweighted, large n);
     * 0: consistency with the single-problem functions only. */
    size_t ss, cs, ls, lc, i, j, total;
    double *cols = xmalloc_doubles(n * k), *ycols = xmalloc_doubles(n * k), *w = xmalloc_doubles(n);
    double *cls = xmalloc_doubles(n), *sc, *yy, *v = xmalloc_doubles(k), *v2 = xmalloc_doubles(k);
    double *pairs = xmalloc_doubles(k * k), *col = xmalloc_doubles(n), *lab = xmalloc_doubles(n);
    double *area = xmalloc_doubles(k), *stdz = xmalloc_doubles(k);
    float *scf, *yyf, *wf = (float *)malloc((n ? n : 1) * sizeof(float)), *clsf = (float *)malloc((n ? n : 1) * sizeof(float));
    int *st = (int *)malloc(k * sizeof(int)), *pst = (int *)malloc(k * k * sizeof(int));
    int bad_oracle = 0, bad_self = 0, bad_f32 = 0, bad_ovr = 0, bad_ovo = 0, bad_partial = 0;
    int status;
    double worst_partial = 0;
    char what[200];
    if (!wf || !clsf || !st || !pst) exit(2);
    switch (layout) {
    case 0: ss = k, cs = 1, ls = k, lc = 1; break;
    case 1: ss = 1, cs = n, ls = 1, lc = n; break;
    case 2: ss = 2 * k + 1, cs = 2, ls = 1, lc = 0; break;
    default: ss = 1, cs = n, ls = k, lc = 1; break;
    }
    total = span(n, k, ss, cs);
    if (span(n, k, ls, lc) > total) total = span(n, k, ls, lc);
    sc = xmalloc_doubles(total);
    yy = xmalloc_doubles(total);
    scf = (float *)malloc(total * sizeof(float));
    yyf = (float *)malloc(total * sizeof(float));
    if (!scf || !yyf) exit(2);
    fill(sc, total, NAN); /* gaps of a slice are never read: NaN there would be an error */
    fill(yy, total, NAN);
    for (i = 0; i < n; i++) {
        w[i] = weighted ? (rng_next() % 5 == 0 ? 0.0 : (double)(1 + rng_next() % 4) / 2) : 1;
        cls[i] = (double)(rng_next() % k);
        wf[i] = (float)w[i];
        clsf[i] = (float)cls[i];
    }
    for (j = 0; j < k; j++) {
        for (i = 0; i < n; i++) {
            cols[j * n + i] = (double)(int)(rng_next() % (uint64_t)levels) / 8.0 - 1;
            ycols[j * n + i] = lc == 0 ? (double)(i % 3 == 0) : (double)(rng_next() % 3 == 0);
        }
    }
    put_strided(sc, cols, n, k, ss, cs);
    put_strided(yy, ycols, n, lc == 0 ? 1 : k, ls, lc);
    for (i = 0; i < total; i++) scf[i] = (float)sc[i], yyf[i] = (float)yy[i];

    fill_status(st, k, CSENT);
    status = auroc_exact_columns(sc, n, k, ss, cs, yy, ls, lc, weighted ? w : NULL, v, st);
    snprintf(what, sizeof what, "n %zu k %zu layout %d weighted %d: columns status", n, k, layout, weighted);
    CHECK(status == DIFFAUROC_OK || status == DIFFAUROC_W_ONE_CLASS, what);
    for (j = 0; j < k; j++) {
        double want = SENT, self = SENT;
        int undefined, es;
        for (i = 0; i < n; i++) col[i] = cols[j * n + i], lab[i] = ycols[(lc == 0 ? 0 : j) * n + i];
        if (use_oracle == 2) {
            double r = oracle_ranks(col, lab, n);
            if (isnan(r) ? !(isnan(v[j]) && st[j] == DIFFAUROC_E_ONE_CLASS) : !same_bits(r, v[j]))
                bad_oracle++;
        } else if (use_oracle) {
            undefined = oracle_exact(col, lab, weighted ? w : NULL, n, &want);
            if (undefined) {
                if (!(isnan(v[j]) && st[j] == DIFFAUROC_E_ONE_CLASS)) bad_oracle++;
            } else if (!weighted) {
                if (!same_bits(v[j], oracle_exact_rounded(col, lab, n)) || st[j] != 0) bad_oracle++;
            } else if (!(fabs(v[j] - want) <= 4e-16) || st[j] != 0) {
                bad_oracle++;
            }
        }
        es = auroc_exact(col, lab, weighted ? w : NULL, n, &self);
        if (es != (st[j] == 0 ? DIFFAUROC_OK : DIFFAUROC_E_ONE_CLASS) || (es == 0 && !same_bits(self, v[j])))
            bad_self++;
    }
    snprintf(what, sizeof what, "n %zu k %zu layout %d weighted %d: every column == oracle (%d bad)",
             n, k, layout, weighted, bad_oracle);
    if (use_oracle) CHECK(bad_oracle == 0, what);
    snprintf(what, sizeof what, "... every column the same bits as auroc_exact of it (%d bad)", bad_self);
    CHECK(bad_self == 0, what);
    /* float32: the same values (the conversion is exact) */
    auroc_exact_columns_f32(scf, n, k, ss, cs, yyf, ls, lc, weighted ? wf : NULL, v2, NULL);
    for (j = 0; j < k; j++)
        if (!same_bits(v[j], v2[j])) bad_f32++;
    snprintf(what, sizeof what, "... f32 == f64 bit for bit (%d bad)", bad_f32);
    CHECK(bad_f32 == 0, what);

    /* ovr on the same scores */
    fill_status(st, k, CSENT);
    status = auroc_exact_ovr(sc, n, k, ss, cs, cls, weighted ? w : NULL, v, st);
    auroc_exact_ovr_f32(scf, n, k, ss, cs, clsf, weighted ? wf : NULL, v2, NULL);
    for (j = 0; j < k; j++) {
        double want = SENT;
        int undefined;
        for (i = 0; i < n; i++) col[i] = cols[j * n + i], lab[i] = cls[i] == (double)j;
        if (!same_bits(v[j], v2[j])) bad_f32++;
        if (use_oracle == 2) {
            double r = oracle_ranks(col, lab, n);
            if (isnan(r) ? !(isnan(v[j]) && st[j] == DIFFAUROC_E_ONE_CLASS) : !same_bits(r, v[j]))
                bad_ovr++;
            continue;
        }
        if (!use_oracle) {
            double self = SENT;
            int es = auroc_exact(col, lab, weighted ? w : NULL, n, &self);
            if (es != (st[j] == 0 ? DIFFAUROC_OK : DIFFAUROC_E_ONE_CLASS) || (es == 0 && !same_bits(self, v[j])))
                bad_ovr++;
            continue;
        }
        undefined = oracle_exact(col, lab, weighted ? w : NULL, n, &want);
        if (undefined) {
            if (!(isnan(v[j]) && st[j] == DIFFAUROC_E_ONE_CLASS)) bad_ovr++;
        } else if (!weighted) {
            if (!same_bits(v[j], oracle_exact_rounded(col, lab, n)) || st[j] != 0) bad_ovr++;
        } else if (!(fabs(v[j] - want) <= 4e-16) || st[j] != 0) {
            bad_ovr++;
        }
    }
    snprintf(what, sizeof what, "... ovr (status %d): every class == oracle (%d bad), f32 same bits (%d bad)",
             status, bad_ovr, bad_f32);
    CHECK(bad_ovr == 0 && bad_f32 == 0 && (status == DIFFAUROC_OK || status == DIFFAUROC_W_ONE_CLASS), what);

    /* ovo: each pair entry against the oracle on the pair's subset */
    if (k <= 12) {
        size_t a, b;
        fill(pairs, k * k, SENT), fill_status(pst, k * k, CSENT);
        status = auroc_exact_ovo(sc, n, k, ss, cs, cls, pairs, pst);
        for (a = 0; a < k; a++) {
            for (b = 0; b < k; b++) {
                size_t m = 0;
                double want;
                int undefined;
                if (a == b) {
                    if (pairs[a * k + a] != SENT || pst[a * k + a] != CSENT) bad_ovo++;
                    continue;
                }
                for (i = 0; i < n; i++)
                    if (cls[i] == (double)a || cls[i] == (double)b) {
                        col[m] = cols[a * n + i];
                        lab[m] = cls[i] == (double)a;
                        m++;
                    }
                if (use_oracle == 2) {
                    double r = oracle_ranks(col, lab, m);
                    if (isnan(r) ? !(isnan(pairs[a * k + b]) && pst[a * k + b] == DIFFAUROC_E_ONE_CLASS)
                                 : !same_bits(r, pairs[a * k + b]))
                        bad_ovo++;
                } else if (use_oracle) {
                    undefined = oracle_exact(col, lab, NULL, m, &want);
                    if (undefined ? !(isnan(pairs[a * k + b]) && pst[a * k + b] == DIFFAUROC_E_ONE_CLASS)
                                  : !(same_bits(pairs[a * k + b], oracle_exact_rounded(col, lab, m)) &&
                                      pst[a * k + b] == 0))
                        bad_ovo++;
                } else {
                    double self = SENT;
                    int es = auroc_exact(col, lab, NULL, m, &self);
                    if (es != (pst[a * k + b] == 0 ? 0 : DIFFAUROC_E_ONE_CLASS) ||
                        (es == 0 && !same_bits(self, pairs[a * k + b])))
                        bad_ovo++;
                }
            }
        }
        {
            double *p2 = xmalloc_doubles(k * k);
            fill(p2, k * k, SENT);
            auroc_exact_ovo_f32(scf, n, k, ss, cs, clsf, p2, NULL);
            if (!same_array(p2, pairs, k * k)) bad_ovo++;
            free(p2);
        }
        snprintf(what, sizeof what, "... ovo (status %d): every pair entry == oracle, f32 same (%d bad)",
                 status, bad_ovo);
        CHECK(bad_ovo == 0 && (status == DIFFAUROC_OK || status == DIFFAUROC_W_ONE_CLASS), what);
    }

    /* partial columns: FPR [0, 0.3] and TPR [0.2, 0.9] against the long-double oracle */
    if (use_oracle == 1) {
        int axis;
        for (axis = 0; axis <= 1; axis++) {
            double lo = axis ? 0.2 : 0, hi = axis ? 0.9 : 0.3;
            fill(area, k, SENT), fill(stdz, k, SENT), fill_status(st, k, CSENT);
            status = auroc_partial_columns(sc, n, k, ss, cs, yy, ls, lc, weighted ? w : NULL, axis, lo,
                                           hi, area, stdz, st);
            for (j = 0; j < k; j++) {
                long double want;
                double pa = SENT, ps = SENT;
                int es;
                for (i = 0; i < n; i++) col[i] = cols[j * n + i], lab[i] = ycols[(lc == 0 ? 0 : j) * n + i];
                es = auroc_partial(col, lab, weighted ? w : NULL, n, axis, lo, hi, &pa, &ps);
                if (es != st[j] || (es >= 0 && (!same_bits(pa, area[j]) || !same_bits(ps, stdz[j]))))
                    bad_partial++;
                if (es == DIFFAUROC_E_ONE_CLASS) {
                    if (!isnan(area[j]) || !isnan(stdz[j])) bad_partial++;
                    continue;
                }
                want = oracle_partial(col, lab, weighted ? w : NULL, n, axis, lo, hi);
                if (fabs(area[j] - (double)want) > worst_partial) worst_partial = fabs(area[j] - (double)want);
            }
        }
        snprintf(what, sizeof what,
                 "... partial columns: statuses and bits of auroc_partial per column (%d bad), "
                 "largest |area - oracle| %.3g", bad_partial, worst_partial);
        CHECK(bad_partial == 0 && worst_partial <= 1e-13, what);
        /* f32 partial == f64 */
        {
            double *a32 = xmalloc_doubles(k);
            auroc_partial_columns(sc, n, k, ss, cs, yy, ls, lc, weighted ? w : NULL, 0, 0, 0.3, area, NULL, NULL);
            auroc_partial_columns_f32(scf, n, k, ss, cs, yyf, ls, lc, weighted ? wf : NULL, 0, 0, 0.3, a32, NULL, NULL);
            CHECK(same_array(a32, area, k), "... partial f32 == f64 bit for bit");
            free(a32);
        }
    }
    free(cols), free(ycols), free(w), free(cls), free(sc), free(yy), free(v), free(v2), free(pairs);
    free(col), free(lab), free(area), free(stdz), free(scf), free(yyf), free(wf), free(clsf), free(st), free(pst);
}

static void test_columns_random(void) {
    int layout, weighted;
    group = "columns random";
    for (layout = 0; layout < 4; layout++)
        for (weighted = 0; weighted < 2; weighted++) {
            columns_random_case(1, 3, 4, weighted, layout, 1);
            columns_random_case(2, 2, 4, weighted, layout, 1);
            columns_random_case(40, 5, 6, weighted, layout, 1);
            columns_random_case(300, 7, 20, weighted, layout, 1);
            if (!under_valgrind) columns_random_case(600, 4, 1000, weighted, layout, 1);
        }
    /* n * k >= 65536: the columns go to two threads; each column on its own thread */
    if (!under_valgrind) {
        columns_random_case(9000, 8, 50, 0, 0, 2);
        columns_random_case(9000, 8, 50, 0, 1, 2);
        columns_random_case(9000, 8, 50, 1, 1, 0);
        columns_random_case(70000, 3, 2000, 1, 2, 0);
        columns_random_case(70000, 3, 2000, 0, 3, 2);
        columns_random_case(25000, 11, 30, 0, 0, 2);
    } else {
        columns_random_case(6600, 10, 50, 0, 0, 2);
        columns_random_case(6600, 10, 50, 1, 3, 0);
    }
}

/* Columns that end at a PROT_NONE page: nothing past the last reachable element is read. */
static void test_columns_guard_pages(void) {
    enum { N = 29, K = 3 };
    mapping ms, my, mw, mc, mf;
    size_t last = (N - 1) * (K + 2) + (K - 1) * 1 + 1; /* sample stride K + 2, column stride 1 */
    double *s = guarded_doubles(last, &ms), *y = guarded_doubles(last, &my);
    double *w = guarded_doubles(N, &mw), *c = guarded_doubles(N, &mc);
    double *sf = guarded_doubles(N * K, &mf); /* Fortran order */
    double v[K], a[K], pairs[K * K];
    int st[K];
    size_t i;
    group = "columns guard pages";
    if (!s || !y || !w || !c || !sf) {
        printf("SKIP columns guard pages: mmap/mprotect unavailable\n");
        return;
    }
    for (i = 0; i < last; i++) s[i] = rng_uniform(), y[i] = (double)(rng_next() & 1);
    for (i = 0; i < N; i++) w[i] = 1 + rng_uniform(), c[i] = (double)(i % K);
    for (i = 0; i < N * K; i++) sf[i] = rng_uniform();
    CHECK_STATUS(auroc_exact_columns(s, N, K, K + 2, 1, y, K + 2, 1, w, v, st), DIFFAUROC_OK,
                 "strided columns ending at the guard page");
    CHECK_STATUS(auroc_exact_columns(sf, N, K, 1, N, y, K + 2, 1, NULL, v, st), DIFFAUROC_OK,
                 "Fortran columns ending at the guard page");
    CHECK_STATUS(auroc_exact_ovr(s, N, K, K + 2, 1, c, w, v, st), DIFFAUROC_OK, "ovr");
    CHECK_STATUS(auroc_exact_ovo(sf, N, K, 1, N, c, pairs, NULL), DIFFAUROC_OK, "ovo");
    {
        int ps = auroc_partial_columns(s, N, K, K + 2, 1, y, K + 2, 1, w, DIFFAUROC_AXIS_TPR, 0.1,
                                       0.6, a, v, st);
        CHECK(ps == DIFFAUROC_OK || ps == DIFFAUROC_W_BELOW_DIAGONAL, "partial columns (random data: OK or below the diagonal)");
    }
    c[N - 1] = 3;
    CHECK_STATUS(auroc_exact_ovr(s, N, K, K + 2, 1, c, w, v, st), DIFFAUROC_E_BAD_CLASS,
                 "bad last class found, nothing read past it");
    s[last - 1] = NAN;
    CHECK_STATUS(auroc_exact_columns(s, N, K, K + 2, 1, y, K + 2, 1, w, v, st),
                 DIFFAUROC_E_NONFINITE_SCORE, "bad last score found, nothing read past it");
    CHECK(st[K - 1] == DIFFAUROC_E_NONFINITE_SCORE && st[0] == 0, "... in the last column");
    munmap(ms.base, ms.length), munmap(my.base, my.length), munmap(mw.base, mw.length);
    munmap(mc.base, mc.length), munmap(mf.base, mf.length);
}

/* Allocation failure in the column functions (the RLIMIT_AS sweep of test_no_memory):
 * ovr on a C-ordered OOM_N / 4 x 4 array (two threads, gathers, each column's sort). Every
 * child either succeeds with every value right, or returns E_NO_MEMORY with each column
 * either written right (status 0) or untouched (status E_NO_MEMORY), and no abort. */
#define COLS_OOM_K 4

static void columns_oom_child(size_t margin, const double *s, const double *c, int fd) {
    double report[1 + 2 * COLS_OOM_K], v[COLS_OOM_K];
    int st[COLS_OOM_K], rc;
    long pages = 0;
    size_t j;
    FILE *f;
    struct rlimit rl;
    diffauroc_release_memory(NULL); /* cached scratch blocks first, as in oom_child */
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 64 * 1024);
    mallopt(M_TRIM_THRESHOLD, 64 * 1024);
    malloc_trim(0);
#endif
    f = fopen("/proc/self/statm", "r");
    if (!f || fscanf(f, "%ld", &pages) != 1) _exit(4);
    fclose(f);
    rl.rlim_cur = rl.rlim_max = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + margin;
    if (setrlimit(RLIMIT_AS, &rl) != 0) _exit(5);
    fill(v, COLS_OOM_K, SENT);
    fill_status(st, COLS_OOM_K, CSENT);
    rc = auroc_exact_ovr(s, OOM_N / COLS_OOM_K, COLS_OOM_K, COLS_OOM_K, 1, c, NULL, v, st);
    report[0] = rc;
    for (j = 0; j < COLS_OOM_K; j++) report[1 + j] = v[j], report[1 + COLS_OOM_K + j] = st[j];
    if (write(fd, report, sizeof report) != (ssize_t)sizeof report) _exit(6);
    _exit(0);
}

static void test_columns_no_memory(void) {
    const size_t n = OOM_N / COLS_OOM_K;
    double *s, *c, expected[COLS_OOM_K];
    size_t i, margin;
    int n_nomem = 0, n_partial = 0, n_ok = 0, wrong = 0, aborted = 0, setup = 0;
    char what[200];
    group = "columns no memory";
    if (under_valgrind || getenv("DIFFAUROC_TEST_SKIP_OOM")) {
        printf("SKIP columns no memory: DIFFAUROC_TEST_VALGRIND or DIFFAUROC_TEST_SKIP_OOM is set\n");
        return;
    }
    s = xmalloc_doubles(n * COLS_OOM_K);
    c = xmalloc_doubles(n);
    for (i = 0; i < n * COLS_OOM_K; i++) s[i] = (double)((i * 7919u) % 10007u) / 10007.0;
    for (i = 0; i < n; i++) c[i] = (double)((i * 31u) % COLS_OOM_K);
    CHECK_STATUS(auroc_exact_ovr(s, n, COLS_OOM_K, COLS_OOM_K, 1, c, NULL, expected, NULL),
                 DIFFAUROC_OK, "columns no memory: the values in this process");
    for (margin = 0; margin <= OOM_MAX_MARGIN && !aborted; margin += OOM_STEP) {
        int fds[2], status = 0, rc, partial = 0, bad = 0;
        double report[1 + 2 * COLS_OOM_K];
        ssize_t got;
        pid_t pid;
        size_t j;
        if (pipe(fds) != 0) { setup = 1; break; }
        fflush(stdout);
        pid = fork();
        if (pid < 0) { close(fds[0]); close(fds[1]); setup = 1; break; }
        if (pid == 0) {
            close(fds[0]);
            columns_oom_child(margin, s, c, fds[1]);
        }
        close(fds[1]);
        got = read(fds[0], report, sizeof report);
        close(fds[0]);
        waitpid(pid, &status, 0);
        if (WIFSIGNALED(status)) {
            snprintf(what, sizeof what, "auroc_exact_ovr killed by signal %d at margin %zu KiB",
                     WTERMSIG(status), margin >> 10);
            CHECK(0, what);
            aborted = 1;
            break;
        }
        if (got != (ssize_t)sizeof report || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            setup = 1;
            break;
        }
        rc = (int)report[0];
        for (j = 0; j < COLS_OOM_K; j++) {
            double v = report[1 + j];
            int st = (int)report[1 + COLS_OOM_K + j];
            if (rc == DIFFAUROC_E_NO_MEMORY && st == DIFFAUROC_E_NO_MEMORY && v == SENT) continue;
            if (rc == DIFFAUROC_E_NO_MEMORY && st == CSENT && v == SENT) continue; /* nothing written */
            if ((rc == DIFFAUROC_OK || rc == DIFFAUROC_E_NO_MEMORY) && st == DIFFAUROC_OK &&
                same_bits(v, expected[j])) {
                partial += rc == DIFFAUROC_E_NO_MEMORY;
                continue;
            }
            bad++;
        }
        if (bad || (rc != DIFFAUROC_OK && rc != DIFFAUROC_E_NO_MEMORY)) {
            snprintf(what, sizeof what, "auroc_exact_ovr at margin %zu KiB: status %d, %d columns "
                     "neither right nor untouched with E_NO_MEMORY", margin >> 10, rc, bad);
            CHECK(0, what);
            wrong++;
        } else if (rc == DIFFAUROC_OK) {
            n_ok++;
            break;
        } else {
            n_nomem++;
            n_partial += partial > 0;
        }
    }
    free(s);
    free(c);
    if (setup) {
        printf("SKIP columns no memory: fork/pipe/setrlimit failed\n");
        return;
    }
    if (aborted) return;
    if (n_nomem == 0) {
        printf("SKIP columns no memory: no allocation failed under RLIMIT_AS\n");
        return;
    }
    snprintf(what, sizeof what,
             "auroc_exact_ovr: E_NO_MEMORY at %d address-space caps (%d with some columns "
             "written), each column right or untouched, then OK", n_nomem, n_partial);
    CHECK(wrong == 0 && n_ok == 1, what);
    printf("columns no memory: %d caps gave E_NO_MEMORY, %d of them with some columns written\n",
           n_nomem, n_partial);
}

/* ------------------------------------------------------------------------------------ */
/* auroc_exact_ovr_rowsums (_f32): auroc_exact_ovr's values and statuses, and the largest  */
/* |S_i - 1| + 2 k u A_i over the rows (S_i, A_i row i's sum and absolute sum in double)  */

/* The bound as the header defines it, in long double (the oracle: sums of at most a few
 * thousand doubles in long double, compared with a relative tolerance). */
static long double rowsums_oracle(const double *s, size_t n, size_t k, size_t ss, size_t cs,
                                  long double u) {
    long double worst = 0;
    size_t i, j;
    for (i = 0; i < n; i++) {
        long double sum = 0, abs_sum = 0;
        for (j = 0; j < k; j++) {
            long double x = s[i * ss + j * cs];
            sum += x;
            abs_sum += x < 0 ? -x : x;
        }
        {
            long double d = (sum > 1 ? sum - 1 : 1 - sum) + 2.0L * (long double)k * u * abs_sum;
            if (d > worst) worst = d;
        }
    }
    return worst;
}

static void test_ovr_rowsums(void) {
    /* 4 rows of 3 classes, dyadic scores: every row sums to 1 exactly, A_i = 1 */
    double sc[12] = {0.25, 0.25, 0.5, 0.5, 0.25, 0.25, 0.125, 0.375, 0.5, 0.75, 0.125, 0.125};
    double scf_order[12];
    float sc32[12];
    double cls[4] = {0, 1, 2, 0}, one_class[4] = {0, 0, 1, 1}, bad_cls[4] = {0, 1, 3, 0};
    float cls32[4] = {0, 1, 2, 0};
    double w[4] = {1, 2, 1, 1}, bad_w[4] = {1, -1, 1, 1};
    double v[3], plain[3], d;
    int st[3], i, j;
    group = "ovr rowsums";
    for (i = 0; i < 12; i++) sc32[i] = (float)sc[i];
    for (i = 0; i < 4; i++)
        for (j = 0; j < 3; j++) scf_order[j * 4 + i] = sc[i * 3 + j];

    d = SENT;
    CHECK_STATUS(auroc_exact_ovr_rowsums(sc, 4, 3, 3, 1, cls, NULL, v, st, &d), DIFFAUROC_OK,
                 "toy");
    CHECK_STATUS(auroc_exact_ovr(sc, 4, 3, 3, 1, cls, NULL, plain, NULL), DIFFAUROC_OK,
                 "toy, auroc_exact_ovr");
    CHECK(memcmp(v, plain, sizeof v) == 0, "the values of auroc_exact_ovr, bit for bit");
    CHECK(d == 3 * ldexp(1.0, -52), "exact rows: the bound is 2 k u = 3 * 2^-52");
    d = SENT;
    CHECK_STATUS(auroc_exact_ovr_rowsums(scf_order, 4, 3, 1, 4, cls, w, v, st, &d),
                 DIFFAUROC_OK, "Fortran order, weighted");
    CHECK(d == 3 * ldexp(1.0, -52), "Fortran order: the same bound");
    d = SENT;
    CHECK_STATUS(auroc_exact_ovr_rowsums_f32(sc32, 4, 3, 3, 1, cls32, NULL, v, st, &d),
                 DIFFAUROC_OK, "f32 toy");
    CHECK(d == 3 * ldexp(1.0, -23), "f32: u = 2^-24, the bound 3 * 2^-23");
    sc[4] = 0.75; /* row 1 sums to 1.5 */
    d = SENT;
    CHECK_STATUS(auroc_exact_ovr_rowsums(sc, 4, 3, 3, 1, cls, NULL, v, st, &d), DIFFAUROC_OK,
                 "a row summing to 1.5");
    CHECK(d == 0.5 + 3 * ldexp(1.0, -52) * 1.5, "... bound 0.5 + 2 k u 1.5");
    sc[4] = 0.25;
    d = SENT;
    CHECK_STATUS(auroc_exact_ovr_rowsums(sc, 4, 3, 3, 1, one_class, NULL, v, st, &d),
                 DIFFAUROC_W_ONE_CLASS, "class 2 absent: W_ONE_CLASS");
    CHECK(d == 3 * ldexp(1.0, -52) && st[2] == DIFFAUROC_E_ONE_CLASS,
          "... the bound written, class 2's status E_ONE_CLASS");
    d = SENT;
    CHECK_STATUS(auroc_exact_ovr_rowsums(sc, 0, 3, 3, 1, cls, NULL, v, st, &d),
                 DIFFAUROC_W_ONE_CLASS, "n == 0");
    CHECK(d == 0, "n == 0: the bound is 0");

    /* statuses: nothing written on an error, or for k == 0 */
    d = SENT;
    CHECK_STATUS(auroc_exact_ovr_rowsums(NULL, 5, 0, 1, 1, NULL, NULL, NULL, NULL, NULL),
                 DIFFAUROC_OK, "k == 0, everything NULL");
    CHECK_STATUS(auroc_exact_ovr_rowsums(sc, 4, 0, 3, 1, cls, NULL, v, st, &d), DIFFAUROC_OK,
                 "k == 0");
    CHECK(d == SENT, "k == 0: the bound not written");
    CHECK_STATUS(auroc_exact_ovr_rowsums_f32(NULL, 5, 0, 1, 1, NULL, NULL, NULL, NULL, NULL),
                 DIFFAUROC_OK, "f32 k == 0");
    CHECK_STATUS(auroc_exact_ovr_rowsums(sc, 4, 3, 3, 1, cls, NULL, v, st, NULL),
                 DIFFAUROC_E_NULL_POINTER, "out_row_deviation NULL");
    CHECK_STATUS(auroc_exact_ovr_rowsums_f32(sc32, 4, 3, 3, 1, cls32, NULL, v, st, NULL),
                 DIFFAUROC_E_NULL_POINTER, "f32 out_row_deviation NULL");
    CHECK_STATUS(auroc_exact_ovr_rowsums(sc, 4, 3, 3, 1, cls, NULL, NULL, st, &d),
                 DIFFAUROC_E_NULL_POINTER, "out_values NULL");
    CHECK_STATUS(auroc_exact_ovr_rowsums(NULL, 4, 3, 3, 1, cls, NULL, v, st, &d),
                 DIFFAUROC_E_NULL_POINTER, "scores NULL");
    CHECK_STATUS(auroc_exact_ovr_rowsums(sc, 4, 3, 3, 1, NULL, NULL, v, st, &d),
                 DIFFAUROC_E_NULL_POINTER, "classes NULL");
    CHECK_STATUS(auroc_exact_ovr_rowsums_f32(NULL, 4, 3, 3, 1, cls32, NULL, v, st, &d),
                 DIFFAUROC_E_NULL_POINTER, "f32 scores NULL");
    CHECK_STATUS(auroc_exact_ovr_rowsums(sc, 4, 3, SIZE_MAX / 4, 1, cls, NULL, v, st, &d),
                 DIFFAUROC_E_TOO_LARGE, "stride overflows");
    CHECK_STATUS(auroc_exact_ovr_rowsums_f32(sc32, 4, 3, 3, SIZE_MAX / 2, cls32, NULL, v, st,
                                             &d),
                 DIFFAUROC_E_TOO_LARGE, "f32 stride overflows");
    CHECK_STATUS(auroc_exact_ovr_rowsums(sc, 4, 3, 3, 1, bad_cls, NULL, v, st, &d),
                 DIFFAUROC_E_BAD_CLASS, "class 3 of k = 3");
    CHECK(st[0] == DIFFAUROC_E_BAD_CLASS, "... every column's status E_BAD_CLASS");
    CHECK_STATUS(auroc_exact_ovr_rowsums(sc, 4, 3, 3, 1, cls, bad_w, v, st, &d),
                 DIFFAUROC_E_BAD_WEIGHT, "negative weight");
    sc[7] = NAN;
    CHECK_STATUS(auroc_exact_ovr_rowsums(sc, 4, 3, 3, 1, cls, NULL, v, st, &d),
                 DIFFAUROC_E_NONFINITE_SCORE, "NaN score");
    sc[7] = 0.375;
    sc32[7] = INFINITY;
    CHECK_STATUS(auroc_exact_ovr_rowsums_f32(sc32, 4, 3, 3, 1, cls32, NULL, v, st, &d),
                 DIFFAUROC_E_NONFINITE_SCORE, "f32 infinite score");
    CHECK(d == SENT, "no bound written on any error");

    /* overflowing sums of finite scores: an infinite bound */
    {
        double big[6] = {1e308, 1e308, -0.5, 0.25, 0.25, 0.5};
        double c2[2] = {0, 1};
        CHECK_STATUS(auroc_exact_ovr_rowsums(big, 2, 3, 3, 1, c2, NULL, v, st, &d),
                     DIFFAUROC_W_ONE_CLASS, "overflowing row (class 2 absent)");
        CHECK(isinf(d) && d > 0, "... an infinite bound");
    }

    /* 70,000 x 10, C order and a strided slice (two threads, the shared gather): the
     * oracle's bound; one row off by 1e-3, in either half of the rows */
    {
        enum { RN = 70000, RK = 10, RS = 12 };
        double *s = (double *)malloc(sizeof(double) * RN * RS);
        double *c = (double *)malloc(sizeof(double) * RN);
        double val[RK], ref[RK];
        int sts[RK];
        size_t r, q;
        int where;
        if (!s || !c) {
            CHECK(0, "malloc");
            free(s), free(c);
            return;
        }
        for (r = 0; r < RN; r++) {
            double total = 0;
            for (q = 0; q < RS; q++) total += s[r * RS + q] = rng_uniform();
            for (q = 0; q < RK; q++) s[r * RS + q] /= total; /* (columns 10, 11: padding) */
            c[r] = (double)(r % RK);
        }
        for (where = 0; where < 3; where++) {
            size_t row = where == 0 ? 5 : where == 1 ? RN - 3 : RN / 2;
            double saved = s[row * RS + 4];
            long double expected;
            s[row * RS + 4] += 1e-3;
            d = SENT;
            CHECK_STATUS(auroc_exact_ovr_rowsums(s, RN, RK, RS, 1, c, NULL, val, sts, &d),
                         DIFFAUROC_OK, "70,000 x 10 strided");
            CHECK_STATUS(auroc_exact_ovr(s, RN, RK, RS, 1, c, NULL, ref, NULL), DIFFAUROC_OK,
                         "... auroc_exact_ovr");
            CHECK(memcmp(val, ref, sizeof val) == 0, "... the same values, bit for bit");
            expected = rowsums_oracle(s, RN, RK, RS, 1, ldexpl(1.0L, -53));
            CHECK(fabsl((long double)d - expected) <= 1e-12L * expected,
                  "... the bound of the long double oracle (the row off by 1e-3 found)");
            CHECK(d > 1e-3 * 0.999, "... at least the row's 1e-3 off");
            s[row * RS + 4] = saved;
        }
        free(s), free(c);
    }
}

/* ---- diffauroc_release_memory and the cache of large scratch blocks (helper "pool") ----
 *
 * The library keeps blocks of >= 64 KiB between calls. Checked here: release returns
 * DIFFAUROC_OK with or without an out pointer and reports the cached bytes (at least the
 * 8 bytes per sample of auroc_exact's sort words after a call at n = 600,000; 0 right
 * after a release, and always 0 when DIFFAUROC_SCRATCH_POOL_BYTES=0); repeated calls
 * that reuse the cached blocks, on other data and on other sizes, give the oracle's
 * values; and a process that forks while another thread is calling does not deadlock or
 * compute wrongly in the child (whose copies of the cached blocks are its own). */
#define POOL_N ((size_t)600000)

typedef struct {
    const double *s, *y;
    size_t n;
    double expected;
    volatile int stop;
    int wrong;
} pool_worker_args;

static void *pool_worker(void *arg) {
    pool_worker_args *a = arg;
    while (!a->stop) {
        double v = SENT;
        if (auroc_exact(a->s, a->y, NULL, a->n, &v) != DIFFAUROC_OK || v != a->expected) a->wrong++;
    }
    return NULL;
}

/* Unweighted exact AUROC by counting, for scores that are integers in [0, levels). */
static double pool_oracle_levels(const double *s, const double *y, size_t n, size_t levels) {
    uint64_t *neg = calloc(levels, sizeof *neg), *pos = calloc(levels, sizeof *pos);
    uint64_t twice_u = 0, below = 0, p = 0, q = 0;
    size_t i;
    if (!neg || !pos) {
        fprintf(stderr, "out of memory in the pool oracle\n");
        exit(2);
    }
    for (i = 0; i < n; i++) {
        if (y[i] == 1) pos[(size_t)s[i]]++, p++;
        else neg[(size_t)s[i]]++, q++;
    }
    for (i = 0; i < levels; i++) {
        twice_u += pos[i] * (2 * below + neg[i]);
        below += neg[i];
    }
    free(neg), free(pos);
    return (double)twice_u / (double)(2 * p * q); /* both < 2^53: correctly rounded */
}

/* ------------------------------------------------------------------------------------ */
/* The persistent helper thread across fork                                                 */
/*
 * The two-thread paths hand their second half to a helper thread the library keeps
 * (WorkerTeam.swift). A forked child has no such thread: its two-thread calls must start
 * their own and give the parent's bits, twice in a row (the second reuses the child's
 * helper), and the parent's calls must go on working after the fork.
 */
#define FORK_N 70000

/* The byte a forked child (pid, > 0 if the fork worked) writes to `fd` when done, 0 if
 * it writes none within 60 s: a child that hangs (say, waiting for a helper thread the
 * fork did not copy) is killed and fails its check instead of hanging the suite. Reaps
 * the child into *status. */
static unsigned char child_verdict(pid_t pid, int fd, int *status) {
    unsigned char ok = 0;
    struct pollfd pfd;
    if (pid <= 0) return 0;
    pfd.fd = fd;
    pfd.events = POLLIN;
    pfd.revents = 0;
    if (!(poll(&pfd, 1, 60000) == 1 && read(fd, &ok, 1) == 1)) {
        ok = 0;
        kill(pid, SIGKILL);
    }
    waitpid(pid, status, 0);
    return ok;
}

/* The fork and one-CPU tests' FORK_N samples: a third positives, scores uniform + 0.3 label. */
static void fork_inputs(double *s, double *y) {
    size_t i;
    for (i = 0; i < FORK_N; i++) {
        y[i] = rng_next() % 3 == 0 ? 1 : 0;
        s[i] = rng_uniform() + 0.3 * y[i];
    }
}

static void fork_calls(const double *s, const double *y, double *g, double out[3]) {
    double v = SENT, dT = SENT, e = SENT;
    int st1 = auroc_soft_grad(s, y, NULL, FORK_N, 0.3, &v, g, &dT);
    int st2 = auroc_exact(s, y, NULL, FORK_N, &e);
    out[0] = st1 == DIFFAUROC_OK && st2 == DIFFAUROC_OK ? v : SENT;
    out[1] = dT;
    out[2] = e;
}

static void test_fork_helper(void) {
    double *s = xmalloc_doubles(FORK_N), *y = xmalloc_doubles(FORK_N);
    double *g = xmalloc_doubles(FORK_N), *gp = xmalloc_doubles(FORK_N);
    double parent[3], again[3];
    int round;
    group = "fork";
    if (under_valgrind) {
        /* valgrind runs its leak check in each child at _exit, where this test's own
         * buffers (then only in registers) can count as definitely lost: a failure of the
         * test, not of the library. The native and ASan runs keep the test. */
        printf("fork: skipped under valgrind\n");
        free(s); free(y); free(g); free(gp);
        return;
    }
    fork_inputs(s, y);
    fork_calls(s, y, gp, parent); /* the parent's helper now runs */
    CHECK(parent[0] != SENT, "parent: soft and exact two-thread calls succeed");
    for (round = 0; round < 2; round++) {
        int fd[2], status = 0, same = 0;
        pid_t pid;
        if (pipe(fd) != 0) { CHECK(0, "pipe"); break; }
        pid = fork();
        if (pid == 0) {
            double child[3], second[3];
            unsigned char ok;
            close(fd[0]);
            fork_calls(s, y, g, child);
            ok = memcmp(child, parent, sizeof child) == 0 && memcmp(g, gp, FORK_N * sizeof(double)) == 0;
            fork_calls(s, y, g, second);
            ok = ok && memcmp(second, parent, sizeof second) == 0 &&
                 memcmp(g, gp, FORK_N * sizeof(double)) == 0;
            if (write(fd[1], &ok, 1) != 1) _exit(3);
            _exit(0);
        }
        close(fd[1]);
        same = child_verdict(pid, fd[0], &status);
        close(fd[0]);
        CHECK(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 && same,
              round == 0 ? "child of a fork: two two-thread calls, the parent's bits"
                         : "second fork: the child's calls again give the parent's bits");
    }
    fork_calls(s, y, g, again);
    CHECK(memcmp(again, parent, sizeof again) == 0 && memcmp(g, gp, FORK_N * sizeof(double)) == 0,
          "parent after the forks: same bits");
    free(s); free(y); free(g); free(gp);
}

/* ------------------------------------------------------------------------------------ */
/* Both threads on one CPU                                                                   */
/*
 * The two-thread paths hand half of each phase to the helper thread and spin a while for
 * each other before sleeping; each side stops spinning when it finds the other on its own
 * CPU (WorkerTeam.swift, `Spin`). A forked child pinned to one CPU before its first call
 * (its helper, started then, inherits the pin) runs the two-thread paths at 10^4 points
 * (one cell, few cells, series window) and 70,000 (few cells, exact): every call must
 * finish (a 60 s limit) with the unpinned parent's bits, twice in a row.
 */
#define ONE_CPU_N 10000

static void one_cpu_calls(const double *s, const double *y, double *g, double *out) {
    /* T: large (one cell), 0.1 and 1e-3 of the score spread (about 0.35) */
    const double temperatures[3] = {20.0, 0.035, 3.5e-4};
    int c;
    for (c = 0; c < 3; c++) {
        double v = SENT, dT = SENT;
        int st = auroc_soft_grad(s, y, NULL, ONE_CPU_N, temperatures[c], &v, g + (size_t)c * ONE_CPU_N, &dT);
        out[2 * c] = st == DIFFAUROC_OK ? v : SENT;
        out[2 * c + 1] = dT;
    }
    fork_calls(s, y, g + 3 * ONE_CPU_N, out + 6);
}

static void test_one_cpu_helper(void) {
    const size_t gradients = 3 * ONE_CPU_N + FORK_N;
    double *s = xmalloc_doubles(FORK_N), *y = xmalloc_doubles(FORK_N);
    double *g = xmalloc_doubles(gradients), *gp = xmalloc_doubles(gradients);
    double parent[9];
    int fd[2], status = 0, same = 0;
    pid_t pid;
    size_t i;
    group = "one CPU";
    if (under_valgrind) {
        printf("one CPU: skipped under valgrind (forks, as the fork test)\n");
        free(s); free(y); free(g); free(gp);
        return;
    }
    fork_inputs(s, y);
    one_cpu_calls(s, y, gp, parent);
    for (i = 0; i < 9 && parent[i] != SENT; i++) continue;
    CHECK(i == 9, "parent: the calls succeed");
    if (pipe(fd) != 0) {
        CHECK(0, "pipe");
        free(s); free(y); free(g); free(gp);
        return;
    }
    pid = fork();
    if (pid == 0) {
        double child[9];
        unsigned char ok = 1;
        int round, cpu = sched_getcpu();
        cpu_set_t one;
        close(fd[0]);
        CPU_ZERO(&one);
        CPU_SET(cpu < 0 ? 0 : cpu, &one);
        if (sched_setaffinity(0, sizeof one, &one) != 0) ok = 2; /* cannot pin: reported */
        for (round = 0; round < 2 && ok == 1; round++) {
            one_cpu_calls(s, y, g, child);
            ok = memcmp(child, parent, sizeof child) == 0 && memcmp(g, gp, gradients * sizeof(double)) == 0;
        }
        if (write(fd[1], &ok, 1) != 1) _exit(3);
        _exit(0);
    }
    close(fd[1]);
    same = child_verdict(pid, fd[0], &status);
    close(fd[0]);
    CHECK(same != 2, "one CPU: the child could pin itself (sched_setaffinity)");
    CHECK(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 && same == 1,
          "child pinned to one CPU: two rounds of two-thread calls finish with the parent's bits");
    free(s); free(y); free(g); free(gp);
}

static void test_release_memory(void) {
    const char *env = getenv("DIFFAUROC_SCRATCH_POOL_BYTES");
    const int pool_off = env && strcmp(env, "0") == 0;
    const size_t sizes[] = {POOL_N, POOL_N / 2 + 1, POOL_N - 3, POOL_N};
    double *s = xmalloc_doubles(POOL_N), *y = xmalloc_doubles(POOL_N);
    size_t released = 12345, i, k;
    char what[200];
    group = "release memory";
    CHECK_STATUS(diffauroc_release_memory(NULL), DIFFAUROC_OK, "release_memory(NULL)");
    CHECK_STATUS(diffauroc_release_memory(&released), DIFFAUROC_OK, "release_memory(&n)");
    CHECK(released == 0, "release_memory: 0 bytes right after a release");

    /* Other data and other sizes in turn, the blocks of each call cached for the next. */
    for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        const size_t n = sizes[k], levels = k % 2 ? 1000 : 2000003;
        double v = SENT;
        for (i = 0; i < n; i++) {
            y[i] = rng_next() % 3 == 0;
            s[i] = (double)(rng_next() % levels);
        }
        CHECK_STATUS(auroc_exact(s, y, NULL, n, &v), DIFFAUROC_OK, "pool: auroc_exact");
        snprintf(what, sizeof what, "pool: auroc_exact call %zu (n = %zu, %zu levels) == counting oracle",
                 k + 1, n, levels);
        CHECK(v == pool_oracle_levels(s, y, n, levels), what);
    }
    released = 0;
    CHECK_STATUS(diffauroc_release_memory(&released), DIFFAUROC_OK, "release_memory after calls");
    snprintf(what, sizeof what, "release_memory after auroc_exact at n = 600,000: %zu bytes "
             "(expected >= 4.8 MB; 0 when DIFFAUROC_SCRATCH_POOL_BYTES=0)", released);
    CHECK(pool_off ? released == 0 : released >= POOL_N * 8, what);
    CHECK_STATUS(diffauroc_release_memory(&released), DIFFAUROC_OK, "release_memory again");
    CHECK(released == 0, "release_memory: nothing left after a release");

    /* fork while another thread calls (and so takes and gives blocks) */
    if (!under_valgrind) {
        pool_worker_args a;
        pthread_t thread;
        int round, children_ok = 0, children = 0, started;
        a.s = s, a.y = y, a.n = POOL_N, a.stop = 0, a.wrong = 0;
        a.expected = pool_oracle_levels(s, y, POOL_N, 2000003); /* the data of the last call */
        started = pthread_create(&thread, NULL, pool_worker, &a) == 0;
        for (round = 0; started && round < 12; round++) {
            int status = 0;
            pid_t pid;
            fflush(stdout);
            pid = fork();
            if (pid < 0) break;
            if (pid == 0) {
                double v = SENT;
                size_t freed = 0;
                alarm(60); /* a deadlocked child dies of SIGALRM instead of hanging the test */
                if (auroc_exact(s, y, NULL, POOL_N, &v) != DIFFAUROC_OK || v != a.expected) _exit(3);
                if (diffauroc_release_memory(&freed) != DIFFAUROC_OK) _exit(4);
                if (auroc_exact(s, y, NULL, POOL_N, &v) != DIFFAUROC_OK || v != a.expected) _exit(5);
                _exit(0);
            }
            children++;
            if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0)
                children_ok++;
            usleep(3000);
        }
        if (started) {
            a.stop = 1;
            pthread_join(thread, NULL);
            snprintf(what, sizeof what, "pool: fork during calls on another thread: %d of %d "
                     "children computed the oracle's value, released and computed again",
                     children_ok, children);
            CHECK(children > 0 && children_ok == children, what);
            CHECK(a.wrong == 0, "pool: the calling thread's values during the forks");
        } else {
            printf("SKIP pool fork: pthread_create failed\n");
        }
    }
    free(s), free(y);
}

int main(void) {
#ifdef __GLIBC__
    /* One malloc arena for every thread: a second arena reserves 64 MiB of address space
     * up front, and glibc retries a failed allocation there, so no RLIMIT_AS cap in the
     * no-memory tests could make an allocation fail. */
    mallopt(M_ARENA_MAX, 1);
#endif
    verbose = getenv("DIFFAUROC_TEST_VERBOSE") != NULL;
    under_valgrind = getenv("DIFFAUROC_TEST_VALGRIND") != NULL;
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("libdiffauroc %s (header %s), kernels %s\n", diffauroc_version(),
           DIFFAUROC_VERSION_STRING, diffauroc_kernels());

    test_signatures();
    test_version();
    test_kernels();
    test_caller_flush_mode();
    test_status_codes();
    test_exact_values();
    test_soft_pair();
    test_soft_small();
    test_soft_bound();
    test_soft_invariants();
    test_weights();
    test_random();
    test_extremes();
    test_bad_values();
    test_one_class();
    test_null_pointers();
    test_too_large();
    test_guard_pages();
    test_find_invalid();
    test_soft_batch();
    test_exact_batch();
    test_batch_guard_pages();
    test_curve_toys();
    test_curve_statuses();
    test_curve_oracle();
    test_curve_guard_pages();
    test_partial_toys();
    test_partial_statuses();
    test_partial_oracle();
    test_columns_toys();
    test_columns_statuses();
    test_columns_random();
    test_columns_guard_pages();
    test_ovr_rowsums();
    test_no_memory();
    test_columns_no_memory();
    test_threads();
    test_fork_helper();
    test_one_cpu_helper();
    test_release_memory();

    printf("%d passed, %d failed\n", n_passed, n_failed);
    return n_failed == 0 ? 0 : 1;
}
