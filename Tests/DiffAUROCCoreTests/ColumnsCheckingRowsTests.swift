import Testing
@testable import DiffAUROCCore

// `aurocColumnsCheckingRows` (Columns.swift): the caller's row check runs on every row
// exactly once before any column is computed, inside the first pooled gather pass (C
// order, two threads) or before the team (Fortran order, or one thread); when it flags
// a block, nothing is computed (every result stays `.notComputed`) and the call returns
// false, even when the flagged row holds a NaN class that the pass would otherwise turn
// into a byte; when it flags nothing, the results are those of `aurocColumns`.

/// What the test's check sees: how often each row was checked, and the row it flags.
private struct CheckRecord {
    let visits: UnsafeMutablePointer<UInt8>
    let bad: Int
}

private let recordingCheck: @convention(c) (UnsafeMutableRawPointer?, Int, Int) -> UInt8 = {
    raw, lower, upper in
    let record = raw!.assumingMemoryBound(to: CheckRecord.self).pointee
    for i in lower..<upper { record.visits[i] &+= 1 }  // rows of one block: one thread
    return (lower..<upper).contains(record.bad) ? 1 : 0
}

/// (returned flag, results, visits per row) of the checking call on an n x k array
/// stored in C (`cOrder`) or Fortran order, one-vs-rest classes or per-column labels.
private func runChecking(n: Int, k: Int, cOrder: Bool, oneVsRest: Bool, bad: Int,
                         nanClassAtBad: Bool) throws -> (Bool, [ColumnResult], [UInt8], [ColumnResult]) {
    var rng = SplitMix(state: 0x1234_5678 &+ UInt64(n * 31 + k))
    var flat = [Double](repeating: 0, count: n * k)
    for t in flat.indices { flat[t] = Double(rng.next() % 1000) / 1000 }
    var classes = (0..<n).map { _ in Double(rng.next() % UInt64(k)) }
    let labels = (0..<(n * k)).map { _ in Double(rng.next() % 2) }
    if nanClassAtBad && bad < n { classes[bad] = .nan }
    let sampleStride = cOrder ? k : 1, columnStride = cOrder ? 1 : n
    var visits = [UInt8](repeating: 0, count: n)
    var results = [ColumnResult](repeating: ColumnResult(), count: k)
    var plain = [ColumnResult](repeating: ColumnResult(), count: k)
    var flag = false
    try flat.withUnsafeBufferPointer { sp in
        try classes.withUnsafeBufferPointer { cp in
            try labels.withUnsafeBufferPointer { lp in
                try visits.withUnsafeMutableBufferPointer { vp in
                    var record = CheckRecord(visits: vp.baseAddress!, bad: bad)
                    let scores = StridedColumns(base: sp.baseAddress, rowCount: n, columnCount: k,
                                                sampleStride: sampleStride, columnStride: columnStride)
                    let source: ColumnLabels<Double> = oneVsRest ? .classes(cp)
                        : .columns(StridedColumns(base: lp.baseAddress, rowCount: n, columnCount: k,
                                                  sampleStride: sampleStride, columnStride: columnStride))
                    try withUnsafeMutablePointer(to: &record) { rp in
                        try results.withUnsafeMutableBufferPointer { out in
                            flag = try aurocColumnsCheckingRows(
                                scores: scores, labels: source, weights: nil, statistic: .exact,
                                check: ColumnRowsCheck(context: UnsafeMutableRawPointer(rp),
                                                       check: recordingCheck),
                                into: out)
                        }
                    }
                    if !nanClassAtBad {
                        try plain.withUnsafeMutableBufferPointer { out in
                            try aurocColumns(scores: scores, labels: source, weights: nil,
                                             statistic: .exact, into: out)
                        }
                    }
                }
            }
        }
    }
    return (flag, results, visits, plain)
}

@Test("checking rows: every row checked once, same results as aurocColumns",
      arguments: [(30_000, 7, true), (30_000, 7, false), (100, 3, true), (5_000, 20, true)])
func checkingRowsValid(_ n: Int, _ k: Int, _ cOrder: Bool) throws {
    for oneVsRest in [true, false] {
        let (flag, results, visits, plain) = try runChecking(
            n: n, k: k, cOrder: cOrder, oneVsRest: oneVsRest, bad: -1, nanClassAtBad: false)
        #expect(flag)
        #expect(visits.allSatisfy { $0 == 1 })
        // (ColumnResult's == is false for NaN fields: compare the outcomes and the bits)
        #expect(results.map(\.outcome) == plain.map(\.outcome))
        #expect(results.map(\.value.bitPattern) == plain.map(\.value.bitPattern))
        #expect(results.allSatisfy { $0.outcome == .computed })
    }
}

@Test("checking rows: a flagged row stops the call before any column",
      arguments: [0, 2047, 2048, 14_999, 15_000, 29_999])
func checkingRowsInvalid(_ bad: Int) throws {
    for (cOrder, oneVsRest) in [(true, true), (true, false), (false, true)] {
        let (flag, results, _, _) = try runChecking(
            n: 30_000, k: 7, cOrder: cOrder, oneVsRest: oneVsRest, bad: bad,
            nanClassAtBad: oneVsRest)
        #expect(!flag)
        #expect(results.allSatisfy { $0.outcome == .notComputed })
    }
}
