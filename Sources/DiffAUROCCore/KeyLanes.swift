// The passes of the unweighted sample sort (the ROC curve's and the partial AUC's) over
// the caller's scores and 0 / 1 labels (`OrderKeyed.tallyKeys`, `OrderKeyed.bucketKeys`:
// phases 1 to 3 of SampleBucketSort.swift), in SIMD lanes of the raw bits. (The exact
// AUROC's phases 1 to 3 in the same lanes were slower at n = 10^7, float64 55.1 -> 57.4
// ms and float32 39.4 -> 44.9 ms, medians of 3-5 alternating processes, for a gain
// within the noise at 10^6: its scalar loops stay.)

/// The bucket and the packed word of each sample of an unweighted sort (phases 2 and 3):
/// the bucket of a key is ((key << drop) >> bucketShift) & bucketMask (shifts modulo the
/// width, as `&<<` and `&>>`), its word (key << wordShift when `keepsKey`, else 0) | class.
struct BucketingLayout<Key: FixedWidthInteger & UnsignedInteger> {
    let drop: Key
    let bucketShift: Key
    let bucketMask: Key
    let wordShift: Key
    let keepsKey: Bool

    @inline(__always) func bucket(_ key: Key) -> Int {
        Int(truncatingIfNeeded: ((key &<< drop) &>> bucketShift) & bucketMask)
    }
}

/// What `OrderKeyed.tallyKeys` finds in a block.
struct KeyBlockTally<Key: FixedWidthInteger & UnsignedInteger> {
    var andKeys: Key
    var orKeys: Key
    var positives: Int
    var hasZero: Bool
    var invalid: Bool
}

/// x == 0 in each lane, as the top bit of (x - 1) & ~x (set only for 0).
@inline(__always)
private func isZeroTopBit<V: SIMD>(_ x: V) -> V where V.Scalar: FixedWidthInteger & UnsignedInteger {
    (x &- V(repeating: 1)) & ~x
}

/// The raw bits of a lane of scores with -0.0 made +0.0, and their `orderKey`: the sign
/// bit flipped, or every bit of a negative score, the sign mask from a logical shift and
/// a negation (AVX2 has no arithmetic shift of 64-bit lanes).
@inline(__always)
private func laneKeys<V: SIMD>(_ raw: V) -> (bits: V, key: V) where V.Scalar: FixedWidthInteger & UnsignedInteger {
    let width = V.Scalar(V.Scalar.bitWidth - 1)
    let sign = V(repeating: 1 &<< width), zero = V(repeating: 0)
    let bits = raw & ~(zero &- (isZeroTopBit(raw ^ sign) &>> width))
    return (bits, bits ^ ((zero &- (bits &>> width)) | sign))
}

/// `tallyKeys` in SIMD lanes of raw bits, in integer operations only (Swift's lane
/// masks and `replacing(with:where:)` compile to loops over the lanes): the key of each
/// lane as `orderKey` computes it (-0.0 first made +0.0; the sign bit flipped, or every
/// bit of a negative score), the sign mask from a logical shift and a negation, which AVX2
/// has for 64-bit lanes where it has no arithmetic shift (the scalar `orderKey` loop did
/// not vectorize: 8% of the ROC curve's time at n = 10^6). x == 0 is tested as the top bit
/// of (x - 1) & ~x. Labels are exactly 0 or 1 (checked before, or here): the class is one
/// exponent bit, `labelBit`. The check: a score is not finite when its exponent bits
/// (`exponentMask`) are all ones, a label is valid when it is +-0 or has the bits of 1
/// (`oneBits`), without a branch, as the scalar `isFinite` and `== 0`, `== 1`.
@_specialize(where V == SIMD8<UInt64>)
@_specialize(where V == SIMD16<UInt32>)
private func tallyKeyLanes<V: SIMD>(
    _ lanes: V.Type, _ scores: UnsafeRawPointer, _ labels: UnsafeRawPointer, _ block: Range<Int>,
    labelBit: V.Scalar, exponentMask: V.Scalar, oneBits: V.Scalar, checking: Bool,
    scalarKey: (Int) -> V.Scalar, scalarClass: (Int) -> Int, scalarInvalid: (Int) -> Bool
) -> KeyBlockTally<V.Scalar> where V.Scalar: FixedWidthInteger & UnsignedInteger {
    let width = V.Scalar(V.Scalar.bitWidth - 1)
    let sign = V(repeating: 1 &<< width)
    let one = V(repeating: 1), zero = V(repeating: 0)
    let exponents = V(repeating: exponentMask), oneLabel = V(repeating: oneBits)
    var a = V(repeating: .max), o = zero, p = zero, z = zero, bad = zero
    let stride = MemoryLayout<V.Scalar>.stride
    var i = block.lowerBound
    while i &+ V.scalarCount <= block.upperBound {
        let raw = scores.loadUnaligned(fromByteOffset: i &* stride, as: V.self)
        let (bits, key) = laneKeys(raw)
        a &= key
        o |= key
        let y = labels.loadUnaligned(fromByteOffset: i &* stride, as: V.self)
        p &+= (y &>> labelBit) & one
        z |= isZeroTopBit(bits)
        if checking {
            bad |= isZeroTopBit((raw & exponents) ^ exponents)
                | (~isZeroTopBit(y & ~sign) & ~isZeroTopBit(y ^ oneLabel))
        }
        i &+= V.scalarCount
    }
    var t = KeyBlockTally<V.Scalar>(andKeys: .max, orKeys: 0, positives: 0, hasZero: false, invalid: false)
    var positives: V.Scalar = 0, zeros: V.Scalar = 0, invalid: V.Scalar = 0
    for lane in 0..<V.scalarCount {
        t.andKeys &= a[lane]
        t.orKeys |= o[lane]
        positives &+= p[lane]
        zeros |= z[lane]
        invalid |= bad[lane]
    }
    t.positives = Int(truncatingIfNeeded: positives)
    t.hasZero = zeros &>> width != 0
    t.invalid = invalid &>> width != 0
    while i < block.upperBound {
        let key = scalarKey(i)
        t.andKeys &= key
        t.orKeys |= key
        t.positives &+= scalarClass(i)
        if key == sign[0] { t.hasZero = true }
        if checking && scalarInvalid(i) { t.invalid = true }
        i &+= 1
    }
    return t
}

/// `bucketKeys` in SIMD lanes (as `tallyKeyLanes`: integer operations only), stored to
/// the caller's buffers, so that the histogram's and the scatter's scalar loops only load a
/// bucket (and a word) and update their table: the scalar key and bucket arithmetic made
/// those loops compute-bound.
@_specialize(where V == SIMD8<UInt64>)
@_specialize(where V == SIMD16<UInt32>)
private func bucketKeyLanes<V: SIMD>(
    _ lanes: V.Type, _ scores: UnsafeRawPointer, _ labels: UnsafeRawPointer, _ block: Range<Int>,
    labelBit: V.Scalar, layout: BucketingLayout<V.Scalar>,
    buckets: UnsafeMutablePointer<V.Scalar>, words: UnsafeMutablePointer<V.Scalar>?,
    scalarKey: (Int) -> V.Scalar, scalarClass: (Int) -> V.Scalar
) where V.Scalar: FixedWidthInteger & UnsignedInteger {
    let one = V(repeating: 1)
    let bucketMask = V(repeating: layout.bucketMask)
    let keyMask = V(repeating: layout.keepsKey ? V.Scalar.max : 0)
    let stride = MemoryLayout<V.Scalar>.stride
    let rawBuckets = UnsafeMutableRawPointer(buckets), rawWords = words.map(UnsafeMutableRawPointer.init)
    var i = block.lowerBound, k = 0
    while i &+ V.scalarCount <= block.upperBound {
        let key = laneKeys(scores.loadUnaligned(fromByteOffset: i &* stride, as: V.self)).key
        let c = (labels.loadUnaligned(fromByteOffset: i &* stride, as: V.self) &>> labelBit) & one
        let b = ((key &<< layout.drop) &>> layout.bucketShift) & bucketMask
        rawBuckets.storeBytes(of: (b &<< 1) | c, toByteOffset: k &* stride, as: V.self)
        if let rawWords {
            rawWords.storeBytes(of: ((key &<< layout.wordShift) & keyMask) | c, toByteOffset: k &* stride, as: V.self)
        }
        i &+= V.scalarCount
        k &+= V.scalarCount
    }
    while i < block.upperBound {
        let key = scalarKey(i), c = scalarClass(i)
        buckets[k] = V.Scalar(truncatingIfNeeded: layout.bucket(key)) &<< 1 | c
        words?[k] = (layout.keepsKey ? key &<< layout.wordShift : 0) | c
        i &+= 1
        k &+= 1
    }
}

extension OrderKeyed {
    /// The first pass of the unweighted sample sort (SampleBucketSort.swift) over the
    /// samples `block` of `scores` and their 0 / 1 `labels`: the AND and the OR of the
    /// keys, the number of labels 1, and whether some score is zero (either sign); with
    /// `checking`, whether some score is not finite or some label is neither 0 nor 1
    /// (then the rest is meaningless).
    @inline(__always)
    static func tallyKeys(_ scores: UnsafePointer<Self>, _ labels: UnsafePointer<Self>,
                          _ block: Range<Int>, checking: Bool) -> KeyBlockTally<OrderKey> {
        tallyKeyLanes(KeyLanes.self, UnsafeRawPointer(scores), UnsafeRawPointer(labels), block,
                      labelBit: labelBit, exponentMask: exponentBits, oneBits: oneBits,
                      checking: checking, scalarKey: { scores[$0].orderKey },
                      scalarClass: { labels[$0].classBit },
                      scalarInvalid: { !scores[$0].isFinite || (labels[$0] != 0 && labels[$0] != 1) })
    }

    /// For the k-th sample of `block`: buckets[k] = its bucket << 1 | its class (labels 0 /
    /// 1) and, if `words` is given, words[k] = its word (`BucketingLayout`).
    @inline(__always)
    static func bucketKeys(_ scores: UnsafePointer<Self>, _ labels: UnsafePointer<Self>,
                           _ block: Range<Int>, _ layout: BucketingLayout<OrderKey>,
                           buckets: UnsafeMutablePointer<OrderKey>, words: UnsafeMutablePointer<OrderKey>?) {
        bucketKeyLanes(KeyLanes.self, UnsafeRawPointer(scores), UnsafeRawPointer(labels), block,
                       labelBit: labelBit, layout: layout, buckets: buckets, words: words,
                       scalarKey: { scores[$0].orderKey },
                       scalarClass: { OrderKey(truncatingIfNeeded: labels[$0].classBit) })
    }
}

/// Samples a block of the SIMD bucketing of phases 2 and 3 (`OrderKeyed.bucketKeys`): the
/// callers' buffers, at most 1 KiB each (8-byte words), on the stack.
let keyLaneBlock = 128
