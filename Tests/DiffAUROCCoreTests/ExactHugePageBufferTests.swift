import Testing
@testable import DiffAUROCCore

/// `HugePageBuffer`: large buffers start on a 2 MiB boundary (so that every 2 MiB of them
/// can be a huge page), small ones come from malloc, and the exact AUROC that scatters
/// into them gives the oracle's value on both sides of the 4 MiB threshold.
@Suite struct ExactHugePageBufferTests {
    @Test func largeBuffersAreAlignedSmallOnesAreNot() throws {
        for count in [hugePageAdviceThreshold / 8, hugePageAdviceThreshold / 8 + 1, 3 << 20] {
            let buffer = try HugePageBuffer<UInt64>(count: count)
            defer { buffer.free() }
            let address = Int(bitPattern: buffer.base!)
            #expect(address % hugePageBytes == 0, "count \(count): \(address)")
            // Every element is usable (the last one included).
            buffer.base![count - 1] = 7
            buffer.base![0] = 9
            #expect(buffer.base![count - 1] == 7 && buffer.base![0] == 9)
        }
        let empty = try HugePageBuffer<UInt64>(count: 0)
        #expect(empty.base == nil)
        empty.free()
        let small = try HugePageBuffer<UInt128>(count: 1000)
        defer { small.free() }
        #expect(small.base != nil)
    }

    @Test func hugeCountsThrowInsteadOfTrapping() {
        #expect(throws: CoreError.allocationFailed) { try HugePageBuffer<UInt128>(count: Int.max / 8) }
        #expect(throws: CoreError.allocationFailed) { try HugePageBuffer<UInt8>(count: Int.max - 5) }
    }

    /// Scores with ties (k / 997), labels and weights from a fixed generator, at sizes
    /// whose 8-byte words straddle 4 MiB, against the pair count of a counting oracle
    /// (exact integers: unweighted AUROC is correctly rounded).
    @Test(arguments: [(1 << 19) - 1, 1 << 19, (1 << 19) + 3])
    func exactAUROCAcrossTheThreshold(n: Int) throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &+ UInt64(n)
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        var scores = [Double](repeating: 0, count: n)
        var labels = [Double](repeating: 0, count: n)
        var positivesAt = [Int](repeating: 0, count: 997)
        var negativesAt = [Int](repeating: 0, count: 997)
        for i in 0..<n {
            let label = next() % 3 == 0
            let level = Int((next() % 997 + (label ? 120 : 0)) % 997)
            scores[i] = Double(level) / 997
            labels[i] = label ? 1 : 0
            if label { positivesAt[level] += 1 } else { negativesAt[level] += 1 }
        }
        // 2U = sum over levels of positives x (2 x negatives below + negatives tied).
        var twiceU = 0, below = 0
        for level in 0..<997 {
            twiceU += positivesAt[level] * (2 * below + negativesAt[level])
            below += negativesAt[level]
        }
        let positives = positivesAt.reduce(0, +), negatives = below
        let expected = Double(twiceU) / Double(2 * positives * negatives)  // < 2^53 / 2^53: exact operands
        let got = try exactAUROCOfArrays(scores, labels, nil)
        #expect(got == expected)
    }
}
