#include "cpu_features.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <xmmintrin.h>

enum { mxcsr_flush_to_zero = 1u << 15, mxcsr_denormals_are_zero = 1u << 6 };

unsigned int cpu_enable_subnormals(void) {
    unsigned saved = _mm_getcsr();
    _mm_setcsr(saved & ~(unsigned)(mxcsr_flush_to_zero | mxcsr_denormals_are_zero));
    return saved;
}

void cpu_restore_subnormal_mode(unsigned int saved) { _mm_setcsr(saved); }

// Bits from the Intel SDM, vol. 2A, CPUID (the AMD manual agrees for these).
enum {
    // leaf 1, ECX
    leaf1_sse3 = 1u << 0, leaf1_ssse3 = 1u << 9, leaf1_fma = 1u << 12,
    leaf1_cx16 = 1u << 13, leaf1_sse41 = 1u << 19, leaf1_sse42 = 1u << 20,
    leaf1_movbe = 1u << 22, leaf1_popcnt = 1u << 23, leaf1_osxsave = 1u << 27,
    leaf1_avx = 1u << 28, leaf1_f16c = 1u << 29,
    // leaf 7 (subleaf 0), EBX
    leaf7_bmi1 = 1u << 3, leaf7_avx2 = 1u << 5, leaf7_bmi2 = 1u << 8,
    // leaf 0x80000001, ECX
    extended_lahf = 1u << 0, extended_lzcnt = 1u << 5,
    // XCR0: the OS saves the SSE (XMM) and AVX (upper YMM) register state
    xcr0_sse = 1u << 1, xcr0_avx = 1u << 2,
};

int cpu_supports_x86_64_v3(void) {
    unsigned a, b, c, d;
    const unsigned leaf1 = leaf1_sse3 | leaf1_ssse3 | leaf1_fma | leaf1_cx16 | leaf1_sse41
        | leaf1_sse42 | leaf1_movbe | leaf1_popcnt | leaf1_osxsave | leaf1_avx | leaf1_f16c;
    if (!__get_cpuid(1, &a, &b, &c, &d) || (c & leaf1) != leaf1) return 0;

    // OSXSAVE is set (checked above), so XGETBV is available.
    unsigned xcr0, xcr0_high;
    __asm__ volatile("xgetbv" : "=a"(xcr0), "=d"(xcr0_high) : "c"(0));
    if ((xcr0 & (xcr0_sse | xcr0_avx)) != (xcr0_sse | xcr0_avx)) return 0;

    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    const unsigned leaf7 = leaf7_bmi1 | leaf7_avx2 | leaf7_bmi2;
    if ((b & leaf7) != leaf7) return 0;

    const unsigned extended = extended_lahf | extended_lzcnt;
    if (!__get_cpuid(0x80000001u, &a, &b, &c, &d) || (c & extended) != extended) return 0;
    return 1;
}

#else

int cpu_supports_x86_64_v3(void) { return 0; }

unsigned int cpu_enable_subnormals(void) { return 0; }

void cpu_restore_subnormal_mode(unsigned int saved) { (void)saved; }

#endif
