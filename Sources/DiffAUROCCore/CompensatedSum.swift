/// Neumaier's compensated summation: the error of the total is about eps * |total| plus
/// n * eps^2 * sum |terms|, independent of the order of the terms to first order.
///
///     var s = CompensatedSum(); s.add(1e16); s.add(1); s.add(-1e16)   // s.total == 1
struct CompensatedSum {
    private var sum = 0.0
    private var compensation = 0.0

    @inline(__always)
    mutating func add(_ x: Double) {
        neumaierAdd(&sum, &compensation, x)
    }

    var total: Double { sum + compensation }
}

/// sum + compensation += x with Neumaier's correction: the rounding error of sum + x is
/// recovered exactly (Fast2Sum on the larger-magnitude operand first) and accumulated in
/// `compensation`. The one step behind `CompensatedSum`, for callers that keep arrays of
/// sums and compensations.
@inline(__always)
func neumaierAdd(_ sum: inout Double, _ compensation: inout Double, _ x: Double) {
    let t = sum + x
    if Swift.abs(sum) >= Swift.abs(x) {
        compensation += (sum - t) + x
    } else {
        compensation += (x - t) + sum
    }
    sum = t
}
