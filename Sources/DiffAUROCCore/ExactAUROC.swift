/// The exact AUROC of `samples`, as scikit-learn's `roc_auc_score` defines it for binary
/// labels (the trapezoidal area over distinct thresholds), which equals
///
///     sum_{i pos} sum_{j neg} w_i w_j ([s_i > s_j] + [s_i == s_j] / 2) / (W_pos * W_neg).
///
/// Tied scores count 1/2 whatever their order or bit pattern (-0.0 ties +0.0). Without
/// weights the pair count 2U is an exact integer and the result is the correctly rounded
/// double of 2U / (2 P N) (see `correctlyRoundedRatio`). With weights the sums are
/// compensated, so the result is within a few ulps of the exact weighted ratio.
///
/// Returns nil when there is no positive or no negative sample of positive weight: AUROC
/// is undefined then. Preconditions: `samples` validated (see `LabeledSamples`).
///
///     exactAUROC(scores [0.1, 0.4, 0.35, 0.8], labels [0, 0, 1, 1]) == 0.75
public func exactAUROC(_ samples: LabeledSamples) throws(CoreError) -> Double? {
    let (positives, negatives) = try samples.splitByClass()
    defer {
        positives.free()
        negatives.free()
    }
    guard positives.count > 0, negatives.count > 0 else { return nil }
    let unweighted = samples.weights == nil
    try sortScoresCarryingMass(positives, carryMass: !unweighted)
    try sortScoresCarryingMass(negatives, carryMass: !unweighted)
    if unweighted {
        let twiceU = countTwiceU(positives.scores.buffer, negatives.scores.buffer)
        let pairs = UInt128(positives.count) * UInt128(negatives.count)
        return correctlyRoundedRatio(twiceU, 2 * pairs)
    }
    return weightedU(positives, negatives)
}

/// 2U = sum over groups of equal score of  P_g * (2 * N_below + N_g), in exact integers.
/// Both inputs sorted ascending. Walks the two arrays once, in step.
private func countTwiceU(_ pos: UnsafeMutableBufferPointer<Double>,
                         _ neg: UnsafeMutableBufferPointer<Double>) -> UInt128 {
    var twiceU: UInt128 = 0
    var i = 0
    var j = 0
    // Invariant: neg[0..<j] are exactly the negatives below pos[i] (or all scanned so far).
    while i < pos.count {
        let v = pos[i]
        while j < neg.count && neg[j] < v { j += 1 }
        var tiedNeg = 0
        while j + tiedNeg < neg.count && neg[j + tiedNeg] == v { tiedNeg += 1 }
        var tiedPos = 0
        while i + tiedPos < pos.count && pos[i + tiedPos] == v { tiedPos += 1 }
        twiceU += UInt128(tiedPos) * UInt128(2 * j + tiedNeg)
        i += tiedPos
    }
    return twiceU
}

/// U with normalized masses (each class sums to 1), so U is already the AUROC.
private func weightedU(_ positives: ClassSamples, _ negatives: ClassSamples) -> Double {
    let pos = positives.scores.buffer, posMass = positives.mass.buffer
    let neg = negatives.scores.buffer, negMass = negatives.mass.buffer
    var u = CompensatedSum()
    var below = CompensatedSum()
    var i = 0
    var j = 0
    while i < pos.count {
        let v = pos[i]
        while j < neg.count && neg[j] < v {
            below.add(negMass[j])
            j += 1
        }
        var tied = CompensatedSum()
        while j < neg.count && neg[j] == v {
            tied.add(negMass[j])
            j += 1
        }
        var groupMass = CompensatedSum()
        while i < pos.count && pos[i] == v {
            groupMass.add(posMass[i])
            i += 1
        }
        u.add(groupMass.total * (below.total + 0.5 * tied.total))
        below.add(tied.total)
    }
    return Swift.min(Swift.max(u.total, 0), 1)
}
