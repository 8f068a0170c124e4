import CoreHints
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The far-field part of the fast soft AUROC: every pair whose cells are at least C apart
/// (|x| >= C, x = (a - b) / T), summed with the exponential series of the sigmoid.
///
/// Series. For x > 0, with e = e^-x < 1,
///
///     sigmoid(x)     = 1 - sum_{k>=1} (-1)^{k+1} e^k
///     sigmoid'(x)    =     sum_{k>=1} (-1)^{k+1} k e^k
///     x sigmoid'(x)  =     sum_{k>=1} (-1)^{k+1} k x e^k
///
/// and for x < 0, sigmoid(x) = 1 - sigmoid(|x|) = sum_{k>=1} (-1)^{k+1} e^{-k|x|}, with
/// sigmoid' even and x sigmoid'(x) odd. Each term factors: e^{-k(t - s)/T} =
/// e^{-k(t - ref)/T} e^{-k(ref - s)/T}, so a sum over many sources s collapses to K
/// running numbers per k, carried by a sweep in sorted order.
///
/// Truncation (K = `seriesTerms` = 9, C = `nearDistance` = 4). For x >= C the terms of each
/// series decrease in magnitude (k e^-kx and k x e^-kx decrease in k once x > ln 2), so
/// the alternating remainder after K terms is at most the first omitted term:
/// e^{-(K+1)C} = e^-40 = 4.2e-18 for sigmoid, (K+1) e^{-(K+1)C} = 4.2e-17 for sigmoid',
/// and (K+1) C e^{-(K+1)C} = 1.7e-16 for x sigmoid' (the bound k x e^-kx is largest at
/// x = C since (K+1)C > 1). Sources carry masses summing to 1, so each potential's
/// truncation error is below 2e-16, four orders under the 1e-12 bar.
///
/// Running sums without overflow. The upward sweep keeps, for the far set F of sources
/// (all cells below nearLo[c]) and the reference ref = hi of the last cell added,
///     R_k = sum_F q e^{-k(ref - s)/T},   U_k = sum_F q ((ref - s)/T) e^{-k(ref - s)/T},
/// and moves ref up by D = (ref' - ref)/T >= 0 with R_k <- R_k e^{-kD},
/// U_k <- (U_k + D R_k) e^{-kD}. Every factor is <= 1 and every term >= 0: nothing
/// overflows and nothing cancels. When e^-D underflows to 0 the state is exactly reset to
/// 0 (so inf * 0 never arises for scores near +-1e308). A target t then gets
/// S_k = e^{-k d} R_k and X_k = e^{-kd} (d R_k + U_k), d = (t - ref)/T >= C. The downward
/// sweep is the mirror image (ref = lo of the last cell added, distances measured down).
///
/// Rounding. A cell's own sums are formed from one exp per point (relative error a few
/// ulps; eight points at a time use `exponentialOfNonPositive`, within 1 ulp of libm's
/// exp in tests), k-th powers by k multiplications (<= 10 ulps), added in blocks of 64
/// with the block totals added with compensation, so a cell of 10^7 tied points still
/// sums to ~64 ulps. Carrying R_k across cells multiplies by e^{-kD} (2 ulps per step);
/// since the starts of cells two apart differ by at least h = 1, any two steps decay a
/// term by at least e^-1, so the relative errors (m steps -> ~2m ulps) are damped
/// geometrically and their total stays a few ulps of the sum. The error of D itself,
/// ~2 ulps of D, changes e^{-kD} by a factor 1 + O(k D eps), and k D e^{-kD} <= 1/e. The
/// constant term of sigmoid (the mass of F) is a compensated running total. All far
/// errors together: ~1e-15 absolute.
///
/// Dense cells (the cost at moderate T). A class with more than r = `nodes` points in a
/// source cell is summed from its r Chebyshev moments, which the near field computes
/// first (`momentSums`, "Large cells from their moments"): 2K r multiply-adds instead of
/// an exponential and K to 2K terms a point. A class with more than 3r points in a target
/// cell is evaluated at the cell's r nodes, not at its points, when they all lie at least
/// C from the reference (`nodeKernels`, "Large cells at their nodes"): value and moment
/// through the cell's moments, the slopes through the near field's local expansion of the
/// cell. Both add interpolation errors below 1e-16 and rounding of the moments' size
/// (~2e-14 of the mass at most, the near field's own), so the far errors stay far under
/// the bar. Measured (C, n = 10^5, N(0, 1) + label, T / sd 0.1, value and gradient):
/// 3.3 ms a call -> 2.4 ms with the sources from moments -> 2.0 ms with the targets at
/// nodes.
///
/// Counting (the cost at small T). The cells fall into clusters: maximal runs of cells
/// whose consecutive gaps (lo of the upper - hi of the lower) / T are below G =
/// `countingDistance` = 40. A pair with its points in different clusters has |x| >= G,
/// where sigmoid is 1 or 0 to within e^-G = 4.2e-18, sigmoid' <= e^-G and |x sigmoid'|
/// <= G e^-G = 1.7e-16 (x e^-x decreases for x > 1). So each sweep keeps the series
/// state of the current cluster's far cells only: at a cluster boundary the state is
/// cleared, cells of earlier clusters add only their negatives' mass to the constant term
/// (the count: sigmoid = 1 below), and a target with no far cell of its own cluster gets
/// potential 0 and value p * (that mass). Dropped terms are bounded by the masses (sum 1)
/// times those bounds: <= 1.7e-16 on each potential and on the moment, 4.2e-18 on the
/// value. When T is small against the gaps between scores nearly every cell is its own
/// cluster, and the sweeps cost a comparison and an addition a point instead of the
/// series' K terms. (The gap uses the same `scaledDifference` as everything else; its
/// 2-ulp error moves G by 1e-14, which changes none of the bounds.)
///
/// Memory order. The grid route runs the two sweeps at once, one a thread, and waits for
/// both. The upward sweep walks the cells, and within each cell its points, in ascending
/// address order, which the processor's own prefetchers follow; the downward sweep walks
/// the cells in descending order but each cell's points ascending, which they did not:
/// traced at n = 10^7, T / spread 1e-5 (N(0, 1) + label scores, 30% positives, about 24
/// points a double cell), the upward sweep took 146 ms and the downward 194-201 ms,
/// whichever thread ran it, its samples on the first loads of each cell's scores and
/// moments. So the downward sweep prefetches, at each target cell, the lines of the cell
/// `prefetchDistance` = 8 below it that it will read or write (`prefetchPoints`, through
/// CoreHints: Swift has no prefetch). A prefetch changes no result. (The downward sweep
/// also summed the masses of its large source cells into a constant term it never reads:
/// no longer.) Measured (C driver, value and gradient, median wall of alternating
/// processes, new / old): 10^7 at 1e-5 0.90x, at 1e-4 0.95x; 10^6 at 1e-4 0.92x; at
/// n = 10^5 (in cache) 1.01x; from Python 0.92x at 10^7 and 1e-5, 0.95x at 10^6 and
/// 1e-4. The upward sweep prefetching too: 1.00x.
enum ExponentialFarField {
    /// Doubles of scratch one sweep needs.
    static let scratchCount = stagingOffset + 2 * 64

    /// Where a block's separations and exponentials are staged (`cellSums`, the target
    /// loops of `sweep`): up to 64 of each, after the 2K SIMD8 accumulators.
    static let stagingOffset = 32 * FastSoftParameters.seriesTerms + 8

    /// 2K SIMD8 accumulators at the end of the scratch, 64-byte aligned.
    @inline(__always)
    private static func vectorAccumulators(_ scratch: UnsafeMutablePointer<Double>) -> UnsafeMutablePointer<SIMD8<Double>> {
        let address = (Int(bitPattern: scratch + 16 * FastSoftParameters.seriesTerms) + 63) & ~63
        return UnsafeMutableRawPointer(bitPattern: address)!
            .bindMemory(to: SIMD8<Double>.self, capacity: 2 * FastSoftParameters.seriesTerms)
    }

    /// One sweep: upward (`above == false`: sources below the target) or downward. Writes
    /// every positive's and (when gradients are wanted) every negative's potentialBelow
    /// (upward) or potentialAbove (downward) with its far sum of sigmoid', and returns the
    /// far parts of sum_i p_i sum_j q_j sigmoid(x_ij) and of sum p_i q_j x_ij sigmoid'(x_ij).
    /// `nodeFactors`: the table of `fillNodeFactors`. The cells' moments must be computed
    /// (the near field's `computeMoments` has run): a class with more than r points in a
    /// source cell is summed from its r node moments ("Large cells from their moments"),
    /// one with more than 3r in a target cell at the cell's nodes ("Large cells at their
    /// nodes").
    static func sweep<I: FastSoftIndices>(_ layout: FastSoftLayout<I>, above: Bool,
                      scratch: UnsafeMutablePointer<Double>,
                      nodeFactors: UnsafeMutablePointer<Double>) -> (value: Double, moment: Double) {
        let K = FastSoftParameters.seriesTerms
        let t = layout.temperature
        let cells = layout.cells
        let pos = layout.pos, neg = layout.neg
        let needGradient = layout.needGradient
        let rSum = scratch, uSum = scratch + K, qSum = scratch + 2 * K
        let cellR = scratch + 3 * K, cellRc = scratch + 4 * K
        let cellU = scratch + 5 * K, cellUc = scratch + 6 * K
        let cellQ = scratch + 7 * K, cellQc = scratch + 8 * K
        let blockA = scratch + 9 * K, blockB = scratch + 10 * K
        let staging = scratch + stagingOffset
        let lanes = vectorAccumulators(scratch)
        for k in 0..<(3 * K) { scratch[k] = 0 }
        let targetPotential = above ? pos.potentialAbove : pos.potentialBelow
        let negPotential = above ? neg.potentialAbove : neg.potentialBelow

        // Separation of `ahead` from `behind` in the sweep's direction, in scaled units.
        @inline(__always) func separation(_ ahead: Double, _ behind: Double) -> Double {
            above ? scaledDifference(behind, ahead, t) : scaledDifference(ahead, behind, t)
        }
        /// `separation` of eight points from one point, lane by lane the same bits.
        @inline(__always) func separation8(_ ahead: SIMD8<Double>, _ behind: SIMD8<Double>) -> SIMD8<Double> {
            above ? scaledDifferences8(behind, ahead, t) : scaledDifferences8(ahead, behind, t)
        }

        var farMass = CompensatedSum()
        var value = CompensatedSum(), moment = CompensatedSum()
        var reference = 0.0
        var hasReference = false
        var next = above ? cells.count - 1 : 0
        // The first cell (in the sweep's order) of c's cluster: see "Counting" above.
        var clusterFirst = above ? cells.count - 1 : 0
        let G = FastSoftParameters.countingDistance
        let ahead = prefetchDistance
        for step in 0..<cells.count {
            let c = above ? cells.count - 1 - step : step
            if above && c >= ahead {
                // The points of the cell `ahead` steps on (see "Memory order").
                prefetchPoints(pos, layout.posRange(c - ahead), shape: I.Shape.self, potentials: targetPotential)
                prefetchPoints(neg, layout.negRange(c - ahead), shape: I.Shape.self, potentials: negPotential)
            }
            if step > 0 {
                let previous = above ? c + 1 : c - 1
                let gap = separation(above ? layout.hi(c) : layout.lo(c),
                                     above ? layout.lo(previous) : layout.hi(previous))
                if gap >= G {
                    // A new cluster: every source met so far is at least G from c and
                    // from every later target. Their series state is dropped; their
                    // mass stays in farMass.
                    clusterFirst = c
                    if hasReference { for k in 0..<(3 * K) { scratch[k] = 0 } }
                    hasReference = false
                }
            }
            // Cells that are far from c (and from every later cell of the sweep) join F.
            while above ? next > Int(cells.nearHi[c]) : next < Int(cells.nearLo[c]) {
                let d = next
                next += above ? -1 : 1
                if above ? d > clusterFirst : d < clusterFirst {
                    // A cell of an earlier cluster: only its negatives' mass counts (the
                    // upward sweep's constant term; the downward sweep has none).
                    if !above { addMass(neg, layout.negRange(d), to: &farMass) }
                    continue
                }
                let cellReference = above ? layout.lo(d) : layout.hi(d)
                if hasReference {
                    let delta = separation(cellReference, reference)
                    let f = exp(-delta)
                    if f == 0 {
                        for k in 0..<(3 * K) { scratch[k] = 0 }
                    } else {
                        var fk = 1.0
                        for k in 0..<K {
                            fk *= f
                            let r = rSum[k]
                            uSum[k] = (uSum[k] + delta * r) * fk
                            rSum[k] = r * fk
                            qSum[k] *= fk
                        }
                    }
                }
                reference = cellReference
                hasReference = true
                // Negatives of d: sources for positive targets (value, slope, moment).
                let negatives = layout.negRange(d), positives = layout.posRange(d)
                if negatives.count > I.Shape.nodes {
                    // (The downward sweep has no constant term: its farMass is never read.)
                    if !above { addMass(neg, negatives, to: &farMass) }
                    momentSums(neg.moments + negatives.lowerBound,
                               offset: separation(cellReference, layout.anchor(d)),
                               nodeFactors: nodeFactors, above: above, sums: rSum, momentSums: uSum,
                               shape: I.Shape.self)
                } else {
                    cellSums(neg, negatives, reference: cellReference, withMoment: true,
                             sums: cellR, sumsC: cellRc, momentSums: cellU, momentSumsC: cellUc,
                             blockA: blockA, blockB: blockB, lanes: lanes, staging: staging, mass: &farMass, separation: separation, separation8: separation8)
                    for k in 0..<K {
                        rSum[k] += cellR[k] + cellRc[k]
                        uSum[k] += cellU[k] + cellUc[k]
                    }
                }
                if needGradient {
                    if positives.count > I.Shape.nodes {
                        momentSums(pos.moments + positives.lowerBound,
                                   offset: separation(cellReference, layout.anchor(d)),
                                   nodeFactors: nodeFactors, above: above, sums: qSum, momentSums: nil,
                                   shape: I.Shape.self)
                    } else {
                        var unused = CompensatedSum()
                        cellSums(pos, positives, reference: cellReference, withMoment: false,
                                 sums: cellQ, sumsC: cellQc, momentSums: cellU, momentSumsC: cellUc,
                                 blockA: blockA, blockB: blockB, lanes: lanes, staging: staging, mass: &unused, separation: separation, separation8: separation8)
                        for k in 0..<K { qSum[k] += cellQ[k] + cellQc[k] }
                    }
                }
            }
            let mass0 = farMass.total
            let positives = layout.posRange(c)
            var first = positives.lowerBound
            // Many positives in c: their far sums at c's r nodes ("Large cells at their
            // nodes"): value and moment through the cell's moments, the slopes' node values
            // left for the near field, which adds them to its local expansion of c.
            if atNodes(pos, positives, shape: I.Shape.self, anchor: layout.anchor(c), reference: reference, temperature: t,
                       hasReference: hasReference, above: above,
                       nodeFactors: nodeFactors, sums: rSum, momentSums: uSum, out: staging,
                       potentials: targetPotential) {
                let r = I.Shape.nodes
                let own = pos.moments + positives.lowerBound
                var a = 0.0, m = 0.0
                for l in 0..<r {
                    a += own[l] * staging[l]
                    m += own[l] * staging[2 * r + l]
                }
                if above {
                    value.add(a)
                    moment.add(-m)
                } else {
                    var cellMass = CompensatedSum()
                    addMass(pos, positives, to: &cellMass)
                    value.add(mass0 * cellMass.total)
                    value.add(-a)
                    moment.add(m)
                }
                first = positives.upperBound
            }
            if hasReference {
                // Eight targets side by side (see cellSums); the scalar loop below does
                // the rest and is the reference for what each lane computes.
                var valueLanes = SIMD8<Double>(repeating: 0), momentLanes = valueLanes
                var groups = 0
                var staged = first  // staging holds groups staged ..< staged + 64
                while first + 8 <= positives.upperBound {
                    if first == staged + 64 || first == positives.lowerBound {
                        // The next (up to) eight groups' separations and exponentials first
                        // (see cellSums).
                        staged = first
                        let stageEnd = Swift.min(first + 64, first + (positives.upperBound - first) / 8 * 8)
                        var g = first
                        while g < stageEnd {
                            var d = separation8(load8(pos.scores + g), SIMD8<Double>(repeating: reference))
                            let e = exponentialOfNonPositive(-d)
                            // Lanes whose e^-d underflowed contribute 0; d = 0 there keeps
                            // 0 * (d R + U) from being 0 * inf.
                            d.replace(with: 0, where: e .== 0)
                            store8(d, staging + (g - staged))
                            store8(e, staging + 64 + (g - staged))
                            g += 8
                        }
                    }
                    let d = load8(staging + (first - staged)), e = load8(staging + 64 + (first - staged))
                    let (a, b, m) = seriesSums8(d, e, sums: rSum, momentSums: uSum)
                    let p = load8(pos.mass + first)
                    if above {
                        valueLanes += p * a
                        momentLanes -= p * m
                    } else {
                        valueLanes += p * (mass0 - a)
                        momentLanes += p * m
                    }
                    store8(b, targetPotential + first)
                    first += 8
                    // Lane sums of at most 64 groups (512 targets) join the compensated
                    // totals, so the plain lane sums carry at most ~64 ulps.
                    groups += 1
                    if groups == 64 || first + 8 > positives.upperBound {
                        value.add(valueLanes.sum())
                        moment.add(momentLanes.sum())
                        valueLanes = SIMD8<Double>(repeating: 0)
                        momentLanes = valueLanes
                        groups = 0
                    }
                }
            }
            for i in first..<positives.upperBound {
                guard hasReference else {
                    // No source of c's cluster in F: sigmoid is 1 (or 0) to e^-G for
                    // every far pair, sigmoid' and x sigmoid' are 0 to G e^-G.
                    targetPotential[i] = 0
                    if !above && mass0 != 0 { value.add(pos.mass[i] * mass0) }
                    continue
                }
                let d = separation(pos.scores[i], reference)
                let e = exp(-d)
                var a = 0.0, b = 0.0, m = 0.0
                if e > 0 {
                    var ek = 1.0
                    var sign = 1.0
                    for k in 0..<K {
                        ek *= e
                        let kk = Double(k + 1)
                        let s = ek * rSum[k]
                        a += sign * s
                        b += sign * kk * s
                        m += sign * kk * ek * (d * rSum[k] + uSum[k])
                        sign = -sign
                    }
                }
                let p = pos.mass[i]
                if above {
                    value.add(p * a)
                    moment.add(-(p * m))
                } else {
                    value.add(p * (mass0 - a))
                    moment.add(p * m)
                }
                targetPotential[i] = b
            }
            guard needGradient else { continue }
            let negatives = layout.negRange(c)
            var firstNegative = negatives.lowerBound
            if atNodes(neg, negatives, shape: I.Shape.self, anchor: layout.anchor(c), reference: reference, temperature: t,
                       hasReference: hasReference, above: above,
                       nodeFactors: nodeFactors, sums: qSum, momentSums: nil, out: staging,
                       potentials: negPotential) {
                firstNegative = negatives.upperBound
            }
            if hasReference {
                var staged = firstNegative
                while firstNegative + 8 <= negatives.upperBound {
                    if firstNegative == staged + 64 || firstNegative == negatives.lowerBound {
                        staged = firstNegative
                        let stageEnd = Swift.min(firstNegative + 64,
                                                 firstNegative + (negatives.upperBound - firstNegative) / 8 * 8)
                        var g = firstNegative
                        while g < stageEnd {
                            let d = separation8(load8(neg.scores + g), SIMD8<Double>(repeating: reference))
                            store8(exponentialOfNonPositive(-d), staging + 64 + (g - staged))
                            g += 8
                        }
                    }
                    let e = load8(staging + 64 + (firstNegative - staged))
                    // The scalar loop's terms in its order, two a step with their signs
                    // written out: with a sign variable and Double(k + 1) the compiler
                    // split the lanes into scalar and shuffled pieces (a third of the
                    // sweep's samples). Same operations lane by lane, so the same bits.
                    var ek = SIMD8<Double>(repeating: 1)
                    var b = SIMD8<Double>(repeating: 0)
                    var kk = 0.0
                    var k = 0
                    while k + 2 <= K {
                        ek *= e
                        kk += 1
                        b += kk * ek * qSum[k]
                        ek *= e
                        kk += 1
                        b += (-kk) * ek * qSum[k + 1]
                        k += 2
                    }
                    if k < K {
                        ek *= e
                        kk += 1
                        b += kk * ek * qSum[k]
                    }
                    store8(b, negPotential + firstNegative)
                    firstNegative += 8
                }
            }
            for j in firstNegative..<negatives.upperBound {
                guard hasReference else {
                    negPotential[j] = 0
                    continue
                }
                let d = separation(neg.scores[j], reference)
                let e = exp(-d)
                var b = 0.0
                if e > 0 {
                    var ek = 1.0
                    var sign = 1.0
                    for k in 0..<K {
                        ek *= e
                        b += sign * Double(k + 1) * ek * qSum[k]
                        sign = -sign
                    }
                }
                negPotential[j] = b
            }
        }
        return (value.total, moment.total)
    }

    /// Cells ahead of its target cell whose points the downward sweep prefetches (see
    /// "Memory order").
    static let prefetchDistance = 8

    /// Prefetches the cache lines a sweep will read or write of the points `range` of `cls`
    /// in one cell: the r node moments of a class large in the cell (more than r points:
    /// the sources' sums come from them), and unless the class is evaluated at the cell's
    /// nodes (more than 3r points: `atNodes`) its points' scores and masses (the sources'
    /// own sums, the targets' distances and masses) and their `potentials` (written).
    @inline(__always)
    private static func prefetchPoints<S: CellShape>(_ cls: SortedClass, _ range: Range<Int>, shape: S.Type,
                                                     potentials: UnsafeMutablePointer<Double>) {
        guard !range.isEmpty else { return }
        let r = S.nodes
        if range.count > r {
            for k in stride(from: range.lowerBound, to: range.lowerBound + r, by: 8) {
                core_prefetch_read(cls.moments + k)
            }
            core_prefetch_read(cls.moments + range.lowerBound + r - 1)
        }
        guard range.count <= nodeTargetMinimum(S.self) else { return }
        // Every line the points touch: one address a line, then the last point's.
        var k = range.lowerBound
        while true {
            core_prefetch_read(cls.scores + k)
            core_prefetch_read(cls.mass + k)
            core_prefetch_write(potentials + k)
            if k == range.upperBound - 1 { break }
            k = Swift.min(k + 8, range.upperBound - 1)
        }
    }

    /// Adds the masses of `range` of `cls` to `mass`: one by one for a few points, else
    /// in blocks of 64 whose plain sums are added with compensation (as `cellSums`).
    @inline(__always)
    private static func addMass(_ cls: SortedClass, _ range: Range<Int>, to mass: inout CompensatedSum) {
        if range.count <= 4 {
            for i in range { mass.add(cls.mass[i]) }
            return
        }
        var start = range.lowerBound
        while start < range.upperBound {
            let end = Swift.min(start + 64, range.upperBound)
            var block = 0.0
            for i in start..<end { block += cls.mass[i] }
            mass.add(block)
            start = end
        }
    }

    /// Doubles of `fillNodeFactors`'s table: for each sweep direction and k = 1...K, the r
    /// node factors E_km and the r products W_km (see "Large cells from their moments").
    /// Then the r node coordinates u_m.
    static func nodeFactorCount<S: CellShape>(_: S.Type) -> Int { 4 * FastSoftParameters.seriesTerms * S.nodes + S.nodes }

    /// The node factors of both sweeps, from the near field's constants (`ChebyshevConstants`:
    /// u_m at 0 ..< r, e^(u_m) and then e^(-u_m) at nodeExponentialsStart).
    /// Upward (sources below, first half): E_km = e^(k u_m), W_km = -u_m E_km; downward:
    /// E_km = e^(-k u_m), W_km = u_m E_km. Row (direction, k) of E starts at
    /// ((direction * K + k - 1) * 2) r, its W row r later. Powers by repeated
    /// multiplication: k ulps.
    static func fillNodeFactors<S: CellShape>(_ table: UnsafeMutablePointer<Double>, constants: UnsafeMutablePointer<Double>,
                                              shape: S.Type) {
        let K = FastSoftParameters.seriesTerms, r = S.nodes
        for m in 0..<r { table[4 * K * r + m] = constants[m] }
        for direction in 0..<2 {
            let factors = constants + ChebyshevConstants<S>.nodeExponentialsStart + (direction == 0 ? 0 : r)
            for m in 0..<r {
                let u = constants[m]
                var power = 1.0
                for k in 1...K {
                    power *= factors[m]
                    let row = table + ((direction * K + k - 1) * 2) * r
                    row[m] = power
                    row[r + m] = (direction == 0 ? -u : u) * power
                }
            }
        }
    }

    /// The series of eight targets at scaled distances d from the reference (e = e^-d,
    /// lane by lane): sum_k (-1)^{k+1} e^{-kd} S_k (sigmoid's terms), the same times k
    /// (sigmoid''s) and k e^{-kd} (d S_k + U_k) (x sigmoid''s; 0 without `momentSums`), with
    /// S = `sums`, U = `momentSums`: the scalar loop of `sweep`'s positives lane by lane.
    @inline(__always)
    private static func seriesSums8(_ d: SIMD8<Double>, _ e: SIMD8<Double>, sums: UnsafeMutablePointer<Double>,
                                    momentSums: UnsafeMutablePointer<Double>?)
        -> (value: SIMD8<Double>, slope: SIMD8<Double>, moment: SIMD8<Double>) {
        var ek = SIMD8<Double>(repeating: 1)
        var a = SIMD8<Double>(repeating: 0), b = a, m = a
        var sign = 1.0
        for k in 0..<FastSoftParameters.seriesTerms {
            ek *= e
            let kk = Double(k + 1)
            let s = ek * sums[k]
            a += sign * s
            b += (sign * kk) * s
            if let momentSums { m += (sign * kk) * ek * (d * sums[k] + momentSums[k]) }
            sign = -sign
        }
        return (a, b, m)
    }

    /// Targets summed at their cell's nodes: a class with more than this many points in a
    /// cell (3r: the slots past its r moments hold the two sweeps' r node slopes each).
    static func nodeTargetMinimum<S: CellShape>(_: S.Type) -> Int { 3 * S.nodes }

    /// Where the two sweeps leave the node slopes of `cls`'s points `range` in their cell
    /// (more than `nodeTargetMinimum` of them): the upward sweep's r, then the downward's,
    /// right after the class's r moments.
    @inline(__always)
    static func nodeSlopes<S: CellShape>(_ cls: SortedClass, _ range: Range<Int>, shape: S.Type) -> UnsafeMutablePointer<Double> {
        cls.moments + range.lowerBound + S.nodes
    }

    /// A target class's points `range` in its cell, when they number more than
    /// `nodeTargetMinimum`: if there is a reference and every node lies at least C from it
    /// (the cell's `anchor` G = separation(anchor, reference) from it, as `sweep` measures,
    /// then the nodes as in `nodeKernels`), their far sums at the nodes into `out`, the slopes
    /// to the sweep's `nodeSlopes` row, the points' `potentials` 0, and true (the caller
    /// adds value and moment from `out`; its points are done). Otherwise the row is zeroed
    /// (so that the near field may always add it) and false: the points are summed.
    @inline(__always)
    private static func atNodes<S: CellShape>(_ cls: SortedClass, _ range: Range<Int>, shape: S.Type,
                                              anchor: Double, reference: Double,
                                temperature t: Double, hasReference: Bool, above: Bool, nodeFactors: UnsafeMutablePointer<Double>,
                                sums: UnsafeMutablePointer<Double>, momentSums: UnsafeMutablePointer<Double>?,
                                out: UnsafeMutablePointer<Double>, potentials: UnsafeMutablePointer<Double>) -> Bool {
        let r = S.nodes
        guard range.count > nodeTargetMinimum(S.self) else { return false }
        let slopes = nodeSlopes(cls, range, shape: S.self) + (above ? r : 0)
        let G = above ? scaledDifference(reference, anchor, t) : scaledDifference(anchor, reference, t)
        let nearest = above ? G - S.width : G
        guard hasReference && nearest >= S.nearDistance else {
            for l in 0..<r { slopes[l] = 0 }
            return false
        }
        nodeKernels(offset: G, above: above, nodeFactors: nodeFactors, sums: sums, momentSums: momentSums, out: out,
                    shape: S.self)
        for l in 0..<r { slopes[l] = out[r + l] }
        for i in range { potentials[i] = 0 }
        return true
    }

    /// The far sums at the r nodes of a target cell (node m at anchor + u_m T, u_m from the
    /// end of `fillNodeFactors`'s table) whose anchor lies `offset` G = separation(anchor,
    /// reference) from the reference, so node m lies d_m = G + u_m (upward) or G - u_m
    /// (downward) from it: into out[0 ..< r] the sum of sigmoid's series terms, out[r ..<
    /// 2r] of sigmoid''s, out[2r ..< 3r] of x sigmoid''s (with `momentSums`), each node as a
    /// point target of `sweep` (the same terms in the same order).
    ///
    /// Large cells at their nodes. The caller takes this form only when every node lies at
    /// least C from the reference (d_m >= C; otherwise the points are summed). Each series
    /// term is then a function of the target's local coordinate u, e^{-k d(u)} S_k, with S_k
    /// a sum over the far sources of weights times e^{-k v}, v their distance from the
    /// reference: v >= 0 for points (masses), v >= -h for the nodes of a source cell summed
    /// from its moments (weights of total size at most 2.8 times its mass). So |S_k| <= 2.8
    /// e^{kh} times the sources' mass (<= 1), the term is at most 2.8 e^{-k (C - h)} on the
    /// cell, and its interpolant at the r Chebyshev points errs by at most 2 (k / 4)^16 / 16!
    /// times that (h = 1): 2.9e-18 at k = 5 (the largest), 6e-17 summed over k with the
    /// slope's factor k. The moment's terms k e^{-kd} (d S_k + U_k) have one more factor d;
    /// their 16th derivatives are within a factor C + h + 16 of the same bound. The target
    /// cell's points then get sum_m l_m(u_t) of the node values (ChebyshevNearField adds
    /// the node slopes to its local expansion and evaluates both at the points together), and their value and moment are sum_m M[m] times the node sums
    /// (M the cell's own moments, whose rounding the near field's argument covers). Double
    /// cells (h = 2, r = 24, C = 5: C - h = 3 as here, Lambda_24 <= 3.05): 3.05 x 2 (k / 2)^24
    /// / 24! e^{-3k} <= 1.0e-19, at k = 8. The cost: 2r series evaluations a cell instead of
    /// one a point.
    @inline(__always)
    private static func nodeKernels<S: CellShape>(offset G: Double, above: Bool, nodeFactors: UnsafeMutablePointer<Double>,
                                                  sums: UnsafeMutablePointer<Double>, momentSums: UnsafeMutablePointer<Double>?,
                                                  out: UnsafeMutablePointer<Double>, shape: S.Type) {
        let K = FastSoftParameters.seriesTerms, r = S.nodes
        let nodes = nodeFactors + 4 * K * r
        for half in stride(from: 0, to: r, by: 8) {
            let u = load8(nodes + half)
            var d = above ? SIMD8<Double>(repeating: G) - u : SIMD8<Double>(repeating: G) + u
            let e = exponentialOfNonPositive(-d)
            // Lanes whose e^-d underflowed contribute 0 (d = 0 keeps 0 * inf away).
            d.replace(with: 0, where: e .== 0)
            let (a, b, m) = seriesSums8(d, e, sums: sums, momentSums: momentSums)
            store8(a, out + half)
            store8(b, out + r + half)
            store8(m, out + 2 * r + half)
        }
    }

    /// The far sums of a class with more than r points in its source cell, added to
    /// `sums` (and to `momentSums` when given), from its node moments M[m]
    /// (`ChebyshevNearField.computeMoments`: sum_s q_s f(u_s) = sum_m M[m] f(u_m) for
    /// every polynomial f of degree below r). `offset` g = separation(reference, anchor):
    /// node m (score anchor + u_m T) lies v_m = g - u_m (upward) or g + u_m (downward) from
    /// the reference, so e^{-k v_m} = e^{-kg} E_km and v_m e^{-k v_m} = e^{-kg} (g E_km + W_km)
    /// with the table of `fillNodeFactors`.
    ///
    /// Large cells from their moments. The interpolant of f(u) = e^{-k v(u)} at the r
    /// Chebyshev points of [0, h] errs by at most 2 (h / 4)^r k^r / r! times its largest
    /// value on the cell; a target t of the sweep meets it multiplied by e^{-k d_t}, and
    /// d_t + v(u) >= C - h for every u of the cell (the node above its last point is at most
    /// h further), so each term of a potential errs by at most 2 (k / 4)^16 / 16! e^{-3k}
    /// times the cell's mass: 1.0e-18 at k = 5 (the largest), 2e-18 summed over k with the
    /// slope's factor k; the moment's terms have one more factor d, which raises their 16th
    /// derivative's bound by at most C + h + 16. Rounding: the moments carry ~2e-14 of the
    /// cell's mass (the recurrence, ChebyshevNearField), and |M| sums to at most the Lebesgue constant 2.8
    /// times it; each product above is reached through factors e^{-k (d_t + v_m)} <=
    /// e^{-3k}, so the sums add at most ~16 * 2e-14 * sum_k k e^{-3k} < 2e-14 to a
    /// potential, within the near field's own ~3e-14 and far below the bar. Double cells
    /// (h = 2, r = 24, C = 5, so again d_t + v(u) >= C - h = 3): 2 (k / 2)^24 / 24! e^{-3k}
    /// <= 3.4e-20 (k = 8), 8e-19 summed with the factor k, the moment's factor C + h + 24;
    /// the moments carry ~5.9e-14 (k^2 ulps for k < 24), so ~24 * 5.9e-14 * sum_k k e^{-3k}
    /// < 8e-14, the near field's ~7e-14 for those cells. The cost: 2K r
    /// multiply-adds a class and cell (3K r with the moment) instead of an exponential and
    /// K (2K) terms a point.
    @inline(__always)
    private static func momentSums<S: CellShape>(_ moments: UnsafeMutablePointer<Double>, offset g: Double,
                                                 nodeFactors: UnsafeMutablePointer<Double>, above: Bool,
                                                 sums: UnsafeMutablePointer<Double>, momentSums: UnsafeMutablePointer<Double>?,
                                                 shape: S.Type) {
        let K = FastSoftParameters.seriesTerms, r = S.nodes
        // sum_m M[m] row[m], eight m at a time in SIMD8 lanes (r is a multiple of 8).
        // (Before, this read exactly 16 moments: with any other r the far field was wrong.)
        @inline(__always) func dot(_ row: UnsafeMutablePointer<Double>) -> Double {
            var lanes = load8(moments) * load8(row)
            for half in stride(from: 8, to: r, by: 8) { lanes += load8(moments + half) * load8(row + half) }
            return lanes.sum()
        }
        let f = exp(-g)
        var fk = 1.0
        for k in 0..<K {
            fk *= f
            let row = nodeFactors + ((above ? K : 0) + k) * 2 * r
            let a = dot(row)
            sums[k] += fk * a
            if let momentSums {
                let w = dot(row + r)
                momentSums[k] += fk * (g * a + w)
            }
        }
    }

    /// A cell's sums sum_s q_s e^{-k v_s} (and sum q_s v_s e^{-k v_s} when `withMoment`),
    /// v_s = separation(reference, s) in [0, h], k = 1...K, in blocks of 64 points whose
    /// totals are added with Neumaier compensation (value in `sums`, correction in
    /// `sumsC`). Adds the cell's mass to `mass`.
    @inline(__always)
    private static func cellSums(
        _ cls: SortedClass, _ range: Range<Int>, reference: Double, withMoment: Bool,
        sums: UnsafeMutablePointer<Double>, sumsC: UnsafeMutablePointer<Double>,
        momentSums: UnsafeMutablePointer<Double>, momentSumsC: UnsafeMutablePointer<Double>,
        blockA: UnsafeMutablePointer<Double>, blockB: UnsafeMutablePointer<Double>,
        lanes: UnsafeMutablePointer<SIMD8<Double>>, staging: UnsafeMutablePointer<Double>,
        mass: inout CompensatedSum, separation: (Double, Double) -> Double,
        separation8: (SIMD8<Double>, SIMD8<Double>) -> SIMD8<Double>
    ) {
        let K = FastSoftParameters.seriesTerms
        if range.count <= 1 {
            // The common case of sparse data: no blocks, no compensation needed.
            for k in 0..<K {
                sums[k] = 0; sumsC[k] = 0; momentSums[k] = 0; momentSumsC[k] = 0
            }
            guard let i = range.first else { return }
            let v = separation(reference, cls.scores[i])
            let e = exp(-v)
            let q = cls.mass[i]
            mass.add(q)
            var term = q
            for k in 0..<K {
                term *= e
                sums[k] = term
                if withMoment { momentSums[k] = v * term }
            }
            return
        }
        for k in 0..<K {
            sums[k] = 0; sumsC[k] = 0; momentSums[k] = 0; momentSumsC[k] = 0
        }
        var start = range.lowerBound
        while start < range.upperBound {
            let end = Swift.min(start + 64, range.upperBound)
            var blockMass = 0.0
            // Eight points side by side in SIMD8 lanes (the powers e^k are a chain of
            // dependent multiplies per point), then the remaining few one by one.
            let lanesA = lanes, lanesB = lanes + K
            let vectorized = end - start >= 8
            if vectorized {
                for k in 0..<K {
                    lanesA[k] = SIMD8<Double>(repeating: 0)
                    lanesB[k] = SIMD8<Double>(repeating: 0)
                }
            }
            // First the separations and exponentials of the block's whole groups (their
            // polynomial is a long chain of dependent operations: side by side, the
            // groups' chains overlap), then the powers and sums, group by group.
            let vectorEnd = start + (end - start) / 8 * 8
            var first = start
            while first < vectorEnd {
                let v = separation8(SIMD8<Double>(repeating: reference), load8(cls.scores + first))
                store8(v, staging + (first - start))
                store8(exponentialOfNonPositive(-v), staging + 64 + (first - start))
                first += 8
            }
            first = start
            while first + 8 <= end {
                let v = load8(staging + (first - start))
                let q = load8(cls.mass + first)
                let e = load8(staging + 64 + (first - start))
                blockMass += q.sum()
                var term = q
                if withMoment {
                    for k in 0..<K {
                        term *= e
                        lanesA[k] += term
                        lanesB[k] += v * term
                    }
                } else {
                    for k in 0..<K {
                        term *= e
                        lanesA[k] += term
                    }
                }
                first += 8
            }
            for k in 0..<K {
                blockA[k] = vectorized ? lanesA[k].sum() : 0
                blockB[k] = vectorized ? lanesB[k].sum() : 0
            }
            for i in first..<end {
                let v = separation(reference, cls.scores[i])
                let e = exp(-v)
                let q = cls.mass[i]
                blockMass += q
                var term = q
                if withMoment {
                    for k in 0..<K {
                        term *= e
                        blockA[k] += term
                        blockB[k] += v * term
                    }
                } else {
                    for k in 0..<K {
                        term *= e
                        blockA[k] += term
                    }
                }
            }
            mass.add(blockMass)
            for k in 0..<K {
                neumaierAdd(&sums[k], &sumsC[k], blockA[k])
                if withMoment { neumaierAdd(&momentSums[k], &momentSumsC[k], blockB[k]) }
            }
            start = end
        }
    }
}
