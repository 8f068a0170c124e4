// What the CPU can run, asked once when the library first computes something; the ABI
// layer uses it to pick a build of the core (see Sources/diffauroc/Kernels.swift).
#ifndef DIFFAUROC_CPU_FEATURES_H
#define DIFFAUROC_CPU_FEATURES_H

#ifdef __cplusplus
extern "C" {
#endif

/// Not exported from libdiffauroc.so (hidden, and outside the version script's names).
/// 1 if this x86-64 CPU, and the operating system, support every instruction set of the
/// x86-64-v3 level (AVX, AVX2, FMA, BMI1, BMI2, F16C, LZCNT, MOVBE, POPCNT, SSE4.2,
/// and the YMM register state enabled in XCR0); 0 otherwise, and always 0 elsewhere.
__attribute__((visibility("hidden"))) int cpu_supports_x86_64_v3(void);

#ifdef __cplusplus
}
#endif

#endif
