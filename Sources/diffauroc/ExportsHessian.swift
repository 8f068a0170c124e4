#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DiffAUROCCore
#if arch(x86_64)
import DiffAUROCCoreAVX2
#endif

// auroc_soft_hvp and auroc_soft_hvp_f32 (include/diffauroc.h, "second derivatives"):
// Hessian-vector products of the soft AUROC with respect to (scores, temperature).
// Checks in the header's order: n, required pointers, the samples (index order), the
// temperature, then the direction (v in index order, then v_temperature).

/// DIFFAUROC_E_BAD_TANGENT: a direction entry is NaN or infinite.
let badTangentStatus = Status.badTangent.rawValue

@_cdecl("auroc_soft_hvp")
public func aurocSoftHVP(
    _ scores: UnsafePointer<Double>?, _ labels: UnsafePointer<Double>?,
    _ weights: UnsafePointer<Double>?, _ n: UInt, _ temperature: Double,
    _ direction: UnsafePointer<Double>?, _ directionTemperature: Double,
    _ outHV: UnsafeMutablePointer<Double>?, _ outHVTemperature: UnsafeMutablePointer<Double>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    guard n <= maximumCount else { return Status.tooLarge.rawValue }
    guard n == 0 || (direction != nil && outHV != nil) else { return Status.nullPointer.rawValue }
    let samples: Samples
    switch validatedSamples(scores, labels, weights, n) {
    case .failure(let error): return error.status.rawValue
    case .success(let s): samples = s
    }
    guard isValidTemperature(temperature) else { return Status.badTemperature.rawValue }
    let count = Int(n)
    let v = UnsafeBufferPointer(start: count > 0 ? direction : nil, count: count)
    if firstNonfinite(v) != nil || !directionTemperature.isFinite { return badTangentStatus }
    let out = UnsafeMutableBufferPointer(start: count > 0 ? outHV : nil, count: count)
    do {
        let r = try softHVP(samples, temperature: temperature, direction: v,
                            directionTemperature: directionTemperature, output: out)
        outHVTemperature?.pointee = r.temperatureComponent
        return r.hasPairs ? Status.ok.rawValue : Status.warnOneClass.rawValue
    } catch {
        return Status.noMemory.rawValue
    }
}

@_cdecl("auroc_soft_hvp_f32")
public func aurocSoftHVPFloat32(
    _ scores: UnsafePointer<Float>?, _ labels: UnsafePointer<Float>?,
    _ weights: UnsafePointer<Float>?, _ n: UInt, _ temperature: Double,
    _ direction: UnsafePointer<Float>?, _ directionTemperature: Double,
    _ outHV: UnsafeMutablePointer<Double>?, _ outHVTemperature: UnsafeMutablePointer<Double>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    guard n <= maximumCount else { return Status.tooLarge.rawValue }
    guard n == 0 || (direction != nil && outHV != nil) else { return Status.nullPointer.rawValue }
    let buffers: (scores: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Float>,
                  weights: UnsafeBufferPointer<Float>?)
    switch validatedBuffers(scores, labels, weights, n) {
    case .failure(let error): return error.status.rawValue
    case .success(let s): buffers = s
    }
    guard isValidTemperature(temperature) else { return Status.badTemperature.rawValue }
    let count = Int(n)
    let vf = UnsafeBufferPointer(start: count > 0 ? direction : nil, count: count)
    if firstNonfinite(vf) != nil || !directionTemperature.isFinite { return badTangentStatus }
    // Widen to double (exact) in one allocation: scores, labels, weights?, v.
    let arrays = buffers.weights == nil ? 3 : 4
    let (bytes, overflow) = count.multipliedReportingOverflow(by: 8 * arrays)
    guard !overflow else { return Status.tooLarge.rawValue }
    guard let raw = malloc(Swift.max(bytes, 8)) else { return Status.noMemory.rawValue }
    defer { free(raw) }
    let d = raw.bindMemory(to: Double.self, capacity: count * arrays)
    for i in 0..<count {
        d[i] = Double(buffers.scores[i])
        d[count + i] = Double(buffers.labels[i])
        d[2 * count + i] = Double(vf[i])
    }
    var w: UnsafeBufferPointer<Double>? = nil
    if let weights = buffers.weights {
        for i in 0..<count { d[3 * count + i] = Double(weights[i]) }
        w = UnsafeBufferPointer(start: count > 0 ? d + 3 * count : nil, count: count)
    }
    let samples = Samples(
        scores: UnsafeBufferPointer(start: count > 0 ? d : nil, count: count),
        labels: UnsafeBufferPointer(start: count > 0 ? d + count : nil, count: count),
        weights: w)
    let v = UnsafeBufferPointer(start: count > 0 ? d + 2 * count : nil, count: count)
    let out = UnsafeMutableBufferPointer(start: count > 0 ? outHV : nil, count: count)
    do {
        let r = try softHVP(samples, temperature: temperature, direction: v,
                            directionTemperature: directionTemperature, output: out)
        outHVTemperature?.pointee = r.temperatureComponent
        return r.hasPairs ? Status.ok.rawValue : Status.warnOneClass.rawValue
    } catch {
        return Status.noMemory.rawValue
    }
}

/// The index of the first NaN or infinite element, or nil.
func firstNonfinite<Scalar: BinaryFloatingPoint>(_ v: UnsafeBufferPointer<Scalar>) -> Int? {
    for i in 0..<v.count where !v[i].isFinite { return i }
    return nil
}

/// The core's `softAUROCHVP` in the active build (see Kernels.swift).
func softHVP(
    _ samples: Samples, temperature: Double, direction: UnsafeBufferPointer<Double>,
    directionTemperature: Double, output: UnsafeMutableBufferPointer<Double>
) throws(OutOfMemory) -> (temperatureComponent: Double, hasPairs: Bool) {
    do {
        #if arch(x86_64)
        if activeKernels == .x86_64_v3 {
            let r = try DiffAUROCCoreAVX2.softAUROCHVP(
                DiffAUROCCoreAVX2.LabeledSamples(
                    scores: samples.scores, labels: samples.labels, weights: samples.weights),
                temperature: temperature, direction: direction,
                directionTemperature: directionTemperature, output: output)
            return (r.temperatureComponent, r.hasPairs)
        }
        #endif
        let r = try DiffAUROCCore.softAUROCHVP(
            DiffAUROCCore.LabeledSamples(
                scores: samples.scores, labels: samples.labels, weights: samples.weights),
            temperature: temperature, direction: direction,
            directionTemperature: directionTemperature, output: output)
        return (r.temperatureComponent, r.hasPairs)
    } catch {
        throw OutOfMemory()
    }
}
