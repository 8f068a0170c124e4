// swift-tools-version: 6.0
// diffauroc: soft (differentiable) and exact AUROC behind a plain C ABI.
//
// Layout:
//   Sources/DiffAUROCCore      pure-Swift algorithms (no C types, no status codes)
//   Sources/DiffAUROCCoreAVX2  a symbolic link to DiffAUROCCore: the same sources, built
//                              again for x86-64-v3 (AVX2, FMA, BMI2) on x86-64 hosts
//   Sources/CPUFeatures        CPUID: whether the CPU running the library has x86-64-v3
//   Sources/CoreHints          prefetch hints for the core (Swift has none), header-only
//   Sources/diffauroc          the C ABI: @_cdecl exports, argument validation, status
//                              codes, and the choice of core build (Kernels.swift)
//   include/diffauroc.h        the C contract
import PackageDescription

// The library's SIMD loops run about 1.2-1.3x faster with AVX2 than with the SSE2 of
// baseline x86-64, but a binary built for AVX2 faults on CPUs without it, and Swift has
// no per-function target attribute. So on x86-64 the core is compiled twice, as two
// modules from the same files, and the ABI layer calls the AVX2 one when CPUID says it
// can (DIFFAUROC_KERNELS=baseline forces the other; see README, "CPU dispatch").
#if arch(x86_64)
let avx2Core: [Target] = [
    .target(
        name: "DiffAUROCCoreAVX2",
        dependencies: ["CoreHints"],
        // Haswell is the first CPU with every x86-64-v3 instruction set; swiftc names
        // CPUs, not x86-64 levels.
        swiftSettings: [.unsafeFlags(["-target-cpu", "haswell"])]),
]
let avx2CoreDependency: [Target.Dependency] = ["DiffAUROCCoreAVX2"]
#else
let avx2Core: [Target] = []
let avx2CoreDependency: [Target.Dependency] = []
#endif

let package = Package(
    name: "diffauroc",
    products: [
        .library(name: "diffauroc", type: .dynamic, targets: ["diffauroc"]),
    ],
    targets: [
        .target(name: "DiffAUROCCore", dependencies: ["CoreHints"]),
        .target(name: "CoreHints"),
        .target(name: "CPUFeatures"),
        .target(
            name: "diffauroc",
            dependencies: ["DiffAUROCCore", "CPUFeatures"] + avx2CoreDependency,
            exclude: ["exports.map"],
            // The Swift runtime is linked into the .so, so it loads where no Swift
            // toolchain is installed (`ldd` shows no libswift*); the version script
            // exports the C functions of include/diffauroc.h and hides everything else.
            linkerSettings: [.unsafeFlags([
                "-static-stdlib",
                "-Xlinker", "--version-script=\(Context.packageDirectory)/Sources/diffauroc/exports.map",
                // Never unmapped by dlclose: the core's persistent helper thread
                // (WorkerTeam.swift, TeamHelper) runs the library's code.
                "-Xlinker", "-z", "-Xlinker", "nodelete",
            ])]
        ),
        .testTarget(
            name: "DiffAUROCCoreTests",
            dependencies: ["DiffAUROCCore"]
        ),
    ] + avx2Core
)
