// diffauroc_find_invalid and diffauroc_find_invalid_f32 (include/diffauroc.h, "finding the
// bad element"): the sample checks of the computing functions, run alone, reporting which
// sample failed. A caller that got DIFFAUROC_E_NONFINITE_SCORE, _BAD_LABEL or _BAD_WEIGHT
// calls it on the same arrays to name the element in its message (the Python package
// does: "labels[7] = 2.0"). It runs the very function the computing exports run
// (`validatedBuffers` -> `firstInvalidSample`), so both always agree.

@_cdecl("diffauroc_find_invalid")
public func diffaurocFindInvalid(
    _ scores: UnsafePointer<Double>?, _ labels: UnsafePointer<Double>?,
    _ weights: UnsafePointer<Double>?, _ n: UInt,
    _ outIndex: UnsafeMutablePointer<UInt>?
) -> Int32 {
    findInvalid(scores, labels, weights, n, outIndex)
}

@_cdecl("diffauroc_find_invalid_f32")
public func diffaurocFindInvalidFloat32(
    _ scores: UnsafePointer<Float>?, _ labels: UnsafePointer<Float>?,
    _ weights: UnsafePointer<Float>?, _ n: UInt,
    _ outIndex: UnsafeMutablePointer<UInt>?
) -> Int32 {
    findInvalid(scores, labels, weights, n, outIndex)
}

/// Shared body: size, then the pointers (out_index included), then the samples, in the
/// header's order; writes the index only for a bad sample.
private func findInvalid<Scalar: BinaryFloatingPoint>(
    _ scores: UnsafePointer<Scalar>?, _ labels: UnsafePointer<Scalar>?,
    _ weights: UnsafePointer<Scalar>?, _ n: UInt,
    _ outIndex: UnsafeMutablePointer<UInt>?
) -> Int32 {
    // Subnormal inputs must be read as subnormals (a subnormal label is bad, not 0), as
    // the computing functions read them.
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    guard n <= maximumCount else { return Status.tooLarge.rawValue }
    guard let outIndex else { return Status.nullPointer.rawValue }
    switch validatedBuffers(scores, labels, weights, n) {
    case .success:
        return Status.ok.rawValue
    case .failure(let error):
        if let index = error.index { outIndex.pointee = UInt(index) }
        return error.status.rawValue
    }
}
