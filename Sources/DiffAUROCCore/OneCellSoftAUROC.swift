// The one-cell path of the fast soft AUROC: scores spanning less than one cell width
// (max - min < h T, e.g. T at least the spread of N(0, 1) scores), each class with more
// than r = `nodes` points.
//
// Then the grid route (FastSoftAUROC.swift) makes one cell holding every point, all pairs
// are near, and each class is "large": the whole computation is the near field's M2L on
// that one cell. Its per-point work is two Chebyshev recurrences: the source moments
// mu_k = sum_s q_s T_k(z_s) of each class, and at each target the evaluation of
// sum_k c_k T_k(z_t). Neither needs the points grouped: this path skips the counting
// sort (two passes), the per-point work arrays (44 bytes a point, their allocation and
// first-touch page faults), the cell bounds and the scatter of the gradient, and reads
// the caller's arrays directly:
//   1. moments: one pass over the samples per class (the two classes on two threads),
//      gathering that class's points in arrival order into a 64-point buffer and adding
//      each full buffer with `ChebyshevNearField.addMomentBlock`;
//   2. the cell's local expansions by `ChebyshevNearField.evaluate` itself, which writes
//      the two classes' Chebyshev coefficients instead of evaluating them at the points;
//   3. the gradient in index order, two halves on two threads: each sample's class
//      selects the coefficients lane by lane.
//
// Same bits as the grid route. The grid's counting sort is stable, so each class's points
// sit in the cell in index order: the grid route's moments are the blocks of 64
// consecutive class points in index order, which are the blocks gathered here, added by
// the same function in the same order. The local expansion is the same code on the same
// moments. A point's potential is one recurrence whose operations are the same in every
// SIMD lane, in the scalar tail and in the grid route's cached form (c_0 + T_1 c_1 +
// T_2 c_2 + ..., each T_k by the same recurrence), so it does not depend on where the
// point sits; it is then added to 0 and scaled exactly as the grid route's gradient
// scatter does ((mass * potential) / T, with -mass for a negative), with the same masses.
// The value and d/dT are assembled from the same parts in the same order. Hence the
// accuracy argument of the near field (ChebyshevNearField.swift) holds unchanged.
// (Checked: the bit-identity harness against the grid route's library, both CPU builds;
// FastSoftAUROCTests.swift against the float64 pair sum.)

/// The one-cell and few-cells paths' inputs: the classes' counts, largest weights and
/// compensated weight totals as `fastSoftAUROC` computed them, and the extreme scores of
/// positive weight (the one cell's lo and hi).
struct OneCellInput {
    var positiveCount: Int, negativeCount: Int
    var positiveMax: Double, negativeMax: Double
    var positiveTotal: Double, negativeTotal: Double
    var minScore: Double, maxScore: Double
}

/// The soft AUROC on one cell (see the top of the file); the caller has checked that
/// max - min < h T and that both classes have more than r points of positive weight.
/// `parallel`: the two classes' moments and the gradient's halves on two threads (the
/// same bits either way). Unit cells only (`fastSoftAUROC` never gives it double cells):
/// r and the near field's constants both come from `I.Shape`.
func oneCellSoftAUROC<I: FastSoftIndices>(
    _ samples: LabeledSamples, temperature: Double,
    gradient: UnsafeMutableBufferPointer<Double>?, indices: I.Type, input: OneCellInput, parallel: Bool
) throws(CoreError) -> SoftAUROCResult {
    let r = I.Shape.nodes
    let n = samples.count
    // One allocation: two near-field scratches (the classes' moments run side by side;
    // the first serves the local expansion too), moments and coefficients (2r each), two
    // gather buffers (64 scores, 64 masses), eight partial sums, the cell's table.
    let scratchCount = ChebyshevScratch<I.Shape>.count(reach: 0)  // no regular grid: no table beyond its one slot
    let momentsOffset = 2 * scratchCount
    let coefficientsOffset = momentsOffset + 2 * r
    let gatherOffset = coefficientsOffset + 2 * r
    let partsOffset = gatherOffset + 2 * 128
    let boundsOffset = partsOffset + 8
    let tableOffset = boundsOffset + 2
    // (6 Positions, each at most 8 bytes, in 6 doubles' room.)
    let storage = try ScratchBuffer<Double>(count: tableOffset + 6)
    defer { storage.free() }
    let base = storage.base!
    let moments = base + momentsOffset, coefficients = base + coefficientsOffset
    let part = base + partsOffset
    for k in 0..<8 { part[k] = 0 }
    let positions = UnsafeMutableRawPointer(base + tableOffset).bindMemory(to: I.Position.self, capacity: 6)
    let posStart = positions, negStart = positions + 2, nearLo = positions + 4, nearHi = positions + 5
    posStart[0] = 0; posStart[1] = I.Position(truncatingIfNeeded: input.positiveCount)
    negStart[0] = 0; negStart[1] = I.Position(truncatingIfNeeded: input.negativeCount)
    nearLo[0] = 0; nearHi[0] = 0
    // The grid route's cell lo and hi: the extremes of the (scattered, + 0.0) scores.
    let lo = input.minScore + 0.0
    base[boundsOffset] = lo
    base[boundsOffset + 1] = input.maxScore + 0.0
    let cells = CellTable<I>(count: 1, posStart: posStart, negStart: negStart, nearLo: nearLo, nearHi: nearHi,
                             lo: base + boundsOffset, hi: base + boundsOffset + 1)
    // The classes as the near field sees them: only their moments are read (the
    // coefficients go to `coefficients`, no point is evaluated there).
    func sourceClass(_ count: Int, _ m: UnsafeMutablePointer<Double>) -> SortedClass {
        SortedClass(count: count, scores: m, mass: m, origin: UnsafeMutableRawPointer(m), potentialBelow: m,
                    potentialAbove: m, moments: m, chebyshev: nil, chebyshevStride: 0)
    }
    let layout = FastSoftLayout(temperature: temperature, pos: sourceClass(input.positiveCount, moments),
                                neg: sourceClass(input.negativeCount, moments + r), cells: cells,
                                needGradient: gradient != nil, hasFarField: false)
    let near = ChebyshevNearField(layout: layout)
    let pass = OneCellPass(near: near, samples: samples, lo: lo, temperature: temperature, input: input,
                           base: base, scratchCount: scratchCount, moments: moments,
                           coefficients: coefficients, gather: base + gatherOffset,
                           gradient: gradient?.baseAddress, half: n / 2, n: n)
    runConcurrently(inParallel: parallel, with: pass,
                    { $0.classMoments(positive: true) }, { $0.classMoments(positive: false) })
    let local = near.evaluate(cells: 0..<1, positives: 0..<input.positiveCount,
                              negatives: 0..<input.negativeCount, scratch: base, coefficientsOut: coefficients)
    part[4] = local.value; part[5] = local.moment
    if gradient != nil {
        runConcurrently(inParallel: parallel, with: pass,
                        { $0.gradient(0..<$0.half) }, { $0.gradient($0.half..<$0.n) })
    }
    return assembledSoftResult(part, temperature: temperature)
}

/// The result from the eight partial sums (value and moment of the two far sweeps and of
/// the two near-field shares) as `fastSoftAUROC` assembles them: in a fixed order with
/// compensation, the value clamped to [0, 1]. (The one-cell and few-cells paths leave the
/// far parts 0, as the grid route does without a far field.)
func assembledSoftResult(_ part: UnsafeMutablePointer<Double>, temperature: Double) -> SoftAUROCResult {
    var value = CompensatedSum(), moment = CompensatedSum()
    for k in 0..<4 {
        value.add(part[2 * k])
        moment.add(part[2 * k + 1])
    }
    let v = Swift.min(Swift.max(value.total, 0), 1)
    return SoftAUROCResult(value: v, dTemperature: -moment.total / temperature, hasPairs: true)
}

/// The two passes over the samples; everything they read is a field (the closures handed
/// to `runConcurrently` capture nothing).
private struct OneCellPass<I: FastSoftIndices> {
    let near: ChebyshevNearField<I>
    let samples: LabeledSamples
    let lo: Double
    let temperature: Double
    let input: OneCellInput
    let base: UnsafeMutablePointer<Double>
    let scratchCount: Int
    let moments: UnsafeMutablePointer<Double>
    let coefficients: UnsafeMutablePointer<Double>
    let gather: UnsafeMutablePointer<Double>
    let gradient: UnsafeMutablePointer<Double>?
    let half: Int, n: Int

    /// The node moments of one class (at moments, positives first), from its points in
    /// index order in blocks of 64, as `cellMoments` of the grid route. Branch-free on the
    /// labels: every sample is written to the buffer's next slot, which only a sample of
    /// the class (of positive weight) keeps; a run of 64 - k samples cannot overfill a
    /// buffer holding k, so the buffer is checked once a run.
    func classMoments(positive: Bool) {
        let r = I.Shape.nodes
        let n = n
        let scratch = base + (positive ? 0 : scratchCount)
        let scores = gather + (positive ? 0 : 128), masses = scores + 64
        let x = samples.scores.baseAddress!, y = samples.labels.baseAddress!
        let target: Double = positive ? 1 : 0
        for k in 0..<r { scratch[2 * r + k] = 0; scratch[4 * r + k] = 0 }  // mu, corrections
        var k = 0, i = 0
        if let weights = samples.weights?.baseAddress {
            // The weights are gathered; a full buffer turns them into masses.
            while i < n {
                let end = i + Swift.min(64 - k, n - i)
                while i < end {
                    let w = weights[i]
                    scores[k] = x[i] + 0.0
                    masses[k] = w
                    k &+= y[i] == target && w > 0 ? 1 : 0
                    i &+= 1
                }
                if k == 64 || i == n {
                    addBlock(positive: positive, count: k, weighted: true, scratch: scratch)
                    k = 0
                }
            }
        } else {
            let mass = 1.0 / Double(positive ? input.positiveCount : input.negativeCount)
            for j in 0..<64 { masses[j] = mass }
            while i < n {
                let end = i + Swift.min(64 - k, n - i)
                while i < end {
                    scores[k] = x[i] + 0.0
                    k &+= y[i] == target ? 1 : 0
                    i &+= 1
                }
                if k == 64 || i == n {
                    addBlock(positive: positive, count: k, weighted: false, scratch: scratch)
                    k = 0
                }
            }
        }
        let table = near.constants(scratch) + ChebyshevConstants<I.Shape>.tableStart
        near.finishMoments(moments + (positive ? 0 : r), table: table, scratch: scratch)
    }

    /// Adds the `count` gathered points of a class as one block (nothing when 0); with
    /// `weighted`, first turns their weights into masses as `fillMasses` does. (Out of
    /// line: the gathering loop keeps its few values in registers.)
    @inline(never)
    private func addBlock(positive: Bool, count: Int, weighted: Bool, scratch: UnsafeMutablePointer<Double>) {
        guard count > 0 else { return }
        let scores = gather + (positive ? 0 : 128), masses = scores + 64
        if weighted {
            let maxWeight = positive ? input.positiveMax : input.negativeMax
            let total = positive ? input.positiveTotal : input.negativeTotal
            for j in 0..<count { masses[j] = (masses[j] / maxWeight) / total }
        }
        near.addMomentBlock(scores, masses, count: count, lo: lo, cached: nil, stride: 0, scratch: scratch)
    }

    /// The gradient of the samples of `range`: sum_k c_k T_k(z) with the coefficients of
    /// the sample's class (the grid route's `addChebyshevSums`, lane by lane the same
    /// operations), then (mass * (0 + potential)) / T as its gradient scatter; 0 for a
    /// sample of weight 0.
    func gradient(_ range: Range<Int>) {
        let r = I.Shape.nodes
        let near = near, lo = lo, temperature = temperature
        let g = gradient!
        let x = UnsafeMutablePointer(mutating: samples.scores.baseAddress!), y = samples.labels.baseAddress!
        let weights = samples.weights?.baseAddress
        let cp = coefficients, cn = coefficients + r
        let unitP = 1.0 / Double(input.positiveCount), unitN = 1.0 / Double(input.negativeCount)
        let maxP = input.positiveMax, maxN = input.negativeMax
        let totalP = input.positiveTotal, totalN = input.negativeTotal
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            // Eight samples, each lane with its class's coefficients (the operations of
            // `addChebyshevSums`). (Written out here: as local functions these were
            // compiled out of line, passing the vectors through memory.)
            let z = near.chebyshevVariables8(x + i, lo: lo)
            let isPositive = SIMD8<Double>(
                y[i], y[i + 1], y[i + 2], y[i + 3], y[i + 4], y[i + 5], y[i + 6], y[i + 7]) .== 1
            @inline(__always) func c(_ k: Int) -> SIMD8<Double> {
                SIMD8<Double>(repeating: cn[k]).replacing(with: cp[k], where: isPositive)
            }
            var previous = SIMD8<Double>(repeating: 1), current = z
            var total = c(0) + z * c(1)
            let twoZ = z + z
            for k in 2..<r {
                let next = twoZ * current - previous
                total += next * c(k)
                previous = current
                current = next
            }
            let potential = SIMD8<Double>(repeating: 0) + total
            var mass: SIMD8<Double>
            if let weights {
                let w = load8(UnsafeMutablePointer(mutating: weights + i))
                let maxWeight = SIMD8<Double>(repeating: maxN).replacing(with: maxP, where: isPositive)
                let total = SIMD8<Double>(repeating: totalN).replacing(with: totalP, where: isPositive)
                mass = (w / maxWeight) / total
                mass.replace(with: -mass, where: .!isPositive)
                var out = mass * potential / temperature
                out.replace(with: 0, where: .!(w .> 0))
                store8(out, g + i)
            } else {
                mass = SIMD8<Double>(repeating: -unitN).replacing(with: unitP, where: isPositive)
                store8(mass * potential / temperature, g + i)
            }
            i += 8
        }
        while i < range.upperBound {
            let positive = y[i] == 1
            let cf = positive ? cp : cn
            let z = near.chebyshevVariable(x[i], lo: lo)
            var previous = 1.0, current = z
            var total = cf[0] + z * cf[1]
            let twoZ = 2 * z
            for k in 2..<r {
                let next = twoZ * current - previous
                total += next * cf[k]
                previous = current
                current = next
            }
            let potential = 0.0 + total
            if let weights {
                let w = weights[i]
                let mass = positive ? (w / maxP) / totalP : (w / maxN) / totalN
                g[i] = w > 0 ? (positive ? mass : -mass) * potential / temperature : 0
            } else {
                g[i] = (positive ? unitP : -unitN) * potential / temperature
            }
            i += 1
        }
    }
}
