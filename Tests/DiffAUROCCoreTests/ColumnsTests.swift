import Testing
@testable import DiffAUROCCore

// The column functions (Columns.swift): a hand case, then random tied data in several
// layouts against an independent reference (a stdlib sort counting 2U, correctly rounded
// by Double division of integers below 2^53), one-vs-rest and one-vs-one subsets, the
// one-class outcome, the two-thread split (n x k >= 65536) against one column at a time,
// and float32 against float64.

/// 2U / 2PN by a stdlib sort of (score, label) (independent of the library's radix sort),
/// nil with one class. Unweighted; the integers stay below 2^53 for these sizes, so one
/// division rounds the exact ratio correctly.
private func referenceAUROC(_ s: [Double], _ y: [Bool]) -> Double? {
    let (twiceU, pairs) = referenceTwiceU(s, isPositive: { y[$0] })
    guard pairs > 0 else { return nil }
    return Double(twiceU) / Double(2 * pairs)
}

/// An n x k array stored with the given strides (the gaps hold NaN, never read).
private func store(_ columns: [[Double]], sampleStride: Int, columnStride: Int) -> [Double] {
    let n = columns.first?.count ?? 0, k = columns.count
    let span = n == 0 ? 1 : (n - 1) * sampleStride + (k - 1) * columnStride + 1
    var out = [Double](repeating: .nan, count: span)
    for j in 0..<k { for i in 0..<n { out[i * sampleStride + j * columnStride] = columns[j][i] } }
    return out
}

private func runColumns(_ columns: [[Double]], _ labels: ColumnLabelsArray,
                        sampleStride: Int, columnStride: Int,
                        statistic: ColumnStatistic = .exact) throws -> [ColumnResult] {
    let n = columns.first?.count ?? 0, k = columns.count
    let flat = store(columns, sampleStride: sampleStride, columnStride: columnStride)
    var results = [ColumnResult](repeating: ColumnResult(), count: k)
    try flat.withUnsafeBufferPointer { s in
        let scores = StridedColumns(base: s.baseAddress, rowCount: n, columnCount: k,
                                    sampleStride: sampleStride, columnStride: columnStride)
        try results.withUnsafeMutableBufferPointer { out in
            switch labels {
            case .shared(let y):
                try y.withUnsafeBufferPointer { yp in
                    try aurocColumns(
                        scores: scores,
                        labels: .columns(StridedColumns(base: yp.baseAddress, rowCount: n,
                                                        columnCount: k, sampleStride: 1,
                                                        columnStride: 0)),
                        weights: nil, statistic: statistic, into: out)
                }
            case .classes(let c):
                try c.withUnsafeBufferPointer { cp in
                    try aurocColumns(scores: scores, labels: .classes(cp), weights: nil,
                                     statistic: statistic, into: out)
                }
            }
        }
    }
    return results
}

private enum ColumnLabelsArray {
    case shared([Double])
    case classes([Double])
}

private func randomColumns(_ g: inout SplitMix, n: Int, k: Int, levels: Int) -> [[Double]] {
    (0..<k).map { _ in (0..<n).map { _ in Double(g.below(levels)) / 4 } }
}

@Test func handCase() throws {
    // column 0 = {.1 .4 .35 .8} with labels 0 0 1 1: 0.75; column 1 reversed: 0.25
    let columns = [[0.1, 0.4, 0.35, 0.8], [0.8, 0.35, 0.4, 0.1]]
    for (ss, cs) in [(2, 1), (1, 4), (5, 2)] {
        let r = try runColumns(columns, .shared([0, 0, 1, 1]), sampleStride: ss, columnStride: cs)
        #expect(r.map(\.outcome) == [.computed, .computed])
        #expect(r.map(\.value) == [0.75, 0.25])
    }
}

@Test(arguments: [(2, 1), (1, 0), (7, 3)])
func sharedLabelsAgainstReference(layout: (Int, Int)) throws {
    var g = SplitMix(state: 42)
    for (n, k) in [(0, 3), (1, 2), (5, 4), (300, 6)] {
        let columns = randomColumns(&g, n: n, k: k, levels: 7)
        let y = (0..<n).map { _ in Double(g.below(3) == 0 ? 1 : 0) }
        let (ss, cs) = layout == (1, 0) ? (1, n) : (layout.0 * k, layout.1)
        let r = try runColumns(columns, .shared(y), sampleStride: ss, columnStride: cs)
        for j in 0..<k {
            let want = referenceAUROC(columns[j], y.map { $0 == 1 })
            #expect(r[j].outcome == (want == nil ? ColumnOutcome.oneClass : ColumnOutcome.computed))
            if let want { #expect(r[j].value == want, "n \(n) column \(j)") }
        }
    }
}

@Test func oneVsRestAndOneVsOneAgainstReference() throws {
    var g = SplitMix(state: 7)
    for (n, k) in [(12, 3), (400, 5), (3000, 4)] {
        let columns = randomColumns(&g, n: n, k: k, levels: 9)
        var classes = (0..<n).map { _ in Double(g.below(k)) }
        if n == 12 { classes = classes.map { $0 == 2 ? 1 : $0 } }  // class 2 absent
        let r = try runColumns(columns, .classes(classes), sampleStride: k, columnStride: 1)
        for j in 0..<k {
            let want = referenceAUROC(columns[j], classes.map { $0 == Double(j) })
            #expect(r[j].outcome == (want == nil ? ColumnOutcome.oneClass : ColumnOutcome.computed))
            if let want { #expect(r[j].value == want) }
        }
        let flat = store(columns, sampleStride: 1, columnStride: n)
        var pairs = [ColumnResult](repeating: ColumnResult(), count: k * k)
        try flat.withUnsafeBufferPointer { s in
            try classes.withUnsafeBufferPointer { c in
                try pairs.withUnsafeMutableBufferPointer { out in
                    try aurocOneVsOne(
                        scores: StridedColumns(base: s.baseAddress, rowCount: n, columnCount: k,
                                               sampleStride: 1, columnStride: n),
                        classes: c, into: out)
                }
            }
        }
        for a in 0..<k {
            #expect(pairs[a * k + a].outcome == .notComputed)
            for b in 0..<k where b != a {
                let subset = (0..<n).filter { classes[$0] == Double(a) || classes[$0] == Double(b) }
                let want = referenceAUROC(subset.map { columns[a][$0] },
                                          subset.map { classes[$0] == Double(a) })
                #expect(pairs[a * k + b].outcome == (want == nil ? ColumnOutcome.oneClass : ColumnOutcome.computed))
                if let want { #expect(pairs[a * k + b].value == want, "pair \(a) \(b)") }
            }
        }
    }
}

@Test func twoThreadSplitMatchesOneColumnAtATime() throws {
    // n x k >= 65536: the columns are split between two threads, each column computed
    // with chunkCount 1; every value must be the one of the column alone (whose own
    // exactAUROC uses its two-thread path at this n), and the reference's.
    var g = SplitMix(state: 99)
    let n = 70_000, k = 3
    let columns = randomColumns(&g, n: n, k: k, levels: 5000)
    let classes = (0..<n).map { _ in Double(g.below(k)) }
    let r = try runColumns(columns, .classes(classes), sampleStride: k, columnStride: 1)
    for j in 0..<k {
        let y = classes.map { $0 == Double(j) ? 1.0 : 0.0 }
        let alone = try withSamples(columns[j], y) { try exactAUROC($0) }
        #expect(r[j].outcome == ColumnOutcome.computed)
        #expect(r[j].value == alone)
        #expect(r[j].value == referenceAUROC(columns[j], y.map { $0 == 1 }))
    }
}

@Test func partialColumnsEqualPartialAUCOfEachColumn() throws {
    var g = SplitMix(state: 5)
    let n = 500, k = 4
    let columns = randomColumns(&g, n: n, k: k, levels: 11)
    let y = (0..<n).map { _ in Double(g.below(2)) }
    for axis in [PartialAUCAxis.falsePositiveRate, .truePositiveRate] {
        let r = try runColumns(columns, .shared(y), sampleStride: k, columnStride: 1,
                               statistic: .partial(axis, lower: 0.1, upper: 0.45))
        for j in 0..<k {
            let want = try withSamples(columns[j], y) {
                try partialAUC($0, axis: axis, lower: 0.1, upper: 0.45)
            }!
            #expect(r[j].value == want.area)
            #expect(r[j].standardized == want.standardized)
            #expect(r[j].belowDiagonal == want.belowDiagonal)
        }
    }
}

@Test func float32EqualsFloat64() throws {
    var g = SplitMix(state: 3)
    let n = 800, k = 5
    let columns = randomColumns(&g, n: n, k: k, levels: 13)
    let classes = (0..<n).map { _ in Double(g.below(k)) }
    let r64 = try runColumns(columns, .classes(classes), sampleStride: k, columnStride: 1)
    let flat = store(columns, sampleStride: k, columnStride: 1).map { Float($0) }
    let c32 = classes.map { Float($0) }
    var r32 = [ColumnResult](repeating: ColumnResult(), count: k)
    try flat.withUnsafeBufferPointer { s in
        try c32.withUnsafeBufferPointer { c in
            try r32.withUnsafeMutableBufferPointer { out in
                try aurocColumnsFloat32(
                    scores: StridedColumns(base: s.baseAddress, rowCount: n, columnCount: k,
                                           sampleStride: k, columnStride: 1),
                    labels: .classes(c), weights: nil, statistic: .exact, into: out)
            }
        }
    }
    #expect(r32.map(\.outcome) == r64.map(\.outcome))
    #expect(r32.map(\.value) == r64.map(\.value))  // exact AUROC: `standardized` stays NaN
}

@Test(arguments: [(700, 7, 1500), (10_000, 7, 25_000), (3000, 5, 1)])
func groupedGathersMatchReference(shape: (Int, Int, Int)) throws {
    // Strided (C-ordered) scores and per-column labels gathered a few columns per pass:
    // the budget makes 2-column groups (one column when below n), one thread or two.
    let (n, k, budget) = shape
    var g = SplitMix(state: UInt64(n))
    let columns = randomColumns(&g, n: n, k: k, levels: 40)
    let labels = (0..<k).map { _ in (0..<n).map { _ in Double(g.below(4) == 0 ? 1 : 0) } }
    let s = store(columns, sampleStride: k, columnStride: 1)
    let y = store(labels, sampleStride: k, columnStride: 1)
    var results = [ColumnResult](repeating: ColumnResult(), count: k)
    try s.withUnsafeBufferPointer { sp in
        try y.withUnsafeBufferPointer { yp in
            try results.withUnsafeMutableBufferPointer { out in
                _ = try columnsGeneric(
                    scores: StridedColumns(base: sp.baseAddress, rowCount: n, columnCount: k,
                                           sampleStride: k, columnStride: 1),
                    labels: .columns(StridedColumns(base: yp.baseAddress, rowCount: n,
                                                    columnCount: k, sampleStride: k,
                                                    columnStride: 1)),
                    weights: nil, statistic: .exact, into: out, gatherBudget: budget)
            }
        }
    }
    for j in 0..<k {
        #expect(results[j].outcome == ColumnOutcome.computed)
        #expect(results[j].value == referenceAUROC(columns[j], labels[j].map { $0 == 1 }),
                "column \(j)")
    }
}
