/*
 * test_hessian.c -- the C contract of auroc_soft_hvp and auroc_soft_hvp_f32
 * (include/diffauroc.h, "second derivatives of the soft AUROC"):
 *  - a hand-checked pair (closed form of sigmoid's derivatives) and symmetry of H;
 *  - every bad input: n too large, each required pointer NULL, a bad score / label /
 *    weight (NaN, +-inf, 0.5, -1), the temperature (0, -1, NaN, inf), a non-finite
 *    direction entry and v_temperature; the order of the checks; outputs untouched on
 *    every error; n == 0 and one class (DIFFAUROC_W_ONE_CLASS, zeros);
 *  - guard pages: inputs end at a PROT_NONE page, so a read past n faults;
 *  - float32 equals float64 on the converted values.
 * Run under valgrind by scripts/test_native.sh (no leak, no invalid read).
 */
#define _GNU_SOURCE /* mmap/MAP_ANONYMOUS */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "diffauroc.h"

#define SENTINEL 12345.0

static int untouched(const double *hv, size_t n, double hvt) {
    size_t i;
    for (i = 0; i < n; i++)
        if (hv[i] != SENTINEL) return 0;
    return hvt == SENTINEL;
}

static void fill(double *hv, size_t n, double *hvt) {
    size_t i;
    for (i = 0; i < n; i++) hv[i] = SENTINEL;
    *hvt = SENTINEL;
}

static void test_hand_pair(void) {
    double s[2] = {0.7, -0.4}, y[2] = {1, 0}, v[2] = {0.3, -1.1}, hv[2], hvt;
    double t = 0.5, vt = 0.25, x = (0.7 + 0.4) / 0.5;
    double sg = 1 / (1 + exp(-x)), d1 = sg * (1 - sg), d2 = d1 * (1 - 2 * sg);
    double ha = (d2 * (v[0] - v[1]) - vt * (d1 + x * d2)) / (t * t);
    double ht = (-(d1 + x * d2) * (v[0] - v[1]) + vt * (2 * x * d1 + x * x * d2)) / (t * t);
    int st = auroc_soft_hvp(s, y, NULL, 2, t, v, vt, hv, &hvt);
    CHECK(st == DIFFAUROC_OK, "pair: status OK");
    CHECK(fabs(hv[0] - ha) <= 1e-14 * fabs(ha), "pair: (Hv)_a closed form");
    CHECK(fabs(hv[1] + ha) <= 1e-14 * fabs(ha), "pair: (Hv)_b = -(Hv)_a");
    CHECK(fabs(hvt - ht) <= 1e-14 * fabs(ht), "pair: (Hv)_T closed form");
    st = auroc_soft_hvp(s, y, NULL, 2, t, v, vt, hv, NULL);
    CHECK(st == DIFFAUROC_OK, "pair: out_hv_temperature may be NULL");
}

/* e_k^T H e_l == e_l^T H e_k on random data (the fast path: n = 400). */
static void test_symmetry(void) {
    enum { N = 400 };
    static double s[N], y[N], w[N], ek[N], el[N], hk[N], hl[N];
    double tk, tl;
    unsigned r = 12345;
    size_t i, k = 17, l = 203;
    int ok = 1;
    for (i = 0; i < N; i++) {
        r = r * 1103515245u + 12345u;
        s[i] = (double)(r >> 8) / 16777216.0;
        y[i] = (r >> 3) & 1;
        w[i] = 0.5 + (double)((r >> 12) & 255) / 64.0;
        ek[i] = el[i] = 0;
    }
    y[k] = 1;
    y[l] = 0;
    ek[k] = 1;
    el[l] = 1;
    ok &= auroc_soft_hvp(s, y, w, N, 0.05, ek, 0, hk, &tk) == DIFFAUROC_OK;
    ok &= auroc_soft_hvp(s, y, w, N, 0.05, el, 0, hl, &tl) == DIFFAUROC_OK;
    CHECK(ok, "symmetry: status OK");
    CHECK(fabs(hk[l] - hl[k]) <= 1e-12 * fabs(hk[k]), "symmetry: H[k][l] == H[l][k]");
    CHECK(hk[l] != 0, "symmetry: a cross entry is non-zero");
}

static void test_bad_inputs(void) {
    double s[4] = {0.1, 0.5, 0.2, 0.4}, y[4] = {1, 0, 1, 0}, w[4] = {1, 1, 1, 1};
    double v[4] = {1, -1, 0.5, 2}, hv[4], hvt;
    float sf[4] = {0.1f, 0.5f, 0.2f, 0.4f}, yf[4] = {1, 0, 1, 0}, wf[4] = {1, 1, 1, 1};
    float vf[4] = {1, -1, 0.5f, 2};
    const double bad_values[] = {NAN, INFINITY, -INFINITY};
    const double bad_temperatures[] = {0.0, -1.0, NAN, INFINITY, -0.0};
    size_t i;
    int st;

    fill(hv, 4, &hvt);
    st = auroc_soft_hvp(s, y, w, SIZE_MAX, 1.0, v, 0, hv, &hvt);
    CHECK(st == DIFFAUROC_E_TOO_LARGE && untouched(hv, 4, hvt), "n = SIZE_MAX: E_TOO_LARGE");
    st = auroc_soft_hvp_f32(sf, yf, wf, SIZE_MAX, 1.0, vf, 0, hv, &hvt);
    CHECK(st == DIFFAUROC_E_TOO_LARGE && untouched(hv, 4, hvt), "f32 n = SIZE_MAX: E_TOO_LARGE");

    CHECK(auroc_soft_hvp(NULL, y, w, 4, 1.0, v, 0, hv, &hvt) == DIFFAUROC_E_NULL_POINTER,
          "scores NULL");
    CHECK(auroc_soft_hvp(s, NULL, w, 4, 1.0, v, 0, hv, &hvt) == DIFFAUROC_E_NULL_POINTER,
          "labels NULL");
    CHECK(auroc_soft_hvp(s, y, w, 4, 1.0, NULL, 0, hv, &hvt) == DIFFAUROC_E_NULL_POINTER,
          "v NULL");
    CHECK(auroc_soft_hvp(s, y, w, 4, 1.0, v, 0, NULL, &hvt) == DIFFAUROC_E_NULL_POINTER,
          "out_hv NULL");
    CHECK(auroc_soft_hvp_f32(sf, yf, wf, 4, 1.0, NULL, 0, hv, &hvt) == DIFFAUROC_E_NULL_POINTER,
          "f32 v NULL");
    CHECK(auroc_soft_hvp_f32(NULL, yf, wf, 4, 1.0, vf, 0, hv, &hvt) == DIFFAUROC_E_NULL_POINTER,
          "f32 scores NULL");
    CHECK(untouched(hv, 4, hvt), "NULL pointers: outputs untouched");
    /* NULL before a bad sample: the pointer check comes first */
    s[0] = NAN;
    CHECK(auroc_soft_hvp(s, y, w, 4, 1.0, NULL, 0, hv, &hvt) == DIFFAUROC_E_NULL_POINTER,
          "order: NULL v before a bad score");
    s[0] = 0.1;

    hvt = SENTINEL;
    st = auroc_soft_hvp(NULL, NULL, NULL, 0, 1.0, NULL, 0, NULL, &hvt);
    CHECK(st == DIFFAUROC_W_ONE_CLASS && hvt == 0, "n = 0: W_ONE_CLASS, hv_T = 0");
    st = auroc_soft_hvp_f32(NULL, NULL, NULL, 0, 1.0, NULL, 0, NULL, &hvt);
    CHECK(st == DIFFAUROC_W_ONE_CLASS, "f32 n = 0: W_ONE_CLASS");
    {
        double yy[4] = {1, 1, 1, 1};
        fill(hv, 4, &hvt);
        st = auroc_soft_hvp(s, yy, NULL, 4, 1.0, v, 1.0, hv, &hvt);
        CHECK(st == DIFFAUROC_W_ONE_CLASS && hv[0] == 0 && hv[3] == 0 && hvt == 0,
              "one class: W_ONE_CLASS, zeros");
    }

    for (i = 0; i < 3; i++) {
        fill(hv, 4, &hvt);
        s[2] = bad_values[i];
        CHECK(auroc_soft_hvp(s, y, w, 4, 1.0, v, 0, hv, &hvt) == DIFFAUROC_E_NONFINITE_SCORE &&
                  untouched(hv, 4, hvt), "non-finite score: E_NONFINITE_SCORE, untouched");
        sf[2] = (float)bad_values[i];
        CHECK(auroc_soft_hvp_f32(sf, yf, wf, 4, 1.0, vf, 0, hv, &hvt) ==
                  DIFFAUROC_E_NONFINITE_SCORE && untouched(hv, 4, hvt),
              "f32 non-finite score");
        s[2] = 0.2;
        sf[2] = 0.2f;

        y[1] = bad_values[i];
        CHECK(auroc_soft_hvp(s, y, w, 4, 1.0, v, 0, hv, &hvt) == DIFFAUROC_E_BAD_LABEL &&
                  untouched(hv, 4, hvt), "non-finite label: E_BAD_LABEL");
        y[1] = 0;

        w[3] = bad_values[i];
        CHECK(auroc_soft_hvp(s, y, w, 4, 1.0, v, 0, hv, &hvt) == DIFFAUROC_E_BAD_WEIGHT &&
                  untouched(hv, 4, hvt), "non-finite weight: E_BAD_WEIGHT");
        w[3] = 1;

        v[3] = bad_values[i];
        CHECK(auroc_soft_hvp(s, y, w, 4, 1.0, v, 0, hv, &hvt) == DIFFAUROC_E_BAD_TANGENT &&
                  untouched(hv, 4, hvt), "non-finite v: E_BAD_TANGENT, untouched");
        vf[3] = (float)bad_values[i];
        CHECK(auroc_soft_hvp_f32(sf, yf, wf, 4, 1.0, vf, 0, hv, &hvt) == DIFFAUROC_E_BAD_TANGENT &&
                  untouched(hv, 4, hvt), "f32 non-finite v: E_BAD_TANGENT");
        /* order: a bad temperature is reported before a bad direction */
        CHECK(auroc_soft_hvp(s, y, w, 4, -1.0, v, 0, hv, &hvt) == DIFFAUROC_E_BAD_TEMPERATURE,
              "order: bad temperature before bad v");
        v[3] = 2;
        vf[3] = 2;

        CHECK(auroc_soft_hvp(s, y, w, 4, 1.0, v, bad_values[i], hv, &hvt) ==
                  DIFFAUROC_E_BAD_TANGENT && untouched(hv, 4, hvt),
              "non-finite v_temperature: E_BAD_TANGENT");
    }
    y[1] = 0.5;
    CHECK(auroc_soft_hvp(s, y, w, 4, 1.0, v, 0, hv, &hvt) == DIFFAUROC_E_BAD_LABEL,
          "label 0.5: E_BAD_LABEL");
    y[1] = 0;
    w[0] = -1;
    CHECK(auroc_soft_hvp(s, y, w, 4, 1.0, v, 0, hv, &hvt) == DIFFAUROC_E_BAD_WEIGHT,
          "weight -1: E_BAD_WEIGHT");
    /* order: samples in index order, a bad sample before a bad temperature */
    s[2] = NAN;
    CHECK(auroc_soft_hvp(s, y, w, 4, 1.0, v, 0, hv, &hvt) == DIFFAUROC_E_BAD_WEIGHT,
          "order: weight at index 0 before score at index 2");
    w[0] = 1;
    CHECK(auroc_soft_hvp(s, y, w, 4, 0.0, v, 0, hv, &hvt) == DIFFAUROC_E_NONFINITE_SCORE,
          "order: bad score before bad temperature");
    s[2] = 0.2;
    for (i = 0; i < sizeof bad_temperatures / sizeof bad_temperatures[0]; i++) {
        fill(hv, 4, &hvt);
        CHECK(auroc_soft_hvp(s, y, w, 4, bad_temperatures[i], v, 0, hv, &hvt) ==
                  DIFFAUROC_E_BAD_TEMPERATURE && untouched(hv, 4, hvt),
              "bad temperature: E_BAD_TEMPERATURE, untouched");
        CHECK(auroc_soft_hvp_f32(sf, yf, wf, 4, bad_temperatures[i], vf, 0, hv, &hvt) ==
                  DIFFAUROC_E_BAD_TEMPERATURE, "f32 bad temperature");
    }
    CHECK(strcmp(diffauroc_strerror(DIFFAUROC_E_BAD_TANGENT), "") != 0,
          "strerror(E_BAD_TANGENT) is a message");
}

/* Inputs that end right before a PROT_NONE page: a read past n faults. */
static double *guarded(size_t n, size_t page, void **base, size_t *length) {
    size_t bytes = n * sizeof(double);
    size_t data_pages = (bytes + page - 1) / page;
    char *p;
    *length = (data_pages + 1) * page;
    p = mmap(NULL, *length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
    mprotect(p + data_pages * page, page, PROT_NONE);
    *base = p;
    return (double *)(p + data_pages * page - bytes);
}

static void test_guard_pages(void) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE), sizes[2] = {37, 3000}, k, i;
    for (k = 0; k < 2; k++) {
        size_t n = sizes[k], len[4];
        void *base[4];
        double *s = guarded(n, page, &base[0], &len[0]);
        double *y = guarded(n, page, &base[1], &len[1]);
        double *w = guarded(n, page, &base[2], &len[2]);
        double *v = guarded(n, page, &base[3], &len[3]);
        double hv[3000], hvt;
        if (!s || !y || !w || !v) {
            CHECK(0, "guard: mmap");
            return;
        }
        for (i = 0; i < n; i++) {
            s[i] = sin((double)i);
            y[i] = (double)(i % 3 == 0);
            w[i] = 1 + (double)(i % 5);
            v[i] = cos((double)i);
        }
        CHECK(auroc_soft_hvp(s, y, w, n, 0.3, v, 0.1, hv, &hvt) == DIFFAUROC_OK,
              "guard pages: nothing read past n");
        CHECK(auroc_soft_hvp(s, y, NULL, n, 0.3, v, 0.1, hv, &hvt) == DIFFAUROC_OK,
              "guard pages, unweighted");
        for (i = 0; i < 4; i++) munmap(base[i], len[i]);
    }
}

static void test_f32_equals_f64(void) {
    enum { N = 2000 };
    static float sf[N], yf[N], wf[N], vf[N];
    static double s[N], y[N], w[N], v[N], a[N], b[N];
    double ta, tb;
    size_t i;
    int same = 1;
    for (i = 0; i < N; i++) {
        sf[i] = (float)sin(1.7 * (double)i);
        yf[i] = (float)(i % 2);
        wf[i] = (float)(1 + i % 7) / 3.0f;
        vf[i] = (float)cos((double)i);
        s[i] = sf[i];
        y[i] = yf[i];
        w[i] = wf[i];
        v[i] = vf[i];
    }
    CHECK(auroc_soft_hvp_f32(sf, yf, wf, N, 0.2, vf, -0.4, a, &ta) == DIFFAUROC_OK &&
              auroc_soft_hvp(s, y, w, N, 0.2, v, -0.4, b, &tb) == DIFFAUROC_OK,
          "f32 and f64: status OK");
    for (i = 0; i < N; i++) same &= memcmp(&a[i], &b[i], sizeof(double)) == 0;
    CHECK(same && memcmp(&ta, &tb, sizeof ta) == 0, "f32 == f64 on the converted values");
}

int main(void) {
    test_hand_pair();
    test_symmetry();
    test_bad_inputs();
    test_guard_pages();
    test_f32_equals_f64();
    return check_summary();
}
