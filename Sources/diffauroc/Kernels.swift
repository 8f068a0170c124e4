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

/// The core's `softAUROCCheckingInputs` (unweighted, not validated) in the active build:
/// nil when a score or label is invalid.
func softAUROCCheckingInputs(
    scores: UnsafeBufferPointer<Double>, labels: UnsafeBufferPointer<Double>,
    temperature: Double, gradient: UnsafeMutableBufferPointer<Double>?
) throws(OutOfMemory) -> SoftResult? {
    do {
        #if arch(x86_64)
        if activeKernels == .x86_64_v3 {
            return try DiffAUROCCoreAVX2.softAUROCCheckingInputs(
                scores: scores, labels: labels, temperature: temperature, gradient: gradient
            ).map { SoftResult(value: $0.value, dTemperature: $0.dTemperature, hasPairs: $0.hasPairs) }
        }
        #endif
        return try DiffAUROCCore.softAUROCCheckingInputs(
            scores: scores, labels: labels, temperature: temperature, gradient: gradient
        ).map { SoftResult(value: $0.value, dTemperature: $0.dTemperature, hasPairs: $0.hasPairs) }
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

/// The core's `exactAUROCCheckingInputs` (float64) in the active build.
func exactAUROCCheckingInputs(
    scores: UnsafeBufferPointer<Double>, labels: UnsafeBufferPointer<Double>,
    weights: UnsafeBufferPointer<Double>?
) throws(OutOfMemory) -> CheckedExact {
    do {
        #if arch(x86_64)
        if activeKernels == .x86_64_v3 {
            switch try DiffAUROCCoreAVX2.exactAUROCCheckingInputs(scores: scores, labels: labels,
                                                                  weights: weights) {
            case .value(let v): return .value(v)
            case .undefined: return .undefined
            case .invalidInput: return .invalidInput
            }
        }
        #endif
        switch try DiffAUROCCore.exactAUROCCheckingInputs(scores: scores, labels: labels,
                                                          weights: weights) {
        case .value(let v): return .value(v)
        case .undefined: return .undefined
        case .invalidInput: return .invalidInput
        }
    } catch {
        throw OutOfMemory()
    }
}

/// The core's `exactAUROCFloat32CheckingInputs` in the active build.
func exactAUROCFloat32CheckingInputs(
    scores: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Float>,
    weights: UnsafeBufferPointer<Float>? = nil
) throws(OutOfMemory) -> CheckedExact {
    do {
        #if arch(x86_64)
        if activeKernels == .x86_64_v3 {
            switch try DiffAUROCCoreAVX2.exactAUROCFloat32CheckingInputs(
                scores: scores, labels: labels, weights: weights) {
            case .value(let v): return .value(v)
            case .undefined: return .undefined
            case .invalidInput: return .invalidInput
            }
        }
        #endif
        switch try DiffAUROCCore.exactAUROCFloat32CheckingInputs(
            scores: scores, labels: labels, weights: weights) {
        case .value(let v): return .value(v)
        case .undefined: return .undefined
        case .invalidInput: return .invalidInput
        }
    } catch {
        throw OutOfMemory()
    }
}

// ---- ROC curve and partial AUC (ExportsCurve.swift) ----

/// Where the curve's points go (the core's `ROCCurveBuffers`, rates and thresholds only);
/// every buffer nil: count only.
struct CurveOutputs {
    var falsePositiveRates: UnsafeMutableBufferPointer<Double>?
    var truePositiveRates: UnsafeMutableBufferPointer<Double>?
    var thresholds: UnsafeMutableBufferPointer<Double>?
}

/// The core's `ROCCurveSummary`.
struct CurveSummary {
    let pointCount: Int
    let written: Bool
    let hasPositives: Bool
    let hasNegatives: Bool
    let weightsOverflow: Bool
    /// From the `CheckingInputs` calls: a score or label is invalid (nothing written).
    var inputsInvalid = false
}

/// The core's `PartialAUCAxis`.
enum PartialAxis {
    case falsePositiveRate
    case truePositiveRate
}

/// The core's `PartialAUCResult`.
struct PartialResult {
    let area: Double
    let standardized: Double
    let belowDiagonal: Bool
}

/// The core's `rocCurve` in the active build.
func rocCurve(
    _ samples: Samples, dropIntermediate: Bool, into outputs: CurveOutputs
) throws(OutOfMemory) -> CurveSummary {
    do {
        #if arch(x86_64)
        if activeKernels == .x86_64_v3 {
            return CurveSummary(try DiffAUROCCoreAVX2.rocCurve(
                DiffAUROCCoreAVX2.LabeledSamples(
                    scores: samples.scores, labels: samples.labels, weights: samples.weights),
                dropIntermediate: dropIntermediate, into: outputs.avx2))
        }
        #endif
        return CurveSummary(try DiffAUROCCore.rocCurve(
            DiffAUROCCore.LabeledSamples(
                scores: samples.scores, labels: samples.labels, weights: samples.weights),
            dropIntermediate: dropIntermediate, into: outputs.baseline))
    } catch {
        throw OutOfMemory()
    }
}

/// The core's `rocCurveCheckingInputs` (unweighted float64, not validated) in the active build.
func rocCurveCheckingInputs(
    scores: UnsafeBufferPointer<Double>, labels: UnsafeBufferPointer<Double>,
    dropIntermediate: Bool, into outputs: CurveOutputs
) throws(OutOfMemory) -> CurveSummary {
    do {
        #if arch(x86_64)
        if activeKernels == .x86_64_v3 {
            return CurveSummary(try DiffAUROCCoreAVX2.rocCurveCheckingInputs(
                scores: scores, labels: labels, dropIntermediate: dropIntermediate, into: outputs.avx2))
        }
        #endif
        return CurveSummary(try DiffAUROCCore.rocCurveCheckingInputs(
            scores: scores, labels: labels, dropIntermediate: dropIntermediate, into: outputs.baseline))
    } catch {
        throw OutOfMemory()
    }
}

/// The core's `rocCurveFloat32CheckingInputs` in the active build.
func rocCurveFloat32CheckingInputs(
    scores: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Float>,
    dropIntermediate: Bool, into outputs: CurveOutputs
) throws(OutOfMemory) -> CurveSummary {
    do {
        #if arch(x86_64)
        if activeKernels == .x86_64_v3 {
            return CurveSummary(try DiffAUROCCoreAVX2.rocCurveFloat32CheckingInputs(
                scores: scores, labels: labels, dropIntermediate: dropIntermediate, into: outputs.avx2))
        }
        #endif
        return CurveSummary(try DiffAUROCCore.rocCurveFloat32CheckingInputs(
            scores: scores, labels: labels, dropIntermediate: dropIntermediate, into: outputs.baseline))
    } catch {
        throw OutOfMemory()
    }
}

/// The core's `rocCurveFloat32` in the active build.
func rocCurveFloat32(
    scores: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Float>,
    weights: UnsafeBufferPointer<Float>?, dropIntermediate: Bool, into outputs: CurveOutputs
) throws(OutOfMemory) -> CurveSummary {
    do {
        #if arch(x86_64)
        if activeKernels == .x86_64_v3 {
            return CurveSummary(try DiffAUROCCoreAVX2.rocCurveFloat32(
                scores: scores, labels: labels, weights: weights,
                dropIntermediate: dropIntermediate, into: outputs.avx2))
        }
        #endif
        return CurveSummary(try DiffAUROCCore.rocCurveFloat32(
            scores: scores, labels: labels, weights: weights,
            dropIntermediate: dropIntermediate, into: outputs.baseline))
    } catch {
        throw OutOfMemory()
    }
}

/// What the core's `partialAUCCheckingInputs` found (`CheckedPartialAUC`).
enum CheckedPartial {
    case value(PartialResult)
    case undefined
    case invalidInput
}

extension CheckedPartial {
    init(_ c: DiffAUROCCore.CheckedPartialAUC) {
        switch c {
        case .value(let r): self = .value(PartialResult(r))
        case .undefined: self = .undefined
        case .invalidInput: self = .invalidInput
        }
    }
    #if arch(x86_64)
    init(_ c: DiffAUROCCoreAVX2.CheckedPartialAUC) {
        switch c {
        case .value(let r): self = .value(PartialResult(r))
        case .undefined: self = .undefined
        case .invalidInput: self = .invalidInput
        }
    }
    #endif
}

/// The core's `partialAUCCheckingInputs` (unweighted float64, not validated) in the active build.
func partialAUCCheckingInputs(
    scores: UnsafeBufferPointer<Double>, labels: UnsafeBufferPointer<Double>,
    axis: PartialAxis, lower: Double, upper: Double
) throws(OutOfMemory) -> CheckedPartial {
    do {
        #if arch(x86_64)
        if activeKernels == .x86_64_v3 {
            return CheckedPartial(try DiffAUROCCoreAVX2.partialAUCCheckingInputs(
                scores: scores, labels: labels,
                axis: axis == .falsePositiveRate ? .falsePositiveRate : .truePositiveRate,
                lower: lower, upper: upper))
        }
        #endif
        return CheckedPartial(try DiffAUROCCore.partialAUCCheckingInputs(
            scores: scores, labels: labels,
            axis: axis == .falsePositiveRate ? .falsePositiveRate : .truePositiveRate,
            lower: lower, upper: upper))
    } catch {
        throw OutOfMemory()
    }
}

/// The core's `partialAUCFloat32CheckingInputs` in the active build.
func partialAUCFloat32CheckingInputs(
    scores: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Float>,
    axis: PartialAxis, lower: Double, upper: Double
) throws(OutOfMemory) -> CheckedPartial {
    do {
        #if arch(x86_64)
        if activeKernels == .x86_64_v3 {
            return CheckedPartial(try DiffAUROCCoreAVX2.partialAUCFloat32CheckingInputs(
                scores: scores, labels: labels,
                axis: axis == .falsePositiveRate ? .falsePositiveRate : .truePositiveRate,
                lower: lower, upper: upper))
        }
        #endif
        return CheckedPartial(try DiffAUROCCore.partialAUCFloat32CheckingInputs(
            scores: scores, labels: labels,
            axis: axis == .falsePositiveRate ? .falsePositiveRate : .truePositiveRate,
            lower: lower, upper: upper))
    } catch {
        throw OutOfMemory()
    }
}

/// The core's `partialAUC` in the active build: nil when a class is absent.
func partialAUC(
    _ samples: Samples, axis: PartialAxis, lower: Double, upper: Double
) throws(OutOfMemory) -> PartialResult? {
    do {
        #if arch(x86_64)
        if activeKernels == .x86_64_v3 {
            return try DiffAUROCCoreAVX2.partialAUC(
                DiffAUROCCoreAVX2.LabeledSamples(
                    scores: samples.scores, labels: samples.labels, weights: samples.weights),
                axis: axis == .falsePositiveRate ? .falsePositiveRate : .truePositiveRate,
                lower: lower, upper: upper).map { PartialResult($0) }
        }
        #endif
        return try DiffAUROCCore.partialAUC(
            DiffAUROCCore.LabeledSamples(
                scores: samples.scores, labels: samples.labels, weights: samples.weights),
            axis: axis == .falsePositiveRate ? .falsePositiveRate : .truePositiveRate,
            lower: lower, upper: upper).map { PartialResult($0) }
    } catch {
        throw OutOfMemory()
    }
}

/// The core's `partialAUCFloat32` in the active build: nil when a class is absent.
func partialAUCFloat32(
    scores: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Float>,
    weights: UnsafeBufferPointer<Float>?, axis: PartialAxis, lower: Double, upper: Double
) throws(OutOfMemory) -> PartialResult? {
    do {
        #if arch(x86_64)
        if activeKernels == .x86_64_v3 {
            return try DiffAUROCCoreAVX2.partialAUCFloat32(
                scores: scores, labels: labels, weights: weights,
                axis: axis == .falsePositiveRate ? .falsePositiveRate : .truePositiveRate,
                lower: lower, upper: upper).map { PartialResult($0) }
        }
        #endif
        return try DiffAUROCCore.partialAUCFloat32(
            scores: scores, labels: labels, weights: weights,
            axis: axis == .falsePositiveRate ? .falsePositiveRate : .truePositiveRate,
            lower: lower, upper: upper).map { PartialResult($0) }
    } catch {
        throw OutOfMemory()
    }
}

extension CurveOutputs {
    var baseline: DiffAUROCCore.ROCCurveBuffers {
        DiffAUROCCore.ROCCurveBuffers(falsePositiveRates: falsePositiveRates,
                                      truePositiveRates: truePositiveRates, thresholds: thresholds)
    }
    #if arch(x86_64)
    var avx2: DiffAUROCCoreAVX2.ROCCurveBuffers {
        DiffAUROCCoreAVX2.ROCCurveBuffers(falsePositiveRates: falsePositiveRates,
                                          truePositiveRates: truePositiveRates,
                                          thresholds: thresholds)
    }
    #endif
}

extension CurveSummary {
    init(_ s: DiffAUROCCore.ROCCurveSummary) {
        self.init(pointCount: s.pointCount, written: s.written, hasPositives: s.hasPositives,
                  hasNegatives: s.hasNegatives, weightsOverflow: s.weightsOverflow,
                  inputsInvalid: s.inputsInvalid)
    }
    #if arch(x86_64)
    init(_ s: DiffAUROCCoreAVX2.ROCCurveSummary) {
        self.init(pointCount: s.pointCount, written: s.written, hasPositives: s.hasPositives,
                  hasNegatives: s.hasNegatives, weightsOverflow: s.weightsOverflow,
                  inputsInvalid: s.inputsInvalid)
    }
    #endif
}

extension PartialResult {
    init(_ r: DiffAUROCCore.PartialAUCResult) {
        self.init(area: r.area, standardized: r.standardized, belowDiagonal: r.belowDiagonal)
    }
    #if arch(x86_64)
    init(_ r: DiffAUROCCoreAVX2.PartialAUCResult) {
        self.init(area: r.area, standardized: r.standardized, belowDiagonal: r.belowDiagonal)
    }
    #endif
}
