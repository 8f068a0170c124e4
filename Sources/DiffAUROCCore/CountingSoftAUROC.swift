#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The counting path of the fast soft AUROC: unweighted samples at temperatures so small
/// that nearly every pair lies more than G = `FastSoftParameters.countingDistance` = 40
/// temperature widths apart. Such a pair's sigmoid is 1 or 0 to within e^-G and its slope
/// below e^-G (the window path counts it the same way: WindowSoftAUROC.swift, "Counting"),
/// so the value is the exact AUROC up to the few close pairs, and the gradient is zero
/// except at their points.
///
/// Method. The exact AUROC (ExactAUROC.swift) sorts the samples, without their indices,
/// and counts 2U; then, before its words are freed, one pass over them in score order
/// (`exactAUROC(scores:labels:afterSort:)`) cuts the sorted scores into runs at every gap of
/// at least G (scaled, `CountingBounds.atLeastG`, the window path's test). Pairs in
/// different runs are at least G apart (the scaled difference is monotone in each score).
/// A run holding both classes is a cluster: each of its (positive, negative) pairs with
/// -G < x < G is summed directly (`PairKernels`' formulas), giving
///
///     value  = exact AUROC + p q sum (sigmoid(x) - step)      step: 1, 1/2, 0 as a >, =, < b
///     dT     = -p q sum x sigmoid'(x) / T
///     potential of a positive = sum q sigmoid'(x), of a negative = sum p sigmoid'(x)
///
/// with p = 1 / P, q = 1 / N (the window path's masses); the correction sigmoid(x) -
/// step is -sigmoid(-|x|) where a > b, sigmoid(-|x|) where a < b and 0 for a tie (the
/// exact AUROC counts a tie 1/2, which is sigmoid(0)), so no cancellation. The step is
/// the exact AUROC's, by the scores: x itself may round to 0 when a - b is subnormal and
/// T > 1 (a fuzzed input: 5e-324 against 0 at T = 10 counts 1 there and sigmoid(0) = 1/2
/// here). Each distinct score and
/// class of a cluster keeps its potential in a table sorted by order key. Then the
/// gradient: every sample's entry is p 0 / T = +0 (positive) or -q 0 / T = -0
/// (negative), as the window path writes it, except where the sample's score and class
/// are in the table, where it is p potential / T (or -q potential / T). Whether a score
/// may be in the table is read from a bitmap of levels over the scores' range (about
/// one bit a sample, as `ValueBuckets` quantizes scores); only marked levels search the
/// table.
///
/// Accuracy. The exact AUROC is the correctly rounded 2U / (2 P N); the correction and
/// moment sums are compensated, each kernel within a few ulps; pairs at G or more
/// contribute e^-G = 4.2e-18 at most to the value (relative to the pair mass, which
/// sums to 1) and G e^-G = 1.7e-16 to a potential or the moment: the window path's bounds.
/// Every result is within 1e-15 of the float64 pair sum, far inside the 1e-12 bar.
///
/// When it gives up. The path is tried when the scores, spread evenly over their range,
/// would leave about `densityLimit` neighbours within G a point; it gives up (nil, the
/// gradient untouched) when a half of the scan (below) keeps more than n / 64 + 64
/// (`memberShare`) members in a run or entries in its table, or examines more than
/// 8 n + 4,096 pairs (`pairsPerPoint`): clustered or tied scores.
/// The caller then takes the sorting route; the exact AUROC's sort was wasted (about
/// one sort of the scores). Same bits on any number of threads: the exact AUROC's are;
/// the pass over the words is always cut in the same two halves (at the first gap of at
/// least G from the middle on, so no run crosses the cut), each on a thread of its own or
/// both on one, their sums added in that order and the second's table entries after the
/// first's; and the gradient's entries each depend on their own sample alone.
enum CountingSoftAUROC {
    /// Tried when 2 G n / span (span: the scores' range in temperature widths) is at most
    /// this: the mean count of neighbours within G a point if the scores were spread evenly.
    static let densityLimit = 0.02
    /// Run members, and table entries, a half of the scan keeps at most: n / memberShare + 64.
    static let memberShare = 64
    /// Pairs within runs a half of the scan examines at most: pairsPerPoint n + 4,096.
    static let pairsPerPoint = 8

    /// Whether the path is tried for `count` samples spanning `span` temperature widths.
    static func takes(count: Int, span: Double) -> Bool {
        2 * FastSoftParameters.countingDistance * Double(count) <= densityLimit * span
    }
}

/// The soft AUROC of validated, unweighted `samples` by the counting path (see above), or
/// nil when it gives up (nothing written). `positives`/`negatives`: the class counts (both
/// > 0); `minScore`/`maxScore`: the scores' range; `parallel`: the gradient on two threads
/// (the same bits either way).
func countingSoftAUROC(
    _ samples: LabeledSamples, temperature t: Double, gradient: UnsafeMutableBufferPointer<Double>?,
    positives: Int, negatives: Int, minScore: Double, maxScore: Double, parallel: Bool
) throws(CoreError) -> SoftAUROCResult? {
    precondition(samples.weights == nil && positives > 0 && negatives > 0)
    let n = samples.count
    let capacity = n / CountingSoftAUROC.memberShare + 64
    // (Table positions are UInt32; beyond, n >= 2^38, the sorting route.)
    guard capacity < 1 << 32 else { return nil }
    // The bitmap's levels: a power of two at or above n, equal widths of the range.
    guard let levels = ValueBuckets(lowest: minScore.orderKey, highest: maxScore.orderKey,
                                    bucketCount: Swift.min(1 << 30, Swift.max(1024, 1 << (Int.bitWidth - (n - 1).leadingZeroBitCount))))
    else { return nil }
    // Scratch, for each of the scan's two halves: the current run's scores, classes and
    // potentials, and its part of the table (keys, classes, potentials); then the bitmap
    // and its index, and the buckets' starts.
    let runScores = try ScratchBuffer<Double>(count: 2 * capacity)
    defer { runScores.free() }
    let runClasses = try ScratchBuffer<Int>(count: 2 * capacity)
    defer { runClasses.free() }
    let runPotentials = try ScratchBuffer<Double>(count: 2 * capacity)
    defer { runPotentials.free() }
    let tableKeys = try ScratchBuffer<UInt64>(count: 2 * capacity)
    defer { tableKeys.free() }
    let tableClasses = try ScratchBuffer<Int>(count: 2 * capacity)
    defer { tableClasses.free() }
    let tablePotentials = try ScratchBuffer<Double>(count: 2 * capacity)
    defer { tablePotentials.free() }
    let bitmap = try ScratchBuffer<UInt64>(count: levels.count / 64)
    defer { bitmap.free() }
    // The table's first entry of each word of the bitmap (64 levels), and one past the last.
    let firstEntries = try ScratchBuffer<UInt32>(count: levels.count / 64 + 1)
    defer { firstEntries.free() }
    let bucketStarts = try ScratchBuffer<Int>(count: SortedWordLayout.maximumBucketCount + 1)
    defer { bucketStarts.free() }

    func finder(_ half: Int) -> CloseRuns {
        let o = half * capacity
        return CloseRuns(
            temperature: t, bounds: CountingBounds(temperature: t),
            p: 1.0 / Double(positives), q: 1.0 / Double(negatives), capacity: capacity,
            pairLimit: CountingSoftAUROC.pairsPerPoint * n + 4096,
            runScores: runScores.base! + o, runClasses: runClasses.base! + o, runPotentials: runPotentials.base! + o,
            tableKeys: tableKeys.base! + o, tableClasses: tableClasses.base! + o,
            tablePotentials: tablePotentials.base! + o)
    }
    // The two halves of the scan, cut at a gap of at least G from the middle on (`cut`),
    // each on its own thread when `parallel`: the same runs, sums and table either way.
    var halves = (finder(0), finder(1))
    var scanned = false
    let exact = try exactAUROC(scores: samples.scores, labels: samples.labels) { sorted in
        let starts = bucketStarts.base!
        var start = 0
        for b in 0..<sorted.layout.bucketCount {
            starts[b] = start
            start += sorted.bucketSize(b)
        }
        starts[sorted.layout.bucketCount] = start
        let middle = halves.0.cut(sorted, starts: starts, count: start)
        withUnsafeMutablePointer(to: &halves) { h in
            runConcurrently(inParallel: parallel, with: (h, sorted, UnsafePointer(starts), middle, start), { c in
                c.0.pointee.0.scan(c.1, starts: c.2, range: 0..<c.3)
            }, { c in
                c.0.pointee.1.scan(c.1, starts: c.2, range: c.3..<c.4)
            })
        }
        scanned = true
    }
    guard let exact, scanned, !halves.0.failed, !halves.1.failed else { return nil }
    // The second half's entries after the first's (their keys are higher).
    let firstCount = halves.0.tableCount, secondCount = halves.1.tableCount
    // (Forward, one entry at a time: the target is never above the source.)
    for e in 0..<secondCount {
        tableKeys.base![firstCount + e] = tableKeys.base![capacity + e]
        tableClasses.base![firstCount + e] = tableClasses.base![capacity + e]
        tablePotentials.base![firstCount + e] = tablePotentials.base![capacity + e]
    }
    var correction = CompensatedSum(), moment = CompensatedSum()
    correction.add(halves.0.correction.total); correction.add(halves.1.correction.total)
    moment.add(halves.0.moment.total); moment.add(halves.1.moment.total)
    let finder = (p: halves.0.p, q: halves.0.q, correction: correction, moment: moment,
                  tableCount: firstCount + secondCount)

    let p = finder.p, q = finder.q
    let value = Swift.min(Swift.max(exact + (finder.correction.total * p) * q, 0), 1)
    let result = SoftAUROCResult(value: value, dTemperature: -((finder.moment.total * p) * q) / t, hasPairs: true)
    guard let g = gradient?.baseAddress else { return result }

    // The bitmap of levels holding a table score, then every sample's entry.
    // (The table's keys ascend, so do their levels: each bitmap word's entries are a run.)
    let marks = bitmap.base!, first = firstEntries.base!
    marks.initialize(repeating: 0, count: levels.count / 64)
    let entries = finder.tableCount
    var word = 0
    for e in 0..<entries {
        let level = levels(tableKeys.base![e])
        marks[level >> 6] |= 1 << UInt64(level & 63)
        while word <= level >> 6 { first[word] = UInt32(truncatingIfNeeded: e); word += 1 }
    }
    while word <= levels.count / 64 { first[word] = UInt32(truncatingIfNeeded: entries); word += 1 }
    let fill = GradientFill(scores: samples.scores.baseAddress!, labels: samples.labels.baseAddress!, g: g,
                            levels: levels, marks: marks, first: first, keys: tableKeys.base!, classes: tableClasses.base!,
                            potentials: tablePotentials.base!, entries: entries, p: p, q: q, temperature: t)
    runConcurrently(inParallel: parallel, with: (fill, n), { c in
        c.0.run(0..<(c.1 / 2))
    }, { c in
        c.0.run((c.1 / 2)..<c.1)
    })
    return result
}

/// The pass over the sorted words (see `CountingSoftAUROC`): runs cut at gaps of at least
/// G, each run with both classes summed directly, and the table of potentials.
private struct CloseRuns {
    let temperature: Double
    let bounds: CountingBounds
    let p: Double, q: Double
    let capacity: Int
    let pairLimit: Int
    let runScores: UnsafeMutablePointer<Double>
    let runClasses: UnsafeMutablePointer<Int>
    let runPotentials: UnsafeMutablePointer<Double>
    let tableKeys: UnsafeMutablePointer<UInt64>
    let tableClasses: UnsafeMutablePointer<Int>
    let tablePotentials: UnsafeMutablePointer<Double>
    var tableCount = 0
    var pairs = 0
    var correction = CompensatedSum()
    var moment = CompensatedSum()
    var failed = false

    /// The sorted words `range` in order (`starts`: each bucket's first word, and the count
    /// after the last); the range's first word is the sequence's first or at least G above
    /// the word before it, and so is the word after its end, so no run crosses its ends
    /// (`cut`). Stops (`failed`) when a run or the table outgrows the capacity, or the
    /// pairs their limit. A run is recorded only from its second member on (most runs are
    /// single words); eight words at a time whose gaps (to the word before each) are all
    /// finite and at least the counting threshold are passed over in vector lanes
    /// (`farBlock`), the same decisions as `CountingBounds.atLeastG` makes.
    mutating func scan(_ sorted: SortedExactWords, starts: UnsafePointer<Int>, range: Range<Int>) {
        var runCount = 0          // recorded members of the current run (0: none yet)
        var classesSeen = 0       // of the recorded members: bit 0 a negative, bit 1 a positive
        var hasPrevious = false
        var previous = 0.0, previousClass = 0
        let words = sorted.words
        for b in bucket(containing: range.lowerBound, starts: starts, count: sorted.layout.bucketCount)..<sorted.layout.bucketCount {
            let start = starts[b]
            guard start < range.upperBound else { break }
            let end = Swift.min(starts[b + 1], range.upperBound)
            var k = Swift.max(start, range.lowerBound)
            while k < end {
                // Outside a run, from the bucket's second word: eight far gaps at once.
                if runCount == 0 && k > start && k + 8 <= end {
                    if farBlock(sorted, bucket: b, at: k) {
                        k += 8
                        hasPrevious = false  // (word k - 1, re-read below when needed)
                        continue
                    }
                }
                if !hasPrevious && k > start {
                    previous = scoreFromSortKey(sorted.key(words[k - 1], bucket: b))
                    previousClass = Int(truncatingIfNeeded: words[k - 1] & 1)
                    hasPrevious = true
                }
                let word = words[k]
                let score = scoreFromSortKey(sorted.key(word, bucket: b))
                let c = Int(truncatingIfNeeded: word & 1)
                if hasPrevious && !bounds.atLeastG(score, previous) {
                    if runCount == 0 {
                        runScores[0] = previous
                        runClasses[0] = previousClass
                        runCount = 1
                        classesSeen = 1 << previousClass
                    }
                    guard runCount < capacity else { failed = true; return }
                    runScores[runCount] = score
                    runClasses[runCount] = c
                    runCount += 1
                    classesSeen |= 1 << c
                } else if runCount > 0 {
                    if classesSeen == 3 { closeRun(count: runCount) }
                    if failed { return }
                    runCount = 0
                }
                previous = score
                previousClass = c
                hasPrevious = true
                k += 1
            }
            // The next bucket's first word compares with this bucket's last (`previous`,
            // set when the loop ended on a scalar step; re-read otherwise).
            if !hasPrevious && end > Swift.max(start, range.lowerBound) {
                previous = scoreFromSortKey(sorted.key(words[end - 1], bucket: b))
                previousClass = Int(truncatingIfNeeded: words[end - 1] & 1)
                hasPrevious = true
            }
        }
        if runCount > 0 && classesSeen == 3 { closeRun(count: runCount) }
    }

    /// The bucket holding word `k` (< the count): the last b with starts[b] <= k.
    func bucket(containing k: Int, starts: UnsafePointer<Int>, count: Int) -> Int {
        var lo = 0, hi = count  // starts[lo] <= k; the answer is below hi
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if starts[mid] <= k { lo = mid } else { hi = mid }
        }
        return lo
    }

    /// Where the scan is cut in two: the first word from the middle on that is at least G
    /// above the word before (`CountingBounds.atLeastG`), or the count.
    func cut(_ sorted: SortedExactWords, starts: UnsafePointer<Int>, count: Int) -> Int {
        var k = Swift.max(1, count / 2)
        while k < count {
            let b = bucket(containing: k, starts: starts, count: sorted.layout.bucketCount)
            let a = bucket(containing: k - 1, starts: starts, count: sorted.layout.bucketCount)
            if bounds.atLeastG(scoreFromSortKey(sorted.key(sorted.words[k], bucket: b)),
                               scoreFromSortKey(sorted.key(sorted.words[k - 1], bucket: a))) { return k }
            k += 1
        }
        return count
    }

    /// Whether words k ..< k + 8 of bucket b (k - 1 in the bucket too) are each at least
    /// G (scaled) above the word before: every difference finite and at least
    /// `bounds.threshold` (`CountingBounds.atLeastG`'s test for finite differences).
    @inline(__always)
    private func farBlock(_ sorted: SortedExactWords, bucket b: Int, at k: Int) -> Bool {
        let raw = UnsafeRawPointer(sorted.words)
        let upper = raw.loadUnaligned(fromByteOffset: 8 * k, as: SIMD8<UInt64>.self)
        let lower = raw.loadUnaligned(fromByteOffset: 8 * (k - 1), as: SIMD8<UInt64>.self)
        let d = scores8(sorted, upper, bucket: b) - scores8(sorted, lower, bucket: b)
        let threshold = SIMD8<Double>(repeating: bounds.threshold)
        let infinity = SIMD8<Double>(repeating: .infinity)
        return all((d .>= threshold) .& (d .< infinity))
    }

    /// The scores of eight words of bucket b (`SortedExactWords.key`, `scoreFromSortKey`).
    @inline(__always)
    private func scores8(_ sorted: SortedExactWords, _ words: SIMD8<UInt64>, bucket b: Int) -> SIMD8<Double> {
        let layout = sorted.layout
        let digit = UInt64(truncatingIfNeeded: b &>> layout.bucketDigitShift)
        let high = SIMD8<UInt64>(repeating: digit &<< UInt64(64 - layout.digitBits))
        let shifted = high | (words &>> UInt64(layout.digitBits))
        let key = (shifted &>> UInt64(layout.drop)) | SIMD8<UInt64>(repeating: layout.topBits)
        let mask = ((key &>> 63) &- 1) | SIMD8<UInt64>(repeating: 1 << 63)
        return unsafeBitCast(key ^ mask, to: SIMD8<Double>.self)
    }

    /// The pairs of a run of `count` members with both classes, and its members' entries.
    private mutating func closeRun(count: Int) {
        let t = temperature
        for k in 0..<count { runPotentials[k] = 0 }
        for i in 0..<count where runClasses[i] == 1 {
            let a = runScores[i]
            for j in 0..<count where runClasses[j] == 0 {
                pairs += 1
                if pairs > pairLimit { failed = true; return }
                let b = runScores[j]
                guard !bounds.atLeastG(a, b), bounds.aboveMinusG(a, b) else { continue }
                let x = scaledDifference(a, b, t)
                // PairKernels' formulas: e = e^-|x|, r = 1 / (1 + e); sigmoid(-|x|) = e r.
                let e = exp(-Swift.abs(x))
                let r = 1.0 / (1.0 + e)
                let slope = e * r * r
                let tail = e * r
                // The exact AUROC's step is by the scores (1 for a > b, 1/2 for a tie),
                // not by x, which may round to 0 when a - b is subnormal.
                correction.add(a > b ? -tail : (a < b ? tail : 0))
                moment.add(x * slope)
                runPotentials[i] += q * slope
                runPotentials[j] += p * slope
            }
        }
        // Entries: one per distinct key and class (equal keys are adjacent, at most one
        // entry of each class), those with a potential other than +0.
        for k in 0..<count where runPotentials[k].bitPattern != 0 {
            let key = runScores[k].orderKey
            var e = tableCount - 1, seen = false
            while e >= 0 && tableKeys[e] == key {
                if tableClasses[e] == runClasses[k] { seen = true }
                e -= 1
            }
            if seen { continue }
            guard tableCount < capacity else { failed = true; return }
            tableKeys[tableCount] = key
            tableClasses[tableCount] = runClasses[k]
            tablePotentials[tableCount] = runPotentials[k]
            tableCount += 1
        }
    }
}

/// The gradient of the counting path over samples `range` (see `CountingSoftAUROC`).
private struct GradientFill {
    let scores: UnsafePointer<Double>
    let labels: UnsafePointer<Double>
    let g: UnsafeMutablePointer<Double>
    let levels: ValueBuckets
    let marks: UnsafeMutablePointer<UInt64>
    let first: UnsafeMutablePointer<UInt32>
    let keys: UnsafeMutablePointer<UInt64>
    let classes: UnsafeMutablePointer<Int>
    let potentials: UnsafeMutablePointer<Double>
    let entries: Int
    let p: Double, q: Double
    let temperature: Double

    func run(_ range: Range<Int>) {
        var i = range.lowerBound
        if entries == 0 {
            // No close pair: every entry is the zero of its class.
            while i + 8 <= range.upperBound {
                store8(zeros8(i), g + i)
                i += 8
            }
        } else {
            // Eight samples: their zeros, then the few whose level is marked looked up.
            let low = SIMD8<Double>(repeating: levels.low), scale = SIMD8<Double>(repeating: levels.scale)
            let last = SIMD8<Double>(repeating: levels.last), shift = SIMD8<Double>(repeating: 0x1p52)
            while i + 8 <= range.upperBound {
                store8(zeros8(i), g + i)
                // ValueBuckets' level of each score (scoreFromSortKey of its order key is
                // the score + 0): the same integers as `levels(key)`.
                let s = load8(UnsafeMutablePointer(mutating: scores + i)) + SIMD8<Double>(repeating: 0)
                let v = ((s - low) * scale).replacing(with: last, where: (s - low) * scale .> last) + shift
                let level = unsafeBitCast(v, to: SIMD8<UInt64>.self) & SIMD8<UInt64>(repeating: 0xFFFF_FFFF)
                var hits = 0
                for l in 0..<8 {
                    let lv = Int(truncatingIfNeeded: level[l])
                    hits |= Int(truncatingIfNeeded: (marks[lv >> 6] &>> UInt64(lv & 63)) & 1) << l
                }
                while hits != 0 {
                    let l = hits.trailingZeroBitCount
                    hits &= hits - 1
                    one(i + l)
                }
                i += 8
            }
        }
        while i < range.upperBound {
            g[i] = zeroOfClass(labels[i])
            if entries > 0 { one(i) }
            i += 1
        }
    }

    /// p 0 / T = +0 for a positive, -q 0 / T = -0 for a negative, eight samples from i
    /// (`zeroOfClass` in lanes).
    @inline(__always)
    private func zeros8(_ i: Int) -> SIMD8<Double> {
        let y = UnsafeRawPointer(labels + i).loadUnaligned(as: SIMD8<UInt64>.self)
        let classBit = (y &>> UInt64(Double.labelBit)) & 1
        return unsafeBitCast((1 &- classBit) &<< 63, to: SIMD8<Double>.self)
    }

    /// Sample i's entry when its score and class are in the table (else left as written).
    @inline(__always)
    private func one(_ i: Int) {
        let key = scores[i].orderKey
        let c = labels[i].classBit
        let level = levels(key)
        guard marks[level >> 6] & (1 << UInt64(level & 63)) != 0,
              let potential = lookup(key, c, word: level >> 6) else { return }
        g[i] = c == 1 ? p * potential / temperature : -q * potential / temperature
    }

    /// The table's potential of `key` and class `c`, if there: among the entries of
    /// bitmap word `word` (a run of the table, `first`).
    @inline(__always)
    private func lookup(_ key: UInt64, _ c: Int, word: Int) -> Double? {
        for e in Int(first[word])..<Int(first[word + 1]) where keys[e] == key && classes[e] == c {
            return potentials[e]
        }
        return nil
    }
}
