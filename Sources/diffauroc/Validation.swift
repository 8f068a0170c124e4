/// Largest n accepted: the core's workspace is a few arrays of n 8-byte elements, and
/// n * 32 must not overflow a signed size. The one limit of every export (the batched
/// ones apply it to batch * n).
let maximumCount = UInt(Int.max / 32)

/// Checks the arguments every export shares and turns them into the core's validated
/// view. Returns the first failing status in the header's order of checks: size, NULL
/// pointers, then a single pass over the samples reporting the first bad score, label or
/// weight by index order (a bad score at index 3 wins over a bad label at index 7).
///
/// Never reads past index n - 1 and never traps: every loop is bounded by n, and the
/// pointers are only dereferenced after the NULL checks.
func validatedSamples(
    _ scores: UnsafePointer<Double>?, _ labels: UnsafePointer<Double>?,
    _ weights: UnsafePointer<Double>?, _ n: UInt
) -> Result<Samples, StatusError> {
    validatedBuffers(scores, labels, weights, n).map {
        Samples(scores: $0.scores, labels: $0.labels, weights: $0.weights)
    }
}

/// `validatedSamples` for any floating-point type (the float32 exports use it): the same
/// checks in the same order, returning the three buffers.
func validatedBuffers<Scalar: BinaryFloatingPoint>(
    _ scores: UnsafePointer<Scalar>?, _ labels: UnsafePointer<Scalar>?,
    _ weights: UnsafePointer<Scalar>?, _ n: UInt
) -> Result<(scores: UnsafeBufferPointer<Scalar>, labels: UnsafeBufferPointer<Scalar>,
             weights: UnsafeBufferPointer<Scalar>?), StatusError> {
    guard n <= maximumCount else { return .failure(StatusError(.tooLarge)) }
    let count = Int(n)
    if count > 0 && (scores == nil || labels == nil) {
        return .failure(StatusError(.nullPointer))
    }
    let s = UnsafeBufferPointer(start: count > 0 ? scores : nil, count: count)
    let y = UnsafeBufferPointer(start: count > 0 ? labels : nil, count: count)
    let w = weights.map { UnsafeBufferPointer(start: count > 0 ? $0 : nil, count: count) }
    if let bad = firstInvalidSample(s, y, w) {
        return .failure(StatusError(bad.status, index: bad.index))
    }
    return .success((s, y, w))
}

/// The first invalid sample in index order, or nil when every sample is valid: at each
/// index the score is checked first (finite), then the label (exactly 0 or 1), then the
/// weight (finite and >= 0). The one sample check of every export (`validatedBuffers`
/// and `diffauroc_find_invalid` both call it), so the status and index it reports are
/// those every computing function reports.
///
/// Blocks of 1024 are checked without branches (the loop vectorizes); only a block that
/// holds a bad value is scanned again in order, to find the first one. Reads each buffer
/// only below its count; makes no allocation.
func firstInvalidSample<Scalar: BinaryFloatingPoint>(
    _ s: UnsafeBufferPointer<Scalar>, _ y: UnsafeBufferPointer<Scalar>,
    _ w: UnsafeBufferPointer<Scalar>?
) -> (status: Status, index: Int)? {
    let count = s.count
    var blockStart = 0
    while blockStart < count {
        let block = blockStart..<Swift.min(blockStart + 1024, count)
        // (A mask as wide as the scalar: the comparisons' lanes are OR-ed as they are,
        // with no narrowing.)
        var bad: Scalar.RawSignificand = 0
        for i in block {
            bad |= s[i].isFinite ? 0 : 1
            bad |= (y[i] == 0 ? 0 : 1) & (y[i] == 1 ? 0 : 1)
        }
        if let w {
            // finite and >= 0  <=>  0 <= w < infinity (NaN fails both comparisons)
            for i in block { bad |= (w[i] >= 0 ? 0 : 1) | (w[i] < .infinity ? 0 : 1) }
        }
        if bad != 0 {
            for i in block {
                guard s[i].isFinite else { return (.nonfiniteScore, i) }
                let label = y[i]
                guard label == 0 || label == 1 else { return (.badLabel, i) }
                if let w {
                    let weight = w[i]
                    guard weight.isFinite && weight >= 0 else { return (.badWeight, i) }
                }
            }
        }
        blockStart = block.upperBound
    }
    return nil
}

/// The status of a call whose fused check (the core checking the samples in its own first
/// pass) ran out of memory: a bad sample's, as the validation finds the first, else
/// E_NO_MEMORY (not retried: a retry could mask the failure).
func statusAfterOutOfMemory<Scalar: BinaryFloatingPoint>(
    _ scores: UnsafePointer<Scalar>?, _ labels: UnsafePointer<Scalar>?,
    _ weights: UnsafePointer<Scalar>?, _ n: UInt
) -> Int32 {
    if case .failure(let error) = validatedBuffers(scores, labels, weights, n) {
        return error.status.rawValue
    }
    return Status.noMemory.rawValue
}

/// A status carried as a Swift error through `Result`, with the index of the offending
/// sample when a sample check failed.
struct StatusError: Error {
    let status: Status
    let index: Int?
    init(_ status: Status, index: Int? = nil) {
        self.status = status
        self.index = index
    }
}

/// A temperature is usable when it is finite and > 0.
func isValidTemperature(_ temperature: Double) -> Bool {
    temperature.isFinite && temperature > 0
}
