/// The exact AUROC's first-scatter buckets by the keys' values, not by their top varying
/// bits: for float64 scores of both signs (logits, standardized features, N(0, 1) +
/// label), and for float64 scores of one sign whose top-bit buckets would crowd (scores
/// spread over binades around 1: lognormal, exponential, uniform on [0, 100]; risk
/// scores, distances).
///
/// Why. ExactAUROC.swift buckets a sample by the 11 top bits of its order key below the
/// bits every key shares. When the scores have both signs no bit is shared, and those 11
/// bits are the sign and the exponent's top ten: a bucket is two binades, and scores of
/// N(0, 1) crowd about 36% of the samples into [0.5, 2), too many for the in-cache sort,
/// which then takes an extra pass (measured, C driver, float64, 30% positives, Intel Xeon:
/// n = 10^6 6.9-9.1 ms against 5.1-5.3 on the same scores shifted by +20, which share
/// their sign; n = 10^5 1.02-1.11 ms against 0.45-0.59). Positive scores below and above
/// 1 share only the sign bit, and then a bucket is one binade: exp(N(0, 1) + label) puts
/// about 26% of the samples into one (n = 10^6 7.3 ms against 4.9 on probabilities).
///
/// Method. Two pieces (both signs): each sign has half the buckets; one piece (one sign):
/// all of them. A key's bucket within its piece is its value shifted right by `shift`,
/// less that piece's `low`, plus 1, clamped to [0, piece - 1]: buckets 1 ... piece - 2
/// are consecutive aligned ranges of 2^shift keys, and bucket 0 and piece - 1 take the
/// keys below and above them (outliers, and with two pieces the scores nearest zero). The
/// ranges come from a sample of the keys (at most 1,024, evenly strided, the same on
/// every thread): per sign, from its second smallest to its second largest sampled key,
/// the smallest `shift` whose ranges fit. The bucket is monotone in the key (every
/// negative key is below every positive one, and each piece's clamp keeps order), and a
/// function of the key, so equal scores never straddle two buckets, and the buckets in
/// order, each sorted, are all samples sorted: the sweeps, and so the result, are the same
/// whatever the sample (it decides the speed only).
///
/// When. Two pieces from `threshold` float64 samples whenever no top bit is shared. One
/// piece from `threshold` samples when the sampled range spans at most 1 / `crowding` of
/// the top-bit buckets (so that those would hold `crowding` times the even share or more,
/// where the data are): probabilities, whose keys share their sign and exponent's top
/// bits, keep the top-bit buckets (cheaper to compute, and as even). So do scores with a
/// heavy tie at an end of their range (many exact zeros below lognormal scores): the
/// sampled range then starts at the tie, far below the rest in key space.
///
/// Words. Within a piece every key has the same top bits: two pieces, the word's key is
/// the key shifted left by one (the sign: `SortedWordLayout` with no dropped bits, one
/// digit bit, and the bucket's digit its piece); one piece, shifted left past the bits
/// every key shares, as the top-bit buckets' words are but for their digit bits (the
/// layout with no digit bits). Unweighted, the class is in bit 0; weighted, the mass below
/// the key as before. The in-cache sorts find the bits that vary within a bucket
/// themselves. Float32 scores keep the top-bit buckets (phase 2 sums them from phase 1's
/// histogram of the keys' top 16 bits): value buckets for them (README, exact section,
/// stop 62) saved in the in-cache sort what the scatter into evenly filled buckets cost.
struct KeyRangeBuckets {
    /// Inputs from this many samples use it. Below, the old buckets of N(0, 1) scores fit
    /// the in-cache sort (the largest, about 36% of the samples, under its 32,768 words)
    /// and the value buckets only add work (C driver, N(0, 1) + label, `ab.sh 6`: 1.11x at
    /// n = 50,000, 1.03x at 20,000).
    static let threshold = 1 << 16
    /// Keys sampled at most.
    static let sampleCount = 1024
    /// One sign: the value buckets are taken when the sampled range spans at most
    /// 1 / crowding of the top-bit buckets.
    static let crowding = 8

    /// Bits of a piece's bucket index; `piece` = 2^pieceBits buckets a piece.
    let pieceBits: Int
    /// 1: two pieces, by the key's top bit; 0: one piece.
    let signMask: Int
    let shift: UInt64
    /// Key >> shift of each piece's bucket 1 (one piece: both the same).
    let lowNegative: Int
    let lowPositive: Int
    /// The word's key is the key shifted left by this (its top bits, the same in a piece).
    let wordShift: Int

    /// For `callAsFunction`: lowNegative - 1, lowPositive - lowNegative, piece - 1.
    private var belowNegative: Int { lowNegative &- 1 }
    private var lowDelta: Int { lowPositive &- lowNegative }
    private var pieceMax: Int { (1 &<< pieceBits) &- 1 }

    var piece: Int { 1 << pieceBits }
    var bucketCount: Int { (1 + signMask) << pieceBits }
    var isSigned: Bool { signMask != 0 }

    /// Two pieces: the buckets for `count` keys of both signs (`key(i)`, i in 0 ..< count,
    /// count >= 2) in 2^(halfBits + 1) buckets (halfBits >= 2).
    init(signedCount count: Int, halfBits: Int, key: (Int) -> UInt64) {
        precondition(count >= 2 && halfBits >= 2 && halfBits < 32)
        let (negative, positive) = Self.sampledRanges(count: count, key: key)
        let half = 1 << halfBits
        var s: UInt64 = 1
        while s < 63 && !(Self.fits(negative, s, half) && Self.fits(positive, s, half)) { s += 1 }
        pieceBits = halfBits
        signMask = 1
        shift = s
        wordShift = 1
        // A sign without sampled keys: its keys nearest zero get the inner buckets.
        lowNegative = negative.map { Int(truncatingIfNeeded: $0.low >> s) }
            ?? Int(truncatingIfNeeded: (UInt64(1) << 63 - 1) >> s) - (half - 3)
        lowPositive = positive.map { Int(truncatingIfNeeded: $0.low >> s) }
            ?? Int(truncatingIfNeeded: (UInt64(1) << 63) >> s)
    }

    /// One piece: the buckets for `count` keys (count >= 2) whose `drop` top bits are all
    /// the same (1 <= drop < 64; the top one `topBit`) in 2^bits buckets (2 <= bits < 32),
    /// or nil when the top-bit buckets (`bits` bits below those `drop`) would do: the
    /// sampled range spans more than 2^bits / `crowding` of them. (Weighted, the keys of
    /// weight-0 samples, which the sample may read, need not share those bits: the range
    /// is that of the keys with the top bit `topBit`.)
    init?(count: Int, bits: Int, drop: Int, topBit: UInt64, key: (Int) -> UInt64) {
        precondition(count >= 2 && bits >= 2 && bits < 32 && drop >= 1 && drop < 64)
        let ranges = Self.sampledRanges(count: count, key: key)
        guard let range = topBit == 0 ? ranges.negative : ranges.positive else { return nil }
        let buckets = 1 << bits
        let topShift = UInt64(Swift.max(0, 64 - drop - bits))
        let topSpan = (range.high >> topShift) - (range.low >> topShift) + 1
        guard topSpan * UInt64(Self.crowding) <= UInt64(buckets) else { return nil }
        var s: UInt64 = 1
        while s < 63 && !Self.fits(range, s, buckets) { s += 1 }
        pieceBits = bits
        signMask = 0
        shift = s
        wordShift = drop
        lowNegative = Int(truncatingIfNeeded: range.low >> s)
        lowPositive = lowNegative
    }

    /// Per sign (top bit 0, top bit 1): the second smallest and second largest of the
    /// sampled keys (the extremes when it has one), nil when it has none.
    private static func sampledRanges(count: Int, key: (Int) -> UInt64)
        -> (negative: (low: UInt64, high: UInt64)?, positive: (low: UInt64, high: UInt64)?) {
        var negative = SampledExtremes(), positive = SampledExtremes()
        let m = Swift.min(count, sampleCount)
        let stride = count / m
        for j in 0..<m {
            let k = key(j * stride)
            if k >> 63 == 0 { negative.add(k) } else { positive.add(k) }
        }
        return (negative.range, positive.range)
    }

    /// The two smallest and the two largest of the keys added, and how many there were.
    private struct SampledExtremes {
        var lowest = UInt64.max, secondLowest = UInt64.max
        var highest: UInt64 = 0, secondHighest: UInt64 = 0
        var seen = 0

        mutating func add(_ k: UInt64) {
            seen += 1
            if k < lowest { secondLowest = lowest; lowest = k } else if k < secondLowest { secondLowest = k }
            if k > highest { secondHighest = highest; highest = k } else if k > secondHighest { secondHighest = k }
        }

        /// The second extremes (the extremes for one key), nil for none. They may cross
        /// (two keys, or ties): ordered.
        var range: (low: UInt64, high: UInt64)? {
            guard seen > 0 else { return nil }
            let (low, high) = seen >= 2 ? (secondLowest, secondHighest) : (lowest, highest)
            return (Swift.min(low, high), Swift.max(low, high))
        }
    }

    /// Whether `range`, shifted right by s, fits the inner buckets of a piece of `size`.
    private static func fits(_ range: (low: UInt64, high: UInt64)?, _ s: UInt64, _ size: Int) -> Bool {
        guard let range else { return true }
        return (range.high >> s) - (range.low >> s) <= UInt64(size - 3)
    }

    /// The bucket of `key`: two pieces, negative keys (top bit 0) in [0, piece), positive
    /// in [piece, 2 piece); one piece, [0, piece).
    /// (Without branches: the signs of typical scores are random, and a branch on them
    /// mispredicted so often that the first scatter took twice as long.)
    @inline(__always)
    func callAsFunction(_ key: UInt64) -> Int {
        let positive = Int(truncatingIfNeeded: key &>> 63) & signMask
        // lowNegative - 1, or lowPositive - 1 for a positive key of two pieces.
        let below = belowNegative &+ (lowDelta & (0 &- positive))
        let j = Swift.min(Swift.max(Int(truncatingIfNeeded: key &>> shift) &- below, 0), pieceMax)
        return j | (positive &<< pieceBits)
    }
}
