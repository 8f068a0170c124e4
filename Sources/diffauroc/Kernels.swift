#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPUFeatures
import DiffAUROCCore
#if arch(x86_64)
import DiffAUROCCoreAVX2
#endif

// The one place where the ABI layer calls the core. On x86-64 the core is built twice
// (Package.swift): `DiffAUROCCore` for baseline x86-64 (SSE2) and `DiffAUROCCoreAVX2`,
// the same sources for x86-64-v3. Each function below calls the build chosen once per
// process by `activeKernels`. Both builds compute the same bits: Swift does not contract
// a * b + c into a fused multiply-add, and no loop is reassociated, so AVX2 only changes
// how many lanes an instruction holds (python/tests/test_kernels.py compares them).
//
// The other ABI files see only the types below, never a core module's own.

/// The builds of the core this library holds.
enum KernelSet {
    /// SSE2 only: runs on every x86-64 CPU (and is the only build elsewhere).
    case baseline
    /// x86-64-v3: AVX, AVX2, FMA, BMI1/2, F16C, LZCNT, MOVBE.
    case x86_64_v3

    /// The name `diffauroc_kernels` returns (static, NUL-terminated).
    var name: StaticString {
        switch self {
        case .baseline: "x86-64"
        case .x86_64_v3: "x86-64-v3"
        }
    }
}

/// The build used by every call of this process: x86-64-v3 when the CPU and the OS
/// support it, unless the environment variable DIFFAUROC_KERNELS is "baseline" when the
/// library first computes something (read once; for tests and for comparing the two).
let activeKernels: KernelSet = {
    #if arch(x86_64)
    if let requested = getenv("DIFFAUROC_KERNELS"), String(cString: requested) == "baseline" {
        return .baseline
    }
    return cpu_supports_x86_64_v3() != 0 ? .x86_64_v3 : .baseline
    #else
    return .baseline
    #endif
}()

@_cdecl("diffauroc_kernels")
public func diffaurocKernels() -> UnsafePointer<CChar> {
    UnsafeRawPointer(activeKernels.name.utf8Start).assumingMemoryBound(to: CChar.self)
}

/// Every export that reads floating-point inputs runs with IEEE subnormals: it calls
/// `enterIEEEMode()` first and `leaveIEEEMode(_:)` on the way out (`defer`), so that no
/// result depends on the caller's flush-to-zero / denormals-are-zero mode. (XLA sets both
/// while it runs custom calls and host callbacks, and C code built with -ffast-math at
/// start-up: under them a subnormal score would tie with 0, a subnormal label pass as 0, a
/// subnormal weight drop its sample.) The worker thread a call starts inherits the mode.
@inline(__always)
func enterIEEEMode() -> UInt32 { cpu_enable_subnormals() }

/// Gives the caller back the mode `enterIEEEMode()` found.
@inline(__always)
func leaveIEEEMode(_ saved: UInt32) { cpu_restore_subnormal_mode(saved) }

/// Validated samples (see `validatedSamples`): scores finite, labels 0 or 1, weights
/// finite and >= 0, all of one count.
struct Samples {
    let scores: UnsafeBufferPointer<Double>
    let labels: UnsafeBufferPointer<Double>
    let weights: UnsafeBufferPointer<Double>?
    var count: Int { scores.count }
}

/// The soft AUROC, its derivative in the temperature, and whether any pair exists.
struct SoftResult {
    let value: Double
    let dTemperature: Double
    let hasPairs: Bool
}

/// What `exactAUROCFloat32CheckingInputs` found (see the core's `CheckedExactAUROC`).
enum CheckedExact {
    case value(Double)
    case undefined
    case invalidInput
}

/// The only failure the core reports: a temporary allocation failed.
struct OutOfMemory: Error {}

/// The core's `softAUROC` (automatic method) in the active build.
func softAUROC(
    _ samples: Samples, temperature: Double, gradient: UnsafeMutableBufferPointer<Double>?
) throws(OutOfMemory) -> SoftResult {
    do {
        #if arch(x86_64)
        if activeKernels == .x86_64_v3 {
            let r = try DiffAUROCCoreAVX2.softAUROC(
                DiffAUROCCoreAVX2.LabeledSamples(
                    scores: samples.scores, labels: samples.labels, weights: samples.weights),
                temperature: temperature, gradient: gradient)
            return SoftResult(value: r.value, dTemperature: r.dTemperature, hasPairs: r.hasPairs)
        }
        #endif
        let r = try DiffAUROCCore.softAUROC(
            DiffAUROCCore.LabeledSamples(
                scores: samples.scores, labels: samples.labels, weights: samples.weights),
            temperature: temperature, gradient: gradient)
        return SoftResult(value: r.value, dTemperature: r.dTemperature, hasPairs: r.hasPairs)
    } catch {
        throw OutOfMemory()
    }
}

/// The core's `exactAUROC` in the active build: nil when AUROC is undefined.
func exactAUROC(_ samples: Samples) throws(OutOfMemory) -> Double? {
    do {
        #if arch(x86_64)
        if activeKernels == .x86_64_v3 {
            return try DiffAUROCCoreAVX2.exactAUROC(
                DiffAUROCCoreAVX2.LabeledSamples(
                    scores: samples.scores, labels: samples.labels, weights: samples.weights))
        }
        #endif
        return try DiffAUROCCore.exactAUROC(
            DiffAUROCCore.LabeledSamples(
                scores: samples.scores, labels: samples.labels, weights: samples.weights))
    } catch {
        throw OutOfMemory()
    }
}

/// The core's `exactAUROCFloat32` in the active build: nil when AUROC is undefined.
func exactAUROCFloat32(
    scores: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Float>,
    weights: UnsafeBufferPointer<Float>?
) throws(OutOfMemory) -> Double? {
    do {
        #if arch(x86_64)
        if activeKernels == .x86_64_v3 {
            return try DiffAUROCCoreAVX2.exactAUROCFloat32(
                scores: scores, labels: labels, weights: weights)
        }
        #endif
        return try DiffAUROCCore.exactAUROCFloat32(scores: scores, labels: labels, weights: weights)
    } catch {
        throw OutOfMemory()
    }
}

/// The core's `exactAUROCFloat32CheckingInputs` in the active build.
func exactAUROCFloat32CheckingInputs(
    scores: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Float>
) throws(OutOfMemory) -> CheckedExact {
    do {
        #if arch(x86_64)
        if activeKernels == .x86_64_v3 {
            switch try DiffAUROCCoreAVX2.exactAUROCFloat32CheckingInputs(
                scores: scores, labels: labels) {
            case .value(let v): return .value(v)
            case .undefined: return .undefined
            case .invalidInput: return .invalidInput
            }
        }
        #endif
        switch try DiffAUROCCore.exactAUROCFloat32CheckingInputs(scores: scores, labels: labels) {
        case .value(let v): return .value(v)
        case .undefined: return .undefined
        case .invalidInput: return .invalidInput
        }
    } catch {
        throw OutOfMemory()
    }
}
