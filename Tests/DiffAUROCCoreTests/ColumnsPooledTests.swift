import Testing
@testable import DiffAUROCCore

// The pooled gather of the column functions (Columns.swift, `ColumnsTeam.runPooled`): with
// two threads and strided (C-ordered) columns, both threads gather each group of columns,
// half of the rows each, into one shared buffer; one-vs-rest reads the classes as bytes
// (k <= 256). Random tied data, one-vs-rest and per-column labels, weighted and not, group
// sizes forced by the gather budget (one pass, passes of 6 and 4, odd groups, groups of 2),
// k above 256 (no class bytes): against an independent reference (a stdlib sort), and
// against the contiguous (Fortran-ordered) layout, which is never gathered.

/// sum over positive-negative pairs of w_p w_n (1 if the positive scores higher, 1/2 if
/// tied), over (sum of positive weights)(sum of negative weights), by a stdlib sort.
/// Integer weights: every sum below is an integer below 2^53 (times 1/2), exact in Double,
/// so the quotient is the correctly rounded exact AUROC.
private func reference(_ s: [Double], _ y: [Bool], _ w: [Double]?) -> Double? {
    let (twiceU, pairs) = referenceTwiceU(s, isPositive: { y[$0] }, weight: { UInt128(w?[$0] ?? 1) })
    guard pairs > 0 else { return nil }
    return Double(twiceU) / Double(2 * pairs)
}

/// Column j of `flat` (stored with the given strides).
private func column(_ flat: [Double], _ j: Int, n: Int, sampleStride: Int, columnStride: Int) -> [Double] {
    (0..<n).map { flat[$0 * sampleStride + j * columnStride] }
}

/// `columnsGeneric` on an n x k array stored with these strides.
private func run(_ flat: [Double], n: Int, k: Int, sampleStride: Int, columnStride: Int,
                 classes: [Double]?, labels: [Double]?, weights: [Double]?,
                 budget: Int) throws -> [ColumnResult] {
    var results = [ColumnResult](repeating: ColumnResult(), count: k)
    let empty: [Double] = []
    try flat.withUnsafeBufferPointer { sp in
        try (classes ?? labels ?? empty).withUnsafeBufferPointer { yp in
            try (weights ?? empty).withUnsafeBufferPointer { wp in
                try results.withUnsafeMutableBufferPointer { out in
                    let scores = StridedColumns(base: sp.baseAddress, rowCount: n, columnCount: k,
                                                sampleStride: sampleStride, columnStride: columnStride)
                    let y: ColumnLabels<Double> = classes != nil
                        ? .classes(yp)
                        : .columns(StridedColumns(base: yp.baseAddress, rowCount: n, columnCount: k,
                                                  sampleStride: sampleStride, columnStride: columnStride))
                    try columnsGeneric(scores: scores, labels: y, weights: weights == nil ? nil : wp,
                                       statistic: .exact, into: out, gatherBudget: budget)
                }
            }
        }
    }
    return results
}

/// (n, k, gather budget, weighted): n * k >= 65536 (two threads); the budget sets the
/// pool (2 * budget / n columns): 1 << 22 one pass; 28_000 at n = 7000 eight columns
/// (passes of 6 and 4); 25_000 at n = 10_000 five (passes of 4 and 3); 10_000 at n =
/// 10_000 two (groups of 2, the last of 1); k = 300 > 256 classes (no class bytes).
@Test(arguments: [(7000, 10, 1 << 22, false), (7000, 10, 28_000, false), (7000, 10, 28_000, true),
                  (10_000, 7, 25_000, false), (10_000, 7, 10_000, true), (10_000, 3, 10_000, false),
                  (300, 300, 1 << 22, false)])
func pooledOneVsRestMatchesReference(shape: (Int, Int, Int, Bool)) throws {
    let (n, k, budget, weighted) = shape
    var g = SplitMix(state: UInt64(n * 31 + k))
    // C order, tied scores (40 levels), classes uniform; weights small integers, some 0.
    let flat = (0..<(n * k)).map { _ in Double(g.below(40)) / 8 }
    let classes = (0..<n).map { _ in Double(g.below(k)) }
    let weights: [Double]? = weighted ? (0..<n).map { _ in Double(g.below(4)) } : nil
    let r = try run(flat, n: n, k: k, sampleStride: k, columnStride: 1, classes: classes,
                    labels: nil, weights: weights, budget: budget)
    // The same array in Fortran order: contiguous columns, read in place (never gathered).
    var fortran = [Double](repeating: 0, count: n * k)
    for i in 0..<n { for j in 0..<k { fortran[j * n + i] = flat[i * k + j] } }
    let f = try run(fortran, n: n, k: k, sampleStride: 1, columnStride: n, classes: classes,
                    labels: nil, weights: weights, budget: budget)
    for j in 0..<k {
        let want = reference(column(flat, j, n: n, sampleStride: k, columnStride: 1),
                             classes.map { $0 == Double(j) }, weights)
        if let want {
            #expect(r[j].outcome == .computed, "column \(j)")
            if weighted {
                #expect(abs(r[j].value - want) <= 2 * want.ulp, "column \(j): \(r[j].value) \(want)")
            } else {
                #expect(r[j].value == want, "column \(j)")
            }
        } else {
            #expect(r[j].outcome == .oneClass, "column \(j)")
        }
        #expect(r[j].outcome == f[j].outcome && r[j].value.bitPattern == f[j].value.bitPattern,
                "column \(j): pooled and contiguous differ")
    }
}

@Test(arguments: [(7000, 10, 28_000), (10_000, 7, 10_000), (20_000, 4, 1 << 22)])
func pooledLabelColumnsMatchReference(shape: (Int, Int, Int)) throws {
    // Per-column strided labels (multilabel, C order) gathered into the pool too.
    let (n, k, budget) = shape
    var g = SplitMix(state: UInt64(n + k))
    let flat = (0..<(n * k)).map { _ in Double(g.below(25)) / 4 }
    let labels = (0..<(n * k)).map { _ in Double(g.below(3) == 0 ? 1 : 0) }
    let r = try run(flat, n: n, k: k, sampleStride: k, columnStride: 1, classes: nil,
                    labels: labels, weights: nil, budget: budget)
    for j in 0..<k {
        let want = reference(column(flat, j, n: n, sampleStride: k, columnStride: 1),
                             column(labels, j, n: n, sampleStride: k, columnStride: 1).map { $0 == 1 },
                             nil)
        #expect(r[j].outcome == .computed)
        #expect(r[j].value == want, "column \(j)")
    }
}
