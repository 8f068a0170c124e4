import Testing
@testable import DiffAUROCCore

// One-vs-rest exact AUROC read from class bytes (`exactAUROC(scores:classCodes:positive:)`,
// used by the column exports' unweighted one-vs-rest path) against the exact AUROC of the
// 0/1 labels `codes[i] == positive` (`exactAUROC(scores:labels:weights: nil)`): the same
// bits, one chunk, two chunks or the default, float64 and float32, scores with heavy ties,
// every class as the positive one, a class that never occurs (nil) and a single-class
// input (nil for every class). Both are also checked against an independent reference: a
// stdlib sort counting 2U and the pairs, whose ratio is exact in double here (2PN < 2^53),
// so one IEEE division rounds it correctly.

private func fromCodes<Score: OrderKeyed>(_ s: [Score], _ codes: [UInt8], _ positive: UInt8,
                                          chunks: Int?) throws -> Double? {
    try s.withUnsafeBufferPointer { sp in
        try codes.withUnsafeBufferPointer { cp in
            try exactAUROC(scores: sp, classCodes: cp, positive: positive, chunkCount: chunks)
        }
    }
}

private func fromLabels<Score: OrderKeyed>(_ s: [Score], _ codes: [UInt8], _ positive: UInt8,
                                           chunks: Int?) throws -> Double? {
    let y: [Score] = codes.map { $0 == positive ? 1 : 0 }
    return try exactAUROCOfArrays(s, y, nil, chunkCount: chunks)
}

@Suite("exact AUROC from class bytes")
struct ExactClassCodesTests {
    /// Scores of one family: 0 spread, 1 heavy ties, 2 pairs of ties with both signs.
    private func scores(_ family: Int, _ n: Int, _ rng: inout SplitMix) -> [Double] {
        (0..<n).map { _ in
            switch family {
            case 0: return rng.unit() * 2 - 1
            case 1: return Double(rng.below(4))
            default: return Double(rng.below(n / 2 + 1)) / 8 - 3
            }
        }
    }

    /// Both entries, every chunking, against each other (bit for bit) and the reference.
    private func check<Score: OrderKeyed>(_ s: [Score], _ codes: [UInt8], _ positive: UInt8,
                                          _ what: String) throws {
        let (twiceU, pairs) = referenceTwiceU(s, isPositive: { codes[$0] == positive })
        for chunks in [1, 2, nil] as [Int?] {
            let a = try fromCodes(s, codes, positive, chunks: chunks)
            let b = try fromLabels(s, codes, positive, chunks: chunks)
            #expect(a?.bitPattern == b?.bitPattern,
                    "\(what) positive \(positive) chunks \(String(describing: chunks)): \(String(describing: a)) vs \(String(describing: b))")
            if pairs == 0 {
                #expect(a == nil, "\(what) positive \(positive): no pairs")
            } else {
                #expect(a == Double(twiceU) / Double(2 * pairs),
                        "\(what) positive \(positive) chunks \(String(describing: chunks))")
            }
        }
    }

    @Test(arguments: [2, 3, 17, 1000, 70_000])
    func classCodesEqualZeroOneLabels(n: Int) throws {
        var rng = SplitMix(state: 4_242 + UInt64(n))
        let k = 6
        for family in 0..<3 {
            let s = scores(family, n, &rng)
            // Classes 0..<k except 4, which never occurs.
            var codes = (0..<n).map { _ -> UInt8 in
                let c = UInt8(rng.below(k - 1))
                return c == 4 ? 5 : c
            }
            codes[0] = 0
            if n > 1 { codes[n - 1] = 1 }
            let s32 = s.map { Float($0) }
            for positive in 0..<UInt8(k) {
                try check(s, codes, positive, "n \(n) family \(family) float64")
                try check(s32, codes, positive, "n \(n) family \(family) float32")
            }
            // A byte no sample has (as class 4) and the largest byte.
            try check(s, codes, 255, "n \(n) family \(family) float64")
            // One class only: no negatives for it, no positives for the others.
            let one = [UInt8](repeating: 3, count: n)
            for positive: UInt8 in [0, 3] {
                try check(s, one, positive, "n \(n) family \(family) single class")
            }
        }
    }

    /// Codes with the class bits above the low one set (e.g. 2, 3, 130 for positive 2):
    /// only equality counts, not a bit of the byte.
    @Test func onlyEqualityCounts() throws {
        var rng = SplitMix(state: 99)
        let n = 5_000
        let s = scores(1, n, &rng)
        let palette: [UInt8] = [0, 1, 2, 3, 130, 131, 254, 255]
        let codes = (0..<n).map { _ in palette[rng.below(palette.count)] }
        for positive in palette { try check(s, codes, positive, "palette") }
    }
}
