// auroc_exact_columns, auroc_exact_ovr, auroc_exact_ovo, auroc_partial_columns and their
// _f32 variants (include/diffauroc.h, "Many columns in one call"): k AUROCs of one strided
// n x k score array in one call, over the core's `aurocColumns` / `aurocOneVsOne`
// (Sources/DiffAUROCCore/Columns.swift).
//
// Order of checks: the sizes (k, n * k, k * k for ovo, the largest element index each
// stride pair reaches), then k == 0 (DIFFAUROC_OK, nothing touched), the required
// pointers, the samples (row i, then column j; at (i, j) the score, the label or class,
// the weight), then the partial AUC's axis and range. Two phases: every element is checked
// before any column is computed, and on an input error no value is written (only
// out_status, each column's own first error, for the functions with one status per
// column). Element (i, j) is read at base[i * sample_stride + j * column_stride], only for
// i < n and j < k.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DiffAUROCCore
#if arch(x86_64)
import DiffAUROCCoreAVX2
#endif

// ---- exports ----

@_cdecl("auroc_exact_columns")
public func aurocExactColumns(
    _ scores: UnsafePointer<Double>?, _ n: UInt, _ k: UInt, _ scoreSampleStride: UInt,
    _ scoreColumnStride: UInt, _ labels: UnsafePointer<Double>?, _ labelSampleStride: UInt,
    _ labelColumnStride: UInt, _ weights: UnsafePointer<Double>?,
    _ outValues: UnsafeMutablePointer<Double>?, _ outStatus: UnsafeMutablePointer<Int32>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    return runColumns(
        Strided(scores, scoreSampleStride, scoreColumnStride),
        .columns(Strided(labels, labelSampleStride, labelColumnStride)), weights, n, k,
        axis: nil, lower: 0, upper: 1, outValues, nil, outStatus)
}

@_cdecl("auroc_exact_columns_f32")
public func aurocExactColumnsFloat32(
    _ scores: UnsafePointer<Float>?, _ n: UInt, _ k: UInt, _ scoreSampleStride: UInt,
    _ scoreColumnStride: UInt, _ labels: UnsafePointer<Float>?, _ labelSampleStride: UInt,
    _ labelColumnStride: UInt, _ weights: UnsafePointer<Float>?,
    _ outValues: UnsafeMutablePointer<Double>?, _ outStatus: UnsafeMutablePointer<Int32>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    return runColumns(
        Strided(scores, scoreSampleStride, scoreColumnStride),
        .columns(Strided(labels, labelSampleStride, labelColumnStride)), weights, n, k,
        axis: nil, lower: 0, upper: 1, outValues, nil, outStatus)
}

@_cdecl("auroc_exact_ovr")
public func aurocExactOneVsRest(
    _ scores: UnsafePointer<Double>?, _ n: UInt, _ k: UInt, _ sampleStride: UInt,
    _ columnStride: UInt, _ classes: UnsafePointer<Double>?, _ weights: UnsafePointer<Double>?,
    _ outValues: UnsafeMutablePointer<Double>?, _ outStatus: UnsafeMutablePointer<Int32>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    return runColumns(
        Strided(scores, sampleStride, columnStride), .classes(classes), weights, n, k,
        axis: nil, lower: 0, upper: 1, outValues, nil, outStatus)
}

@_cdecl("auroc_exact_ovr_f32")
public func aurocExactOneVsRestFloat32(
    _ scores: UnsafePointer<Float>?, _ n: UInt, _ k: UInt, _ sampleStride: UInt,
    _ columnStride: UInt, _ classes: UnsafePointer<Float>?, _ weights: UnsafePointer<Float>?,
    _ outValues: UnsafeMutablePointer<Double>?, _ outStatus: UnsafeMutablePointer<Int32>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    return runColumns(
        Strided(scores, sampleStride, columnStride), .classes(classes), weights, n, k,
        axis: nil, lower: 0, upper: 1, outValues, nil, outStatus)
}

@_cdecl("auroc_exact_ovr_rowsums")
public func aurocExactOneVsRestRowSums(
    _ scores: UnsafePointer<Double>?, _ n: UInt, _ k: UInt, _ sampleStride: UInt,
    _ columnStride: UInt, _ classes: UnsafePointer<Double>?, _ weights: UnsafePointer<Double>?,
    _ outValues: UnsafeMutablePointer<Double>?, _ outStatus: UnsafeMutablePointer<Int32>?,
    _ outRowDeviation: UnsafeMutablePointer<Double>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    return runColumns(
        Strided(scores, sampleStride, columnStride), .classes(classes), weights, n, k,
        axis: nil, lower: 0, upper: 1, outValues, nil, outStatus,
        rowDeviation: .requested(outRowDeviation))
}

@_cdecl("auroc_exact_ovr_rowsums_f32")
public func aurocExactOneVsRestRowSumsFloat32(
    _ scores: UnsafePointer<Float>?, _ n: UInt, _ k: UInt, _ sampleStride: UInt,
    _ columnStride: UInt, _ classes: UnsafePointer<Float>?, _ weights: UnsafePointer<Float>?,
    _ outValues: UnsafeMutablePointer<Double>?, _ outStatus: UnsafeMutablePointer<Int32>?,
    _ outRowDeviation: UnsafeMutablePointer<Double>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    return runColumns(
        Strided(scores, sampleStride, columnStride), .classes(classes), weights, n, k,
        axis: nil, lower: 0, upper: 1, outValues, nil, outStatus,
        rowDeviation: .requested(outRowDeviation))
}

@_cdecl("auroc_exact_ovo")
public func aurocExactOneVsOne(
    _ scores: UnsafePointer<Double>?, _ n: UInt, _ k: UInt, _ sampleStride: UInt,
    _ columnStride: UInt, _ classes: UnsafePointer<Double>?,
    _ outPairs: UnsafeMutablePointer<Double>?, _ outStatus: UnsafeMutablePointer<Int32>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    return runOneVsOne(Strided(scores, sampleStride, columnStride), classes, n, k,
                       outPairs, outStatus)
}

@_cdecl("auroc_exact_ovo_f32")
public func aurocExactOneVsOneFloat32(
    _ scores: UnsafePointer<Float>?, _ n: UInt, _ k: UInt, _ sampleStride: UInt,
    _ columnStride: UInt, _ classes: UnsafePointer<Float>?,
    _ outPairs: UnsafeMutablePointer<Double>?, _ outStatus: UnsafeMutablePointer<Int32>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    return runOneVsOne(Strided(scores, sampleStride, columnStride), classes, n, k,
                       outPairs, outStatus)
}

@_cdecl("auroc_partial_columns")
public func aurocPartialColumns(
    _ scores: UnsafePointer<Double>?, _ n: UInt, _ k: UInt, _ scoreSampleStride: UInt,
    _ scoreColumnStride: UInt, _ labels: UnsafePointer<Double>?, _ labelSampleStride: UInt,
    _ labelColumnStride: UInt, _ weights: UnsafePointer<Double>?, _ axis: Int32,
    _ lower: Double, _ upper: Double, _ outArea: UnsafeMutablePointer<Double>?,
    _ outStandardized: UnsafeMutablePointer<Double>?, _ outStatus: UnsafeMutablePointer<Int32>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    return runColumns(
        Strided(scores, scoreSampleStride, scoreColumnStride),
        .columns(Strided(labels, labelSampleStride, labelColumnStride)), weights, n, k,
        axis: axis, lower: lower, upper: upper, outArea, outStandardized, outStatus)
}

@_cdecl("auroc_partial_columns_f32")
public func aurocPartialColumnsFloat32(
    _ scores: UnsafePointer<Float>?, _ n: UInt, _ k: UInt, _ scoreSampleStride: UInt,
    _ scoreColumnStride: UInt, _ labels: UnsafePointer<Float>?, _ labelSampleStride: UInt,
    _ labelColumnStride: UInt, _ weights: UnsafePointer<Float>?, _ axis: Int32,
    _ lower: Double, _ upper: Double, _ outArea: UnsafeMutablePointer<Double>?,
    _ outStandardized: UnsafeMutablePointer<Double>?, _ outStatus: UnsafeMutablePointer<Int32>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    return runColumns(
        Strided(scores, scoreSampleStride, scoreColumnStride),
        .columns(Strided(labels, labelSampleStride, labelColumnStride)), weights, n, k,
        axis: axis, lower: lower, upper: upper, outArea, outStandardized, outStatus)
}

// ---- the caller's arrays ----

/// A caller's strided array as given (strides not yet checked).
struct Strided<Scalar> {
    let base: UnsafePointer<Scalar>?
    let sampleStride: UInt
    let columnStride: UInt
    init(_ base: UnsafePointer<Scalar>?, _ sampleStride: UInt, _ columnStride: UInt) {
        self.base = base
        self.sampleStride = sampleStride
        self.columnStride = columnStride
    }

    /// The strides that are used: with one row (one column) the sample (column) stride is
    /// never multiplied by anything but 0, so it may be any value and becomes 0. After the
    /// size checks both then fit `Int`.
    func used(_ n: UInt, _ k: UInt) -> Strided {
        Strided(base, n > 1 ? sampleStride : 0, k > 1 ? columnStride : 0)
    }
}

/// Where the columns' labels come from: a strided 0/1 array, or a class per sample (ovr).
enum ColumnLabelArgument<Scalar> {
    case columns(Strided<Scalar>)
    case classes(UnsafePointer<Scalar>?)

    /// The labels' strides as used (`Strided.used`).
    func used(_ n: UInt, _ k: UInt) -> ColumnLabelArgument {
        if case .columns(let y) = self { return .columns(y.used(n, k)) }
        return self
    }
}

/// The largest element index an n x k array with these strides reaches is at most
/// `maximumCount` (no element is reached when n or k is 0). Overflow-checked: no
/// multiplication below can trap.
private func stridesFit(_ n: UInt, _ k: UInt, _ sampleStride: UInt, _ columnStride: UInt) -> Bool {
    guard n > 0, k > 0 else { return true }
    let (rowPart, o1) = (n - 1).multipliedReportingOverflow(by: sampleStride)
    let (columnPart, o2) = (k - 1).multipliedReportingOverflow(by: columnStride)
    let (last, o3) = rowPart.addingReportingOverflow(columnPart)
    return !o1 && !o2 && !o3 && last <= maximumCount
}

/// The call-level size checks of every column function: k, n * k (and k * k for ovo) and
/// each array's largest index within the single-problem limit. After it, with k > 0, n,
/// k and every index of an element (i, j) fit `Int`.
private func columnsSizeStatus<Scalar>(
    _ n: UInt, _ k: UInt, _ scores: Strided<Scalar>, _ labels: Strided<Scalar>?,
    pairs: Bool
) -> Status? {
    let (total, overflow) = n.multipliedReportingOverflow(by: k)
    guard k <= maximumCount, !overflow, total <= maximumCount else { return .tooLarge }
    if pairs {
        let (square, o) = k.multipliedReportingOverflow(by: k)
        guard !o, square <= maximumCount else { return .tooLarge }
    }
    guard stridesFit(n, k, scores.sampleStride, scores.columnStride) else { return .tooLarge }
    if let labels, !stridesFit(n, k, labels.sampleStride, labels.columnStride) {
        return .tooLarge
    }
    return nil
}

/// A class is an integer in [0, k) (NaN, infinities, fractions and negatives are not;
/// -0.0 is class 0). Exact for every k: the comparison with k is made on integers.
@inline(__always)
private func isValidClass(_ c: Double, _ k: Int) -> Bool {
    // c < 2^62 keeps the conversion to Int in range (k <= maximumCount < 2^62).
    c >= 0 && c < 0x1p62 && c.rounded(.towardZero) == c && Int(c) < k
}

/// The checked view of a column call's inputs (after the size and pointer checks): every
/// element (i, j) with i < n, j < k is readable.
fileprivate struct ColumnInputs<Scalar: ColumnScalar> {
    let scores: Strided<Scalar>
    let labels: ColumnLabelArgument<Scalar>
    let weights: UnsafePointer<Scalar>?
    let n: Int
    let k: Int
    /// auroc_exact_ovr_rowsums: two slots where `anyInvalid(rows:)` keeps the largest
    /// row-sum deviation (`rowSumDeviation`) of the rows it found valid, slot 0 for rows
    /// starting below n / 2, slot 1 for the others (the core checks the halves
    /// `chunkRange(c, of: 2)` of the rows on its two threads, each thread its own slot;
    /// a single thread checks them one after the other). nil: not requested.
    var rowDeviation: UnsafeMutablePointer<Double>? = nil

    @inline(__always)
    func score(_ i: Int, _ j: Int) -> Scalar {
        scores.base![i &* Int(scores.sampleStride) &+ j &* Int(scores.columnStride)]
    }

    /// The status of the label (or class) of element (i, j), nil when valid.
    @inline(__always)
    func labelError(_ i: Int, _ j: Int) -> Status? {
        switch labels {
        case .columns(let y):
            let label = y.base![i &* Int(y.sampleStride) &+ j &* Int(y.columnStride)]
            return label == 0 || label == 1 ? nil : .badLabel
        case .classes(let classes):
            return isValidClass(classes![i].doubleValue, k) ? nil : .badClass
        }
    }

    /// Column j's first invalid element in row order (at each row: score, label or
    /// class, weight), or nil: the status the single-problem function returns for the
    /// gathered column (auroc_exact's checks, with the class check as the label's).
    func columnError(_ j: Int) -> (row: Int, status: Status)? {
        for i in 0..<n {
            if !score(i, j).isFinite { return (i, .nonfiniteScore) }
            if let status = labelError(i, j) { return (i, status) }
            if let weights, !(weights[i] >= 0 && weights[i] < .infinity) { return (i, .badWeight) }
        }
        return nil
    }

    /// Whether any element is invalid: a branch-free pass (the order of the errors does
    /// not matter here) over the scores in memory order, the labels or classes, the weights.
    func anyInvalid() -> Bool {
        // From 65536 elements, the two halves of the rows on two threads (the check reads
        // the whole n x k array before any column is computed; one thread took about 7 ms
        // of the ~90 of auroc_exact_ovr at n = 10^6, k = 10).
        var inputs = self
        return withUnsafeMutablePointer(to: &inputs) { pointer in
            DiffAUROCCore.anyOnTwoThreads(count: n, parallel: n * k >= 1 << 16,
                                          context: UnsafeMutableRawPointer(pointer),
                                          Scalar.rowsCheck)
        }
    }

    /// Whether any element of the rows `rows` is invalid (see `anyInvalid`).
    func anyInvalid(rows: Range<Int>) -> Bool {
        var bad: UInt8 = 0
        bad |= anyNonFinite(scores, rows)
        switch labels {
        case .columns(let y):
            bad |= anyNonLabel(y, rows)
        case .classes(let classes):
            let c = classes!
            for i in rows { bad |= isValidClass(c[i].doubleValue, k) ? 0 : 1 }
        }
        if let w = weights {
            for i in rows { bad |= (w[i] >= 0 ? 0 : 1) | (w[i] < .infinity ? 0 : 1) }
        }
        if bad == 0, let slots = rowDeviation, !rows.isEmpty {
            let slot = rows.lowerBound >= n / 2 ? 1 : 0
            let d = rowSumDeviation(rows)
            if !slots[slot].isNaN && !(d <= slots[slot]) { slots[slot] = d }
        }
        return bad != 0
    }

    /// The largest over the rows `rows` (every score finite) of
    ///
    ///     |S_i - 1| + 2 k u A_i
    ///
    /// with S_i and A_i the sums of row i's k scores and of their absolute values, each
    /// accumulated in double (float32 scores converted exactly), and u the unit roundoff
    /// of the scores' type (2^-53, 2^-24). Any sum of row i's scores in the scores' type,
    /// in any order (NumPy's `scores @ ones`, pairwise sums, FMA), differs from the exact
    /// sum T_i by at most (k - 1) u A / (1 - (k - 1) u), and so does S_i in double; with
    /// 2 k u A_i both are covered when k u is small, so every such sum is within this value
    /// of 1 (up to the rounding of this bound itself, relative 2^-50). Rows are summed four
    /// at a time (independent accumulators: the additions of one row depend on each
    /// other, four rows fill the adder's pipeline).
    private func rowSumDeviation(_ rows: Range<Int>) -> Double {
        let ss = Int(scores.sampleStride), cs = Int(scores.columnStride)
        let base = scores.base!
        let c = 2 * Double(k) * Scalar.ulpOfOne.doubleValue / 2
        var worst = 0.0
        @inline(__always) func keep(_ s: Double, _ a: Double) {
            let d = abs(s - 1) + c * a
            if !worst.isNaN && !(d <= worst) { worst = d }
        }
        var i = rows.lowerBound
        while i + 4 <= rows.upperBound {
            let r0 = base + i &* ss, r1 = r0 + ss, r2 = r1 + ss, r3 = r2 + ss
            var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
            var a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0
            for j in 0..<k {
                let o = j &* cs
                let x0 = r0[o].doubleValue, x1 = r1[o].doubleValue
                let x2 = r2[o].doubleValue, x3 = r3[o].doubleValue
                s0 += x0; s1 += x1; s2 += x2; s3 += x3
                a0 += abs(x0); a1 += abs(x1); a2 += abs(x2); a3 += abs(x3)
            }
            keep(s0, a0); keep(s1, a1); keep(s2, a2); keep(s3, a3)
            i += 4
        }
        while i < rows.upperBound {
            let r = base + i &* ss
            var s = 0.0, a = 0.0
            for j in 0..<k {
                let x = r[j &* cs].doubleValue
                s += x
                a += abs(x)
            }
            keep(s, a)
            i += 1
        }
        return worst
    }

    /// Runs `body(start, count, stride)` over the lines of the rows `rows` of a strided
    /// array: the inner dimension is the one with the smaller stride (rows of a C-ordered
    /// array, columns of a Fortran-ordered one), so the pass reads memory in order.
    @inline(__always)
    private func lines(_ a: Strided<Scalar>, _ rows: Range<Int>,
                       _ body: (UnsafePointer<Scalar>, Int, Int) -> UInt8) -> UInt8 {
        let ss = Int(a.sampleStride), cs = Int(a.columnStride)
        // A zero stride repeats elements: read each distinct one once (a zero sample
        // stride: row 0 only, by the range that holds it).
        let read = ss != 0 ? rows : rows.contains(0) ? 0..<1 : 0..<0
        let columns = cs == 0 ? 1 : k
        var bad: UInt8 = 0
        if cs <= ss {
            for i in read { bad |= body(a.base! + i * ss, columns, cs) }
        } else if !read.isEmpty {
            for j in 0..<columns { bad |= body(a.base! + j * cs + read.lowerBound * ss, read.count, ss) }
        }
        return bad
    }

    private func anyNonFinite(_ a: Strided<Scalar>, _ rows: Range<Int>) -> UInt8 {
        lines(a, rows) { p, count, stride in
            var bad: UInt8 = 0
            if stride == 1 {
                for t in 0..<count { bad |= p[t].isFinite ? 0 : 1 }
            } else {
                for t in 0..<count { bad |= p[t &* stride].isFinite ? 0 : 1 }
            }
            return bad
        }
    }

    private func anyNonLabel(_ a: Strided<Scalar>, _ rows: Range<Int>) -> UInt8 {
        lines(a, rows) { p, count, stride in
            var bad: UInt8 = 0
            if stride == 1 {
                for t in 0..<count { bad |= (p[t] == 0 ? 0 : 1) & (p[t] == 1 ? 0 : 1) }
            } else {
                for t in 0..<count {
                    let y = p[t &* stride]
                    bad |= (y == 0 ? 0 : 1) & (y == 1 ? 0 : 1)
                }
            }
            return bad
        }
    }

    /// The first invalid element in the call's order (row i, then column j; at (i, j):
    /// score, label or class, weight): the column whose first error has the lowest row,
    /// the lowest such column. Writes every column's own status to `outStatus` (0 for a
    /// valid column) if given. Nil when every element is valid.
    func firstError(outStatus: UnsafeMutablePointer<Int32>?) -> Status? {
        guard n > 0, anyInvalid() else { return nil }
        return columnErrors(outStatus: outStatus)
    }

    /// `firstError` once some element is known to be invalid: the column scans alone.
    func columnErrors(outStatus: UnsafeMutablePointer<Int32>?) -> Status? {
        var first: (row: Int, status: Status)? = nil
        for j in 0..<k {
            let error = columnError(j)
            outStatus?[j] = error?.status.rawValue ?? Status.ok.rawValue
            if let error, first == nil || error.row < first!.row { first = error }
        }
        return first?.status
    }
}

// ---- shared bodies ----

/// auroc_exact_columns, auroc_exact_ovr, auroc_partial_columns (`axis` nil: exact).
private func runColumns<Scalar: ColumnScalar>(
    _ scores: Strided<Scalar>, _ labels: ColumnLabelArgument<Scalar>,
    _ weights: UnsafePointer<Scalar>?, _ n: UInt, _ k: UInt,
    axis: Int32?, lower: Double, upper: Double,
    _ outValues: UnsafeMutablePointer<Double>?, _ outStandardized: UnsafeMutablePointer<Double>?,
    _ outStatus: UnsafeMutablePointer<Int32>?,
    rowDeviation: RowDeviationArgument = .notRequested
) -> Int32 {
    var labelArray: Strided<Scalar>? = nil
    if case .columns(let y) = labels { labelArray = y }
    if let status = columnsSizeStatus(n, k, scores, labelArray, pairs: false) {
        return status.rawValue
    }
    // k == 0 touches nothing, whatever n and the strides are.
    guard k > 0 else { return Status.ok.rawValue }
    let rows = Int(n), columns = Int(k)
    // The outputs: out_values (exact), or at least one of out_area, out_standardized.
    if axis == nil {
        guard outValues != nil else { return Status.nullPointer.rawValue }
        if case .requested(let out) = rowDeviation, out == nil {
            return Status.nullPointer.rawValue
        }
    } else {
        guard outValues != nil || outStandardized != nil else { return Status.nullPointer.rawValue }
    }
    if rows > 0 {
        guard scores.base != nil else { return Status.nullPointer.rawValue }
        switch labels {
        case .columns(let y): guard y.base != nil else { return Status.nullPointer.rawValue }
        case .classes(let c): guard c != nil else { return Status.nullPointer.rawValue }
        }
    }
    var inputs = ColumnInputs(scores: scores.used(n, k), labels: labels.used(n, k),
                              weights: weights, n: rows, k: columns)
    // The row-sum deviation's two slots (on this stack; written out only with a status
    // that is not an error, after every row has been checked).
    var deviationSlots: (Double, Double) = (0, 0)

    // The elements are checked by the core's call itself (`aurocColumnsCheckingRows`:
    // inside its first gather pass over strided columns, else before it starts), before
    // any column is computed; every path that returns before that call, or fails in it
    // before the check, makes the full check here first, so that a bad element's status
    // wins over the partial range's and over E_NO_MEMORY, as in the order of checks.
    var statistic = ColumnStatisticArgument.exact
    if let axis {
        let partialAxis: PartialAxis
        switch axis {
        case 0: partialAxis = .falsePositiveRate
        case 1: partialAxis = .truePositiveRate
        default: return (inputs.firstError(outStatus: outStatus) ?? .badRange).rawValue
        }
        // 0 <= lower < upper <= 1; NaN fails a comparison.
        guard lower >= 0, lower < upper, upper <= 1 else {
            return (inputs.firstError(outStatus: outStatus) ?? .badRange).rawValue
        }
        statistic = .partial(partialAxis, lower: lower, upper: upper)
    }

    guard let results = ColumnOutputs(count: columns) else {
        return (inputs.firstError(outStatus: outStatus) ?? .noMemory).rawValue
    }
    defer { results.free() }
    do {
        let valid = try withUnsafeMutablePointer(to: &deviationSlots) {
            (slots) throws(OutOfMemory) -> Bool in
            if case .requested = rowDeviation {
                inputs.rowDeviation = UnsafeMutableRawPointer(slots)
                    .assumingMemoryBound(to: Double.self)
            }
            defer { inputs.rowDeviation = nil }
            return try withUnsafeMutablePointer(to: &inputs) { (pointer) throws(OutOfMemory) -> Bool in
                try Scalar.columns(pointer, statistic: statistic, into: results)
            }
        }
        if !valid {
            return (inputs.columnErrors(outStatus: outStatus) ?? .noMemory).rawValue
        }
    } catch {
        return (inputs.firstError(outStatus: outStatus) ?? .noMemory).rawValue
    }
    var aggregate = Status.ok
    var anyOneClass = false, anyBelow = false, anyNoMemory = false
    for j in 0..<columns {
        let r = results.base[j]
        var status = Status.ok
        switch r.outcome {
        case .computed:
            if axis == nil {
                outValues![j] = r.value
            } else {
                outValues?[j] = r.value
                outStandardized?[j] = r.standardized
                if r.belowDiagonal && outStandardized != nil {
                    status = .warnBelowDiagonal
                    anyBelow = true
                }
            }
        case .oneClass:
            outValues?[j] = .nan
            outStandardized?[j] = .nan
            status = .oneClass
            anyOneClass = true
        case .outOfMemory, .notComputed:
            status = .noMemory
            anyNoMemory = true
        }
        outStatus?[j] = status.rawValue
    }
    if anyNoMemory {
        aggregate = .noMemory
    } else if anyOneClass {
        aggregate = .warnOneClass
    } else if anyBelow {
        aggregate = .warnBelowDiagonal
    }
    if aggregate != .noMemory, case .requested(let out) = rowDeviation {
        // The larger of the two halves' (NaN wins; 0 with no rows).
        let (low, high) = deviationSlots
        out!.pointee = low.isNaN || high.isNaN ? .nan : Swift.max(low, high)
    }
    return aggregate.rawValue
}

/// auroc_exact_ovr_rowsums: whether the largest row-sum deviation is asked for, and where
/// it goes (nil: DIFFAUROC_E_NULL_POINTER).
enum RowDeviationArgument {
    case notRequested
    case requested(UnsafeMutablePointer<Double>?)
}

/// auroc_exact_ovo and auroc_exact_ovo_f32.
private func runOneVsOne<Scalar: ColumnScalar>(
    _ scores: Strided<Scalar>, _ classes: UnsafePointer<Scalar>?, _ n: UInt, _ k: UInt,
    _ outPairs: UnsafeMutablePointer<Double>?, _ outStatus: UnsafeMutablePointer<Int32>?
) -> Int32 {
    if let status = columnsSizeStatus(n, k, scores, nil, pairs: true) { return status.rawValue }
    guard k > 0 else { return Status.ok.rawValue }
    let rows = Int(n), columns = Int(k)
    guard let outPairs else { return Status.nullPointer.rawValue }
    if rows > 0 && (scores.base == nil || classes == nil) { return Status.nullPointer.rawValue }
    let inputs = ColumnInputs(scores: scores.used(n, k), labels: .classes(classes),
                              weights: nil, n: rows, k: columns)
    // Statuses are per pair here: an input error writes none of them.
    if let error = inputs.firstError(outStatus: nil) { return error.rawValue }
    guard let results = ColumnOutputs(count: columns * columns) else {
        return Status.noMemory.rawValue
    }
    defer { results.free() }
    do {
        try Scalar.oneVsOne(inputs, into: results)
    } catch {
        return Status.noMemory.rawValue
    }
    var anyOneClass = false, anyNoMemory = false
    for a in 0..<columns {
        for b in 0..<columns where a != b {
            let t = a * columns + b
            let r = results.base[t]
            var status = Status.ok
            switch r.outcome {
            case .computed:
                outPairs[t] = r.value
            case .oneClass:
                outPairs[t] = .nan
                status = .oneClass
                anyOneClass = true
            case .outOfMemory, .notComputed:
                status = .noMemory
                anyNoMemory = true
            }
            outStatus?[t] = status.rawValue
        }
    }
    if anyNoMemory { return Status.noMemory.rawValue }
    return (anyOneClass ? Status.warnOneClass : Status.ok).rawValue
}

// ---- the core, in the active build (as Kernels.swift does for the other exports) ----

/// The core's `ColumnStatistic`.
fileprivate enum ColumnStatisticArgument {
    case exact
    case partial(PartialAxis, lower: Double, upper: Double)
}

/// The core's `ColumnOutcome`.
fileprivate enum ColumnOutcomeValue {
    case notComputed, computed, oneClass, outOfMemory
}

/// The core's `ColumnResult`.
fileprivate struct ColumnResultValue {
    var outcome: ColumnOutcomeValue
    var value: Double
    var standardized: Double
    var belowDiagonal: Bool
}

/// `count` results from malloc (nil if it fails), each initialized as not computed.
fileprivate struct ColumnOutputs {
    let base: UnsafeMutablePointer<ColumnResultValue>
    let count: Int

    init?(count: Int) {
        let (bytes, overflow) = count.multipliedReportingOverflow(
            by: MemoryLayout<ColumnResultValue>.stride)
        guard !overflow, let raw = malloc(Swift.max(bytes, 1)) else { return nil }
        base = raw.bindMemory(to: ColumnResultValue.self, capacity: count)
        base.initialize(repeating: ColumnResultValue(outcome: .notComputed, value: .nan,
                                                     standardized: .nan, belowDiagonal: false),
                        count: count)
        self.count = count
    }

    func free() { Glibc.free(base) }
}

/// Double and Float: how each calls the core's column functions, in the active build.
fileprivate protocol ColumnScalar: BinaryFloatingPoint {
    /// The value as a Double, by a concrete conversion (one instruction; the generic
    /// `Double(_:)` and `Int(_:)` of a `BinaryFloatingPoint` are not).
    var doubleValue: Double { get }
    /// The columns of the inputs at `inputs`, checked by `rowsCheck` inside the core's
    /// call: false (nothing computed) if some element is invalid.
    static func columns(_ inputs: UnsafeMutablePointer<ColumnInputs<Self>>,
                        statistic: ColumnStatisticArgument,
                        into results: ColumnOutputs) throws(OutOfMemory) -> Bool
    static func oneVsOne(_ inputs: ColumnInputs<Self>, into results: ColumnOutputs) throws(OutOfMemory)
    /// `ColumnInputs<Self>.anyInvalid(rows: lower..<upper)` (1 if true) of the inputs at
    /// the pointer: the C function `anyOnTwoThreads` runs on each half.
    static var rowsCheck: @convention(c) (UnsafeMutableRawPointer?, Int, Int) -> UInt8 { get }
}

extension Double: ColumnScalar {
    var doubleValue: Double { self }
    static var rowsCheck: @convention(c) (UnsafeMutableRawPointer?, Int, Int) -> UInt8 {
        { raw, lower, upper in
            raw!.assumingMemoryBound(to: ColumnInputs<Double>.self).pointee
                .anyInvalid(rows: lower..<upper) ? 1 : 0
        }
    }
    fileprivate static func columns(_ pointer: UnsafeMutablePointer<ColumnInputs<Double>>,
                        statistic: ColumnStatisticArgument,
                        into results: ColumnOutputs) throws(OutOfMemory) -> Bool {
        let inputs = pointer.pointee
        let context = UnsafeMutableRawPointer(pointer)
        var valid = true
        do {
            #if arch(x86_64)
            if activeKernels == .x86_64_v3 {
                typealias Core = DiffAUROCCoreAVX2.ColumnResult
                try withCoreResults(results, { Core() }) { buffer in
                    valid = try DiffAUROCCoreAVX2.aurocColumnsCheckingRows(
                        scores: inputs.avx2Scores, labels: inputs.avx2Labels,
                        weights: inputs.weightBuffer, statistic: statistic.avx2,
                        check: .init(context: context, check: rowsCheck), into: buffer)
                } convert: { ColumnResultValue($0) }
                return valid
            }
            #endif
            typealias Core = DiffAUROCCore.ColumnResult
            try withCoreResults(results, { Core() }) { buffer in
                valid = try DiffAUROCCore.aurocColumnsCheckingRows(
                    scores: inputs.baselineScores, labels: inputs.baselineLabels,
                    weights: inputs.weightBuffer, statistic: statistic.baseline,
                    check: .init(context: context, check: rowsCheck), into: buffer)
            } convert: { ColumnResultValue($0) }
        } catch {
            throw OutOfMemory()
        }
        return valid
    }

    fileprivate static func oneVsOne(_ inputs: ColumnInputs<Double>, into results: ColumnOutputs) throws(OutOfMemory) {
        do {
            #if arch(x86_64)
            if activeKernels == .x86_64_v3 {
                typealias Core = DiffAUROCCoreAVX2.ColumnResult
                try withCoreResults(results, { Core() }) { buffer in
                    try DiffAUROCCoreAVX2.aurocOneVsOne(
                        scores: inputs.avx2Scores, classes: inputs.classBuffer, into: buffer)
                } convert: { ColumnResultValue($0) }
                return
            }
            #endif
            typealias Core = DiffAUROCCore.ColumnResult
            try withCoreResults(results, { Core() }) { buffer in
                try DiffAUROCCore.aurocOneVsOne(
                    scores: inputs.baselineScores, classes: inputs.classBuffer, into: buffer)
            } convert: { ColumnResultValue($0) }
        } catch {
            throw OutOfMemory()
        }
    }
}

extension Float: ColumnScalar {
    var doubleValue: Double { Double(self) }
    static var rowsCheck: @convention(c) (UnsafeMutableRawPointer?, Int, Int) -> UInt8 {
        { raw, lower, upper in
            raw!.assumingMemoryBound(to: ColumnInputs<Float>.self).pointee
                .anyInvalid(rows: lower..<upper) ? 1 : 0
        }
    }
    fileprivate static func columns(_ pointer: UnsafeMutablePointer<ColumnInputs<Float>>,
                        statistic: ColumnStatisticArgument,
                        into results: ColumnOutputs) throws(OutOfMemory) -> Bool {
        let inputs = pointer.pointee
        let context = UnsafeMutableRawPointer(pointer)
        var valid = true
        do {
            #if arch(x86_64)
            if activeKernels == .x86_64_v3 {
                typealias Core = DiffAUROCCoreAVX2.ColumnResult
                try withCoreResults(results, { Core() }) { buffer in
                    valid = try DiffAUROCCoreAVX2.aurocColumnsFloat32CheckingRows(
                        scores: inputs.avx2Scores, labels: inputs.avx2Labels,
                        weights: inputs.weightBuffer, statistic: statistic.avx2,
                        check: .init(context: context, check: rowsCheck), into: buffer)
                } convert: { ColumnResultValue($0) }
                return valid
            }
            #endif
            typealias Core = DiffAUROCCore.ColumnResult
            try withCoreResults(results, { Core() }) { buffer in
                valid = try DiffAUROCCore.aurocColumnsFloat32CheckingRows(
                    scores: inputs.baselineScores, labels: inputs.baselineLabels,
                    weights: inputs.weightBuffer, statistic: statistic.baseline,
                    check: .init(context: context, check: rowsCheck), into: buffer)
            } convert: { ColumnResultValue($0) }
        } catch {
            throw OutOfMemory()
        }
        return valid
    }

    fileprivate static func oneVsOne(_ inputs: ColumnInputs<Float>, into results: ColumnOutputs) throws(OutOfMemory) {
        do {
            #if arch(x86_64)
            if activeKernels == .x86_64_v3 {
                typealias Core = DiffAUROCCoreAVX2.ColumnResult
                try withCoreResults(results, { Core() }) { buffer in
                    try DiffAUROCCoreAVX2.aurocOneVsOneFloat32(
                        scores: inputs.avx2Scores, classes: inputs.classBuffer, into: buffer)
                } convert: { ColumnResultValue($0) }
                return
            }
            #endif
            typealias Core = DiffAUROCCore.ColumnResult
            try withCoreResults(results, { Core() }) { buffer in
                try DiffAUROCCore.aurocOneVsOneFloat32(
                    scores: inputs.baselineScores, classes: inputs.classBuffer, into: buffer)
            } convert: { ColumnResultValue($0) }
        } catch {
            throw OutOfMemory()
        }
    }
}

/// Runs `body` on a malloc'ed buffer of the core's result type (`make()` in each
/// element), then converts each element into `results`. Throws the core's error, or
/// `OutOfMemory` when the buffer cannot be had.
private func withCoreResults<Core>(
    _ results: ColumnOutputs, _ make: () -> Core,
    _ body: (UnsafeMutableBufferPointer<Core>) throws -> Void,
    convert: (Core) -> ColumnResultValue
) throws {
    let (bytes, overflow) = results.count.multipliedReportingOverflow(
        by: MemoryLayout<Core>.stride)
    guard !overflow, let raw = malloc(Swift.max(bytes, 1)) else { throw OutOfMemory() }
    defer { free(raw) }
    let base = raw.bindMemory(to: Core.self, capacity: results.count)
    base.initialize(repeating: make(), count: results.count)
    try body(UnsafeMutableBufferPointer(start: base, count: results.count))
    for t in 0..<results.count { results.base[t] = convert(base[t]) }
}

extension ColumnInputs {
    var weightBuffer: UnsafeBufferPointer<Scalar>? {
        weights.map { UnsafeBufferPointer(start: n > 0 ? $0 : nil, count: n) }
    }
    var classBuffer: UnsafeBufferPointer<Scalar> {
        guard case .classes(let c) = labels, n > 0 else {
            return UnsafeBufferPointer(start: nil, count: 0)
        }
        return UnsafeBufferPointer(start: c, count: n)
    }
}

extension ColumnInputs where Scalar: BitwiseCopyable {
    var baselineScores: DiffAUROCCore.StridedColumns<Scalar> {
        DiffAUROCCore.StridedColumns(base: scores.base, rowCount: n, columnCount: k,
                                     sampleStride: Int(scores.sampleStride),
                                     columnStride: Int(scores.columnStride))
    }
    var baselineLabels: DiffAUROCCore.ColumnLabels<Scalar> {
        switch labels {
        case .columns(let y):
            return .columns(DiffAUROCCore.StridedColumns(
                base: y.base, rowCount: n, columnCount: k, sampleStride: Int(y.sampleStride),
                columnStride: Int(y.columnStride)))
        case .classes:
            return .classes(classBuffer)
        }
    }
    #if arch(x86_64)
    var avx2Scores: DiffAUROCCoreAVX2.StridedColumns<Scalar> {
        DiffAUROCCoreAVX2.StridedColumns(base: scores.base, rowCount: n, columnCount: k,
                                         sampleStride: Int(scores.sampleStride),
                                         columnStride: Int(scores.columnStride))
    }
    var avx2Labels: DiffAUROCCoreAVX2.ColumnLabels<Scalar> {
        switch labels {
        case .columns(let y):
            return .columns(DiffAUROCCoreAVX2.StridedColumns(
                base: y.base, rowCount: n, columnCount: k, sampleStride: Int(y.sampleStride),
                columnStride: Int(y.columnStride)))
        case .classes:
            return .classes(classBuffer)
        }
    }
    #endif
}

extension ColumnStatisticArgument {
    var baseline: DiffAUROCCore.ColumnStatistic {
        switch self {
        case .exact: .exact
        case .partial(let axis, let lower, let upper):
            .partial(axis == .falsePositiveRate ? .falsePositiveRate : .truePositiveRate,
                     lower: lower, upper: upper)
        }
    }
    #if arch(x86_64)
    var avx2: DiffAUROCCoreAVX2.ColumnStatistic {
        switch self {
        case .exact: .exact
        case .partial(let axis, let lower, let upper):
            .partial(axis == .falsePositiveRate ? .falsePositiveRate : .truePositiveRate,
                     lower: lower, upper: upper)
        }
    }
    #endif
}

extension ColumnResultValue {
    init(_ r: DiffAUROCCore.ColumnResult) {
        let outcome: ColumnOutcomeValue
        switch r.outcome {
        case .notComputed: outcome = .notComputed
        case .computed: outcome = .computed
        case .oneClass: outcome = .oneClass
        case .outOfMemory: outcome = .outOfMemory
        }
        self.init(outcome: outcome, value: r.value, standardized: r.standardized,
                  belowDiagonal: r.belowDiagonal)
    }
    #if arch(x86_64)
    init(_ r: DiffAUROCCoreAVX2.ColumnResult) {
        let outcome: ColumnOutcomeValue
        switch r.outcome {
        case .notComputed: outcome = .notComputed
        case .computed: outcome = .computed
        case .oneClass: outcome = .oneClass
        case .outOfMemory: outcome = .outOfMemory
        }
        self.init(outcome: outcome, value: r.value, standardized: r.standardized,
                  belowDiagonal: r.belowDiagonal)
    }
    #endif
}
