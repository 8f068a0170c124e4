/// A radix sort of unsigned integer words, each carrying one value, tuned to keep its
/// passes inside the cache: the exact AUROC's sort after its first, parallel scatter.
///
/// Method (`sortWords`). Only bits that vary between the words matter (OR of all words
/// XOR their AND); a range whose words are all equal is already sorted.
///  - Short ranges (<= `insertionSortLimit`): insertion sort.
///  - Ranges too big for the cache: one most-significant-digit pass on the top varying
///    bits (up to 11, about log2(count) - 11) scatters the words into buckets of a few
///    thousand, each then sorted recursively.
///  - Otherwise: a least-significant-digit sort of the top 8 to 22 varying bits (two
///    digits of 4 to 11 bits by size; histograms from one pass; constant digits skipped),
///    then a fix-up of the runs of words that agree on those bits (recursively, on the
///    bits below). When the words are spread out the runs are nearly all of length 1.
///    When all varying bits (from the highest to the lowest) fit in two such digits, the
///    two digits are narrowed to cover exactly those bits and there is no fix-up (float32
///    words after the first scatter: 16 bits, two 8-bit digits instead of 10-bit ones).
/// Termination and depth: a recursive call sorts words that agree on every bit from the
/// current range's top varying bit down to the digit or window just used, so each level
/// removes at least that many bits: an MSD digit has at least 4 bits (it runs only when
/// count > the cache limit >= 16384 words, and log2(16384) - 11 = 4 after rounding up), an
/// LSD window with a fix-up at least 8 (a narrowed one has no fix-up, so no recursion). At most 16 levels for 64-bit words (`maximumDepth` allows more).
///
/// Every pass is stable, so equal words keep their order. Memory: the caller's spare
/// arrays of `count` words and values, and `tableCount` Ints.
///
///     sortWords(words, values, spareWords: w2, spareValues: v2, count: n, tables: t)
enum RadixSortTuning {
    static let msdDigitBits = 11
    static let msdBucketCount = 1 << msdDigitBits
    static let insertionSortLimit = 32
    /// Bytes of words and values (one copy) that a range may use and still be sorted by
    /// LSD passes in cache. At least 16384 words of up to 16 bytes (see the depth bound).
    static let cacheBytes = 256 * 1024
    static let maximumDepth = 20
    /// Ints of `tables` one `sortWords` call needs (two 2048-Int tables per level).
    static let tableCount = maximumDepth * 2 * msdBucketCount
}

/// Sorts `words[0..<count]` ascending, each `values[i]` moving with its word; the result is
/// in `words`/`values`. With `ignoringLowestBit`, ascending in `word >> 1` only (words that
/// differ only in bit 0 may come in either order; ranges of up to `insertionSortLimit`
/// words are still fully sorted). With `ignoredLowBits` = b > 0, ascending in `word >> b`
/// only, stably (words equal above bit b keep their order, insertion sort included): the
/// bits below b carry data, not key (the weighted float32 exact AUROC's weight bits).
/// `spareWords`/`spareValues` (count elements each) and `tables`
/// (`RadixSortTuning.tableCount` Ints from `depth`) are scratch.
@_specialize(where Word == UInt64, Value == NoValue)
@_specialize(where Word == UInt32, Value == NoValue)
@_specialize(where Word == UInt64, Value == Double)
@_specialize(where Word == UInt32, Value == Double)
func sortWords<Word: FixedWidthInteger & UnsignedInteger, Value>(
    _ words: UnsafeMutablePointer<Word>, _ values: UnsafeMutablePointer<Value>,
    spareWords: UnsafeMutablePointer<Word>, spareValues: UnsafeMutablePointer<Value>,
    count: Int, tables: UnsafeMutablePointer<Int>, depth: Int = 0,
    ignoringLowestBit: Bool = false, ignoredLowBits: Int = 0
) {
    typealias T = RadixSortTuning
    if count <= T.insertionSortLimit {
        insertionSort(words, values, count: count, ignoredLowBits: ignoredLowBits)
        return
    }
    var andAll = words[0], orAll = words[0]
    for i in 0..<count {
        andAll &= words[i]
        orAll |= words[i]
    }
    let varying = (andAll ^ orAll) & (ignoringLowestBit ? ~1 : ~0) & (~0 &<< ignoredLowBits)
    guard varying != 0 else { return }
    let high = Word.bitWidth - 1 - varying.leadingZeroBitCount
    let table = tables + depth * 2 * T.msdBucketCount
    let cacheLimit = T.cacheBytes / (MemoryLayout<Word>.stride + MemoryLayout<Value>.stride)

    if count > cacheLimit {
        // One MSD pass on bits [shift, high], into the spare arrays and back; digits of
        // log2(count) - 11 bits (1 to 11), for buckets of a few thousand words.
        let digitBits = Swift.min(T.msdDigitBits, Swift.max(1, Int.bitWidth - count.leadingZeroBitCount - 11))
        let bucketCount = 1 << digitBits
        let shift = Swift.max(0, high + 1 - digitBits)
        let mask = Word(bucketCount - 1)
        table.initialize(repeating: 0, count: bucketCount)
        for i in 0..<count { table[Int(truncatingIfNeeded: (words[i] &>> shift) & mask)] &+= 1 }
        var start = 0
        for digit in 0..<bucketCount {
            let c = table[digit]
            table[digit] = start
            start &+= c
        }
        for i in 0..<count {
            let word = words[i]
            let digit = Int(truncatingIfNeeded: (word &>> shift) & mask)
            let p = table[digit]
            spareWords[p] = word
            spareValues[p] = values[i]
            table[digit] = p &+ 1
        }
        words.update(from: spareWords, count: count)
        values.update(from: spareValues, count: count)
        // table[digit] is now the end of bucket `digit`.
        var bucketStart = 0
        for digit in 0..<bucketCount {
            let bucketEnd = table[digit]
            if bucketEnd - bucketStart > 1 {
                sortWords(words + bucketStart, values + bucketStart,
                          spareWords: spareWords + bucketStart, spareValues: spareValues + bucketStart,
                          count: bucketEnd - bucketStart, tables: tables, depth: depth + 1,
                          ignoringLowestBit: ignoringLowestBit, ignoredLowBits: ignoredLowBits)
            }
            bucketStart = bucketEnd
        }
        return
    }

    // LSD on the window [low, high] of two digits of about log2(count) - 2 bits (4 to
    // 11), so that clearing the tables stays cheap; both histograms from one pass.
    // When the varying bits fit in two such digits, the digits are narrowed to cover them
    // exactly (fewer, smaller tables and no fix-up): e.g. float32 words, whose bits below
    // the key's are all zero.
    let lowestVarying = varying.trailingZeroBitCount
    let varyingWidth = high + 1 - lowestVarying
    let sizeDigitBits = Swift.min(T.msdDigitBits, Swift.max(4, Int.bitWidth - count.leadingZeroBitCount - 2))
    let digitBits = varyingWidth <= 2 * sizeDigitBits ? (varyingWidth + 1) / 2 : sizeDigitBits
    let digitCount = 1 << digitBits
    let low = varyingWidth <= 2 * sizeDigitBits ? lowestVarying : high + 1 - 2 * digitBits
    let mask = Word(digitCount - 1)
    // (32-bit counters: a range sorted here has at most `cacheLimit` words, and the tables
    // then take half the cache: 3.0 -> 2.7 ns a word on buckets of 4,400 words.)
    var source = (words: words, values: values)
    var target = (words: spareWords, values: spareValues)
    table.withMemoryRebound(to: UInt32.self, capacity: 4 * T.msdBucketCount) { table in
        table.initialize(repeating: 0, count: 2 * digitCount)
        for i in 0..<count {
            let word = words[i] &>> low
            table[Int(truncatingIfNeeded: word & mask)] &+= 1
            table[digitCount &+ Int(truncatingIfNeeded: (word &>> digitBits) & mask)] &+= 1
        }
        for d in 0..<2 {
            let shift = low + d * digitBits
            guard shift <= high,
                  (varying &>> shift) & mask != 0
            else { continue }
            let offsets = table + d * digitCount
            var start = 0
            for digit in 0..<digitCount {
                let c = Int(truncatingIfNeeded: offsets[digit])
                offsets[digit] = UInt32(truncatingIfNeeded: start)
                start &+= c
            }
            for i in 0..<count {
                let word = source.words[i]
                let digit = Int(truncatingIfNeeded: (word &>> shift) & mask)
                let p = offsets[digit]
                target.words[Int(truncatingIfNeeded: p)] = word
                target.values[Int(truncatingIfNeeded: p)] = source.values[i]
                offsets[digit] = p &+ 1
            }
            swap(&source, &target)
        }
    }
    if source.words != words {
        words.update(from: source.words, count: count)
        values.update(from: source.values, count: count)
    }
    guard varying & ((1 << low) &- 1) != 0 else { return }
    // Fix-up: runs of words equal on [low, top] differ only below `low`. Blocks of 64
    // neighbour pairs are tested without branches first; a block with no equal pair
    // holds only runs of one word. `runStart` always starts a run.
    var runStart = 0
    while runStart < count - 1 {
        let blockEnd = Swift.min(count - 1, runStart + 64)
        if neighboursDiffer(words, runStart..<blockEnd, above: low) {
            runStart = blockEnd
            continue
        }
        while runStart < blockEnd {
            let head = words[runStart] &>> low
            var runEnd = runStart + 1
            while runEnd < count && words[runEnd] &>> low == head { runEnd += 1 }
            if runEnd - runStart > 1 {
                sortWords(words + runStart, values + runStart,
                          spareWords: spareWords + runStart, spareValues: spareValues + runStart,
                          count: runEnd - runStart, tables: tables, depth: depth + 1,
                          ignoringLowestBit: ignoringLowestBit, ignoredLowBits: ignoredLowBits)
            }
            runStart = runEnd
        }
    }
}

/// Whether `key(words[k]) >> shift` differs from `key(words[k + 1]) >> shift` for every k
/// in `range`: then the runs of words equal above `shift` there are all one word long (the
/// radix sorts' fix-ups skip such blocks). Integer operations only (x | -x has its top bit
/// set iff x != 0) and wrapping indices, so that the loop runs in SIMD lanes: with a Bool
/// per pair and a checked `k + 1` it stayed a scalar loop with a branch per pair, a fifth
/// of the in-cache sort's time (3.85 -> 3.05 ns a word on buckets of 4,400 words).
@inline(__always)
func neighboursDiffer<Word: FixedWidthInteger & UnsignedInteger>(
    _ words: UnsafeMutablePointer<Word>, _ range: Range<Int>, above shift: Int
) -> Bool {
    neighboursDiffer(words, range, above: shift) { $0 }
}

/// `neighboursDiffer` on the keys of elements (`key(words[k])`).
@inline(__always)
func neighboursDiffer<Element, Key: FixedWidthInteger & UnsignedInteger>(
    _ words: UnsafeMutablePointer<Element>, _ range: Range<Int>, above shift: Int, key: (Element) -> Key
) -> Bool {
    var allDiffer: Key = 1
    var k = range.lowerBound
    while k < range.upperBound {
        let x = (key(words[k]) ^ key(words[k &+ 1])) &>> shift
        allDiffer &= (x | (0 &- x)) &>> (Key.bitWidth &- 1)
        k &+= 1
    }
    return allDiffer != 0
}

/// Insertion sort of `words[0..<count]` by `word >> ignoredLowBits` (stable), values
/// following; for short ranges.
@inline(__always)
private func insertionSort<Word: FixedWidthInteger, Value>(
    _ words: UnsafeMutablePointer<Word>, _ values: UnsafeMutablePointer<Value>, count: Int,
    ignoredLowBits: Int
) {
    var i = 1
    while i < count {
        let word = words[i], value = values[i]
        let key = word &>> ignoredLowBits
        var j = i
        while j > 0 && words[j - 1] &>> ignoredLowBits > key {
            words[j] = words[j - 1]
            values[j] = values[j - 1]
            j -= 1
        }
        words[j] = word
        values[j] = value
        i += 1
    }
}

/// The value type of a sort that carries nothing: stores and loads of it compile to nothing.
struct NoValue: BitwiseCopyable {}
