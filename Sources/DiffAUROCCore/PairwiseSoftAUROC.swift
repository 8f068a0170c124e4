/// The direct O(P * N) evaluation of the soft AUROC and its gradients: every
/// (positive, negative) pair evaluated with `PairKernels`. It is the small-n path of
/// `softAUROC` and the in-library oracle that faster methods are tested against.
///
/// Accuracy: each kernel is computed to a few ulps (one `exp`, no cancellation, see
/// `PairKernels`). Row sums over negatives are accumulated in blocks of `blockLength`
/// terms and the blocks added, so the summation error grows like
/// (blockLength + N / blockLength) * eps rather than N * eps; the sums over positives use
/// Neumaier's compensated summation.
///
/// Differences are formed by `scaledDifference`, finite whenever (s_i - s_j) / T is; those
/// that overflow are +-infinity, which the kernels map to their limits, so the result is
/// finite and correct for scores up to +-1e308 and any valid T.
func pairwiseSoftAUROC(
    _ samples: LabeledSamples, temperature: Double,
    gradient: UnsafeMutableBufferPointer<Double>?
) throws(CoreError) -> SoftAUROCResult {
    // All scratch memory is allocated before the caller's gradient is first written, so an
    // allocation failure leaves it untouched.
    let (positives, negatives) = try samples.splitByClass()
    defer {
        positives.free()
        negatives.free()
    }
    // Per-negative accumulator of sum_i p_i sigmoid'(x_ij), needed only for gradients.
    let negativeSlope = try ScratchBuffer<Double>(count: gradient == nil ? 0 : negatives.count)
    defer { negativeSlope.free() }
    if let gradient {
        for k in gradient.indices { gradient[k] = 0 }
    }
    guard positives.count > 0, negatives.count > 0 else { return .noPairs }
    for j in 0..<negativeSlope.count { negativeSlope.buffer[j] = 0 }

    let blockLength = 256
    var value = CompensatedSum()
    var moment = CompensatedSum()
    let negScores = negatives.scores.buffer
    let negMass = negatives.mass.buffer
    // The total mass of the negatives, summed exactly as every row sum below (same blocks,
    // same order), and `totalMass` the total mass of the pairs, summed as `value`.
    var negativeTotal = 0.0
    var blockStart = 0
    while blockStart < negatives.count {
        let blockEnd = Swift.min(blockStart + blockLength, negatives.count)
        var bMass = 0.0
        for j in blockStart..<blockEnd { bMass += negMass[j] }
        negativeTotal += bMass
        blockStart = blockEnd
    }
    var totalMass = CompensatedSum()
    for i in 0..<positives.count {
        let s = positives.scores.buffer[i]
        let p = positives.mass.buffer[i]
        var rowValue = 0.0, rowSlope = 0.0, rowMoment = 0.0
        var blockStart = 0
        while blockStart < negatives.count {
            let blockEnd = Swift.min(blockStart + blockLength, negatives.count)
            var bValue = 0.0, bSlope = 0.0, bMoment = 0.0
            for j in blockStart..<blockEnd {
                let k = PairKernels(x: scaledDifference(s, negScores[j], temperature))
                let q = negMass[j]
                bValue += q * k.value
                bSlope += q * k.slope
                bMoment += q * k.moment
                if gradient != nil { negativeSlope.buffer[j] += p * k.slope }
            }
            rowValue += bValue
            rowSlope += bSlope
            rowMoment += bMoment
            blockStart = blockEnd
        }
        value.add(p * rowValue)
        totalMass.add(p * negativeTotal)
        moment.add(p * rowMoment)
        if let gradient {
            gradient[positives.origin.buffer[i]] = p * rowSlope / temperature
        }
    }
    if let gradient {
        for j in 0..<negatives.count {
            gradient[negatives.origin.buffer[j]] = -negMass[j] * negativeSlope.buffer[j] / temperature
        }
    }
    // d/dT sigmoid((s_i - s_j) / T) = -x sigmoid'(x) / T. Dividing (never multiplying by
    // 1/T) keeps 0 / T = 0 even where 1/T would overflow.
    return SoftAUROCResult(value: normalizedValue(value.total, totalMass.total),
                           dTemperature: -moment.total / temperature, hasPairs: true)
}

/// The value `sum / mass`, where `sum` is the pair sum of p_i q_j sigmoid(x_ij) and `mass`
/// the sum of p_i q_j computed by the same operations with every sigmoid replaced by 1.
///
/// Why divide: the masses p = w / W_pos and q = w / W_neg are rounded, so their products
/// do not sum to exactly 1 (unweighted, 1/N rounds up for N = 9, 11, 18, ...). The sum
/// alone then exceeds 1 by a few ulps where every sigmoid is 1 (scores {1e6, 0 x 9}, T = 1
/// gave 1.0000000000000002). Dividing by the mass the sum actually used is the exact
/// normalisation of those rounded masses (the true value is sum_ij p_i q_j sigma_ij /
/// sum_ij p_i q_j for any positive masses proportional to the weights); in particular a
/// sum of equal sigmoids gives that sigmoid, and all ones give exactly 1, since then
/// `sum` and `mass` are the same operations on the same numbers.
///
/// Bound: the true value is a weighted mean of sigmoids, so it lies in [0, 1]. Every
/// rounded sigmoid lies in [0, 1], hence each rounded product q_j * sigma is <= q_j and the
/// plain row sums are <= the same sums of q_j (rounding is monotone); the compensated sums
/// over positives are not provably monotone, so the quotient is clamped to [0, 1] as
/// well. Clamping projects onto an interval that holds the true value, so it never moves
/// the result away from it (|clamp(v) - v*| <= |v - v*| for v* in [0, 1]).
@inline(__always)
func normalizedValue(_ sum: Double, _ mass: Double) -> Double {
    Swift.min(Swift.max(sum / mass, 0), 1)
}
