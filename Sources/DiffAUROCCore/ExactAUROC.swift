/// The exact AUROC of `samples`, as scikit-learn's `roc_auc_score` defines it for binary
/// labels (the trapezoidal area over distinct thresholds), which equals
///
///     sum_{i pos} sum_{j neg} w_i w_j ([s_i > s_j] + [s_i == s_j] / 2) / (W_pos * W_neg).
///
/// Tied scores count 1/2 whatever their order or bit pattern (-0.0 ties +0.0). Without
/// weights the pair count 2U is an exact integer and the result is the correctly rounded
/// double of 2U / (2 P N) (see `correctlyRoundedRatio`). With weights it is within 1 ulp
/// of the exact weighted ratio, whatever the weights (their range included: see
/// "Underflow"), and its correctly rounded double unless that ratio lies within 2^-70
/// (relative) of a midpoint between two doubles (double-double sums and division; see
/// "The weighted sweep").
///
/// Returns nil when there is no positive or no negative sample of positive weight: AUROC
/// is undefined then. Throws `.allocationFailed` if scratch memory (one key per sample
/// plus one per sample of the largest buckets, at most two in all; weighted, a 16-byte
/// word per sample for float64, 8 bytes for float32; an array of 4 MiB or more takes up
/// to 4 MiB more, for whole 2 MiB-aligned huge pages: see `HugePageBuffer`) cannot be
/// had. Uses one extra thread for n >= 65536 (joined before it returns). Preconditions:
/// `samples` validated (see `LabeledSamples`).
///
///     exactAUROC(scores [0.1, 0.4, 0.35, 0.8], labels [0, 0, 1, 1]) == 0.75
public func exactAUROC(_ samples: LabeledSamples) throws(CoreError) -> Double? {
    try exactAUROC(scores: samples.scores, labels: samples.labels, weights: samples.weights)
}

/// `exactAUROC` for float32 scores, labels and weights: same preconditions, and the same
/// result, bit for bit, as on the values converted to Double (the conversion is exact and
/// keeps order; weighted, see "The weighted sweep" for why the bits agree).
///
///     exactAUROCFloat32(scores: s, labels: y, weights: nil)
public func exactAUROCFloat32(
    scores: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Float>,
    weights: UnsafeBufferPointer<Float>?
) throws(CoreError) -> Double? {
    try exactAUROC(scores: scores, labels: labels, weights: weights)
}

/// What `exactAUROCFloat32CheckingInputs` found.
public enum CheckedExactAUROC: Equatable {
    /// The exact AUROC (the inputs were valid).
    case value(Double)
    /// The inputs were valid, but AUROC is undefined (one class only, or n < 2).
    case undefined
    /// Some score is not finite, some label is neither 0 nor 1, or some weight is not
    /// finite and >= 0 (which and where is
    /// left to the ABI layer's validation, which reports the first one).
    case invalidInput
}

/// `exactAUROCFloat32` on inputs that have not been validated: the checks of the ABI
/// layer (every score finite, every label exactly 0 or 1, every weight finite and >= 0)
/// are made in the algorithm's first pass over the samples, on both threads, instead of
/// in a separate single-threaded pass before it. Same result on valid inputs (weighted:
/// the same sources, words and sweep as `exactAUROCFloat32`, so the same bits).
///
///     exactAUROCFloat32CheckingInputs(scores: s, labels: y)  // .value(0.75) or .invalidInput
public func exactAUROCFloat32CheckingInputs(
    scores: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Float>,
    weights: UnsafeBufferPointer<Float>? = nil
) throws(CoreError) -> CheckedExactAUROC {
    guard let weights else {
        return try uncheckedUnweightedExactAUROC(scores: scores, labels: labels)
    }
    return try uncheckedWeightedExactAUROC(
        PackedWeightedSource(scores: scores, labels: labels, weights: weights))
}

/// `exactAUROC` on float64 inputs that have not been validated, as
/// `exactAUROCFloat32CheckingInputs`: every score finite, every label exactly 0 or 1 and
/// every weight finite and >= 0 is checked in the first pass, on both threads. Same result
/// on valid inputs (the same sources, words, sort and sweep as `exactAUROC`: the same bits).
///
///     exactAUROCCheckingInputs(scores: s, labels: y)  // .value(0.75) or .invalidInput
public func exactAUROCCheckingInputs(
    scores: UnsafeBufferPointer<Double>, labels: UnsafeBufferPointer<Double>,
    weights: UnsafeBufferPointer<Double>? = nil
) throws(CoreError) -> CheckedExactAUROC {
    guard let weights else {
        return try uncheckedUnweightedExactAUROC(scores: scores, labels: labels)
    }
    return try uncheckedWeightedExactAUROC(
        PackedDoubleWeightedSource(scores: scores, labels: labels, weights: weights))
}

private func uncheckedWeightedExactAUROC<Packed: WeightedInputs>(
    _ packed: Packed
) throws(CoreError) -> CheckedExactAUROC {
    let scores = packed.scores, labels = packed.labels, weights = packed.weights
    if scores.count < 2 {
        for i in 0..<scores.count where !scores[i].isFinite || (labels[i] != 0 && labels[i] != 1)
            || !(weights[i] >= 0 && weights[i] < .infinity) {
            return .invalidInput
        }
        return .undefined
    }
    let outcome = try exactAUROCOutcome(CheckingWeightedSource(packed: packed))
    if outcome.invalid { return .invalidInput }
    return outcome.value.map { .value($0) } ?? .undefined
}

private func uncheckedUnweightedExactAUROC<Score: OrderKeyed>(
    scores: UnsafeBufferPointer<Score>, labels: UnsafeBufferPointer<Score>
) throws(CoreError) -> CheckedExactAUROC {
    if scores.count < 2 {
        for i in 0..<scores.count where !scores[i].isFinite || (labels[i] != 0 && labels[i] != 1) {
            return .invalidInput
        }
        return .undefined
    }
    let outcome = try exactAUROCOutcome(CheckingUnweightedSource(scores: scores, labels: labels))
    if outcome.invalid { return .invalidInput }
    return outcome.value.map { .value($0) } ?? .undefined
}

// Method. Each sample of positive weight becomes a word: its score's order key
// (`OrderKeyed`) shifted left past the bits that are the same in every key, the 11 top
// varying bits taken off as its bucket, and its class in the lowest bit (1 positive).
// Phase 1 finds those bits and the class sizes (for n >= 2^18 with 32-bit keys it also
// histograms the keys' top 16 bits, from which phase 2 then sums the bucket histogram
// without reading the keys again, with 9 or 10 bucket bits instead of 11 when fewer
// varying bits lie within those 16; unvalidated float32 inputs, see
// `exactAUROCFloat32CheckingInputs`, are also checked there, block by block); phase 2
// histograms the buckets; phase 3 scatters the words into bucket order (the only pass
// over memory that is not sequential); phase 4 sorts each bucket in cache (`sortWords`;
// `sortHighKeyed` for the 16-byte words of weighted float64 samples) and sweeps it. Buckets
// hold disjoint score ranges in increasing order, so the buckets in order, each sorted,
// are all samples sorted, and equal scores never straddle two buckets. Float64 scores of
// both signs (from `KeyRangeBuckets.threshold` samples) share no top bit, and
// their top bits are the sign and the exponent: there the buckets are ranges of the keys'
// values instead, cut from a sample of them, and the word is the key less its sign bit;
// scores of one sign whose sampled range would fill only a few top-bit buckets (spread
// over binades around 1) take ranges of values too, the word as the top-bit buckets'
// without their digit (KeyRangeBuckets.swift); the same count of buckets, and the same
// result.
//
// The sweep counts, group of equal scores by group,
//
//     s1 = sum over positives of #(negatives in strictly lower groups)
//     s2 = sum over negatives of #(positives in strictly lower groups)
//
// and 2U = s1 + (P N - s2): P N - s2 counts the pairs with negative <= positive, s1 those
// with negative < positive, so a tied pair is counted once, in two halves. Weighted, the
// value carried with each word is its signed mass (+ positive, - negative) and the sweep
// sums mass products instead, in double-double arithmetic over blocks fixed by the sorted
// sequence alone (see "The weighted sweep" and `WeightedSweep`).
//
// Parallelism: phases 1-3 split the input into two chunks. In phase 4 the two workers
// claim batches of buckets from the two ends until they meet (`BucketClaims`,
// WorkerTeam.swift), so that a worker that starts late (a helper thread woken from sleep:
// 150-200 us on the 2-core VMs here) or whose buckets cost more per sample leaves work to
// the other. Unweighted, each run's sums start from zero and the leader adds each run's
// correction (its positives times the negatives of earlier runs, and so on:
// `ChunkTally.followed`), in exact integers, so where the runs meet changes nothing.
// Weighted, worker 0's batches are one sweep from the start, and each of worker 1's is
// joined to the region above it as it goes (`sortAndSweepWeighted`, `join`), so that the
// leader joins two sweeps at the meeting point as it joined fixed halves; the sweep's
// canonical blocks make the result independent of where any of these joins falls. (When
// the largest bucket holds more than half the samples, the phase keeps fixed halves of
// about equal estimated cost.) The chunking of phases 1-3 depends on n and the data only,
// so one thread or two give the same bits; the weighted sweep's result does not even
// depend on the chunking (one chunk or two: the same bits).
//
// Measured (the claims, against the fixed halves; Intel Xeon, Emerald Rapids, 2 cores):
// on the benchmark's data at n = 10^6 float64 the fixed halves' second one took 2.46 ms
// against the first's 2.04 (its buckets, of the upper scores, hold about 5,000 words each
// and leave L1; the first's hold fewer), and the helper started its phase 1 150-200 us
// after the caller when a call followed a pause (a sort, a sleep). `bench_exact.py
// --processes 5 --baseline`: float64 unweighted 0.86x [0.78-0.94] at 10^6, 1.02x at 10^7;
// float32 0.99x and 0.97x. Weighted (a stop later; the machine in a slow state, calls of
// 11-17 ms at 10^6): the fixed halves of phase 4 took 1.7-3.4 ms apart (float64), the
// claimed ones 0.34 ms; ours / before 0.97x at 10^6 and 0.95-0.97x at 10^7 (float64),
// 0.98-0.99x and 0.96-0.97x (float32), in two runs.

/// Inputs below this many samples run on the calling thread alone.
private let parallelThreshold = 1 << 16

/// Bits of the first, parallel scatter's buckets. Measured against 10 and 12 (C driver,
/// sigmoid(N(0, 1) + label) scores, user CPU time of alternating processes, Intel Xeon
/// with AVX-512, 2 cores): 10 took 3-6% more at n = 10^7 float64 (4-9% on the best wall
/// time) and was within the noise at 10^6; 12 took 2-4% less at 10^7 float64, between 4%
/// more and 6% less at 10^7 float32 and weighted, and was within the noise at 10^6. Not
/// enough to make the width depend on n.
private let topDigitBits = 11
private let topBucketCount = 1 << topDigitBits

/// ... but at most log2(count) - smallInputDigitShift bits (at least 4), so that below
/// about 2^20 samples the buckets hold a few hundred words, not a handful: each bucket
/// costs phase 4 a call of the in-cache sort, and at n = 10^4 the 2,048 buckets of about
/// 5 words took 54% of the call (perf). Measured (C driver, float64 unweighted, Intel
/// Xeon, medians of 1,000-4,000 calls): n = 10^4 0.156 -> 0.064-0.069 ms, 3 x 10^4 0.36-0.39
/// -> 0.21-0.24 ms, 10^5 0.64-0.65 -> 0.38 ms, 2 x 10^5 1.02-1.05 -> 0.82-0.89 ms; shifts
/// of 8 and 10 read within 10% of 9. From 2^20 samples (11 bits) nothing changes.
private let smallInputDigitShift = 9

/// Phase 4's fixed cost of one non-empty bucket, in samples' worth (measured: 40 to 100).
private let bucketCost = 64

/// Phase 4's batches when its workers claim buckets (`BucketClaims`): at least this many
/// samples, or this fraction of them (weighted, fewer: each of the back worker's batches
/// but the first costs it a second sweep of up to a block, see `sortAndSweepWeighted`).
private let claimBatchMinimum = 1 << 12
private let claimBatchesPerCall = 128
private let weightedClaimBatchesPerCall = 64

/// Bits of phase 1's prefix histogram (32-bit keys only), its size, and the inputs that
/// use it.
private let prefixBits = 16
private let prefixCount = 1 << prefixBits
private let prefixHistogramThreshold = 1 << 18
/// The fewest bucket bits phase 2 takes from the prefix histogram rather than reading the
/// keys again.
private let prefixMinimumDigitBits = 9

/// How a caller's samples look to the algorithm: which are in, their keys, classes and
/// the value that travels with each through the sort.
private protocol ExactSampleSource {
    associatedtype Key: FixedWidthInteger & UnsignedInteger & BitwiseCopyable
    /// What phase 3 writes and phase 4 sorts per sample: the key (less the bucket bits)
    /// above the class bit; `PackedWeightedSource` also carries the weight in it.
    associatedtype Word: FixedWidthInteger & UnsignedInteger & BitwiseCopyable
    associatedtype Value: BitwiseCopyable
    /// How the weighted sweep finds each sorted sample's signed mass.
    associatedtype Masses: SweepMasses
    /// Whether the samples carry weights (`Value` a signed mass, or the weight packed in
    /// `Word`).
    static var isWeighted: Bool { get }
    /// The word's bits below this are not key: the sort orders by `word >> ignoredLowBits`
    /// alone, stably, and the sweep groups by it (1: the class bit).
    static var ignoredLowBits: Int { get }
    /// Whether phase 1 checks the inputs (`invalid`), which were then not validated before.
    static var checksInputs: Bool { get }
    var count: Int { get }
    /// Weight > 0.
    func isIncluded(_ i: Int) -> Bool
    func key(_ i: Int) -> Key
    /// 1 for a positive, 0 for a negative: the label itself, which the ABI layer has
    /// checked is exactly 0 or 1. Arithmetic on it, not branches: classes come in random
    /// order, and a mispredicted branch per sample would cost more than the sort.
    func classBit(_ i: Int) -> Int
    func weight(_ i: Int) -> Double
    /// The value carried by sample i, given each class's largest weight.
    func value(_ i: Int, positiveFactor: Double, negativeFactor: Double) -> Value
    /// Sample i's word, given its key shifted as phase 3 lays it out (bucket bits off,
    /// the rest at the top, zeros below), and each class's mass factor.
    func word(_ i: Int, shiftedKey: Key, positiveFactor: Double, negativeFactor: Double) -> Word
    /// The signed masses of the sorted words and values (weighted sources).
    func masses(words: UnsafePointer<Word>, values: UnsafePointer<Value>,
                positiveFactor: Double, negativeFactor: Double) -> Masses
    /// With `checksInputs`: 1 if sample i's score is not finite or its label neither 0
    /// nor 1, else 0 (without a branch).
    func invalid(_ i: Int) -> Int
    /// With `checksInputs`: whether some sample in `block` is invalid (as `invalid`).
    func anyInvalid(_ block: Range<Int>) -> Bool
    /// Phase 1 on the samples of `block`: adds each included sample to `tally` and, with
    /// `prefix`, counts its key's top bits (`key >> prefixShift`) there.
    func tallyBlock(_ block: Range<Int>, into tally: inout PhaseOneTally<Key>,
                    prefix: UnsafeMutablePointer<UInt32>?, prefixShift: Int)
}

/// Phase 1's running sums over one chunk's included samples: the AND and OR of their
/// keys, their class sizes, each class's largest weight (weighted sources only).
private struct PhaseOneTally<Key: FixedWidthInteger & UnsignedInteger> {
    var andKeys = Key.max
    var orKeys = Key.zero
    var positives = 0
    var negatives = 0
    var maxPositive = 0.0
    var maxNegative = 0.0
}

extension ExactSampleSource {
    static var checksInputs: Bool { false }
    static var ignoredLowBits: Int { 1 }
    @inline(__always) func invalid(_ i: Int) -> Int { 0 }
    /// A loop without branches, which vectorizes.
    @inline(__always) func anyInvalid(_ block: Range<Int>) -> Bool {
        var bad = 0
        for i in block { bad |= invalid(i) }
        return bad != 0
    }
    /// One sample at a time (negatives counted only when weighted: unweighted, the caller
    /// takes them from the chunk's size).
    @inline(__always)
    func tallyBlock(_ block: Range<Int>, into t: inout PhaseOneTally<Key>,
                    prefix ph: UnsafeMutablePointer<UInt32>?, prefixShift: Int) {
        @inline(__always) func tally(_ i: Int, _ key: Key) {
            t.andKeys &= key
            t.orKeys |= key
            let positive = classBit(i)
            t.positives &+= positive
            if Self.isWeighted {
                t.negatives &+= 1 &- positive
                let w = weight(i), y = Double(positive)
                t.maxPositive = Swift.max(t.maxPositive, w * y)
                t.maxNegative = Swift.max(t.maxNegative, w * (1 - y))
            }
        }
        if let ph {
            for i in block where isIncluded(i) {
                let key = self.key(i)
                tally(i, key)
                ph[Int(truncatingIfNeeded: key &>> prefixShift)] &+= 1
            }
        } else {
            for i in block where isIncluded(i) { tally(i, key(i)) }
        }
    }
}

extension ExactSampleSource where Word == Key {
    @inline(__always)
    func word(_ i: Int, shiftedKey: Key, positiveFactor: Double, negativeFactor: Double) -> Word {
        shiftedKey | Key(truncatingIfNeeded: classBit(i))
    }
}

extension ExactSampleSource where Masses == DoubleMasses {
    /// The values themselves (signed masses; unused, and not Double, when unweighted).
    @inline(__always)
    func masses(words: UnsafePointer<Word>, values: UnsafePointer<Value>,
                positiveFactor: Double, negativeFactor: Double) -> DoubleMasses {
        DoubleMasses(base: UnsafeRawPointer(values).assumingMemoryBound(to: Double.self))
    }
}

extension ExactSampleSource where Value == NoValue {
    /// Nothing travels beside the word (unweighted, or the weight carried in the word).
    @inline(__always) func value(_ i: Int, positiveFactor: Double, negativeFactor: Double) -> NoValue {
        NoValue()
    }
}

/// Samples without weights: every one included, with weight 1; the word is the key above
/// the class bit, with nothing beside it.
private protocol UnweightedSampleSource: ExactSampleSource
where Word == Key, Value == NoValue, Masses == DoubleMasses {}

extension UnweightedSampleSource {
    static var isWeighted: Bool { false }
    @inline(__always) func isIncluded(_ i: Int) -> Bool { true }
    @inline(__always) func weight(_ i: Int) -> Double { 1 }
}

private struct UnweightedSource<Score: OrderKeyed>: UnweightedSampleSource {
    let scores: UnsafeBufferPointer<Score>
    let labels: UnsafeBufferPointer<Score>
    var count: Int { scores.count }
    @inline(__always) func key(_ i: Int) -> Score.OrderKey { scores[i].orderKey }
    @inline(__always) func classBit(_ i: Int) -> Int { labels[i].classBit }
}

/// One-vs-rest without 0/1 labels: sample i is positive when `codes[i] == positive` (the
/// class as a byte). The same keys and class bits as `UnweightedSource` on the 0/1 labels
/// `codes[i] == positive ? 1 : 0`, so the same words, sort and sweep: the same bits. Reads
/// 1 byte a sample for the class instead of the label's 8 (4 for float32).
private struct ClassCodeSource<Score: OrderKeyed>: UnweightedSampleSource {
    let scores: UnsafeBufferPointer<Score>
    let codes: UnsafeBufferPointer<UInt8>
    let positive: UInt8
    var count: Int { scores.count }
    @inline(__always) func key(_ i: Int) -> Score.OrderKey { scores[i].orderKey }
    /// 1 when `codes[i] == positive`, else 0, in arithmetic (x - 1 wraps to 2^32 - 1 only
    /// for x = 0, and x < 256): a comparison here compiled to a branch, and phase 1's loop
    /// did not vectorize.
    @inline(__always) func classBit(_ i: Int) -> Int { Int(Self.isZero(codes[i] ^ positive)) }
    @inline(__always) static func isZero(_ x: UInt8) -> UInt32 { (UInt32(x) &- 1) &>> 31 }
    /// The default's sums in local accumulators (a loop that vectorizes; the default's
    /// did not with byte classes: measured 2688 -> 3563 perf samples for phases 1-3 at
    /// n = 10^6, k = 10), then the prefix histogram in a second loop over the block (in
    /// L1). The same sums as the default.
    @inline(__always)
    func tallyBlock(_ block: Range<Int>, into t: inout PhaseOneTally<Score.OrderKey>,
                    prefix ph: UnsafeMutablePointer<UInt32>?, prefixShift: Int) {
        let s = scores.baseAddress!, c = codes.baseAddress!, target = positive
        var andKeys = t.andKeys, orKeys = t.orKeys
        var positives: Score.OrderKey = 0
        for i in block {
            let key = s[i].orderKey
            andKeys &= key
            orKeys |= key
            positives &+= Score.OrderKey(truncatingIfNeeded: Self.isZero(c[i] ^ target))
        }
        t.andKeys = andKeys
        t.orKeys = orKeys
        t.positives &+= Int(truncatingIfNeeded: positives)
        if let ph {
            for i in block { ph[Int(truncatingIfNeeded: s[i].orderKey &>> prefixShift)] &+= 1 }
        }
    }
}

/// `UnweightedSource` on inputs not yet validated.
private struct CheckingUnweightedSource<Score: OrderKeyed>: UnweightedSampleSource {
    let scores: UnsafeBufferPointer<Score>
    let labels: UnsafeBufferPointer<Score>
    static var checksInputs: Bool { true }
    var count: Int { scores.count }
    @inline(__always) func key(_ i: Int) -> Score.OrderKey { scores[i].orderKey }
    @inline(__always) func classBit(_ i: Int) -> Int { labels[i].classBit }
    @inline(__always) func invalid(_ i: Int) -> Int {
        let y = labels[i]
        return (scores[i].isFinite ? 0 : 1) | ((y == 0 ? 0 : 1) & (y == 1 ? 0 : 1))
    }
}

private struct WeightedSource<Score: OrderKeyed>: ExactSampleSource {
    let scores: UnsafeBufferPointer<Score>
    let labels: UnsafeBufferPointer<Score>
    let weights: UnsafeBufferPointer<Score>
    typealias Word = Score.OrderKey
    typealias Masses = DoubleMasses
    static var isWeighted: Bool { true }
    var count: Int { scores.count }
    @inline(__always) func isIncluded(_ i: Int) -> Bool { weights[i] > 0 }
    @inline(__always) func key(_ i: Int) -> Score.OrderKey { scores[i].orderKey }
    @inline(__always) func classBit(_ i: Int) -> Int { labels[i].classBit }
    @inline(__always) func weight(_ i: Int) -> Double { weights[i].doubleValue }
    /// Signed mass: w times the class's mass factor (a power of two; see `massFactor`),
    /// negative for a negative sample. With y = 0 or 1, y positiveFactor - (1 - y)
    /// negativeFactor is exactly the signed factor.
    @inline(__always) func value(_ i: Int, positiveFactor: Double, negativeFactor: Double) -> Double {
        let y = Double(classBit(i))
        return weight(i) * (y * positiveFactor - (1 - y) * negativeFactor)
    }
}

/// Weighted float32 samples with the weight carried in the word instead of a Double value
/// beside it: word = key bits << 32 | weight bits << 1 | class (a weight > 0 is finite, so
/// its sign bit is 0 and its other 31 bits fit). 8 bytes per sample through the scatter
/// and the in-cache sort instead of 12 (a 4-byte word and an 8-byte mass), and no mass
/// computed in the scatter: the sweep computes each mass from the word (`PackedFloatMasses`),
/// the same double as `WeightedSource` computes from the same weight, so the same bits.
private struct PackedWeightedSource: ExactSampleSource {
    let scores: UnsafeBufferPointer<Float>
    let labels: UnsafeBufferPointer<Float>
    let weights: UnsafeBufferPointer<Float>
    typealias Word = UInt64
    typealias Value = NoValue
    typealias Masses = PackedFloatMasses
    static var isWeighted: Bool { true }
    static var ignoredLowBits: Int { 32 }
    var count: Int { scores.count }
    @inline(__always) func isIncluded(_ i: Int) -> Bool { weights[i] > 0 }
    @inline(__always) func key(_ i: Int) -> UInt32 { scores[i].orderKey }
    @inline(__always) func classBit(_ i: Int) -> Int { labels[i].classBit }
    @inline(__always) func weight(_ i: Int) -> Double { weights[i].doubleValue }
    @inline(__always)
    func word(_ i: Int, shiftedKey: UInt32, positiveFactor: Double, negativeFactor: Double) -> UInt64 {
        UInt64(shiftedKey) &<< 32 | UInt64(weights[i].bitPattern) &<< 1
            | UInt64(truncatingIfNeeded: classBit(i))
    }
    @inline(__always)
    func masses(words: UnsafePointer<UInt64>, values: UnsafePointer<NoValue>,
                positiveFactor: Double, negativeFactor: Double) -> PackedFloatMasses {
        PackedFloatMasses(words: words, positiveFactor: positiveFactor, negativeFactor: negativeFactor)
    }
    /// The default's sums without a branch per sample (`tallyPackedBlock`).
    @inline(__always)
    func tallyBlock(_ block: Range<Int>, into t: inout PhaseOneTally<UInt32>,
                    prefix ph: UnsafeMutablePointer<UInt32>?, prefixShift: Int) {
        tallyPackedBlock(block, into: &t, prefix: ph, prefixShift: prefixShift)
    }
}

/// The weighted sources whose inputs `CheckingWeightedSource` can check.
private protocol WeightedInputs: ExactSampleSource {
    associatedtype Scalar: OrderKeyed
    var scores: UnsafeBufferPointer<Scalar> { get }
    var labels: UnsafeBufferPointer<Scalar> { get }
    var weights: UnsafeBufferPointer<Scalar> { get }
}

extension PackedWeightedSource: WeightedInputs {}
extension PackedDoubleWeightedSource: WeightedInputs {}

extension WeightedInputs where Key == Scalar.OrderKey {
    /// The default `tallyBlock`'s sums without a branch per sample, in lanes as wide as
    /// the inputs (a loop that vectorizes): a sample is in or out by a mask (weight > 0),
    /// and each class's largest weight is the largest bit pattern, which orders positive
    /// finite weights as their values (a sample out or of the other class contributes 0,
    /// the sums' start). Then the prefix histogram (32-bit keys), in a second loop over the
    /// block (in L1). The same sums as the default on valid inputs; on invalid ones
    /// (checked before) they are discarded. Weighted float64 used the default until stop
    /// 42: a branch per sample and its running maxima of doubles (a compare-and-blend
    /// chain from sample to sample), 11% of the process's CPU at n = 10^6. This instead
    /// measured (C driver, sigmoid(N(0, 1) + label) scores, weights U[0, 2), alternating
    /// processes, Intel Xeon): n = 10^5, 3,000 calls, user CPU 9.41-9.59 -> 8.75-9.09 s;
    /// n = 10^6, 60 calls, medians 19.1-23.3 -> 17.8-19.5 ms.
    @inline(__always)
    func tallyPackedBlock(_ block: Range<Int>, into t: inout PhaseOneTally<Key>,
                          prefix ph: UnsafeMutablePointer<UInt32>?, prefixShift: Int) {
        let s = scores.baseAddress!, y = labels.baseAddress!, w = weights.baseAddress!
        var andKeys = Key.max, orKeys: Key = 0
        var included: Key = 0, positives: Key = 0
        var maxPositive: Key = 0, maxNegative: Key = 0
        for i in block {
            let weight = w[i]
            let inMask: Key = weight > 0 ? .max : 0
            let key = s[i].orderKey
            andKeys &= key | ~inMask
            orKeys |= key & inMask
            let positiveMask = 0 &- Key(truncatingIfNeeded: y[i].classBit)
            included &+= inMask & 1
            positives &+= inMask & positiveMask & 1
            let bits = weight.bits & inMask
            maxPositive = Swift.max(maxPositive, bits & positiveMask)
            maxNegative = Swift.max(maxNegative, bits & ~positiveMask)
        }
        if let ph {
            for i in block {
                ph[Int(truncatingIfNeeded: s[i].orderKey &>> prefixShift)] &+= w[i] > 0 ? 1 : 0
            }
        }
        t.andKeys &= andKeys
        t.orKeys |= orKeys
        t.positives &+= Int(truncatingIfNeeded: positives)
        t.negatives &+= Int(truncatingIfNeeded: included &- positives)
        t.maxPositive = Swift.max(t.maxPositive, Scalar(bits: maxPositive).doubleValue)
        t.maxNegative = Swift.max(t.maxNegative, Scalar(bits: maxNegative).doubleValue)
    }
}

/// A packed weighted source on inputs not yet validated (`exactAUROCFloat32CheckingInputs`,
/// `exactAUROCCheckingInputs`). Phase 1 tallies a block after checking it, so a bad weight
/// (NaN, infinite, negative) may reach the tallies, which are then discarded: every phase
/// after the check stops. Everything else is the wrapped source's.
private struct CheckingWeightedSource<Packed: WeightedInputs>: ExactSampleSource {
    let packed: Packed
    typealias Key = Packed.Key
    typealias Word = Packed.Word
    typealias Value = Packed.Value
    typealias Masses = Packed.Masses
    static var isWeighted: Bool { true }
    static var checksInputs: Bool { true }
    static var ignoredLowBits: Int { Packed.ignoredLowBits }
    var count: Int { packed.count }
    @inline(__always) func isIncluded(_ i: Int) -> Bool { packed.isIncluded(i) }
    @inline(__always) func key(_ i: Int) -> Key { packed.key(i) }
    @inline(__always) func classBit(_ i: Int) -> Int { packed.classBit(i) }
    @inline(__always) func weight(_ i: Int) -> Double { packed.weight(i) }
    @inline(__always)
    func value(_ i: Int, positiveFactor: Double, negativeFactor: Double) -> Value {
        packed.value(i, positiveFactor: positiveFactor, negativeFactor: negativeFactor)
    }
    @inline(__always)
    func word(_ i: Int, shiftedKey: Key, positiveFactor: Double, negativeFactor: Double) -> Word {
        packed.word(i, shiftedKey: shiftedKey, positiveFactor: positiveFactor,
                    negativeFactor: negativeFactor)
    }
    @inline(__always)
    func masses(words: UnsafePointer<Word>, values: UnsafePointer<Value>,
                positiveFactor: Double, negativeFactor: Double) -> Masses {
        packed.masses(words: words, values: values, positiveFactor: positiveFactor,
                      negativeFactor: negativeFactor)
    }
    @inline(__always)
    func tallyBlock(_ block: Range<Int>, into t: inout PhaseOneTally<Key>,
                    prefix: UnsafeMutablePointer<UInt32>?, prefixShift: Int) {
        packed.tallyBlock(block, into: &t, prefix: prefix, prefixShift: prefixShift)
    }
    /// 1 if the score is not finite, the label neither 0 nor 1, or the weight not finite
    /// and >= 0 (0 <= w < infinity; NaN fails it), else 0.
    @inline(__always) func invalid(_ i: Int) -> Int {
        let y = packed.labels[i], w = packed.weights[i]
        return (packed.scores[i].isFinite ? 0 : 1) | ((y == 0 ? 0 : 1) & (y == 1 ? 0 : 1))
            | ((w >= 0 ? 0 : 1) | (w < .infinity ? 0 : 1))
    }
    /// `invalid` on each sample, or-ed in lanes as wide as the inputs (8 float32 samples
    /// to an AVX2 register, 4 float64: no comparison widened or narrowed).
    @inline(__always) func anyInvalid(_ block: Range<Int>) -> Bool {
        let s = packed.scores.baseAddress!, y = packed.labels.baseAddress!
        let w = packed.weights.baseAddress!
        var bad: Packed.Scalar.RawSignificand = 0
        for i in block {
            let label = y[i], weight = w[i]
            bad |= (s[i].isFinite ? 0 : 1) | ((label == 0 ? 0 : 1) & (label == 1 ? 0 : 1))
                | (weight >= 0 ? 0 : 1) | (weight < .infinity ? 0 : 1)
        }
        return bad != 0
    }
}

/// Weighted float64 samples with the signed mass carried in the word: word = key bits
/// << 64 | the mass's bits (its sign is the class). One 16-byte word per sample through the
/// scatter and the in-cache sort, instead of an 8-byte word and an 8-byte mass in two
/// arrays: half as many write streams in each scatter. The mass is the double
/// `WeightedSource.value` computes, so the sweep sees the same values: the same bits.
private struct PackedDoubleWeightedSource: ExactSampleSource {
    let scores: UnsafeBufferPointer<Double>
    let labels: UnsafeBufferPointer<Double>
    let weights: UnsafeBufferPointer<Double>
    typealias Word = UInt128
    typealias Value = NoValue
    typealias Masses = PackedDoubleMasses
    static var isWeighted: Bool { true }
    static var ignoredLowBits: Int { 64 }
    var count: Int { scores.count }
    @inline(__always) func isIncluded(_ i: Int) -> Bool { weights[i] > 0 }
    @inline(__always) func key(_ i: Int) -> UInt64 { scores[i].orderKey }
    @inline(__always) func classBit(_ i: Int) -> Int { labels[i].classBit }
    @inline(__always) func weight(_ i: Int) -> Double { weights[i] }
    @inline(__always)
    func word(_ i: Int, shiftedKey: UInt64, positiveFactor: Double, negativeFactor: Double) -> UInt128 {
        let y = Double(classBit(i))
        let mass = weights[i] * (y * positiveFactor - (1 - y) * negativeFactor)
        return UInt128(shiftedKey) &<< 64 | UInt128(mass.bitPattern)
    }
    @inline(__always)
    func masses(words: UnsafePointer<UInt128>, values: UnsafePointer<NoValue>,
                positiveFactor: Double, negativeFactor: Double) -> PackedDoubleMasses {
        PackedDoubleMasses(words: words)
    }
    /// The default's sums without a branch per sample (`tallyPackedBlock`).
    @inline(__always)
    func tallyBlock(_ block: Range<Int>, into t: inout PhaseOneTally<UInt64>,
                    prefix ph: UnsafeMutablePointer<UInt32>?, prefixShift: Int) {
        tallyPackedBlock(block, into: &t, prefix: ph, prefixShift: prefixShift)
    }
}

/// The signed masses (+ positive, - negative) of the sorted samples, by sorted position.
protocol SweepMasses {
    func mass(_ i: Int) -> Double
    /// (max(mass, 0), max(-mass, 0)): the positive and the negative mass of sample i, one
    /// of them +0.
    func parts(_ i: Int) -> (positive: Double, negative: Double)
    /// max(mass, 0) of i..<i + 4.
    func positiveMasses4(_ i: Int) -> SIMD4<Double>
}

extension SweepMasses {
    @inline(__always) func parts(_ i: Int) -> (positive: Double, negative: Double) {
        let m = mass(i)
        return (Swift.max(m, 0), Swift.max(-m, 0))
    }
}

/// Masses stored as Doubles.
struct DoubleMasses: SweepMasses {
    let base: UnsafePointer<Double>
    @inline(__always) func mass(_ i: Int) -> Double { base[i] }
    @inline(__always) func positiveMasses4(_ i: Int) -> SIMD4<Double> {
        let x = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: i * 8, as: SIMD4<Double>.self)
        return x.replacing(with: 0, where: x .< 0)
    }
}

/// Masses of `PackedWeightedSource`'s words: weight times the class's power-of-two
/// `massFactor`, signed by the class. The product is exact (a float32 weight in
/// [2^-149, 2^128) times a factor in [2^273, 2^550] is a normal double), the same double as
/// `WeightedSource.value` computes from the widened weight: the same bits as the float64
/// path.
struct PackedFloatMasses: SweepMasses {
    let words: UnsafePointer<UInt64>
    /// By class bit: -negative factor, positive factor (indexed, not chosen by a branch,
    /// which would mispredict on classes in random order).
    let factors: SIMD2<Double>
    /// The factors' bit patterns, and-ed with a mask of the class bit in `parts` (the
    /// bits of +0.0 are 0): no table in memory, no select.
    let positiveFactorBits: UInt64
    let negativeFactorBits: UInt64

    init(words: UnsafePointer<UInt64>, positiveFactor: Double, negativeFactor: Double) {
        self.words = words
        factors = SIMD2(-negativeFactor, positiveFactor)
        positiveFactorBits = positiveFactor.bitPattern
        negativeFactorBits = negativeFactor.bitPattern
    }

    /// w times its class's factor, and w times +0 for the other part: the same doubles as
    /// from `mass` (w f is exact, -(w f) = w (-f), and w 0 = +0 = max(x, 0) for x < 0).
    @inline(__always) func parts(_ i: Int) -> (positive: Double, negative: Double) {
        let word = words[i]
        let w = Double(Float(bitPattern: UInt32(truncatingIfNeeded: word &>> 1) & 0x7FFF_FFFF))
        let positiveMask = 0 &- (word & 1)  // all ones for a positive
        return (w * Double(bitPattern: positiveFactorBits & positiveMask),
                w * Double(bitPattern: negativeFactorBits & ~positiveMask))
    }

    @inline(__always) func mass(_ i: Int) -> Double {
        let word = words[i]
        let w = Float(bitPattern: UInt32(truncatingIfNeeded: word &>> 1) & 0x7FFF_FFFF)
        return Double(w) * factors[Int(truncatingIfNeeded: word & 1)]
    }

    /// A positive's mass or +0 (the same as max(mass, 0): no mass is 0 or NaN).
    @inline(__always) func positiveMass(_ i: Int) -> Double {
        parts(i).positive
    }

    @inline(__always) func positiveMasses4(_ i: Int) -> SIMD4<Double> {
        SIMD4(positiveMass(i), positiveMass(i + 1), positiveMass(i + 2), positiveMass(i + 3))
    }
}

/// Masses of `PackedDoubleWeightedSource`'s words: the low 64 bits.
struct PackedDoubleMasses: SweepMasses {
    let words: UnsafePointer<UInt128>

    @inline(__always) func mass(_ i: Int) -> Double {
        Double(bitPattern: UInt64(truncatingIfNeeded: words[i]))
    }

    @inline(__always) func positiveMasses4(_ i: Int) -> SIMD4<Double> {
        let x = SIMD4(mass(i), mass(i + 1), mass(i + 2), mass(i + 3))
        return x.replacing(with: 0, where: x .< 0)
    }
}

/// What one chunk reports to the others between phases.
private struct ChunkTally: BitwiseCopyable {
    var andKeys: UInt64 = .max
    var orKeys: UInt64 = 0
    var positives = 0
    var negatives = 0
    var invalid = 0
    var maxPositiveWeight = 0.0
    var maxNegativeWeight = 0.0
    // Phase 4, unweighted: pair counts relative to the chunk's start.
    var belowPositives: UInt128 = 0
    var belowNegatives: UInt128 = 0
    // Phase 4, weighted: the blocks at the chunk's edges (see `WeightedSweep`).
    var weighted = WeightedSweepSummary()

    /// Phase 4, unweighted: the tally of this run of buckets followed by `upper`, the
    /// next run's (each relative to its own start): upper's positives are above this
    /// run's negatives, and conversely. Exact integers, so any grouping of the runs gives
    /// the same sums.
    func followed(by upper: ChunkTally) -> ChunkTally {
        var t = ChunkTally()
        t.positives = positives + upper.positives
        t.negatives = negatives + upper.negatives
        t.belowPositives = belowPositives + upper.belowPositives + UInt128(upper.positives) * UInt128(negatives)
        t.belowNegatives = belowNegatives + upper.belowNegatives + UInt128(upper.negatives) * UInt128(positives)
        return t
    }
}

/// `chunkCount` (tests only): 1 or 2 chunks whatever n (nil: 2 from `parallelThreshold`).
/// `forceUnpackedWeights` (tests only): weighted through `WeightedSource` (a Double mass
/// beside each word) instead of `PackedWeightedSource` (float32) or
/// `PackedDoubleWeightedSource` (float64); the same bits either way.
/// `claimBatch` (tests only): phase 4's claimed batches of at least this many samples
/// (nil: the tuned size; 1: one non-empty bucket a batch, so that chunk 1 joins a batch to
/// the region above it at nearly every bucket, see `sortAndSweepWeighted`).
func exactAUROC<Score: OrderKeyed>(
    scores: UnsafeBufferPointer<Score>, labels: UnsafeBufferPointer<Score>,
    weights: UnsafeBufferPointer<Score>?, chunkCount: Int? = nil,
    forceUnpackedWeights: Bool = false, claimBatch: Int? = nil
) throws(CoreError) -> Double? {
    if let weights {
        if Score.self == Float.self && !forceUnpackedWeights {
            // float32: the weight travels in the word (`PackedWeightedSource`).
            return try exactAUROCOutcome(
                PackedWeightedSource(scores: unsafeBitCast(scores, to: UnsafeBufferPointer<Float>.self),
                                     labels: unsafeBitCast(labels, to: UnsafeBufferPointer<Float>.self),
                                     weights: unsafeBitCast(weights, to: UnsafeBufferPointer<Float>.self)),
                chunkCount: chunkCount, claimBatch: claimBatch).value
        }
        if Score.self == Double.self && !forceUnpackedWeights {
            // float64: the mass travels in the word (`PackedDoubleWeightedSource`).
            return try exactAUROCOutcome(
                PackedDoubleWeightedSource(
                    scores: unsafeBitCast(scores, to: UnsafeBufferPointer<Double>.self),
                    labels: unsafeBitCast(labels, to: UnsafeBufferPointer<Double>.self),
                    weights: unsafeBitCast(weights, to: UnsafeBufferPointer<Double>.self)),
                chunkCount: chunkCount, claimBatch: claimBatch).value
        }
        return try exactAUROCOutcome(WeightedSource(scores: scores, labels: labels, weights: weights),
                                     chunkCount: chunkCount, claimBatch: claimBatch).value
    }
    return try exactAUROCOutcome(UnweightedSource(scores: scores, labels: labels),
                                 chunkCount: chunkCount, claimBatch: claimBatch).value
}

/// `exactAUROC(scores:labels:weights: nil)` with sample i positive when
/// `classCodes[i] == positive`, without the 0/1 labels: the same bits as that call on the
/// labels `classCodes[i] == positive ? 1 : 0` (nil when no sample, or every sample, is of
/// class `positive`). `classCodes.count == scores.count`. `chunkCount` as in `exactAUROC`.
func exactAUROC<Score: OrderKeyed>(
    scores: UnsafeBufferPointer<Score>, classCodes: UnsafeBufferPointer<UInt8>,
    positive: UInt8, chunkCount: Int? = nil
) throws(CoreError) -> Double? {
    precondition(classCodes.count == scores.count)
    return try exactAUROCOutcome(ClassCodeSource(scores: scores, codes: classCodes, positive: positive),
                                 chunkCount: chunkCount).value
}

/// The algorithm; `invalid` only with `Source.checksInputs` (and then `value` is nil).
private func exactAUROCOutcome<Source: ExactSampleSource>(
    _ source: Source, chunkCount forcedChunkCount: Int? = nil, claimBatch: Int? = nil,
    afterSort: (SortedExactWords) -> Void = { _ in }
) throws(CoreError) -> (value: Double?, invalid: Bool) {
    typealias Key = Source.Key
    typealias T = RadixSortTuning
    let n = source.count
    precondition(n >= 2 || !Source.checksInputs)
    guard n >= 2 else { return (nil, false) }
    let chunkCount = forcedChunkCount ?? (n >= parallelThreshold ? 2 : 1)
    // Phase 3 scatters into these: 2 MiB-aligned huge pages when large (see
    // `HugePageBuffer`).
    let words = try HugePageBuffer<Source.Word>(count: n)
    defer { words.free() }
    let values = try HugePageBuffer<Source.Value>(count: n)
    defer { values.free() }
    // The team's results, and the scratch of phase 4 (`outcome.spare`), allocated by the
    // leader once the bucket sizes are known: for each chunk, as much as its largest
    // bucket (together at most n), reused bucket after bucket so that it stays in cache.
    var outcome = ExactTeamOutcome<Source>()
    defer {
        outcome.spare?.words.free()
        outcome.spare?.values.free()
    }
    // Per chunk: the bucket histogram (then offsets) and the in-cache sort's tables.
    let tablesPerChunk = 2 * topBucketCount + T.tableCount
    // (Then a cache line's worth of padding and phase 4's claims, `BucketClaims`.)
    let tables = try ScratchBuffer<Int>(count: chunkCount * tablesPerChunk + 2 * BucketClaims.padding)
    defer { tables.free() }
    let claims = BucketClaims(at: tables.base! + chunkCount * tablesPerChunk + BucketClaims.padding)
    defer { claims.release() }
    // Phase-1 tallies in [0, chunkCount), later phases' in [chunkCount, 2 chunkCount).
    let tallies = try ScratchBuffer<ChunkTally>(count: 2 * chunkCount)
    defer { tallies.free() }
    let first = tallies.base!, later = tallies.base! + chunkCount
    // Weighted: one slot per canonical block of the sweep (see `WeightedSweep`), at most
    // one per `blockLength` samples; slots of positions where no block starts stay absent.
    let blockSlotCount = Source.isWeighted ? (n - 1) / weightedBlockLength + 1 : 0
    let blockSlots = try ScratchBuffer<WeightedBlock>(count: blockSlotCount)
    defer { blockSlots.free() }
    blockSlots.buffer.initialize(repeating: .absent)
    // Weighted: each chunk's sweep keeps, for the samples of its open block, the negative
    // mass below each (`WeightedSweep`): 2 `blockLength` doubles per chunk.
    let belowScratch = try ScratchBuffer<Double>(
        count: Source.isWeighted ? chunkCount * weightedSweepScratchCount : 0)
    defer { belowScratch.free() }
    // Large inputs with 32-bit keys: phase 1 also histograms each chunk's keys by their
    // top `prefixBits` bits, so that phase 2 need not read the keys again (counts fit
    // UInt32: n < 2^32). (64-bit keys of typical scores vary below their top 16 bits'
    // eleventh: there the histogram would be wasted.)
    let prefixShift = Key.bitWidth - prefixBits
    let usePrefix = Key.bitWidth == 32 && n >= prefixHistogramThreshold && n < 1 << 32
    let prefixes = try ScratchBuffer<UInt32>(count: usePrefix ? chunkCount * prefixCount : 0)
    defer { prefixes.free() }
    let prefixBase = prefixes.base
    let w = words.base!, v = values.base!
    let tableBase = tables.base!
    // The phases run on a team (WorkerTeam.swift) through a capture-free closure: its
    // state is an ExactTeam on this stack frame, so no Swift heap allocation, which would
    // trap if memory were short (Tests/c/test_alloc_fail.c fails each allocation).
    withUnsafeMutablePointer(to: &outcome) { outcome in
        var team = ExactTeam(
            source: source, n: n, chunkCount: chunkCount, first: first, later: later,
            tableBase: tableBase, tablesPerChunk: tablesPerChunk, prefixBase: prefixBase,
            prefixShift: prefixShift, w: w, v: v, blockSlots: blockSlots,
            belowScratch: belowScratch.base, claims: claims, claimBatch: claimBatch, outcome: outcome)
        withUnsafeMutablePointer(to: &team) { team in
            runAsTeam(chunkCount: chunkCount, context: UnsafeMutableRawPointer(team)) { raw, worker in
                raw.assumingMemoryBound(to: ExactTeam<Source>.self).pointee.run(worker)
            }
        }
    }
    if outcome.spareAllocationFailed { throw .allocationFailed }
    if let layout = outcome.sortedLayout, Source.Word.self == UInt64.self {
        afterSort(SortedExactWords(
            words: UnsafeRawPointer(w).assumingMemoryBound(to: UInt64.self), layout: layout,
            histograms: UnsafePointer(tableBase), tablesPerChunk: tablesPerChunk, chunkCount: chunkCount))
    }
    return (outcome.result, outcome.inputsInvalid)
}

/// `exactAUROC` of validated unweighted float64 samples, then `afterSort` on the samples
/// sorted by score (`SortedExactWords`) before their words are freed: called when there
/// are both classes and at least two distinct scores (not called otherwise). The same
/// value, bit for bit, as `exactAUROC`. (The counting path of the soft AUROC,
/// CountingSoftAUROC.swift, finds its close pairs there.)
func exactAUROC(
    scores: UnsafeBufferPointer<Double>, labels: UnsafeBufferPointer<Double>,
    afterSort: (SortedExactWords) -> Void
) throws(CoreError) -> Double? {
    try exactAUROCOutcome(UnweightedSource(scores: scores, labels: labels), afterSort: afterSort).value
}

/// How phase 3 made the unweighted words (see "Method"): key << drop puts the top varying
/// bit at the top, its top `digitBits` bits are the bucket's digit, and the word is the
/// rest shifted up past them, with the class in bit 0. `topBits`: the `drop` top bits
/// every key shares, in place. The digit of bucket b is b >> `bucketDigitShift`: b itself;
/// with `KeyRangeBuckets` of two pieces (drop 0, one digit bit) its piece, the key's sign
/// bit; of one piece (no digit bits, the word the key << drop) 0, b >> 63.
struct SortedWordLayout {
    /// The most buckets a layout has.
    static let maximumBucketCount = topBucketCount
    let drop: Int
    let digitBits: Int
    let bucketCount: Int
    let topBits: UInt64
    var bucketDigitShift = 0
}

/// The unweighted float64 words after phase 4 (`exactAUROC(scores:labels:afterSort:)`):
/// `count` words at `words`, bucket after bucket (bucket b's size from the phase-2
/// histograms), each bucket sorted by key; keys that are equal (equal scores, -0 and +0
/// alike) may come in either class order. Valid only during the call that receives it.
struct SortedExactWords {
    let words: UnsafePointer<UInt64>
    let layout: SortedWordLayout
    let histograms: UnsafePointer<Int>
    let tablesPerChunk: Int
    let chunkCount: Int

    /// The words of bucket b: the sum of its chunks' phase-2 counts.
    @inline(__always)
    func bucketSize(_ b: Int) -> Int {
        var size = 0
        for chunk in 0..<chunkCount { size &+= histograms[chunk * tablesPerChunk + b] }
        return size
    }

    /// The score's order key (`Double.orderKey`) of `word`, a word of bucket b.
    @inline(__always)
    func key(_ word: UInt64, bucket b: Int) -> UInt64 {
        let digit = UInt64(truncatingIfNeeded: b >> layout.bucketDigitShift)
        let shifted = (digit << (64 - layout.digitBits)) | (word >> layout.digitBits)
        return (shifted >> layout.drop) | layout.topBits
    }
}

/// What the team of `exactAUROCOutcome` hands back: written by the leader only (phase-4
/// scratch before phase 3's synchronize(), which the other worker then reads).
private struct ExactTeamOutcome<Source: ExactSampleSource> {
    var result: Double? = nil
    var inputsInvalid = false
    /// Scratch of phase 4 (see `exactAUROCOutcome`), freed by it.
    var spare: (words: ScratchBuffer<Source.Word>, values: ScratchBuffer<Source.Value>)? = nil
    var spareAllocationFailed = false
    /// Unweighted, once phase 4 has sorted every bucket: how the words were made.
    var sortedLayout: SortedWordLayout? = nil
}

/// Phase 2 with `KeyRangeBuckets`: the bucket histogram of `source`'s included samples
/// in `range`. (A function of its own, not a loop in `ExactTeam.run`: there the buckets'
/// fields did not stay in registers.)
@inline(never)
private func histogramByRange<Source: ExactSampleSource>(
    _ source: Source, _ range: Range<Int>, _ buckets: KeyRangeBuckets, everyIncluded: Bool,
    into h: UnsafeMutablePointer<Int>
) {
    for i in range where everyIncluded || source.isIncluded(i) {
        h[buckets(UInt64(truncatingIfNeeded: source.key(i)))] &+= 1
    }
}

/// Phase 3 with `KeyRangeBuckets` (weighted or not): each included sample of `range`
/// scattered to its bucket's next offset; the word's key is the key less its sign bit
/// (two pieces) or the bits every key shares (one piece).
@inline(never)
private func scatterByRange<Source: ExactSampleSource>(
    _ source: Source, _ range: Range<Int>, _ buckets: KeyRangeBuckets,
    offsets: UnsafeMutablePointer<Int>, words w: UnsafeMutablePointer<Source.Word>,
    values v: UnsafeMutablePointer<Source.Value>, positiveFactor: Double, negativeFactor: Double
) {
    let wordShift = Source.Key(truncatingIfNeeded: buckets.wordShift)
    for i in range where source.isIncluded(i) {
        let key = source.key(i)
        let b = buckets(UInt64(truncatingIfNeeded: key))
        let p = offsets[b]
        w[p] = source.word(i, shiftedKey: key &<< wordShift,
                           positiveFactor: positiveFactor, negativeFactor: negativeFactor)
        v[p] = source.value(i, positiveFactor: positiveFactor, negativeFactor: negativeFactor)
        offsets[b] = p &+ 1
    }
}

/// The phases of `exactAUROCOutcome` on one worker of its team (`run`), with everything
/// they share: the source, the scratch memory and the outcome, on the caller's stack.
private struct ExactTeam<Source: ExactSampleSource> {
    typealias Key = Source.Key
    let source: Source
    let n: Int
    let chunkCount: Int
    /// Phase-1 tallies, one per chunk, and those of the later phases.
    let first: UnsafeMutablePointer<ChunkTally>
    let later: UnsafeMutablePointer<ChunkTally>
    let tableBase: UnsafeMutablePointer<Int>
    let tablesPerChunk: Int
    let prefixBase: UnsafeMutablePointer<UInt32>?
    let prefixShift: Int
    let w: UnsafeMutablePointer<Source.Word>
    let v: UnsafeMutablePointer<Source.Value>
    let blockSlots: ScratchBuffer<WeightedBlock>
    /// Weighted: `weightedSweepScratchCount` doubles per chunk (nil unweighted).
    let belowScratch: UnsafeMutablePointer<Double>?
    /// Phase 4's buckets as the two workers claim them.
    let claims: BucketClaims
    /// Phase 4's claimed batches, if not the tuned size (tests only).
    let claimBatch: Int?
    let outcome: UnsafeMutablePointer<ExactTeamOutcome<Source>>

    /// Chunk `chunk`'s bucket histogram (then offsets), followed by its sort's tables.
    @inline(__always) func histogram(_ chunk: Int) -> UnsafeMutablePointer<Int> {
        tableBase + chunk * tablesPerChunk
    }

    /// Phase 4 on claims: the end of bucket b, given the bucket starts `starts` (the
    /// samples' `count` after the last bucket).
    @inline(__always) func bucketEnd(_ b: Int, starts: UnsafePointer<Int>, bucketCount: Int, count: Int) -> Int {
        b + 1 < bucketCount ? starts[b + 1] : count
    }

    /// Phase 4: sorts the bucket of `size` words at `start` in cache, with the phase's
    /// scratch from `spareOffset` and the sort's `tables` (both ways of cutting phase 4).
    @inline(__always) func sortBucket(
        start: Int, size: Int, spare: (words: ScratchBuffer<Source.Word>, values: ScratchBuffer<Source.Value>),
        spareOffset: Int, tables: UnsafeMutablePointer<Int>
    ) {
        guard size > 1 else { return }
        if Source.Word.self == UInt128.self {
            // float64 weighted words (`PackedDoubleWeightedSource`): key in the high half,
            // read as a UInt64 (`sortHighKeyed`).
            sortHighKeyed(UnsafeMutableRawPointer(w + start).assumingMemoryBound(to: UInt128.self),
                          spare: UnsafeMutableRawPointer(spare.words.base! + spareOffset)
                            .assumingMemoryBound(to: UInt128.self),
                          count: size, tables: tables)
        } else {
            sortWords(w + start, v + start, spareWords: spare.words.base! + spareOffset,
                      spareValues: spare.values.base! + spareOffset, count: size, tables: tables,
                      ignoringLowestBit: true,  // the class bit: the sweep groups by word >> 1
                      ignoredLowBits: Source.ignoredLowBits)  // (or >> this)
        }
    }

    /// Phase 4, weighted, when its workers claim buckets (`BucketClaims`): chunk 0 sorts
    /// and sweeps batches from the front, in order, as one sweep from position 0; chunk 1
    /// batches from the back, each with a provisional sweep of its own (see
    /// `WeightedSweep`) that then takes in the region above it, swept before (`join`), so
    /// that chunk 1 ends with one summary of everything from its lowest batch up, as
    /// fixed halves did. Each chunk leaves it in `later[chunk].weighted`; the leader joins
    /// the two where the workers met. `spareOffset`: chunk 1's sort scratch.
    func sortAndSweepWeighted(
        _ worker: TeamWorker, starts: UnsafePointer<Int>, bucketCount: Int, count: Int, batch: Int,
        spare: (words: ScratchBuffer<Source.Word>, values: ScratchBuffer<Source.Value>),
        spareOffset: Int, masses: Source.Masses
    ) {
        for chunk in worker.chunks {
            let tables = histogram(chunk) + 2 * topBucketCount
            let below = belowScratch.map { $0 + chunk * weightedSweepScratchCount }
            if chunk == 0 {
                var sweep = WeightedSweep(start: 0, provisional: false, slots: blockSlots.base,
                                          below: below, masses: masses)
                while let buckets = claims.front(starts: starts, batch: batch) {
                    sortAndSweep(buckets, into: &sweep, starts: starts, bucketCount: bucketCount, count: count,
                                 spare: spare, spareOffset: 0, tables: tables)
                }
                later[0].weighted = sweep.summary
                continue
            }
            // Chunk 1: the region regionStart..<count swept so far, and its summary.
            var regionStart = count
            var region = WeightedSweepSummary()
            while let buckets = claims.back(starts: starts, bucketCount: bucketCount, total: count,
                                            batch: batch) {
                let start = starts[buckets.lowerBound]
                guard start < regionStart else { continue }  // empty buckets only
                var sweep = WeightedSweep(start: start, provisional: true, slots: blockSlots.base,
                                          below: below, masses: masses)
                sortAndSweep(buckets, into: &sweep, starts: starts, bucketCount: bucketCount, count: count,
                             spare: spare, spareOffset: spareOffset, tables: tables)
                if regionStart == count {
                    region = sweep.summary
                } else {
                    region = join(&sweep, upper: region, regionStart: regionStart,
                                  firstBucket: buckets.upperBound, starts: starts,
                                  bucketCount: bucketCount, count: count)
                }
                regionStart = start
            }
            later[1].weighted = region
        }
    }

    /// Phase 4, weighted, on claims: sorts `buckets` in cache and sweeps them with `sweep`,
    /// bucket by bucket. (A function of its own: inlined in `sortAndSweepWeighted`, the
    /// sweep's loop kept its pointers on the stack and took a fifth longer; and the group
    /// shift a constant, not a parameter: a variable shift of 128-bit words made the
    /// float64 sweep 1.7 times as long.)
    @inline(never) func sortAndSweep(
        _ buckets: Range<Int>, into sweep: inout WeightedSweep<Source.Masses>, starts: UnsafePointer<Int>,
        bucketCount: Int, count: Int, spare: (words: ScratchBuffer<Source.Word>, values: ScratchBuffer<Source.Value>),
        spareOffset: Int, tables: UnsafeMutablePointer<Int>
    ) {
        for b in buckets {
            let start = starts[b], size = bucketEnd(b, starts: starts, bucketCount: bucketCount, count: count) - start
            sortBucket(start: start, size: size, spare: spare, spareOffset: spareOffset, tables: tables)
            sweep.sweep(w + start, count: size, offset: start, groupShift: Source.ignoredLowBits)
        }
    }

    /// `lower`, a provisional sweep that has swept everything below `regionStart` from its
    /// own start, takes in the region regionStart..<count (which starts at bucket
    /// `firstBucket`), swept before by sweeps of its own and summarized in `upper`: if a
    /// block starts at regionStart, `lower` closes its block there and `upper`'s first
    /// block, kept aside, is stored; if not, that first block is the rest of `lower`'s
    /// open block, so `lower` sweeps on through it and closes the block where `upper`
    /// closed it (through the whole region if `upper` closed none). The blocks after it
    /// are stored already, and are the serial sweep's (they start where it starts blocks,
    /// and each block's sums start from zero). Returns the joined region's summary.
    @inline(__always) func join(
        _ lower: inout WeightedSweep<Source.Masses>, upper: WeightedSweepSummary, regionStart: Int,
        firstBucket: Int, starts: UnsafePointer<Int>, bucketCount: Int, count: Int
    ) -> WeightedSweepSummary {
        let groupShift = Source.ignoredLowBits
        var end = regionStart
        if !lower.startsBlock(at: regionStart) {
            let blockEnd = upper.firstBlockEnd >= 0 ? upper.firstBlockEnd : count
            var b = firstBucket
            // Bucket by bucket (equal words in two buckets are not equal scores); the
            // block's end is a group start.
            while b < bucketCount && starts[b] < blockEnd {
                let lo = starts[b]
                let hi = Swift.min(bucketEnd(b, starts: starts, bucketCount: bucketCount, count: count), blockEnd)
                lower.sweep(w + lo, count: hi - lo, offset: lo, groupShift: groupShift)
                b += 1
            }
            if upper.firstBlockEnd < 0 { return lower.summary }
            end = blockEnd
        } else if upper.firstBlockEnd >= 0 {
            blockSlots.base![regionStart / weightedBlockLength] = upper.firstBlock
        }
        lower.closeBlock(at: end)
        var joined = lower.summary
        joined.openBlockStart = upper.openBlockStart
        joined.openBlock = upper.openBlock
        joined.lastGroupStart = upper.lastGroupStart
        return joined
    }

    /// Phases 1 to 4 on `worker`'s chunks; the leader also combines the chunks' results.
    func run(_ worker: TeamWorker) {
        // Phase 1: class sizes, largest weights, the bits that vary between keys (and,
        // for large inputs, the histogram of the keys' top `prefixBits` bits).
        for chunk in worker.chunks {
            var t = PhaseOneTally<Key>()
            var invalid = 0
            let ph = prefixBase.map { $0 + chunk * prefixCount }
            ph?.initialize(repeating: 0, count: prefixCount)
            // Blocks of 1024 samples: checked first (a loop without branches, which
            // vectorizes) if the inputs are unvalidated, then tallied while in L1.
            let range = chunkRange(chunk, of: chunkCount, count: n)
            var blockStart = range.lowerBound
            while blockStart < range.upperBound {
                let block = blockStart..<Swift.min(blockStart + 1024, range.upperBound)
                if Source.checksInputs {
                    invalid |= source.anyInvalid(block) ? 1 : 0
                }
                source.tallyBlock(block, into: &t, prefix: ph, prefixShift: prefixShift)
                blockStart = block.upperBound
            }
            if !Source.isWeighted {  // every sample is included
                t.negatives = range.count - t.positives
            }
            first[chunk] = ChunkTally(andKeys: UInt64(t.andKeys), orKeys: UInt64(t.orKeys),
                                      positives: t.positives, negatives: t.negatives, invalid: invalid,
                                      maxPositiveWeight: t.maxPositive, maxNegativeWeight: t.maxNegative)
        }
        worker.synchronize()
        var positives = 0, negatives = 0, maxPositive = 0.0, maxNegative = 0.0
        var andKeys = UInt64.max, orKeys: UInt64 = 0
        var invalid = 0
        for chunk in 0..<chunkCount {
            invalid |= first[chunk].invalid
            positives += first[chunk].positives
            negatives += first[chunk].negatives
            maxPositive = Swift.max(maxPositive, first[chunk].maxPositiveWeight)
            maxNegative = Swift.max(maxNegative, first[chunk].maxNegativeWeight)
            andKeys &= first[chunk].andKeys
            orKeys |= first[chunk].orKeys
        }
        if Source.checksInputs && invalid != 0 {
            if worker.isLeader { outcome.pointee.inputsInvalid = true }
            return
        }
        guard positives > 0 && negatives > 0 else { return }
        // Multiply by powers of two, not divide by the maxima themselves: exact, so integer
        // and dyadic weights stay exact and rescaled inputs give the same bits.
        let positiveFactor = massFactor(maxPositive)
        let negativeFactor = massFactor(maxNegative)
        let varying = Key(truncatingIfNeeded: andKeys ^ orKeys)
        guard varying != 0 else {
            // Every score tied: each pair counts 1/2.
            if worker.isLeader { outcome.pointee.result = 0.5 }
            return
        }
        let count = positives + negatives
        // Word layout: key << drop puts the top varying bit at the top; its top
        // `digitBits` bits are the bucket; the rest, shifted up, with the class below.
        let drop = varying.leadingZeroBitCount
        // Phase 2 can sum the prefix histogram if the bucket bits lie within the prefix
        // (else it reads the keys again). When the keys share more than
        // prefixBits - topDigitBits top bits (scores in a narrower range, e.g. all in
        // [2^-7, 1)), the buckets take only the varying bits within the prefix, if there
        // are at least `prefixMinimumDigitBits`: fewer, larger buckets, but no second
        // read of the scores and weights. The buckets never change the result (the sweeps
        // depend on the sorted sequence alone).
        let sizeDigitBits = Swift.max(4, Int.bitWidth - count.leadingZeroBitCount - smallInputDigitShift)
        let fullDigitBits = Swift.min(topDigitBits, Key.bitWidth - drop, sizeDigitBits)
        let digitBits = prefixBase != nil && drop + fullDigitBits > prefixBits
            && prefixBits - drop >= prefixMinimumDigitBits ? prefixBits - drop : fullDigitBits
        let fromPrefix = prefixBase != nil && drop + digitBits <= prefixBits
        let bucketShift = Key.bitWidth - digitBits
        let bucketCount = 1 << digitBits
        @inline(__always) func bucket(_ key: Key) -> Int {
            Int(truncatingIfNeeded: (key &<< drop) &>> bucketShift)
        }
        // Float64 scores of both signs, or of one sign where the top-bit buckets would
        // crowd: buckets by value (`KeyRangeBuckets`), the same count; the word's key is
        // the key less its sign bit, or less the bits every key shares.
        let ranged: KeyRangeBuckets?
        if Key.bitWidth == 64 && count >= KeyRangeBuckets.threshold {
            @inline(__always) func key64(_ i: Int) -> UInt64 { UInt64(truncatingIfNeeded: source.key(i)) }
            ranged = drop == 0 ? KeyRangeBuckets(signedCount: n, halfBits: digitBits - 1, key: key64)
                : KeyRangeBuckets(count: n, bits: digitBits, drop: drop,
                                  topBit: UInt64(truncatingIfNeeded: andKeys) >> 63, key: key64)
        } else {
            ranged = nil
        }

        // Phase 2: bucket histogram per chunk: from the prefix histogram (the keys lie in
        // [andKeys, orKeys], so their prefixes in the same range of the prefix's), or
        // from the keys: when every sample is in (unweighted, or no weight 0), without
        // reading the weights.
        let everyIncluded = count == n
        for chunk in worker.chunks {
            let h = histogram(chunk)
            h.initialize(repeating: 0, count: bucketCount)
            if fromPrefix, let prefixBase {
                let ph = prefixBase + chunk * prefixCount
                let prefixDrop = prefixBits - drop - digitBits
                let digitMask = bucketCount - 1
                let lowest = Int(truncatingIfNeeded: andKeys &>> UInt64(prefixShift))
                let highest = Int(truncatingIfNeeded: orKeys &>> UInt64(prefixShift))
                for p in lowest...highest {
                    h[(p &>> prefixDrop) & digitMask] &+= Int(ph[p])
                }
            } else if let ranged {
                histogramByRange(source, chunkRange(chunk, of: chunkCount, count: n), ranged,
                                 everyIncluded: everyIncluded, into: h)
            } else if everyIncluded {
                for i in chunkRange(chunk, of: chunkCount, count: n) {
                    h[bucket(source.key(i))] &+= 1
                }
            } else {
                for i in chunkRange(chunk, of: chunkCount, count: n) where source.isIncluded(i) {
                    h[bucket(source.key(i))] &+= 1
                }
            }
        }
        worker.synchronize()
        // Bucket ends (same on every worker) and phase 4's split: chunk 1 starts at the
        // first bucket that starts at or after the middle of the work, counted as one unit
        // per sample plus `bucketCost` per non-empty bucket (its fixed costs).
        var splitBucket = bucketCount, splitIndex = count
        var largestBucket = (0, 0)  // of chunk 0 and chunk 1
        do {
            var totalWork = 0
            for b in 0..<bucketCount {
                var size = 0
                for chunk in 0..<chunkCount { size &+= histogram(chunk)[b] }
                totalWork &+= size > 0 ? size &+ bucketCost : 0
            }
            var running = 0, work = 0
            for b in 0..<bucketCount {
                if work >= totalWork / 2 && splitBucket == bucketCount && chunkCount == 2 {
                    splitBucket = b
                    splitIndex = running
                }
                var size = 0
                for chunk in 0..<chunkCount { size &+= histogram(chunk)[b] }
                work &+= size > 0 ? size &+ bucketCost : 0
                if b < splitBucket {
                    largestBucket.0 = Swift.max(largestBucket.0, size)
                } else {
                    largestBucket.1 = Swift.max(largestBucket.1, size)
                }
                running += size
            }
        }
        // On two chunks, phase 4's workers claim batches of buckets from the two ends
        // (`BucketClaims`) instead of taking the halves cut above: each then needs scratch
        // for the largest bucket of all (used only while that is at most half the samples,
        // so that the scratch stays within n words as before).
        let largestOfAll = Swift.max(largestBucket.0, largestBucket.1)
        let claimed = chunkCount == 2 && 2 * largestOfAll <= count
        if worker.isLeader {
            // Seen by the other worker after phase 3's synchronize().
            // try? (not do/catch into `any Error`, which would allocate a box while
            // memory is short).
            let spareCount = claimed ? 2 * largestOfAll : largestBucket.0 + largestBucket.1
            if claimed { claims.reset(bucketCount: bucketCount) }
            if let spareWords = try? ScratchBuffer<Source.Word>(count: spareCount) {
                if let spareValues = try? ScratchBuffer<Source.Value>(count: spareCount) {
                    outcome.pointee.spare = (spareWords, spareValues)
                } else {
                    spareWords.free()
                }
            }
            outcome.pointee.spareAllocationFailed = outcome.pointee.spare == nil
        }

        // Phase 3: scatter words (and values) into bucket order. Offsets: earlier buckets,
        // then this bucket's samples from earlier chunks (stable).
        for chunk in worker.chunks {
            let offsets = histogram(chunk) + bucketCount  // this chunk's own area, after h
            var running = 0
            for b in 0..<bucketCount {
                for other in 0..<chunkCount {
                    if other == chunk { offsets[b] = running }
                    running += histogram(other)[b]
                }
            }
            if let ranged {
                // Value buckets (weighted or not).
                scatterByRange(source, chunkRange(chunk, of: chunkCount, count: n), ranged,
                               offsets: offsets, words: w, values: v,
                               positiveFactor: positiveFactor, negativeFactor: negativeFactor)
            } else if Source.isWeighted {
                // Locals, not the team's fields, so that they stay in registers through
                // the loop (measured: weighted float32 -7% process CPU time at n = 10^6;
                // the same change made the unweighted loop slower, so it keeps its form).
                let source = self.source, w = self.w, v = self.v
                let drop = drop, digitBits = digitBits, bucketShift = bucketShift
                for i in chunkRange(chunk, of: chunkCount, count: n) where source.isIncluded(i) {
                    let key = source.key(i)
                    let shifted = key &<< drop
                    let b = Int(truncatingIfNeeded: shifted &>> bucketShift)
                    let p = offsets[b]
                    w[p] = source.word(i, shiftedKey: shifted &<< digitBits,
                                       positiveFactor: positiveFactor, negativeFactor: negativeFactor)
                    v[p] = source.value(i, positiveFactor: positiveFactor, negativeFactor: negativeFactor)
                    offsets[b] = p &+ 1
                }
            } else {
                for i in chunkRange(chunk, of: chunkCount, count: n) where source.isIncluded(i) {
                    let key = source.key(i)
                    let b = bucket(key)
                    let p = offsets[b]
                    w[p] = source.word(i, shiftedKey: (key &<< drop) &<< digitBits,
                                       positiveFactor: positiveFactor, negativeFactor: negativeFactor)
                    v[p] = source.value(i, positiveFactor: positiveFactor, negativeFactor: negativeFactor)
                    offsets[b] = p &+ 1
                }
            }
        }
        worker.synchronize()

        // Phase 4: sort each bucket in cache and sweep it.
        guard !outcome.pointee.spareAllocationFailed, let spare = outcome.pointee.spare
        else { return }
        let masses = source.masses(words: w, values: v, positiveFactor: positiveFactor,
                                   negativeFactor: negativeFactor)
        let groupShift = Source.ignoredLowBits
        if claimed {
            // Bucket starts in this worker's offset table (phase 3 is done with it; the
            // other worker may still read the histograms).
            let starts = histogram(worker.chunks.lowerBound) + bucketCount
            var running = 0
            for b in 0..<bucketCount {
                starts[b] = running
                for other in 0..<chunkCount { running += histogram(other)[b] }
            }
            let batch = claimBatch ?? Swift.max(
                claimBatchMinimum, count / (Source.isWeighted ? weightedClaimBatchesPerCall : claimBatchesPerCall))
            if Source.isWeighted {
                sortAndSweepWeighted(worker, starts: starts, bucketCount: bucketCount, count: count,
                                     batch: batch, spare: spare, spareOffset: largestOfAll,
                                     masses: masses)
            } else {
                @inline(__always) func sortAndSweep(_ buckets: Range<Int>, spareOffset: Int,
                                                    tables: UnsafeMutablePointer<Int>) -> ChunkTally {
                    var sweep = SweepState()
                    for b in buckets {
                        let start = starts[b]
                        let size = bucketEnd(b, starts: starts, bucketCount: bucketCount, count: count) - start
                        sortBucket(start: start, size: size, spare: spare, spareOffset: spareOffset, tables: tables)
                        sweep.sweepUnweighted(w + start, count: size)
                    }
                    return sweep.tally
                }
                // Chunk 0: batches from the front, in order; chunk 1: batches from the back,
                // each put before those of later buckets (`ChunkTally.followed`). A worker
                // that owns both chunks (no second thread) takes every batch from the front.
                for chunk in worker.chunks {
                    let tables = histogram(chunk) + 2 * topBucketCount
                    if chunk == 0 {
                        var tally = ChunkTally()
                        while let buckets = claims.front(starts: starts, batch: batch) {
                            tally = tally.followed(by: sortAndSweep(buckets, spareOffset: 0, tables: tables))
                        }
                        later[0] = tally
                    } else {
                        var tally = ChunkTally()
                        while let buckets = claims.back(starts: starts, bucketCount: bucketCount, total: count,
                                                        batch: batch) {
                            tally = sortAndSweep(buckets, spareOffset: largestOfAll, tables: tables).followed(by: tally)
                        }
                        later[1] = tally
                    }
                }
            }
        } else {
            for chunk in worker.chunks {
                let spareOffset = chunk == 0 ? 0 : largestBucket.0
                let buckets = chunk == 0 ? 0..<splitBucket : splitBucket..<bucketCount
                var start = chunk == 0 ? 0 : splitIndex
                // Bucket sizes from the phase-2 histograms (phase 3 wrote only the offset
                // tables that follow them; phase 4 sorts with the tables after those).
                var sweep = SweepState()
                var weightedSweep = WeightedSweep(
                    start: start, provisional: chunk != 0, slots: blockSlots.base,
                    below: belowScratch.map { $0 + chunk * weightedSweepScratchCount },
                    masses: masses)
                let sortTables = histogram(chunk) + 2 * topBucketCount
                for b in buckets {
                    var size = 0
                    for other in 0..<chunkCount { size += histogram(other)[b] }
                    sortBucket(start: start, size: size, spare: spare, spareOffset: spareOffset, tables: sortTables)
                    if Source.isWeighted {
                        weightedSweep.sweep(w + start, count: size, offset: start, groupShift: groupShift)
                    } else {
                        sweep.sweepUnweighted(w + start, count: size)
                    }
                    start += size
                }
                later[chunk] = sweep.tally
                if Source.isWeighted { later[chunk].weighted = weightedSweep.summary }
            }
        }
        worker.synchronize()
        guard worker.isLeader else { return }
        if Source.isWeighted {
            // Blocks at the chunks' edges (see `WeightedSweep`), then every block in order.
            // With claims, the chunks meet where the two workers' batches met.
            let splitIndex = claimed
                ? claims.meeting(starts: histogram(0) + bucketCount, bucketCount: bucketCount, total: count)
                : splitIndex
            let edge0 = later[0].weighted
            let edge1 = chunkCount == 2 ? later[1].weighted : edge0
            @inline(__always) func store(_ start: Int, _ block: WeightedBlock) {
                blockSlots.base![start / weightedBlockLength] = block
            }
            if chunkCount == 1 || splitIndex == count {
                store(edge0.openBlockStart, edge0.openBlock)
            } else if splitIndex == 0 {
                if edge1.firstBlockEnd >= 0 { store(0, edge1.firstBlock) }
                store(edge1.openBlockStart, edge1.openBlock)
            } else if splitIndex >= (edge0.lastGroupStart / weightedBlockLength + 1)
                        * weightedBlockLength {
                // A block starts at the split: both edge blocks are whole.
                store(edge0.openBlockStart, edge0.openBlock)
                if edge1.firstBlockEnd >= 0 { store(splitIndex, edge1.firstBlock) }
                store(edge1.openBlockStart, edge1.openBlock)
            } else {
                // One block straddles the split: swept again here, whole, bucket by bucket.
                let blockStart = edge0.openBlockStart
                let blockEnd = edge1.firstBlockEnd >= 0 ? edge1.firstBlockEnd : count
                // (Chunk 0's scratch: both chunks' sweeps are done.)
                var again = WeightedSweep(start: blockStart, provisional: false,
                                          slots: blockSlots.base, below: belowScratch,
                                          masses: masses)
                var bucketStart = 0
                for b in 0..<bucketCount where bucketStart < blockEnd {
                    var size = 0
                    for other in 0..<chunkCount { size += histogram(other)[b] }
                    let lower = Swift.max(bucketStart, blockStart)
                    let upper = Swift.min(bucketStart + size, blockEnd)
                    if lower < upper {
                        again.sweep(w + lower, count: upper - lower, offset: lower,
                                    groupShift: groupShift)
                    }
                    bucketStart += size
                }
                // No block starts inside (blockStart, blockEnd): `again` closed none.
                store(blockStart, again.summary.openBlock)
                if edge1.firstBlockEnd >= 0 { store(edge1.openBlockStart, edge1.openBlock) }
            }
            outcome.pointee.result = combineWeightedBlocks(blockSlots.buffer)
        } else {
            var s1: UInt128 = 0, s2: UInt128 = 0
            var positivesBefore: UInt128 = 0, negativesBefore: UInt128 = 0
            for chunk in 0..<chunkCount {
                let t = later[chunk]
                s1 += t.belowPositives + UInt128(t.positives) * negativesBefore
                s2 += t.belowNegatives + UInt128(t.negatives) * positivesBefore
                positivesBefore += UInt128(t.positives)
                negativesBefore += UInt128(t.negatives)
            }
            let pairs = UInt128(positives) * UInt128(negatives)
            outcome.pointee.result = correctlyRoundedRatio(s1 + (pairs - s2), 2 * pairs)
            let topBits = UInt64(truncatingIfNeeded: andKeys) & ~(UInt64.max >> drop)
            outcome.pointee.sortedLayout = ranged.map {
                // Two pieces: the digit is the piece, the sign bit; one piece: no digit.
                $0.isSigned ? SortedWordLayout(drop: 0, digitBits: 1, bucketCount: $0.bucketCount, topBits: 0,
                                               bucketDigitShift: $0.pieceBits)
                    : SortedWordLayout(drop: drop, digitBits: 0, bucketCount: $0.bucketCount, topBits: topBits,
                                       bucketDigitShift: 63)
            } ?? SortedWordLayout(
                drop: drop, digitBits: digitBits, bucketCount: bucketCount, topBits: topBits)
        }
    }
}

/// The running state of the sweep over one chunk's sorted buckets, in order.
private struct SweepState {
    private var positivesSeen: UInt64 = 0
    private var negativesSeen: UInt64 = 0
    private var s1: UInt128 = 0
    private var s2: UInt128 = 0

    var tally: ChunkTally {
        ChunkTally(positives: Int(positivesSeen), negatives: Int(negativesSeen),
                   belowPositives: s1, belowNegatives: s2)
    }

    /// One sorted bucket, unweighted. Equal scores are equal words but for the class bit;
    /// a new bucket always starts a new group. Branch-free in the classes. The bucket's
    /// own sums are at most count^2 / 4: 64-bit accumulators below 2^32 samples, 128-bit
    /// above; 64-bit words without ties from closed forms (`sweepWithoutTies`), 32-bit
    /// words from the same closed forms corrected for their ties
    /// (`sweepWithTieCorrections`).
    mutating func sweepUnweighted<Word: FixedWidthInteger & UnsignedInteger>(
        _ words: UnsafeMutablePointer<Word>, count: Int
    ) {
        guard count > 0 else { return }
        if count > Int(UInt32.max) {
            sweepUnweighted(words, count: count, accumulator: UInt128.self)
        } else if Word.self == UInt32.self && count > Self.tieDistance &+ 1
                    && !mostlyLongGroups(UnsafeMutableRawPointer(words).assumingMemoryBound(to: UInt32.self),
                                         count: count) {
            sweepWithTieCorrections(UnsafeMutableRawPointer(words).assumingMemoryBound(to: UInt32.self),
                                    count: count)
        } else if Word.bitWidth < 64 || !sweepWithoutTies(words, count: count) {
            sweepUnweighted(words, count: count, accumulator: UInt64.self)
        }
    }

    /// Whether at least 3 of 8 evenly spaced words of the bucket lie in groups of more than
    /// `tieDistance + 1` equal scores (each tied with the word that far after it), as when
    /// the scores take few values (rounded to 3 decimals: groups of hundreds). Then
    /// `sweepWithTieCorrections` would walk most words a second time and cost about twice
    /// the loop (float32, 10^6 scores rounded to 3 decimals: the sweep's perf samples
    /// 1,246-1,316 with the loop, 2,320-2,642 with it), so the loop takes the bucket. Its
    /// routes give the same integers, so the choice changes no result. Continuous
    /// float32 scores have about 1% of their words in such groups at 10^7 (none at 10^6).
    @inline(__always)
    private func mostlyLongGroups(_ words: UnsafeMutablePointer<UInt32>, count: Int) -> Bool {
        let span = count &- Self.tieDistance &- 1  // >= 1, so k < span: k + tieDistance + 1 < count
        var hits = 0
        for m in 0..<8 {
            let k = span &* m / 8
            hits &+= words[k] &>> 1 == words[k &+ Self.tieDistance &+ 1] &>> 1 ? 1 : 0
        }
        return hits >= 3
    }

    /// `sweepWithTieCorrections`' main pass pairs each word with the next `tieDistance`
    /// (written out there as three); longer groups are finished by a second pass.
    private static let tieDistance = 3

    /// `sweepUnweighted` for a bucket of `tieDistance + 2` to 2^32 - 1 32-bit words
    /// (float32 scores, which tie often), from the closed forms of `sweepWithoutTies` less
    /// what they count for tied pairs. There, a negative at a lower position than a
    /// positive counts as below it, and conversely; in a group of equal scores neither is
    /// below the other. So with `negativeFirst` the number of pairs (a < b) of equal scores
    /// with a negative at a and a positive at b, and `positiveFirst` the pairs with a
    /// positive at a and a negative at b,
    ///
    ///     s1 = S - P (P - 1) / 2 - negativeFirst,
    ///     s2 = (c (c - 1) / 2 - S) - N (N - 1) / 2 - positiveFirst.
    ///
    /// The words are sorted, so words a < b are equal (but for the class bit) exactly when
    /// a and b are in one group. One pass, eight words at a time in 32-bit lanes, counts P,
    /// S and the tied pairs at distance 1 to `tieDistance`, and whether any pair is at
    /// distance `tieDistance + 1` (a group of more words); only then does a second pass
    /// count the farther pairs, walking each such group once (linear in the bucket,
    /// whatever its groups). The last words (fewer than 8 + tieDistance + 1) count all
    /// their pairs one by one. Tied neighbours: 3.3% at 10^6 sigmoid(N(0, 1) + label)
    /// float32 scores (groups of at most 4 words), 26% at 10^7 (groups of up to 9), which
    /// the loop of `sweepUnweighted` handled by carrying five counts from sample to sample.
    /// The same integers (wrapping arithmetic: every result is in [0, 2^63)), so the same
    /// result. Measured (C driver, float32, three alternating processes): the sweep's perf
    /// samples at n = 10^6 1,173-1,335 -> 601-709, at 10^7 1,553-1,732 -> 1,008-1,042; the
    /// same pass on 64-bit counts (in four lanes, with spills) had saved nothing.
    @inline(__always)
    private mutating func sweepWithTieCorrections(_ words: UnsafeMutablePointer<UInt32>, count: Int) {
        // 1 if a and b are equal but for the class bit, else 0 (integer operations only:
        // x | -x has its top bit set iff x != 0).
        @inline(__always) func tied(_ a: UInt32, _ b: UInt32) -> UInt64 {
            let x = (a ^ b) &>> 1
            return UInt64(((x | (0 &- x)) &>> 31) ^ 1)
        }
        @inline(__always) func tied8(_ a: SIMD8<UInt32>, _ b: SIMD8<UInt32>) -> SIMD8<UInt32> {
            let x = (a ^ b) &>> 1
            return ((x | (0 &- x)) &>> 31) ^ 1
        }
        let raw = UnsafeRawPointer(words)
        @inline(__always) func load(_ k: Int) -> SIMD8<UInt32> {
            raw.loadUnaligned(fromByteOffset: k &* 4, as: SIMD8<UInt32>.self)
        }
        let d = Self.tieDistance
        var positives: UInt64 = 0, positionSum: UInt64 = 0
        var negativeFirst: UInt64 = 0, positiveFirst: UInt64 = 0, farther: UInt64 = 0
        // The words with at least tieDistance + 1 after them, in steps of 8 (the loads
        // then stay below `count`). Per block of `block` words each lane's counts stay
        // far below 2^32: at most 3 block / 8 tied pairs, block / 8 positives, positions
        // from the block's start summed to under block^2 / 8.
        let vectorEnd = Swift.max(0, count &- d &- 1) & ~7
        let block = 4096
        let lanes = SIMD8<UInt32>(0, 1, 2, 3, 4, 5, 6, 7)
        var i = 0
        while i < vectorEnd {
            let blockStart = i, blockEnd = Swift.min(vectorEnd, i &+ block)
            var pos = SIMD8<UInt32>(), posSum = SIMD8<UInt32>()
            var negFirst = SIMD8<UInt32>(), posFirst = SIMD8<UInt32>(), far = SIMD8<UInt32>()
            while i < blockEnd {
                let w0 = load(i), w1 = load(i &+ 1), w2 = load(i &+ 2), w3 = load(i &+ 3)
                let c0 = w0 & 1, c1 = w1 & 1, c2 = w2 & 1, c3 = w3 & 1
                let t1 = tied8(w0, w1), t2 = tied8(w0, w2), t3 = tied8(w0, w3)
                pos &+= c0
                posSum &+= (lanes &+ UInt32(truncatingIfNeeded: i &- blockStart)) & (0 &- c0)
                negFirst &+= (t1 & c1 &+ t2 & c2 &+ t3 & c3) & (c0 &- 1)
                posFirst &+= (t1 & (c1 ^ 1) &+ t2 & (c2 ^ 1) &+ t3 & (c3 ^ 1)) & (0 &- c0)
                far |= tied8(w0, load(i &+ d &+ 1))
                i &+= 8
            }
            let blockPositives = UInt64(pos.wrappedSum())
            positives &+= blockPositives
            positionSum &+= UInt64(posSum.wrappedSum()) &+ UInt64(truncatingIfNeeded: blockStart) &* blockPositives
            negativeFirst &+= UInt64(negFirst.wrappedSum())
            positiveFirst &+= UInt64(posFirst.wrappedSum())
            farther |= UInt64(far.wrappedSum())
        }
        // The rest: every pair (at most 8 + tieDistance words).
        while i < count {
            let w0 = words[i], c0 = UInt64(w0 & 1)
            positives &+= c0
            positionSum &+= UInt64(truncatingIfNeeded: i) & (0 &- c0)
            var b = i &+ 1
            while b < count {
                let t = tied(w0, words[b]), cb = UInt64(words[b] & 1)
                negativeFirst &+= t & cb & (c0 &- 1)
                positiveFirst &+= t & (cb ^ 1) & (0 &- c0)
                b &+= 1
            }
            i &+= 1
        }
        if farther != 0 {
            // Groups of more than `tieDistance + 1` words: the pairs farther apart whose
            // lower word the vector pass took (the rest counted every pair of its own), in
            // one walk along each such group (the scan steps over whole groups, so the
            // first word it finds tied at that distance starts one): each word b paired
            // with the group's words at least tieDistance + 1 before it.
            var a = 0
            while a < vectorEnd {
                guard tied(words[a], words[a &+ d &+ 1]) != 0 else { a &+= 1; continue }
                let head = words[a]
                var positivesBehind: UInt64 = 0, negativesBehind: UInt64 = 0
                var b = a &+ d &+ 1
                while b < count && tied(head, words[b]) != 0 {
                    if b &- d &- 1 < vectorEnd {
                        let behind = UInt64(words[b &- d &- 1] & 1)
                        positivesBehind &+= behind
                        negativesBehind &+= behind ^ 1
                    }
                    let cb = UInt64(words[b] & 1)
                    negativeFirst &+= negativesBehind & (0 &- cb)
                    positiveFirst &+= positivesBehind & (cb &- 1)
                    b &+= 1
                }
                a = b
            }
        }
        addClosedForms(count: count, positives: positives, positionSum: positionSum,
                       negativeFirst: negativeFirst, positiveFirst: positiveFirst)
    }

    /// A bucket of `count` (< 2^32) sorted samples with `positives` positives whose local
    /// positions sum to S (`positionSum`): s1 = S - P (P - 1) / 2 - negativeFirst and
    /// s2 = (c (c - 1) / 2 - S) - N (N - 1) / 2 - positiveFirst, the tied pairs' shares
    /// (0 without ties; see `sweepWithoutTies`, `sweepWithTieCorrections`), added to the
    /// running sums with the bucket's pairs with earlier samples. Wrapping arithmetic:
    /// every result is in [0, 2^63).
    @inline(__always)
    private mutating func addClosedForms(count: Int, positives: UInt64, positionSum: UInt64,
                                         negativeFirst: UInt64, positiveFirst: UInt64) {
        let c = UInt64(truncatingIfNeeded: count), negatives = c &- positives
        let localS1 = (positionSum &- (positives &* (positives &- 1)) / 2) &- negativeFirst
        let localS2 = ((c &* (c &- 1) / 2 &- positionSum) &- (negatives &* (negatives &- 1)) / 2) &- positiveFirst
        s1 += UInt128(localS1) + UInt128(positives) * UInt128(negativesSeen)
        s2 += UInt128(localS2) + UInt128(negatives) * UInt128(positivesSeen)
        positivesSeen += positives
        negativesSeen += negatives
    }

    /// `sweepUnweighted` for a bucket of at most 2^32 - 1 samples without two equal scores,
    /// from closed forms (false, and nothing changed, if it has some). Then every sample is
    /// its own group: the k-th positive (from 0) at local position i has i - k negatives
    /// below it, the k-th negative at j has j - k positives below it, so with P positives
    /// whose positions sum to S, N negatives, c = P + N,
    ///
    ///     s1 = S - P (P - 1) / 2,   s2 = (c (c - 1) / 2 - S) - N (N - 1) / 2.
    ///
    /// Whether two neighbours are equal (`neighboursDiffer`), then P and S, take two
    /// passes without carried dependencies (in SIMD lanes), where the loop of
    /// `sweepUnweighted` carries five counts from sample to sample. The same integers, so
    /// the same result. (S < c^2 / 2 < 2^63.) Measured (C driver, float64 at n = 10^6,
    /// three alternating processes): the sweep's perf samples 803-950 -> 238-298 with
    /// both in one pass, 315-326 (against 262-293 for that one pass) as two. Words of 32
    /// bits (float32 scores) do not try: their 24-bit significands tie often (3.3% of
    /// sorted neighbours at 10^6 sigmoid(N(0, 1) + label) scores, so nearly every bucket
    /// of hundreds has a tie), and the one-pass form's wasted pass cost them 17%; they
    /// take `sweepWithTieCorrections` (a scalar walk of the tie groups for the
    /// corrections had doubled the sweep's samples; its pass in SIMD lanes halves them).
    @inline(__always)
    private mutating func sweepWithoutTies<Word: FixedWidthInteger & UnsignedInteger>(
        _ words: UnsafeMutablePointer<Word>, count: Int
    ) -> Bool {
        guard neighboursDiffer(words, 0..<(count - 1), above: 1) else { return false }
        var positives: UInt64 = 0, positionSum: UInt64 = 0
        var i = 0
        while i < count {
            let positive = UInt64(truncatingIfNeeded: words[i] & 1)
            positives &+= positive
            positionSum &+= UInt64(truncatingIfNeeded: i) & (0 &- positive)
            i &+= 1
        }
        addClosedForms(count: count, positives: positives, positionSum: positionSum,
                       negativeFirst: 0, positiveFirst: 0)
        return true
    }

    private mutating func sweepUnweighted<Word: FixedWidthInteger, A: FixedWidthInteger & UnsignedInteger>(
        _ words: UnsafeMutablePointer<Word>, count: Int, accumulator: A.Type
    ) {
        // Local counts from the bucket's start; the bucket's pairs with earlier samples
        // are added at the end: its positives x earlier negatives, and conversely.
        var positives: A = 0, negatives: A = 0
        var positivesBelowGroup: A = 0, negativesBelowGroup: A = 0
        var localS1: A = 0, localS2: A = 0
        var previous = words[0] &>> 1
        for i in 0..<count {
            let word = words[i]
            let group = word &>> 1
            let newGroup = group != previous
            positivesBelowGroup = newGroup ? positives : positivesBelowGroup
            negativesBelowGroup = newGroup ? negatives : negativesBelowGroup
            previous = group
            let positive = A(word & 1)
            let negative = 1 &- positive
            localS1 &+= positive &* negativesBelowGroup
            localS2 &+= negative &* positivesBelowGroup
            positives &+= positive
            negatives &+= negative
        }
        s1 += UInt128(localS1) + UInt128(positives) * UInt128(negativesSeen)
        s2 += UInt128(localS2) + UInt128(negatives) * UInt128(positivesSeen)
        positivesSeen += UInt64(positives)
        negativesSeen += UInt64(negatives)
    }
}

// MARK: - The weighted sweep
//
// What it computes. With the masses m (weights times the class's power-of-two
// `massFactor`) of the samples in sorted order, grouped by equal scores,
//
//     U = sum over groups g of P_g (N_<g + N_g / 2),   W_pos = sum P_g,   W_neg = sum N_g,
//
// (P_g, N_g: the group's positive and negative mass; N_<g: the negative mass of lower
// groups), and the result is U / (W_pos W_neg), which is the AUROC's rational value
// (the scales cancel).
//
// Same bits whatever the layout (float32 and float64, either CPU build, one thread or two).
// The arithmetic is a fixed function of the sorted sequence alone, never of the buckets,
// of where phase 4 splits the work, or of the thread count:
//  - Canonical blocks: a block starts at position 0 and at each group start p such that a
//    multiple of `blockLength` lies in (p', p], p' the previous group start. Each block's
//    sums are computed from zero (`WeightedBlock`); the leader then combines the blocks in
//    order (`combineWeightedBlocks`). A chunk cannot tell whether its own first position
//    is a block start (that depends on the previous chunk's last group), so it keeps its
//    first block aside; the leader either stores it, or sweeps the one block that
//    straddles the split again, whole.
//  - Within a group, the masses are summed in their order in the sorted sequence. Only
//    same-class masses are summed together (P and N apart; adding the other class's
//    zero is an exact no-op), and the scatter is in input order and every pass of the
//    sorts is stable and orders by the key alone (`ignoredLowBits`: not by the class bit,
//    nor by the weight bits of float32 words, even in the insertion sort), so tied samples
//    are in input order in every layout.
//  - The sums use only IEEE-specified operations (+, *, fused multiply-add, max), so each
//    is the same bits on both builds (the SSE2 build calls libm's fma, correctly rounded
//    as the instruction is); Swift does not contract a * b + c on its own.
// float32 inputs have the same masses as their float64 widening (the weights widen
// exactly and the scale, a power of two, is the same), the same order keys' order and
// ties, so they go through the same operations on the same values.
//
// Accuracy (within 1 ulp of the rational value). All masses are >= 0, so every sum is of
// non-negative terms and no relative error is amplified by cancellation. Each sum is a
// double-double hi + lo: hi + x is split exactly into its rounded value and its error
// (TwoSum), and p * hi into its product and error (fma); only the lo parts round.
//  - Within a block: at most `blockLength` group starts, so each lo accumulates at most
//    B = 1024 error terms of size <= eps |hi|, itself with relative error <= B eps: the
//    block's sums carry relative error <= ~B^2 eps^2 + 2 eps^2 = 2^-86.
//    Tie groups are summed with a renormalized double-double (relative error <= 2 eps^2
//    per term added: at most 2^-73 for any group of < 2^32 samples). The single samples'
//    share of U and the block's positive mass are summed apart, in four lanes
//    (`blockSums`): U's products p N_< split exactly by fma as in the serial form, at
//    most 256 error terms a lane (so within the bound above), the lanes then added as
//    normalized double-doubles (2 eps^2 each); the positive mass renormalized every 1024
//    samples: relative error <= ~2^-84 per 1024 samples, 2^-73 for a block of < 2^32.
//  - Across blocks, normalized double-double additions and products: relative error
//    <= ~4 eps^2 per block, K <= n / 1024 blocks: <= 2^-76 for n < 2^40.
//  - The quotient U / (W_pos W_neg): the denominator as a double-double product (2 eps^2),
//    then one Newton-like correction of the double quotient q1: q2 = (U - q1 D) / D, the
//    remainder computed exactly but for the lo terms (relative error ~eps^2 of U), and
//    the result is the double nearest q1 + q2.
// In all, q1 + q2 is within 2^-70 relative of the exact ratio; rounding it to double adds
// at most half an ulp, and half an ulp is at least 2^-54 relative, so the result is within
// 1 ulp of the exact value (and is its correctly rounded double unless the exact value
// lies within 2^-70 relative of a midpoint between two doubles).
//
// Underflow. The relative bounds above hold for operations on normal doubles; a value
// below 2^-1022 (weights spanning more than ~2^500, or tiny results) rounds to a multiple
// of 2^-1074 instead, an absolute error <= 2^-1075 per operation (per mass, product, sum
// or lo term). This is why the masses are scaled up to [2^400, 2^401) (`massFactor`), not
// to [1, 2): the largest mass of each class is then >= 2^400, so W_pos W_neg >= 2^800 and
// U = r W_pos W_neg >= 2^800 r for the AUROC r. The at most ~4 n absolute errors of
// 2^-1075 in U (and each mass's rounding, which moves U by <= 2^-1075 times the other
// class's mass <= n 2^401) are then <= ~n^2 2^-1474, relative to U below 2^-1474 n^2 /
// (2^800 r) <= 2^-300 for every r >= 2^-1075 and n < 2^40: negligible against 2^-70. (A
// result r < 2^-1075 rounds to 0 and the computed one is within 2^-1075 of r, so within 1
// ulp too.) When a class's largest weight is below 2^-623 its factor is capped at
// 2^1023: its masses are then multiples of 2^-51 (its weights are multiples of 2^-1074),
// at least 2^-51, and the other class's largest mass is 2^400 (W_pos W_neg >= 2^349, the
// same argument) or its masses are multiples of 2^-51 as well (every product then a
// multiple of 2^-102: no underflow at all). Overflow: masses < 2^401, so every sum and
// product is at most W_pos W_neg < n^2 2^802, finite for n < 2^110. Tested against an
// exact integer oracle on weights spanning the whole double range, subnormal weights and
// products, and results near 2^-1074: python/tests/test_exact_weighted_oracle.py.

/// The power of two that scales a class's weights to its masses: the largest weight
/// `largest` (> 0) times it lies in [2^400, 2^401), or, if `largest` < 2^-623, it is 2^1023
/// (see "Underflow" above). Exact whatever the weight: a power of two times a double,
/// neither overflowing (the product is < 2^401) nor, for the class's largest weights,
/// underflowing.
///
///     massFactor(10) == 0x1p397
func massFactor(_ largest: Double) -> Double {
    guard largest > 0 else { return 1 }
    return Double(sign: .plus, exponent: Swift.min(400 - largest.exponent, 1023), significand: 1)
}

/// One canonical block's sums, each a double-double hi + lo (lo not always renormalized): its
/// positive mass, its negative mass and its share of U counted from the block's start.
/// `aboveHi < 0` marks a slot where no block starts.
struct WeightedBlock: BitwiseCopyable {
    var uHi = 0.0, uLo = 0.0
    var belowHi = 0.0, belowLo = 0.0
    var aboveHi = 0.0, aboveLo = 0.0

    static let absent = WeightedBlock(aboveHi: -1)
}

/// What a chunk's weighted sweep leaves for the leader: its last block, still open at the
/// chunk's end; its first block if that may not start a block (`firstBlockEnd` >= 0 if
/// the chunk closed it); and its last group's start.
struct WeightedSweepSummary: BitwiseCopyable {
    var openBlockStart = 0
    var openBlock = WeightedBlock()
    var firstBlockEnd = -1
    var firstBlock = WeightedBlock()
    var lastGroupStart = 0
}

/// s + e == a + b exactly, s = the rounded sum (Knuth's TwoSum; any magnitudes).
@inline(__always)
private func twoSum(_ a: Double, _ b: Double) -> (sum: Double, error: Double) {
    let s = a + b
    let bb = s - a
    return (s, (a - (s - bb)) + (b - bb))
}

/// s + e == a + b exactly, for |a| >= |b| (or a == 0) (Fast2Sum).
@inline(__always)
private func fastTwoSum(_ a: Double, _ b: Double) -> (sum: Double, error: Double) {
    let s = a + b
    return (s, b - (s - a))
}

/// A normalized double-double: hi = the double nearest hi + lo.
private struct DoubleDouble {
    var hi = 0.0, lo = 0.0

    init(_ hi: Double = 0, _ lo: Double = 0) {
        (self.hi, self.lo) = fastTwoSum(hi, lo)
    }

    /// a + b, relative error <= ~2 eps^2 for a, b >= 0.
    static func + (a: DoubleDouble, b: DoubleDouble) -> DoubleDouble {
        let (s, e) = twoSum(a.hi, b.hi)
        return DoubleDouble(s, e + (a.lo + b.lo))
    }

    /// a * b, relative error <= ~3 eps^2.
    static func * (a: DoubleDouble, b: DoubleDouble) -> DoubleDouble {
        let p = a.hi * b.hi
        let e = (-p).addingProduct(a.hi, b.hi)  // exactly a.hi * b.hi - p (barring underflow)
        return DoubleDouble(p, e + (a.hi * b.lo + a.lo * b.hi))
    }

    /// The double nearest (to ~2^-100 relative) a / b, b > 0, a >= 0.
    static func / (a: DoubleDouble, b: DoubleDouble) -> Double {
        let q1 = a.hi / b.hi
        let p = q1 * b.hi
        let pe = (-p).addingProduct(q1, b.hi)
        // a.hi - p is exact (Sterbenz: p is within a few ulps of a.hi).
        let remainder = ((a.hi - p) - pe) + (a.lo - q1 * b.lo)
        return q1 + remainder / b.hi
    }
}

/// Samples per canonical block of the weighted sweep (see "The weighted sweep").
let weightedBlockLength = 1024

/// The doubles of a `WeightedSweep`'s `below` scratch: hi and lo for each of
/// `weightedBlockLength` positions.
let weightedSweepScratchCount = 2 * weightedBlockLength

/// The weighted sweep of one chunk: its sorted buckets in order (`sweep`), block by
/// canonical block (see "The weighted sweep" above), each closed block stored in `slots`
/// at index start / `blockLength`.
///
/// A sample alone in its group adds p N_< to U (p its positive mass, 0 for a negative;
/// N_< the negative mass below it). The serial loop (`sweep`) carries N_< only, and
/// stores it, as its double-double hi and lo, at the sample's position in the block in
/// `below` (0 for the samples of tie groups, whose U it adds itself); the products and
/// their sum are left to a pass in four lanes when the block closes (`blockSums`), which
/// reads the positive masses of the block again (the serial loop's work per sample was
/// the two double-double updates, U's and N_<'s: it now does one).
struct WeightedSweep<Masses: SweepMasses> {
    static var blockLength: Int { weightedBlockLength }

    private let slots: UnsafeMutablePointer<WeightedBlock>?
    /// N_< of the open block's samples by position - blockStart: hi in [0, blockLength),
    /// lo in [blockLength, 2 blockLength). Every group start of a block lies within
    /// blockLength of its start (it starts before the next multiple of blockLength).
    private let below: UnsafeMutablePointer<Double>?
    /// The signed masses of the whole sorted sequence, by sorted position.
    private let masses: Masses
    /// Whether the chunk's first block may not be a block (not the sequence's start).
    private let provisional: Bool
    /// The end of the samples swept so far.
    private var sweptEnd: Int
    private var blockStart: Int
    /// The first multiple of `blockLength` above the last group start: a group starting
    /// there or later starts a block.
    private var nextMultiple: Int
    private var lastGroupStart: Int
    private var block = WeightedBlock()
    private var firstBlockEnd = -1
    private var firstBlock = WeightedBlock()

    /// A sweep whose first sample, at sorted position `start`, starts a group.
    init(start: Int, provisional: Bool, slots: UnsafeMutablePointer<WeightedBlock>?,
         below: UnsafeMutablePointer<Double>?, masses: Masses) {
        self.slots = slots
        self.below = below
        self.masses = masses
        self.provisional = provisional
        blockStart = start
        sweptEnd = start
        lastGroupStart = start
        nextMultiple = (start / Self.blockLength + 1) * Self.blockLength
    }

    /// The chunk's edges, its open block's U and positive mass summed.
    var summary: WeightedSweepSummary {
        var open = block
        finishBlock(&open, end: sweptEnd)
        return WeightedSweepSummary(openBlockStart: blockStart, openBlock: open,
                                    firstBlockEnd: firstBlockEnd, firstBlock: firstBlock,
                                    lastGroupStart: lastGroupStart)
    }

    /// Completes `block`, the open block's sums from the serial loop, as if it ended at
    /// `end`: its U, its tie groups' (`uHi`, `uLo`) plus its single samples', as a
    /// normalized double-double, and its positive mass (`blockSums`).
    private func finishBlock(_ block: inout WeightedBlock, end: Int) {
        let sums = blockSums(masses, from: blockStart, count: end - blockStart,
                             belowHi: below!, belowLo: below! + Self.blockLength)
        let u = DoubleDouble(block.uHi, block.uLo) + sums.singlesU
        (block.uHi, block.uLo) = (u.hi, u.lo)
        (block.aboveHi, block.aboveLo) = (sums.positiveMass.hi, sums.positiveMass.lo)
    }

    /// Whether a block starts at `position`, the start of a group that follows the samples
    /// swept so far (a multiple of `blockLength` lies between the last group start and it).
    func startsBlock(at position: Int) -> Bool { position >= nextMultiple }

    /// Ends the open block at `position`, where the next group starts a block: the sweep
    /// has swept everything below it and nothing from it.
    mutating func closeBlock(at position: Int) {
        finishBlock(&block, end: position)
        if provisional && firstBlockEnd < 0 {
            firstBlock = block
            firstBlockEnd = position
        } else {
            slots![blockStart / Self.blockLength] = block
        }
        block = WeightedBlock()
        blockStart = position
        nextMultiple = (position / Self.blockLength + 1) * Self.blockLength
    }

    /// Sweeps `count` sorted samples at sorted positions offset..<offset + count, which
    /// follow the ones swept before; the first starts a group and the last ends one
    /// (equal words in different buckets are not equal scores). A group is a run of equal
    /// `word >> groupShift`; the masses come from `masses` at offset + i.
    /// (Always inlined: left to the optimizer, whether phase 4's loop got it inline
    /// changed with unrelated edits elsewhere in `exactAUROCOutcome`, and the call cost
    /// weighted float64 9% of its CPU time at n = 10^6.)
    @inline(__always)
    mutating func sweep<Word: FixedWidthInteger>(
        _ words: UnsafeMutablePointer<Word>, count: Int, offset: Int, groupShift: Int
    ) {
        guard count > 0 else { return }
        let masses = self.masses
        var i = 0
        var groupStart = 0
        while true {
            // Groups that start before `nextMultiple` extend the current block.
            var uh = block.uHi, ul = block.uLo
            var bh = block.belowHi, bl = block.belowLo
            let segmentEnd = Swift.min(count, nextMultiple - offset)
            // N_< of single sample i at belowHi[i], belowLo[i] (i < segmentEnd <=
            // scratchEnd), 0 there for a tie group's samples below scratchEnd.
            let belowHi = below! + (offset - blockStart)
            let belowLo = belowHi + Self.blockLength
            let scratchEnd = blockStart + Self.blockLength - offset
            while i < segmentEnd {
                // float64 words: runs of single samples, up to eight at a time, each one's
                // N_< stored and its negative mass added to it as in the one-sample branch
                // below, in the same order (the same bits), without that branch's test and
                // loop per sample. (Measured with perf, n = 10^6: this loop's samples
                // 0.29-0.32x the sort's against 0.39-0.40x before; for float32's words,
                // whose eight tests compiled to a longer mix of scalar and vector code,
                // 0.86-1.00x against 0.74-0.93x, so they keep the one-sample loop.)
                if Word.self == UInt128.self && i &+ 8 < count && i &+ 8 <= segmentEnd {
                    var tied: UInt32 = 0  // bit k: sample i + k is in its successor's group
                    for k in 0..<8 {
                        tied |= (words[i &+ k] &>> groupShift == words[i &+ k &+ 1] &>> groupShift ? 1 : 0) &<< k
                    }
                    let singles = tied == 0 ? 8 : tied.trailingZeroBitCount
                    if singles > 0 {
                        var negative = SIMD8<Double>()
                        for k in 0..<8 { negative[k] = masses.parts(offset &+ i &+ k).negative }
                        for k in 0..<singles {
                            belowHi[i &+ k] = bh
                            belowLo[i &+ k] = bl
                            let (b1, e2) = twoSum(bh, negative[k])
                            bh = b1
                            bl += e2
                        }
                        groupStart = i &+ singles &- 1
                        i &+= singles
                        continue
                    }
                }
                groupStart = i
                let group = words[i] &>> groupShift
                let (p, q) = masses.parts(offset + i)
                i += 1
                if i < count && words[i] &>> groupShift == group {
                    // A tie group: its positive and negative masses, renormalized sums.
                    var pp = DoubleDouble(p), qq = DoubleDouble(q)
                    while i < count && words[i] &>> groupShift == group {
                        let (mp, mq) = masses.parts(offset + i)
                        let (ps, pe) = twoSum(pp.hi, mp)
                        pp = DoubleDouble(ps, pe + pp.lo)
                        let (qs, qe) = twoSum(qq.hi, mq)
                        qq = DoubleDouble(qs, qe + qq.lo)
                        i += 1
                    }
                    // U += P (below + Q / 2).
                    let (xh, xe) = twoSum(bh, 0.5 * qq.hi)
                    let xl = xe + (bl + 0.5 * qq.lo)
                    let th = pp.hi * xh
                    let tl = (-th).addingProduct(pp.hi, xh) + (pp.hi * xl + pp.lo * xh)
                    let (u1, e1) = twoSum(uh, th)
                    uh = u1
                    ul += e1 + tl
                    let (b1, e2) = twoSum(bh, qq.hi)
                    bh = b1
                    bl += e2 + qq.lo
                    // Its U is in uh, ul: none in `blockSums`.
                    for j in groupStart..<Swift.min(i, scratchEnd) {
                        belowHi[j] = 0
                        belowLo[j] = 0
                    }
                } else {
                    // One sample: p or q is 0. U += p below (`blockSums`); below += q.
                    // (The block's positive mass is summed there too.)
                    belowHi[groupStart] = bh
                    belowLo[groupStart] = bl
                    let (b1, e2) = twoSum(bh, q)
                    bh = b1
                    bl += e2
                }
            }
            block = WeightedBlock(uHi: uh, uLo: ul, belowHi: bh, belowLo: bl)
            guard i < count else { break }
            closeBlock(at: offset + i)  // a group starts at or after nextMultiple
        }
        lastGroupStart = offset + groupStart
        sweptEnd = offset + count
        // The last group ended with the samples: the next call's first starts a group,
        // whose position decides against `nextMultiple` as any other.
    }
}

/// U / (W_pos W_neg) from the blocks in order (absent slots skipped), in [0, 1].
private func combineWeightedBlocks(_ slots: UnsafeMutableBufferPointer<WeightedBlock>) -> Double {
    var u = DoubleDouble(), below = DoubleDouble(), above = DoubleDouble()
    for block in slots where block.aboveHi >= 0 {
        let blockAbove = DoubleDouble(block.aboveHi, block.aboveLo)
        // The block's positives against the negatives of earlier blocks, then its own U.
        u = u + (DoubleDouble(block.uHi, block.uLo) + blockAbove * below)
        below = below + DoubleDouble(block.belowHi, block.belowLo)
        above = above + blockAbove
    }
    let value = u / (above * below)
    return Swift.min(Swift.max(value, 0), 1)
}

/// A block's sums over `masses` start..<start + count, each as a normalized
/// double-double:
///  - `positiveMass`, the sum of its positive masses: four lanes (samples k, k + 4, ...),
///    each a TwoSum accumulation renormalized every 1024 samples (relative error <=
///    ~1026 eps^2 per lane), then the lanes added in order (normalized double-double
///    additions), then the last count % 4 samples;
///  - `singlesU`, its single samples' U: the sum of p_k (belowHi[k] + belowLo[k]) over
///    k < min(count, `weightedBlockLength`) (p_k the positive mass at start + k, 0 for a
///    negative; `belowHi` is 0 for the samples of tie groups), in the same four lanes
///    over the first 1024 samples: TwoSum accumulations of the exact products p bh (fma)
///    whose lo also gathers the products' errors and p bl, the same error terms as one
///    serial accumulation would have, at most 256 a lane.
/// One pass over the positive masses for both. The same IEEE operations on each lane
/// whatever the build, so the same bits.
@inline(__always)
private func blockSums<Masses: SweepMasses>(
    _ masses: Masses, from start: Int, count: Int,
    belowHi: UnsafePointer<Double>, belowLo: UnsafePointer<Double>
) -> (positiveMass: (hi: Double, lo: Double), singlesU: DoubleDouble) {
    typealias V = SIMD4<Double>
    var hi = V(repeating: 0), lo = V(repeating: 0)  // positive mass
    var uHi = V(repeating: 0), uLo = V(repeating: 0)  // single samples' U
    @inline(__always) func addPositive(_ x: V) {  // TwoSum into hi, lo
        let s = hi + x
        let bb = s - hi
        lo += (hi - (s - bb)) + (x - bb)
        hi = s
    }
    @inline(__always) func renormalize() {  // Fast2Sum: |lo| <= |hi|
        let s = hi + lo
        lo = lo - (s - hi)
        hi = s
    }
    var i = 0
    // The first 1024 samples (the block's group starts all lie among them): both sums.
    let first = Swift.min(count & ~3, weightedBlockLength)
    while i < first {
        let x = masses.positiveMasses4(start + i)
        addPositive(x)
        let bh = UnsafeRawPointer(belowHi).loadUnaligned(fromByteOffset: i * 8, as: V.self)
        let bl = UnsafeRawPointer(belowLo).loadUnaligned(fromByteOffset: i * 8, as: V.self)
        let t = x * bh
        let te = (-t).addingProduct(x, bh)  // exactly x bh - t
        let us = uHi + t
        let ubb = us - uHi
        uLo += ((uHi - (us - ubb)) + (t - ubb)) + (te + x * bl)
        uHi = us
        i += 4
    }
    if first > 0 { renormalize() }
    // Past them (a tie group's tail): the positive mass alone, 1024 samples at a time.
    while i + 4 <= count {
        let end = Swift.min(count & ~3, i + 1024)
        while i < end {
            addPositive(masses.positiveMasses4(start + i))
            i += 4
        }
        renormalize()
    }
    var total = DoubleDouble(), u = DoubleDouble()
    for lane in 0..<4 {
        total = total + DoubleDouble(hi[lane], lo[lane])
        u = u + DoubleDouble(uHi[lane], uLo[lane])
    }
    while i < count {
        let p = Swift.max(masses.mass(start + i), 0)
        let (s, e) = twoSum(total.hi, p)
        total = DoubleDouble(s, e + total.lo)
        if i < weightedBlockLength {
            let t = p * belowHi[i]
            let te = (-t).addingProduct(p, belowHi[i])
            let (us, ue) = twoSum(u.hi, t)
            u = DoubleDouble(us, (ue + u.lo) + (te + p * belowLo[i]))
        }
        i += 1
    }
    return ((total.hi, total.lo), u)
}
