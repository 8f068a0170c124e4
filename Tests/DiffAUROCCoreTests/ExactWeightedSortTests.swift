import Testing
@testable import DiffAUROCCore

// sortHighKeyed (the weighted float64 exact AUROC's in-cache sort of 16-byte words) against
// the standard library's stable sort by the high 64 bits: every path (insertion sort, LSD
// narrowed and with fix-up, the MSD pass above 16384 words, recursion on long equal runs),
// with the low 64 bits recording each word's input position so that stability is checked.

@Suite("sortHighKeyed against a stable reference sort")
struct ExactWeightedSortTests {
    @Test(arguments: [1, 2, 31, 33, 500, 16_384, 16_385, 70_000])
    func matchesStableSort(count: Int) {
        var rng = SplitMix(state: 4_242 + UInt64(count))
        for family in 0..<5 {
            let keys: [UInt64] = (0..<count).map { _ in
                switch family {
                case 0: return rng.next()                                  // all bits vary
                case 1: return UInt64(rng.below(4)) << 62                  // few, top bits only
                case 2: return 0xABC0_0000_0000_0000 | UInt64(rng.below(300)) // low bits, ties
                case 3: return rng.next() & 0xFFFF_0000_0000_00FF          // gaps in the middle
                default: return 42                                         // all equal
                }
            }
            let words = keys.enumerated().map { UInt128($0.element) << 64 | UInt128($0.offset) }
            let expected = words.enumerated()
                .sorted { a, b in
                    (a.element >> 64, a.offset) < (b.element >> 64, b.offset)
                }
                .map(\.element)
            var sorted = words
            var spare = [UInt128](repeating: 0, count: Swift.max(count, 1))
            var tables = [Int](repeating: 0, count: RadixSortTuning.tableCount)
            sorted.withUnsafeMutableBufferPointer { w in
                spare.withUnsafeMutableBufferPointer { s in
                    tables.withUnsafeMutableBufferPointer { t in
                        sortHighKeyed(w.baseAddress!, spare: s.baseAddress!, count: count,
                                      tables: t.baseAddress!)
                    }
                }
            }
            #expect(sorted == expected, "count \(count) family \(family)")
        }
    }
}
