/// The first and last steps of the fast soft AUROC's sorting route around the class
/// sorts (FastSoftAUROC.swift): the samples gathered by class into sort keys and caller
/// indices, and the sorted keys turned back into scores, each on two threads.
///
/// The gather writes the layout of one pass in index order (positives at 0 ..< pc, then
/// negatives at pc ..< pc + nc, each class in index order; samples of weight 0 left out):
/// the second half of the samples starts its positives after the first half's and its
/// negatives likewise, which a count over the first half gives. So the keys and indices
/// are the same whether one thread or two wrote them. Every member is a plain value or
/// pointer: the context of `runConcurrently` allocates nothing.
struct ClassGather<I: FastSoftIndices> {
    let samples: LabeledSamples
    let keys: UnsafeMutablePointer<UInt64>
    let origins: UnsafeMutablePointer<I.Origin>
    let positiveCount: Int

    /// Writes keys and origins of every sample, on two threads when `inParallel`.
    func run(inParallel: Bool) {
        let n = samples.count
        guard inParallel else {
            gather(0..<n, positivesBefore: 0, negativesBefore: 0)
            return
        }
        let half = n / 2
        let before = classCounts(0..<half)
        runConcurrently(inParallel: true, with: (gather: self, half: half, n: n, p: before.positives, q: before.negatives), { c in
            c.gather.gather(0..<c.half, positivesBefore: 0, negativesBefore: 0)
        }, { c in
            c.gather.gather(c.half..<c.n, positivesBefore: c.p, negativesBefore: c.q)
        })
    }

    /// The positives and negatives (weight > 0) among samples `range`.
    private func classCounts(_ range: Range<Int>) -> (positives: Int, negatives: Int) {
        guard let weights = samples.weights else {
            // Labels are exactly 0 or 1: their sum is the count (below 2^53).
            let ones = countOfOnes(UnsafeBufferPointer(rebasing: samples.labels[range]))
            return (ones, range.count - ones)
        }
        var p = 0, q = 0
        for i in range where weights[i] > 0 {
            if samples.labels[i] == 1 { p += 1 } else { q += 1 }
        }
        return (p, q)
    }

    /// Samples `range`, after `positivesBefore` positives and `negativesBefore` negatives.
    private func gather(_ range: Range<Int>, positivesBefore: Int, negativesBefore: Int) {
        let k = keys, o = origins, scores = samples.scores, labels = samples.labels
        var p = positivesBefore, q = positiveCount + negativesBefore
        if let weights = samples.weights {
            for i in range {
                guard weights[i] > 0 else { continue }
                if labels[i] == 1 {
                    k[p] = scores[i].orderKey; o[p] = I.Origin(truncatingIfNeeded: i); p += 1
                } else {
                    k[q] = scores[i].orderKey; o[q] = I.Origin(truncatingIfNeeded: i); q += 1
                }
            }
        } else {
            // Branch-free: labels are random, a branch on them would mispredict half the
            // time. (With `labels[i] == 1` and selects the compiler still branched on it:
            // 10% of the CPU samples at n = 10^6, T/spread 1e-9.) Labels are exactly 0, -0
            // or 1 here, so `classBit` is the comparison, as integer arithmetic; p and q
            // stay within 0 ... n.
            for i in range {
                let positive = labels[i].classBit
                let at = q &+ ((p &- q) & (0 &- positive))
                k[at] = scores[i].orderKey
                o[at] = I.Origin(truncatingIfNeeded: i)
                p &+= positive
                q &+= 1 &- positive
            }
        }
    }
}

/// Sorted keys `keys[0 ..< count]` back to scores in place (`scoreFromSortKey`), a half
/// on each thread when `inParallel` (each entry by itself: the same bits either way).
func scoresFromSortKeys(_ keys: UnsafeMutablePointer<UInt64>, count: Int, inParallel: Bool) {
    runConcurrently(inParallel: inParallel, with: (keys: keys, half: count / 2, count: count), { c in
        for i in 0..<c.half { c.keys[i] = scoreFromSortKey(c.keys[i]).bitPattern }
    }, { c in
        for i in c.half..<c.count { c.keys[i] = scoreFromSortKey(c.keys[i]).bitPattern }
    })
}
