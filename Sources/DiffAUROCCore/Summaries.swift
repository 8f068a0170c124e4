/// Mergeable summaries of a score range (or of a batch): what a slice of the data
/// contributes to the exact AUROC, DeLong's variance and the ROC curve, so that slices
/// computed separately (on other threads, processes or machines) merge into the exact
/// result of all the data. The C contract and the merge rule are in include/diffauroc.h
/// ("Mergeable summaries").
///
/// Unweighted (`countSummary`): with P, N the slice's positives and negatives, and for a
/// positive i and a negative j of the slice
///
///     c_i = 2 #(negatives of the slice below i) + #(negatives of the slice tied with i)
///     d_j = 2 #(positives of the slice above j) + #(positives of the slice tied with j)
///
/// the summary is P, N, 2U = sum_i c_i (= sum_j d_j), sum_i c_i^2 and sum_j d_j^2: exact
/// integers. For n <= `summaryMaximumCount` (2^40) every c_i, d_j < 2^41, their squares
/// < 2^82 and the sums < 2^122, so UInt128 holds them without overflow.
///
/// Weighted (`weightedSummary`): per class the weights are scaled by a power of two 2^-e
/// (e chosen so that the class's largest weight is in [1, 2)), and the slice's scaled class
/// totals and the scaled pair mass sum_{i pos, j neg} w_i w_j ([s_i > s_j] + [s_i == s_j]/2)
/// are summed in double with Neumaier's compensation.
///
/// Table (`summaryTable`): the distinct scores in increasing order with each class's weight
/// sum (the count, without weights): what the ROC curve and batch merges need.
///
/// The samples are sorted per class by order key (`sortWords`, RadixSort.swift), one
/// sweep over the groups of equal keys follows. Memory: 18 bytes per sample (keys and
/// spare, 1-byte empty values), 32 with weights and for the table, plus the sort's tables.

/// The largest n of the summaries (so that the unweighted sums fit 128 bits).
public let summaryMaximumCount = 1 << 40

/// The unweighted summary of a slice (see the file comment).
public struct CountSummary: Equatable, Sendable {
    public var negatives: UInt64 = 0
    public var positives: UInt64 = 0
    /// sum over positives of c_i = sum over negatives of d_j = 2 U (U: Mann-Whitney count).
    public var twiceU: UInt128 = 0
    /// sum over positives of c_i^2.
    public var positiveSquares: UInt128 = 0
    /// sum over negatives of d_j^2.
    public var negativeSquares: UInt128 = 0
    public init() {}
}

/// The weighted summary of a slice: the true totals are negativeWeight 2^negativeExponent
/// and positiveWeight 2^positiveExponent, the true pair mass
/// pairWeight 2^(negativeExponent + positiveExponent).
public struct WeightedSummary: Equatable, Sendable {
    public var negativeWeight: Double = 0
    public var positiveWeight: Double = 0
    public var pairWeight: Double = 0
    public var negativeExponent: Int = 0
    public var positiveExponent: Int = 0
    public init() {}
}

/// Neumaier's compensated sum.
struct SummaryCompensatedSum {
    var sum: Double = 0
    var compensation: Double = 0
    @inline(__always) mutating func add(_ x: Double) {
        let t = sum + x
        if abs(sum) >= abs(x) {
            compensation += (sum - t) + x
        } else {
            compensation += (x - t) + sum
        }
        sum = t
    }
    var value: Double { sum + compensation }
}

/// Keys (and values) of one class, sorted ascending.
private struct SummaryClass<Value: BitwiseCopyable> {
    let keys: UnsafeMutablePointer<UInt64>?
    let values: UnsafeMutablePointer<Value>?
    let count: Int
}

/// The slice's samples split by class (negatives first), each class sorted by order key
/// (-0.0 and +0.0 have one key), with `value(i)` carried along. `body` sees the two
/// sorted classes; the scratch is freed when it returns.
private func withSummaryClasses<Score: OrderKeyed, Value: BitwiseCopyable, Result>(
    _ scores: UnsafeBufferPointer<Score>, _ labels: UnsafeBufferPointer<Score>,
    value: (Int) -> Value,
    _ body: (SummaryClass<Value>, SummaryClass<Value>) -> Result
) throws(CoreError) -> Result {
    let n = scores.count
    precondition(labels.count == n && n <= summaryMaximumCount)
    var positives = 0
    for i in 0..<n { positives &+= labels[i].classBit }
    let negatives = n - positives
    let words = try ScratchBuffer<UInt64>(count: 2 * n)
    defer { words.free() }
    let values = try ScratchBuffer<Value>(count: 2 * n)
    defer { values.free() }
    let tables = try ScratchBuffer<Int>(count: n > 0 ? RadixSortTuning.tableCount : 0)
    defer { tables.free() }
    guard n > 0, let w = words.base else {
        return body(SummaryClass(keys: nil, values: nil, count: 0),
                    SummaryClass(keys: nil, values: nil, count: 0))
    }
    let v = values.base!  // n > 0: 2 n elements (a zero-size Value has stride 1)
    var nextNegative = 0, nextPositive = negatives
    for i in 0..<n {
        let at: Int
        if labels[i].classBit == 1 {
            at = nextPositive
            nextPositive &+= 1
        } else {
            at = nextNegative
            nextNegative &+= 1
        }
        w[at] = scores[i].doubleValue.orderKey
        v[at] = value(i)
    }
    let spareWords = w + n, spareValues = v + n
    if negatives > 1 {
        sortWords(w, v, spareWords: spareWords, spareValues: spareValues, count: negatives,
                  tables: tables.base!)
    }
    if positives > 1 {
        sortWords(w + negatives, v + negatives,
                  spareWords: spareWords, spareValues: spareValues, count: positives,
                  tables: tables.base!)
    }
    return body(SummaryClass(keys: w, values: v, count: negatives),
                SummaryClass(keys: w + negatives,
                            values: v + negatives, count: positives))
}

/// Walks the groups of equal keys of two sorted classes in increasing key order, calling
/// `group(key, negativeRange, positiveRange)` (index ranges into each class).
@inline(__always)
private func forEachGroup<Value>(
    _ negative: SummaryClass<Value>, _ positive: SummaryClass<Value>,
    _ group: (UInt64, Range<Int>, Range<Int>) -> Void
) {
    var i = 0, j = 0
    while i < negative.count || j < positive.count {
        let key: UInt64
        if i == negative.count {
            key = positive.keys![j]
        } else if j == positive.count {
            key = negative.keys![i]
        } else {
            key = Swift.min(negative.keys![i], positive.keys![j])
        }
        let i0 = i, j0 = j
        while i < negative.count && negative.keys![i] == key { i &+= 1 }
        while j < positive.count && positive.keys![j] == key { j &+= 1 }
        group(key, i0..<i, j0..<j)
    }
}

/// The unweighted summary of the slice (see the file comment). Preconditions (the ABI
/// layer checks them): scores finite, labels exactly 0 or 1, n <= `summaryMaximumCount`.
func countSummaryGeneric<Score: OrderKeyed>(
    scores: UnsafeBufferPointer<Score>, labels: UnsafeBufferPointer<Score>
) throws(CoreError) -> CountSummary {
    try withSummaryClasses(scores, labels, value: { _ in NoValue() }) { negative, positive in
        var summary = CountSummary()
        summary.negatives = UInt64(negative.count)
        summary.positives = UInt64(positive.count)
        let totalPositives = UInt64(positive.count)
        var negativesBelow: UInt64 = 0, positivesBelow: UInt64 = 0
        forEachGroup(negative, positive) { _, negatives, positives in
            let q = UInt64(negatives.count), p = UInt64(positives.count)
            let c = UInt128(2 * negativesBelow + q)          // < 2^41
            let d = UInt128(2 * (totalPositives - positivesBelow - p) + p)
            summary.twiceU += UInt128(p) * c
            summary.positiveSquares += UInt128(p) * (c * c)  // < 2^40 2^82
            summary.negativeSquares += UInt128(q) * (d * d)
            negativesBelow += q
            positivesBelow += p
        }
        return summary
    }
}

public func countSummary(scores: UnsafeBufferPointer<Double>,
                         labels: UnsafeBufferPointer<Double>) throws(CoreError) -> CountSummary {
    try countSummaryGeneric(scores: scores, labels: labels)
}

public func countSummaryFloat32(scores: UnsafeBufferPointer<Float>,
                                labels: UnsafeBufferPointer<Float>) throws(CoreError) -> CountSummary {
    try countSummaryGeneric(scores: scores, labels: labels)
}

/// The exponent e with 2^-e x in [1, 2) for the largest weight x > 0 of a class (0 when
/// the class has no weight > 0).
private func scaleExponent(_ largest: Double) -> Int {
    largest > 0 ? Int(largest.exponent) : 0
}

/// The weighted summary of the slice (see the file comment). `weights` nil: every weight 1.
/// Preconditions as `countSummaryGeneric`, weights finite and >= 0.
func weightedSummaryGeneric<Score: OrderKeyed>(
    scores: UnsafeBufferPointer<Score>, labels: UnsafeBufferPointer<Score>,
    weights: UnsafeBufferPointer<Score>?
) throws(CoreError) -> WeightedSummary {
    var largest = (negative: 0.0, positive: 0.0)
    if let weights {
        for i in 0..<scores.count {
            let w = weights[i].doubleValue
            if labels[i].classBit == 1 {
                largest.positive = Swift.max(largest.positive, w)
            } else {
                largest.negative = Swift.max(largest.negative, w)
            }
        }
    }
    var summary = WeightedSummary()
    summary.negativeExponent = scaleExponent(largest.negative)
    summary.positiveExponent = scaleExponent(largest.positive)
    let scale = (negative: Double(sign: .plus, exponent: -summary.negativeExponent, significand: 1),
                 positive: Double(sign: .plus, exponent: -summary.positiveExponent, significand: 1))
    return try withSummaryClasses(scores, labels, value: { i -> Double in
        guard let weights else { return 1 }
        // Scaling by a power of two is exact unless the result is subnormal.
        return weights[i].doubleValue * (labels[i].classBit == 1 ? scale.positive : scale.negative)
    }) { negative, positive in
        var negativeTotal = SummaryCompensatedSum(), positiveTotal = SummaryCompensatedSum()
        var pairs = SummaryCompensatedSum()
        forEachGroup(negative, positive) { _, negatives, positives in
            var q = SummaryCompensatedSum(), p = SummaryCompensatedSum()
            for k in negatives { q.add(negative.values![k]) }
            for k in positives { p.add(positive.values![k]) }
            let groupNegatives = q.value, groupPositives = p.value
            if groupPositives > 0 {
                // w_pos (negatives below + half the tied negatives): two products, each
                // added with compensation.
                pairs.add(groupPositives * negativeTotal.sum)
                pairs.add(groupPositives * negativeTotal.compensation)
                pairs.add(groupPositives * (0.5 * groupNegatives))
            }
            negativeTotal.add(groupNegatives)
            positiveTotal.add(groupPositives)
        }
        summary.negativeWeight = negativeTotal.value
        summary.positiveWeight = positiveTotal.value
        summary.pairWeight = pairs.value
        return summary
    }
}

public func weightedSummary(scores: UnsafeBufferPointer<Double>, labels: UnsafeBufferPointer<Double>,
                            weights: UnsafeBufferPointer<Double>?) throws(CoreError) -> WeightedSummary {
    try weightedSummaryGeneric(scores: scores, labels: labels, weights: weights)
}

public func weightedSummaryFloat32(scores: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Float>,
                                   weights: UnsafeBufferPointer<Float>?) throws(CoreError) -> WeightedSummary {
    try weightedSummaryGeneric(scores: scores, labels: labels, weights: weights)
}

/// Where `summaryTable` writes: `capacity` rows of each non-nil array.
public struct SummaryTableOutputs {
    public let scores: UnsafeMutablePointer<Double>?
    public let negatives: UnsafeMutablePointer<Double>?
    public let positives: UnsafeMutablePointer<Double>?
    public let capacity: Int
    public init(scores: UnsafeMutablePointer<Double>?, negatives: UnsafeMutablePointer<Double>?,
                positives: UnsafeMutablePointer<Double>?, capacity: Int) {
        self.scores = scores
        self.negatives = negatives
        self.positives = positives
        self.capacity = capacity
    }
}

/// The distinct scores of the slice with positive total weight, increasing (-0.0 and +0.0
/// as +0.0), with each class's weight sum at that score (compensated; the count without
/// weights). Returns the number of rows; writes them only if it is <= outputs.capacity
/// (every output nil: nothing is written).
func summaryTableGeneric<Score: OrderKeyed>(
    scores: UnsafeBufferPointer<Score>, labels: UnsafeBufferPointer<Score>,
    weights: UnsafeBufferPointer<Score>?, into outputs: SummaryTableOutputs
) throws(CoreError) -> Int {
    try withSummaryClasses(scores, labels, value: { i -> Double in
        weights.map { $0[i].doubleValue } ?? 1
    }) { negative, positive in
        var rows = 0
        forEachGroup(negative, positive) { _, negatives, positives in
            var q = SummaryCompensatedSum(), p = SummaryCompensatedSum()
            for k in negatives { q.add(negative.values![k]) }
            for k in positives { p.add(positive.values![k]) }
            if q.value > 0 || p.value > 0 { rows &+= 1 }
        }
        guard rows <= outputs.capacity else { return rows }
        var row = 0
        forEachGroup(negative, positive) { key, negatives, positives in
            var q = SummaryCompensatedSum(), p = SummaryCompensatedSum()
            for k in negatives { q.add(negative.values![k]) }
            for k in positives { p.add(positive.values![k]) }
            guard q.value > 0 || p.value > 0 else { return }
            outputs.scores?[row] = scoreFromSortKey(key)
            outputs.negatives?[row] = q.value
            outputs.positives?[row] = p.value
            row &+= 1
        }
        return rows
    }
}

public func summaryTable(scores: UnsafeBufferPointer<Double>, labels: UnsafeBufferPointer<Double>,
                         weights: UnsafeBufferPointer<Double>?,
                         into outputs: SummaryTableOutputs) throws(CoreError) -> Int {
    try summaryTableGeneric(scores: scores, labels: labels, weights: weights, into: outputs)
}

public func summaryTableFloat32(scores: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Float>,
                                weights: UnsafeBufferPointer<Float>?,
                                into outputs: SummaryTableOutputs) throws(CoreError) -> Int {
    try summaryTableGeneric(scores: scores, labels: labels, weights: weights, into: outputs)
}
