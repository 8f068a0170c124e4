/// The in-cache sort of the weighted float64 exact AUROC's 16-byte words (key in the high
/// 64 bits, the sample's signed mass in the low 64): `sortWords` (RadixSort.swift) with
/// the same method, passes and tuning, but reading each word's key as one UInt64 instead
/// of shifting 128-bit integers by variable amounts (which costs a branch or a select per
/// shift). Stable, and orders by the high 64 bits alone: words with equal keys keep their
/// order, insertion sort included.
///
///     sortHighKeyed(words, spare: s, count: n, tables: t)  // t: RadixSortTuning.tableCount
func sortHighKeyed(
    _ words: UnsafeMutablePointer<UInt128>, spare: UnsafeMutablePointer<UInt128>,
    count: Int, tables: UnsafeMutablePointer<Int>, depth: Int = 0
) {
    typealias T = RadixSortTuning
    @inline(__always) func key(_ w: UInt128) -> UInt64 { UInt64(truncatingIfNeeded: w &>> 64) }
    if count <= T.insertionSortLimit {
        var i = 1
        while i < count {
            let word = words[i]
            let k = key(word)
            var j = i
            while j > 0 && key(words[j - 1]) > k {
                words[j] = words[j - 1]
                j -= 1
            }
            words[j] = word
            i += 1
        }
        return
    }
    var andAll = key(words[0]), orAll = andAll
    for i in 0..<count {
        let k = key(words[i])
        andAll &= k
        orAll |= k
    }
    let varying = andAll ^ orAll
    guard varying != 0 else { return }
    let high = 63 - varying.leadingZeroBitCount
    let table = tables + depth * 2 * T.msdBucketCount
    let cacheLimit = T.cacheBytes / MemoryLayout<UInt128>.stride

    if count > cacheLimit {
        // One MSD pass on the top varying bits, into the spare array and back.
        let digitBits = Swift.min(T.msdDigitBits, Swift.max(1, Int.bitWidth - count.leadingZeroBitCount - 11))
        let bucketCount = 1 << digitBits
        let shift = UInt64(Swift.max(0, high + 1 - digitBits))
        let mask = UInt64(bucketCount - 1)
        table.initialize(repeating: 0, count: bucketCount)
        for i in 0..<count { table[Int(truncatingIfNeeded: (key(words[i]) &>> shift) & mask)] &+= 1 }
        var start = 0
        for digit in 0..<bucketCount {
            let c = table[digit]
            table[digit] = start
            start &+= c
        }
        for i in 0..<count {
            let word = words[i]
            let digit = Int(truncatingIfNeeded: (key(word) &>> shift) & mask)
            let p = table[digit]
            spare[p] = word
            table[digit] = p &+ 1
        }
        words.update(from: spare, count: count)
        var bucketStart = 0
        for digit in 0..<bucketCount {
            let bucketEnd = table[digit]
            if bucketEnd - bucketStart > 1 {
                sortHighKeyed(words + bucketStart, spare: spare + bucketStart,
                              count: bucketEnd - bucketStart, tables: tables, depth: depth + 1)
            }
            bucketStart = bucketEnd
        }
        return
    }

    // LSD on a window of two digits (narrowed to the varying bits when they fit), then
    // a fix-up of runs equal on the window, as in `sortWords`.
    let lowestVarying = varying.trailingZeroBitCount
    let varyingWidth = high + 1 - lowestVarying
    let sizeDigitBits = Swift.min(T.msdDigitBits, Swift.max(4, Int.bitWidth - count.leadingZeroBitCount - 2))
    let digitBits = varyingWidth <= 2 * sizeDigitBits ? (varyingWidth + 1) / 2 : sizeDigitBits
    let digitCount = 1 << digitBits
    let low = varyingWidth <= 2 * sizeDigitBits ? lowestVarying : high + 1 - 2 * digitBits
    let mask = UInt64(digitCount - 1)
    table.initialize(repeating: 0, count: 2 * digitCount)
    for i in 0..<count {
        let k = key(words[i]) &>> UInt64(low)
        table[Int(truncatingIfNeeded: k & mask)] &+= 1
        table[digitCount + Int(truncatingIfNeeded: (k &>> UInt64(digitBits)) & mask)] &+= 1
    }
    var source = words, target = spare
    for d in 0..<2 {
        let shift = low + d * digitBits
        guard shift <= high, (varying &>> UInt64(shift)) & mask != 0 else { continue }
        let offsets = table + d * digitCount
        var start = 0
        for digit in 0..<digitCount {
            let c = offsets[digit]
            offsets[digit] = start
            start &+= c
        }
        for i in 0..<count {
            let word = source[i]
            let digit = Int(truncatingIfNeeded: (key(word) &>> UInt64(shift)) & mask)
            let p = offsets[digit]
            target[p] = word
            offsets[digit] = p &+ 1
        }
        swap(&source, &target)
    }
    if source != words { words.update(from: source, count: count) }
    guard low > 0 && varying & ((1 &<< UInt64(low)) &- 1) != 0 else { return }
    // Fix-up: runs of words equal on [low, high] differ only below `low`.
    var runStart = 0
    while runStart < count - 1 {
        let blockEnd = Swift.min(count - 1, runStart + 64)
        if neighboursDiffer(words, runStart..<blockEnd, above: low, key: key) {
            runStart = blockEnd
            continue
        }
        while runStart < blockEnd {
            let head = key(words[runStart]) &>> UInt64(low)
            var runEnd = runStart + 1
            while runEnd < count && key(words[runEnd]) &>> UInt64(low) == head { runEnd += 1 }
            if runEnd - runStart > 1 {
                sortHighKeyed(words + runStart, spare: spare + runStart, count: runEnd - runStart,
                              tables: tables, depth: depth + 1)
            }
            runStart = runEnd
        }
    }
}
