// The gathering and sorting of `SortedSamples` (ThresholdSweep.swift) on a team of two
// threads: the ROC curve's and the partial AUC's sort, built as the exact AUROC's
// (ExactAUROC.swift, "Method") is.
//
// Phases (each chunk of the input on its worker, `synchronize()` between phases):
//  1. per chunk: the AND and OR of the keys of the samples of positive weight (which bits
//     vary), the class sizes, the weight sums and maxima, the sign of the chunk's first
//     and last zero score;
//  2. per chunk: the histogram of the buckets, the top `bucketBits` varying bits of the
//     keys;
//  3. per chunk: each sample of positive weight is written (its key, and its class or its
//     signed weight) at its bucket's next place, buckets in increasing order and, within
//     a bucket, chunk 0's samples before chunk 1's, each chunk's in index order;
//  4. the buckets are split into two runs of about equal work, and each worker sorts its
//     run's buckets one by one in cache (`sortWords`, stable); with a visitor
//     (`SortedBucketVisitor`: the partial AUC's and the ROC curve's sweeps, unweighted),
//     each bucket is handed to the run's visitor right after its sort, from the highest
//     down, and then (synchronized) the visitors may ask for a second walk over the sorted
//     buckets (the ROC curve when it only counted in the first).
// Buckets hold disjoint, increasing key ranges, so the result is the stable sort of the
// samples of positive weight in index order: the same sequence, bit for bit, as one
// stable sort of the gathered samples, whatever the number of chunks and of threads (one
// thread owning both chunks runs the same code in the same order).
//
// The chunk count depends on n only (`parallelSampleThreshold`); if the second thread
// cannot be started the calling thread runs both chunks. Memory: the sorted words and
// classes (or values), `n` of each, plus each run's largest bucket as scratch and the
// tables (about 700 KiB per chunk).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Inputs from this many samples are gathered and sorted by two chunks (threads).
let parallelSampleThreshold = 1 << 16

/// The number of chunks of n samples (`forced` in tests: 1 or 2 whatever n).
func sampleChunkCount(_ n: Int, forced: Int? = nil) -> Int {
    forced ?? (n >= parallelSampleThreshold ? 2 : 1)
}

/// Largest number of bucket bits of phase 2 (2048 buckets).
private let largestBucketBits = 11

/// Phase 4's fixed cost of one non-empty bucket, in samples' worth (as the exact AUROC's).
private let bucketCost = 64

/// What one chunk reports after phase 1.
struct SampleChunkTally {
    var andKeys: UInt64 = .max
    var orKeys: UInt64 = 0
    var positives = 0
    var negatives = 0
    /// The chunk's weights of each class, summed in index order (unweighted: unused).
    var positiveWeight = 0.0
    var negativeWeight = 0.0
    /// The chunk's largest weight of each class (for the scaling).
    var positiveMax = 0.0
    var negativeMax = 0.0
    /// The sign of the chunk's first and last included zero score: -1 none, 0 +0.0, 1 -0.0.
    var firstZero: Int8 = -1
    var lastZero: Int8 = -1
    /// With `checksInputs`: 1 if some score of the chunk is not finite or some label is
    /// neither 0 nor 1.
    var invalid = 0
}

/// What the team hands back (written by the leader, and by each worker for its chunk).
struct SampleSortOutcome {
    var count = 0
    var totals = ClassTotals()
    var zeroThresholdIsNegative = false
    /// Phase 4 scratch, allocated by the leader; freed by `gatherAndSort`.
    var spareWords: UnsafeMutableRawPointer? = nil
    var spareValues: UnsafeMutableRawPointer? = nil
    var spareAllocationFailed = false
    /// Where chunk 1's run of buckets starts in the sorted sequence (= count with one chunk).
    var splitIndex = 0
    /// With `checksInputs`: phase 1 found an invalid sample, and nothing else was done.
    var inputsInvalid = false
}

/// What phase 4 does with each sorted bucket of unweighted samples, besides sorting it
/// (`SampleSortTeam`): each worker has its own visitor, which sees its run's buckets from
/// the highest down, each right after it is sorted (so while it is in cache), with the
/// counts of the samples in all higher buckets. A bucket the visitor does not want is
/// neither sorted nor visited.
///
/// Visited buckets hold words in the exact AUROC's layout, not keys: the key shifted left
/// past its bits that are the same in every key and its bucket bits, with the class in the
/// lowest bit (1 positive); the words of a bucket ascend by key, and equal keys are equal
/// words but for bit 0 (their classes in any order).
protocol SortedBucketVisitor: BitwiseCopyable {
    associatedtype Word: FixedWidthInteger & UnsignedInteger
    associatedtype Configuration
    /// False: phase 4 only sorts (and the sorted samples are whole).
    static var visits: Bool { get }
    init(_ configuration: Configuration, positives: Int, negatives: Int)
    /// Whether the bucket of `positives` and `negatives` below `positivesAbove` and
    /// `negativesAbove` (the samples of the higher buckets) is to be sorted and visited.
    func wants(positivesAbove: Int, negativesAbove: Int, positives: Int, negatives: Int) -> Bool
    /// Called once per chunk before its visits (by the leader, after `init`): the chunk,
    /// how to turn the bucket's words back into keys, and the sign of the zero threshold
    /// (`SortedSamples.zeroThresholdIsNegative`).
    mutating func prepare(chunk: Int, chunkCount: Int, layout: BucketWordLayout<Word>,
                          zeroThresholdIsNegative: Bool)
    /// One sorted bucket of `count` words (see above), `positives` of them positive; the key
    /// of word w is `layout.key(w, base: keyBase)`.
    mutating func visit(_ words: UnsafeMutablePointer<Word>, count: Int, positives: Int,
                        positivesAbove: Int, negativesAbove: Int, keyBase: Word)
    /// After every chunk's visits (the workers synchronized), by the worker of `chunk`:
    /// whether every chunk's buckets are to be visited a second time (without sorting,
    /// they are sorted already; the answer is the same for every chunk). It may change
    /// `visitors[chunk]` only in what no other chunk's call reads.
    static func afterVisits(_ visitors: UnsafeMutablePointer<Self>, chunk: Int, chunkCount: Int) -> Bool
    /// After `chunk`'s second walk, by its worker.
    mutating func afterSecondWalk()
}

extension SortedBucketVisitor {
    mutating func prepare(chunk: Int, chunkCount: Int, layout: BucketWordLayout<Word>,
                          zeroThresholdIsNegative: Bool) {}
    static func afterVisits(_ visitors: UnsafeMutablePointer<Self>, chunk: Int, chunkCount: Int) -> Bool { false }
    mutating func afterSecondWalk() {}
}

/// How a visited bucket's words hold their keys: the key of word w in a bucket whose
/// shared and bucket bits are `base` is base | (w >> shift) (only `base` when the words
/// keep no key bits: every key of the bucket is equal).
struct BucketWordLayout<Word: FixedWidthInteger & UnsignedInteger> {
    let shift: Int
    let keepsKey: Bool

    @inline(__always) func key(_ word: Word, base: Word) -> Word {
        base | (keepsKey ? word &>> shift : 0)
    }
}

/// Phase 4 sorts every bucket and visits none.
struct SortOnly<Word: FixedWidthInteger & UnsignedInteger>: SortedBucketVisitor {
    static var visits: Bool { false }
    init(_ configuration: Void, positives: Int, negatives: Int) {}
    func wants(positivesAbove: Int, negativesAbove: Int, positives: Int, negatives: Int) -> Bool { true }
    func visit(_ words: UnsafeMutablePointer<Word>, count: Int, positives: Int,
               positivesAbove: Int, negativesAbove: Int, keyBase: Word) {}
}

/// The phases above on one worker (`run`), with everything the workers share.
struct SampleSortTeam<Score: ThresholdScore, Visitor: SortedBucketVisitor> where Visitor.Word == Score.OrderKey {
    typealias Word = Score.OrderKey
    let scores: UnsafeBufferPointer<Score>
    let labels: UnsafeBufferPointer<Score>
    let weights: UnsafeBufferPointer<Score>?
    let scaled: Bool
    let tieOrder: TieOrder
    let chunkCount: Int
    let tallies: UnsafeMutablePointer<SampleChunkTally>
    let tableBase: UnsafeMutablePointer<Int>
    let words: UnsafeMutablePointer<Word>
    /// With weights: the signed (maybe scaled) weights; else nil.
    let values: UnsafeMutablePointer<Double>?
    /// Without weights: the classes (1 positive); else nil.
    let classes: UnsafeMutablePointer<UInt8>?
    let outcome: UnsafeMutablePointer<SampleSortOutcome>
    /// One visitor per chunk (with `Visitor.visits` and no weights), initialized by the
    /// leader after phase 1.
    let visitors: UnsafeMutablePointer<Visitor>?
    let configuration: Visitor.Configuration
    /// Unweighted inputs not validated before: phase 1 checks every score (finite) and
    /// label (exactly 0 or 1), in blocks it then tallies while they are in cache, and the
    /// team stops after it if any is bad (the ABI layer then finds the first).
    let checksInputs: Bool

    /// Per chunk: the bucket histogram, the scatter's offsets, the positives per bucket
    /// (phase 2, when visiting), the in-cache sort's tables.
    static var tablesPerChunk: Int { 3 * (1 << largestBucketBits) + RadixSortTuning.tableCount }

    /// Whether phase 4 visits the buckets (then phase 2 also counts each bucket's
    /// positives, phase 3 writes the visitors' words, see `SortedBucketVisitor`, and
    /// `classes` is unused).
    var visiting: Bool { Visitor.visits && weights == nil && visitors != nil }

    @inline(__always) func bucketPositives(_ chunk: Int) -> UnsafeMutablePointer<Int> {
        tableBase + chunk * Self.tablesPerChunk + 2 * (1 << largestBucketBits)
    }

    @inline(__always) func histogram(_ chunk: Int) -> UnsafeMutablePointer<Int> {
        tableBase + chunk * Self.tablesPerChunk
    }

    func run(_ worker: TeamWorker) {
        let n = scores.count
        // Phase 1.
        for chunk in worker.chunks {
            var t = SampleChunkTally()
            var andKeys = Word.max, orKeys = Word.zero
            let range = chunkRange(chunk, of: chunkCount, count: n)
            if let weights {
                // Without branches on the class (random for random data): y = 1 or 0
                // (labels are exactly 1 or 0), w * y is w or +0.0, and adding +0.0 to a sum
                // of non-negative weights leaves it unchanged, so each class's sum is the
                // same double as the sum of its own weights in index order.
                var positives = 0, included = 0
                var positiveWeight = 0.0, negativeWeight = 0.0
                var positiveMax = 0.0, negativeMax = 0.0
                for i in range {
                    let w = weights[i].doubleValue
                    let c = labels[i].classBit
                    let y = Double(c)
                    let wp = w * y, wn = w * (1 - y)
                    positiveMax = Swift.max(positiveMax, wp)
                    negativeMax = Swift.max(negativeMax, wn)
                    positiveWeight += wp
                    negativeWeight += wn
                    let s = scores[i]
                    let key = s.orderKey
                    let isIncluded = w > 0
                    andKeys &= isIncluded ? key : Word.max
                    orKeys |= isIncluded ? key : 0
                    positives &+= isIncluded ? c : 0
                    included &+= isIncluded ? 1 : 0
                    if s == 0 && isIncluded { noteZero(&t, s) }
                }
                t.positives = positives
                t.negatives = included &- positives
                t.positiveWeight = positiveWeight
                t.negativeWeight = negativeWeight
                t.positiveMax = positiveMax
                t.negativeMax = negativeMax
            } else {
                var positives = 0
                var invalid = false
                var blockStart = range.lowerBound
                while blockStart < range.upperBound {
                    let block = blockStart..<Swift.min(blockStart &+ 1024, range.upperBound)
                    // (In SIMD lanes, checking each score (finite) and label (0 or 1) with
                    // `checksInputs`: a zero score, rare, only marks the block, whose zeros
                    // are then noted in order.)
                    let b = Score.tallyKeys(scores.baseAddress!, labels.baseAddress!, block,
                                            checking: checksInputs)
                    invalid = invalid || b.invalid
                    andKeys &= b.andKeys
                    orKeys |= b.orKeys
                    positives &+= b.positives
                    if b.hasZero {
                        for i in block where scores[i] == 0 { noteZero(&t, scores[i]) }
                    }
                    blockStart = block.upperBound
                }
                t.positives = positives
                t.negatives = range.count - positives
                t.invalid = invalid ? 1 : 0
            }
            t.andKeys = UInt64(andKeys)
            t.orKeys = UInt64(orKeys)
            tallies[chunk] = t
        }
        worker.synchronize()
        if checksInputs {
            var invalid = 0
            for chunk in 0..<chunkCount { invalid |= tallies[chunk].invalid }
            if invalid != 0 {
                // Every worker stops here (none waits for another again).
                if worker.isLeader { outcome.pointee.inputsInvalid = true }
                return
            }
        }

        // Combined (the same on every worker).
        var andAll = UInt64.max, orAll: UInt64 = 0
        var positiveMax = 0.0, negativeMax = 0.0
        var count = 0
        for chunk in 0..<chunkCount {
            andAll &= tallies[chunk].andKeys
            orAll |= tallies[chunk].orKeys
            positiveMax = Swift.max(positiveMax, tallies[chunk].positiveMax)
            negativeMax = Swift.max(negativeMax, tallies[chunk].negativeMax)
            count += tallies[chunk].positives + tallies[chunk].negatives
        }
        let positiveScale = scaled ? powerOfTwoScale(positiveMax) : 1
        let negativeScale = scaled ? powerOfTwoScale(negativeMax) : 1
        let varying = count == 0 ? 0 : Word(truncatingIfNeeded: andAll ^ orAll)
        // Buckets: the top `bucketBits` varying bits; a few hundred samples or more per
        // bucket on average (fewer buckets for small inputs: their tables cost more than
        // the sort), one bucket when every key is equal.
        let drop = varying == 0 ? 0 : varying.leadingZeroBitCount
        let sizeBits = Swift.max(1, (Int.bitWidth - count.leadingZeroBitCount) - 8)
        let bucketBits = varying == 0 ? 0 : Swift.min(largestBucketBits, Word.bitWidth - drop, sizeBits)
        let bucketCount = 1 << bucketBits
        let bucketShift = Word.bitWidth - bucketBits  // == bitWidth (a shift by 0) with one bucket
        let bucketMask = bucketCount - 1
        @inline(__always) func bucket(_ key: Word) -> Int {
            Int(truncatingIfNeeded: (key &<< drop) &>> bucketShift) & bucketMask
        }

        let wordShift = drop &+ bucketBits
        let keepsKey = wordShift > 0 && wordShift < Word.bitWidth
        let lanes = BucketingLayout<Word>(
            drop: Word(truncatingIfNeeded: drop), bucketShift: Word(truncatingIfNeeded: bucketShift),
            bucketMask: Word(truncatingIfNeeded: bucketMask), wordShift: Word(truncatingIfNeeded: wordShift),
            keepsKey: keepsKey)

        // Phase 2.
        for chunk in worker.chunks {
            let h = histogram(chunk)
            h.initialize(repeating: 0, count: bucketCount)
            let range = chunkRange(chunk, of: chunkCount, count: n)
            if let weights {
                for i in range where weights[i] > 0 { h[bucket(scores[i].orderKey)] &+= 1 }
            } else if visiting {
                // With each bucket's positives, counted in the same word (above bit 32; a
                // chunk holds fewer than 2^32 samples): one read-modify-write a sample.
                let positives = bucketPositives(chunk)
                let labels = self.labels, scores = self.scores
                if range.count < 1 << 32 {
                    forEachLaneBlock(range, lanes, words: false) { count, buckets, _ in
                        for k in 0..<count {
                            let x = Int(truncatingIfNeeded: buckets[k])
                            h[x &>> 1] &+= 1 &+ ((x & 1) &<< 32)
                        }
                    }
                    for b in 0..<bucketCount {
                        positives[b] = h[b] &>> 32
                        h[b] &= 0xFFFF_FFFF
                    }
                } else {
                    positives.initialize(repeating: 0, count: bucketCount)
                    for i in range {
                        let b = bucket(scores[i].orderKey)
                        h[b] &+= 1
                        positives[b] &+= labels[i].classBit
                    }
                }
            } else if bucketCount > 1 {
                for i in range { h[bucket(scores[i].orderKey)] &+= 1 }
            } else {
                h[0] = range.count
            }
        }
        worker.synchronize()

        // Phase 4's split (computed by every worker alike): chunk 1 starts at the first
        // bucket that starts at or after the middle of the work (a sample is one unit, a
        // non-empty bucket `bucketCost` more).
        var splitBucket = bucketCount, splitIndex = count
        var largest = (0, 0)
        do {
            @inline(__always) func size(_ b: Int) -> Int {
                var s = 0
                for chunk in 0..<chunkCount { s &+= histogram(chunk)[b] }
                return s
            }
            var totalWork = 0
            for b in 0..<bucketCount {
                let s = size(b)
                totalWork &+= s > 0 ? s &+ bucketCost : 0
            }
            var running = 0, work = 0
            for b in 0..<bucketCount {
                if chunkCount == 2 && splitBucket == bucketCount && work >= totalWork / 2 {
                    splitBucket = b
                    splitIndex = running
                }
                let s = size(b)
                work &+= s > 0 ? s &+ bucketCost : 0
                if b < splitBucket { largest.0 = Swift.max(largest.0, s) } else {
                    largest.1 = Swift.max(largest.1, s)
                }
                running &+= s
            }
        }
        if worker.isLeader {
            outcome.pointee.count = count
            outcome.pointee.splitIndex = splitIndex
            var totals = ClassTotals()
            var firstZero: Int8 = -1, lastZero: Int8 = -1
            for chunk in 0..<chunkCount {
                let t = tallies[chunk]
                totals.positives += t.positives
                totals.negatives += t.negatives
                if firstZero < 0 { firstZero = t.firstZero }
                if t.lastZero >= 0 { lastZero = t.lastZero }
            }
            if weights == nil {
                totals.positiveWeight = Double(totals.positives)
                totals.negativeWeight = Double(totals.negatives)
            } else {
                (totals.positiveWeight, totals.negativeWeight) = classWeightSums()
            }
            outcome.pointee.totals = totals
            // The tied zero scikit-learn reports: the group's last sample in its order.
            outcome.pointee.zeroThresholdIsNegative = (tieOrder == .increasingIndex ? lastZero : firstZero) == 1
            if visiting, let visitors {
                let shift = drop &+ bucketBits
                let layout = BucketWordLayout<Word>(shift: shift, keepsKey: shift > 0 && shift < Word.bitWidth)
                for chunk in 0..<chunkCount {
                    (visitors + chunk).initialize(to: Visitor(configuration, positives: totals.positives,
                                                              negatives: totals.negatives))
                    visitors[chunk].prepare(chunk: chunk, chunkCount: chunkCount, layout: layout,
                                            zeroThresholdIsNegative: outcome.pointee.zeroThresholdIsNegative)
                }
            }
            // Phase 4 scratch: each run's largest bucket (seen by the other worker after
            // phase 3's synchronize()).
            let spareCount = largest.0 + largest.1
            if spareCount > 0 && varying != 0 {
                let wordBytes = spareCount * MemoryLayout<Word>.stride
                let valueBytes = spareCount * (values == nil ? 1 : MemoryLayout<Double>.stride)
                outcome.pointee.spareWords = malloc(wordBytes)
                outcome.pointee.spareValues = malloc(valueBytes)
                outcome.pointee.spareAllocationFailed =
                    outcome.pointee.spareWords == nil || outcome.pointee.spareValues == nil
            }
        }

        // Packed words (visitors', and without weights during the sort): key << (drop +
        // bucketBits) | class; bit 0 is free (the shift is >= 1 when keys vary). A shift
        // of the whole width (the bucket is the key, or every key is equal) keeps only the
        // class.
        let packs = weights == nil && (visiting || classes != nil)

        // Phase 3: offsets (earlier buckets, then this bucket's samples of earlier chunks).
        for chunk in worker.chunks {
            let offsets = histogram(chunk) + (1 << largestBucketBits)
            var running = 0
            for b in 0..<bucketCount {
                for other in 0..<chunkCount {
                    if other == chunk { offsets[b] = running }
                    running &+= histogram(other)[b]
                }
            }
            let range = chunkRange(chunk, of: chunkCount, count: n)
            // (Locals, not fields: stores through `words` and `values` could alias the
            // team's fields as far as the compiler knows, which would reload them.)
            let scores = self.scores, labels = self.labels, words = self.words
            if let weights, let values {
                for i in range {
                    let w = weights[i].doubleValue
                    guard w > 0 else { continue }
                    let key = scores[i].orderKey
                    let b = bucket(key)
                    let p = offsets[b]
                    words[p] = key
                    values[p] = labels[i] == 1 ? w / positiveScale : -(w / negativeScale)
                    offsets[b] = p &+ 1
                }
            } else if packs {
                // One stream per bucket, not two: the classes are unpacked after each
                // bucket's sort, in cache (phase 4).
                forEachLaneBlock(range, lanes, words: true) { count, buckets, packed in
                    for k in 0..<count {
                        let b = Int(truncatingIfNeeded: buckets[k] &>> 1)
                        let p = offsets[b]
                        words[p] = packed[k]
                        offsets[b] = p &+ 1
                    }
                }
            }
        }
        worker.synchronize()

        // Phase 4: each run's buckets sorted in cache (and visited, from the highest down).
        guard !outcome.pointee.spareAllocationFailed else { return }
        let spareWords = outcome.pointee.spareWords?.assumingMemoryBound(to: Word.self)
        let spareValues = outcome.pointee.spareValues
        @inline(__always) func sortTables(_ chunk: Int) -> UnsafeMutablePointer<Int> {
            histogram(chunk) + 3 * (1 << largestBucketBits)
        }
        @inline(__always) func size(_ b: Int) -> Int {
            var s = 0
            for other in 0..<chunkCount { s &+= histogram(other)[b] }
            return s
        }
        @inline(__always) func sortBucket(_ chunk: Int, start: Int, size: Int) {
            guard size > 1, varying != 0, let spareWords, let spareValues else { return }
            let spareOffset = chunk == 0 ? 0 : largest.0
            if packs {
                // Packed words: ascending in word >> 1 (the classes of equal keys in any
                // order, which without weights changes no count), nothing carried.
                let none = spareValues.assumingMemoryBound(to: NoValue.self)
                sortWords(words + start, none, spareWords: spareWords + spareOffset,
                          spareValues: none, count: size, tables: sortTables(chunk),
                          ignoringLowestBit: true)
            } else if let values {
                sortWords(words + start, values + start, spareWords: spareWords + spareOffset,
                          spareValues: spareValues.assumingMemoryBound(to: Double.self) + spareOffset,
                          count: size, tables: sortTables(chunk))
            }
        }
        // The key of a packed word of bucket b: the bits every key shares, the bucket's,
        // and the word's above its shift.
        let shared = Word(truncatingIfNeeded: andAll) & (drop == 0 ? 0 : ~(Word.max &>> drop))
        let bucketPosition = Word.bitWidth &- drop &- bucketBits
        @inline(__always) func keyBase(_ b: Int) -> Word {
            varying == 0 ? Word(truncatingIfNeeded: andAll)
                : shared | (bucketPosition >= Word.bitWidth ? 0 : Word(truncatingIfNeeded: b) &<< bucketPosition)
        }
        if visiting, let visitors {
            // Each run's buckets from the highest down. The samples above each run: none
            // above chunk 1's; chunk 1's above chunk 0's. The second walk (if the visitors
            // ask for it) sees every bucket again, sorted already.
            // (A loop, not a local function: captured variables could be boxed on the
            // heap, and a Swift allocation that fails aborts.)
            var second = false
            while true {
                for chunk in worker.chunks {
                    let buckets = chunk == 0 ? 0..<splitBucket : splitBucket..<bucketCount
                    var positivesAbove = 0, negativesAbove = 0
                    if chunk == 0 {
                        for b in splitBucket..<bucketCount {
                            var p = 0
                            for other in 0..<chunkCount { p &+= bucketPositives(other)[b] }
                            positivesAbove &+= p
                            negativesAbove &+= size(b) &- p
                        }
                    }
                    var end = chunk == 0 ? splitIndex : count
                    var visitor = visitors[chunk]
                    for b in buckets.reversed() {
                        let s = size(b)
                        var p = 0
                        for other in 0..<chunkCount { p &+= bucketPositives(other)[b] }
                        let start = end &- s
                        if s > 0 && (second || visitor.wants(positivesAbove: positivesAbove,
                                                             negativesAbove: negativesAbove,
                                                             positives: p, negatives: s &- p)) {
                            if !second { sortBucket(chunk, start: start, size: s) }
                            visitor.visit(words + start, count: s, positives: p,
                                          positivesAbove: positivesAbove, negativesAbove: negativesAbove,
                                          keyBase: keyBase(b))
                        }
                        positivesAbove &+= p
                        negativesAbove &+= s &- p
                        end = start
                    }
                    if second { visitor.afterSecondWalk() }
                    visitors[chunk] = visitor
                }
                if second { return }
                worker.synchronize()
                var again = false
                for chunk in worker.chunks {
                    again = Visitor.afterVisits(visitors, chunk: chunk, chunkCount: chunkCount)
                }
                if !again { return }
                second = true
            }
        }
        for chunk in worker.chunks {
            let buckets = chunk == 0 ? 0..<splitBucket : splitBucket..<bucketCount
            var start = chunk == 0 ? 0 : splitIndex
            for b in buckets {
                let s = size(b)
                sortBucket(chunk, start: start, size: s)
                if packs, let classes {
                    let base = keyBase(b)
                    for k in start..<(start &+ s) {
                        let word = words[k]
                        classes[k] = UInt8(truncatingIfNeeded: word & 1)
                        words[k] = base | (keepsKey ? word &>> wordShift : 0)
                    }
                }
                start &+= s
            }
        }
    }

    /// `body(count, buckets, words)` on the blocks of `range` in order (unweighted), each
    /// block's buckets (and words, if asked) first computed in SIMD lanes into buffers on
    /// the stack (`OrderKeyed.bucketKeys`, `keyLaneBlock` samples at a time), so that the
    /// histogram's and the scatter's loops only load them. Each buffer is at most 1 KiB,
    /// the size `withUnsafeTemporaryAllocation` always takes from the stack: a larger one
    /// may come from the heap, where a failed allocation aborts the process (and buffers
    /// in the team's tables instead made float64 at 10^6 4% slower: the compiler must then
    /// assume the tables' stores reach them).
    @inline(__always)
    private func forEachLaneBlock(
        _ range: Range<Int>, _ layout: BucketingLayout<Word>, words wanted: Bool,
        _ body: (Int, UnsafeMutablePointer<Word>, UnsafeMutablePointer<Word>) -> Void
    ) {
        withUnsafeTemporaryAllocation(of: Word.self, capacity: keyLaneBlock) { bucketBuffer in
            withUnsafeTemporaryAllocation(of: Word.self, capacity: keyLaneBlock) { wordBuffer in
                let buckets = bucketBuffer.baseAddress!, packed = wordBuffer.baseAddress!
                var blockStart = range.lowerBound
                while blockStart < range.upperBound {
                    let block = blockStart..<Swift.min(blockStart &+ keyLaneBlock, range.upperBound)
                    Score.bucketKeys(scores.baseAddress!, labels.baseAddress!, block, layout,
                                     buckets: buckets, words: wanted ? packed : nil)
                    body(block.count, buckets, packed)
                    blockStart = block.upperBound
                }
            }
        }
    }

    /// Records the sign of a zero score in the chunk's tally.
    @inline(__always)
    private func noteZero(_ t: inout SampleChunkTally, _ s: Score) {
        let sign: Int8 = s.sign == .minus ? 1 : 0
        if t.firstZero < 0 { t.firstZero = sign }
        t.lastZero = sign
    }

    /// The class weight sums `ClassTotals` reports, which decide only whether a sum could
    /// overflow (`<= 2^1022`): the chunks' sums added when that sum is far below the
    /// bound (then so is the sum in index order: both are within a factor 1 +- n eps of
    /// the exact sum), else the sums in index order, computed again.
    private func classWeightSums() -> (Double, Double) {
        var positive = 0.0, negative = 0.0
        for chunk in 0..<chunkCount {
            positive += tallies[chunk].positiveWeight
            negative += tallies[chunk].negativeWeight
        }
        if chunkCount == 1 || (positive <= 0x1p1020 && negative <= 0x1p1020) {
            return (positive, negative)
        }
        positive = 0
        negative = 0
        if let weights {
            for i in 0..<scores.count {
                let w = weights[i].doubleValue
                guard w > 0 else { continue }
                if labels[i] == 1 { positive += w } else { negative += w }
            }
        }
        return (positive, negative)
    }
}
