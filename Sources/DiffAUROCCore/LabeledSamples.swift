/// A validated view of the caller's samples: sample i has `scores[i]`, `labels[i]` and
/// `weights?[i]` (no weights means weight 1 for every sample).
///
/// Preconditions, checked by the ABI layer before the core is called (the core does not
/// re-check them): all three buffers have the same count; every score is finite; every
/// label is exactly 0 or 1; every weight is finite and >= 0.
public struct LabeledSamples {
    public let scores: UnsafeBufferPointer<Double>
    public let labels: UnsafeBufferPointer<Double>
    public let weights: UnsafeBufferPointer<Double>?

    public init(scores: UnsafeBufferPointer<Double>, labels: UnsafeBufferPointer<Double>,
                weights: UnsafeBufferPointer<Double>?) {
        self.scores = scores
        self.labels = labels
        self.weights = weights
    }

    public var count: Int { scores.count }

    @inline(__always)
    func weight(_ i: Int) -> Double { weights?[i] ?? 1 }
}

/// The samples of one class (positives or negatives) with positive weight, gathered into
/// contiguous arrays: `scores[k]`, normalized weight `mass[k]` and the caller's index
/// `origin[k]`. The masses of a class sum to 1 (up to rounding): `mass = w / sum(w)` after
/// the weights were divided by the power of two at or below their maximum (exact, and
/// then no sum overflows or underflows for any finite weights). Unweighted, every mass is
/// exactly `1 / count`.
struct ClassSamples {
    let scores: ScratchBuffer<Double>
    let mass: ScratchBuffer<Double>
    let origin: ScratchBuffer<Int>

    var count: Int { scores.count }

    func free() {
        scores.free()
        mass.free()
        origin.free()
    }
}

extension LabeledSamples {
    /// Splits the samples into positives and negatives, excluding weight-0 samples.
    /// A class with no sample of positive weight comes back with `count == 0`.
    /// The caller frees both results.
    func splitByClass() throws(CoreError) -> (positives: ClassSamples, negatives: ClassSamples) {
        var positiveCount = 0
        var negativeCount = 0
        var positiveMax = 0.0
        var negativeMax = 0.0
        for i in 0..<count {
            let w = weight(i)
            guard w > 0 else { continue }
            if labels[i] == 1 {
                positiveCount += 1
                positiveMax = Swift.max(positiveMax, w)
            } else {
                negativeCount += 1
                negativeMax = Swift.max(negativeMax, w)
            }
        }
        positiveMax = powerOfTwoScale(positiveMax)
        negativeMax = powerOfTwoScale(negativeMax)
        let positives = try ClassSamples.allocate(count: positiveCount)
        let negatives: ClassSamples
        do {
            negatives = try ClassSamples.allocate(count: negativeCount)
        } catch {
            positives.free()
            throw error
        }
        var p = 0
        var n = 0
        var positiveTotal = CompensatedSum()
        var negativeTotal = CompensatedSum()
        for i in 0..<count {
            let w = weight(i)
            guard w > 0 else { continue }
            if labels[i] == 1 {
                let scaled = w / positiveMax
                positives.scores.buffer[p] = scores[i]
                positives.mass.buffer[p] = scaled
                positives.origin.buffer[p] = i
                positiveTotal.add(scaled)
                p += 1
            } else {
                let scaled = w / negativeMax
                negatives.scores.buffer[n] = scores[i]
                negatives.mass.buffer[n] = scaled
                negatives.origin.buffer[n] = i
                negativeTotal.add(scaled)
                n += 1
            }
        }
        positives.normalize(total: positiveTotal.total, unweighted: weights == nil)
        negatives.normalize(total: negativeTotal.total, unweighted: weights == nil)
        return (positives, negatives)
    }
}

extension ClassSamples {
    static func allocate(count: Int) throws(CoreError) -> ClassSamples {
        let scores = try ScratchBuffer<Double>(count: count)
        let mass: ScratchBuffer<Double>
        do { mass = try ScratchBuffer<Double>(count: count) } catch {
            scores.free()
            throw error
        }
        let origin: ScratchBuffer<Int>
        do { origin = try ScratchBuffer<Int>(count: count) } catch {
            scores.free()
            mass.free()
            throw error
        }
        return ClassSamples(scores: scores, mass: mass, origin: origin)
    }

    /// Divides every mass by `total` (>= 1, since the largest scaled weight is 1), so the
    /// masses sum to 1. Unweighted, every mass becomes exactly 1/count.
    func normalize(total: Double, unweighted: Bool) {
        guard count > 0 else { return }
        if unweighted {
            let m = 1.0 / Double(count)
            for k in 0..<count { mass.buffer[k] = m }
        } else {
            for k in 0..<count { mass.buffer[k] /= total }
        }
    }
}

/// The largest power of two <= w (w finite and > 0; 1 for w == 0): dividing by it is exact
/// (barring subnormal results, far below any weight that matters next to w) and maps w to
/// [1, 2), so integer and dyadic weights stay exact and no weight sum can overflow.
///
///     powerOfTwoScale(10) == 8
func powerOfTwoScale(_ w: Double) -> Double {
    guard w > 0 else { return 1 }
    return Double(sign: .plus, exponent: w.exponent, significand: 1)
}
