/*
 * fuzz_diffauroc.c -- libFuzzer target: differential fuzzing of every computing export of
 * libdiffauroc against the independent oracle of oracle.c (built and run by
 * scripts/fuzz.sh; see Tests/fuzz/README.md).
 *
 * Each input is decoded into one problem (scores, labels, optional weights, a temperature;
 * n from 0 to 3,000, or with DIFFAUROC_FUZZ_LARGE=1 also 20,000 and 65,536 and more, to
 * take the library's two-thread paths), and the
 * problem is run through every export:
 *
 *   auroc_soft, auroc_soft_grad, auroc_exact, auroc_exact_f32 (on the values rounded to
 *   float), auroc_soft_grad_batch and auroc_exact_batch (1-3 rows derived from the
 *   problem), diffauroc_find_invalid and diffauroc_find_invalid_f32; auroc_curve,
 *   auroc_curve_f32, auroc_partial, auroc_partial_f32 (selection 4 and "all": the count
 *   protocol, every point bit for bit against oracle_curve, the partial area against a
 *   long-double integral of the curve; see run_curve, run_partial and Tests/fuzz/README.md);
 *   auroc_exact_columns, auroc_exact_ovr, auroc_exact_ovo, auroc_partial_columns,
 *   auroc_delong and their _f32 variants (selection 5: one strided call per input, see
 *   fuzz_columns.inc);
 *
 * or, in the "call-level" mode, one export with a size from {0 .. 8, 2^40, huge} and each
 * pointer NULL or not (the order of checks: size, then pointers). Checked for every call:
 *
 *   - the status is the oracle's (the header's order of checks; -8, -1, then the first bad
 *     sample, then the temperature, then the class check), and diffauroc_strerror of it is
 *     a non-empty string;
 *   - on error no output is written: every output buffer is filled with a canary (a
 *     signalling-NaN bit pattern) and carries one canary element before and after it;
 *     those after-and-before canaries are checked on success too, and inputs are compared
 *     with copies (never written);
 *   - values lie in [0, 1]; the unweighted exact AUROC is bit for bit the correctly
 *     rounded U / (P * N); the weighted one is within 1e-12 of the long-double value;
 *   - the soft value, every gradient and d/dT are within 1e-12 of their natural scales of
 *     the long-double pair sum (1 for the value, w_k / (T * W_class) for a gradient, 1/T
 *     for d/dT, where W_class is the sum of that class's weights: 1/(T P) and 1/(T N)
 *     without weights; DESIGN.md, "How correctness is shown"); a weight-0 sample's
 *     gradient is exactly 0; with one class everything is written as 0 with status 1;
 *   - auroc_soft's value is auroc_soft_grad's, bit for bit; auroc_exact_f32 equals
 *     auroc_exact on the same values widened to double, bit for bit (status too);
 *   - batched rows equal single calls bit for bit (values, gradients, d/dT), out_status
 *     holds each row's code, and a batch with a bad row writes no value anywhere;
 *   - the caller's MXCSR (flush-to-zero / denormals-are-zero, set by some inputs) is given
 *     back and does not change any result (the oracle reads subnormals as subnormals);
 *   - ASan (and LeakSanitizer, per input) watch every byte the library touches: inputs and
 *     outputs are heap blocks of exactly their size.
 *
 * At start-up it also checks the XLA FFI handlers' defensive paths (a NULL call frame, a
 * frame without an API table: an error, never NULL which XLA would read as success).
 *
 * A failed check prints what differs and aborts (libFuzzer then saves the input).
 * DIFFAUROC_FUZZ_KEEP_GOING=1 prints failures and goes on (for counting them).
 */
#define _GNU_SOURCE
#include "diffauroc.h"
#include "oracle.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sanitizer/asan_interface.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xmmintrin.h>

/* ---- failures -------------------------------------------------------------------- */

static int keep_going, large_enabled, columns_only;
static unsigned long failures;
static const char *current_call = "";

#define FAILF(...) do { fail_header(__LINE__); fprintf(stderr, __VA_ARGS__); \
    fputc('\n', stderr); fail_end(); } while (0)
#define CHECK(cond, ...) do { if (!(cond)) FAILF(__VA_ARGS__); } while (0)

static void fail_header(int line) {
    fprintf(stderr, "FUZZ ORACLE MISMATCH (fuzz_diffauroc.c:%d, %s, kernels %s): ", line,
            current_call, diffauroc_kernels());
}
typedef struct problem problem;
static const problem *failing_problem; /* printed with the failure when not NULL */
static void dump_problem(const problem *pb);
typedef struct colspec colspec;
static const colspec *failing_columns; /* a column call (fuzz_columns.inc) */
static void dump_columns(const colspec *c);
static void fail_end(void) {
    if (failing_problem) dump_problem(failing_problem);
    if (failing_columns) dump_columns(failing_columns);
    failures++;
    if (!keep_going) abort();
}

/* ---- the byte source: the input, then a PRNG seeded by it -------------------------- */

typedef struct {
    const uint8_t *p;
    size_t n, i;
    uint64_t rng;
} source;

static uint64_t splitmix(uint64_t *x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static uint8_t u8(source *s) {
    if (s->i < s->n) return s->p[s->i++];
    return (uint8_t)(splitmix(&s->rng) >> 56);
}
static uint16_t u16(source *s) { uint16_t a = u8(s); return (uint16_t)(a << 8 | u8(s)); }
static uint64_t u64(source *s) {
    uint64_t v = 0;
    for (int k = 0; k < 8; k++) v = v << 8 | u8(s);
    return v;
}
static double raw_double(source *s) { uint64_t b = u64(s); double d; memcpy(&d, &b, 8); return d; }
/* uniform in [-1, 1) */
static double unit(source *s) { return (double)(int64_t)(splitmix(&s->rng) >> 11 << 11) / 9223372036854775808.0; }

/* ---- canaried buffers ------------------------------------------------------------ */

static const uint64_t CANARY_BITS = 0x7FF4DEADBEEFCAFEull; /* a signalling NaN */
static const int CANARY_INT = 0x5A5AA5A5;

/* k doubles with one canary before and after; the block is exactly (k + 2) doubles. */
static double *out_doubles(size_t k) {
    double *b = malloc((k + 2) * sizeof *b);
    if (!b) abort();
    for (size_t i = 0; i < k + 2; i++) memcpy(&b[i], &CANARY_BITS, 8);
    return b + 1;
}
static int is_canary(const double *d) { return memcmp(d, &CANARY_BITS, 8) == 0; }
static int all_canary(const double *b, size_t k) {  /* the k elements and both guards */
    for (size_t i = 0; i < k + 2; i++) if (!is_canary(b - 1 + i)) return 0;
    return 1;
}
static int guards_intact(const double *b, size_t k) { return is_canary(b - 1) && is_canary(b + k); }
static void free_out(double *b) { free(b - 1); }

static int *out_ints(size_t k) {
    int *b = malloc((k + 2) * sizeof *b);
    if (!b) abort();
    for (size_t i = 0; i < k + 2; i++) b[i] = CANARY_INT;
    return b + 1;
}
static void free_ints(int *b) { free(b - 1); }

static double *copy_doubles(const double *a, size_t n) {
    double *b = malloc(n ? n * sizeof *b : 1);
    if (!b) abort();
    if (n) memcpy(b, a, n * sizeof *b);
    return b;
}
static int same_bits(double a, double b) { return memcmp(&a, &b, 8) == 0; }

/* ---- the caller's floating-point mode ----------------------------------------------- */

#define MXCSR_CONTROL 0xFFC0u /* DAZ (bit 6), masks, rounding, FTZ (bit 15) */
static unsigned int fp_mode_for_calls = 0x1F80; /* set per input */
static unsigned int saved_mode;
static void enter_caller_mode(void) { saved_mode = _mm_getcsr(); _mm_setcsr(fp_mode_for_calls); }
static void leave_caller_mode(void) {
    unsigned int now = _mm_getcsr();
    _mm_setcsr(saved_mode);
    CHECK((now & MXCSR_CONTROL) == (fp_mode_for_calls & MXCSR_CONTROL),
          "the caller's MXCSR control bits were %#x before the call, %#x after",
          fp_mode_for_calls & MXCSR_CONTROL, now & MXCSR_CONTROL);
}
#define CALL(expr) (enter_caller_mode(), current_rc = (expr), leave_caller_mode(), current_rc)
static int current_rc;

static void check_strerror(int rc) {
    const char *m = diffauroc_strerror(rc);
    CHECK(m != NULL && m[0] != '\0', "diffauroc_strerror(%d) is NULL or empty", rc);
}

/* ---- one problem --------------------------------------------------------------------- */

struct problem {
    size_t n;
    double *s, *y, *w; /* w NULL: unweighted; each exactly n elements */
    double T;
};

/* The problem as C initialisers (%a: exact), for a reproducer. Long arrays are cut. */
static void dump_problem(const problem *pb) {
    const size_t show = pb->n < 64 || getenv("DIFFAUROC_FUZZ_DUMP_ALL") ? pb->n : 64;
    fprintf(stderr, "  problem: n = %zu, T = %a (%.17g), %s\n", pb->n, pb->T, pb->T,
            pb->w ? "weighted" : "weights NULL");
    const double *arrays[3] = {pb->s, pb->y, pb->w};
    const char *names[3] = {"scores", "labels", "weights"};
    for (int a = 0; a < 3; a++) {
        if (!arrays[a]) continue;
        fprintf(stderr, "  %s = {", names[a]);
        for (size_t i = 0; i < show; i++) fprintf(stderr, "%s%a", i ? ", " : "", arrays[a][i]);
        fprintf(stderr, "%s}\n", show < pb->n ? ", ..." : "");
    }
}

static const double grid_steps[] = {1.0, 0.5, 1e-3, 0x1p-30, 1e6, 1e-300, 0x1p-1070, 1e300,
                                    3.0, 1e-8, 0.1, 1e150};
static const double spreads[] = {1.0, 0.1, 10.0, 1e-6, 1e6, 1e-300, 1e300, 1e307, 0x1p-1060,
                                 1e-12, 40.0, 1e3, 5e-324, 1e100, 2.0, 0.01};
static const double temps[] = {1.0, 0.1, 1e-3, 10.0, 1e6, 1e-300, 5e-324, DBL_MAX, 1e308,
                               0.5, 3e-3, 1e-12, 100.0, 2.2250738585072014e-308, 1e-6, 7.0};
static const double bad_temps[] = {0.0, -0.0, -1.0, NAN, INFINITY, -INFINITY, -5e-324};
static const double bad_scores[] = {NAN, INFINITY, -INFINITY, -NAN};
static const double bad_labels[] = {2.0, -1.0, 0.5, NAN, INFINITY, 5e-324, 1.0000000000000002,
                                    -5e-324, 0.9999999999999999, 1e-320};
static const double bad_weights[] = {-1.0, -5e-324, NAN, INFINITY, -INFINITY, -DBL_MAX};

static double special_score(uint8_t b) {
    static const double v[] = {0.0, -0.0, 1.0, -1.0, 1e6, -1e6, DBL_MAX, -DBL_MAX, DBL_MIN,
                               5e-324, -5e-324, 1e308, -1e308, 0x1p53, 0x1p53 + 2, 0.5,
                               0.9999999999999999, 1e-320, 4.0, -4.0, 36.0, -36.0, 710.0,
                               -745.0, 1e-16, 1e16, 0.1, 0.2, 0.30000000000000004, 8.98846567431158e307};
    return v[b % (sizeof v / sizeof v[0])];
}
static double special_weight(uint8_t b) {
    static const double v[] = {0.0, -0.0, 5e-324, DBL_MIN, 1e300, 1e-300, DBL_MAX / 4, DBL_MAX,
                               1e-320, 0.5, 3.0, 1e6, 1e-6, 2.0, 1e154, 1e-160};
    return v[b % (sizeof v / sizeof v[0])];
}

/* Decodes n samples (and T) into fresh heap blocks of exactly n elements. */
static void decode_problem(source *src, problem *pb, size_t n, int weighted, int inject) {
    pb->n = n;
    pb->s = malloc(n ? n * sizeof(double) : 1);
    pb->y = malloc(n ? n * sizeof(double) : 1);
    pb->w = weighted ? malloc(n ? n * sizeof(double) : 1) : NULL;
    if (!pb->s || !pb->y || (weighted && !pb->w)) abort();
    const double grid = grid_steps[u8(src) % (sizeof grid_steps / sizeof grid_steps[0])];
    const double spread = spreads[u8(src) % (sizeof spreads / sizeof spreads[0])];
    const double shift = (u8(src) & 1) ? 0.0 : unit(src) * spread;
    const uint8_t pos_threshold = u8(src);
    const double label_shift = (u8(src) % 4) * spread * 0.5;
    for (size_t i = 0; i < n; i++) {
        uint8_t lb = u8(src);
        double y = lb < pos_threshold ? 1.0 : 0.0;
        if (y == 0.0 && lb == 255) y = -0.0;  /* -0.0 == 0: a valid negative */
        pb->y[i] = y;
        uint8_t k = u8(src);
        double s;
        if (k < 112) s = (double)(k % 16) * grid;                     /* ties */
        else if (k < 208) s = shift + unit(src) * spread + y * label_shift; /* continuous */
        else if (k < 248) s = special_score(u8(src));
        else { s = raw_double(src); if (!isfinite(s)) s = 0.0; }     /* any finite double */
        pb->s[i] = s;
        if (weighted) {
            uint8_t wb = u8(src);
            double w;
            if (wb < 96) w = 1.0;
            else if (wb < 144) w = (double)(wb % 4);                  /* 0 .. 3 */
            else if (wb < 208) w = fabs(unit(src)) * spread;
            else w = special_weight(u8(src));
            pb->w[i] = w;
        }
    }
    uint8_t tb = u8(src);
    pb->T = tb < 240 ? temps[tb % (sizeof temps / sizeof temps[0])] : fabs(raw_double(src));
    if (!isfinite(pb->T) || pb->T == 0.0) pb->T = 1.0;
    if (inject && n > 0) {
        int count = 1 + (u8(src) & 1);
        for (int c = 0; c < count; c++) {
            size_t at = u16(src) % n;
            uint8_t kind = u8(src);
            switch (kind % (weighted ? 4 : 3)) {
            case 0: pb->s[at] = bad_scores[u8(src) % 4]; break;
            case 1: pb->y[at] = bad_labels[u8(src) % 10]; break;
            case 2: if (kind & 8) { pb->T = bad_temps[u8(src) % 7]; break; }
                    pb->y[at] = bad_labels[u8(src) % 10]; break;
            case 3: pb->w[at] = bad_weights[u8(src) % 6]; break;
            }
        }
    }
}

static void free_problem(problem *pb) { free(pb->s); free(pb->y); free(pb->w); }

/* The statuses by the header's rules for valid pointers. */
static int expected_soft_status(const problem *pb) {
    int st = oracle_sample_status(pb->s, pb->y, pb->w, pb->n, NULL);
    if (st) return st;
    if (!(isfinite(pb->T) && pb->T > 0)) return -5;
    return oracle_has_both_classes(pb->y, pb->w, pb->n) ? 0 : 1;
}
static int expected_exact_status(const problem *pb) {
    int st = oracle_sample_status(pb->s, pb->y, pb->w, pb->n, NULL);
    if (st) return st;
    return oracle_has_both_classes(pb->y, pb->w, pb->n) ? 0 : -6;
}

/* ---- soft ----------------------------------------------------------------------------- */

typedef struct {
    int rc;
    double value, dT;
    double *grad; /* n, owned */
} soft_call;

/* The tolerance of gradient i: 1e-12 of its natural scale w_i / (T * W_class), plus two
 * allowances for the double range, far below any normal-range result:
 *  - 1e-305 absolute, for results in the subnormal range;
 *  - finding F2 (not fixed; described here and in the closing note of stop 17): the library forms the mass
 *    w_i / W_class in double, so a mass below DBL_MIN (weights spanning more than ~300
 *    decades) keeps only its subnormal bits, and the gradient (mass / T) * potential,
 *    potential <= 1/4, is off by up to 2^-1075 / T * 1/4. Allowed as 2^-1074 / T, only
 *    where the mass itself is subnormal. Remove once the library scales before dividing. */
static long double grad_tolerance(const problem *pb, size_t i, long double wpos,
                                  long double wneg) {
    const long double T = pb->T, wi = pb->w ? pb->w[i] : 1.0;
    const long double mass = wi / (pb->y[i] == 1.0 ? wpos : wneg);
    long double tol = 1e-12L * (mass / T) + 1e-305L;
    if (mass < DBL_MIN) tol += 0x1p-1074L / T;
    return tol;
}

/* Checks every soft output against the oracle; large n: gradient spot checks only. */
static void check_soft_values(const problem *pb, const soft_call *c, int full_oracle,
                              source *src) {
    const size_t n = pb->n;
    const long double T = pb->T;
    CHECK(c->value >= 0.0 && c->value <= 1.0, "soft value %.17g outside [0, 1] (n %zu, T %.17g)",
          c->value, n, pb->T);
    if (c->rc == 1) {
        CHECK(c->value == 0.0 && c->dT == 0.0, "one class: value %.17g, d/dT %.17g, not 0",
              c->value, c->dT);
        for (size_t i = 0; i < n; i++)
            CHECK(c->grad[i] == 0.0, "one class: grad[%zu] = %.17g, not 0", i, c->grad[i]);
        return;
    }
    long double wpos, wneg;
    oracle_soft_totals(pb->y, pb->w, n, &wpos, &wneg);
    for (size_t i = 0; i < n; i++) {
        if (pb->w && !(pb->w[i] > 0))
            CHECK(c->grad[i] == 0.0, "weight-0 sample %zu has gradient %.17g", i, c->grad[i]);
        else if (pb->y[i] == 1.0)
            CHECK(c->grad[i] >= 0.0, "positive %zu has gradient %.17g < 0", i, c->grad[i]);
        else
            CHECK(c->grad[i] <= 0.0, "negative %zu has gradient %.17g > 0", i, c->grad[i]);
    }
    if (full_oracle) {
        oracle_soft_result r;
        long double *g = malloc((n ? n : 1) * sizeof *g);
        if (!g) abort();
        oracle_soft(pb->s, pb->y, pb->w, n, pb->T, &r, g);
        CHECK(r.has_pairs, "the oracle finds no pair where the library does");
        CHECK(oracle_close(c->value, r.value, 1e-12L),
              "soft value %.17g, oracle %.20Lg (n %zu, T %.17g, %s)", c->value, r.value, n,
              pb->T, pb->w ? "weighted" : "unweighted");
        CHECK(oracle_close(c->dT, r.dT, 1e-12L / T), "d/dT %.17g, oracle %.20Lg (T %.17g)",
              c->dT, r.dT, pb->T);
        for (size_t i = 0; i < n; i++) {
            long double wi = pb->w ? pb->w[i] : 1.0;
            long double scale = wi / (T * (pb->y[i] == 1.0 ? wpos : wneg));
            CHECK(oracle_close(c->grad[i], g[i], grad_tolerance(pb, i, wpos, wneg)),
                  "grad[%zu] = %.17g, oracle %.20Lg (scale %Lg, n %zu, T %.17g)", i,
                  c->grad[i], g[i], scale, n, pb->T);
        }
        free(g);
    } else {
        /* spot checks: four samples' gradients by an O(n) oracle each */
        for (int k = 0; k < 4 && n > 0; k++) {
            size_t i = (size_t)(splitmix(&src->rng) % n);
            long double wi = pb->w ? pb->w[i] : 1.0;
            long double gi = oracle_soft_grad_one(pb->s, pb->y, pb->w, n, pb->T, i, wpos, wneg);
            long double scale = wi / (T * (pb->y[i] == 1.0 ? wpos : wneg));
            CHECK(oracle_close(c->grad[i], gi, grad_tolerance(pb, i, wpos, wneg)),
                  "grad[%zu] = %.17g, oracle %.20Lg (scale %Lg, n %zu, T %.17g)", i,
                  c->grad[i], gi, scale, n, pb->T);
        }
    }
}

/* auroc_soft and auroc_soft_grad on pb; returns the auroc_soft_grad outputs in *out. */
static void run_soft(const problem *pb, int dT_null, int full_oracle, source *src,
                     soft_call *out) {
    const size_t n = pb->n;
    const int expect = expected_soft_status(pb);
    failing_problem = pb;
    double *cs = copy_doubles(pb->s, n), *cy = copy_doubles(pb->y, n);
    double *cw = pb->w ? copy_doubles(pb->w, n) : NULL;

    current_call = "auroc_soft";
    double *v1 = out_doubles(1);
    int rc1 = CALL(auroc_soft(pb->s, pb->y, pb->w, n, pb->T, v1));
    check_strerror(rc1);
    CHECK(rc1 == expect, "status %d, expected %d (n %zu)", rc1, expect, n);
    if (rc1 < 0) CHECK(all_canary(v1, 1), "an output was written on error %d", rc1);
    else CHECK(guards_intact(v1, 1), "wrote outside out_value");

    current_call = "auroc_soft_grad";
    double *v2 = out_doubles(1), *g = out_doubles(n), *dT = out_doubles(1);
    int rc2 = CALL(auroc_soft_grad(pb->s, pb->y, pb->w, n, pb->T, v2, g,
                                   dT_null ? NULL : dT));
    check_strerror(rc2);
    CHECK(rc2 == expect, "status %d, expected %d (n %zu)", rc2, expect, n);
    if (rc2 < 0) {
        CHECK(all_canary(v2, 1) && all_canary(g, n) && all_canary(dT, 1),
              "an output was written on error %d", rc2);
    } else {
        CHECK(guards_intact(v2, 1) && guards_intact(g, n) && guards_intact(dT, 1),
              "wrote outside an output buffer");
        if (dT_null) CHECK(all_canary(dT, 1), "d/dT written through a NULL pointer?");
        for (size_t i = 0; i < n; i++) CHECK(!is_canary(&g[i]), "grad[%zu] not written", i);
        if (rc1 >= 0) CHECK(same_bits(v1[0], v2[0]),
                            "auroc_soft %.17g != auroc_soft_grad's value %.17g", v1[0], v2[0]);
    }
    CHECK(memcmp(cs, pb->s, n * 8) == 0 && memcmp(cy, pb->y, n * 8) == 0 &&
          (!cw || memcmp(cw, pb->w, n * 8) == 0), "an input array was written");

    out->rc = rc2;
    out->value = v2[0];
    out->dT = dT[0];
    out->grad = copy_doubles(g, n);
    if (rc2 >= 0) {
        /* d/dT from a call with a non-NULL pointer, for the oracle and the batch */
        if (dT_null) {
            double *v3 = out_doubles(1), *g3 = out_doubles(n), *dT3 = out_doubles(1);
            int rc3 = CALL(auroc_soft_grad(pb->s, pb->y, pb->w, n, pb->T, v3, g3, dT3));
            CHECK(rc3 == rc2 && same_bits(v3[0], v2[0]) && memcmp(g3, g, n * 8) == 0,
                  "auroc_soft_grad with and without out_dtemperature differ");
            out->dT = dT3[0];
            free_out(v3); free_out(g3); free_out(dT3);
        }
        check_soft_values(pb, out, full_oracle, src);
    }
    free_out(v1); free_out(v2); free_out(g); free_out(dT);
    free(cs); free(cy); free(cw);
    failing_problem = NULL;
}

/* ---- exact ------------------------------------------------------------------------------ */

static void check_exact_value(const problem *pb, double v) {
    oracle_exact_result r;
    oracle_exact(pb->s, pb->y, pb->w, pb->n, &r);
    CHECK(r.defined, "the oracle finds one class where the library computed %.17g", v);
    CHECK(v >= 0.0 && v <= 1.0, "exact AUROC %.17g outside [0, 1]", v);
    if (!pb->w) {
        CHECK(same_bits(v, r.value_rn),
              "exact AUROC %.17g (%a), correctly rounded U/(PN) = %.17g (%a) "
              "(2U = %llu, 2PN = %llu, n %zu)",
              v, v, r.value_rn, r.value_rn, (unsigned long long)r.u2,
              (unsigned long long)r.pn2, pb->n);
    } else {
        CHECK(oracle_close(v, r.value, 1e-12L),
              "weighted exact AUROC %.17g, long-double oracle %.20Lg (n %zu)", v, r.value,
              pb->n);
    }
}

/* auroc_exact on pb; returns the status and value. */
static int run_exact(const problem *pb, double *value) {
    const size_t n = pb->n;
    const int expect = expected_exact_status(pb);
    failing_problem = pb;
    double *cs = copy_doubles(pb->s, n), *cy = copy_doubles(pb->y, n);
    double *cw = pb->w ? copy_doubles(pb->w, n) : NULL;
    current_call = "auroc_exact";
    double *v = out_doubles(1);
    int rc = CALL(auroc_exact(pb->s, pb->y, pb->w, n, v));
    check_strerror(rc);
    CHECK(rc == expect, "status %d, expected %d (n %zu)", rc, expect, n);
    if (rc != 0) CHECK(all_canary(v, 1), "out_value written on status %d", rc);
    else {
        CHECK(guards_intact(v, 1), "wrote outside out_value");
        check_exact_value(pb, v[0]);
    }
    CHECK(memcmp(cs, pb->s, n * 8) == 0 && memcmp(cy, pb->y, n * 8) == 0 &&
          (!cw || memcmp(cw, pb->w, n * 8) == 0), "an input array was written");
    *value = v[0];
    failing_problem = NULL;
    free_out(v);
    free(cs); free(cy); free(cw);
    return rc;
}

/* A double rounded to float, finite doubles beyond float's range to +-FLT_MAX (so that a
 * sample that is valid in double stays valid; NaN and infinities stay what they are). */
static float to_float(double x) {
    float f = (float)x;
    if (isfinite(x) && !isfinite(f)) f = x > 0 ? FLT_MAX : -FLT_MAX;
    return f;
}

/* auroc_exact_f32 on pb's values rounded to float, against auroc_exact on the floats
 * widened back to double (bit for bit, status too) and against the oracle. */
static void run_exact_f32(const problem *pb) {
    const size_t n = pb->n;
    float *fs = malloc(n ? n * sizeof *fs : 1), *fy = malloc(n ? n * sizeof *fy : 1);
    float *fw = pb->w ? malloc(n ? n * sizeof *fw : 1) : NULL;
    if (!fs || !fy || (pb->w && !fw)) abort();
    for (size_t i = 0; i < n; i++) {
        fs[i] = to_float(pb->s[i]); fy[i] = (float)pb->y[i];
        if (fw) fw[i] = to_float(pb->w[i]);
    }
    problem wide = {n, malloc(n ? n * 8 : 1), malloc(n ? n * 8 : 1),
                    fw ? malloc(n ? n * 8 : 1) : NULL, 1.0};
    for (size_t i = 0; i < n; i++) {
        wide.s[i] = fs[i]; wide.y[i] = fy[i];
        if (fw) wide.w[i] = fw[i];
    }
    const int expect = expected_exact_status(&wide);
    failing_problem = &wide;
    current_call = "auroc_exact_f32";
    double *v = out_doubles(1);
    int rc = CALL(auroc_exact_f32(fs, fy, fw, n, v));
    check_strerror(rc);
    CHECK(rc == expect, "status %d, expected %d (n %zu)", rc, expect, n);
    if (rc != 0) CHECK(all_canary(v, 1), "out_value written on status %d", rc);
    else {
        CHECK(guards_intact(v, 1), "wrote outside out_value");
        check_exact_value(&wide, v[0]);
    }
    double wv = 0;
    int wrc = run_exact(&wide, &wv);
    failing_problem = &wide;
    current_call = "auroc_exact_f32 vs auroc_exact";
    CHECK(wrc == rc, "auroc_exact_f32 status %d, auroc_exact on the widened values %d", rc, wrc);
    if (rc == 0 && wrc == 0)
        CHECK(same_bits(v[0], wv), "auroc_exact_f32 %.17g (%a) != auroc_exact on the widened "
              "values %.17g (%a) (n %zu, %s)", v[0], v[0], wv, wv, n,
              fw ? "weighted" : "unweighted");

    /* diffauroc_find_invalid_f32 */
    current_call = "diffauroc_find_invalid_f32";
    size_t want_index = 0;
    int want = oracle_sample_status(wide.s, wide.y, wide.w, n, &want_index);
    size_t *idx = malloc(3 * sizeof *idx);
    if (!idx) abort();
    idx[0] = idx[1] = idx[2] = (size_t)0xA5A5A5A5A5A5A5A5ull;
    int frc = CALL(diffauroc_find_invalid_f32(fs, fy, fw, n, idx + 1));
    CHECK(frc == want, "status %d, expected %d", frc, want);
    if (frc == want && want < 0) CHECK(idx[1] == want_index, "index %zu, expected %zu", idx[1], want_index);
    if (want == 0) CHECK(idx[1] == (size_t)0xA5A5A5A5A5A5A5A5ull, "out_index written on success");
    CHECK(idx[0] == (size_t)0xA5A5A5A5A5A5A5A5ull && idx[2] == (size_t)0xA5A5A5A5A5A5A5A5ull,
          "wrote outside out_index");
    if (rc == -2 || rc == -3 || rc == -4)
        CHECK(frc == rc, "find_invalid_f32 %d where auroc_exact_f32 returned %d", frc, rc);
    free(idx);
    failing_problem = NULL;
    free_out(v);
    free(fs); free(fy); free(fw);
    free_problem(&wide);
}

static void run_find_invalid(const problem *pb, int soft_rc) {
    current_call = "diffauroc_find_invalid";
    failing_problem = pb;
    size_t want_index = 0;
    int want = oracle_sample_status(pb->s, pb->y, pb->w, pb->n, &want_index);
    size_t *idx = malloc(3 * sizeof *idx);
    if (!idx) abort();
    idx[0] = idx[1] = idx[2] = (size_t)0xA5A5A5A5A5A5A5A5ull;
    int rc = CALL(diffauroc_find_invalid(pb->s, pb->y, pb->w, pb->n, idx + 1));
    check_strerror(rc);
    CHECK(rc == want, "status %d, expected %d", rc, want);
    if (rc == want && want < 0) CHECK(idx[1] == want_index, "index %zu, expected %zu", idx[1], want_index);
    if (want == 0) CHECK(idx[1] == (size_t)0xA5A5A5A5A5A5A5A5ull, "out_index written on success");
    CHECK(idx[0] == (size_t)0xA5A5A5A5A5A5A5A5ull && idx[2] == (size_t)0xA5A5A5A5A5A5A5A5ull,
          "wrote outside out_index");
    if (soft_rc == -2 || soft_rc == -3 || soft_rc == -4)
        CHECK(rc == soft_rc, "find_invalid %d where auroc_soft_grad returned %d", rc, soft_rc);
    failing_problem = NULL;
    free(idx);
}

/* ---- batches ----------------------------------------------------------------------------- */

#define MAX_ROWS 3

/* Row r of a batch derived from the problem: a copy, rotated, reversed, labels flipped,
 * one class, or with a bad value injected. */
static void derive_row(source *src, const problem *pb, problem *row, int inject) {
    const size_t n = pb->n;
    row->n = n;
    row->s = copy_doubles(pb->s, n);
    row->y = copy_doubles(pb->y, n);
    row->w = pb->w ? copy_doubles(pb->w, n) : NULL;
    row->T = pb->T;
    uint8_t kind = u8(src);
    size_t k = n ? u16(src) % n : 0;
    switch (kind % 7) {
    case 0: break;
    case 1:  /* rotate by k */
        for (size_t i = 0; i < n; i++) {
            row->s[i] = pb->s[(i + k) % n]; row->y[i] = pb->y[(i + k) % n];
            if (row->w) row->w[i] = pb->w[(i + k) % n];
        }
        break;
    case 2:  /* reverse */
        for (size_t i = 0; i < n; i++) {
            row->s[i] = pb->s[n - 1 - i]; row->y[i] = pb->y[n - 1 - i];
            if (row->w) row->w[i] = pb->w[n - 1 - i];
        }
        break;
    case 3:  /* flip valid labels */
        for (size_t i = 0; i < n; i++)
            if (row->y[i] == 0.0 || row->y[i] == 1.0) row->y[i] = 1.0 - row->y[i];
        break;
    case 4:  /* one class */
        for (size_t i = 0; i < n; i++)
            if (row->y[i] == 1.0) row->y[i] = 0.0;
        break;
    case 5:
        if (inject && n) {
            if (kind & 16) row->s[k] = bad_scores[kind % 4];
            else row->y[k] = bad_labels[kind % 10];
        }
        break;
    case 6:  /* another temperature */
        /* (4 T may overflow to infinity: then the row's status is -5, as the oracle says) */
        row->T = (kind & 8 && inject) ? bad_temps[kind % 7] : pb->T * (kind & 16 ? 0.5 : 4.0);
        break;
    }
}

static void run_batches(source *src, const problem *pb, int inject, int flags) {
    const size_t n = pb->n;
    const size_t B = 1 + u8(src) % MAX_ROWS;
    problem rows[MAX_ROWS];
    rows[0] = (problem){n, copy_doubles(pb->s, n), copy_doubles(pb->y, n),
                        pb->w ? copy_doubles(pb->w, n) : NULL, pb->T};
    for (size_t r = 1; r < B; r++) derive_row(src, pb, &rows[r], inject);
    /* stride 0 shares row 0's temperature */
    size_t stride = u8(src) % 3;
    if (stride == 0) for (size_t r = 1; r < B; r++) rows[r].T = rows[0].T;
    const size_t tcount = (B - 1) * stride + 1;
    double *temps_ = malloc(tcount * sizeof *temps_);
    double *S = malloc(B * n * 8 + 1), *Y = malloc(B * n * 8 + 1);
    double *W = pb->w ? malloc(B * n * 8 + 1) : NULL;
    if (!temps_ || !S || !Y || (pb->w && !W)) abort();
    for (size_t t = 0; t < tcount; t++) temps_[t] = 12345.0;  /* unused slots */
    for (size_t r = 0; r < B; r++) {
        temps_[r * stride] = rows[r].T;
        memcpy(S + r * n, rows[r].s, n * 8);
        memcpy(Y + r * n, rows[r].y, n * 8);
        if (W) memcpy(W + r * n, rows[r].w, n * 8);
    }

    /* single calls, checked against the oracle */
    soft_call single[MAX_ROWS];
    int soft_row_code[MAX_ROWS], exact_row_code[MAX_ROWS];
    double exact_single[MAX_ROWS];
    int soft_first_bad = 0, exact_first_bad = 0, soft_warn = 0;
    for (size_t r = 0; r < B; r++) {
        run_soft(&rows[r], 0, n <= 64, src, &single[r]);
        int rc = single[r].rc;
        soft_row_code[r] = rc < 0 ? rc : 0;
        if (rc < 0 && !soft_first_bad) soft_first_bad = rc;
        if (rc == 1) soft_warn = 1;
        int erc = run_exact(&rows[r], &exact_single[r]);
        exact_row_code[r] = erc;
        if (erc < 0 && !exact_first_bad) exact_first_bad = erc;
    }

    failing_problem = pb; /* row 0; the others are derived from it */
    /* auroc_soft_grad_batch, with or without gradients / d/dT / out_status */
    for (int variant = 0; variant < 2; variant++) {
        const int want_grads = variant == 0 ? !(flags & 0x20) : 0;
        const int want_dT = want_grads && !(flags & 0x04);
        const int want_status = variant == 0 ? !(flags & 0x40) : 1;
        current_call = want_grads ? "auroc_soft_grad_batch" : "auroc_soft_grad_batch (values only)";
        double *ov = out_doubles(B), *og = out_doubles(B * n), *odT = out_doubles(B);
        int *ost = out_ints(B);
        int rc = CALL(auroc_soft_grad_batch(S, Y, W, B, n, temps_, stride, ov,
                                            want_grads ? og : NULL, want_dT ? odT : NULL,
                                            want_status ? ost : NULL));
        check_strerror(rc);
        const int expect = soft_first_bad ? soft_first_bad : soft_warn ? 1 : 0;
        CHECK(rc == expect, "status %d, expected %d (%zu rows of n %zu, stride %zu)", rc,
              expect, B, n, stride);
        CHECK(ost[-1] == CANARY_INT && ost[B] == CANARY_INT, "wrote outside out_status");
        if (!want_status)
            for (size_t r = 0; r < B; r++) CHECK(ost[r] == CANARY_INT, "out_status written through NULL?");
        if (rc < 0) {
            CHECK(all_canary(ov, B) && all_canary(og, B * n) && all_canary(odT, B),
                  "a value, gradient or d/dT was written on error %d", rc);
            if (want_status)
                for (size_t r = 0; r < B; r++)
                    CHECK(ost[r] == soft_row_code[r], "out_status[%zu] = %d, expected %d", r,
                          ost[r], soft_row_code[r]);
        } else {
            CHECK(guards_intact(ov, B) && guards_intact(og, B * n) && guards_intact(odT, B),
                  "wrote outside an output buffer");
            if (!want_grads) CHECK(all_canary(og, B * n), "gradients written through NULL?");
            if (!want_dT) CHECK(all_canary(odT, B), "d/dT written through NULL?");
            for (size_t r = 0; r < B; r++) {
                if (want_status)
                    CHECK(ost[r] == single[r].rc, "out_status[%zu] = %d, single call %d", r,
                          ost[r], single[r].rc);
                CHECK(same_bits(ov[r], single[r].value),
                      "row %zu value %.17g != single call %.17g", r, ov[r], single[r].value);
                if (want_grads) {
                    for (size_t i = 0; i < n; i++)
                        CHECK(same_bits(og[r * n + i], single[r].grad[i]),
                              "row %zu grad[%zu] %.17g != single call %.17g", r, i,
                              og[r * n + i], single[r].grad[i]);
                }
                if (want_dT)
                    CHECK(same_bits(odT[r], single[r].dT), "row %zu d/dT %.17g != single %.17g",
                          r, odT[r], single[r].dT);
            }
        }
        free_out(ov); free_out(og); free_out(odT); free_ints(ost);
    }

    /* auroc_exact_batch */
    {
        current_call = "auroc_exact_batch";
        const int want_status = !(flags & 0x40);
        double *ov = out_doubles(B);
        int *ost = out_ints(B);
        int rc = CALL(auroc_exact_batch(S, Y, W, B, n, ov, want_status ? ost : NULL));
        check_strerror(rc);
        CHECK(rc == exact_first_bad, "status %d, expected %d (%zu rows of n %zu)", rc,
              exact_first_bad, B, n);
        CHECK(ost[-1] == CANARY_INT && ost[B] == CANARY_INT, "wrote outside out_status");
        if (rc < 0) {
            CHECK(all_canary(ov, B), "a value was written on error %d", rc);
        } else {
            CHECK(guards_intact(ov, B), "wrote outside out_values");
            for (size_t r = 0; r < B; r++)
                CHECK(same_bits(ov[r], exact_single[r]), "row %zu value %.17g != single %.17g",
                      r, ov[r], exact_single[r]);
        }
        if (want_status)
            for (size_t r = 0; r < B; r++)
                CHECK(ost[r] == exact_row_code[r], "out_status[%zu] = %d, expected %d", r,
                      ost[r], exact_row_code[r]);
        free_out(ov); free_ints(ost);
    }

    failing_problem = NULL;
    for (size_t r = 0; r < B; r++) { free(single[r].grad); free_problem(&rows[r]); }
    free(temps_); free(S); free(Y); free(W);
}

/* ---- ROC curve and partial AUC ------------------------------------------------------------ */

typedef struct {
    int rc;
    size_t count;
    double *fpr, *tpr, *thr; /* count each when rc >= 0 (owned) */
} curve_call;

static int same_or_both_nan(double a, double b) { return same_bits(a, b) || (isnan(a) && isnan(b)); }

/* auroc_curve on pb: a count-only call, then a call with a capacity from the input (below,
 * at or above the count; n + 1) and each output array present or NULL; statuses, canaries
 * and every point against oracle_curve. Returns the points of a full call in *out. */
static void run_curve(source *src, const problem *pb, int drop, curve_call *out) {
    const size_t n = pb->n;
    failing_problem = pb;
    oracle_curve_result o;
    int expect = oracle_sample_status(pb->s, pb->y, pb->w, n, NULL);
    memset(&o, 0, sizeof o);
    if (!expect) { oracle_curve(pb->s, pb->y, pb->w, n, drop, &o); expect = o.status; }
    double *cs = copy_doubles(pb->s, n), *cy = copy_doubles(pb->y, n);
    double *cw = pb->w ? copy_doubles(pb->w, n) : NULL;
    const size_t SZ_CANARY = (size_t)0xA5A5A5A5A5A5A5A5ull;
    size_t *cnt = malloc(3 * sizeof *cnt);
    if (!cnt) abort();

    /* count-only: every output NULL, capacity ignored (any value) */
    current_call = drop ? "auroc_curve (count only, drop_intermediate)" : "auroc_curve (count only)";
    cnt[0] = cnt[1] = cnt[2] = SZ_CANARY;
    const size_t junk_cap = (u8(src) & 1) ? 0 : (size_t)u64(src);
    int rc = CALL(auroc_curve(pb->s, pb->y, pb->w, n, drop, junk_cap, NULL, NULL, NULL, cnt + 1));
    check_strerror(rc);
    CHECK(rc == expect, "status %d, expected %d (n %zu)", rc, expect, n);
    CHECK(cnt[0] == SZ_CANARY && cnt[2] == SZ_CANARY, "wrote outside out_count");
    if (rc < 0) CHECK(cnt[1] == SZ_CANARY, "out_count written on error %d", rc);
    else CHECK(cnt[1] == o.count, "count %zu, oracle %zu", cnt[1], o.count);

    /* a full call */
    const uint8_t how = u8(src);
    size_t cap;
    switch (how % 5) {
    case 0: cap = n + 1; break;
    case 1: cap = o.count; break;                                  /* exactly */
    case 2: cap = o.count ? o.count - 1 : 0; break;                /* one short: E_CAPACITY */
    case 3: cap = o.count + 1 + u8(src) % 4; break;
    default: cap = u8(src) % (n + 2); break;
    }
    unsigned mask = (how >> 3) % 7 + 1;  /* fpr, tpr, thresholds: at least one given */
    double *f = out_doubles(cap), *t = out_doubles(cap), *h = out_doubles(cap);
    current_call = drop ? "auroc_curve (drop_intermediate)" : "auroc_curve";
    cnt[0] = cnt[1] = cnt[2] = SZ_CANARY;
    rc = CALL(auroc_curve(pb->s, pb->y, pb->w, n, drop, cap, (mask & 1) ? f : NULL,
                          (mask & 2) ? t : NULL, (mask & 4) ? h : NULL, cnt + 1));
    check_strerror(rc);
    const int expect_full = expect >= 0 && cap < o.count ? -9 : expect;
    CHECK(rc == expect_full, "status %d, expected %d (n %zu, capacity %zu, count %zu)", rc,
          expect_full, n, cap, o.count);
    CHECK(cnt[0] == SZ_CANARY && cnt[2] == SZ_CANARY, "wrote outside out_count");
    if (rc < 0) {
        CHECK(cnt[1] == SZ_CANARY && all_canary(f, cap) && all_canary(t, cap) && all_canary(h, cap),
              "an output was written on error %d", rc);
    } else if (rc == expect_full) {
        CHECK(cnt[1] == o.count, "count %zu, oracle %zu", cnt[1], o.count);
        double *bufs[3] = {f, t, h};
        const double *want[3] = {o.fpr, o.tpr, o.thr};
        const char *names[3] = {"fpr", "tpr", "thresholds"};
        for (int a = 0; a < 3; a++) {
            double *b = bufs[a];
            if (!(mask & (1u << a))) { CHECK(all_canary(b, cap), "%s written through NULL", names[a]); continue; }
            CHECK(guards_intact(b, cap), "wrote outside out_%s", names[a]);
            for (size_t k = o.count; k < cap; k++)
                CHECK(is_canary(&b[k]), "out_%s[%zu] written past the count %zu", names[a], k, o.count);
            for (size_t k = 0; k < o.count && k < cap; k++)
                CHECK(same_or_both_nan(b[k], want[a][k]),
                      "%s[%zu] = %.17g (%a), oracle %.17g (%a) (count %zu, %s)", names[a], k,
                      b[k], b[k], want[a][k], want[a][k], o.count, pb->w ? "weighted" : "unweighted");
        }
    }
    CHECK(memcmp(cs, pb->s, n * 8) == 0 && memcmp(cy, pb->y, n * 8) == 0 &&
          (!cw || memcmp(cw, pb->w, n * 8) == 0), "an input array was written");

    /* the points for the float32 comparison: one call with every output */
    out->rc = expect; out->count = 0; out->fpr = out->tpr = out->thr = NULL;
    if (expect >= 0) {
        out->count = o.count;
        out->fpr = out_doubles(n + 1); out->tpr = out_doubles(n + 1); out->thr = out_doubles(n + 1);
        size_t c2 = 0;
        out->rc = CALL(auroc_curve(pb->s, pb->y, pb->w, n, drop, n + 1, out->fpr, out->tpr, out->thr, &c2));
        CHECK(out->rc == expect && c2 == o.count, "capacity n + 1: status %d count %zu, expected %d %zu",
              out->rc, c2, expect, o.count);
    }
    free_out(f); free_out(t); free_out(h); free(cnt);
    oracle_curve_free(&o);
    free(cs); free(cy); free(cw);
    failing_problem = NULL;
}

static void free_curve_call(curve_call *c) {
    if (c->fpr) { free_out(c->fpr); free_out(c->tpr); free_out(c->thr); }
}

/* float32 copies of pb (to_float) and pb widened back */
static void narrow(const problem *pb, float **fs, float **fy, float **fw, problem *wide) {
    const size_t n = pb->n;
    *fs = malloc(n ? n * sizeof **fs : 1); *fy = malloc(n ? n * sizeof **fy : 1);
    *fw = pb->w ? malloc(n ? n * sizeof **fw : 1) : NULL;
    if (!*fs || !*fy || (pb->w && !*fw)) abort();
    *wide = (problem){n, malloc(n ? n * 8 : 1), malloc(n ? n * 8 : 1),
                      pb->w ? malloc(n ? n * 8 : 1) : NULL, pb->T};
    if (!wide->s || !wide->y || (pb->w && !wide->w)) abort();
    for (size_t i = 0; i < n; i++) {
        (*fs)[i] = to_float(pb->s[i]); (*fy)[i] = (float)pb->y[i];
        wide->s[i] = (*fs)[i]; wide->y[i] = (*fy)[i];
        if (*fw) { (*fw)[i] = to_float(pb->w[i]); wide->w[i] = (*fw)[i]; }
    }
}

/* auroc_curve_f32 == auroc_curve on the widened values (which run_curve checks against
 * the oracle), bit for bit: status, count, every point */
static void run_curve_f32(source *src, const problem *pb, int drop) {
    float *fs, *fy, *fw;
    problem wide;
    narrow(pb, &fs, &fy, &fw, &wide);
    const size_t n = pb->n;
    curve_call c64;
    run_curve(src, &wide, drop, &c64);
    failing_problem = &wide;
    current_call = "auroc_curve_f32 vs auroc_curve";
    size_t cnt = (size_t)0xA5A5A5A5A5A5A5A5ull, cnt0 = cnt;
    int rc0 = CALL(auroc_curve_f32(fs, fy, fw, n, drop, 0, NULL, NULL, NULL, &cnt0));
    CHECK(rc0 == c64.rc, "count-only status %d, auroc_curve %d", rc0, c64.rc);
    if (rc0 >= 0) CHECK(cnt0 == c64.count, "count-only %zu, auroc_curve %zu", cnt0, c64.count);
    double *f = out_doubles(n + 1), *t = out_doubles(n + 1), *h = out_doubles(n + 1);
    int rc = CALL(auroc_curve_f32(fs, fy, fw, n, drop, n + 1, f, t, h, &cnt));
    check_strerror(rc);
    CHECK(rc == c64.rc, "status %d, auroc_curve on the widened values %d", rc, c64.rc);
    if (rc < 0) {
        CHECK(cnt == (size_t)0xA5A5A5A5A5A5A5A5ull && all_canary(f, n + 1) && all_canary(t, n + 1) &&
              all_canary(h, n + 1), "an output was written on error %d", rc);
    } else if (rc == c64.rc) {
        CHECK(cnt == c64.count, "count %zu, auroc_curve %zu", cnt, c64.count);
        CHECK(guards_intact(f, n + 1) && guards_intact(t, n + 1) && guards_intact(h, n + 1),
              "wrote outside an output");
        for (size_t k = 0; k < c64.count && k <= n; k++)
            CHECK(same_bits(f[k], c64.fpr[k]) && same_bits(t[k], c64.tpr[k]) &&
                  same_bits(h[k], c64.thr[k]),
                  "point %zu: (%a, %a, %a), auroc_curve (%a, %a, %a)", k, f[k], t[k], h[k],
                  c64.fpr[k], c64.tpr[k], c64.thr[k]);
        for (size_t k = c64.count; k <= n; k++)
            CHECK(is_canary(&f[k]) && is_canary(&t[k]) && is_canary(&h[k]), "written past the count");
    }
    free_out(f); free_out(t); free_out(h);
    free_curve_call(&c64);
    free(fs); free(fy); free(fw); free_problem(&wide);
    failing_problem = NULL;
}

static const double range_ends[] = {0.0, 1.0, 0.5, 0.1, 0.2, 0.9, 0.05, 0.3, 0.75, 0.99,
                                    1e-3, 0.25, 0.6, 0.999999, 1e-9, -0.0};
static const double bad_ends[] = {NAN, -1e-300, 1.0000000000000002, INFINITY, -INFINITY, 2.0,
                                  -0.5};

/* the spacing of doubles at x (> 0): 2^(e - 53) for x in [2^(e-1), 2^e), 2^-1074 at least */
static double ulp_of(double x) { int e; frexp(x, &e); return e - 53 < -1074 ? 0x1p-1074 : ldexp(1.0, e - 53); }

typedef struct { int rc; double area, standardized; } partial_call;

/* auroc_partial on pb with an axis and range from the input (valid or not), each output
 * given or NULL; statuses, canaries, values against the long-double integral of the
 * oracle's curve. */
static void run_partial(const problem *pb, int axis, double lo, double hi,
                        int which, partial_call *res) {
    const size_t n = pb->n;
    failing_problem = pb;
    const int want_area = which & 1, want_std = (which & 2) != 0;
    const int range_ok = (axis == 0 || axis == 1) && lo >= 0.0 && lo < hi && hi <= 1.0;
    int expect;
    oracle_curve_result o;
    memset(&o, 0, sizeof o);
    if (!want_area && !want_std) expect = -1;
    else if ((expect = oracle_sample_status(pb->s, pb->y, pb->w, n, NULL)) != 0) {}
    else if (!range_ok) expect = -10;
    else if (!oracle_has_both_classes(pb->y, pb->w, n)) expect = -6;
    else { oracle_curve(pb->s, pb->y, pb->w, n, 0, &o); expect = 0; }
    double *cs = copy_doubles(pb->s, n), *cy = copy_doubles(pb->y, n);
    double *cw = pb->w ? copy_doubles(pb->w, n) : NULL;
    current_call = axis == 1 ? "auroc_partial (TPR)" : "auroc_partial";
    double *a = out_doubles(1), *st = out_doubles(1);
    int rc = CALL(auroc_partial(pb->s, pb->y, pb->w, n, axis, lo, hi, want_area ? a : NULL,
                                want_std ? st : NULL));
    check_strerror(rc);
    res->rc = rc; res->area = a[0]; res->standardized = st[0];
    if (expect == 0 && rc == 2 && want_std) expect = 2;  /* decided below from the area */
    CHECK(rc == expect, "status %d, expected %d (n %zu, axis %d, [%a, %a])", rc, expect, n,
          axis, lo, hi);
    if (rc < 0) {
        CHECK(all_canary(a, 1) && all_canary(st, 1), "an output was written on error %d", rc);
    } else if (rc == expect && o.count) {
        CHECK(guards_intact(a, 1) && guards_intact(st, 1), "wrote outside an output");
        if (!want_area) CHECK(all_canary(a, 1), "out_area written through NULL");
        if (!want_std) CHECK(all_canary(st, 1), "out_standardized written through NULL");
        /* the oracle: the exact curve (unweighted: the rates from integer counts in long
         * double) or scikit-learn's float64 curve (weighted), integrated in long double */
        const size_t c = o.count;
        long double *x = malloc(c * sizeof *x), *v = malloc(c * sizeof *v);
        if (!x || !v) abort();
        for (size_t k = 0; k < c; k++) {
            long double fr = pb->w ? (long double)o.fpr[k] : o.fps[k] / (long double)o.fps[c - 1];
            long double tr = pb->w ? (long double)o.tpr[k] : o.tps[k] / (long double)o.tps[c - 1];
            if (axis == 0) { x[k] = fr; v[k] = tr; } else { x[k] = tr; v[k] = 1.0L - fr; }
        }
        const long double L = lo, U = hi, width = U - L;
        const long double ref = oracle_area(x, v, c, L, U);
        /* the header's accuracy: unweighted within about 10 ulps of (upper - lower) (we
         * allow 10 ulps of the double (upper - lower)); weighted 8 ulps relative plus 16
         * ulps of (upper - lower) plus 16 ulps of upper (a cut segment of a weighted curve
         * loses up to tens of thousands of ulps relative, ~1e-18 absolute on a range of
         * width 1e-6 near 1: fuzz finding C1, now the header's stated bound; cutting in
         * rate space would tighten it) */
        /* both: plus 16 ulps of upper, the precision of the range ends: where the
         * integrand jumps (a vertex at a rational TPR such as 3/5, which no double is),
         * a cut position rounded by d moves the area by up to d (a one-ulp range
         * straddling 3/5 showed it unweighted) */
        const long double tol = pb->w ? 8.0L * 0x1p-52L * ref + 16.0L * ulp_of(hi - lo) +
                                            16.0L * 0x1p-53L * U
                                      : 10.0L * ulp_of(hi - lo) + 16.0L * 0x1p-53L * U;
        const long double mn = axis == 0 ? width * (L + U) / 2 : width * (2 - L - U) / 2;
        const long double span = width - mn;
        const double area = a[0];
        if (want_area) {
            CHECK(area >= 0.0 && area <= hi - lo, "area %.17g outside [0, upper - lower]", area);
            CHECK(oracle_close(area, ref, tol),
                  "area %.17g (%a), oracle %.20Lg, |diff| %.3Lg > tol %.3Lg (n %zu, axis %d, [%a, %a], %s)",
                  area, area, ref, fabsl(area - ref), tol, n, axis, lo, hi,
                  pb->w ? "weighted" : "unweighted");
        }
        if (want_std && span > 0) {
            const long double sref = (1.0L + (ref - mn) / span) / 2.0L;
            /* the header's bound (fuzz finding C2 made it include the rounding of min and
             * max - min): with x = (area - min) / (max - min), the area's tolerance plus 8
             * ulps of (min + max) times (1 + |x|), over the span, plus 8 ulps of
             * max(value, 1/2) ((1 + x) / 2 cancels for x near -1) */
            const long double x = (ref - mn) / span;
            const long double stol = (tol + 8.0L * 0x1p-53L * (mn + width) * (1.0L + fabsl(x))) / span +
                                     8.0L * 0x1p-53L * fmaxl(fabsl(sref), 0.5L);
            CHECK(oracle_close(st[0], sref, stol),
                  "standardized %.17g (%a), oracle %.20Lg, tol %.3Lg (n %zu, axis %d, [%a, %a])",
                  st[0], st[0], sref, stol, n, axis, lo, hi);
            /* W_BELOW_DIAGONAL exactly when the area is below min by more than
             * 2^-46 (upper - lower) (the computed area: judged on the oracle's, with
             * its tolerance as a grey zone) */
            const long double bound = 0x1p-46L * width;
            if (ref < mn - bound - 2 * tol)
                CHECK(rc == 2, "area %.17g below the diagonal's %.20Lg by more than the bound, status %d",
                      area, mn, rc);
            if (ref > mn - bound + 2 * tol)
                CHECK(rc == 0, "status %d, but the area %.20Lg is not below min %.20Lg - bound",
                      rc, ref, mn);
            if (rc == 2) CHECK(st[0] < 0.5, "W_BELOW_DIAGONAL with standardized %.17g", st[0]);
        }
        free(x); free(v);
    }
    CHECK(memcmp(cs, pb->s, n * 8) == 0 && memcmp(cy, pb->y, n * 8) == 0 &&
          (!cw || memcmp(cw, pb->w, n * 8) == 0), "an input array was written");
    oracle_curve_free(&o);
    free_out(a); free_out(st);
    free(cs); free(cy); free(cw);
    failing_problem = NULL;
}

static void run_partials(source *src, const problem *pb) {
    /* range and axis from the input; sometimes an end on a curve vertex (k / count) */
    const uint8_t b = u8(src);
    int axis = (b & 0xF0) == 0xF0 ? (b & 1 ? 2 : -1) : (b & 1);
    double lo = range_ends[u8(src) % 16], hi = range_ends[u8(src) % 16];
    if (lo > hi) { double t = lo; lo = hi; hi = t; }
    const uint8_t e = u8(src);
    if (e < 32) { lo = 0.0; hi = 1.0; }
    else if (e < 64) { lo = fabs(unit(src)); hi = fabs(unit(src)); if (lo > hi) { double t = lo; lo = hi; hi = t; } }
    else if (e < 80 && pb->n) { size_t m = 1 + u8(src) % pb->n; lo = (double)(u8(src) % m) / m; hi = (double)m / (m + 1 + u8(src) % 3) ; if (lo > hi) lo = 0; }
    else if (e < 88) { hi = lo; }                                   /* empty: E_BAD_RANGE */
    else if (e < 96) { if (u8(src) & 1) lo = bad_ends[u8(src) % 7]; else hi = bad_ends[u8(src) % 7]; }
    else if (e < 104) { hi = nextafter(lo, 2.0); }                  /* one ulp wide */
    const int which = 1 + u8(src) % 3 - ((e & 7) == 7 ? 1 : 0);   /* 1 area, 2 std, 3 both, 0 none */
    partial_call r;
    run_partial(pb, axis, lo, hi, which, &r);

    /* over [0, 1] both axes give the AUROC: area and standardized against auroc_exact */
    if (r.rc >= 0 && lo == 0.0 && hi == 1.0 && (which & 1)) {
        double ev = 0;
        int erc = run_exact(pb, &ev);
        failing_problem = pb;
        current_call = "auroc_partial over [0, 1] vs auroc_exact";
        CHECK(erc == 0, "auroc_exact status %d where auroc_partial computed", erc);
        const double tol = pb->w ? 1e-12 : 10 * 0x1p-53;
        CHECK(fabs(r.area - ev) <= tol, "area over [0, 1] %.17g, auroc_exact %.17g (axis %d)",
              r.area, ev, axis);
        if (which & 2)
            CHECK(fabs(r.standardized - ev) <= tol + 0x1p-52, "standardized over [0, 1] %.17g, auroc_exact %.17g",
                  r.standardized, ev);
        failing_problem = NULL;
    }

    /* auroc_partial_f32 == auroc_partial on the widened values, bit for bit */
    float *fs, *fy, *fw;
    problem wide;
    narrow(pb, &fs, &fy, &fw, &wide);
    partial_call r64;
    run_partial(&wide, axis, lo, hi, which, &r64);
    failing_problem = &wide;
    current_call = "auroc_partial_f32 vs auroc_partial";
    double *a = out_doubles(1), *st = out_doubles(1);
    int rc = CALL(auroc_partial_f32(fs, fy, fw, pb->n, axis, lo, hi, (which & 1) ? a : NULL,
                                    (which & 2) ? st : NULL));
    check_strerror(rc);
    CHECK(rc == r64.rc, "status %d, auroc_partial on the widened values %d", rc, r64.rc);
    if (rc < 0) CHECK(all_canary(a, 1) && all_canary(st, 1), "written on error %d", rc);
    else if (rc == r64.rc)
        CHECK(guards_intact(a, 1) && guards_intact(st, 1) &&
              ((which & 1) ? same_bits(a[0], r64.area) : all_canary(a, 1)) &&
              ((which & 2) ? same_bits(st[0], r64.standardized) : all_canary(st, 1)),
              "f32 (%a, %a) != f64 on the widened values (%a, %a)", a[0], st[0], r64.area,
              r64.standardized);
    free_out(a); free_out(st);
    free(fs); free(fy); free(fw); free_problem(&wide);
    failing_problem = NULL;
}

static void run_curves(source *src, const problem *pb) {
    const int drop = u8(src) & 1;
    curve_call c;
    run_curve(src, pb, drop, &c);
    free_curve_call(&c);
    run_curve_f32(src, pb, drop);
    run_partials(src, pb);
}

/* ---- call-level checks: sizes and NULL pointers --------------------------------------------- */

static const size_t sizes[] = {0, 1, 2, 3, 5, 8, (size_t)1 << 40, SIZE_MAX, SIZE_MAX - 1,
                               SIZE_MAX / 2, SIZE_MAX / 8 + 1, SIZE_MAX / 4, (size_t)1 << 62};

/* the column functions and DeLong (selection 5, call-level fn 13-17) */
#include "fuzz_columns.inc"

static void run_call_level(source *src) {
    /* small valid arrays: scores i, labels alternating (0, 1, 0, ...), weights 1, T 1 */
    enum { CAP = 8 };
    double *s = malloc(CAP * 8), *y = malloc(CAP * 8), *w = malloc(CAP * 8), *t = malloc(CAP * 8);
    float *fs = malloc(CAP * 4), *fy = malloc(CAP * 4), *fw = malloc(CAP * 4);
    if (!s || !y || !w || !t || !fs || !fy || !fw) abort();
    for (int i = 0; i < CAP; i++) {
        s[i] = i; y[i] = i % 2; w[i] = 1; t[i] = 1;
        fs[i] = (float)i; fy[i] = (float)(i % 2); fw[i] = 1;
    }
    const uint8_t fn = u8(src) % 18;
    if (fn >= 13) {
        free(s); free(y); free(w); free(t); free(fs); free(fy); free(fw);
        run_columns_call_level(src, fn - 13);
        return;
    }
    const uint8_t nulls = u8(src);
    if (fn == 8) {
        /* XLA FFI handlers: a NULL frame, and a frame at the execute stage whose API table
         * is NULL, are errors (a NULL return is XLA's "success"). */
        current_call = "diffauroc_xla_ffi_* (no frame / no API)";
        CHECK(diffauroc_xla_ffi_soft(NULL) != NULL, "diffauroc_xla_ffi_soft(NULL) returned NULL (success)");
        CHECK(diffauroc_xla_ffi_exact(NULL) != NULL, "diffauroc_xla_ffi_exact(NULL) returned NULL (success)");
        uint64_t frame[32] = {0};
        frame[0] = 168; /* XLA_FFI_CallFrame_STRUCT_SIZE; api (offset 16) NULL */
        frame[4] = 3;   /* stage (offset 32): XLA_FFI_ExecutionStage_EXECUTE */
        CHECK(diffauroc_xla_ffi_soft(frame) != NULL, "soft handler: frame without API returned NULL (success)");
        CHECK(diffauroc_xla_ffi_exact(frame) != NULL, "exact handler: frame without API returned NULL (success)");
        free(s); free(y); free(w); free(t); free(fs); free(fy); free(fw);
        return;
    }
    size_t n = sizes[u8(src) % (sizeof sizes / sizeof sizes[0])];
    size_t batch = sizes[u8(src) % (sizeof sizes / sizeof sizes[0])];
    size_t stride = sizes[u8(src) % (sizeof sizes / sizeof sizes[0])] % 4;
    if (u8(src) & 1) stride = sizes[u8(src) % (sizeof sizes / sizeof sizes[0])];
    const int pS = !(nulls & 1), pY = !(nulls & 2), pW = !(nulls & 4), pOut = !(nulls & 8),
              pGrad = !(nulls & 16), pDT = !(nulls & 32), pT = !(nulls & 64),
              pStatus = !(nulls & 128);
    double *ov = out_doubles(CAP), *og = out_doubles(CAP), *odT = out_doubles(CAP);
    int *ost = out_ints(CAP);
    int rc = 0, expect = 0, called = 0;
    if (fn >= 9) {
        /* auroc_curve(_f32) (9, 10), auroc_partial(_f32) (11, 12): size, then pointers
         * (curve: out_count, and scores, labels when n > 0; partial: out_area or
         * out_standardized, and scores, labels when n > 0); n == 0 has no threshold (-6) */
        const int too_large = n >= ORACLE_SURELY_TOO_LARGE_N;
        const int fine = n <= ORACLE_SURELY_FINE_N;
        if (!too_large && !fine) goto done;
        const int curve = fn <= 10;
        int null_ptr = (n > 0 && (!pS || !pY)) || (curve ? !pStatus : (!pOut && !pGrad));
        if (too_large) expect = -8;
        else if (null_ptr) expect = -1;
        else if (n == 0) expect = -6;
        else goto done;  /* computes: the normal mode's job */
        size_t *cnt = malloc(3 * sizeof *cnt);
        if (!cnt) abort();
        cnt[0] = cnt[1] = cnt[2] = (size_t)0xA5A5A5A5A5A5A5A5ull;
        const size_t cap = (nulls & 64) ? CAP : 0;
        switch (fn) {
        case 9: current_call = "auroc_curve (call level)";
            rc = CALL(auroc_curve(pS ? s : NULL, pY ? y : NULL, pW ? w : NULL, n, nulls & 32, cap,
                                  pOut ? ov : NULL, pGrad ? og : NULL, pDT ? odT : NULL,
                                  pStatus ? cnt + 1 : NULL)); break;
        case 10: current_call = "auroc_curve_f32 (call level)";
            rc = CALL(auroc_curve_f32(pS ? fs : NULL, pY ? fy : NULL, pW ? fw : NULL, n, nulls & 32,
                                      cap, pOut ? ov : NULL, pGrad ? og : NULL, pDT ? odT : NULL,
                                      pStatus ? cnt + 1 : NULL)); break;
        case 11: current_call = "auroc_partial (call level)";
            rc = CALL(auroc_partial(pS ? s : NULL, pY ? y : NULL, pW ? w : NULL, n,
                                    (nulls & 32) ? 1 : 0, 0.0, 1.0, pOut ? ov : NULL,
                                    pGrad ? og : NULL)); break;
        default: current_call = "auroc_partial_f32 (call level)";
            rc = CALL(auroc_partial_f32(pS ? fs : NULL, pY ? fy : NULL, pW ? fw : NULL, n,
                                        (nulls & 32) ? 1 : 0, 0.0, 1.0, pOut ? ov : NULL,
                                        pGrad ? og : NULL)); break;
        }
        for (int i = 0; i < 3; i++)
            CHECK(cnt[i] == (size_t)0xA5A5A5A5A5A5A5A5ull, "out_count written (status %d)", rc);
        free(cnt);
        called = 1;
    } else if (fn < 6) {
        /* single-problem functions: size, then pointers */
        const int too_large = n >= ORACLE_SURELY_TOO_LARGE_N;
        const int fine = n <= ORACLE_SURELY_FINE_N;
        if (!too_large && !fine) goto done;
        /* every single-problem function requires its first output (out_value, out_index) */
        int null_ptr = !pOut || (n > 0 && (!pS || !pY)) || (fn == 1 && n > 0 && !pGrad);
        if (too_large) expect = -8;
        else if (null_ptr) expect = -1;
        else if (n > CAP) goto done;  /* would read past our arrays: not a call-level case */
        else {
            problem pb = {n, s, y, pW ? w : NULL, 1.0};
            expect = fn <= 1 ? expected_soft_status(&pb)
                   : fn <= 3 ? expected_exact_status(&pb) : 0;
        }
        size_t *idx = (size_t *)og;
        switch (fn) {
        case 0: current_call = "auroc_soft (call level)";
            rc = CALL(auroc_soft(pS ? s : NULL, pY ? y : NULL, pW ? w : NULL, n, 1.0, pOut ? ov : NULL)); break;
        case 1: current_call = "auroc_soft_grad (call level)";
            rc = CALL(auroc_soft_grad(pS ? s : NULL, pY ? y : NULL, pW ? w : NULL, n, 1.0,
                                      pOut ? ov : NULL, pGrad ? og : NULL, pDT ? odT : NULL)); break;
        case 2: current_call = "auroc_exact (call level)";
            rc = CALL(auroc_exact(pS ? s : NULL, pY ? y : NULL, pW ? w : NULL, n, pOut ? ov : NULL)); break;
        case 3: current_call = "auroc_exact_f32 (call level)";
            rc = CALL(auroc_exact_f32(pS ? fs : NULL, pY ? fy : NULL, pW ? fw : NULL, n, pOut ? ov : NULL)); break;
        case 4: current_call = "diffauroc_find_invalid (call level)";
            rc = CALL(diffauroc_find_invalid(pS ? s : NULL, pY ? y : NULL, pW ? w : NULL, n, pOut ? idx : NULL)); break;
        case 5: current_call = "diffauroc_find_invalid_f32 (call level)";
            rc = CALL(diffauroc_find_invalid_f32(pS ? fs : NULL, pY ? fy : NULL, pW ? fw : NULL, n, pOut ? idx : NULL)); break;
        }
        called = 1;
    } else {
        /* batched (the header's rule): batch, batch * n and, with batch >= 2,
         * (batch - 1) * stride are bounded, then pointers; batch 0 touches nothing and
         * then n and the stride may be anything, as the stride may with batch 1 */
        unsigned __int128 total = (unsigned __int128)batch * n;
        unsigned __int128 tlast = batch >= 2 && fn == 6 ? (unsigned __int128)(batch - 1) * stride : 0;
        const int too_large = batch > 0 && (total >= ORACLE_SURELY_TOO_LARGE_N ||
                                            batch >= ORACLE_SURELY_TOO_LARGE_N ||
                                            tlast >= ORACLE_SURELY_TOO_LARGE_N);
        const int fine = batch == 0 || (total <= ORACLE_SURELY_FINE_N &&
                                         batch <= ORACLE_SURELY_FINE_N &&
                                         tlast <= ORACLE_SURELY_FINE_N);
        if (!too_large && !fine) goto done;
        int null_ptr = batch > 0 && (!pOut || (n > 0 && (!pS || !pY)) ||
                                     (fn == 6 && (!pT || (pDT && !pGrad))));
        if (too_large) expect = -8;
        else if (batch == 0) expect = 0;
        else if (null_ptr) expect = -1;
        else goto done;  /* computes: the normal mode's job */
        if (fn == 6) {
            current_call = "auroc_soft_grad_batch (call level)";
            rc = CALL(auroc_soft_grad_batch(pS ? s : NULL, pY ? y : NULL, pW ? w : NULL, batch, n,
                                            pT ? t : NULL, stride, pOut ? ov : NULL,
                                            pGrad ? og : NULL, pDT ? odT : NULL, pStatus ? ost : NULL));
        } else {
            current_call = "auroc_exact_batch (call level)";
            rc = CALL(auroc_exact_batch(pS ? s : NULL, pY ? y : NULL, pW ? w : NULL, batch, n,
                                        pOut ? ov : NULL, pStatus ? ost : NULL));
        }
        called = 1;
    }
    if (called) {
        check_strerror(rc);
        CHECK(rc == expect, "status %d, expected %d (n %zu, batch %zu, stride %zu, pointers "
              "s%d y%d w%d out%d grad%d dT%d T%d status%d)", rc, expect, n, batch, stride,
              pS, pY, pW, pOut, pGrad, pDT, pT, pStatus);
        if (rc < 0 || fn >= 6) {
            int untouched = all_canary(ov, CAP) && all_canary(og, CAP) && all_canary(odT, CAP);
            for (int i = -1; i <= CAP; i++) untouched &= ost[i] == CANARY_INT;
            CHECK(untouched, "an output was written (status %d)", rc);
        }
    }
done:
    free_out(ov); free_out(og); free_out(odT); free_ints(ost);
    free(s); free(y); free(w); free(t); free(fs); free(fy); free(fw);
}

/* ---- entry points ------------------------------------------------------------------------- */

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc; (void)argv;
    keep_going = getenv("DIFFAUROC_FUZZ_KEEP_GOING") != NULL;
    large_enabled = getenv("DIFFAUROC_FUZZ_LARGE") != NULL && strcmp(getenv("DIFFAUROC_FUZZ_LARGE"), "0") != 0;
    /* DIFFAUROC_FUZZ_COLUMNS=1: every input that is not call-level runs the column mode */
    columns_only = getenv("DIFFAUROC_FUZZ_COLUMNS") != NULL && strcmp(getenv("DIFFAUROC_FUZZ_COLUMNS"), "0") != 0;
    /* the build this process runs (DIFFAUROC_KERNELS=baseline forces x86-64) */
    double s[2] = {0, 1}, y[2] = {0, 1}, v;
    (void)auroc_exact(s, y, NULL, 2, &v);
    fprintf(stderr, "fuzz_diffauroc: library %s, kernels %s\n", diffauroc_version(),
            diffauroc_kernels());
    const char *forced = getenv("DIFFAUROC_KERNELS");
    if (forced && strcmp(forced, "baseline") == 0 && strcmp(diffauroc_kernels(), "x86-64") != 0) {
        fprintf(stderr, "DIFFAUROC_KERNELS=baseline but kernels are %s\n", diffauroc_kernels());
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    source src = {data, size, 0, 0x243F6A8885A308D3ull};
    for (size_t i = 0; i < size; i++) src.rng = (src.rng ^ data[i]) * 0x100000001B3ull;
    const uint8_t op = u8(&src), flags = u8(&src);
    /* flags: 1 weighted, 2 inject bad values, 4 d/dT NULL, 8 FTZ+DAZ, 16 medium n,
     * 32 batch without gradients, 64 batch without out_status, 128 FTZ only */
    fp_mode_for_calls = 0x1F80u | ((flags & 8) ? 0x8040u : 0) | ((flags & 128) ? 0x8000u : 0);
    /* op % 16 == 15: call-level mode; op 0x7E / 0xFE: n >= 20,000 / 65,536 (the soft and
     * exact two-thread paths) with flags & 0x70 == 0x70, when DIFFAUROC_FUZZ_LARGE=1 (each
     * such input takes 0.2-0.5 s under ASan, and libFuzzer then spends most of its time on
     * them: off by default, on for the seed replay of scripts/fuzz.sh);
     * flags & 16 with op & 0x30 == 0x30: n up to 300 (the fast soft path from 10,000
     * pairs); else n up to 64 */
    if (op % 16 == 15) {
        run_call_level(&src);
        return 0;
    }
    /* which exports this input runs: 0 the soft ones, 1 the exact ones (float64 and
     * float32), 2 the batched ones (with the single calls of each row), 3 all. Under ASan
     * an exact call costs about 0.5 ms even at n = 64 (it allocates 688 KB, which ASan
     * maps afresh each time), so not every input runs them all: sel byte 0-3 -> 0 (soft
     * only: a third of the inputs), 4-5 -> 1, 6 -> 2, 7 -> 3, 8-9 -> 4 (ROC curve and
     * partial AUC), 10-11 -> 5 (the column functions and DeLong) (mod 12). */
    static const uint8_t sel_of[12] = {0, 0, 0, 0, 1, 1, 2, 3, 4, 4, 5, 5};
    const uint8_t sel = columns_only ? (uint8_t)(u8(&src), 5) : sel_of[u8(&src) % 12];
    size_t n;
    const int large = large_enabled && (op & 0x7F) == 0x7E && (flags & 0x70) == 0x70;
    const int medium = !large && (flags & 16) && (op & 0x30) == 0x30;
    if (sel == 5) {  /* the column functions and DeLong (fuzz_columns.inc) */
        run_columns_mode(&src, flags, medium, large);
        return 0;
    }
    if (large) n = (op & 0x80 ? 65536 : 20000) + u16(&src) % 4096;
    else if (medium) n = u16(&src) % (sel == 1 || sel == 4 ? 3001 : 301); /* exact: past 1,024-sample blocks */
    else n = u8(&src) % 65;
    problem pb;
    decode_problem(&src, &pb, n, flags & 1, (flags & 2) != 0);
    if (sel == 0 || sel == 3 || large) {
        soft_call sc;
        run_soft(&pb, (flags & 4) != 0, !large, &src, &sc);
        run_find_invalid(&pb, sc.rc);
        free(sc.grad);
    }
    if (sel == 1 || sel == 3 || large) {
        double ev;
        run_exact(&pb, &ev);
        run_exact_f32(&pb);
    }
    if ((sel == 3 || sel == 4) && !large) run_curves(&src, &pb);
    if ((sel == 2 || sel == 3) && !large && (!medium || (op & 0xC0) == 0xC0))
        run_batches(&src, &pb, (flags & 2) != 0, flags);
    free_problem(&pb);
    return 0;
}
