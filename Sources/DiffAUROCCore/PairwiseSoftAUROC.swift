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
    return SoftAUROCResult(value: value.total, dTemperature: -moment.total / temperature,
                           hasPairs: true)
}
