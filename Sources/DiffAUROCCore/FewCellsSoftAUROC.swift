// The few-cells path of the fast soft AUROC: scores spanning one to `FewCells.maximumCells`
// = 32,768 widths T (2 to 32,768 cells of the regular grid), with enough points a cell
// (`FewCells.takes`: 8 up to 1,024 cells, 64 beyond): T from the scores' range down to
// about 1/1,000 of it when the points are many (T / sd from about 10 down to 0.01 at
// n = 10^5, 0.001 at 10^6), the training regime and below. (Narrower spans take the
// one-cell path.)
//
// There the grid route groups every point by cell (a counting sort: at n = 10^6, T /
// spread 1, about ten cells, half of the CPU time) and then sums every pair of cells in
// the near field (`allNearBudget`) or the far ones by sweeps over the points. This path is
// the one-cell path (OneCellSoftAUROC.swift) on K cells: nothing is grouped, the caller's
// arrays are read directly.
//   1. moments: one pass over the samples, two halves on two threads. Each point goes, in
//      index order, into the 64-point (beyond 128 cells 16-point) buffer of its cell and
//      class (its slot, 2 cell + class, also written to 16 bits a sample for step 4); a
//      full buffer is added to the half's compensated Chebyshev sums of that slot
//      (`ChebyshevNearField.addMomentBlock`).
//      The two halves' sums are then added, and become each slot's node moments (two
//      halves of the slots, on two threads).
//   2. the far cell pairs (more than `FewCellsFarField.reach` = 3 cells apart) summed at
//      every cell's nodes from the node moments, by two sweeps over the cells
//      (FewCellsFarField.swift: O(K), where M2L for every pair was O(K^2)), upward and
//      downward on two threads, each into an array of its own; step 3's halves add the
//      two arrays cell by cell. (On one thread, between steps 1 and 3, the sweeps were
//      5-6% of the CPU at n = 10^4, T / spread 0.1, and 10^6, 1e-3, about 20 us at 10^4:
//      as long as the helper thread spins for its next job, so it often went to sleep
//      there and the next step waited for it to wake; so did step 1's slot moments at
//      many cells. With both on two threads, context switches a call at n = 10^4: 2.2 ->
//      0.03 at T / spread 0.1, 5.4 -> 2.1 at 1e-2. Measured, C driver, `ab.sh`, median
//      wall, Intel Xeon: n = 10^4 at 0.1 0.237 -> about 0.18 ms, at 1e-2 0.939 -> 0.775
//      ms; 10^5 and 10^6 within the noise (0.98-1.00x; 10^6 at 1e-3 0.875x, noisy).)
//   3. every cell's local expansions by `ChebyshevNearField.evaluate`, the cells within
//      the reach near, every non-empty class of a cell large
//      (`FastSoftLayout.gatheredMoments`), the M2L kernels from the regular grid's table (one per cell offset), the far node
//      values of step 2 added (`FastSoftLayout.gatheredFarField`): the Chebyshev
//      coefficients of each cell and class are written out instead of evaluated. Two
//      halves of the cells, on two threads.
//   4. the gradient in index order, two halves on two threads: each sample evaluates the
//      coefficients of its slot at its own position.
//
// Accuracy. The near field's argument (ChebyshevNearField.swift) bounds the interpolation
// error of each kernel over a source or a target cell independently of how many points
// the cell holds and of the cells' distance, so making every class large and summing
// every cell pair from the moments changes which exact-to-rounding form sums a pair, not
// the bound (the far pairs' series add < 1e-20: FewCellsFarField.swift); the moments
// are the same compensated sums, in other blocks. (So the bits can differ from the grid
// route's, by rounding: it groups the points, sums a class of at most 2 points in a cell
// directly and far cell pairs by the exponential series.) A point's cell is
// `GridCells.cell`'s, and its local variable `chebyshevVariable` against the same grid
// line. Checked against the float64 pair sum in FastSoftAUROCTests.swift (route
// `.fewCells`), weighted and unweighted.
//
// Same bits for the same inputs on any number of threads: the halves are cut by n alone
// and run the same way on one thread; their sums are added in a fixed order; a sample's
// gradient depends on its own slot's coefficients only; the value comes from one
// `evaluate` over all cells.

/// The few-cells path's limits.
enum FewCells {
    /// At most this many grid cells: a sample's slot (2 cell + class) fits 16 bits.
    /// Measured with at most 128 cells (C driver, value and gradient, N(0, 1) + label
    /// scores, min of 3 alternating processes, grid route -> this path):
    /// n = 10^6 at T / sd 1 24.3 -> 10.5 ms, 0.3 26.3 -> 12.9 ms, 0.17 (~62 cells) 26.3
    /// -> 12.0 ms, 0.1 (~105 cells) 25.6 -> 14.1 ms; n = 10^7 at T / sd 1 262 -> 115 ms,
    /// 0.1 280 -> 128 ms; n = 10^5 at 1 1.70 -> 0.91 ms; n = 10^4 at 1 0.240 -> 0.177 ms
    /// (numpy.sort: 13.8 ms at 10^6, 167 ms at 10^7). Spans of 1 to 2 widths too (2 or 3
    /// regular cells; the grid route made 2 cells of lo = min there): n = 10^7 at T / sd 10
    /// 212 -> 85 ms.
    static let maximumCells = 1 << 15
    /// At least this many points a cell: each cell costs about 7 M2L pairs (4 r^2 = 1024
    /// multiply-adds each) and its far sums (FewCellsFarField.swift). Measured against the
    /// route such inputs took before (C driver, value and gradient, N(0, 1) + label
    /// scores, min of 3 alternating processes; AMD Zen 4): this path was faster from
    /// about 5 points a cell (n = 400 at T / sd 0.08, ~6 a cell, 0.080 -> 0.064 ms; n = 2,000 at 0.1, ~14
    /// a cell, 0.231 -> 0.095 ms) and slower below 4 (n = 400 at 0.05, ~3.5 a cell, 0.042
    /// -> 0.090 ms; n = 250 at 0.08 0.027 -> 0.049 ms): 8 keeps a margin. Beyond
    /// `manyCells` cells the slots' buffers and sums leave the caches and a cell costs
    /// more: there `pointsPerManyCell`. Measured (as above; T / sd, cells, points a cell):
    /// n = 10^4 at 0.01 (~750, 13) 0.864 -> 0.743 ms; 10^5 at 0.01 (~850, 118) 2.19 ->
    /// 1.73 ms; at 0.005 (~1,700, 60) 2.82 -> 2.94 ms; at 0.003 (~2,700, 37) 3.33 -> 4.47
    /// ms; at 0.001 (~8,000, 12) 7.8 -> 10.3 ms; 10^6 at 0.003 (~3,000, 330) 24.4 -> 14.9
    /// ms; at 0.001 (~9,000, 110) 29.3 -> 27.6 ms; 10^7 at 0.001 252 -> 139 ms.
    static let pointsPerCell = 8
    static let manyCells = 1024
    static let pointsPerManyCell = 64

    /// Points a slot's gather buffer holds: 64 (a 1 KiB buffer) up to 128 cells, where the
    /// buffers stay in L2; 16 beyond, where they could not.
    static func blockPoints(cellCount: Int) -> Int { cellCount <= 128 ? 64 : 16 }

    /// Whether the path takes a regular grid of `gridCount` cells for `total` points.
    /// (The far field's node lanes are one SIMD16 vector: with another r than 16 the path
    /// keeps to grids without far pairs.)
    static func takes(gridCount: Int, total: Int) -> Bool {
        gridCount >= 2 && gridCount <= maximumCells
            && (FastSoftParameters.nodes == 16 || !FewCellsFarField.needed(cellCount: gridCount))
            && gridCount <= total / (gridCount <= manyCells ? pointsPerCell : pointsPerManyCell)
    }
}

/// The soft AUROC on a few regular grid cells (see the top of the file); the caller has
/// checked `FewCells.takes` for `grid` (a `GridCells.regular` grid over the scores of
/// positive weight) and that both classes have points of positive weight. `parallel`: the
/// halves on two threads (the same bits either way). Unit cells only (`fastSoftAUROC`
/// never gives it double cells): r and the near field's constants come from `I.Shape`,
/// while `FewCells.takes` and the far field (FewCellsFarField.swift, one SIMD16 vector of
/// node lanes) are written for `FastSoftParameters.nodes`, the unit cells' r.
func fewCellsSoftAUROC<I: FastSoftIndices>(
    _ samples: LabeledSamples, temperature: Double,
    gradient: UnsafeMutableBufferPointer<Double>?, indices: I.Type, input: OneCellInput, grid: GridCells,
    parallel: Bool
) throws(CoreError) -> SoftAUROCResult {
    assert(I.Shape.nodes == FastSoftParameters.nodes, "the few-cells path takes unit cells only")
    let r = I.Shape.nodes
    let n = samples.count
    let cellCount = grid.last + 1
    // The cell table: posStart, negStart (cellCount + 1 each), nearLo, nearHi (cellCount
    // each) as Positions; then lo, hi and the anchors (the grid lines), cellCount doubles each.
    let positionCount = 4 * cellCount + 2
    let positionDoubles = (positionCount * MemoryLayout<I.Position>.stride + 7) / 8
    let tableStorage = try ScratchBuffer<Double>(count: positionDoubles + 3 * cellCount)
    defer { tableStorage.free() }
    let positions = UnsafeMutableRawPointer(tableStorage.base!).bindMemory(to: I.Position.self,
                                                                          capacity: positionCount)
    let bounds = tableStorage.base! + positionDoubles
    let posStart = positions, negStart = positions + (cellCount + 1)
    let nearLo = positions + 2 * (cellCount + 1), nearHi = nearLo + cellCount
    let anchors = bounds + 2 * cellCount
    // Near: the cells within `FewCellsFarField.reach` offsets (M2L); the others are far.
    let reach = FewCellsFarField.reach
    let hasFar = FewCellsFarField.needed(cellCount: cellCount)
    for c in 0..<cellCount {
        nearLo[c] = I.Position(truncatingIfNeeded: Swift.max(0, c - reach))
        nearHi[c] = I.Position(truncatingIfNeeded: Swift.min(cellCount - 1, c + reach))
        anchors[c] = grid.line(c)
        bounds[c] = anchors[c]                          // lo, hi: read by no phase here
        bounds[cellCount + c] = c + 1 < cellCount ? grid.line(c + 1) : input.maxScore
    }
    let cells = CellTable<I>(count: cellCount, posStart: posStart, negStart: negStart, nearLo: nearLo,
                             nearHi: nearHi, lo: bounds, hi: bounds + cellCount, anchors: anchors)

    // One allocation for the rest: two near-field scratches (one a half; the first serves
    // `evaluate` too), the slots' moments and coefficients (r a slot each, 2 slots a cell),
    // each half's running sums (mu and its corrections, 2r a slot) and gather buffers (`block`
    // scores a slot, and as many weights when weighted), the partial sums, the unit masses.
    func sourceClass(_ count: Int, _ m: UnsafeMutablePointer<Double>) -> SortedClass {
        SortedClass(count: count, scores: m, mass: m, origin: UnsafeMutableRawPointer(m), potentialBelow: m,
                    potentialAbove: m, moments: m, chebyshev: nil, chebyshevStride: 0)
    }
    var probe = FastSoftLayout(temperature: temperature, pos: sourceClass(0, bounds), neg: sourceClass(0, bounds),
                               cells: cells, needGradient: gradient != nil, hasFarField: false,
                               cellStep: grid.step)
    // (Only whether it is set is read here: the M2L table's reach.)
    probe.gatheredFarField = hasFar ? bounds : nil
    let scratchCount = ChebyshevNearField(layout: probe).scratchCount
    let slotCount = 2 * cellCount
    let momentsOffset = 2 * scratchCount
    let coefficientsOffset = momentsOffset + r * slotCount
    let sumsOffset = coefficientsOffset + r * slotCount
    let gatherOffset = sumsOffset + 2 * (2 * r * slotCount)
    let block = FewCells.blockPoints(cellCount: cellCount)
    let slotDoubles = FewCellsPass<I>.slotDoubles(block: block, weighted: samples.weights != nil)
    let partsOffset = gatherOffset + 2 * (slotDoubles * slotCount)
    let unitsOffset = partsOffset + 8
    // The far sweeps' node values (upward, then downward) and their scratches, one each.
    let farOffset = unitsOffset + 2 * block
    let farScratchOffset = farOffset + (hasFar ? 2 * FewCellsFarField.perCell * cellCount : 0)
    let storage = try ScratchBuffer<Double>(count: farScratchOffset + (hasFar ? 2 * FewCellsFarField.scratchCount : 0))
    defer { storage.free() }
    // Each half's fill level and points so far of every slot.
    let levels = try ScratchBuffer<Int>(count: 2 * 2 * slotCount)
    defer { levels.free() }
    // Each sample's slot, for the gradient.
    let slots = gradient != nil ? try ScratchBuffer<UInt16>(count: n) : nil
    defer { slots?.free() }
    let base = storage.base!
    let moments = base + momentsOffset, coefficients = base + coefficientsOffset
    let part = base + partsOffset
    for k in 0..<8 { part[k] = 0 }
    let unitP = 1.0 / Double(input.positiveCount), unitN = 1.0 / Double(input.negativeCount)
    for j in 0..<block { base[unitsOffset + j] = unitP; base[unitsOffset + block + j] = unitN }
    // (Coefficients of a class absent from a cell are never evaluated for a point of
    // positive weight; zeros keep every lane finite.)
    for k in 0..<(r * slotCount) { coefficients[k] = 0 }

    let pass = FewCellsPass<I>(samples: samples, grid: grid, temperature: temperature, input: input,
                               cellCount: cellCount, anchors: anchors, base: base, scratchCount: scratchCount,
                               coefficients: coefficients, sums: base + sumsOffset, gather: base + gatherOffset,
                               block: block, levels: levels.base!, units: base + unitsOffset, slots: slots?.base,
                               gradient: gradient?.baseAddress, half: n / 2, n: n,
                               near: ChebyshevNearField(layout: probe))
    runConcurrently(inParallel: parallel, with: pass,
                    { $0.gather(0..<$0.half, part: 0) }, { $0.gather($0.half..<$0.n, part: 1) })
    // The halves' sums added, slot by slot, then the node moments (two halves of the slots,
    // on two threads, each with its own near-field scratch); the cells' class ranges from
    // the counts (only their sizes are read: emptiness).
    // (The near field's constants, filled into the first scratch if the process-wide table
    // could not be had: once, for both steps below.)
    let constants = pass.near.constants(base)
    let momentHalves = FewCellsMomentHalves(pass: pass, moments: moments,
                                            table: constants + ChebyshevConstants<I.Shape>.tableStart)
    runConcurrently(inParallel: parallel, with: momentHalves, { $0.run(half: 0) }, { $0.run(half: 1) })
    let totals = pass.levels + slotCount
    posStart[0] = 0; negStart[0] = 0
    for c in 0..<cellCount {
        posStart[c + 1] = posStart[c] &+ I.Position(truncatingIfNeeded: totals[2 * c])
        negStart[c + 1] = negStart[c] &+ I.Position(truncatingIfNeeded: totals[2 * c + 1])
    }
    var layout = FastSoftLayout(temperature: temperature, pos: sourceClass(input.positiveCount, moments),
                                neg: sourceClass(input.negativeCount, moments), cells: cells,
                                needGradient: gradient != nil, hasFarField: false, cellStep: grid.step)
    layout.gatheredMoments = moments
    let far = hasFar ? base + farOffset : nil
    if let far {
        // The far cell pairs' sums at the nodes (FewCellsFarField.swift), the upward and
        // the downward sweep at once, each into an array of its own (the downward one is
        // added by the halves below, cell by cell); grid lines are exact, so one step and
        // reach + 1 steps are the same scaled distance everywhere.
        let sweeps = FewCellsFarSweeps(
            cellCount: cellCount, moments: moments, counts: totals, nodes: constants,
            delta: scaledDifference(grid.line(1), grid.line(0), temperature),
            entry: scaledDifference(grid.line(reach + 1), grid.line(0), temperature),
            negatives: gradient != nil, scratch: base + farScratchOffset, out: far)
        runConcurrently(inParallel: parallel, with: sweeps, { $0.run(upward: true) }, { $0.run(upward: false) })
        layout.gatheredFarField = far
    }
    // The local expansions of each half of the cells, on its own scratch (the same halves
    // on one thread or two; their value and moment sums added in that order).
    let halves = FewCellsEvaluation(near: ChebyshevNearField(layout: layout), cellCount: cellCount,
                                    positives: input.positiveCount, negatives: input.negativeCount,
                                    base: base, scratchCount: scratchCount, coefficients: coefficients, part: part,
                                    far: far)
    runConcurrently(inParallel: parallel, with: halves, { $0.run(half: 0) }, { $0.run(half: 1) })
    if gradient != nil {
        runConcurrently(inParallel: parallel, with: pass,
                        { $0.gradient(0..<$0.half) }, { $0.gradient($0.half..<$0.n) })
    }
    return assembledSoftResult(part, temperature: temperature)
}

/// `FewCellsPass.finishMoments` over two halves of the slots, the first on the first
/// near-field scratch (at `base`), the second on the second.
private struct FewCellsMomentHalves<I: FastSoftIndices> {
    let pass: FewCellsPass<I>
    let moments: UnsafeMutablePointer<Double>
    let table: UnsafeMutablePointer<Double>

    func run(half: Int) {
        let slotCount = 2 * pass.cellCount
        pass.finishMoments(into: moments, slots: half == 0 ? 0..<(slotCount / 2) : (slotCount / 2)..<slotCount,
                           table: table, scratch: pass.base + half * pass.scratchCount)
    }
}

/// The few-cells path's two far sweeps (`FewCellsFarField.nodeValues`): upward into
/// `out`, downward into the `perCell` x `cellCount` doubles after it, each with its own
/// scratch (`FewCellsFarField.scratchCount` doubles from `scratch`, then the next as many).
private struct FewCellsFarSweeps {
    let cellCount: Int
    let moments: UnsafeMutablePointer<Double>
    let counts: UnsafeMutablePointer<Int>
    let nodes: UnsafeMutablePointer<Double>
    let delta: Double, entry: Double
    let negatives: Bool
    let scratch: UnsafeMutablePointer<Double>
    let out: UnsafeMutablePointer<Double>

    func run(upward: Bool) {
        let k = upward ? 0 : 1
        FewCellsFarField.nodeValues(upward: upward, cellCount: cellCount, moments: moments, counts: counts,
                                    nodes: nodes, delta: delta, entry: entry, negatives: negatives,
                                    scratch: scratch + k * FewCellsFarField.scratchCount,
                                    out: out + k * FewCellsFarField.perCell * cellCount)
    }
}

/// `ChebyshevNearField.evaluate` over two halves of the cells (the first at part[4], [5],
/// the second at part[6], [7]), each on its own scratch; a field for everything it reads.
/// With `far` (the far sweeps' arrays, `FewCellsFarSweeps`), each half first adds the
/// downward sweep's node values of its cells into the upward one's, which `evaluate` reads.
private struct FewCellsEvaluation<I: FastSoftIndices> {
    let near: ChebyshevNearField<I>
    let cellCount: Int, positives: Int, negatives: Int
    let base: UnsafeMutablePointer<Double>
    let scratchCount: Int
    let coefficients: UnsafeMutablePointer<Double>
    let part: UnsafeMutablePointer<Double>
    let far: UnsafeMutablePointer<Double>?

    func run(half: Int) {
        let cells = half == 0 ? 0..<(cellCount / 2) : (cellCount / 2)..<cellCount
        if let far {
            let perCell = FewCellsFarField.perCell, down = far + perCell * cellCount
            for k in (perCell * cells.lowerBound)..<(perCell * cells.upperBound) { far[k] += down[k] }
        }
        let local = near.evaluate(cells: cells, positives: 0..<positives, negatives: 0..<negatives,
                                  scratch: base + half * scratchCount, coefficientsOut: coefficients)
        part[4 + 2 * half] = local.value
        part[5 + 2 * half] = local.moment
    }
}

/// The passes over the samples; everything they read is a field (the closures handed to
/// `runConcurrently` capture nothing).
private struct FewCellsPass<I: FastSoftIndices> {
    let samples: LabeledSamples
    let grid: GridCells
    let temperature: Double
    let input: OneCellInput
    let cellCount: Int
    /// The cells' grid lines (`GridCells.line`), the near field's anchors.
    let anchors: UnsafeMutablePointer<Double>
    let base: UnsafeMutablePointer<Double>
    let scratchCount: Int
    let coefficients: UnsafeMutablePointer<Double>
    let sums: UnsafeMutablePointer<Double>
    let gather: UnsafeMutablePointer<Double>
    /// Points a slot's gather buffer holds (`FewCells.blockPoints`): its scores, then (if
    /// weighted) its weights, `slotDoubles` a slot.
    let block: Int
    let levels: UnsafeMutablePointer<Int>
    /// Unweighted: `block` masses 1 / P, then `block` masses 1 / N (every mass of a class).
    let units: UnsafeMutablePointer<Double>
    let slots: UnsafeMutablePointer<UInt16>?
    let gradient: UnsafeMutablePointer<Double>?
    let half: Int, n: Int
    /// Only its constants and `addMomentBlock` / `finishMoments` / `chebyshevVariable` are
    /// used: functions of T and the nodes, not of the layout's classes.
    let near: ChebyshevNearField<I>

    /// Doubles of a slot's gather buffer: `block` scores, and `block` weights when weighted
    /// (unweighted masses are the class's, from `units`). A power of two.
    static func slotDoubles(block: Int, weighted: Bool) -> Int { weighted ? 2 * block : block }
    var slotDoubles: Int { Self.slotDoubles(block: block, weighted: samples.weights != nil) }

    /// One half's gather (`part` 0 or 1): each sample of `range` in index order into its
    /// slot's buffer, full buffers added to the half's running sums of the slot, the rest
    /// at the end; each slot's point count; each sample's slot at `slots`. Branch-free on
    /// the labels and weights: every sample is written to its slot's next place, which
    /// only a sample of positive weight keeps.
    func gather(_ range: Range<Int>, part: Int) {
        let r = I.Shape.nodes
        let slotCount = 2 * cellCount
        let scratch = base + part * scratchCount
        let ownSums = sums + part * (2 * r * slotCount)
        let block = block, shift = slotDoubles.trailingZeroBitCount
        let buffers = gather + part * (slotDoubles * slotCount)
        let fill = levels + part * (2 * slotCount), total = fill + slotCount
        // (The sums need no zeros: a slot's first block starts from 0, `addBlock`.)
        for k in 0..<slotCount { fill[k] = 0; total[k] = 0 }
        let x = samples.scores.baseAddress!, y = samples.labels.baseAddress!
        let slots = slots
        // The cell of a score s in [origin, max]: `GridCells.cell`'s finite branch, which
        // a regular grid always takes there ((s - origin) / w < 2^40 by its construction).
        let origin = grid.origin, inverseStep = grid.inverseStep, last = grid.last
        @inline(__always) func add(_ slot: Int, _ count: Int, weighted: Bool) {
            addBlock(slot, part: part, count: count, weighted: weighted, first: total[slot] == 0, sums: ownSums,
                     scratch: scratch)
        }
        if let weights = samples.weights?.baseAddress {
            for i in range {
                let w = weights[i]
                let keep = w > 0
                let s = keep ? x[i] + 0.0 : origin
                let slot = 2 &* Swift.min(Int((s - origin) * inverseStep), last) &+ (y[i] == 1 ? 0 : 1)
                slots?[i] = UInt16(truncatingIfNeeded: slot)
                let f = fill[slot]
                let place = buffers + (slot &<< shift &+ f)
                place[0] = s
                place[block] = w
                let next = f &+ (keep ? 1 : 0)
                fill[slot] = next
                if next == block {
                    add(slot, block, weighted: true)
                    fill[slot] = 0
                    total[slot] &+= block
                }
            }
        } else {
            for i in range {
                let s = x[i] + 0.0
                let slot = 2 &* Swift.min(Int((s - origin) * inverseStep), last) &+ (y[i] == 1 ? 0 : 1)
                slots?[i] = UInt16(truncatingIfNeeded: slot)
                let f = fill[slot]
                buffers[slot &<< shift &+ f] = s
                let next = f &+ 1
                fill[slot] = next
                if next == block {
                    add(slot, block, weighted: false)
                    fill[slot] = 0
                    total[slot] &+= block
                }
            }
        }
        for k in 0..<slotCount where fill[k] > 0 {
            add(k, fill[k], weighted: samples.weights != nil)
            total[k] &+= fill[k]
            fill[k] = 0
        }
    }

    /// Adds the `count` gathered points of a slot as one block to the half's running sums
    /// of it (mu at sums + 2r slot, corrections after them), through the scratch's places for
    /// them; `first`: the slot's first block in this half, whose sums start from 0 (the
    /// sums are not zeroed beforehand: at many cells that was megabytes a call). With
    /// `weighted`, the weights first become masses as `fillMasses` makes them; without,
    /// every mass of the class is the same, read from `units`.
    /// (Out of line: the gathering loop keeps its few values in registers.)
    @inline(never)
    private func addBlock(_ slot: Int, part: Int, count: Int, weighted: Bool, first: Bool,
                          sums: UnsafeMutablePointer<Double>, scratch: UnsafeMutablePointer<Double>) {
        let r = I.Shape.nodes
        let scores = gather + slotDoubles * (part * 2 * cellCount + slot)
        let positive = slot & 1 == 0
        let masses = weighted ? scores + block : units + (positive ? 0 : block)
        if weighted {
            let maxWeight = positive ? input.positiveMax : input.negativeMax
            let total = positive ? input.positiveTotal : input.negativeTotal
            for j in 0..<count { masses[j] = (masses[j] / maxWeight) / total }
        }
        let own = sums + 2 * r * slot
        if first {
            for k in 0..<r { scratch[2 * r + k] = 0; scratch[4 * r + k] = 0 }
        } else {
            for k in 0..<r { scratch[2 * r + k] = own[k]; scratch[4 * r + k] = own[r + k] }
        }
        near.addMomentBlock(scores, masses, count: count, lo: anchors[slot >> 1], cached: nil, stride: 0,
                            scratch: scratch)
        for k in 0..<r { own[k] = scratch[2 * r + k]; own[r + k] = scratch[4 * r + k] }
    }

    /// The node moments of the slots `slots` that have points (slot k's at moments + r k):
    /// the second half's sums and corrections added to the first's with compensation, then
    /// `finishMoments`, on `scratch` (a near-field scratch; `table`: the near field's
    /// constants from `tableStart`). The slots' point counts are left in the first half's
    /// count array (levels + slotCount), now both halves'. Each slot is its own: two ranges
    /// of slots may be finished at once, on two scratches.
    func finishMoments(into moments: UnsafeMutablePointer<Double>, slots: Range<Int>,
                       table: UnsafeMutablePointer<Double>, scratch: UnsafeMutablePointer<Double>) {
        let r = I.Shape.nodes
        let slotCount = 2 * cellCount
        let first = levels + slotCount, second = levels + 2 * slotCount + slotCount
        let mu = scratch + 2 * r, compensation = scratch + 4 * r
        for k in slots {
            // (A half's sums of a slot exist only if it had points there; otherwise they
            // count as 0, as they were when the sums were zeroed first: the same bits.)
            let inFirst = first[k] > 0, inSecond = second[k] > 0
            first[k] &+= second[k]
            guard inFirst || inSecond else { continue }
            let a = sums + 2 * r * k, b = sums + 2 * r * slotCount + 2 * r * k
            for j in 0..<r {
                mu[j] = inFirst ? a[j] : 0; compensation[j] = inFirst ? a[r + j] : 0
                neumaierAdd(&mu[j], &compensation[j], inSecond ? b[j] : 0)
                neumaierAdd(&mu[j], &compensation[j], inSecond ? b[r + j] : 0)
            }
            near.finishMoments(moments + r * k, table: table, scratch: scratch)
        }
    }

    /// The gradient of the samples of `range`: sum_k c_k T_k(z) with the coefficients of the
    /// sample's slot (eight samples side by side, each lane its own coefficients),
    /// then (mass * (0 + potential)) / T as the grid route's gradient scatter; 0 for a sample
    /// of weight 0.
    func gradient(_ range: Range<Int>) {
        let r = I.Shape.nodes
        let near = near, temperature = temperature, anchors = anchors, coefficients = coefficients
        let g = gradient!, slots = slots!
        let x = samples.scores.baseAddress!, y = samples.labels.baseAddress!
        let weights = samples.weights?.baseAddress
        let unitP = 1.0 / Double(input.positiveCount), unitN = 1.0 / Double(input.negativeCount)
        let maxP = input.positiveMax, maxN = input.negativeMax
        let totalP = input.positiveTotal, totalN = input.negativeTotal
        let origin = grid.origin
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            // Eight samples: their slots (from the gather), their cells' grid lines and
            // their slots' rows of coefficients (a weight-0 sample's score may lie off the
            // grid: it counts at the origin, and its lane is 0 below). (Written out lane by
            // lane in registers: lanes set through a SIMD vector's subscript went through
            // the stack, a store-forwarding stall per sample.)
            var s = load8(UnsafeMutablePointer(mutating: x + i))
            if let weights { s.replace(with: origin, where: .!(load8(UnsafeMutablePointer(mutating: weights + i)) .> 0)) }
            let k0 = Int(slots[i]), k1 = Int(slots[i + 1]), k2 = Int(slots[i + 2]), k3 = Int(slots[i + 3])
            let k4 = Int(slots[i + 4]), k5 = Int(slots[i + 5]), k6 = Int(slots[i + 6]), k7 = Int(slots[i + 7])
            let lo = SIMD8<Double>(anchors[k0 >> 1], anchors[k1 >> 1], anchors[k2 >> 1], anchors[k3 >> 1],
                                   anchors[k4 >> 1], anchors[k5 >> 1], anchors[k6 >> 1], anchors[k7 >> 1])
            let z = near.chebyshevVariables8(s, lo: lo)
            let isPositive = load8(UnsafeMutablePointer(mutating: y + i)) .== 1
            let p0 = coefficients + r * k0, p1 = coefficients + r * k1, p2 = coefficients + r * k2
            let p3 = coefficients + r * k3, p4 = coefficients + r * k4, p5 = coefficients + r * k5
            let p6 = coefficients + r * k6, p7 = coefficients + r * k7
            @inline(__always) func c(_ k: Int) -> SIMD8<Double> {
                SIMD8<Double>(p0[k], p1[k], p2[k], p3[k], p4[k], p5[k], p6[k], p7[k])
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
            if let weights {
                let w = load8(UnsafeMutablePointer(mutating: weights + i))
                let maxWeight = SIMD8<Double>(repeating: maxN).replacing(with: maxP, where: isPositive)
                let total = SIMD8<Double>(repeating: totalN).replacing(with: totalP, where: isPositive)
                var mass = (w / maxWeight) / total
                mass.replace(with: -mass, where: .!isPositive)
                var out = mass * potential / temperature
                out.replace(with: 0, where: .!(w .> 0))
                store8(out, g + i)
            } else {
                let mass = SIMD8<Double>(repeating: -unitN).replacing(with: unitP, where: isPositive)
                store8(mass * potential / temperature, g + i)
            }
            i += 8
        }
        while i < range.upperBound {
            let positive = y[i] == 1
            if let weights, !(weights[i] > 0) {
                g[i] = 0
                i += 1
                continue
            }
            let slot = Int(slots[i])
            let cf = coefficients + r * slot
            let z = near.chebyshevVariable(x[i], lo: anchors[slot >> 1])
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
                g[i] = (positive ? mass : -mass) * potential / temperature
            } else {
                g[i] = (positive ? unitP : -unitN) * potential / temperature
            }
            i += 1
        }
    }
}

