/*
 * test_dlopen.c -- libdiffauroc opened at run time, the way julia/DiffAUROC.jl opens it.
 *
 *   gcc -std=c99 -Wall -Wextra -Werror -pedantic -I include -I Tests/c \
 *       Tests/c/test_dlopen.c -o test_dlopen -ldl -lm
 *   ./test_dlopen .build/release/libdiffauroc.so
 *
 * Not linked against the library: dlopen(argv[1]) with Julia's default flags
 * (RTLD_LAZY | RTLD_DEEPBIND), dlsym of every export (fails if one is missing), then the
 * very calls DiffAUROC.jl makes through ccall, with the same C types:
 *
 *   library_version()       diffauroc_version()                          Cstring ()
 *   status_message(st)      diffauroc_strerror(st)                       Cstring (Cint,)
 *   auroc_soft(...)         auroc_soft(s, y, w or NULL, n, T, &value)
 *   auroc_soft_grad(...)    auroc_soft_grad(s, y, w or NULL, n, T, &value, grad, &dT)
 *                           (grad a fresh n-vector, dT always requested)
 *   auroc_exact(...)        auroc_exact(s, y, w or NULL, n, &value)
 *
 * including what Julia passes for an empty Vector{Float64} (a valid non-NULL pointer with
 * n = 0), labels converted from Bool, and the statuses the module turns into exceptions or
 * warnings. The batched exports, which the Julia module does not wrap, are resolved and
 * called too, so that every export of the header is reachable through dlsym. Also checks the library loads with RTLD_NOW (every undefined symbol it needs
 * resolves) and that dlclose works. Last line: "N passed, N failed".
 */
#define _GNU_SOURCE /* RTLD_DEEPBIND */

#include "diffauroc.h" /* constants only: nothing here is linked against the library */
#include "abi_types.h"

#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define SENT (-12345.6789)
#define BIG_N 70000 /* above the exact AUROC's two-thread threshold (65,536) */

/* The column exports' types (abi_types.h has the others), as Julia's ccall would use them:
 * size_t strides in elements, int statuses. */
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

/* Every export, as dlsym returns it. */
typedef struct {
    diffauroc_soft_fn soft;
    diffauroc_soft_grad_fn soft_grad;
    diffauroc_exact_fn exact;
    diffauroc_soft_grad_batch_fn soft_grad_batch;
    diffauroc_exact_batch_fn exact_batch;
    diffauroc_strerror_fn strerror_;
    diffauroc_version_fn version;
    diffauroc_kernels_fn kernels;
    diffauroc_find_invalid_fn find_invalid;
    diffauroc_find_invalid_f32_fn find_invalid_f32;
    diffauroc_curve_fn curve;
    diffauroc_curve_f32_fn curve_f32;
    diffauroc_partial_fn partial;
    diffauroc_partial_f32_fn partial_f32;
    columns_fn columns;
    columns_f32_fn columns_f32;
    ovr_fn ovr;
    ovr_f32_fn ovr_f32;
    ovo_fn ovo;
    ovo_f32_fn ovo_f32;
    partial_columns_fn partial_columns;
    partial_columns_f32_fn partial_columns_f32;
} api;

/* ISO C forbids converting void * to a function pointer; POSIX requires dlsym's result to
 * be usable as one. Copy the bytes, which -pedantic accepts. */
static void *lookup(void *handle, const char *name, void *fn_out, size_t fn_size) {
    void *sym;
    dlerror();
    sym = dlsym(handle, name);
    if (sym) memcpy(fn_out, &sym, fn_size);
    return sym;
}

static int load_api(void *handle, api *a) {
    int missing = 0;
    char what[128];
#define LOOKUP(field, name)                                                            \
    do {                                                                               \
        int found = lookup(handle, name, &a->field, sizeof a->field) != NULL;          \
        snprintf(what, sizeof what, "dlsym(\"%s\") finds the export", name);          \
        CHECK(found, what);                                                            \
        if (!found) {                                                                  \
            printf("  dlerror: %s\n", dlerror());                                      \
            missing++;                                                                 \
        }                                                                              \
    } while (0)
    LOOKUP(soft, "auroc_soft");
    LOOKUP(soft_grad, "auroc_soft_grad");
    LOOKUP(exact, "auroc_exact");
    LOOKUP(soft_grad_batch, "auroc_soft_grad_batch");
    LOOKUP(exact_batch, "auroc_exact_batch");
    LOOKUP(strerror_, "diffauroc_strerror");
    LOOKUP(version, "diffauroc_version");
    LOOKUP(kernels, "diffauroc_kernels");
    LOOKUP(find_invalid, "diffauroc_find_invalid");
    LOOKUP(find_invalid_f32, "diffauroc_find_invalid_f32");
    LOOKUP(curve, "auroc_curve");
    LOOKUP(curve_f32, "auroc_curve_f32");
    LOOKUP(partial, "auroc_partial");
    LOOKUP(partial_f32, "auroc_partial_f32");
    LOOKUP(columns, "auroc_exact_columns");
    LOOKUP(columns_f32, "auroc_exact_columns_f32");
    LOOKUP(ovr, "auroc_exact_ovr");
    LOOKUP(ovr_f32, "auroc_exact_ovr_f32");
    LOOKUP(ovo, "auroc_exact_ovo");
    LOOKUP(ovo_f32, "auroc_exact_ovo_f32");
    LOOKUP(partial_columns, "auroc_partial_columns");
    LOOKUP(partial_columns_f32, "auroc_partial_columns_f32");
#undef LOOKUP
    return missing;
}

/* What DiffAUROC._check does with a status: < 0 throws DiffAUROCError(status,
 * strerror(status)); > 0 warns with strerror(status). Both need a real message. */
static void check_message(const api *a, int status) {
    const char *m = a->strerror_(status);
    char what[96];
    snprintf(what, sizeof what, "strerror(%d) gives a message for the Julia exception/warning",
             status);
    CHECK(m != NULL && m[0] != '\0' && strcmp(m, "unknown diffauroc status code") != 0, what);
}

static void run_julia_calls(const api *a) {
    /* auroc_exact([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == 0.75 (the module's docstring) */
    double s[4] = {0.1, 0.4, 0.35, 0.8};
    double y[4] = {0, 0, 1, 1}; /* Vector{Float64}([false, false, true, true]) */
    double w[4] = {1, 2, 3, 4};
    double value, dT, grad[5];
    int st, k;

    /* library_version() == HEADER_VERSION, as DiffAUROC.__init__ checks */
    CHECK(a->version() != NULL && strcmp(a->version(), DIFFAUROC_VERSION_STRING) == 0,
          "library_version() == HEADER_VERSION (\"" DIFFAUROC_VERSION_STRING "\")");
    CHECK(a->kernels() != NULL && (strcmp(a->kernels(), "x86-64") == 0 ||
                                   strcmp(a->kernels(), "x86-64-v3") == 0),
          "diffauroc_kernels() through dlsym names one of the two builds");

    /* status_message for every code the module can see */
    check_message(a, DIFFAUROC_W_ONE_CLASS);
    for (k = DIFFAUROC_E_NULL_POINTER; k >= DIFFAUROC_E_TOO_LARGE; k--) check_message(a, k);
    CHECK(strcmp(a->strerror_(-99), "unknown diffauroc status code") == 0,
          "status_message(-99) is the unknown-code message");

    /* auroc_exact: no weights (C_NULL), then weights */
    value = 0.0; /* Ref{Cdouble}(0.0) */
    st = a->exact(s, y, NULL, (size_t)4, &value);
    CHECK(st == DIFFAUROC_OK && value == 0.75, "auroc_exact(s, y) == 0.75");
    st = a->exact(s, y, w, (size_t)4, &value);
    CHECK(st == DIFFAUROC_OK && fabs(value - 15.0 / 21.0) < 1e-15,
          "auroc_exact(s, y; weights = [1, 2, 3, 4]) == 5/7");

    /* auroc_soft: one pair, 1 / (1 + exp(-d / T)) */
    {
        double sp[2] = {0.9, 0.2}, yp[2] = {1, 0}, T = 0.3;
        double want = 1.0 / (1.0 + exp(-(0.9 - 0.2) / T));
        value = 0.0;
        st = a->soft(sp, yp, NULL, (size_t)2, T, &value);
        CHECK(st == DIFFAUROC_OK && fabs(value - want) < 1e-15,
              "auroc_soft([0.9, 0.2], [1, 0]; temperature = 0.3) == 1/(1+exp(-0.7/0.3))");
        value = 0.0;
        dT = 0.0;
        for (k = 0; k < 3; k++) grad[k] = SENT;
        st = a->soft_grad(sp, yp, NULL, (size_t)2, T, &value, grad, &dT);
        {
            double e = exp(-(0.9 - 0.2) / T), slope = e / ((1 + e) * (1 + e));
            CHECK(st == DIFFAUROC_OK && fabs(value - want) < 1e-15, "auroc_soft_grad value");
            CHECK(fabs(grad[0] - slope / T) < 1e-14 && fabs(grad[1] + slope / T) < 1e-14,
                  "auroc_soft_grad gradient");
            CHECK(fabs(dT + slope * 0.7 / (T * T)) < 1e-14, "auroc_soft_grad d/dT");
            CHECK(grad[2] == SENT, "nothing written past grad[n-1]");
        }
    }

    /* auroc_soft_grad with weights vs finite differences of auroc_soft */
    {
        double T = 0.5, fp, fm, h = 1e-6;
        value = 0.0;
        dT = 0.0;
        st = a->soft_grad(s, y, w, (size_t)4, T, &value, grad, &dT);
        CHECK(st == DIFFAUROC_OK, "auroc_soft_grad(...; weights) OK");
        for (k = 0; k < 4; k++) {
            double sp[4], sm[4];
            memcpy(sp, s, sizeof sp);
            memcpy(sm, s, sizeof sm);
            sp[k] += h;
            sm[k] -= h;
            a->soft(sp, y, w, (size_t)4, T, &fp);
            a->soft(sm, y, w, (size_t)4, T, &fm);
            CHECK(fabs(grad[k] - (fp - fm) / (sp[k] - sm[k])) < 1e-7,
                  "gradient matches finite differences");
        }
        a->soft(s, y, w, (size_t)4, T + h, &fp);
        a->soft(s, y, w, (size_t)4, T - h, &fm);
        CHECK(fabs(dT - (fp - fm) / (2 * h)) < 1e-7, "d/dT matches finite differences");
        {
            double v1 = 0.0;
            a->soft(s, y, w, (size_t)4, T, &v1);
            CHECK(v1 == value, "auroc_soft and auroc_soft_grad give the same value");
        }
    }

    /* What throws DiffAUROCError in Julia: status < 0, outputs left alone */
    {
        double bad_y[4] = {0, 0, 2, 1}, bad_s[4] = {0.1, NAN, 0.35, 0.8};
        double bad_w[4] = {1, -1, 1, 1};
        value = SENT;
        CHECK(a->exact(s, bad_y, NULL, (size_t)4, &value) == DIFFAUROC_E_BAD_LABEL &&
                  value == SENT,
              "label 2 -> DIFFAUROC_E_BAD_LABEL (DiffAUROCError)");
        CHECK(a->soft(bad_s, y, NULL, (size_t)4, 1.0, &value) == DIFFAUROC_E_NONFINITE_SCORE &&
                  value == SENT,
              "NaN score -> DIFFAUROC_E_NONFINITE_SCORE");
        dT = SENT;
        grad[0] = SENT;
        CHECK(a->soft_grad(s, y, bad_w, (size_t)4, 1.0, &value, grad, &dT) ==
                      DIFFAUROC_E_BAD_WEIGHT &&
                  value == SENT && dT == SENT && grad[0] == SENT,
              "weight -1 -> DIFFAUROC_E_BAD_WEIGHT");
        CHECK(a->soft(s, y, NULL, (size_t)4, 0.0, &value) == DIFFAUROC_E_BAD_TEMPERATURE,
              "temperature 0 -> DIFFAUROC_E_BAD_TEMPERATURE");
        CHECK(a->soft(s, y, NULL, (size_t)4, -INFINITY, &value) == DIFFAUROC_E_BAD_TEMPERATURE,
              "temperature -Inf -> DIFFAUROC_E_BAD_TEMPERATURE");
    }

    /* One class: soft returns 0 with a warning (status 1); exact throws (status -6) */
    {
        double ones[4] = {1, 1, 1, 1};
        value = SENT;
        CHECK(a->soft(s, ones, NULL, (size_t)4, 1.0, &value) == DIFFAUROC_W_ONE_CLASS &&
                  value == 0.0,
              "one class: auroc_soft -> W_ONE_CLASS (@warn), value 0");
        value = SENT;
        dT = SENT;
        for (k = 0; k < 4; k++) grad[k] = SENT;
        CHECK(a->soft_grad(s, ones, w, (size_t)4, 1.0, &value, grad, &dT) ==
                      DIFFAUROC_W_ONE_CLASS &&
                  value == 0.0 && dT == 0.0 && grad[0] == 0.0 && grad[1] == 0.0 &&
                  grad[2] == 0.0 && grad[3] == 0.0,
              "one class: auroc_soft_grad -> W_ONE_CLASS, every output 0");
        value = SENT;
        CHECK(a->exact(s, ones, NULL, (size_t)4, &value) == DIFFAUROC_E_ONE_CLASS &&
                  value == SENT,
              "one class: auroc_exact -> E_ONE_CLASS (DiffAUROCError)");
    }

    /* Empty vectors: Julia passes pointer(Float64[]) -- valid, non-NULL -- with n = 0, and
     * Vector{Float64}(undef, 0) for the gradient. Also the all-NULL form. */
    {
        double *empty = (double *)malloc(sizeof(double)); /* stands for pointer(Float64[]) */
        if (!empty) exit(2);
        empty[0] = NAN; /* must not be read */
        value = SENT;
        CHECK(a->soft(empty, empty, NULL, (size_t)0, 1.0, &value) == DIFFAUROC_W_ONE_CLASS &&
                  value == 0.0,
              "empty vectors: auroc_soft -> W_ONE_CLASS, 0");
        value = SENT;
        dT = SENT;
        CHECK(a->soft_grad(empty, empty, empty, (size_t)0, 1.0, &value, empty, &dT) ==
                      DIFFAUROC_W_ONE_CLASS &&
                  value == 0.0 && dT == 0.0 && isnan(empty[0]),
              "empty vectors: auroc_soft_grad -> W_ONE_CLASS, 0, nothing written");
        value = SENT;
        CHECK(a->exact(empty, empty, NULL, (size_t)0, &value) == DIFFAUROC_E_ONE_CLASS &&
                  value == SENT,
              "empty vectors: auroc_exact -> E_ONE_CLASS");
        CHECK(a->exact(NULL, NULL, NULL, (size_t)0, &value) == DIFFAUROC_E_ONE_CLASS,
              "NULL pointers, n = 0: auroc_exact -> E_ONE_CLASS");
        free(empty);
    }

    /* The batched exports (not wrapped in Julia, but reachable by dlsym): two rows, the
     * hand data and its label flip, give what the single-problem functions give. */
    {
        double bsc[8], bla[8], bv[2] = {SENT, SENT}, bg[8], bdT[2], T = 0.5, sv = 0, sg[4], sdT = 0;
        int bst[2] = {-99, -99};
        for (k = 0; k < 4; k++) {
            bsc[k] = bsc[4 + k] = s[k];
            bla[k] = y[k];
            bla[4 + k] = 1 - y[k];
        }
        st = a->exact_batch(bsc, bla, NULL, (size_t)2, (size_t)4, bv, bst);
        CHECK(st == DIFFAUROC_OK && bv[0] == 0.75 && bv[1] == 0.25 && bst[0] == 0 && bst[1] == 0,
              "auroc_exact_batch: rows 0.75 and 0.25");
        st = a->soft_grad_batch(bsc, bla, NULL, (size_t)2, (size_t)4, &T, (size_t)0, bv, bg, bdT,
                                bst);
        a->soft_grad(s, y, NULL, (size_t)4, T, &sv, sg, &sdT);
        CHECK(st == DIFFAUROC_OK && bv[0] == sv && bdT[0] == sdT &&
                  memcmp(bg, sg, sizeof sg) == 0 && fabs(bv[1] - (1 - sv)) < 1e-15,
              "auroc_soft_grad_batch: row 0 == auroc_soft_grad, row 1 == 1 - row 0");
        bla[5] = 0.5;
        bv[0] = bv[1] = SENT;
        st = a->exact_batch(bsc, bla, NULL, (size_t)2, (size_t)4, bv, bst);
        CHECK(st == DIFFAUROC_E_BAD_LABEL && bst[0] == 0 && bst[1] == DIFFAUROC_E_BAD_LABEL &&
                  bv[0] == SENT && bv[1] == SENT,
              "auroc_exact_batch: bad label in row 1, nothing written");
    }

    /* diffauroc_find_invalid through dlsym: the element a message names (what the
     * Python package does through ctypes) */
    {
        double bad_y[4] = {0, 0, 1, 1}, bad_w[4] = {1, 2, 3, 4};
        float s32[4] = {0.1f, 0.4f, 0.35f, 0.8f}, y32[4] = {0, 0, 1, 1};
        size_t index = 99;
        CHECK(a->find_invalid(s, y, w, (size_t)4, &index) == DIFFAUROC_OK && index == 99,
              "diffauroc_find_invalid: valid -> OK, index untouched");
        bad_y[2] = 0.5;
        bad_w[3] = NAN;
        CHECK(a->find_invalid(s, bad_y, bad_w, (size_t)4, &index) == DIFFAUROC_E_BAD_LABEL &&
                  index == 2,
              "diffauroc_find_invalid: labels[2] = 0.5 before weights[3] = nan");
        CHECK(a->exact(s, bad_y, bad_w, (size_t)4, &value) == DIFFAUROC_E_BAD_LABEL,
              "auroc_exact reports the same status");
        y32[3] = -1.0f;
        CHECK(a->find_invalid_f32(s32, y32, NULL, (size_t)4, &index) == DIFFAUROC_E_BAD_LABEL &&
                  index == 3,
              "diffauroc_find_invalid_f32: labels[3] = -1");
        CHECK(a->find_invalid(s, y, NULL, (size_t)4, NULL) == DIFFAUROC_E_NULL_POINTER,
              "diffauroc_find_invalid: out_index NULL -> E_NULL_POINTER");
    }

    /* The ROC curve and the partial AUC through dlsym (scikit-learn's roc_curve example:
     * fpr [0, 0, .5, .5, 1], tpr [0, .5, .5, 1, 1], thresholds [inf, .8, .4, .35, .1];
     * roc_auc_score(max_fpr=0.25) = 5/7) */
    {
        double fpr[6], tpr[6], thr[6], area = SENT, st_value = SENT;
        float s32[4] = {0.1f, 0.4f, 0.35f, 0.8f}, y32[4] = {0, 0, 1, 1};
        size_t count = 99;
        for (k = 0; k < 6; k++) fpr[k] = tpr[k] = thr[k] = SENT;
        CHECK(a->curve(s, y, NULL, (size_t)4, 1, (size_t)0, NULL, NULL, NULL, &count) ==
                      DIFFAUROC_OK && count == 5,
              "auroc_curve count only: 5 points");
        count = 99;
        CHECK(a->curve(s, y, NULL, (size_t)4, 1, (size_t)4, fpr, tpr, thr, &count) ==
                      DIFFAUROC_E_CAPACITY && count == 99 && fpr[0] == SENT,
              "auroc_curve capacity 4: E_CAPACITY, nothing written");
        CHECK(a->curve(s, y, NULL, (size_t)4, 1, (size_t)6, fpr, tpr, thr, &count) ==
                      DIFFAUROC_OK && count == 5,
              "auroc_curve capacity 6: OK");
        CHECK(fpr[0] == 0 && fpr[1] == 0 && fpr[2] == 0.5 && fpr[3] == 0.5 && fpr[4] == 1 &&
                  tpr[0] == 0 && tpr[1] == 0.5 && tpr[2] == 0.5 && tpr[3] == 1 && tpr[4] == 1 &&
                  isinf(thr[0]) && thr[1] == 0.8 && thr[2] == 0.4 && thr[3] == 0.35 &&
                  thr[4] == 0.1 && fpr[5] == SENT,
              "auroc_curve: scikit-learn's example point for point");
        CHECK(a->curve_f32(s32, y32, NULL, (size_t)4, 0, (size_t)6, NULL, tpr, NULL, &count) ==
                      DIFFAUROC_OK && count == 5 && tpr[3] == 1,
              "auroc_curve_f32");
        CHECK(a->partial(s, y, NULL, (size_t)4, DIFFAUROC_AXIS_FPR, 0, 0.25, &area, &st_value) ==
                      DIFFAUROC_OK && fabs(area - 0.125) < 1e-15 && fabs(st_value - 5.0 / 7) < 1e-15,
              "auroc_partial FPR [0, 0.25]: 0.125 and 5/7");
        CHECK(a->partial_f32(s32, y32, NULL, (size_t)4, DIFFAUROC_AXIS_TPR, 0.5, 1, &area, NULL) ==
                      DIFFAUROC_OK && fabs(area - 0.25) < 1e-15,
              "auroc_partial_f32 TPR [0.5, 1]: 0.25");
        area = SENT;
        CHECK(a->partial(s, y, NULL, (size_t)4, 3, 0, 1, &area, NULL) == DIFFAUROC_E_BAD_RANGE &&
                  area == SENT,
              "auroc_partial bad axis: E_BAD_RANGE");
        check_message(a, DIFFAUROC_E_CAPACITY);
        check_message(a, DIFFAUROC_E_BAD_RANGE);
        check_message(a, DIFFAUROC_E_WEIGHT_SUM);
        check_message(a, DIFFAUROC_W_BELOW_DIAGONAL);
    }

    /* The column functions through dlsym. Scores C order 4 x 2: column 0 = {.1 .4 .35 .8}
     * (0.75 with labels 0 0 1 1), column 1 = {.8 .35 .4 .1} (1/4). */
    {
        const double sc[8] = {0.1, 0.8, 0.4, 0.35, 0.35, 0.4, 0.8, 0.1};
        const float sc32[8] = {0.1f, 0.8f, 0.4f, 0.35f, 0.35f, 0.4f, 0.8f, 0.1f};
        const double cls[4] = {1, 1, 0, 0}, bad_cls[4] = {1, 1, 0, 2};
        const float cls32[4] = {1, 1, 0, 0}, y32[4] = {0, 0, 1, 1};
        double v[3] = {SENT, SENT, SENT}, st2[2], pairs[4] = {SENT, SENT, SENT, SENT};
        int st[3] = {-999, -999, -999}, pst[4] = {-999, -999, -999, -999};
        CHECK(a->columns(sc, (size_t)4, (size_t)2, (size_t)2, (size_t)1, y, (size_t)1, (size_t)0,
                         NULL, v, st) == DIFFAUROC_OK &&
                  v[0] == 0.75 && v[1] == 0.25 && v[2] == SENT && st[0] == 0 && st[1] == 0 &&
                  st[2] == -999,
              "auroc_exact_columns: 0.75, 0.25, shared labels");
        CHECK(a->columns_f32(sc32, (size_t)4, (size_t)2, (size_t)2, (size_t)1, y32, (size_t)1,
                             (size_t)0, NULL, v, st) == DIFFAUROC_OK && v[0] == 0.75 && v[1] == 0.25,
              "auroc_exact_columns_f32");
        /* classes {1, 1, 0, 0}: column 0 with class 0 positive is labels 0 0 1 1 -> 0.75;
         * column 1 with class 1 positive: {.8 .35} against {.4 .1} -> 3/4 */
        CHECK(a->ovr(sc, (size_t)4, (size_t)2, (size_t)2, (size_t)1, cls, NULL, v, st) ==
                      DIFFAUROC_OK && v[0] == 0.75 && v[1] == 0.75,
              "auroc_exact_ovr: 0.75, 0.75");
        CHECK(a->ovr_f32(sc32, (size_t)4, (size_t)2, (size_t)2, (size_t)1, cls32, NULL, v, NULL) ==
                      DIFFAUROC_OK && v[0] == 0.75 && v[1] == 0.75,
              "auroc_exact_ovr_f32");
        CHECK(a->ovr(sc, (size_t)4, (size_t)2, (size_t)2, (size_t)1, bad_cls, NULL, v, st) ==
                      DIFFAUROC_E_BAD_CLASS && st[0] == DIFFAUROC_E_BAD_CLASS,
              "auroc_exact_ovr: class 2 of k = 2 -> E_BAD_CLASS");
        /* two classes: ovo's pairs are the ovr values */
        CHECK(a->ovo(sc, (size_t)4, (size_t)2, (size_t)2, (size_t)1, cls, pairs, pst) ==
                      DIFFAUROC_OK && pairs[1] == 0.75 && pairs[2] == 0.75 && pairs[0] == SENT &&
                  pst[1] == 0 && pst[2] == 0 && pst[3] == -999,
              "auroc_exact_ovo: pairs (0, 1) and (1, 0), diagonal untouched");
        CHECK(a->ovo_f32(sc32, (size_t)4, (size_t)2, (size_t)2, (size_t)1, cls32, pairs, NULL) ==
                      DIFFAUROC_OK && pairs[1] == 0.75,
              "auroc_exact_ovo_f32");
        CHECK(a->ovo(sc, (size_t)4, (size_t)2, (size_t)2, (size_t)1, (const double[]){0, 0, 0, 0},
                     pairs, pst) == DIFFAUROC_W_ONE_CLASS &&
                  isnan(pairs[1]) && pst[1] == DIFFAUROC_E_ONE_CLASS,
              "auroc_exact_ovo: class 1 absent -> NaN, E_ONE_CLASS, W_ONE_CLASS");
        CHECK(a->partial_columns(sc, (size_t)4, (size_t)2, (size_t)2, (size_t)1, y, (size_t)1,
                                 (size_t)0, NULL, DIFFAUROC_AXIS_FPR, 0, 0.25, v, st2, st) ==
                      DIFFAUROC_W_BELOW_DIAGONAL &&
                  v[0] == 0.125 && fabs(st2[0] - 5.0 / 7) < 1e-15 &&
                  st[1] == DIFFAUROC_W_BELOW_DIAGONAL,
              "auroc_partial_columns FPR [0, 0.25]: 0.125, 5/7; column 1 below the diagonal");
        CHECK(a->partial_columns_f32(sc32, (size_t)4, (size_t)2, (size_t)2, (size_t)1, y32,
                                     (size_t)1, (size_t)0, NULL, DIFFAUROC_AXIS_FPR, 0, 1, v,
                                     NULL, st) == DIFFAUROC_OK &&
                  v[0] == 0.75 && v[1] == 0.25,
              "auroc_partial_columns_f32 [0, 1]: the AUROCs");
        CHECK(a->columns(sc, (size_t)4, (size_t)2, ~(size_t)0, (size_t)1, y, (size_t)1, (size_t)0,
                         NULL, v, st) == DIFFAUROC_E_TOO_LARGE,
              "auroc_exact_columns: sample stride overflows -> E_TOO_LARGE");
        CHECK(a->columns(sc, (size_t)4, (size_t)2, (size_t)2, (size_t)1, NULL, (size_t)1, (size_t)0,
                         NULL, v, st) == DIFFAUROC_E_NULL_POINTER,
              "auroc_exact_columns: labels NULL -> E_NULL_POINTER");
        CHECK(a->columns(NULL, (size_t)4, (size_t)0, (size_t)2, (size_t)1, NULL, (size_t)1,
                         (size_t)0, NULL, NULL, NULL) == DIFFAUROC_OK,
              "auroc_exact_columns: k == 0 -> OK");
        check_message(a, DIFFAUROC_E_BAD_CLASS);
    }

    /* A larger call, both paths agreeing with each other */
    {
        enum { N = 2000 };
        static double bs[N], by[N], bw[N], bg[N];
        double v1 = 0, v2 = 0, e = 0, d = 0;
        long double gsum = 0;
        for (k = 0; k < N; k++) {
            bs[k] = sin(0.1 * k) + 0.001 * k;
            by[k] = (k % 5 == 0 || k % 7 == 0) ? 1.0 : 0.0;
            bw[k] = (k % 11 == 0) ? 0.0 : 1.0 + 0.5 * cos((double)k);
        }
        CHECK(a->soft(bs, by, bw, (size_t)N, 0.2, &v1) == DIFFAUROC_OK, "n = 2000: auroc_soft");
        CHECK(a->soft_grad(bs, by, bw, (size_t)N, 0.2, &v2, bg, &d) == DIFFAUROC_OK,
              "n = 2000: auroc_soft_grad");
        CHECK(v1 == v2 && v1 > 0 && v1 < 1, "n = 2000: same value from both");
        for (k = 0; k < N; k++) gsum += bg[k];
        CHECK(fabsl(gsum) < 1e-12 && bg[0] == 0.0, "n = 2000: gradient sums to 0, weight 0 -> 0");
        CHECK(a->exact(bs, by, bw, (size_t)N, &e) == DIFFAUROC_OK && e > 0 && e < 1,
              "n = 2000: auroc_exact");
    }
}

/* auroc_exact_ovr_rowsums (_f32) through dlsym: every status path and the bound
 * (C order 4 x 3, dyadic rows summing to 1 exactly: the bound is 2 k u). */
typedef int (*ovr_rowsums_fn)(const double *, size_t, size_t, size_t, size_t, const double *,
                              const double *, double *, int *, double *);
typedef int (*ovr_rowsums_f32_fn)(const float *, size_t, size_t, size_t, size_t, const float *,
                                  const float *, double *, int *, double *);

static void run_ovr_rowsums_calls(void *handle) {
    ovr_rowsums_fn f = NULL;
    ovr_rowsums_f32_fn f32 = NULL;
    double sc[12] = {0.25, 0.25, 0.5, 0.5, 0.25, 0.25, 0.125, 0.375, 0.5, 0.75, 0.125, 0.125};
    float sc32[12];
    double cls[4] = {0, 1, 2, 0}, one[4] = {0, 0, 1, 1}, bad[4] = {0, 1, 3, 0};
    float cls32[4] = {0, 1, 2, 0};
    double w[4] = {1, -1, 1, 1}, v[3], d;
    int st[3], i;
    for (i = 0; i < 12; i++) sc32[i] = (float)sc[i];
    CHECK(lookup(handle, "auroc_exact_ovr_rowsums", &f, sizeof f) != NULL,
          "dlsym(\"auroc_exact_ovr_rowsums\") finds the export");
    CHECK(lookup(handle, "auroc_exact_ovr_rowsums_f32", &f32, sizeof f32) != NULL,
          "dlsym(\"auroc_exact_ovr_rowsums_f32\") finds the export");
    if (!f || !f32) return;
    d = SENT;
    CHECK(f(sc, (size_t)4, (size_t)3, (size_t)3, (size_t)1, cls, NULL, v, st, &d) ==
                  DIFFAUROC_OK && d == 3 * ldexp(1.0, -52),
          "auroc_exact_ovr_rowsums: OK, bound 3 * 2^-52");
    d = SENT;
    CHECK(f32(sc32, (size_t)4, (size_t)3, (size_t)3, (size_t)1, cls32, NULL, v, st, &d) ==
                  DIFFAUROC_OK && d == 3 * ldexp(1.0, -23),
          "auroc_exact_ovr_rowsums_f32: OK, bound 3 * 2^-23");
    d = SENT;
    CHECK(f(sc, (size_t)4, (size_t)3, (size_t)3, (size_t)1, one, NULL, v, st, &d) ==
                  DIFFAUROC_W_ONE_CLASS && d == 3 * ldexp(1.0, -52),
          "auroc_exact_ovr_rowsums: W_ONE_CLASS, bound written");
    d = SENT;
    CHECK(f(NULL, (size_t)4, (size_t)0, (size_t)1, (size_t)1, NULL, NULL, NULL, NULL, NULL) ==
              DIFFAUROC_OK, "auroc_exact_ovr_rowsums k == 0");
    CHECK(f(sc, (size_t)4, (size_t)3, (size_t)3, (size_t)1, cls, NULL, v, st, NULL) ==
              DIFFAUROC_E_NULL_POINTER, "auroc_exact_ovr_rowsums out_row_deviation NULL");
    CHECK(f(sc, (size_t)4, (size_t)3, (size_t)3, (size_t)1, cls, NULL, NULL, st, &d) ==
              DIFFAUROC_E_NULL_POINTER, "auroc_exact_ovr_rowsums out_values NULL");
    CHECK(f(NULL, (size_t)4, (size_t)3, (size_t)3, (size_t)1, cls, NULL, v, st, &d) ==
              DIFFAUROC_E_NULL_POINTER, "auroc_exact_ovr_rowsums scores NULL");
    CHECK(f(sc, (size_t)4, (size_t)3, (size_t)3, (size_t)1, NULL, NULL, v, st, &d) ==
              DIFFAUROC_E_NULL_POINTER, "auroc_exact_ovr_rowsums classes NULL");
    CHECK(f(sc, (size_t)4, (size_t)3, SIZE_MAX / 4, (size_t)1, cls, NULL, v, st, &d) ==
              DIFFAUROC_E_TOO_LARGE, "auroc_exact_ovr_rowsums stride overflows");
    CHECK(f(sc, (size_t)4, (size_t)3, (size_t)3, (size_t)1, bad, NULL, v, st, &d) ==
              DIFFAUROC_E_BAD_CLASS, "auroc_exact_ovr_rowsums class 3 of k = 3");
    CHECK(f(sc, (size_t)4, (size_t)3, (size_t)3, (size_t)1, cls, w, v, st, &d) ==
              DIFFAUROC_E_BAD_WEIGHT, "auroc_exact_ovr_rowsums negative weight");
    sc32[5] = NAN;
    CHECK(f32(sc32, (size_t)4, (size_t)3, (size_t)3, (size_t)1, cls32, NULL, v, st, &d) ==
              DIFFAUROC_E_NONFINITE_SCORE, "auroc_exact_ovr_rowsums_f32 NaN score");
    CHECK(d == SENT, "auroc_exact_ovr_rowsums: no bound written on an error or for k == 0");
}

int main(int argc, char **argv) {
    void *strict, *handle;
    api a;
    const char *path;
    if (argc != 2) {
        fprintf(stderr, "usage: %s path/to/libdiffauroc.so\n", argv[0]);
        return 2;
    }
    path = argv[1];

    /* 1. Every undefined symbol the library needs resolves now (RTLD_NOW), privately. */
    strict = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!strict) printf("  dlerror: %s\n", dlerror());
    CHECK(strict != NULL, "dlopen(path, RTLD_NOW | RTLD_LOCAL)");

    /* 2. Julia's Libdl.dlopen default: RTLD_LAZY | RTLD_DEEPBIND. */
    handle = dlopen(path, RTLD_LAZY | RTLD_DEEPBIND);
    if (!handle) printf("  dlerror: %s\n", dlerror());
    CHECK(handle != NULL, "dlopen(path, RTLD_LAZY | RTLD_DEEPBIND) (Julia's default flags)");
    if (!handle) return check_summary();  /* the failed CHECK above makes it 1 */
    {
        void *nothing;
        dlerror();
        nothing = dlsym(handle, "auroc_no_such_function");
        CHECK(nothing == NULL, "dlsym of a name that is not exported is NULL (sanity)");
    }
    if (load_api(handle, &a) == 0) {
        run_julia_calls(&a);
    }
    run_ovr_rowsums_calls(handle);

    /* 3. Unload and load again (a host may reload the library). A two-thread call first:
     * its helper thread keeps running the library's code, so the library is linked
     * -z nodelete and stays mapped after dlclose (WorkerTeam.swift). */
    {
        static double bs[BIG_N], by[BIG_N];
        double v1 = SENT, v2 = SENT;
        size_t i;
        for (i = 0; i < BIG_N; i++) {
            by[i] = (double)(i % 3 == 0);
            bs[i] = (double)((i * 7919) % 1000) / 1000 + 0.2 * by[i];
        }
        CHECK(a.exact(bs, by, NULL, (size_t)BIG_N, &v1) == DIFFAUROC_OK, "two-thread call before dlclose");
        CHECK(dlclose(handle) == 0, "dlclose (Julia handle)");
        if (strict) CHECK(dlclose(strict) == 0, "dlclose (RTLD_NOW handle)");
        CHECK(dlopen(path, RTLD_LAZY | RTLD_NOLOAD) != NULL,
              "still mapped after dlclose (nodelete: the helper thread runs its code)");
        handle = dlopen(path, RTLD_LAZY | RTLD_DEEPBIND);
        CHECK(handle != NULL, "dlopen again after dlclose");
        if (handle && load_api(handle, &a) == 0) {
            double s[2] = {2, 1}, y[2] = {1, 0}, v = SENT;
            CHECK(a.exact(s, y, NULL, (size_t)2, &v) == DIFFAUROC_OK && v == 1.0,
                  "reloaded library works");
            CHECK(a.exact(bs, by, NULL, (size_t)BIG_N, &v2) == DIFFAUROC_OK && v2 == v1,
                  "reloaded library: two-thread call, same value");
            CHECK(dlclose(handle) == 0, "dlclose again");
        }
    }

    return check_summary();
}
