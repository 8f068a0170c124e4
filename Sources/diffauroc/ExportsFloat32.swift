// The float32 entry points of include/diffauroc.h ("float32 entry points"): the same
// contracts as their float64 namesakes, on float32 scores, labels and weights, so NumPy
// and JAX float32 arrays are read in place instead of converted. Results are doubles.

@_cdecl("auroc_exact_f32")
public func aurocExactFloat32(
    _ scores: UnsafePointer<Float>?, _ labels: UnsafePointer<Float>?,
    _ weights: UnsafePointer<Float>?, _ n: UInt,
    _ outValue: UnsafeMutablePointer<Double>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    // The header's order: the size, then the pointers, then the samples.
    guard n <= maximumCount else { return Status.tooLarge.rawValue }
    guard let outValue else { return Status.nullPointer.rawValue }
    return runExact(scores, labels, weights, n, outValue, checking: { s, y, w throws(OutOfMemory) in
        try exactAUROCFloat32CheckingInputs(scores: s, labels: y, weights: w)
    }) { s, y, w throws(OutOfMemory) in
        try exactAUROCFloat32(scores: s, labels: y, weights: w)
    }
}
