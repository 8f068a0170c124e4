/// The exact AUROC's first-scatter buckets for float64 scores of both signs (logits,
/// standardized features, N(0, 1) + label): buckets by the keys' values, not by their top
/// varying bits.
///
/// Why. ExactAUROC.swift buckets a sample by the 11 top bits of its order key below the
/// bits every key shares. When the scores have both signs no bit is shared, and those 11
/// bits are the sign and the exponent's top ten: a bucket is two binades, and scores of
/// N(0, 1) crowd about 36% of the samples into [0.5, 2), too many for the in-cache sort,
/// which then takes an extra pass (measured, C driver, float64, 30% positives, Intel Xeon:
/// n = 10^6 6.9-9.1 ms against 5.1-5.3 on the same scores shifted by +20, which share
/// their sign; n = 10^5 1.02-1.11 ms against 0.45-0.59).
///
/// Method. Each sign has half the buckets. A key's bucket within its half is its value
/// shifted right by `shift`, less that half's `low`, plus 1, clamped to [0, half - 1]:
/// buckets 1 ... half - 2 of a half are consecutive aligned ranges of 2^shift keys, and
/// bucket 0 and half - 1 take the keys below and above them (the sign's outliers and the
/// scores nearest zero). The ranges come from a sample of the keys (at most 1,024, evenly
/// strided, the same on every thread): per sign, from its second smallest to its second
/// largest sampled key, the smallest `shift` whose ranges fit. The bucket is monotone in
/// the key (every negative key is below every positive one, and each half's clamp keeps
/// order), and a function of the key, so equal scores never straddle two buckets, and the
/// buckets in order, each sorted, are all samples sorted: the sweeps, and so the result,
/// are the same whatever the sample (it decides the speed only).
///
/// Words. Within a half every key has the same top (sign) bit, so the word's key is the
/// key shifted left by one: unweighted, with the class in bit 0 (`SortedWordLayout`: no
/// dropped bits, one digit bit, and the bucket's digit is its half); weighted, above the
/// mass as before. The in-cache sorts find the bits that vary within a bucket themselves.
/// Float32 scores keep the top-bit buckets (phase 2 sums them from phase 1's histogram of
/// the keys' top 16 bits).
struct SignedKeyBuckets {
    /// Inputs from this many samples use it. Below, the old buckets of N(0, 1) scores fit
    /// the in-cache sort (the largest, about 36% of the samples, under its 32,768 words)
    /// and the value buckets only add work (C driver, N(0, 1) + label, `ab.sh 6`: 1.11x at
    /// n = 50,000, 1.03x at 20,000).
    static let threshold = 1 << 16
    /// Keys sampled at most.
    static let sampleCount = 1024

    /// Bits of a half's bucket index; `half` = 2^halfBits buckets a sign.
    let halfBits: Int
    let shift: UInt64
    /// Key >> shift of each half's bucket 1.
    let lowNegative: Int
    let lowPositive: Int

    var half: Int { 1 << halfBits }
    var bucketCount: Int { 2 << halfBits }

    /// The buckets for `count` keys (`key(i)`, i in 0 ..< count, count >= 2) in
    /// 2^(halfBits + 1) buckets (halfBits >= 2).
    init(count: Int, halfBits: Int, key: (Int) -> UInt64) {
        precondition(count >= 2 && halfBits >= 2 && halfBits < 32)
        self.halfBits = halfBits
        let half = 1 << halfBits
        // Per sign: the two smallest and two largest sampled keys, and how many.
        var lows = (UInt64.max, UInt64.max, UInt64.max, UInt64.max)   // negative: 1st, 2nd; positive: 1st, 2nd
        var highs: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var seen = (0, 0)
        let m = Swift.min(count, Self.sampleCount)
        let stride = count / m
        for j in 0..<m {
            let k = key(j * stride)
            if k >> 63 == 0 {
                seen.0 += 1
                if k < lows.0 { lows.1 = lows.0; lows.0 = k } else if k < lows.1 { lows.1 = k }
                if k > highs.0 { highs.1 = highs.0; highs.0 = k } else if k > highs.1 { highs.1 = k }
            } else {
                seen.1 += 1
                if k < lows.2 { lows.3 = lows.2; lows.2 = k } else if k < lows.3 { lows.3 = k }
                if k > highs.2 { highs.3 = highs.2; highs.2 = k } else if k > highs.3 { highs.3 = k }
            }
        }
        // A sign's range: second smallest to second largest (the extremes with one key).
        let negative: (UInt64, UInt64)? = seen.0 == 0 ? nil : (seen.0 >= 2 ? (lows.1, highs.1) : (lows.0, highs.0))
        let positive: (UInt64, UInt64)? = seen.1 == 0 ? nil : (seen.1 >= 2 ? (lows.3, highs.3) : (lows.2, highs.2))
        // The second extremes may cross (two keys of a sign, or ties): order them.
        func fits(_ r: (UInt64, UInt64)?, _ s: UInt64) -> Bool {
            guard let r else { return true }
            let a = Swift.min(r.0, r.1) >> s, b = Swift.max(r.0, r.1) >> s
            return b - a <= UInt64(half - 3)
        }
        var s: UInt64 = 1
        while s < 63 && !(fits(negative, s) && fits(positive, s)) { s += 1 }
        shift = s
        // A sign without sampled keys: its keys nearest zero get the inner buckets.
        lowNegative = negative.map { Int(truncatingIfNeeded: Swift.min($0.0, $0.1) >> s) }
            ?? Int(truncatingIfNeeded: (UInt64(1) << 63 - 1) >> s) - (half - 3)
        lowPositive = positive.map { Int(truncatingIfNeeded: Swift.min($0.0, $0.1) >> s) }
            ?? Int(truncatingIfNeeded: (UInt64(1) << 63) >> s)
    }

    /// The bucket of `key`: negative keys (top bit 0) in [0, half), positive in
    /// [half, 2 half).
    /// (Without branches: the signs of typical scores are random, and a branch on them
    /// mispredicted so often that the first scatter took twice as long.)
    @inline(__always)
    func callAsFunction(_ key: UInt64) -> Int {
        let k = Int(truncatingIfNeeded: key &>> shift)
        let positive = Int(truncatingIfNeeded: key &>> 63)
        let low = lowNegative &+ ((lowPositive &- lowNegative) & (0 &- positive))
        var j = k &- low &+ 1
        j &= ~(j &>> 63)                      // max(j, 0)
        let over = j &- ((1 &<< halfBits) &- 1)
        j &-= over & ~(over &>> 63)           // min(j, half - 1)
        return j | (positive &<< halfBits)
    }
}
