/* timing.c -- times one export of a libdiffauroc.so in a process of its own, for A/B
 * comparisons of two builds (bench/c/ab.sh) and for profiles (perf record) without Python.
 *
 *   timing LIB exact N CALLS [weighted] [f32] [logit | lognormal] [ROUND]
 *   timing LIB soft  N CALLS T_OVER_SPREAD [weighted]
 *
 * LIB is the path of the library to load (dlopen: any build, no linking). The inputs are
 * the benchmarks' own kinds, drawn from a fixed seed (xorshift64, Box-Muller), so two
 * processes get the same bits:
 *   exact  scores sigmoid(N(0, 1) + label), half positives, weights U[0, 2) when weighted
 *          (bench_exact.py); f32 calls auroc_exact_f32 on the same numbers rounded to float;
 *          ROUND > 0 rounds each score to a multiple of 1 / ROUND first (tied scores);
 *          logit takes the scores N(0, 1) + label themselves (both signs, as logits or
 *          standardized features), not their sigmoid; lognormal takes their exponential
 *          (one sign, spread over many binades around 1, as risk scores or distances).
 *   soft   scores N(0, 1) + label, 30% positives (bench_soft.py --sweep), weights U[0, 2)
 *          when weighted; T = T_OVER_SPREAD times the scores' standard deviation; value
 *          and gradient (auroc_soft_grad).
 * Prints one line: the arguments, the result (17 digits), the best and the median wall
 * time of CALLS calls and the median CPU time of the process (all its threads) a call,
 * in milliseconds. Exit status 1 on a bad argument, a missing library
 * or symbol, or a status other than DIFFAUROC_OK from any call.
 */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int (*exact64_fn)(const double *, const double *, const double *, size_t, double *);
typedef int (*exact32_fn)(const float *, const float *, const float *, size_t, double *);
typedef int (*soft_fn)(const double *, const double *, const double *, size_t, double, double *, double *,
                       double *);

static uint64_t state = 88172645463325252ULL;

static double uniform(void) { /* [0, 1), 53 bits */
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (double)(state >> 11) * (1.0 / 9007199254740992.0);
}

static double gaussian(void) {
    double a = uniform(), b = uniform();
    if (a < 1e-300) a = 1e-300;
    return sqrt(-2 * log(a)) * cos(6.283185307179586 * b);
}

static double clock_seconds(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int usage(void) {
    fprintf(stderr, "usage: timing LIB exact N CALLS [weighted] [f32] [logit | lognormal] [ROUND]\n"
                    "       timing LIB soft  N CALLS T_OVER_SPREAD [weighted]\n");
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 5) return usage();
    const char *path = argv[1], *mode = argv[2];
    long long count = atoll(argv[3]);
    int calls = atoi(argv[4]);
    int soft = strcmp(mode, "soft") == 0;
    if ((!soft && strcmp(mode, "exact") != 0) || count < 1 || calls < 1 || (soft && argc < 6)) return usage();
    size_t n = (size_t)count;
    int weighted = 0, f32 = 0, logit = 0, lognormal = 0;
    double round_to = 0, relative = 0;
    for (int k = soft ? 6 : 5; k < argc; k++) {
        if (strcmp(argv[k], "weighted") == 0) weighted = 1;
        else if (!soft && strcmp(argv[k], "f32") == 0) f32 = 1;
        else if (!soft && strcmp(argv[k], "logit") == 0) logit = 1;
        else if (!soft && strcmp(argv[k], "lognormal") == 0) lognormal = 1;
        else if (!soft && atof(argv[k]) > 0) round_to = atof(argv[k]);
        else return usage();
    }
    if (soft) {
        relative = atof(argv[5]);
        if (!(relative > 0)) return usage();
    }

    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "timing: %s\n", dlerror());
        return 1;
    }
    const char *name = soft ? "auroc_soft_grad" : f32 ? "auroc_exact_f32" : "auroc_exact";
    void *symbol = dlsym(lib, name);
    if (!symbol) {
        fprintf(stderr, "timing: %s has no %s\n", path, name);
        return 1;
    }
    /* (ISO C has no cast from an object pointer to a function pointer: copy the bits.) */
    soft_fn soft_call = NULL;
    exact32_fn exact32_call = NULL;
    exact64_fn exact64_call = NULL;
    if (soft) memcpy(&soft_call, &symbol, sizeof soft_call);
    else if (f32) memcpy(&exact32_call, &symbol, sizeof exact32_call);
    else memcpy(&exact64_call, &symbol, sizeof exact64_call);

    double *scores = malloc(n * sizeof *scores), *labels = malloc(n * sizeof *labels);
    double *weights = malloc(n * sizeof *weights), *gradient = soft ? malloc(n * sizeof *gradient) : NULL;
    float *scores32 = f32 ? malloc(n * sizeof *scores32) : NULL, *labels32 = f32 ? malloc(n * sizeof *labels32) : NULL;
    float *weights32 = f32 ? malloc(n * sizeof *weights32) : NULL;
    double *times = malloc(2 * (size_t)calls * sizeof *times), *cpu = times + calls;
    if (!scores || !labels || !weights || (soft && !gradient) || (f32 && (!scores32 || !labels32 || !weights32))
        || !times) {
        fprintf(stderr, "timing: out of memory\n");
        return 1;
    }
    double sum = 0, squares = 0;
    for (size_t i = 0; i < n; i++) {
        labels[i] = uniform() < (soft ? 0.3 : 0.5);
        double z = gaussian() + labels[i];
        scores[i] = soft || logit ? z : lognormal ? exp(z) : 1 / (1 + exp(-z));
        if (round_to > 0) scores[i] = round(scores[i] * round_to) / round_to;
        weights[i] = 2 * uniform();
        sum += scores[i];
        squares += scores[i] * scores[i];
        if (f32) {
            scores32[i] = (float)scores[i];
            labels32[i] = (float)labels[i];
            weights32[i] = (float)weights[i];
        }
    }
    double mean = sum / (double)n;
    double temperature = relative * sqrt(fmax(squares / (double)n - mean * mean, 0));
    if (soft && !(temperature > 0)) {
        fprintf(stderr, "timing: the scores' spread is 0 (n = %zu)\n", n);
        return 1;
    }

    double result = 0, derivative = 0;
    for (int k = 0; k < calls; k++) {
        double start = clock_seconds(CLOCK_MONOTONIC), cpu_start = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
        int status;
        if (soft)
            status = soft_call(scores, labels, weighted ? weights : NULL, n, temperature, &result, gradient,
                               &derivative);
        else if (f32)
            status = exact32_call(scores32, labels32, weighted ? weights32 : NULL, n, &result);
        else
            status = exact64_call(scores, labels, weighted ? weights : NULL, n, &result);
        times[k] = clock_seconds(CLOCK_MONOTONIC) - start;
        cpu[k] = clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
        if (status != 0) {
            fprintf(stderr, "timing: %s returned status %d\n", name, status);
            return 1;
        }
    }
    qsort(times, (size_t)calls, sizeof *times, by_value);
    qsort(cpu, (size_t)calls, sizeof *cpu, by_value);
    if (soft)
        printf("soft n=%zu T/spread=%g%s value=%.17g best=%.4f ms median=%.4f ms cpu=%.4f ms\n", n, relative,
               weighted ? " weighted" : "", result, times[0] * 1e3, times[calls / 2] * 1e3, cpu[calls / 2] * 1e3);
    else
        printf("exact n=%zu %s%s%s value=%.17g best=%.4f ms median=%.4f ms cpu=%.4f ms\n", n, f32 ? "f32" : "f64",
               weighted ? " weighted" : "", round_to > 0 ? " rounded" : "", result, times[0] * 1e3,
               times[calls / 2] * 1e3, cpu[calls / 2] * 1e3);
    free(scores); free(labels); free(weights); free(gradient); free(scores32); free(labels32); free(weights32);
    free(times);
    dlclose(lib);
    return 0;
}
