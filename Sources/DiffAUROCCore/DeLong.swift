/// DeLong's covariance of k AUROCs measured on the same samples (the paired design: k score
/// columns, one label vector), as pROC computes it (`var()`, `roc.test(method = "delong")`):
///
///     AUC_a  = mean over positives i of V10_ai = mean over negatives j of V01_aj
///     V10_ai = (#negatives scoring below positive i in column a + 1/2 #tied) / N
///     V01_aj = (#positives scoring above negative j in column a + 1/2 #tied) / P
///     S_ab   = S10_ab / P + S01_ab / N,
///     S10_ab = sum_i (V10_ai - AUC_a)(V10_bi - AUC_b) / (P - 1),   S01_ab likewise / (N - 1)
///
/// (P positives, N negatives; Sun and Xu's midrank form of these "structural components"
/// gives the same numbers). Also the variances of the differences, Var(AUC_a - AUC_b) =
/// S_aa + S_bb - 2 S_ab, computed from the exact numerators rather than from the rounded
/// S entries, which would cancel when two columns are strongly correlated (the paired
/// test's denominator).
///
/// Exactness. 2N V10_ai and 2P V01_aj are integers (c and d below), so every output is a
/// rational number of integers that fit 128 bits, and each is returned as its correctly
/// rounded double (round to nearest, ties to even):
///
///     AUC_a  = sum_i c_ai / (2 P N)                          (the value of `exactAUROC`, bit for bit)
///     S_ab   = (A10_ab (N - 1) + A01_ab (P - 1)) / (4 P^2 N^2 (P - 1)(N - 1)),
///     A10_ab = P sum_i c_ai c_bi - (sum_i c_ai)(sum_i c_bi),  A01_ab likewise with d, N.
///
/// With n < 2^31, c and d are below 2^32, each product below 2^64, P sum c c below 2^124
/// (4 P^2 N^2 <= n^4 / 4), so A10 and A01 and the contrasts A_aa + A_bb - 2 A_ab fit a
/// signed 128-bit integer; the numerator and denominator of S take 256 bits (`UInt256`),
/// and one long division with a sticky bit rounds once (`roundedRatio`). So the results do
/// not depend on the order of the sums, on the thread count, or on float32 or float64
/// scores (float32 scores widen exactly and keep their order and ties).
///
/// Method. For each column: one radix sort of the scores' order keys (`sortWords`,
/// RadixSort.swift), each carrying its sample's class and its rank within its class;
/// then one sweep over the groups of equal scores writes every sample's c (positive) or
/// d (negative) into class-ordered arrays of k x P and k x N UInt32 (positive i of rank r
/// gets column a's c at a P + r). Then the sums of products over those arrays, blocked in
/// UInt64 (a block is short enough that its sum cannot wrap) and added into UInt128.
/// Time O(k n log n) for the sorts (radix: O(k n) passes in practice) plus O(k^2 n) for
/// the sums; memory 4 k n bytes of components plus one sort's scratch (about 24 n bytes)
/// per thread.
///
/// Threads: with n >= `deLongParallelThreshold` and k >= 2, two workers (WorkerTeam.swift): columns
/// a = 0, 2, 4, ... on the calling thread and 1, 3, ... on the other, then each worker
/// sums the products over half of the positives and half of the negatives. Integer sums:
/// the same bits whatever the split.
///
/// Fewer than 2 positives or 2 negatives: the sample covariances divide by P - 1 or
/// N - 1 = 0, DeLong's variance is undefined (pROC returns NA): the AUCs are written and
/// every covariance and difference variance is NaN (`.varianceUndefined`). No positive or
/// no negative: AUROC itself is undefined, nothing is written (`.oneClass`).

/// What `deLongCovariance` wrote.
public enum DeLongOutcome: Equatable, Sendable {
    /// AUCs, covariances and difference variances written.
    case computed
    /// AUCs written; covariances and difference variances are NaN (P < 2 or N < 2).
    case varianceUndefined
    /// No positive or no negative: nothing written.
    case oneClass
}

/// The largest sample count the DeLong core accepts (so that 2 max(P, N) fits UInt32 and
/// the sums fit 128 bits; see the file comment). The ABI layer refuses larger n.
public let deLongMaximumCount = Int(Int32.max)

/// From this many samples the columns (and the sums) are shared by two threads.
let deLongParallelThreshold = 1 << 15

/// k score columns of n samples, element (i, a) at `base[i * sampleStride + a * columnStride]`
/// (strides in elements; any strides, overlapping columns allowed: read only).
public struct DeLongColumns<Score> {
    public let base: UnsafePointer<Score>?
    public let count: Int
    public let columns: Int
    public let sampleStride: Int
    public let columnStride: Int

    public init(base: UnsafePointer<Score>?, count: Int, columns: Int,
                sampleStride: Int, columnStride: Int) {
        self.base = base
        self.count = count
        self.columns = columns
        self.sampleStride = sampleStride
        self.columnStride = columnStride
    }

    @inline(__always) func element(_ i: Int, _ a: Int) -> Score {
        base![i &* sampleStride &+ a &* columnStride]
    }
}

/// DeLong's AUCs, covariance matrix and difference variances of k score columns on one
/// label vector (see the file comment for the definitions, exactness and cost).
///
/// Writes `aucs[a]` (k values), `covariance[a * k + b]` (k x k, symmetric) and
/// `differenceVariances[a * k + b]` = Var(AUC_a - AUC_b) (k x k, symmetric, zero
/// diagonal), each optional output only if non-nil, and only when the outcome says so.
/// Preconditions (checked by the ABI layer): every score finite, every label exactly 0 or
/// 1, `labels.count == columns.count <= deLongMaximumCount`, `columns.columns >= 1`.
/// Throws `.allocationFailed` (nothing written) when scratch memory cannot be had.
///
///     deLongCovariance(scores [0.1, 0.4, 0.35, 0.8] as one column, labels [0, 0, 1, 1])
///     // AUC 0.75, variance 0.125 (pROC: var(roc) == 0.125)
public func deLongCovariance(
    _ columns: DeLongColumns<Double>, labels: UnsafeBufferPointer<Double>,
    aucs: UnsafeMutablePointer<Double>, covariance: UnsafeMutablePointer<Double>?,
    differenceVariances: UnsafeMutablePointer<Double>?
) throws(CoreError) -> DeLongOutcome {
    try deLongGeneric(columns, labels: labels, aucs: aucs, covariance: covariance,
                      differenceVariances: differenceVariances, chunkCount: nil)
}

/// `deLongCovariance` for float32 scores and labels: the same results, bit for bit, as on
/// the values widened to Double.
public func deLongCovarianceFloat32(
    _ columns: DeLongColumns<Float>, labels: UnsafeBufferPointer<Float>,
    aucs: UnsafeMutablePointer<Double>, covariance: UnsafeMutablePointer<Double>?,
    differenceVariances: UnsafeMutablePointer<Double>?
) throws(CoreError) -> DeLongOutcome {
    try deLongGeneric(columns, labels: labels, aucs: aucs, covariance: covariance,
                      differenceVariances: differenceVariances, chunkCount: nil)
}

/// `chunkCount` (tests only): force 1 or 2 workers whatever n.
func deLongGeneric<Score: OrderKeyed>(
    _ columns: DeLongColumns<Score>, labels: UnsafeBufferPointer<Score>,
    aucs: UnsafeMutablePointer<Double>, covariance: UnsafeMutablePointer<Double>?,
    differenceVariances: UnsafeMutablePointer<Double>?, chunkCount forced: Int?
) throws(CoreError) -> DeLongOutcome {
    let n = columns.count, k = columns.columns
    precondition(labels.count == n && n <= deLongMaximumCount && k >= 1)
    var positives = 0
    for i in 0..<n { positives &+= labels[i].classBit }
    let negatives = n - positives
    guard positives > 0 && negatives > 0 else { return .oneClass }

    // One column alone is sorted on one thread, and its sums are cheap: a second thread
    // would only add its start and the barrier waits (measured: 0.5 ms more at n = 40000).
    let chunkCount = forced ?? (n >= deLongParallelThreshold && k >= 2 ? 2 : 1)
    // Scratch of the sorts: one set per worker that sorts (the second only with k >= 2).
    let sortSets = Swift.min(chunkCount, k)
    let c = try ScratchBuffer<UInt32>(count: k * positives)
    defer { c.free() }
    let d = try ScratchBuffer<UInt32>(count: k * negatives)
    defer { d.free() }
    let words = try ScratchBuffer<Score.OrderKey>(count: 2 * n * sortSets)
    defer { words.free() }
    let values = try ScratchBuffer<UInt32>(count: 2 * n * sortSets)
    defer { values.free() }
    let tables = try ScratchBuffer<Int>(count: RadixSortTuning.tableCount * sortSets)
    defer { tables.free() }
    words.adviseHugePages()
    values.adviseHugePages()
    c.adviseHugePages()  // the sweep writes them in random order: fewer TLB misses
    d.adviseHugePages()
    // Per worker's chunk: k(k+1)/2 product sums for each class, then k plain sums each.
    let pairCount = k * (k + 1) / 2
    let productSums = try ScratchBuffer<UInt128>(count: 2 * pairCount * chunkCount)
    defer { productSums.free() }
    let plainSums = try ScratchBuffer<UInt64>(count: 2 * k * chunkCount)
    defer { plainSums.free() }

    var team = DeLongTeam<Score>(
        columns: columns, labels: labels, positives: positives, negatives: negatives,
        chunkCount: chunkCount, c: c.base!, d: d.base!, words: words.base!,
        values: values.base!, tables: tables.base!, productSums: productSums.base!,
        plainSums: plainSums.base!)
    withUnsafeMutablePointer(to: &team) { team in
        runAsTeam(chunkCount: chunkCount, context: UnsafeMutableRawPointer(team)) { raw, worker in
            raw.assumingMemoryBound(to: DeLongTeam<Score>.self).pointee.run(worker)
        }
    }

    // Combine the chunks' sums (integers: any order gives the same totals). Everything
    // this needs is allocated before the first output is written, so that an allocation
    // failure leaves every output untouched.
    // (ScratchBuffers, not Arrays: a failed Swift allocation would trap the host.)
    let totals = try ScratchBuffer<UInt64>(count: 2 * k)
    defer { totals.free() }
    let numerators = try ScratchBuffer<Int128>(count: 2 * pairCount)
    defer { numerators.free() }
    let P = UInt128(positives), N = UInt128(negatives)
    @inline(__always) func pairIndex(_ a: Int, _ b: Int) -> Int {  // a <= b
        a * k - a * (a - 1) / 2 + (b - a)
    }
    let sumC = totals.base!, sumD = totals.base! + k
    sumC.initialize(repeating: 0, count: 2 * k)
    for chunk in 0..<chunkCount {
        let plain = plainSums.base! + 2 * k * chunk
        for a in 0..<k {
            sumC[a] += plain[a]
            sumD[a] += plain[k + a]
        }
    }
    for a in 0..<k {
        aucs[a] = correctlyRoundedRatio(UInt128(sumC[a]), 2 * P * N)
    }
    guard covariance != nil || differenceVariances != nil else {
        return positives >= 2 && negatives >= 2 ? .computed : .varianceUndefined
    }
    guard positives >= 2 && negatives >= 2 else {
        for e in 0..<(k * k) {
            covariance?[e] = .nan
            differenceVariances?[e] = .nan
        }
        return .varianceUndefined
    }
    // A10 and A01 of every pair (a <= b), signed 128-bit (see the file comment).
    let a10 = numerators.base!, a01 = numerators.base! + pairCount
    for a in 0..<k {
        for b in a..<k {
            var cc: UInt128 = 0, dd: UInt128 = 0
            for chunk in 0..<chunkCount {
                let sums = productSums.base! + 2 * pairCount * chunk
                cc += sums[pairIndex(a, b)]
                dd += sums[pairCount + pairIndex(a, b)]
            }
            let p = pairIndex(a, b)
            a10[p] = Int128(P * cc) - Int128(UInt128(sumC[a]) * UInt128(sumC[b]))
            a01[p] = Int128(N * dd) - Int128(UInt128(sumD[a]) * UInt128(sumD[b]))
        }
    }
    // Denominator 4 P^2 N^2 (P - 1)(N - 1) < 2^124 * 2^62.
    let denominator = UInt256(product: 4 * P * P * N * N, (P - 1) * (N - 1))
    @inline(__always) func value(_ x10: Int128, _ x01: Int128) -> Double {
        let numerator = SignedUInt256(x10, times: negatives - 1) + SignedUInt256(x01, times: positives - 1)
        let magnitude = roundedRatio(numerator.magnitude, denominator)
        return numerator.isNegative ? -magnitude : magnitude
    }
    for a in 0..<k {
        for b in a..<k {
            let p = pairIndex(a, b)
            if let covariance {
                let s = value(a10[p], a01[p])
                covariance[a * k + b] = s
                covariance[b * k + a] = s
            }
            if let differenceVariances {
                // A_aa + A_bb - 2 A_ab: |each| < 2^124, so the contrast fits Int128.
                let paa = pairIndex(a, a), pbb = pairIndex(b, b)
                let v = a == b ? 0 : value(a10[paa] + a10[pbb] - 2 * a10[p],
                                           a01[paa] + a01[pbb] - 2 * a01[p])
                differenceVariances[a * k + b] = v
                differenceVariances[b * k + a] = v
            }
        }
    }
    return .computed
}

/// The two phases on one worker (see the file comment), with everything they share.
private struct DeLongTeam<Score: OrderKeyed> {
    typealias Key = Score.OrderKey
    let columns: DeLongColumns<Score>
    let labels: UnsafeBufferPointer<Score>
    let positives: Int
    let negatives: Int
    let chunkCount: Int
    /// k x P positives' components (column-major: column a at c + a P), k x N negatives'.
    let c: UnsafeMutablePointer<UInt32>
    let d: UnsafeMutablePointer<UInt32>
    /// Per sorting worker: 2n words (sorted, spare), 2n values, one set of sort tables.
    let words: UnsafeMutablePointer<Key>
    let values: UnsafeMutablePointer<UInt32>
    let tables: UnsafeMutablePointer<Int>
    let productSums: UnsafeMutablePointer<UInt128>
    let plainSums: UnsafeMutablePointer<UInt64>

    func run(_ worker: TeamWorker) {
        let n = columns.count, k = columns.columns
        // Phase 1: the columns, round robin over the chunks.
        for chunk in worker.chunks {
            // Chunk 1 sorts only when k >= 2, and then has its own scratch set.
            var a = chunk
            while a < k {
                sortColumn(a, words + 2 * n * chunk, values + 2 * n * chunk,
                           tables + RadixSortTuning.tableCount * chunk)
                a += chunkCount
            }
        }
        worker.synchronize()
        // Phase 2: sums over this chunk's share of each class.
        let pairCount = k * (k + 1) / 2
        for chunk in worker.chunks {
            let sums = productSums + 2 * pairCount * chunk
            let plain = plainSums + 2 * k * chunk
            let pr = chunkRange(chunk, of: chunkCount, count: positives)
            let nr = chunkRange(chunk, of: chunkCount, count: negatives)
            // Largest component: 2N for c, 2P for d.
            var p = 0
            for a in 0..<k {
                plain[a] = plainSum(c + a * positives, pr)
                plain[k + a] = plainSum(d + a * negatives, nr)
                for b in a..<k {
                    sums[p] = productSum(c + a * positives, c + b * positives, pr,
                                         largest: UInt64(2 * negatives))
                    sums[pairCount + p] = productSum(d + a * negatives, d + b * negatives, nr,
                                                     largest: UInt64(2 * positives))
                    p += 1
                }
            }
        }
    }

    /// Sorts column a's keys (with class and class rank) and sweeps the groups of equal
    /// scores, writing each sample's component.
    private func sortColumn(_ a: Int, _ w: UnsafeMutablePointer<Key>, _ v: UnsafeMutablePointer<UInt32>,
                            _ tables: UnsafeMutablePointer<Int>) {
        let n = columns.count
        var positivesSeen = 0, negativesSeen = 0
        for i in 0..<n {
            let positive = labels[i].classBit
            // Rank within the class, without a branch (classes come in random order).
            let rank = positive &* positivesSeen &+ (1 &- positive) &* negativesSeen
            positivesSeen &+= positive
            negativesSeen &+= 1 &- positive
            w[i] = columns.element(i, a).orderKey
            v[i] = UInt32(truncatingIfNeeded: rank &<< 1 | positive)
        }
        sortWords(w, v, spareWords: w + n, spareValues: v + n, count: n, tables: tables)
        let cColumn = c + a * positives, dColumn = d + a * negatives
        let twoP = 2 &* positives
        var positivesBelow = 0, negativesBelow = 0
        var start = 0
        while start < n {
            let key = w[start]
            var end = start &+ 1
            var groupPositives = Int(v[start] & 1)
            while end < n && w[end] == key {
                groupPositives &+= Int(v[end] & 1)
                end &+= 1
            }
            let groupNegatives = (end &- start) &- groupPositives
            // c = 2 (negatives below) + negatives tied; d = 2 (positives above) + positives tied.
            let cValue = UInt32(truncatingIfNeeded: 2 &* negativesBelow &+ groupNegatives)
            let dValue = UInt32(truncatingIfNeeded: twoP &- 2 &* positivesBelow &- groupPositives)
            for s in start..<end {
                let value = v[s]
                let rank = Int(value &>> 1)
                if value & 1 == 1 { cColumn[rank] = cValue } else { dColumn[rank] = dValue }
            }
            positivesBelow &+= groupPositives
            negativesBelow &+= groupNegatives
            start = end
        }
    }
}

/// sum of x[range] (each < 2^32, at most 2^31 of them: below 2^63).
@inline(__always)
private func plainSum(_ x: UnsafeMutablePointer<UInt32>, _ range: Range<Int>) -> UInt64 {
    var s: UInt64 = 0
    for i in range { s &+= UInt64(x[i]) }
    return s
}

/// sum of x[i] y[i] over `range`, exactly, for x, y <= `largest`: blocks short enough that
/// their UInt64 sum cannot wrap (block length * largest^2 <= 2^64 - 1), added into UInt128.
@inline(__always)
private func productSum(_ x: UnsafeMutablePointer<UInt32>, _ y: UnsafeMutablePointer<UInt32>,
                        _ range: Range<Int>, largest: UInt64) -> UInt128 {
    let square = Swift.max(largest &* largest, 1)  // largest < 2^32: no overflow
    let block = Int(Swift.min(UInt64.max / square, UInt64(Int.max)))
    var total: UInt128 = 0
    var start = range.lowerBound
    while start < range.upperBound {
        let end = start + Swift.min(block, range.upperBound - start)
        var s: UInt64 = 0
        for i in start..<end { s &+= UInt64(x[i]) &* UInt64(y[i]) }
        total += UInt128(s)
        start = end
    }
    return total
}

// MARK: - 256-bit integers, just enough for one correctly rounded division

/// An unsigned 256-bit integer hi 2^128 + lo.
struct UInt256: Equatable {
    var hi: UInt128
    var lo: UInt128

    init(hi: UInt128, lo: UInt128) {
        self.hi = hi
        self.lo = lo
    }

    /// a b, exactly.
    init(product a: UInt128, _ b: UInt128) {
        let (h, l) = a.multipliedFullWidth(by: b)
        self.init(hi: h, lo: l)
    }

    var isZero: Bool { hi == 0 && lo == 0 }

    static func < (x: UInt256, y: UInt256) -> Bool { x.hi != y.hi ? x.hi < y.hi : x.lo < y.lo }

    /// x + y; precondition: no carry out of 256 bits.
    static func + (x: UInt256, y: UInt256) -> UInt256 {
        let (lo, carry) = x.lo.addingReportingOverflow(y.lo)
        return UInt256(hi: x.hi + y.hi + (carry ? 1 : 0), lo: lo)
    }

    /// x - y for x >= y.
    static func - (x: UInt256, y: UInt256) -> UInt256 {
        let (lo, borrow) = x.lo.subtractingReportingOverflow(y.lo)
        return UInt256(hi: x.hi - y.hi - (borrow ? 1 : 0), lo: lo)
    }

    /// 2x; precondition: the top bit is 0.
    var doubled: UInt256 { UInt256(hi: hi << 1 | lo >> 127, lo: lo << 1) }
}

/// A signed 256-bit integer as sign and magnitude (enough for a sum of two products).
struct SignedUInt256 {
    var isNegative: Bool
    var magnitude: UInt256

    /// x m, exactly.
    init(_ x: Int128, times m: Int) {
        isNegative = x < 0
        magnitude = UInt256(product: x.magnitude, UInt128(m))
    }

    init(isNegative: Bool, magnitude: UInt256) {
        self.isNegative = isNegative
        self.magnitude = magnitude
    }

    static func + (x: SignedUInt256, y: SignedUInt256) -> SignedUInt256 {
        if x.isNegative == y.isNegative {
            return SignedUInt256(isNegative: x.isNegative, magnitude: x.magnitude + y.magnitude)
        }
        if x.magnitude < y.magnitude {
            return SignedUInt256(isNegative: y.isNegative, magnitude: y.magnitude - x.magnitude)
        }
        let m = x.magnitude - y.magnitude
        return SignedUInt256(isNegative: x.isNegative && !m.isZero, magnitude: m)
    }
}

/// The double nearest to x / d (ties to even), for d > 0, x < 2^254 and d < 2^254 (the
/// callers' values are far below). As `correctlyRoundedRatio`: d is first doubled until
/// it exceeds x (the quotient's integer part is then 0, `exponent` counts the doublings
/// down), then binary long division produces the quotient's first 64 significant bits q,
/// and the remainder's nonzeroness is kept as a sticky lowest bit, so the one rounding in
/// Double(q) is the correct rounding of the infinite quotient. The quotient is at least
/// 1 / d > 2^-254, far above the subnormal range, so the final scaling is exact.
func roundedRatio(_ x: UInt256, _ d: UInt256) -> Double {
    precondition(!d.isZero && d.hi >> 126 == 0 && x.hi >> 126 == 0)
    if x.isZero { return 0 }
    var denominator = d
    var exponent = 0  // x / d == (quotient + remainder / denominator) 2^-exponent
    while !(x < denominator) {  // denominator <= x < 2^254: doubling stays below 2^255
        denominator = denominator.doubled
        exponent -= 1
    }
    var remainder = x
    var quotient: UInt64 = 0
    // remainder < denominator < 2^255 (d < 2^254, or doubled from at most x < 2^254), so
    // doubling the remainder cannot overflow.
    while quotient < (1 << 63) {
        remainder = remainder.doubled
        exponent += 1
        quotient <<= 1
        if !(remainder < denominator) {
            remainder = remainder - denominator
            quotient |= 1
        }
    }
    if !remainder.isZero { quotient |= 1 }
    return Double(sign: .plus, exponent: -exponent, significand: Double(quotient))
}
