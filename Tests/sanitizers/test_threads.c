/*
 * test_threads.c -- every computing export called from several threads at once on shared
 * inputs (the ROC curve and partial AUC included), each result compared bit for bit with
 * the single-thread result. Sizes take the
 * library's own two-thread paths (exact AUROC from n = 65,536, float32 too; the fast soft
 * AUROC from n = 20,000), so under ThreadSanitizer (scripts/test_sanitizers.sh) every
 * access of the library's helper threads is checked as well as the callers' concurrency.
 *
 *   clang -std=c99 -fsanitize=thread -g -O1 -I include Tests/sanitizers/test_threads.c \
 *       -L .build-tsan/release -ldiffauroc -Wl,-rpath,$PWD/.build-tsan/release -lm -pthread
 *   ./a.out [THREADS] [ROUNDS]      (default 4 threads, 2 rounds)
 *
 * The last line is "N passed, N failed"; exit status 1 on any failure.
 */
#define _GNU_SOURCE
#include "diffauroc.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;
static void check(int ok, const char *what) {
    if (ok) passed++;
    else { failed++; printf("FAIL %s\n", what); }
    if (ok) printf("ok   %s\n", what);
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static double uniform(void) {  /* [0, 1) */
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

enum { NE = 70000, NS = 30000, BR = 3, BN = 1500, NBAD = 5000 };

/* shared inputs (read-only once the threads start) */
static double es[NE], ey[NE], ew[NE];
static float fs[NE], fy[NE], fw[NE];
static double ss[NS], sy[NS], sw[NS];
static double bs[BR * BN], by[BR * BN], bt[BR];
static double xs[NBAD], xy[NBAD];

/* every result of one round */
typedef struct {
    int st[16];
    double exact, exact_w, exact_f32, exact_f32_w;
    double soft, soft_w, sg_value, sg_dT;
    double *sg_grad;  /* NS */
    double bvalues[BR], bdT[BR], *bgrads;  /* BR * BN */
    double evalues[BR];
    int bstatus[BR], estatus[BR];
    size_t bad_index, bad_index_f32;
    double *cfpr, *ctpr, *cthr;  /* NS + 1: auroc_curve */
    size_t ccount, ccount_f32;
    double parea, parea_f32;
} results;

static void alloc_results(results *r) {
    memset(r, 0, sizeof *r);
    r->sg_grad = malloc(NS * sizeof(double));
    r->bgrads = malloc(BR * BN * sizeof(double));
    r->cfpr = malloc((NS + 1) * sizeof(double));
    r->ctpr = malloc((NS + 1) * sizeof(double));
    r->cthr = malloc((NS + 1) * sizeof(double));
    if (!r->sg_grad || !r->bgrads || !r->cfpr || !r->ctpr || !r->cthr) {
        printf("out of memory\n");
        exit(1);
    }
}
static void free_results(results *r) {
    free(r->sg_grad); free(r->bgrads); free(r->cfpr); free(r->ctpr); free(r->cthr);
}

static void compute(results *r) {
    int k = 0;
    r->st[k++] = auroc_exact(es, ey, NULL, NE, &r->exact);
    r->st[k++] = auroc_exact(es, ey, ew, NE, &r->exact_w);
    r->st[k++] = auroc_exact_f32(fs, fy, NULL, NE, &r->exact_f32);
    r->st[k++] = auroc_exact_f32(fs, fy, fw, NE, &r->exact_f32_w);
    r->st[k++] = auroc_soft(ss, sy, NULL, NS, 0.5, &r->soft);
    r->st[k++] = auroc_soft(ss, sy, sw, NS, 0.5, &r->soft_w);
    r->st[k++] = auroc_soft_grad(ss, sy, sw, NS, 0.5, &r->sg_value, r->sg_grad, &r->sg_dT);
    r->st[k++] = auroc_soft_grad_batch(bs, by, NULL, BR, BN, bt, 1, r->bvalues, r->bgrads,
                                       r->bdT, r->bstatus);
    r->st[k++] = auroc_exact_batch(bs, by, NULL, BR, BN, r->evalues, r->estatus);
    r->st[k++] = diffauroc_find_invalid(xs, xy, NULL, NBAD, &r->bad_index);
    float fxs[4] = {0, 1, 2, 3}, fxy[4] = {0, 1, 0.5f, 1};
    r->st[k++] = diffauroc_find_invalid_f32(fxs, fxy, NULL, 4, &r->bad_index_f32);
    r->st[k++] = auroc_curve(ss, sy, sw, NS, 1, NS + 1, r->cfpr, r->ctpr, r->cthr, &r->ccount);
    r->st[k++] = auroc_curve_f32(fs, fy, fw, NE, 0, 0, NULL, NULL, NULL, &r->ccount_f32);
    r->st[k++] = auroc_partial(es, ey, ew, NE, DIFFAUROC_AXIS_FPR, 0, 0.3, &r->parea, NULL);
    r->st[k++] = auroc_partial_f32(fs, fy, NULL, NE, DIFFAUROC_AXIS_TPR, 0.2, 0.9, &r->parea_f32,
                                   NULL);
}

static int same(const results *a, const results *b) {
    return memcmp(a->st, b->st, sizeof a->st) == 0 &&
           memcmp(&a->exact, &b->exact, 8) == 0 && memcmp(&a->exact_w, &b->exact_w, 8) == 0 &&
           memcmp(&a->exact_f32, &b->exact_f32, 8) == 0 &&
           memcmp(&a->exact_f32_w, &b->exact_f32_w, 8) == 0 &&
           memcmp(&a->soft, &b->soft, 8) == 0 && memcmp(&a->soft_w, &b->soft_w, 8) == 0 &&
           memcmp(&a->sg_value, &b->sg_value, 8) == 0 && memcmp(&a->sg_dT, &b->sg_dT, 8) == 0 &&
           memcmp(a->sg_grad, b->sg_grad, NS * 8) == 0 &&
           memcmp(a->bvalues, b->bvalues, sizeof a->bvalues) == 0 &&
           memcmp(a->bdT, b->bdT, sizeof a->bdT) == 0 &&
           memcmp(a->bgrads, b->bgrads, BR * BN * 8) == 0 &&
           memcmp(a->evalues, b->evalues, sizeof a->evalues) == 0 &&
           memcmp(a->bstatus, b->bstatus, sizeof a->bstatus) == 0 &&
           memcmp(a->estatus, b->estatus, sizeof a->estatus) == 0 &&
           a->bad_index == b->bad_index && a->bad_index_f32 == b->bad_index_f32 &&
           a->ccount == b->ccount && a->ccount_f32 == b->ccount_f32 &&
           memcmp(a->cfpr, b->cfpr, a->ccount * 8) == 0 &&
           memcmp(a->ctpr, b->ctpr, a->ccount * 8) == 0 &&
           memcmp(a->cthr, b->cthr, a->ccount * 8) == 0 &&
           memcmp(&a->parea, &b->parea, 8) == 0 && memcmp(&a->parea_f32, &b->parea_f32, 8) == 0;
}

static results baseline;
static int rounds = 2;

typedef struct { int mismatches; } thread_out;

static void *worker(void *p) {
    thread_out *o = p;
    results r;
    alloc_results(&r);
    for (int i = 0; i < rounds; i++) {
        compute(&r);
        if (!same(&r, &baseline)) o->mismatches++;
    }
    free_results(&r);
    return NULL;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 4;
    if (argc > 2) rounds = atoi(argv[2]);
    if (threads < 1 || threads > 64 || rounds < 1) { printf("bad arguments\n"); return 2; }
    for (int i = 0; i < NE; i++) {
        ey[i] = uniform() < 0.4 ? 1.0 : 0.0;
        es[i] = floor((uniform() + 0.3 * ey[i]) * 5000) / 64;  /* ties */
        ew[i] = i % 7 == 0 ? 0.0 : (double)(float)(0.25 + uniform()); /* float-exact */
        fs[i] = (float)es[i]; fy[i] = (float)ey[i]; fw[i] = (float)ew[i];
    }
    for (int i = 0; i < NS; i++) {
        sy[i] = i % 3 == 0 ? 1.0 : 0.0;
        ss[i] = 4 * uniform() + sy[i];
        sw[i] = 0.5 + uniform();
    }
    for (int i = 0; i < BR * BN; i++) {
        by[i] = (i / 2) % 2 ? 1.0 : 0.0;
        bs[i] = uniform() + by[i] * 0.5;
    }
    for (int b = 0; b < BR; b++) bt[b] = 0.25 * (b + 1);
    for (int i = 0; i < NBAD; i++) { xs[i] = i; xy[i] = i % 2; }
    xy[4321] = 2.0;  /* the first bad label */

    alloc_results(&baseline);
    compute(&baseline);
    char what[200];
    int want[15] = {0, 0, 0, 0, 0, 0, 0, 0, 0, DIFFAUROC_E_BAD_LABEL, DIFFAUROC_E_BAD_LABEL,
                    0, 0, 0, 0};
    int ok = 1;
    for (int k = 0; k < 15; k++) ok &= baseline.st[k] == want[k];
    snprintf(what, sizeof what, "single-thread baselines have the expected statuses "
             "(%d %d %d %d %d %d %d %d %d %d %d %d %d %d %d)", baseline.st[0], baseline.st[1],
             baseline.st[2], baseline.st[3], baseline.st[4], baseline.st[5], baseline.st[6],
             baseline.st[7], baseline.st[8], baseline.st[9], baseline.st[10], baseline.st[11],
             baseline.st[12], baseline.st[13], baseline.st[14]);
    check(ok, what);
    check(baseline.bad_index == 4321 && baseline.bad_index_f32 == 2,
          "find_invalid indices (4321, 2)");
    check(baseline.exact > 0.5 && baseline.exact < 1 && baseline.soft > 0.5 && baseline.soft < 1,
          "baseline values are plausible (exact and soft in (0.5, 1))");
    check(memcmp(&baseline.exact, &baseline.exact_f32, 8) == 0 &&
          memcmp(&baseline.exact_w, &baseline.exact_f32_w, 8) == 0,
          "auroc_exact_f32 == auroc_exact on the same (float-exact) values, with and without weights");
    {
        results again;
        alloc_results(&again);
        compute(&again);
        check(same(&again, &baseline), "a second single-thread call gives the same bits");
        free_results(&again);
    }

    pthread_t *th = malloc(threads * sizeof *th);
    thread_out *outs = calloc(threads, sizeof *outs);
    int created = 0;
    for (int t = 0; t < threads; t++) {
        if (pthread_create(&th[t], NULL, worker, &outs[t]) != 0) break;
        created++;
    }
    snprintf(what, sizeof what, "created %d threads", threads);
    check(created == threads, what);
    int mismatches = 0;
    for (int t = 0; t < created; t++) {
        pthread_join(th[t], NULL);
        mismatches += outs[t].mismatches;
    }
    snprintf(what, sizeof what, "%d threads x %d rounds of every export agree bit for bit with "
             "one thread (%d mismatching rounds)", created, rounds, mismatches);
    check(mismatches == 0, what);
    free(th);
    free(outs);
    free_results(&baseline);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
