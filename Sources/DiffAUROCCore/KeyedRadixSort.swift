#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The double whose `orderKey` (OrderKey.swift) is `key`: its inverse on finite values.
@inline(__always)
func scoreFromSortKey(_ key: UInt64) -> Double {
    Double(bitPattern: key ^ (((key >> 63) &- 1) | (1 << 63)))
}

/// Tuning of `radixSort` (measured on the soft path's sort of N(0, 1) + label scores).
enum KeyedRadixSortTuning {
    /// Ints of the caller's `histogram`: every table of the sort lives in them.
    static let tableCount = 2048
    /// Ranges of at most this many keys: insertion sort.
    static let insertionSortLimit = 32
    /// A most-significant-digit pass has the power of two at or below
    /// count >> msdBucketShift buckets (16 to 2048, the whole table).
    static let msdBucketShift = 10
    /// In cache: a least-significant-digit sort of two (or three, below) digits of up to
    /// lsdDigitBits bits.
    static let lsdDigitBits = 10
    /// Ranges of at least this many keys take three LSD digits instead of two (up to 30
    /// bits): at N(0, 1) scores the top 20 bits (sign, exponent and 8 mantissa bits) leave
    /// runs of several keys in the dense middle, whose sorts cost more than a third pass.
    static let lsdThreeDigitMinimum = 2048
    /// ... unless the top digit takes at least 1 / 2^lsdTopDigitSpreadShift of its values:
    /// then the top two digits already leave few runs (buckets of one exponent).
    static let lsdTopDigitSpreadShift = 3
    /// Bytes of keys and values (one copy) that a range may use and still be sorted by
    /// LSD passes in cache.
    static let cacheBytes = 256 * 1024
    /// ... except a bucket of a `radixSort` call's first MSD pass, up to this many: its
    /// LSD passes then replace a second MSD pass. At N(0, 1) scores the first pass's
    /// digit is mostly sign and exponent, so 44k to 90k keys leave buckets of about half
    /// of them, 22k to 45k keys. Measured (a standalone copy of this file, 70,000 keys,
    /// AMD EPYC, 512 KB of L2 a core): 1.05 ms -> 0.92 ms a sort, 50,000 keys 0.75 ->
    /// 0.63 ms; deeper buckets (of larger sets) gained nothing.
    static let firstBucketCacheBytes = 512 * 1024
    /// A first pass by the scores' values (`ValueBuckets`) has about 2^valueBucketShift
    /// keys a bucket (at most `tableCount` buckets).
    static let valueBucketShift = 10
    /// A whole set in cache of at least this many keys is sorted by two LSD digits of
    /// its scores' values (`valueDigitSort`) ...
    static let valueDigitMinimum = 64
    /// ... quantized to 2^(floor(log2(count)) + valueDigitExtraBits) levels (at most
    /// 2^(2 lsdDigitBits)) ... Measured (C driver, soft value and gradient at T / spread
    /// 1e-9, N(0, 1) + label scores, median wall of 12 alternating processes, Intel Xeon):
    /// 4 against 5, n = 10^4 0.98x, 10^3 0.96x; 6 against 5, 1.03x and 1.07x (larger
    /// tables, fewer shared levels). A standalone C copy with fresh scores every call
    /// agreed: 7,000 keys 7.4 / 7.6 / 8.4 ns a key at 16 / 18 / 20 bits.
    static let valueDigitExtraBits = 4
    /// ... and its keys that share a level put in order by insertion, at most this many
    /// moves a key in all (beyond, the keys are sorted by their bits from where they are).
    static let valueDigitMovesPerKey = 4
}

/// Sorts `keys[0..<count]` ascending, moving `values[k]` with `keys[k]`, stably (keys that
/// are equal keep their order): the result is the one permutation a stable sort gives,
/// whatever the method. `scratchKeys` and `scratchValues` (count elements each) are
/// overwritten; `histogram` needs `KeyedRadixSortTuning.tableCount` (2048) Ints.
///
/// Method, as the exact AUROC's `sortWords` (RadixSort.swift), within a table of 2048 Ints
/// and with no copy back. Only the bits that vary between the keys of a range matter (OR
/// of the keys XOR their AND); a range whose keys are all equal is sorted.
///  - Short ranges (<= `insertionSortLimit`): insertion sort.
///  - A whole set too big for the cache (`cacheBytes`) whose lowest and highest keys
///    stand for finite scores of a finite range: one most-significant-digit pass by the
///    scores' values (`ValueBuckets`, buckets of equal width, about 2^valueBucketShift
///    keys each) into the scratch, each bucket then sorted from there back into the keys
///    as below (at level 1).
///  - A whole set in cache (from `valueDigitMinimum` keys) whose scores allow it: two LSD
///    passes on the digits of its scores' levels among equal widths of their range, then
///    an insertion pass for keys sharing a level (`valueDigitSort`); where the keys crowd
///    into a few levels, the bit passes below instead.
///  - Ranges too big for the cache (`cacheBytes`, or `firstBucketCacheBytes` for the
///    buckets of the first MSD pass): one most-significant-digit pass on the top varying
///    bits (log2(count) - 10 of them, 4 to 11: buckets of about a thousand keys) scatters
///    the keys into the other array (keys and scratch alternate as source and target);
///    each bucket is then sorted recursively from there into the target. A bucket's
///    extent is found by scanning its keys (with their AND and OR, which its sort needs),
///    so the table is free for the recursion.
///  - Otherwise: a least-significant-digit sort of the top varying bits, two digits of
///    4 to 10 bits by size, three from `lsdThreeDigitMinimum` keys unless the top digit
///    takes many values (all histograms from one pass, counted in UInt32; a digit that
///    is the same for every key is skipped; the top digit of unbucketed keys scattered
///    two keys at a time, `scatterInPairs`),
///    then the runs of keys that agree on those bits are sorted recursively on the bits
///    below. When every varying bit fits in the digits, they are narrowed to cover
///    exactly those bits and there are no runs.
/// Each level below the value pass removes at least 4 varying bits from the top (an MSD
/// pass on bits runs only above the cache limit, 16,384 keys or more, so its digit has at
/// least 4 bits; an LSD window with runs has at least 8), so the recursion is at most 17
/// levels deep.
///
/// Time O(count): at N(0, 1) scores each key sees one MSD scatter out of cache (the value
/// pass) and the rest in L1 (without it, most keys saw two MSD scatters, their top bits,
/// sign and exponent, taking few values, see `ValueBuckets`). No allocation,
/// cannot fail. Values are the fast soft path's and the Hessian's caller indices: UInt32
/// below 2^31 samples, UInt64 above (FastSoftIndices.swift); each is specialized.
@_specialize(where Value == UInt32)
@_specialize(where Value == UInt64)
func radixSort<Value>(
    keys: UnsafeMutablePointer<UInt64>, values: UnsafeMutablePointer<Value>,
    scratchKeys: UnsafeMutablePointer<UInt64>, scratchValues: UnsafeMutablePointer<Value>,
    histogram: UnsafeMutablePointer<Int>, count: Int
) {
    guard count > 1 else { return }
    typealias T = KeyedRadixSortTuning
    // (Short ranges are sorted without their bits.)
    let range = count > T.insertionSortLimit ? KeyRange(keys, 0..<count) : KeyRange()
    let cacheLimit = T.cacheBytes / (8 + MemoryLayout<Value>.stride)
    // Too many keys for the cache: the first pass by the scores' values when they allow it
    // (`ValueBuckets`), else `keyedSort`'s by the top bits.
    if count > cacheLimit, range.varying != 0,
       let buckets = ValueBuckets(range, count: count) {
        msdPass(keys, values, scratchKeys, scratchValues, inPlace: true, count: count,
                buckets: buckets, table: histogram, level: 0)
        return
    }
    if count >= T.valueDigitMinimum, count <= cacheLimit, range.varying != 0,
       valueDigitSort(keys, values, scratchKeys, scratchValues, count: count, range: range, table: histogram) {
        return
    }
    keyedSort(keys, values, keys, values, scratchKeys, scratchValues, count: count,
              varying: range.varying, table: histogram, level: 0)
}

/// Sorts a whole set in cache by its scores' values: v(key) = the score's level among
/// 2^bits equal widths of [lowest, highest] (`ValueBuckets`, a function that never
/// decreases as the key grows), two LSD passes on v's low and high digits (keys to the
/// scratch, back to the keys), then the keys that share a level, already next to each
/// other in their original order, put in order by an insertion pass. The top bits of an
/// order key are sign and exponent, which at N(0, 1) scores take a few values: the bit
/// LSD (`keyedSort`) needs three passes of 10 bits at 7,000 keys and still leaves runs;
/// two digits of the values spread the keys over 16 to 32 levels a key, so few share one.
/// Returns false, leaving the keys and values a permutation of the input in which equal
/// keys keep their order, when the range is not finite and positive (`ValueBuckets`) or
/// the insertion pass needed more than `valueDigitMovesPerKey` moves a key (many keys in
/// few levels: outliers stretching the range, or ties), or would have by the counts of
/// the high digit (then before any pass); a stable sort from there gives the one stable
/// order.
private func valueDigitSort<Value>(
    _ keys: UnsafeMutablePointer<UInt64>, _ values: UnsafeMutablePointer<Value>,
    _ scratchKeys: UnsafeMutablePointer<UInt64>, _ scratchValues: UnsafeMutablePointer<Value>,
    count: Int, range: KeyRange, table: UnsafeMutablePointer<Int>
) -> Bool {
    typealias T = KeyedRadixSortTuning
    let logCount = Int.bitWidth - 1 - count.leadingZeroBitCount
    let bits = Swift.min(2 * T.lsdDigitBits, logCount + T.valueDigitExtraBits)
    guard let level = ValueBuckets(lowest: range.lowest, highest: range.highest, bucketCount: 1 << bits) else {
        return false
    }
    let lowBits = bits / 2
    let lowCount = 1 << lowBits, lowMask = lowCount - 1
    let highCount = 1 << (bits - lowBits)
    // Both digits' counts as UInt32 (at most 2 x 1024 of the table's 4096).
    let crowded = table.withMemoryRebound(to: UInt32.self, capacity: 2 * T.tableCount) { counts -> Bool in
        let high = counts + lowCount
        // c keys of one high digit spread evenly over its lowCount levels would need about
        // c^2 / (4 lowCount) moves (k keys of a level in random order: k (k - 1) / 4
        // inversions). Estimated from every stride-th key (about 1,024 of them: the pairs
        // among a high digit's sampled keys, times stride^2): when that reaches half the
        // insertion pass's budget, the keys are crowded into a few levels (heavy tails:
        // at log-normal scores of sigma 2, 85% of 7,000 keys in the lowest high digit),
        // and the bit passes go first, before anything moved. (Below 2,048 keys every
        // key, stride 1; above, at most 1,041 samples and a stride of 21: the products
        // stay below 2^29.)
        let stride = Swift.max(1, count >> 10)
        high.initialize(repeating: 0, count: highCount)
        var i = 0
        while i < count {
            high[level(keys[i]) &>> lowBits] &+= 1
            i &+= stride
        }
        var pairs = 0
        for d in 0..<highCount { pairs &+= Int(high[d]) &* (Int(high[d]) &- 1) }
        if pairs * stride * stride > 2 * lowCount * count * T.valueDigitMovesPerKey { return true }
        counts.initialize(repeating: 0, count: lowCount + highCount)
        for i in 0..<count {
            let v = level(keys[i])
            counts[v & lowMask] &+= 1
            high[v &>> lowBits] &+= 1
        }
        countsToStarts(counts, count: lowCount)
        countsToStarts(high, count: highCount)
        scatter(keys, values, scratchKeys, scratchValues, count: count, offsets: counts) { level($0) & lowMask }
        scatter(scratchKeys, scratchValues, keys, values, count: count, offsets: high) { level($0) &>> lowBits }
        return false
    }
    if crowded { return false }
    // Keys of one level in order: a key below its left neighbour moves left past the
    // larger keys (never past an equal one: stable).
    var moves = count * T.valueDigitMovesPerKey
    for i in 1..<count {
        let key = keys[i]
        guard keys[i - 1] > key else { continue }
        moves -= i - insert(key, values[i], at: i, into: keys, values)
        if moves < 0 { return false }
    }
    return true
}

/// Sorts the `count` keys (and values) at `keys`/`values` stably into `targetKeys`/
/// `targetValues`, which are either the same arrays or `spareKeys`/`spareValues` (then the
/// source is overwritten). `varying` is the OR of the keys XOR their AND (unused for
/// short ranges).
/// `table`: `KeyedRadixSortTuning.tableCount` Ints. `level`: 0 for a `radixSort` call's
/// keys, 1 for the buckets of its first MSD pass (sorted by LSD passes up to
/// `firstBucketCacheBytes`), more below.
private func keyedSort<Value>(
    _ keys: UnsafeMutablePointer<UInt64>, _ values: UnsafeMutablePointer<Value>,
    _ targetKeys: UnsafeMutablePointer<UInt64>, _ targetValues: UnsafeMutablePointer<Value>,
    _ spareKeys: UnsafeMutablePointer<UInt64>, _ spareValues: UnsafeMutablePointer<Value>,
    count: Int, varying: UInt64, table: UnsafeMutablePointer<Int>, level: Int
) {
    typealias T = KeyedRadixSortTuning
    let inPlace = targetKeys == keys
    if count <= T.insertionSortLimit {
        insertionSort(keys, values, into: targetKeys, targetValues, count: count)
        return
    }
    guard varying != 0 else {
        if !inPlace {
            targetKeys.update(from: keys, count: count)
            targetValues.update(from: values, count: count)
        }
        return
    }
    let high = 63 - varying.leadingZeroBitCount
    let cacheLimit = (level == 1 ? T.firstBucketCacheBytes : T.cacheBytes) / (8 + MemoryLayout<Value>.stride)

    if count > cacheLimit {
        // MSD on the top varying bits into the other array; each bucket is then sorted
        // from there into the target (back here when the target is here).
        let other = inPlace ? (keys: spareKeys, values: spareValues) : (keys: targetKeys, values: targetValues)
        let buckets = BitBuckets(varying: varying, count: count)
        msdPass(keys, values, other.keys, other.values, inPlace: inPlace, count: count,
                buckets: buckets, table: table, level: level)
        return
    }

    // LSD on the window [low, high]: `digits` digits of about log2(count) - 2 bits (4 to
    // `lsdDigitBits`), narrowed to the varying bits when those fit.
    let digits = count >= T.lsdThreeDigitMinimum ? 3 : 2
    let lowestVarying = varying.trailingZeroBitCount
    let varyingWidth = high + 1 - lowestVarying
    let sizeDigitBits = Swift.min(T.lsdDigitBits, Swift.max(4, Int.bitWidth - count.leadingZeroBitCount - 2))
    let narrowed = varyingWidth <= digits * sizeDigitBits
    let digitBits = narrowed ? (varyingWidth + digits - 1) / digits : sizeDigitBits
    let digitCount = 1 << digitBits
    let windowLow = narrowed ? lowestVarying : high + 1 - digits * digitBits
    let mask = UInt64(digitCount - 1)
    // Passes alternate between the two arrays; the first one's target is chosen so that
    // the last lands in the target.
    let other = inPlace ? (keys: spareKeys, values: spareValues) : (keys: targetKeys, values: targetValues)
    var source = (keys: keys, values: values)
    // The digit counts as UInt32 (count is below the cache limit): three tables of 1024
    // take 12 KB of the table's 16.
    let firstDigit = table.withMemoryRebound(to: UInt32.self, capacity: 2 * T.tableCount) { counts -> Int in
        let low = windowLow
        counts.initialize(repeating: 0, count: digits * digitCount)
        if digits == 3 {
            for i in 0..<count {
                let key = keys[i] &>> low
                counts[Int(truncatingIfNeeded: key & mask)] &+= 1
                counts[digitCount + Int(truncatingIfNeeded: (key &>> digitBits) & mask)] &+= 1
                counts[2 * digitCount + Int(truncatingIfNeeded: (key &>> (2 * digitBits)) & mask)] &+= 1
            }
        } else {
            for i in 0..<count {
                let key = keys[i] &>> low
                counts[Int(truncatingIfNeeded: key & mask)] &+= 1
                counts[digitCount + Int(truncatingIfNeeded: (key &>> digitBits) & mask)] &+= 1
            }
        }
        // Three digits (not narrowed) whose top one takes many values: the top two leave
        // few runs, cheaper to sort than a third pass (the keys of one exponent; the third
        // pays where the top digit is mostly sign and exponent, as at N(0, 1) scores).
        var firstDigit = 0
        if digits == 3, !narrowed {
            var used = 0
            for digit in 0..<digitCount { used &+= counts[2 * digitCount + digit] != 0 ? 1 : 0 }
            if used >= digitCount >> T.lsdTopDigitSpreadShift { firstDigit = 1 }
        }
        // A digit the same for every key (or above `high`) leaves the order unchanged.
        var passes = 0, passCount = 0
        for d in firstDigit..<digits where low + d * digitBits <= high && (varying &>> (low + d * digitBits)) & mask != 0 {
            passes |= 1 << d
            passCount += 1
        }
        var target = other
        if passCount != 0, passCount % 2 == (inPlace ? 1 : 0) {
            // Otherwise the last pass would land in the wrong array: copy the source over
            // first (in cache).
            other.keys.update(from: keys, count: count)
            other.values.update(from: values, count: count)
            source = other
            target = (keys: keys, values: values)
        }
        for d in 0..<digits where passes & (1 << d) != 0 {
            let shift = low + d * digitBits
            let offsets = counts + d * digitCount
            countsToStarts(offsets, count: digitCount)
            let sk = source.keys, sv = source.values, tk = target.keys, tv = target.values
            if level == 0 && d == digits - 1 {
                // The top digit of unbucketed keys (sign and exponent at N(0, 1) scores,
                // a few values; in a bucket they are mantissa bits, spread out).
                scatterInPairs(sk, sv, tk, tv, count: count, offsets: offsets) {
                    Int(truncatingIfNeeded: ($0 &>> shift) & mask)
                }
            } else {
                scatter(sk, sv, tk, tv, count: count, offsets: offsets) {
                    Int(truncatingIfNeeded: ($0 &>> shift) & mask)
                }
            }
            swap(&source, &target)
        }
        return firstDigit
    }
    let low = windowLow + firstDigit * digitBits
    // Now source holds the keys sorted on [low, high]; it is the target unless there
    // were no passes.
    if source.keys != targetKeys {
        targetKeys.update(from: source.keys, count: count)
        targetValues.update(from: source.values, count: count)
    }
    guard !narrowed, varying & ((1 << low) &- 1) != 0 else { return }
    // Runs of keys equal on [low, 63] differ only below `low`: each is sorted in place.
    // Blocks of 64 neighbour pairs are tested without branches first; a block with no
    // equal pair holds only runs of one key.
    let runSpareKeys = inPlace ? spareKeys : keys
    let runSpareValues = inPlace ? spareValues : values
    var runStart = 0
    while runStart < count - 1 {
        let blockEnd = Swift.min(count - 1, runStart + 64)
        if neighboursDiffer(targetKeys, runStart..<blockEnd, above: low) {
            runStart = blockEnd
            continue
        }
        while runStart < blockEnd {
            let head = targetKeys[runStart] &>> low
            var andRun = targetKeys[runStart], orRun = andRun
            var runEnd = runStart + 1
            while runEnd < count {
                let key = targetKeys[runEnd]
                guard key &>> low == head else { break }
                andRun &= key
                orRun |= key
                runEnd += 1
            }
            if runEnd - runStart > 1 {
                let r = runStart
                keyedSort(targetKeys + r, targetValues + r, targetKeys + r, targetValues + r,
                          runSpareKeys + r, runSpareValues + r, count: runEnd - r,
                          varying: andRun ^ orRun, table: table, level: level + 1)
            }
            runStart = runEnd
        }
    }
}

/// Turns `counts[0..<count]` into where each digit's keys start (the sums of the counts
/// before it).
@inline(__always)
private func countsToStarts(_ counts: UnsafeMutablePointer<UInt32>, count: Int) {
    var start: UInt32 = 0
    for digit in 0..<count {
        let c = counts[digit]
        counts[digit] = start
        start &+= c
    }
}

/// Scatters `keys[0..<count]` (and values) stably into `targetKeys`/`targetValues` at
/// `offsets[digit(key)]`, advancing each offset.
@inline(__always)
private func scatter<Value>(
    _ keys: UnsafeMutablePointer<UInt64>, _ values: UnsafeMutablePointer<Value>,
    _ targetKeys: UnsafeMutablePointer<UInt64>, _ targetValues: UnsafeMutablePointer<Value>,
    count: Int, offsets: UnsafeMutablePointer<UInt32>, digit: (UInt64) -> Int
) {
    for i in 0..<count {
        let key = keys[i]
        let d = digit(key)
        let p = offsets[d]
        targetKeys[Int(truncatingIfNeeded: p)] = key
        targetValues[Int(truncatingIfNeeded: p)] = values[i]
        offsets[d] = p &+ 1
    }
}

/// As `scatter`, two keys an iteration. Both offsets are loaded before either is stored,
/// the second one past the first key when both keys have the same digit, so consecutive
/// keys of one digit (the sign-and-exponent digits of N(0, 1) scores take a few values)
/// wait for each other's offset once a pair instead of once a key. Measured: a C copy of the in-cache sort (7,000 N(0, 1) keys, three 10-bit
/// digits) 9.9 -> 9.1 ns a key with pairs in the top digit's pass, 9.4 in every pass; the
/// soft path at n = 10^4, T / spread 1e-9 (classes of 7,000 and 3,000, each sorted here
/// at level 0), best of 4,000 calls, 0.210-0.225 -> 0.198-0.199 ms (four alternations).
/// Not used by the MSD passes: pairs there (whose first digit is as skewed) measured no
/// change at n = 10^5 and 10^6 (sort samples within 1%).
@inline(__always)
private func scatterInPairs<Value>(
    _ keys: UnsafeMutablePointer<UInt64>, _ values: UnsafeMutablePointer<Value>,
    _ targetKeys: UnsafeMutablePointer<UInt64>, _ targetValues: UnsafeMutablePointer<Value>,
    count: Int, offsets: UnsafeMutablePointer<UInt32>, digit: (UInt64) -> Int
) {
    var i = 0
    while i &+ 1 < count {
        let x = keys[i], y = keys[i &+ 1]
        let dx = digit(x), dy = digit(y)
        let p = offsets[dx]
        // q = offsets[dy] + (dx == dy), without a branch.
        let q = offsets[dy] &+ UInt32(truncatingIfNeeded: UInt(bitPattern: (dx ^ dy) &- 1) &>> (UInt.bitWidth &- 1))
        let pi = Int(truncatingIfNeeded: p), qi = Int(truncatingIfNeeded: q)
        targetKeys[pi] = x
        targetValues[pi] = values[i]
        targetKeys[qi] = y
        targetValues[qi] = values[i &+ 1]
        offsets[dx] = p &+ 1
        offsets[dy] = q &+ 1
        i &+= 2
    }
    if i < count {
        let x = keys[i]
        let dx = digit(x)
        let p = offsets[dx]
        targetKeys[Int(truncatingIfNeeded: p)] = x
        targetValues[Int(truncatingIfNeeded: p)] = values[i]
        offsets[dx] = p &+ 1
    }
}

/// Stable insertion sort of the `count` keys (and values) at `keys`/`values` into
/// `targetKeys`/`targetValues` (the same arrays, or others that do not overlap them).
@inline(__always)
private func insertionSort<Value>(
    _ keys: UnsafeMutablePointer<UInt64>, _ values: UnsafeMutablePointer<Value>,
    into targetKeys: UnsafeMutablePointer<UInt64>, _ targetValues: UnsafeMutablePointer<Value>,
    count: Int
) {
    var i = 0
    while i < count {
        _ = insert(keys[i], values[i], at: i, into: targetKeys, targetValues)
        i += 1
    }
}

/// Puts `key` (and `value`) into the sorted `keys[0..<end]` (and values), after the keys
/// at or below it (stable), moving the larger ones up by one; returns its position.
@inline(__always)
private func insert<Value>(
    _ key: UInt64, _ value: Value, at end: Int,
    into keys: UnsafeMutablePointer<UInt64>, _ values: UnsafeMutablePointer<Value>
) -> Int {
    var j = end
    while j > 0 && keys[j - 1] > key {
        keys[j] = keys[j - 1]
        values[j] = values[j - 1]
        j -= 1
    }
    keys[j] = key
    values[j] = value
    return j
}

/// A most-significant-digit pass's buckets: `count` of them, and the bucket of a key, a
/// function that never decreases as the key grows (so each bucket is a run of the sorted
/// order, and the keys of a bucket are contiguous after the pass).
protocol KeyBuckets {
    var count: Int { get }
    func callAsFunction(_ key: UInt64) -> Int
    func run(_ keys: UnsafeMutablePointer<UInt64>, from start: Int, limit: Int) -> (end: Int, varying: UInt64)
}

extension KeyBuckets {
    /// The bucket of `keys[start]` as a run of bucketed keys (below `limit`): where it
    /// ends, and which bits vary among its keys (for the bucket's own sort).
    @inline(__always)
    func run(_ keys: UnsafeMutablePointer<UInt64>, from start: Int, limit: Int) -> (end: Int, varying: UInt64) {
        let head = self(keys[start])
        var andBucket = keys[start], orBucket = andBucket
        var end = start + 1
        while end < limit {
            let key = keys[end]
            guard self(key) == head else { break }
            andBucket &= key
            orBucket |= key
            end += 1
        }
        return (end, andBucket ^ orBucket)
    }
}

/// Buckets by the top bits of the varying ones: bits [shift, high], at most log2 of the
/// bucket count of them.
private struct BitBuckets: KeyBuckets {
    let shift: Int
    let mask: UInt64
    let count: Int

    /// An MSD pass over `count` keys whose varying bits are `varying` (not 0): the power
    /// of two at or below count >> msdBucketShift buckets, at most the table's.
    init(varying: UInt64, count: Int) {
        typealias T = KeyedRadixSortTuning
        self.init(high: 63 - varying.leadingZeroBitCount, bucketCount: Swift.min(T.tableCount, count >> T.msdBucketShift))
    }

    init(high: Int, bucketCount: Int) {
        let digitBits = Int.bitWidth - 1 - bucketCount.leadingZeroBitCount
        shift = Swift.max(0, high + 1 - digitBits)
        mask = UInt64(1 << digitBits) - 1
        count = 1 << digitBits
    }

    @inline(__always)
    func callAsFunction(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &>> shift) & mask) }
}

/// Buckets of equal width in the scores the keys stand for (`scoreFromSortKey`): the
/// first pass over a whole set (`radixSort`, `radixSortPair`'s first split, the shared
/// first pass). The top bits of an order key are the score's sign and exponent, which at
/// N(0, 1) scores take a few values: the 512 `BitBuckets` of 700,000 keys are the sign and
/// the exponent's top 8 bits, so [1, 256), [2^-7, 1) and their negatives took 16-50% of
/// a class's keys each, which a second MSD pass out of cache then split. Equal widths in
/// the scores leave buckets whose sizes follow the scores' density (at N(0, 1), at most
/// about 2.5 times the mean), sorted in L1.
/// The bucket of score s is v = min((s - low) * scale, count - 1) rounded to an integer:
/// s - low, its product with scale > 0, the min and the rounding never decrease as s (and
/// the key) grows, and s >= low gives v >= 0. Only for keys whose lowest and highest stand
/// for finite scores of a finite, non-zero range (then every key between does too: the
/// order keys of NaNs and infinities lie beyond those of the finite scores); else the
/// first pass is by bits. Measured (C driver, value and gradient, median wall of 6
/// alternating processes against `BitBuckets`, Intel Xeon, AVX-512): the soft path at
/// T / spread 1e-9 0.82x at n = 10^5, 0.95x at 10^6, 0.97x at 10^7 (CPU 0.84x, 0.92x,
/// 0.92x). About 2^9 keys a bucket instead of 2^10: 1.04x at 10^5, 0.97x at 10^6.
struct ValueBuckets: KeyBuckets {
    let low: Double
    let scale: Double
    let last: Double
    let count: Int

    /// The buckets of a first pass over `count` keys spanning `keys`: about
    /// 2^valueBucketShift keys a bucket, at most the table's 2048; nil as below.
    fileprivate init?(_ keys: KeyRange, count: Int) {
        self.init(lowest: keys.lowest, highest: keys.highest,
                  bucketCount: Swift.min(KeyedRadixSortTuning.tableCount, count >> KeyedRadixSortTuning.valueBucketShift))
    }

    /// nil when the range of the scores is not finite and positive, or its scale is not.
    init?(lowest: UInt64, highest: UInt64, bucketCount: Int) {
        let low = scoreFromSortKey(lowest), high = scoreFromSortKey(highest)
        let width = high - low
        guard bucketCount >= 2, low.isFinite, high.isFinite, width.isFinite, width > 0 else { return nil }
        let scale = Double(bucketCount) / width
        guard scale.isFinite, scale > 0 else { return nil }
        self.low = low
        self.scale = scale
        self.last = Double(bucketCount - 1)
        self.count = bucketCount
    }

    @inline(__always)
    func callAsFunction(_ key: UInt64) -> Int {
        // v in [0, last] plus 2^52 is rounded to an integer (monotonically), which the low
        // bits then hold: no conversion and its range checks.
        let v = Swift.min((scoreFromSortKey(key) - low) * scale, last)
        return Int(truncatingIfNeeded: (v + 0x1p52).bitPattern & 0xFFFF_FFFF)
    }

    /// As `KeyBuckets.run`, with the run's end found by a galloping search (the buckets of
    /// sorted keys never decrease), then the AND and OR of its keys in a loop without
    /// branches: a few bucket computations a bucket instead of one a key.
    @inline(__always)
    func run(_ keys: UnsafeMutablePointer<UInt64>, from start: Int, limit: Int) -> (end: Int, varying: UInt64) {
        let head = self(keys[start])
        // keys[start + inside] is in the bucket; start + outside is `limit` or past it.
        var inside = 0, step = 1
        var outside = limit - start
        while inside + step < outside {
            if self(keys[start + inside + step]) == head {
                inside += step
                step &<<= 1
            } else {
                outside = inside + step
                break
            }
        }
        while outside - inside > 1 {
            let middle = inside + (outside - inside) / 2
            if self(keys[start + middle]) == head { inside = middle } else { outside = middle }
        }
        let end = start + outside
        var andBucket = UInt64.max, orBucket = UInt64(0)
        for i in start..<end {
            andBucket &= keys[i]
            orBucket |= keys[i]
        }
        return (end, andBucket ^ orBucket)
    }
}

/// The buckets of one level of `radixSortPair`'s split, or of the shared first pass.
private enum LevelBuckets {
    case bits(BitBuckets)
    case values(ValueBuckets)

    /// The first pass over `count` keys spanning `keys` (whose bits vary): by the scores'
    /// values when they allow it (`ValueBuckets`), else by the top varying bits.
    init(firstPass keys: KeyRange, count: Int) {
        if let v = ValueBuckets(keys, count: count) {
            self = .values(v)
        } else {
            self = .bits(BitBuckets(varying: keys.varying, count: count))
        }
    }

    var count: Int {
        switch self {
        case .bits(let b): return b.count
        case .values(let b): return b.count
        }
    }
}

/// The most-significant-digit pass of `keyedSort`: scatters the keys (and values) into
/// `otherKeys`/`otherValues` by bucket (counted first in `table`), then sorts each bucket,
/// found by scanning (the table is then free for the recursion), into the target: back
/// into `keys`/`values` (`inPlace`), or in place in the other array, which is the target.
/// `level`: the keyed sort's level of the keys (the buckets' is one more).
@inline(__always)
private func msdPass<Value, B: KeyBuckets>(
    _ keys: UnsafeMutablePointer<UInt64>, _ values: UnsafeMutablePointer<Value>,
    _ otherKeys: UnsafeMutablePointer<UInt64>, _ otherValues: UnsafeMutablePointer<Value>,
    inPlace: Bool, count: Int, buckets: B, table: UnsafeMutablePointer<Int>, level: Int
) {
    msdScatter(keys, values, otherKeys, otherValues, count: count, buckets: buckets, table: table)
    var bucketStart = 0
    while bucketStart < count {
        let (bucketEnd, varying) = buckets.run(otherKeys, from: bucketStart, limit: count)
        let s = bucketStart
        if inPlace {
            // From the other array back here.
            keyedSort(otherKeys + s, otherValues + s, keys + s, values + s, keys + s, values + s,
                      count: bucketEnd - s, varying: varying, table: table, level: level + 1)
        } else {
            // The other array is the target: in place there, with the source as spare.
            keyedSort(otherKeys + s, otherValues + s, otherKeys + s, otherValues + s, keys + s, values + s,
                      count: bucketEnd - s, varying: varying, table: table, level: level + 1)
        }
        bucketStart = bucketEnd
    }
}

/// The scatter of `msdPass`: the keys (and values) into `otherKeys`/`otherValues` by
/// bucket, stably, counted first in `table`, which then holds each bucket's end.
@inline(__always)
private func msdScatter<Value, B: KeyBuckets>(
    _ keys: UnsafeMutablePointer<UInt64>, _ values: UnsafeMutablePointer<Value>,
    _ otherKeys: UnsafeMutablePointer<UInt64>, _ otherValues: UnsafeMutablePointer<Value>,
    count: Int, buckets: B, table: UnsafeMutablePointer<Int>
) {
    table.initialize(repeating: 0, count: buckets.count)
    for i in 0..<count { table[buckets(keys[i])] &+= 1 }
    var start = 0
    for b in 0..<buckets.count {
        let c = table[b]
        table[b] = start
        start &+= c
    }
    for i in 0..<count {
        let key = keys[i]
        let b = buckets(key)
        let p = table[b]
        otherKeys[p] = key
        otherValues[p] = values[i]
        table[b] = p &+ 1
    }
}

/// The arrays of one `radixSort` call: `keys`/`values` sorted in place with the scratch.
struct KeyedSortArrays<Value> {
    let keys: UnsafeMutablePointer<UInt64>
    let values: UnsafeMutablePointer<Value>
    let scratchKeys: UnsafeMutablePointer<UInt64>
    let scratchValues: UnsafeMutablePointer<Value>
    let count: Int
}

/// Sorts two key sets as `radixSort` does each (the same stable order, so the same bits),
/// with the work balanced over two threads (`runConcurrently`) when `inParallel`.
/// `tables`: 2 `KeyedRadixSortTuning.tableCount` Ints (one a thread).
///
/// Sorting each set on its own thread leaves one thread idle for the difference (70% and
/// 30% of the keys at the soft path's benchmark). Instead, when the larger set is big, its
/// top most-significant-digit pass runs on both threads (each counts, then scatters, one
/// half of the keys; the second half's keys follow the first's in each bucket, so the
/// pass stays stable), and its buckets are split at the position that gives both threads
/// the same number of keys, counting the smaller set for the second thread. The bucket
/// holding that position is split further by another such pass while it is more than
/// 1/16 of all keys (at most `balancedLevels` passes); then it goes to the nearer side.
/// Thread one sorts the buckets below the split, thread two those above and the smaller
/// set. The split depends on the keys alone. No allocation, cannot fail.
@_specialize(where Value == UInt32)
@_specialize(where Value == UInt64)
func radixSortPair<Value>(
    _ first: KeyedSortArrays<Value>, _ second: KeyedSortArrays<Value>,
    tables: UnsafeMutablePointer<Int>, inParallel: Bool
) {
    typealias T = KeyedRadixSortTuning
    let cacheLimit = T.cacheBytes / (8 + MemoryLayout<Value>.stride)
    let (large, small) = first.count >= second.count ? (first, second) : (second, first)
    let total = large.count + small.count
    guard inParallel, large.count > 4 * cacheLimit else {
        if inParallel, large.count > cacheLimit, large.count > 2 * small.count {
            sortSharingFirstPass(large, small, tables: tables)
        } else {
            sortEachOnItsThread(first, second, tables: tables, inParallel: inParallel)
        }
        return
    }
    // The AND and OR of the larger set's keys, and the lowest and highest, a half on each
    // thread.
    var bits = (KeyRange(), KeyRange())
    withUnsafeMutablePointer(to: &bits) { out in
        runConcurrently(inParallel: true, with: (large, out), { c in
            c.1.pointee.0 = KeyRange(c.0.keys, 0..<c.0.count / 2)
        }, { c in
            c.1.pointee.1 = KeyRange(c.0.keys, c.0.count / 2..<c.0.count)
        })
    }
    var plan = BalancedPlan()
    // Thread one's share: the keys below `target`; thread two's: those above and `small`.
    // The larger set's first pass runs on both threads; the smaller set, when too big
    // for the cache, takes its own first pass out of cache on thread two (about what its
    // sorts in cache then cost), so each of its keys counts twice.
    let smallWeight = small.count > cacheLimit ? 2 : 1
    let target = Swift.min(large.count, (large.count + smallWeight * small.count) / 2)
    var start = 0, end = large.count
    let whole = bits.0.joined(bits.1)
    var varying = whole.varying
    guard varying != 0 else {
        sortEachOnItsThread(first, second, tables: tables, inParallel: true)
        return
    }
    while true {
        let level = plan.count
        // Level k's range is in the keys (k even) or the scratch (k odd); its buckets go
        // to the other array. The first level by the scores' values when they allow it
        // (`ValueBuckets`), the others (and else the first) by the top varying bits.
        let arrays = level % 2 == 0
            ? (large.keys, large.values, large.scratchKeys, large.scratchValues)
            : (large.scratchKeys, large.scratchValues, large.keys, large.values)
        let buckets = level == 0 ? LevelBuckets(firstPass: whole, count: end - start)
                                 : .bits(BitBuckets(varying: varying, count: end - start))
        let pass: (a: Int, c: Int, straddlerVarying: UInt64)
        switch buckets {
        case .bits(let b):
            pass = splitPass(arrays, buckets: b, tables: tables, start..<end, target: target)
        case .values(let b):
            pass = splitPass(arrays, buckets: b, tables: tables, start..<end, target: target)
        }
        let (a, c) = (pass.a, pass.c)
        if c - a > Swift.max(total / 16, 4 * cacheLimit), pass.straddlerVarying != 0,
           level + 1 < BalancedPlan.capacity {
            plan.append(BalancedLevel(buckets: buckets, start: start, leftEnd: a, rightStart: c, end: end))
            start = a; end = c; varying = pass.straddlerVarying
            continue
        }
        // Last level: the straddling bucket goes whole to the nearer side.
        let split = target - a <= c - target ? a : c
        plan.append(BalancedLevel(buckets: buckets, start: start, leftEnd: split, rightStart: split, end: end))
        break
    }
    runConcurrently(inParallel: true, with: (large, small, plan, tables), { c in
        for level in 0..<c.2.count {
            let l = c.2[level]
            sortBuckets(c.0, level: level, buckets: l.buckets, l.start..<l.leftEnd, table: c.3)
        }
    }, { c in
        for level in 0..<c.2.count {
            let l = c.2[level]
            sortBuckets(c.0, level: level, buckets: l.buckets, l.rightStart..<l.end, table: c.3 + T.tableCount)
        }
        radixSort(keys: c.1.keys, values: c.1.values, scratchKeys: c.1.scratchKeys,
                  scratchValues: c.1.scratchValues, histogram: c.3 + T.tableCount, count: c.1.count)
    })
}

/// The AND, OR, lowest and highest of some keys (the empty set's: all ones, 0, the
/// highest key, 0).
private struct KeyRange {
    var and = UInt64.max, or = UInt64(0), lowest = UInt64.max, highest = UInt64(0)

    init() {}

    init(_ keys: UnsafeMutablePointer<UInt64>, _ range: Range<Int>) {
        for i in range {
            let key = keys[i]
            and &= key
            or |= key
            lowest = Swift.min(lowest, key)
            highest = Swift.max(highest, key)
        }
    }

    func joined(_ other: KeyRange) -> KeyRange {
        var r = KeyRange()
        r.and = and & other.and; r.or = or | other.or
        r.lowest = Swift.min(lowest, other.lowest); r.highest = Swift.max(highest, other.highest)
        return r
    }

    /// The bits that differ between the keys (0 for none or one key).
    var varying: UInt64 { and ^ or }
}

/// One pass of `radixSortPair`'s split over `range` of the larger set: `arrays` (source
/// keys and values, then target keys and values) scattered by `buckets`, each thread
/// counting and scattering one half of the range (the second half's keys after the
/// first's in each bucket: stable). Returns the bucket [a, c) that holds position
/// `target` (or [end, end)), and the bits that vary among its keys.
private func splitPass<Value, B: KeyBuckets>(
    _ arrays: (UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<Value>,
               UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<Value>),
    buckets: B, tables: UnsafeMutablePointer<Int>, _ range: Range<Int>, target: Int
) -> (a: Int, c: Int, straddlerVarying: UInt64) {
    let start = range.lowerBound, end = range.upperBound
    let half = start + (end - start) / 2
    let t0 = tables, t1 = tables + KeyedRadixSortTuning.tableCount
    runConcurrently(inParallel: true, with: (arrays, buckets, t0, t1, start, half, end), { c in
        c.2.initialize(repeating: 0, count: c.1.count)
        for i in c.4..<c.5 { c.2[c.1(c.0.0[i])] &+= 1 }
    }, { c in
        c.3.initialize(repeating: 0, count: c.1.count)
        for i in c.5..<c.6 { c.3[c.1(c.0.0[i])] &+= 1 }
    })
    // Offsets (the second half's after the first's in each bucket), and the bucket
    // [a, c) that holds the target position.
    var position = start, a = end, c = end, straddler = -1
    for b in 0..<buckets.count {
        let c0 = t0[b], c1 = t1[b]
        t0[b] = position
        t1[b] = position &+ c0
        if position <= target && target < position + c0 + c1 {
            a = position; c = position + c0 + c1; straddler = b
        }
        position &+= c0 &+ c1
    }
    var straddlerBits = (and0: UInt64.max, or0: UInt64(0), and1: UInt64.max, or1: UInt64(0))
    withUnsafeMutablePointer(to: &straddlerBits) { out in
        runConcurrently(inParallel: true, with: (arrays, buckets, t0, t1, start, half, end, straddler, out), { c in
            let r = scatterRange(c.0.0, c.0.1, c.0.2, c.0.3, c.4..<c.5, buckets: c.1,
                                 offsets: c.2, marked: c.7)
            c.8.pointee.and0 = r.and; c.8.pointee.or0 = r.or
        }, { c in
            let r = scatterRange(c.0.0, c.0.1, c.0.2, c.0.3, c.5..<c.6, buckets: c.1,
                                 offsets: c.3, marked: c.7)
            c.8.pointee.and1 = r.and; c.8.pointee.or1 = r.or
        })
    }
    return (a, c, (straddlerBits.and0 & straddlerBits.and1) ^ (straddlerBits.or0 | straddlerBits.or1))
}

/// One level of `radixSortPair`'s split of the larger set: its range [start, end) was
/// scattered into buckets; thread one sorts those in [start, leftEnd), thread two those
/// in [rightStart, end) (the range between is the next level's).
private struct BalancedLevel {
    let buckets: LevelBuckets
    let start: Int, leftEnd: Int, rightStart: Int, end: Int
}

/// Up to `capacity` levels, without allocation.
private struct BalancedPlan {
    static let capacity = 4
    private var levels: (BalancedLevel?, BalancedLevel?, BalancedLevel?, BalancedLevel?) = (nil, nil, nil, nil)
    private(set) var count = 0

    subscript(_ i: Int) -> BalancedLevel {
        switch i {
        case 0: return levels.0!
        case 1: return levels.1!
        case 2: return levels.2!
        default: return levels.3!
        }
    }

    mutating func append(_ level: BalancedLevel) {
        switch count {
        case 0: levels.0 = level
        case 1: levels.1 = level
        case 2: levels.2 = level
        default: levels.3 = level
        }
        count += 1
    }
}

/// Scatters keys `range` of `keys`/`values` into `targetKeys`/`targetValues` at
/// `offsets` (by bucket); returns the AND and the OR of the keys in bucket `marked`.
@inline(__always)
private func scatterRange<Value, B: KeyBuckets>(
    _ keys: UnsafeMutablePointer<UInt64>, _ values: UnsafeMutablePointer<Value>,
    _ targetKeys: UnsafeMutablePointer<UInt64>, _ targetValues: UnsafeMutablePointer<Value>,
    _ range: Range<Int>, buckets: B, offsets: UnsafeMutablePointer<Int>, marked: Int
) -> (and: UInt64, or: UInt64) {
    var andMarked = UInt64.max, orMarked = UInt64(0)
    for i in range {
        let key = keys[i]
        let b = buckets(key)
        let p = offsets[b]
        targetKeys[p] = key
        targetValues[p] = values[i]
        offsets[b] = p &+ 1
        let isMarked: UInt64 = b == marked ? .max : 0
        andMarked &= key | ~isMarked
        orMarked |= key & isMarked
    }
    return (andMarked, orMarked)
}

/// Both sets sorted as `radixSort` sorts each, on a team of two threads, when the larger
/// set takes one MSD pass and is more than twice the smaller (at n = 10^5 and 30%
/// positives: 70,000 and 30,000 keys, whose sorts on a thread each took about 1.0 and
/// 0.4 ms). Phase 1: thread one makes the larger set's first MSD pass (keys into
/// scratch, as `keyedSort` at level 0) while thread two sorts the smaller set; phase 2,
/// after the barrier: thread one sorts the buckets below the bucket boundary nearest the
/// middle, thread two those above (as `msdPass` does, level 1). Every key ends where the
/// stable order puts it, whichever thread moved it. No allocation, cannot fail (one
/// thread if the second cannot be started: the same phases in order).
private func sortSharingFirstPass<Value>(
    _ large: KeyedSortArrays<Value>, _ small: KeyedSortArrays<Value>, tables: UnsafeMutablePointer<Int>
) {
    var cut = SharedPassCut()
    withUnsafeMutablePointer(to: &cut) { cutPointer in
        var plan = SharedPassPlan(large: large, small: small, tables: tables, cut: cutPointer)
        withUnsafeMutablePointer(to: &plan) { pointer in
            runAsTeam(chunkCount: 2, context: UnsafeMutableRawPointer(pointer)) { raw, worker in
                raw.assumingMemoryBound(to: SharedPassPlan<Value>.self).pointee.run(worker)
            }
        }
    }
}

/// Written by `sortSharingFirstPass`'s thread one in phase 1, read by both after the
/// barrier: the first pass's buckets, and the cut (0 ... count) between the two threads'
/// buckets; nil buckets when the larger set's keys are all equal (nothing to sort).
private struct SharedPassCut {
    var buckets: LevelBuckets? = nil
    var position = 0
}

/// `sortSharingFirstPass`'s work (every member a plain value or pointer).
private struct SharedPassPlan<Value> {
    let large: KeyedSortArrays<Value>, small: KeyedSortArrays<Value>
    let tables: UnsafeMutablePointer<Int>
    let cut: UnsafeMutablePointer<SharedPassCut>

    func run(_ worker: TeamWorker) {
        typealias T = KeyedRadixSortTuning
        let t0 = tables, t1 = tables + T.tableCount
        let count = large.count
        for chunk in worker.chunks {
            if chunk == 0 {
                let keys = KeyRange(large.keys, 0..<count)
                guard keys.varying != 0 else { continue }
                let b = LevelBuckets(firstPass: keys, count: count)
                switch b {
                case .bits(let bits):
                    msdScatter(large.keys, large.values, large.scratchKeys, large.scratchValues,
                               count: count, buckets: bits, table: t0)
                case .values(let v):
                    msdScatter(large.keys, large.values, large.scratchKeys, large.scratchValues,
                               count: count, buckets: v, table: t0)
                }
                // t0[k]: the end of bucket k. The end nearest the middle (the first of two
                // as near).
                var best = 0
                for k in 0..<b.count where Swift.abs(t0[k] - count / 2) < Swift.abs(best - count / 2) {
                    best = t0[k]
                }
                cut.pointee = SharedPassCut(buckets: b, position: best)
            } else {
                radixSort(keys: small.keys, values: small.values, scratchKeys: small.scratchKeys,
                          scratchValues: small.scratchValues, histogram: t1, count: small.count)
            }
        }
        worker.synchronize()
        let shared = cut.pointee
        guard let b = shared.buckets else { return }
        let middle = shared.position
        for chunk in worker.chunks {
            sortBuckets(large, level: 0, buckets: b, chunk == 0 ? 0..<middle : middle..<count,
                        table: chunk == 0 ? t0 : t1, bucketLevel: 1)
        }
    }
}

/// Each set sorted by `radixSort` on its own thread (one after the other without
/// `inParallel`).
private func sortEachOnItsThread<Value>(
    _ first: KeyedSortArrays<Value>, _ second: KeyedSortArrays<Value>,
    tables: UnsafeMutablePointer<Int>, inParallel: Bool
) {
    runConcurrently(inParallel: inParallel, with: (first, second, tables), { c in
        radixSort(keys: c.0.keys, values: c.0.values, scratchKeys: c.0.scratchKeys,
                  scratchValues: c.0.scratchValues, histogram: c.2, count: c.0.count)
    }, { c in
        radixSort(keys: c.1.keys, values: c.1.values, scratchKeys: c.1.scratchKeys,
                  scratchValues: c.1.scratchValues, histogram: c.2 + KeyedRadixSortTuning.tableCount,
                  count: c.1.count)
    })
}

/// Sorts the buckets in `range` of level `level` of `radixSortPair`'s split of `arrays`
/// into the keys: from the scratch at even levels (whose range came from the keys), in
/// place in the keys at odd levels (the scratch spare), as `msdPass` does.
private func sortBuckets<Value>(
    _ arrays: KeyedSortArrays<Value>, level: Int, buckets: LevelBuckets, _ range: Range<Int>,
    table: UnsafeMutablePointer<Int>, bucketLevel: Int = 2
) {
    switch buckets {
    case .bits(let b):
        sortBuckets(arrays, level: level, buckets: b, range, table: table, bucketLevel: bucketLevel)
    case .values(let b):
        sortBuckets(arrays, level: level, buckets: b, range, table: table, bucketLevel: bucketLevel)
    }
}

/// `sortBuckets` for one kind of buckets.
private func sortBuckets<Value, B: KeyBuckets>(
    _ arrays: KeyedSortArrays<Value>, level: Int, buckets: B, _ range: Range<Int>,
    table: UnsafeMutablePointer<Int>, bucketLevel: Int
) {
    let (srcK, srcV, spareK, spareV) = level % 2 == 0
        ? (arrays.scratchKeys, arrays.scratchValues, arrays.keys, arrays.values)
        : (arrays.keys, arrays.values, arrays.scratchKeys, arrays.scratchValues)
    var bucketStart = range.lowerBound
    while bucketStart < range.upperBound {
        let (bucketEnd, varying) = buckets.run(srcK, from: bucketStart, limit: range.upperBound)
        let s = bucketStart
        // (Level 2 unless given: the buckets of a split's passes keep the in-cache limit.)
        keyedSort(srcK + s, srcV + s, arrays.keys + s, arrays.values + s, spareK + s, spareV + s,
                  count: bucketEnd - s, varying: varying, table: table, level: bucketLevel)
        bucketStart = bucketEnd
    }
}
