/*
 * splitmix.h -- deterministic pseudo-random numbers (SplitMix64) for the C test programs,
 * so every failure reproduces. A program sets its seed before including it:
 *
 *     #define SPLITMIX_SEED 42
 *     #include "splitmix.h"
 *
 * Header-only (static): each program has its own state.
 */
#ifndef DIFFAUROC_TESTS_SPLITMIX_H
#define DIFFAUROC_TESTS_SPLITMIX_H

#include <stdint.h>

static uint64_t rng_state = SPLITMIX_SEED;

/* The next 64 random bits. */
static uint64_t rng_next(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1), a multiple of 2^-53. */
static double rng_uniform(void) { return (double)(rng_next() >> 11) * 0x1p-53; }

#endif /* DIFFAUROC_TESTS_SPLITMIX_H */
