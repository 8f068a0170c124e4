#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The fast soft AUROC: value, every gradient and d/dT in O(n log n) time and O(n) memory.
//
// Notation. Positives have scores a_i and masses p_i (sum 1), negatives b_j and q_j (sum 1);
// x_ij = (a_i - b_j) / T. The outputs are
//
//     value = sum_ij p_i q_j sigmoid(x_ij)
//     d value / d a_i = p_i / T * sum_j q_j sigmoid'(x_ij)        ("potential" of i)
//     d value / d b_j = -q_j / T * sum_i p_i sigmoid'(x_ij)       ("potential" of j)
//     d value / dT = -1/T * sum_ij p_i q_j x_ij sigmoid'(x_ij)
//
// so the whole task is to evaluate, for every point, sums of a kernel of x over the other
// class: three kernels (sigmoid, sigmoid', x sigmoid') at each positive, one (sigmoid',
// which is even) at each negative. The bar is 1e-12 absolute on each potential (they are
// the quantities whose natural scale is 1 once the factors p_i / T etc. are taken out).
//
// Method. The points are grouped into cells of width at most h = `cellWidth` in scaled
// units, ordered along the score axis (order inside a cell does not matter). Dense data
// (scores spanning fewer than n / `sortingDensity` cell widths) uses the grid cells g = floor((s - min)/(hT)),
// filled by a counting sort (GridGrouping.swift: on two levels when the cells are many;
// from three cell widths on, a regular grid when the
// scores allow: lines origin + g w with w within 2^-11 below h T, each exactly a double,
// `GridCells.regular`, so that pairs of cells at the same offset share their near-field
// kernels); sparse data radix-sorts both classes and cuts the
// merged points greedily: a cell starts at the first point not yet covered, lo, and takes
// every point s with (s - lo) / T <= h. Either way, the starts of any two cells that are
// two apart differ by at least h, which bounds how many cells lie within any window. Two
// cells are "near" when the gap between them, (lo of the upper - hi of the lower) / T, is
// below C = `nearDistance`; for a given cell its near cells are a contiguous run of cells
// (nearLo...nearHi) and every pair with one point in each of two far cells has |x| >= C.
// When the cells are few and their far pairs cheap (`allNearBudget`: dense data at
// moderate T, e.g. a dozen cells for N(0, 1) scores at T = 1), every cell is near every
// other and the far sweeps are skipped: the near field's bounds hold at any distance, and
// the far pairs then cost at most 4 n kernels more, against 2K series terms a point for
// the sweeps.
//   - Far pairs (`ExponentialFarField.swift`): the alternating series of sigmoid in e^-|x|,
//     summed by one sorted sweep upward and one downward, with running sums that only ever
//     decay; a class of more than r points in a cell enters them through the near field's
//     moments as a source and (more than 3r) is evaluated at the cell's nodes as a target.
//     Truncation, interpolation and rounding bounds are written there.
//   - Near pairs (`ChebyshevNearField.swift`): direct sums between small cells, Chebyshev
//     interpolation of the kernel in the local coordinates of large cells. Bounds there.
// Large temperatures. Scores spanning less than one cell width make a single grid cell;
// when both classes are large there (more than r points), the one-cell path
// (OneCellSoftAUROC.swift) does that cell's computation on the caller's arrays without
// grouping the points, with the same bits.
// Training temperatures. Scores spanning 1 to 32,768 cell widths, with at least 8 points
// a cell of the regular grid (64 beyond 1,024 cells): the few-cells path
// (FewCellsSoftAUROC.swift) gathers each class's moments per cell from the caller's
// arrays, sums the cells within 3 of each other in the near field and the farther ones by
// sweeps over the cells from their moments (FewCellsFarField.swift), and evaluates each
// sample's own cell, without grouping.
// Small temperatures. Pairs more than G = `countingDistance` = 40 apart (scaled) are
// counted: sigmoid 1 or 0, no slope or moment, within e^-G and G e^-G (bounds in
// WindowSoftAUROC.swift and ExponentialFarField.swift, "Counting"). On the sorting route,
// when at most `WindowSoftAUROC.pairBudget` pairs a point lie closer than G, no cells are
// made: each point sums its window of close pairs directly and counts the rest (the
// window path, WindowSoftAUROC.swift; preferred only up to `seriesWindowPreference`
// such pairs a point, `factoredSeriesWindowPreference` where its exponentials factor,
// WindowFactors.swift). Failing that, when at most `SeriesWindowSoftAUROC.pairBudget`
// pairs a point lie closer than 3 (`factoredPairBudget` where they factor), still no cells:
// near pairs are summed directly and far ones by a series carried per point (the
// series-window path, SeriesWindowSoftAUROC.swift); data averaging at most
// `sortingDensity` points a cell width take the sorting route for it. Otherwise the far sweeps keep series only for the
// cells of the current cluster (runs of cells with gaps below G) and count the others.
// Every score difference is formed as (s - s') / T from two scores (`scaledDifference`),
// never as s / T - s' / T: |s / T| may be 1e10 or more, where its rounding error alone
// would exceed the bar. Local coordinates are offsets from a cell's lo, divided by T.
//
// Parallelism: the grouping (counting sort or radix sort of the two classes), the cell
// bounds, the two far sweeps, the cell moments, the near field and the gradient scatter
// each run as two halves on two threads (`runConcurrently`); the halves are
// cut by data alone and partial sums are combined in a fixed order, so the result is the
// same bits on every run and with or without the second thread. Inner loops run eight
// points at a time in SIMD8 lanes (`VectorKernels.swift`).
//
// Cost: a counting sort or a radix sort (O(n), `KeyedRadixSort.swift`), then O(n (K + r)) and
// at most O(n r (2C + 2h) / h) kernels in the worst case (cells holding about r points
// each), plus O(r^2) per pair of near large cells (multiply-adds from a shared table on a
// regular grid). Memory: 44 bytes a point (scores,
// caller indices, four work doubles) plus 32 bytes a cell (40 on a regular grid); 48 and 48 above 2^31 - 1
// points, where indices are 64-bit (FastSoftIndices.swift).

/// Tuning constants, in scaled units (score differences divided by T).
enum FastSoftParameters {
    /// h: the largest width of a cell.
    static let cellWidth = 1.0
    /// C: cells whose gap is at least C are far; their pairs use the exponential series.
    static let nearDistance = 4.0
    /// K: terms of the exponential series kept for far pairs (see ExponentialFarField).
    static let seriesTerms = 9
    /// G: pairs of points in different clusters (runs of cells with gaps below G) are
    /// counted: sigmoid 1 or 0, no slope (see ExponentialFarField, "Counting"). G >= C.
    static let countingDistance = 40.0
    /// r: Chebyshev nodes per cell (see ChebyshevNearField). A cell with more than r
    /// points of a class uses interpolation for that class; smaller ones use direct sums.
    /// Any multiple of 8 works with an h whose interpolation bound meets the bar
    /// (ChebyshevNearField). Measured with h = 2, r = 24 (bound 4 M rho^-r / (rho - 1) =
    /// 4e-17 at rho = 5.2; errors against the float64 oracle at most 3e-15, as here), value
    /// and gradient, C driver, min of 3 alternating processes: n = 10^7 at T / spread 1e-5
    /// 1,485 -> 1,067 ms (half the cells, twice the points each), but dense cells pay
    /// (24 / 16)x for their per-point terms: 10^6 at T / spread 0.1 25.8 -> 28.6 ms, and at
    /// T / spread >= 10 0.59x -> 1.0x numpy.sort (10^4: 1.5x -> 2.0x). Measured again on
    /// the library of stop 46 (Zen 4, C driver, medians of 3 alternating processes,
    /// (1, 16) -> (2, 24) everywhere): the grid route at about 12 points a unit width
    /// gains, n = 10^5 at T / spread 1e-3 8.5 -> 6.5 ms, 10^6 at 1e-4 87 -> 65 ms, 10^7
    /// at 1e-5 1,036 -> 826 ms; the dense routes lose, 10^6 at 0.1 8.0 -> 18.4 ms; two
    /// rounds each, 10^6 at 10 7.2-9.1 -> 9.0-9.8 ms and 10^4 at 10 0.090 -> 0.133 ms.
    /// Hence the choice by density: the grid route takes (2, 24) below
    /// `doubleCellsDensity` (`DoubleCells`, FastSoftIndices.swift), every other route
    /// keeps this r and `cellWidth` (`UnitCells`).
    static let nodes = 16
    /// On a regular grid a class is large in a cell from this many points + 1: there the
    /// M2L kernels of a cell pair come from a table shared by every pair at the same
    /// distance (ChebyshevNearField), so interpolation pays from a few points on.
    static let regularLargeCount = 2
    /// Below this many points the work is not split across two threads: the sorts, the
    /// grid, the cell bounds, and the routes whose work a point is light (the window path
    /// with few pairs, the cells without a far field).
    static let parallelThreshold = 20_000
    /// The heavy routes split from this many points: the series-window path, the window
    /// path with at least `heavyWindowPairs` window pairs a point, the cells' phases when
    /// they have a far field, and the few-cells and one-cell paths. Handing a phase to the
    /// kept helper thread costs a few microseconds (WorkerTeam.swift), less than half of
    /// such a route's phases at 5,000 points. Measured at n = 10^4 (C, medians of 3
    /// processes, calls back to back or 100 us apart): T / spread 3e-4 1.15 -> 0.73-0.80 ms,
    /// 1e-3 1.33 -> 0.80-0.90 ms, 1e-2 1.46-1.49 -> 0.87-0.92 ms, 0.1 0.46-0.50 -> 0.36-0.46
    /// ms; at 5,000, 1e-2 0.99 -> 0.61 ms. The light routes lost from two threads at 10^4
    /// (T / spread 1: 0.14 -> 0.23 ms, on the cells route before the few-cells path
    /// existed; 1e-5: 0.25 -> 0.28-0.35 ms) and keep `parallelThreshold`. The few-cells and
    /// one-cell paths (at least 12 ns a point) gained (stop 48, C driver, alternating
    /// processes, one thread -> two): n = 10^4 at T / spread 1 0.115 -> 0.064 ms, 0.1
    /// 0.192 -> 0.141, 1e-2 0.738 -> 0.568, 10 0.079 -> 0.049; 5,000 at 1 0.062 -> 0.038,
    /// 0.1 0.167 -> 0.132; at 3,000 and 0.1 they lost (0.098 -> 0.104). With both threads
    /// on one CPU (`taskset -c 0`) the split costs instead: 10^4 at 0.1 0.191 -> 0.220 ms,
    /// at 10 0.079 -> 0.097 (0.155 before each side stopped spinning on finding the other
    /// on its CPU, WorkerTeam.swift). A thread spinning on the other core, such as numpy's
    /// OpenBLAS pool right after import, takes these gains away (README, "Threads"), and
    /// so does a second core that answers slowly: up to 1.4x lost at 10^4 in such runs
    /// (README, Stop 48).
    static let heavyParallelThreshold = 5_000
    /// The window path counts as heavy from this many window pairs a point.
    static let heavyWindowPairs = 1.0

    /// Whether a route's phases run on two threads: from `parallelThreshold` points, or
    /// from `heavyParallelThreshold` for a heavy route. (The halves are cut by the data
    /// alone: the same bits either way.)
    static func splits(points: Int, heavy: Bool) -> Bool {
        points >= (heavy ? heavyParallelThreshold : parallelThreshold)
    }
    /// When summing the far pairs of cells in the near field too would cost at most
    /// allNearBudget kernels a point (`farPairKernels`), every pair of cells is summed by
    /// the near field and the far sweeps are skipped. The accuracy argument of the near
    /// field holds at any distance (see ChebyshevNearField). Typical case: N(0, 1) scores
    /// at T = 1 make about a dozen cells, whose far pairs are a few hundred kernels each.
    /// Measured at n = 1,000 (one thread): the sweeps cost about 9 ns a point, a near-field
    /// kernel about 1.1 ns, so all-near pays up to ~8 kernels a point; 4 keeps a margin.
    static let allNearBudget = 4
    /// The grid route (counting sort into cells) is taken when the scores average more
    /// than this many points a cell width; sparser data are sorted, for the window path,
    /// the series-window path or greedy cells. 8 since the series-window path's near
    /// pairs are factored (SeriesWindowSoftAUROC.swift, "Near pairs"; it was 4): sorted /
    /// grid, C driver, value and gradient, N(0, 1) + label scores, 30% positives, median
    /// wall of 4 alternating processes, AMD Zen 4, by the average points a width:
    ///
    ///     points a width         4.8    6      7.2    8.4    12
    ///     n = 10^4               0.53          0.77   0.87
    ///     n = 10^5               0.60          0.83   1.03   1.52
    ///     n = 10^6               0.58   0.73   0.77   0.88   1.16
    ///     n = 10^7                      0.67   0.76   0.88   1.10
    ///
    /// (Points a width estimated from T / spread: 12 at 10^4 / 10^5 / 10^6 / 10^7 and 1e-2
    /// / 1e-3 / 1e-4 / 1e-5, the last two columns of the README's sweep; the others in
    /// proportion. The 8.4 and 12 columns from a build with the sorting route up to 16.)
    static let sortingDensity = 8.0
    /// The grid route takes cells of two widths with 24 nodes (`DoubleCells`) when the
    /// scores average fewer than this many points a unit cell width (and more than
    /// `sortingDensity`, from `doubleCellsMinimumSpan` widths on): half as many cells,
    /// twice the points each.
    /// Measured (C driver, value and gradient, N(0, 1) + label scores, alternating
    /// processes, unit -> double cells, on a build with double cells of C = 4 everywhere):
    /// at about 12 points a width on average (T / spread 1e-3 at n = 10^5, 1e-4 at 10^6,
    /// 1e-5 at 10^7) 0.75-0.80x; at 37 (3e-5 at 10^7, 1e-4 at 3 x 10^6) 0.62-0.85x; at 122
    /// (1e-4 at 10^7) 0.92-1.03x. With C = 5 (`DoubleCells.nearDistance`, for the
    /// far field's bounds) the near field sums more cell pairs: 0.82-0.9x at 12 and 37
    /// (README, Stop 47).
    static let doubleCellsDensity = 64.0
    /// Double cells from this many unit widths of span on (twice the sorting density
    /// before it went from 4 to 8; kept where it was).
    static let doubleCellsMinimumSpan = 8.0
    /// The window path is preferred to the series-window path only while its pairs within
    /// G number at most this many a point (it accepts up to `WindowSoftAUROC.pairBudget`,
    /// a budget measured against the cells). Measured (wall time, value and gradient,
    /// N(0, 1) + label scores, load 4-8): the two cost the same near 8-12 window pairs a
    /// point; at 20 / 28 / 40 the window path took 28 / 33 / 45x numpy.sort at n = 10^6
    /// against 15 / 16 / 16x for the series-window path.
    static let seriesWindowPreference = 10
    /// The same preference when the window path factors its exponentials (from
    /// `WindowFactors.pairsPerPoint` pairs a point, when the anchors fit the scores,
    /// WindowFactors.swift), which makes its pairs cheaper. Window path / series-window
    /// path, median wall of 4 alternating C processes, one build with the preference set
    /// per process (value and gradient, N(0, 1) + label scores, 30% positives), AMD Zen 4:
    ///
    ///     window pairs a point    12     20     30     40
    ///     n = 10^4                      0.85   0.97   1.00
    ///     n = 10^5               0.52          0.79   0.95
    ///     n = 10^6                      0.70   0.82   0.95
    static let factoredSeriesWindowPreference = 30
}

/// One class after sorting: `count` points in ascending score order with their masses
/// and the caller's indices, plus the per-point work arrays of the fast path.
struct SortedClass {
    var count: Int
    var scores: UnsafeMutablePointer<Double>
    var mass: UnsafeMutablePointer<Double>
    /// The caller's indices, one `I.Origin` of the instantiation (FastSoftIndices.swift)
    /// each: read through `origins(_:)`. (Untyped so that the phases that never read them,
    /// the window path, the far sweeps' cell sums and the near field's point sums, are
    /// one function for both instantiations, not two copies the optimizer merges.)
    var origin: UnsafeMutableRawPointer
    /// Potential (sum of sigmoid' over the other class) from far cells below, then the
    /// near cells added in; and from far cells above.
    var potentialBelow: UnsafeMutablePointer<Double>
    var potentialAbove: UnsafeMutablePointer<Double>
    /// Chebyshev source moments of a cell c with more than r points of this class are
    /// stored at moments[start(c) ..< start(c) + r] (the cell owns that many slots); with
    /// more than 3r, the far sweeps' node slopes follow at start(c) + r (upward) and
    /// start(c) + 2r (downward) (ExponentialFarField, "Large cells at their nodes").
    var moments: UnsafeMutablePointer<Double>
    /// For small inputs (see `chebyshevCacheLimit`), T_k(z_i) of every point i of a
    /// large cell, k = 1 ..< r, at chebyshev[(k - 1) * chebyshevStride + i]: written with
    /// the moments, read by the evaluation at the same points instead of redoing the
    /// recurrence; for a point of a cell where its class is small (no T_k), rows 0, 1, 2
    /// hold its staged u, e^u, e^-u instead (`cachePointFactors`). nil otherwise.
    var chebyshev: UnsafeMutablePointer<Double>?
    var chebyshevStride: Int

    @inline(__always) func origins<I: FastSoftIndices>(_: I.Type) -> UnsafeMutablePointer<I.Origin> {
        origin.assumingMemoryBound(to: I.Origin.self)
    }

    /// The window path's (WindowSoftAUROC.swift) record of each positive's window of
    /// negatives, [start, end) as the bit patterns of two Ints, in the arrays the window
    /// path does not otherwise use.
    var windowStart: UnsafeMutablePointer<Double> { potentialAbove }
    var windowEnd: UnsafeMutablePointer<Double> { moments }
}

/// Inputs of at most this many points keep every point's Chebyshev values (15 doubles a
/// point, 7.5 MB at the limit) between the near field's moments and its evaluation.
let chebyshevCacheLimit = 1 << 16

/// The cells: cell c holds positives posStart[c] ..< posStart[c + 1] and negatives
/// negStart[c] ..< negStart[c + 1]; its near cells are nearLo[c] ... nearHi[c].
struct CellTable<I: FastSoftIndices> {
    var count: Int
    var posStart: UnsafeMutablePointer<I.Position>
    var negStart: UnsafeMutablePointer<I.Position>
    var nearLo: UnsafeMutablePointer<I.Position>
    var nearHi: UnsafeMutablePointer<I.Position>
    /// The smallest and the largest score in each cell.
    var lo: UnsafeMutablePointer<Double>
    var hi: UnsafeMutablePointer<Double>
    /// The near field's origin of each cell's local coordinates: on a regular grid
    /// (`GridCells.regular`) the cell's grid line, else (nil) its lo.
    var anchors: UnsafeMutablePointer<Double>? = nil
}

/// Everything the phases read: the sorted classes, the cells and T.
struct FastSoftLayout<I: FastSoftIndices> {
    var temperature: Double
    var pos: SortedClass
    var neg: SortedClass
    var cells: CellTable<I>
    var needGradient: Bool
    /// false when every pair of cells is near (see `allNearBudget`): the far sweeps are
    /// skipped, potentialAbove is never written or read, and the near field's moment pass
    /// clears potentialBelow before the near sums are added into it.
    var hasFarField: Bool
    /// On a regular grid, its step w in score units (every difference of two anchors is
    /// an exact multiple k w of it, so cell pairs at the same k share their M2L kernels:
    /// ChebyshevNearField); 0 otherwise.
    var cellStep: Double = 0
    /// A class with more than this many points in a cell is "large" there: it gets
    /// moments and a local expansion (ChebyshevNearField). r, or
    /// `FastSoftParameters.regularLargeCount` on a regular grid, where M2L costs
    /// multiply-adds instead of kernels.
    var largeCount: Int {
        gatheredMoments != nil ? 0 : cellStep > 0 ? FastSoftParameters.regularLargeCount : I.Shape.nodes
    }
    /// The few-cells path's node moments (FewCellsSoftAUROC.swift), cell d's class at
    /// (2 d + (negatives ? 1 : 0)) r; nil on the other routes. When set, every non-empty
    /// class of a cell is large (largeCount 0) and its moments are read from here, not
    /// from the class's points (which that path never groups).
    var gatheredMoments: UnsafeMutablePointer<Double>? = nil
    /// The few-cells path's far node values (FewCellsFarField.swift), cell c's
    /// `FewCellsFarField.perCell` at perCell c; nil elsewhere. When set, `evaluate` adds
    /// them to each cell's local expansions, and the near field sums only the cells
    /// within `FewCellsFarField.reach` offsets (the cell table's near runs).
    var gatheredFarField: UnsafeMutablePointer<Double>? = nil

    @inline(__always) func posRange(_ c: Int) -> Range<Int> { Int(cells.posStart[c])..<Int(cells.posStart[c + 1]) }
    @inline(__always) func negRange(_ c: Int) -> Range<Int> { Int(cells.negStart[c])..<Int(cells.negStart[c + 1]) }

    /// The smallest score in cell c.
    @inline(__always) func lo(_ c: Int) -> Double { cells.lo[c] }

    /// The largest score in cell c.
    @inline(__always) func hi(_ c: Int) -> Double { cells.hi[c] }

    /// The origin of cell c's local coordinates in the near field (`CellTable.anchors`).
    @inline(__always) func anchor(_ c: Int) -> Double { cells.anchors?[c] ?? cells.lo[c] }
}

/// The soft AUROC by the fast method (see the top of this file); same contract as
/// `softAUROC`. Results agree with `pairwiseSoftAUROC` to 1e-12 of each quantity's natural
/// scale for every valid input (the tests check 1e-12; the bounds argued beside the code
/// are near 1e-14). `indices` picks the integer widths (FastSoftIndices.swift): narrow
/// requires samples.count <= `narrowSoftMaximumCount`, wide takes every count; on an input
/// both take, both give the same bits.
///
///     let r = try fastSoftAUROC(samples, temperature: 0.1, gradient: grad, indices: NarrowSoftIndices.self)
func fastSoftAUROC<I: FastSoftIndices>(
    _ samples: LabeledSamples, temperature: Double,
    gradient: UnsafeMutableBufferPointer<Double>?, indices: I.Type,
    testing: FastSoftTesting = FastSoftTesting(), unweighted: UnweightedSummary? = nil
) throws(CoreError) -> SoftAUROCResult {
    // Caller indices (< n) in Origin; class positions (<= n), cell indices (< n) and grid
    // counts (<= n) in Position.
    precondition(samples.count <= Int(truncatingIfNeeded: I.Position.max)
                 && UInt64(samples.count) <= UInt64(truncatingIfNeeded: I.Origin.max))
    let n = samples.count
    // Class counts, the largest weight of each class, then (in index order, exactly as
    // `splitByClass` does, so the masses are the same bits as the pairwise path's) the
    // compensated totals of the weights scaled by that maximum.
    var positiveCount = 0, negativeCount = 0
    var positiveMax = 0.0, negativeMax = 0.0
    var minScore = Double.infinity, maxScore = -Double.infinity
    if let unweighted, samples.weights == nil {
        // The caller's passes (`softAUROCCheckingInputs`): the same values.
        (minScore, maxScore) = (unweighted.minScore, unweighted.maxScore)
        positiveCount = unweighted.positives
        negativeCount = n - positiveCount
        positiveMax = 1
        negativeMax = 1
    } else if samples.weights == nil {
        // Labels are exactly 0 or 1, so their sum is the exact count (below 2^53).
        (minScore, maxScore) = scoreRange(samples.scores)
        positiveCount = countOfOnes(samples.labels)
        negativeCount = n - positiveCount
        positiveMax = 1
        negativeMax = 1
    } else {
        for i in 0..<n {
            let w = samples.weight(i)
            guard w > 0 else { continue }
            minScore = Swift.min(minScore, samples.scores[i])
            maxScore = Swift.max(maxScore, samples.scores[i])
            if samples.labels[i] == 1 {
                positiveCount += 1
                positiveMax = Swift.max(positiveMax, w)
            } else {
                negativeCount += 1
                negativeMax = Swift.max(negativeMax, w)
            }
        }
    }
    guard positiveCount > 0, negativeCount > 0 else {
        if let gradient { for k in gradient.indices { gradient[k] = 0 } }
        return .noPairs
    }
    var positiveTotal = CompensatedSum(), negativeTotal = CompensatedSum()
    if samples.weights != nil {
        for i in 0..<n {
            let w = samples.weight(i)
            guard w > 0 else { continue }
            if samples.labels[i] == 1 { positiveTotal.add(w / positiveMax) } else { negativeTotal.add(w / negativeMax) }
        }
    }

    // Unweighted, with nearly every pair at least G apart: the counting path
    // (CountingSoftAUROC.swift), the exact AUROC and the few close pairs, unless it gives up.
    if samples.weights == nil,
       testing.counting ?? CountingSoftAUROC.takes(count: n, span: scaledDifference(maxScore, minScore, temperature)),
       let r = try countingSoftAUROC(samples, temperature: temperature, gradient: gradient,
                                     positives: positiveCount, negatives: negativeCount,
                                     minScore: minScore, maxScore: maxScore,
                                     parallel: testing.parallel ?? FastSoftParameters.splits(points: n, heavy: false)) {
        testing.route?.pointee = .counting
        return r
    }

    // Scores spanning less than one cell width with both classes large: the one-cell path
    // (OneCellSoftAUROC.swift), the grid route's computation without grouping the points.
    // (The grid route's test below with its span < 1: a single grid cell.)
    let h = I.Shape.width
    let span = scaledDifference(maxScore, minScore, temperature) / h
    let input = OneCellInput(positiveCount: positiveCount, negativeCount: negativeCount,
                             positiveMax: positiveMax, negativeMax: negativeMax,
                             positiveTotal: positiveTotal.total, negativeTotal: negativeTotal.total,
                             minScore: minScore, maxScore: maxScore)
    if span < 1 && positiveCount > I.Shape.nodes && negativeCount > I.Shape.nodes
        && testing.oneCell != false {
        testing.route?.pointee = .oneCell
        return try oneCellSoftAUROC(samples, temperature: temperature, gradient: gradient, indices: I.self,
                                    input: input,
                                    parallel: testing.parallel ?? FastSoftParameters.splits(points: n, heavy: true))
    }

    // Scores spanning 1 to 32,768 cell widths, with enough points a cell of the regular
    // grid (`FewCells.takes`): the few-cells path (FewCellsSoftAUROC.swift), nothing grouped.
    if span >= 1 && testing.fewCells != false,
       let grid = GridCells.regular(min: minScore, max: maxScore, temperature: temperature, width: h),
       FewCells.takes(gridCount: grid.last + 1,
                      total: testing.fewCells == true ? Int.max : positiveCount + negativeCount) {
        testing.route?.pointee = .fewCells
        return try fewCellsSoftAUROC(samples, temperature: temperature, gradient: gradient, indices: I.self,
                                     input: input, grid: grid,
                                     parallel: testing.parallel ?? FastSoftParameters.splits(points: n, heavy: true))
    }

    // The grid route with cells that would hold few points: cells of two widths
    // (`DoubleCells`, `FastSoftParameters.doubleCellsDensity`).
    let total = Double(positiveCount + negativeCount)
    if span * FastSoftParameters.sortingDensity < total && span >= FastSoftParameters.doubleCellsMinimumSpan
        && (testing.doubleCells ?? (total < FastSoftParameters.doubleCellsDensity * span)) {
        return try cellRoutes(samples, temperature: temperature, gradient: gradient,
                              indices: DoubleCellIndices<I>.self, testing: testing, input: input)
    }
    return try cellRoutes(samples, temperature: temperature, gradient: gradient, indices: I.self,
                          testing: testing, input: input)
}

/// `fastSoftAUROC` past the one-cell and few-cells paths: the grid route, or the sorting
/// route (window, series-window, greedy cells), with the cells of `I.Shape`.
private func cellRoutes<I: FastSoftIndices>(
    _ samples: LabeledSamples, temperature: Double,
    gradient: UnsafeMutableBufferPointer<Double>?, indices: I.Type,
    testing: FastSoftTesting, input: OneCellInput
) throws(CoreError) -> SoftAUROCResult {
    let n = samples.count
    let positiveCount = input.positiveCount, negativeCount = input.negativeCount
    let positiveMax = input.positiveMax, negativeMax = input.negativeMax
    let minScore = input.minScore, maxScore = input.maxScore
    let h = I.Shape.width
    let span = scaledDifference(maxScore, minScore, temperature) / h

    // Two allocations hold everything per point: scores grouped by cell (first as sort
    // keys on the sorting route) and caller indices; and the work arrays (mass, two
    // potentials, moments: 4 doubles a point), whose memory first serves as scratch for
    // the grouping. Large ones are offered transparent huge pages: first-touch page
    // faults otherwise cost as much as a pass.
    let total = positiveCount + negativeCount
    let keys = try ScratchBuffer<UInt64>(count: total)
    defer { keys.free() }
    let origins = try ScratchBuffer<I.Origin>(count: total)
    defer { origins.free() }
    let work = try ScratchBuffer<Double>(count: 4 * total)
    defer { work.free() }
    let histograms = try ScratchBuffer<Int>(count: 2 * 8 * 256)
    defer { histograms.free() }
    adviseHugePages(keys.base, bytes: 8 * total)
    adviseHugePages(origins.base, bytes: MemoryLayout<I.Origin>.stride * total)
    adviseHugePages(work.base, bytes: 32 * total)
    let scores = UnsafeMutableRawPointer(keys.base!).bindMemory(to: Double.self, capacity: total)
    let o = origins.base!

    // Cells. When the scores span fewer than `total` / `sortingDensity` cell widths, the cells are the
    // non-empty cells of the grid lo = min + g h T (g = floor((s - min) / (h T))) and the
    // points are grouped by a counting sort on g (GridGrouping.swift) instead of a full sort.
    // Nothing downstream needs order inside a cell for accuracy, but sums run in that
    // order, so it is fixed: caller index order. Otherwise (sparse data: most cells
    // hold a few points) both classes are radix-sorted, for the window or series-window path or greedy cells.
    // From three cell widths on, the grid is regular when it can be (`GridCells.regular`:
    // cell lines exactly representable, so the near field shares kernels between cell
    // pairs at the same distance); narrower spans keep lo = min (the one-cell path
    // reproduces that grid's bits).
    let dense = span * FastSoftParameters.sortingDensity < Double(total)
    let regularGrid = dense && span >= 2
        ? GridCells.regular(min: minScore, max: maxScore, temperature: temperature, width: h) : nil
    let gridCount = dense ? (regularGrid?.last ?? Int(span)) + 1 : 0
    let cellStorage: ScratchBuffer<I.Position>
    let cellCount: Int
    var anchorStorage: ScratchBuffer<Double>? = nil
    defer { anchorStorage?.free() }
    if gridCount > 0 {
        // A counting sort on the cells, on two levels when they are many (GridGrouping.swift).
        let grid = regularGrid ?? GridCells(origin: minScore, temperature: temperature,
                                            step: h * temperature, last: gridCount - 1, width: h)
        var shift = testing.gridShift ?? GridGrouping.shift(gridCount: gridCount)
        if shift > 0 && !GridGrouping.fits(total: total, gridCount: gridCount, shift: shift, I.self) { shift = 0 }
        testing.gridShiftUsed?.pointee = shift
        let grouped = try groupByGridCells(samples, grid: grid, gridCount: gridCount, regular: regularGrid != nil,
                                           positiveCount: positiveCount, total: total, scores: scores, origins: o,
                                           work: UnsafeMutableRawPointer(work.base!), shift: shift,
                                           parallel: n >= FastSoftParameters.parallelThreshold, I.self)
        cellCount = grouped.count
        cellStorage = grouped.storage
        anchorStorage = grouped.anchors
        UnsafeMutableRawPointer(work.base!).bindMemory(to: Double.self, capacity: 4 * total)
    } else {
        let k = keys.base!
        let parallelSort = n >= FastSoftParameters.parallelThreshold
        // By class into keys and caller indices, on two threads (ClassGather.swift).
        ClassGather<I>(samples: samples, keys: k, origins: o, positiveCount: positiveCount)
            .run(inParallel: parallelSort)
        // Sort scratch inside the work arrays: 8 + 4 (or 8, wide) bytes a point of their 32.
        let raw = UnsafeMutableRawPointer(work.base!)
        let sk = raw.bindMemory(to: UInt64.self, capacity: total)
        let sv = (raw + 8 * total).bindMemory(to: I.Origin.self, capacity: total)
        let hist = histograms.base!
        let pc = positiveCount, nc = negativeCount
        // Each class sorted, the work balanced over two threads (KeyedRadixSort.swift).
        radixSortPair(KeyedSortArrays(keys: k, values: o, scratchKeys: sk, scratchValues: sv, count: pc),
                      KeyedSortArrays(keys: k + pc, values: o + pc, scratchKeys: sk + pc,
                                      scratchValues: sv + pc, count: nc),
                      tables: hist, inParallel: parallelSort)
        // Keys back to scores, in place (same size, trivial types).
        scoresFromSortKeys(k, count: total, inParallel: parallelSort)
        raw.bindMemory(to: Double.self, capacity: 4 * total)
        // Sparse on the scale of T: the window path (WindowSoftAUROC.swift) when its pairs
        // are few (`seriesWindowPreference` a point, `factoredSeriesWindowPreference`
        // when its exponentials can be factored, WindowFactors.swift); else the
        // series-window path (SeriesWindowSoftAUROC.swift) when its near pairs are few;
        // else the window path up to its own budget; else greedy cells.
        do {
            let w = work.base!
            func windowClass(offset: Int, count: Int) -> SortedClass {
                SortedClass(count: count, scores: scores + offset, mass: w + offset, origin: UnsafeMutableRawPointer(o + offset),
                            potentialBelow: w + total + offset, potentialAbove: w + 2 * total + offset,
                            moments: w + 3 * total + offset, chebyshev: nil, chebyshevStride: 0)
            }
            let pos = windowClass(offset: 0, count: positiveCount)
            let neg = windowClass(offset: positiveCount, count: negativeCount)
            // The rule below takes the window path first when its pairs number at most
            // `preferred` (see above). When an estimate from a few positives puts
            // them well below that (small T), the window path runs at once, counting its
            // pairs as it goes (the counts `pairCount` would give) and giving up past that
            // preference: a result is then the one the rule below would compute, bit for
            // bit, and the counting pre-pass is saved. Given up (the estimate was wrong),
            // the rule below runs as if nothing had been tried: potentialBelow is
            // rewritten by any path, the masses stay.
            // (total <= Int.max / 32, so the product cannot overflow.)
            // (`testing.windowFactors` false: as if the factors never fit.)
            let factorsFit = testing.windowFactors != false && WindowFactors.fits(neg, temperature: temperature)
            let preferred = (factorsFit
                ? FastSoftParameters.factoredSeriesWindowPreference : FastSoftParameters.seriesWindowPreference) * total
            var massesFilled = false
            func fillMassesOnce() {
                guard !massesFilled else { return }
                fillMasses(pos, samples, indices: I.self, maxWeight: positiveMax, total: input.positiveTotal)
                fillMasses(neg, samples, indices: I.self, maxWeight: negativeMax, total: input.negativeTotal)
                massesFilled = true
            }
            let estimate = WindowSoftAUROC.estimatedPairCount(pos, neg, temperature: temperature,
                                                              samples: WindowSoftAUROC.estimateSamples)
            // The window path's negatives take their sums from the positives' kernels when
            // the windows are not nearly empty (WindowSoftAUROC, "Shared slopes"); decided
            // once, so that every attempt below computes the same bits.
            let sharedSlopes = estimate >= WindowSoftAUROC.sharedSlopesPairs * Double(total)
            // Its exponentials as products of per-point factors when the windows hold a few
            // pairs a point (WindowFactors.swift); likewise decided once.
            let factored = factorsFit
                && (testing.windowFactors ?? (estimate >= WindowFactors.pairsPerPoint * Double(total)))
            // Unweighted, every negative's mass is this double (`fillMasses`).
            let uniformNegativeMass = samples.weights == nil ? 1.0 / Double(negativeCount) : nil
            if estimate <= WindowSoftAUROC.estimateMargin * Double(preferred) {
                fillMassesOnce()
                if let r = try windowSoftAUROC(pos, neg, indices: I.self, temperature: temperature, gradient: gradient,
                                               sampleCount: n,
                                               parallel: testing.parallel ?? FastSoftParameters.splits(
                                                   points: total,
                                                   heavy: estimate >= FastSoftParameters.heavyWindowPairs * Double(total)),
                                               series: false,
                                               labels: samples.labels.baseAddress, pairLimit: preferred,
                                               sharedSlopes: sharedSlopes, uniformNegativeMass: uniformNegativeMass,
                                               factored: factored, factorsUsed: testing.windowFactorsUsed) {
                    testing.route?.pointee = .window
                    testing.sharedSlopesUsed?.pointee = sharedSlopes
                    return r
                }
            }
            // The window path first when its pairs number at most `preferred` (counted only
            // that far: preferred <= windowPairLimit); else the series-window path when its
            // near pairs are few; else the window path within its own limit (counted then).
            // (Not counted when the estimate puts them past `countCeiling` times that: a
            // likely failure then costs no count. A wrong estimate costs time only.)
            let windowPairs = estimate > WindowSoftAUROC.countCeiling * Double(preferred)
                ? nil : WindowSoftAUROC.pairCount(pos, neg, temperature: temperature, limit: preferred)
            let windowFirst = windowPairs != nil
            if !windowFirst {
                // The series-window path counts its near pairs as it goes, as
                // `nearPairCount` would with the same limit, and gives up past it (nil):
                // the same decision without a pass of its own. Only when an estimate from
                // a few positives puts them above twice the limit are they counted first,
                // so that a likely failure costs no sweeps.
                let nearEstimate = WindowSoftAUROC.estimatedPairCount(
                    pos, neg, temperature: temperature, samples: WindowSoftAUROC.estimateSamples,
                    distance: SeriesWindowSoftAUROC.nearDistance)
                // Its near pairs' exponentials factored as the window path's wherever the
                // anchors fit (`factorsFit`: SeriesWindowSoftAUROC.swift, "Near pairs"); its
                // budget is then the larger one.
                let limit = seriesWindowPairLimit(points: total, factored: factorsFit)
                if nearEstimate <= 2 * Double(limit)
                    || SeriesWindowSoftAUROC.nearPairCount(pos, neg, temperature: temperature, limit: limit) != nil {
                    fillMassesOnce()
                    if let r = try windowSoftAUROC(pos, neg, indices: I.self, temperature: temperature,
                                                   gradient: gradient, sampleCount: n,
                                                   parallel: testing.parallel ?? FastSoftParameters.splits(
                                                       points: total, heavy: true),
                                                   series: true, pairLimit: limit,
                                                   factored: factorsFit, factorsUsed: testing.windowFactorsUsed) {
                        testing.route?.pointee = .seriesWindow
                        return r
                    }
                }
            }
            if windowFirst || WindowSoftAUROC.pairCount(pos, neg, temperature: temperature,
                                                        limit: windowPairLimit(points: total)) != nil {
                fillMassesOnce()
                // (With the default limit, Int.max / 2 >= windowPairLimit, within which
                // `pairCount` found the window path's pairs: never nil. Were it nil, the
                // cells below would still give the result.)
                if let r = try windowSoftAUROC(pos, neg, indices: I.self, temperature: temperature, gradient: gradient,
                                               sampleCount: n,
                                               parallel: testing.parallel ?? FastSoftParameters.splits(
                                                   points: total,
                                                   heavy: Double(windowPairs ?? Int.max)
                                                       >= FastSoftParameters.heavyWindowPairs * Double(total)),
                                               series: false,
                                               labels: samples.labels.baseAddress, sharedSlopes: sharedSlopes,
                                               uniformNegativeMass: uniformNegativeMass,
                                               factored: factored, factorsUsed: testing.windowFactorsUsed) {
                    testing.route?.pointee = .window
                    testing.sharedSlopesUsed?.pointee = sharedSlopes
                    return r
                }
            }
        }
        let sortedPos = (scores, positiveCount), sortedNeg = (scores + positiveCount, negativeCount)
        cellCount = countGreedyCells(sortedPos, sortedNeg, temperature: temperature, width: h,
                                     posStart: UnsafeMutablePointer<I.Position>?.none, negStart: nil)
        cellStorage = try ScratchBuffer<I.Position>(count: 4 * cellCount + 2)
        _ = countGreedyCells(sortedPos, sortedNeg, temperature: temperature, width: h,
                             posStart: cellStorage.base!, negStart: cellStorage.base! + (cellCount + 1))
    }
    defer { cellStorage.free() }
    testing.route?.pointee = .cells
    testing.cellNodes?.pointee = I.Shape.nodes
    let cellBounds = try ScratchBuffer<Double>(count: 2 * cellCount)
    defer { cellBounds.free() }

    let w = work.base!
    // (A cache that cannot be had is no error: the evaluation then redoes the recurrence.)
    let chebyshevCache = total <= chebyshevCacheLimit
        ? try? ScratchBuffer<Double>(count: (I.Shape.nodes - 1) * total) : nil
    defer { chebyshevCache?.free() }
    func makeClass(offset: Int, count: Int) -> SortedClass {
        SortedClass(count: count, scores: scores + offset, mass: w + offset,
                    origin: UnsafeMutableRawPointer(o + offset), potentialBelow: w + total + offset,
                    potentialAbove: w + 2 * total + offset, moments: w + 3 * total + offset,
                    chebyshev: chebyshevCache.map { $0.base! + offset }, chebyshevStride: total)
    }
    let pos = makeClass(offset: 0, count: positiveCount)
    let neg = makeClass(offset: positiveCount, count: negativeCount)
    fillMasses(pos, samples, indices: I.self, maxWeight: positiveMax, total: input.positiveTotal)
    fillMasses(neg, samples, indices: I.self, maxWeight: negativeMax, total: input.negativeTotal)

    let cs = cellStorage.base!
    let cells = CellTable<I>(count: cellCount, posStart: cs, negStart: cs + (cellCount + 1),
                          nearLo: cs + 2 * (cellCount + 1), nearHi: cs + 2 * (cellCount + 1) + cellCount,
                          lo: cellBounds.base!, hi: cellBounds.base! + cellCount,
                          anchors: anchorStorage?.base)
    // Two halves of the cells on two threads (disjoint writes; the same bits either way).
    let boundsSplit = pointBalancedSplit(cells, points: total)
    let sortedInCells = gridCount == 0
    runConcurrently(inParallel: total >= FastSoftParameters.parallelThreshold,
                    with: (cells: cells, pos: pos, neg: neg, split: boundsSplit, sorted: sortedInCells), { c in
        setCellBounds(c.cells, c.pos, c.neg, 0..<c.split, sorted: c.sorted)
    }, { c in
        setCellBounds(c.cells, c.pos, c.neg, c.split..<c.cells.count, sorted: c.sorted)
    })
    // Near ranges by distance; then, when the far pairs are cheap enough for the near
    // field (estimated only when cells are few: cellCount^2 <= n keeps it O(n)), all near.
    var layout = FastSoftLayout(temperature: temperature, pos: pos, neg: neg, cells: cells,
                                needGradient: gradient != nil, hasFarField: true)
    if let regularGrid { layout.cellStep = regularGrid.step }
    findNearRanges(layout, allNear: false)
    if cellCount <= total / cellCount
        && farPairKernels(layout) <= FastSoftParameters.allNearBudget * total {
        layout.hasFarField = false
        findNearRanges(layout, allNear: true)
    }

    // Scratch of the near field and the partial sums, then the phases.
    let near = ChebyshevNearField(layout: layout)
    testing.tableReach?.pointee = near.tableReach
    let nearCount = near.scratchCount
    let nearScratch = try ScratchBuffer<Double>(count: 2 * nearCount)
    defer { nearScratch.free() }
    let farScratch = try ScratchBuffer<Double>(
        count: 2 * ExponentialFarField.scratchCount + ExponentialFarField.nodeFactorCount(I.Shape.self))
    defer { farScratch.free() }
    let partials = try ScratchBuffer<Double>(count: 8)
    defer { partials.free() }
    let part = partials.base!
    for k in 0..<8 { part[k] = 0 }
    let parallel = FastSoftParameters.splits(points: total, heavy: layout.hasFarField)
    let fs = farScratch.base!
    // The moments first: the far sweeps sum a large class of a source cell from them, and
    // write the node slopes of a large class of a target cell past them (ExponentialFarField,
    // "Large cells from their moments", "Large cells at their nodes").
    let split = near.balancedSplit()
    let ns = nearScratch.base!
    runConcurrently(inParallel: parallel,
                    with: (near: near, split: split, count: cellCount, ns: ns, nearCount: nearCount), { c in
        c.near.computeMoments(cells: 0..<c.split, scratch: c.ns)
    }, { c in
        c.near.computeMoments(cells: c.split..<c.count,
                              scratch: c.ns + c.nearCount)
    })
    if layout.hasFarField {
        let nodeFactors = fs + 2 * ExponentialFarField.scratchCount
        ExponentialFarField.fillNodeFactors(nodeFactors, constants: near.constants(ns), shape: I.Shape.self)
        runConcurrently(inParallel: parallel, with: (layout: layout, fs: fs, part: part, nodes: nodeFactors), { c in
            let r = ExponentialFarField.sweep(c.layout, above: false, scratch: c.fs,
                                              nodeFactors: c.nodes)
            c.part[0] = r.value; c.part[1] = r.moment
        }, { c in
            let r = ExponentialFarField.sweep(
                c.layout, above: true, scratch: c.fs + ExponentialFarField.scratchCount,
                nodeFactors: c.nodes)
            c.part[2] = r.value; c.part[3] = r.moment
        })
    }
    // The near field's targets split by points, not by cells: with few large cells (dense
    // data) a split at a cell boundary can leave one thread with most of the work. A
    // split cell's local expansion is formed by both shares, so on one thread (decided
    // by n alone, as the threads) there is a single share: at n = 1,000, T = 1 the split
    // cells were 5 of 25 M2L cell pairs.
    if parallel {
        let shares = near.targetShares()
        runConcurrently(inParallel: true,
                        with: (near: near, shares: shares, ns: ns, part: part, nearCount: nearCount), { c in
            let (cells, positives, negatives) = c.shares.first
            let r = c.near.evaluate(cells: cells, positives: positives, negatives: negatives,
                                    scratch: c.ns)
            c.part[4] = r.value; c.part[5] = r.moment
        }, { c in
            let (cells, positives, negatives) = c.shares.second
            let r = c.near.evaluate(cells: cells, positives: positives, negatives: negatives,
                                    scratch: c.ns + c.nearCount)
            c.part[6] = r.value; c.part[7] = r.moment
        })
    } else {
        let r = near.evaluate(cells: 0..<cellCount, positives: 0..<pos.count,
                              negatives: 0..<neg.count, scratch: ns)
        part[4] = r.value; part[5] = r.moment
    }

    // Assembly in a fixed order.
    var value = CompensatedSum(), moment = CompensatedSum()
    for k in 0..<4 {
        value.add(part[2 * k])
        moment.add(part[2 * k + 1])
    }
    if let gradient {
        // Samples of weight 0 get 0; every other entry is written below.
        if pos.count + neg.count < n {
            for k in gradient.indices { gradient[k] = 0 }
        }
        // Points 0 ..< total in class order (positives, then negatives), cut in half: each
        // entry written once, by the same formula on either thread. (A cut by class gave
        // the threads 30% and 70% of the entries at 30% positives: traced at n = 10^7,
        // T / spread 1e-5, the negatives' half ended 34 ms after the positives'.)
        // Without a far field potentialAbove was never written (its part is 0).
        let half = (pos.count + neg.count) / 2
        runConcurrently(inParallel: parallel,
                        with: (g: gradient.baseAddress!, farField: layout.hasFarField, pos: pos, neg: neg,
                               t: temperature, half: half), { c in
            scatterGradient(c.g, c.pos, c.neg, indices: I.self, temperature: c.t, points: 0..<c.half,
                            farField: c.farField)
        }, { c in
            scatterGradient(c.g, c.pos, c.neg, indices: I.self, temperature: c.t,
                            points: c.half..<(c.pos.count + c.neg.count), farField: c.farField)
        })
    }
    // The true value is a weighted mean of sigmoids, so it lies in [0, 1]; the series and
    // interpolation errors (and the rounded masses, which need not sum to exactly 1) can
    // put the computed sum a few ulps outside. Clamping projects onto an interval that
    // holds the true value, so it never increases the error (|clamp(v) - v*| <= |v - v*|
    // for every v* in [0, 1]) and the header's [0, 1] always holds (Tests/c/test_link.c,
    // "soft value in [0, 1]", N = 1..300 negatives on this path).
    let v = Swift.min(Swift.max(value.total, 0), 1)
    return SoftAUROCResult(value: v, dTemperature: -moment.total / temperature, hasPairs: true)
}

/// Gradient entries of the points `points` in class order (index k < pos.count: positive
/// k; else negative k - pos.count): p potential / T for a positive, -q potential / T for a
/// negative, written at the point's caller index; the potential is potentialBelow, plus
/// potentialAbove with `farField` (the grid route's far sweeps write both). The grid route
/// and the window and series-window paths (`WindowTeam`) each cut their points in half
/// for two threads. With `skipZero` (window path, no far field), the points whose
/// potential is +0 are left alone (their entries, +0 for a positive and -0 for a negative,
/// written already).
@inline(__always)
func scatterGradient<I: FastSoftIndices>(_ g: UnsafeMutablePointer<Double>, _ pos: SortedClass, _ neg: SortedClass,
                                         indices: I.Type, temperature: Double, points: Range<Int>,
                                         farField: Bool = false, skipZero: Bool = false) {
    let pc = pos.count
    let positives = Swift.min(points.lowerBound, pc)..<Swift.min(points.upperBound, pc)
    let negatives = (Swift.max(points.lowerBound, pc) - pc)..<(Swift.max(points.upperBound, pc) - pc)
    let posOrigin = pos.origins(I.self), negOrigin = neg.origins(I.self)
    if skipZero {
        for i in positives where pos.potentialBelow[i].bitPattern != 0 {
            g[Int(posOrigin[i])] = pos.mass[i] * pos.potentialBelow[i] / temperature
        }
        for j in negatives where neg.potentialBelow[j].bitPattern != 0 {
            g[Int(negOrigin[j])] = -neg.mass[j] * neg.potentialBelow[j] / temperature
        }
        return
    }
    for i in positives {
        let potential = farField ? pos.potentialBelow[i] + pos.potentialAbove[i] : pos.potentialBelow[i]
        g[Int(posOrigin[i])] = pos.mass[i] * potential / temperature
    }
    for j in negatives {
        let potential = farField ? neg.potentialBelow[j] + neg.potentialAbove[j] : neg.potentialBelow[j]
        g[Int(negOrigin[j])] = -neg.mass[j] * potential / temperature
    }
}

/// The most close pairs the window path takes for `points` points: pairBudget a point,
/// capped at Int.max / 2 so that neither the product nor `pairCount`'s running total
/// (which stops once past the limit, adding at most one class's count) can overflow at
/// any n the library accepts (up to Int.max / 32; 40 n overflows above Int.max / 40).
func windowPairLimit(points: Int) -> Int {
    points <= Int.max / (2 * WindowSoftAUROC.pairBudget) ? WindowSoftAUROC.pairBudget * points : Int.max / 2
}

/// The most near pairs the series-window path takes for `points` points (as
/// `windowPairLimit`): `SeriesWindowSoftAUROC.factoredPairBudget` a point when its near
/// pairs are factored, else `pairBudget`.
func seriesWindowPairLimit(points: Int, factored: Bool) -> Int {
    let budget = factored ? SeriesWindowSoftAUROC.factoredPairBudget : SeriesWindowSoftAUROC.pairBudget
    return points <= Int.max / (2 * budget) ? budget * points : Int.max / 2
}

/// Which route `fastSoftAUROC` took (reported for tests through `FastSoftTesting`).
enum FastSoftRoute {
    case cells, window, seriesWindow, oneCell, fewCells, counting
}

/// Test hooks of `fastSoftAUROC`: `route` receives the route taken (optional, so that a
/// test starting from nil can tell "no route reported" from any route); `parallel`, when set,
/// replaces the size rule for using a second thread on the window and series-window paths
/// (their halves are computed the same way either way, so the bits must not change);
/// `oneCell == false` sends one-cell inputs down the grid route, whose bits the one-cell
/// path must reproduce; `fewCells == false` sends few-cells inputs down the grid route
/// (the same value to rounding, not the same bits), `true` takes the few-cells path for
/// any count of points (its cell-count rule alone); `parallel` also decides the few-cells
/// path's threads; `tableReach` receives, on the cells route, the near field's
/// `tableReach` (0 unless the cells are a regular grid, `GridCells.regular`).
struct FastSoftTesting {
    var route: UnsafeMutablePointer<FastSoftRoute?>? = nil
    var parallel: Bool? = nil
    var oneCell: Bool? = nil
    var fewCells: Bool? = nil
    /// The grid grouping's levels (GridGrouping.swift): 0 one level, k > 0 two levels with
    /// buckets of 2^k cells (when the scratch fits); nil the size rule. The same bits either
    /// way. `gridShiftUsed` receives the shift the grouping ran with (grid route only).
    var gridShift: Int? = nil
    var gridShiftUsed: UnsafeMutablePointer<Int?>? = nil
    var tableReach: UnsafeMutablePointer<Int?>? = nil
    /// The grid route's cells: nil by `doubleCellsDensity`; true double cells whenever the
    /// grid route is taken with at least 8 cell widths; false unit cells.
    var doubleCells: Bool? = nil
    /// Receives r, the Chebyshev nodes of the cells, on the cells route (16 unit cells, 24
    /// double cells).
    var cellNodes: UnsafeMutablePointer<Int?>? = nil
    /// Receives whether the window path shared its slopes (WindowSoftAUROC.swift, "Shared
    /// slopes"), when it gives the result.
    var sharedSlopesUsed: UnsafeMutablePointer<Bool?>? = nil
    /// The window path's factored exponentials (WindowFactors.swift): nil by
    /// `WindowFactors.pairsPerPoint`, else forced on or off (on, they are still not used
    /// where the anchors do not fit the scores; off, the window path is preferred only up
    /// to `seriesWindowPreference` pairs a point, as where they do not fit).
    /// The series-window path's near pairs follow the same setting (factored wherever the
    /// anchors fit when nil). `windowFactorsUsed` receives whether the last attempt
    /// of either path used them.
    var windowFactors: Bool? = nil
    var windowFactorsUsed: UnsafeMutablePointer<Bool?>? = nil
    /// The counting path (CountingSoftAUROC.swift) for unweighted inputs: nil by
    /// `CountingSoftAUROC.takes`, true tried whatever the density (it may still give up),
    /// false never.
    var counting: Bool? = nil
}

/// Asks the kernel to back the page-aligned interior of a large buffer with transparent
/// huge pages (a hint: ignored where THP is off; never fails the computation).
private func adviseHugePages<T>(_ base: UnsafeMutablePointer<T>?, bytes: Int) {
    #if os(Linux)
    guard let base, bytes >= 4 << 20 else { return }
    let page = 4096
    let start = (Int(bitPattern: base) + page - 1) & ~(page - 1)
    let end = (Int(bitPattern: base) + bytes) & ~(page - 1)
    guard end > start else { return }
    _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE)
    #endif
}

/// Masses in sorted order, computed exactly as `splitByClass` does (w / max / total, or
/// 1 / count unweighted) so both paths see the same masses.
private func fillMasses<I: FastSoftIndices>(_ c: SortedClass, _ samples: LabeledSamples, indices: I.Type,
                                            maxWeight: Double, total: Double) {
    guard let weights = samples.weights else {
        let m = 1.0 / Double(c.count)
        for k in 0..<c.count { c.mass[k] = m }
        return
    }
    let origin = c.origins(I.self)
    for k in 0..<c.count { c.mass[k] = (weights[Int(origin[k])] / maxWeight) / total }
}

/// Cuts the merged sorted points (scores of each class ascending) into greedy cells (see
/// the top of the file) and returns how many there are; fills the cells' starts when the
/// pointers are given.
private func countGreedyCells<Position: FixedWidthInteger>(
    _ pos: (UnsafeMutablePointer<Double>, Int), _ neg: (UnsafeMutablePointer<Double>, Int),
    temperature: Double, width h: Double,
    posStart: UnsafeMutablePointer<Position>?, negStart: UnsafeMutablePointer<Position>?
) -> Int {
    let (ps, pc) = pos, (ns, nc) = neg
    var i = 0, j = 0, c = 0
    while i < pc || j < nc {
        let lo: Double
        if i < pc && j < nc { lo = Swift.min(ps[i], ns[j]) } else if i < pc { lo = ps[i] } else { lo = ns[j] }
        posStart?[c] = Position(truncatingIfNeeded: i)
        negStart?[c] = Position(truncatingIfNeeded: j)
        while i < pc && scaledDifference(ps[i], lo, temperature) <= h { i += 1 }
        while j < nc && scaledDifference(ns[j], lo, temperature) <= h { j += 1 }
        c += 1
    }
    posStart?[c] = Position(truncatingIfNeeded: i)
    negStart?[c] = Position(truncatingIfNeeded: j)
    return c
}

/// The first cell c with posStart[c] + negStart[c] >= points / 2: it cuts the cells into
/// two runs of about equal size (depends on the data only).
func pointBalancedSplit<I: FastSoftIndices>(_ cells: CellTable<I>, points: Int) -> Int {
    let half = points / 2
    var low = 0, high = cells.count
    while low < high {
        let mid = (low + high) / 2
        if Int(cells.posStart[mid]) + Int(cells.negStart[mid]) < half { low = mid + 1 } else { high = mid }
    }
    return low
}

/// The smallest and largest score of every cell in `range` (cells are not sorted inside).
/// With `sorted` (the sorting route: each class ascending), the first and last point of
/// each class in the cell are its extremes, read in O(1).
private func setCellBounds<I: FastSoftIndices>(_ cells: CellTable<I>, _ pos: SortedClass, _ neg: SortedClass, _ range: Range<Int>,
                           sorted: Bool) {
    if sorted {
        for c in range {
            let p = Int(cells.posStart[c]), pe = Int(cells.posStart[c + 1])
            let q = Int(cells.negStart[c]), qe = Int(cells.negStart[c + 1])
            var lo = Double.infinity, hi = -Double.infinity
            if pe > p { lo = pos.scores[p]; hi = pos.scores[pe - 1] }
            if qe > q { lo = Swift.min(lo, neg.scores[q]); hi = Swift.max(hi, neg.scores[qe - 1]) }
            cells.lo[c] = lo
            cells.hi[c] = hi
        }
        return
    }
    for c in range {
        let p = Int(cells.posStart[c]), q = Int(cells.negStart[c])
        let positives = scoreRange(UnsafeBufferPointer(start: pos.scores + p, count: Int(cells.posStart[c + 1]) - p))
        let negatives = scoreRange(UnsafeBufferPointer(start: neg.scores + q, count: Int(cells.negStart[c + 1]) - q))
        cells.lo[c] = Swift.min(positives.min, negatives.min)
        cells.hi[c] = Swift.max(positives.max, negatives.max)
    }
}

/// The kernels the near field would evaluate for the pairs of cells that are far (outside
/// nearLo...nearHi), by the form it would pick for each (see ChebyshevNearField): the
/// extra work of summing every pair in the near field. O(cellCount^2).
private func farPairKernels<I: FastSoftIndices>(_ layout: FastSoftLayout<I>) -> Int {
    let r = I.Shape.nodes, cells = layout.cells
    func kernels(_ targets: Int, _ sources: Int) -> Int {
        if targets > r && sources > r { return r * r }
        if targets > r { return sources * r }
        if sources > r { return targets * r }
        return targets * sources
    }
    var total = 0
    for c in 0..<cells.count {
        let positives = layout.posRange(c).count, negatives = layout.negRange(c).count
        for d in 0..<cells.count where d < Int(cells.nearLo[c]) || d > Int(cells.nearHi[c]) {
            // Both classes, with or without gradients, so that auroc_soft and
            // auroc_soft_grad take the same route and give the same value bits.
            total += kernels(positives, layout.negRange(d).count) + kernels(negatives, layout.posRange(d).count)
        }
    }
    return total
}

/// nearLo[c] is the first cell whose gap to c is below C, found by a pointer that only
/// moves up as c does, so nearLo is nondecreasing (the upward sweep relies on it: its
/// far set [0, nearLo[c]) only grows). nearHi likewise, from the top. Since lo and hi grow
/// with c and `scaledDifference` is monotone, every cell below nearLo[c] has gap >= C to
/// every point of c (and symmetrically above nearHi[c]). With `allNear`, every cell is
/// near every other (0 ... count - 1).
private func findNearRanges<I: FastSoftIndices>(_ layout: FastSoftLayout<I>, allNear: Bool) {
    let cells = layout.cells, t = layout.temperature, C = I.Shape.nearDistance
    if allNear {
        for c in 0..<cells.count {
            cells.nearLo[c] = 0
            cells.nearHi[c] = I.Position(truncatingIfNeeded: cells.count - 1)
        }
        return
    }
    var lower = 0
    for c in 0..<cells.count {
        let loC = layout.lo(c)
        while lower < c && scaledDifference(loC, layout.hi(lower), t) >= C { lower += 1 }
        cells.nearLo[c] = I.Position(truncatingIfNeeded: lower)
    }
    var upper = cells.count - 1
    for c in stride(from: cells.count - 1, through: 0, by: -1) {
        let hiC = layout.hi(c)
        while upper > c && scaledDifference(layout.lo(upper), hiC, t) >= C { upper -= 1 }
        cells.nearHi[c] = I.Position(truncatingIfNeeded: upper)
    }
}
