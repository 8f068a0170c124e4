// What the CPU can run, asked once when the library first computes something; the ABI
// layer uses it to pick a build of the core (see Sources/diffauroc/Kernels.swift). And
// the floating-point mode of the calling thread, which the XLA FFI handlers set to IEEE
// subnormals while they run (see Sources/diffauroc/ExportsXLA.swift).
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

/// Clears the SSE control register's flush-to-zero and denormals-are-zero bits (MXCSR
/// bits 15 and 6; XLA sets both while it runs a custom call, so that subnormal inputs
/// would read as 0 and subnormal results be flushed) and returns the register's previous
/// value for `cpu_restore_subnormal_mode`. Elsewhere than x86-64: does nothing, returns 0.
__attribute__((visibility("hidden"))) unsigned int cpu_enable_subnormals(void);

/// Restores the register value `cpu_enable_subnormals` returned.
__attribute__((visibility("hidden"))) void cpu_restore_subnormal_mode(unsigned int saved);

#ifdef __cplusplus
}
#endif

#endif
