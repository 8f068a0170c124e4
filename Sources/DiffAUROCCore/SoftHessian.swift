#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Hessian-vector products of the soft AUROC with respect to (scores, temperature).
//
// Notation as in FastSoftAUROC.swift: positives a_i with masses p_i, negatives b_j with
// masses q_j (each class's masses sum to 1), x_ij = (a_i - b_j) / T, f = sum p_i q_j
// sigma(x_ij). With s'' = sigma'', g(x) = sigma'(x) + x sigma''(x) and
// e(x) = 2 x sigma'(x) + x^2 sigma''(x), the second derivatives are
//
//   d2f / da_i da_i  =  p_i / T^2 sum_j q_j s''(x_ij)     d2f / da_i db_j = -p_i q_j s''(x_ij) / T^2
//   d2f / db_j db_j  =  q_j / T^2 sum_i p_i s''(x_ij)     d2f / da_i da_k = 0 = d2f / db_j db_l (k != i, l != j)
//   d2f / da_i dT    = -p_i / T^2 sum_j q_j g(x_ij)      d2f / db_j dT   =  q_j / T^2 sum_i p_i g(x_ij)
//   d2f / dT^2       =  1 / T^2 sum_ij p_i q_j e(x_ij)
//
// so for a direction (v, v_T) (v one entry per sample, v_T for the temperature)
//
//   (Hv)_{a_i} = p_i / T^2 [ v_i A_i - B_i - v_T G_i ]
//   (Hv)_{b_j} = q_j / T^2 [ B'_j - v_j A'_j + v_T G'_j ]
//   (Hv)_T     = 1 / T^2 [ sum_j q_j v_j G'_j - sum_i p_i v_i G_i + v_T sum_i p_i E_i ]
//
// with, at a positive (sums over negatives, y = x_ij):  A_i = sum_j q_j s''(y),
// B_i = sum_j q_j v_j s''(y), G_i = sum_j q_j g(y), E_i = sum_j q_j e(y); and at a negative
// (sums over positives, y = (b_j - a_i) / T = -x_ij, s'' odd, g even):
// A'_j = sum_i p_i s''(y), B'_j = sum_i p_i v_i s''(y), G'_j = sum_i p_i g(y).
// Those kernel sums come from `HessianKernelSums` (SoftHessianKernels.swift: O(n log n),
// within 1e-14 of sum |weights|) or, for small inputs, from the direct pair loop below.
//
// Natural scale and accuracy. Each bracket is a combination of sums whose weights total
// at most max|v| + |v_T| (masses sum to 1, |s''| <= 0.1, |g| <= 0.25, |e| <= 0.6), so the
// natural scale of (Hv)_{a_i} is p_i (max|v| + |v_T|) / T^2 (q_j ... for a negative,
// (max|v| + |v_T|) / T^2 for the temperature), and the kernel sums' error of about 1e-14
// of their weights carries over; the tests check 1e-12 of that scale against a
// long double pairwise oracle over T / spread from 1e-12 to 1e12. Dividing by T twice
// (never multiplying by 1 / T^2) keeps 0 / T^2 = 0; the result overflows only where the
// true value does (T below about 1e-154 times the score gaps).
//
// Fast path (SoftHessianLayout.swift, SoftHessianKernels.swift): both classes are
// grouped into the same cells once (a grid counting sort on dense data, as the gradient
// does, else a radix sort and greedy cells); then each class's kernel sums, and the
// assembly. Memory: 72 bytes a point in three allocations per class (see `HessianClass`).
//
// Determinism: for large inputs every phase runs as two parts on two threads (the fill
// as two halves of the samples, the cell bounds as two halves of the cells, the kernel
// sums and the assembly one class each), cut by the data alone; each part writes its own
// memory, and partial sums are combined in a fixed order, so the bits do not depend on
// the thread count (nor on the build: no fused multiply-add, vector sums reduced in a
// fixed order).

/// The temperature component of a Hessian-vector product, and whether any pair exists.
public struct SoftHVPResult: Equatable, Sendable {
    /// (H v)_T = d2f/dT ds . v + d2f/dT^2 v_T; 0 when there is no pair.
    public var temperatureComponent: Double
    /// false when there is no positive or no negative sample of positive weight: every
    /// output is then 0.
    public var hasPairs: Bool

    public init(temperatureComponent: Double, hasPairs: Bool) {
        self.temperatureComponent = temperatureComponent
        self.hasPairs = hasPairs
    }
}

/// Below this many pairs the direct pair loop is used (no sort, no cells).
let hessianPairwiseCrossoverPairs = 10_000

/// Above this many samples the two classes' kernel sums run on two threads.
let hessianParallelThreshold = 20_000

/// How `HessianClass.fill` orders the points: index order (the pair loop), ascending scores
/// (radix sort), or grouped by the grid cells of a `HessianGrid` with this many cells
/// (counting sort, index order inside a cell).
enum HessianRoute {
    case indexOrder, sorted, grid(Int)
}

/// The Hessian-vector product of the soft AUROC (`softAUROC`) with respect to the scores
/// and the temperature, in the direction (direction, directionTemperature).
///
/// `output[k]` receives (H v)_{s_k} = sum_l d2f/ds_k ds_l v_l + d2f/ds_k dT v_T (0 for
/// weight-0 samples, whose direction entries are ignored); the result carries (H v)_T.
/// Preconditions: samples validated, temperature finite and > 0, every direction entry
/// (of positive-weight samples) and directionTemperature finite, output.count ==
/// direction.count == samples.count, output not overlapping the inputs.
/// With no pair the output is all 0 and hasPairs is false.
///
///     let r = try softAUROCHVP(samples, temperature: 1, direction: v,
///                              directionTemperature: 0, output: hv)
public func softAUROCHVP(
    _ samples: LabeledSamples, temperature: Double,
    direction: UnsafeBufferPointer<Double>, directionTemperature: Double,
    output: UnsafeMutableBufferPointer<Double>,
    method: SoftAUROCMethod = .automatic
) throws(CoreError) -> SoftHVPResult {
    // Index widths as the soft value and gradient (FastSoftIndices.swift): 32-bit cell
    // tables, grid counts and sort values up to 2^31 - 1 samples, 64-bit above; the same
    // arithmetic, so the same bits on any input both take.
    switch FastSoftIndexWidth(sampleCount: samples.count) {
    case .narrow:
        return try softAUROCHVP(samples, temperature: temperature, direction: direction,
                                directionTemperature: directionTemperature, output: output,
                                method: method, indices: NarrowSoftIndices.self)
    case .wide:
        return try softAUROCHVP(samples, temperature: temperature, direction: direction,
                                directionTemperature: directionTemperature, output: output,
                                method: method, indices: WideSoftIndices.self)
    }
}

/// `softAUROCHVP` with the index widths of `I` (any `I` takes any input whose sample
/// count fits `I.Position`; the tests call the wide one at small n).
func softAUROCHVP<I: FastSoftIndices>(
    _ samples: LabeledSamples, temperature: Double,
    direction: UnsafeBufferPointer<Double>, directionTemperature: Double,
    output: UnsafeMutableBufferPointer<Double>,
    method: SoftAUROCMethod, indices: I.Type
) throws(CoreError) -> SoftHVPResult {
    precondition(direction.count == samples.count && output.count == samples.count)
    // Class counts (samples of positive weight; unweighted, the labels' sum, exact).
    var P = 0, N = 0
    if samples.weights == nil {
        P = countOfOnes(samples.labels)
        N = samples.count - P
    } else {
        for i in 0..<samples.count where samples.weight(i) > 0 {
            if samples.labels[i] == 1 { P += 1 } else { N += 1 }
        }
    }
    guard P > 0, N > 0 else {
        for k in output.indices { output[k] = 0 }
        return SoftHVPResult(temperatureComponent: 0, hasPairs: false)
    }
    let pairs = P.multipliedReportingOverflow(by: N)
    let pairwiseMethod: Bool
    switch method {
    case .pairwise: pairwiseMethod = true
    case .fast: pairwiseMethod = false
    case .automatic: pairwiseMethod = !pairs.overflow && pairs.partialValue < hessianPairwiseCrossoverPairs
    }
    if pairwiseMethod {
        let pos = try HessianClass(count: P, route: .indexOrder, indices: I.self)
        defer { pos.free() }
        let neg = try HessianClass(count: N, route: .indexOrder, indices: I.self)
        defer { neg.free() }
        pos.fill(samples, label: 1, direction: direction, indices: I.self)
        neg.fill(samples, label: 0, direction: direction, indices: I.self)
        pairwiseHessianSums(pos, neg, temperature: temperature)
        return assembleHVP(pos, neg, temperature: temperature,
                           directionTemperature: directionTemperature, output: output)
    }
    // The fast path. Dense data (scores spanning fewer than P + N cell widths) groups each
    // class into grid cells by a counting sort; sparse data radix-sorts each class
    // (SoftHessianLayout.swift). Each class on its own thread for large inputs.
    let parallel = P + N >= hessianParallelThreshold
    var minScore = Double.infinity, maxScore = -Double.infinity
    if samples.weights == nil {
        (minScore, maxScore) = scoreRange(samples.scores)
    } else {
        for i in 0..<samples.count where samples.weight(i) > 0 {
            minScore = Swift.min(minScore, samples.scores[i])
            maxScore = Swift.max(maxScore, samples.scores[i])
        }
    }
    let span = hessianDifference(maxScore, minScore, temperature) / SoftHessianParameters.cellWidth
    let gridCount = span < Double(P + N) ? Int(span) + 1 : 0
    let route: HessianRoute = gridCount > 0 ? .grid(gridCount) : .sorted
    let pos = try HessianClass(count: P, route: route, indices: I.self)
    defer { pos.free() }
    let neg = try HessianClass(count: N, route: route, indices: I.self)
    defer { neg.free() }
    let cells: HessianCellTable<I>
    if gridCount > 0 {
        let grid = HessianGrid(origin: minScore, temperature: temperature, count: gridCount)
        fillGrid(pos, neg, samples, direction: direction, grid: grid, parallel: parallel, indices: I.self)
        cells = try HessianCellTable<I>.grid(pos, neg, posEnds: pos.gridEnds(I.self), negEnds: neg.gridEnds(I.self),
                                          gridCount: gridCount, temperature: temperature,
                                          parallel: parallel)
    } else {
        withUnsafePointer(to: samples) { samplesPointer in
            runConcurrently(
                inParallel: parallel, with: (pos, neg, samplesPointer, direction),
                { $0.0.fill($0.2.pointee, label: 1, direction: $0.3, indices: I.self) },
                { $0.1.fill($0.2.pointee, label: 0, direction: $0.3, indices: I.self) })
        }
        cells = try HessianCellTable<I>.greedy(pos, neg, temperature: temperature)
    }
    defer { cells.free() }
    var atPositives = try HessianKernelSums<I>(temperature: temperature, cells: cells,
                                            pos: pos, neg: neg, atPositives: true)
    defer { atPositives.free() }
    var atNegatives = try HessianKernelSums<I>(temperature: temperature, cells: cells,
                                            pos: pos, neg: neg, atPositives: false)
    defer { atNegatives.free() }
    withUnsafeMutablePointer(to: &atPositives) { first in
        withUnsafeMutablePointer(to: &atNegatives) { second in
            runConcurrently(inParallel: parallel, with: (first, second),
                            { $0.0.pointee.run() }, { $0.1.pointee.run() })
        }
    }
    return assembleHVP(pos, neg, temperature: temperature,
                       directionTemperature: directionTemperature, output: output)
}

/// Writes (H v)_s of every sample from the kernel sums of both classes and returns
/// (H v)_T (see the top of the file). Cannot fail.
func assembleHVP(_ pos: HessianClass, _ neg: HessianClass, temperature: Double,
                 directionTemperature: Double,
                 output: UnsafeMutableBufferPointer<Double>) -> SoftHVPResult {
    let P = pos.count, N = neg.count
    // Every sample of positive weight is written below; only weight-0 samples need a 0.
    if P + N < output.count { for k in output.indices { output[k] = 0 } }
    // Each class on its own thread for large inputs (disjoint writes: each sample is in
    // one class), with its own compensated sums, added in a fixed order below.
    var partial = (posMixed: 0.0, moment: 0.0, negMixed: 0.0)
    withUnsafeMutablePointer(to: &partial) { results in
        runConcurrently(
            inParallel: P + N >= hessianParallelThreshold,
            with: (pos, neg, output.baseAddress!, temperature, directionTemperature, results),
            { c in
                let (pos, output, T, vT) = (c.0, c.2, c.3, c.4)
                var mixedSum = CompensatedSum(), momentSum = CompensatedSum()
                let P = pos.count
                for i in 0..<P {
                    let a = pos.sums[i], b = pos.sums[P + i], g = pos.sums[2 * P + i]
                    let e = pos.sums[3 * P + i]
                    let p = pos.mass[i], v = pos.direction[i]
                    // (+ 0 turns a -0.0, e.g. 0 * a with a < 0 when v is 0 there, into +0.0)
                    output[pos.origin[i]] = p * (v * a - b - vT * g) / T / T + 0
                    mixedSum.add(-p * v * g)
                    momentSum.add(p * e)
                }
                c.5.pointee.posMixed = mixedSum.total
                c.5.pointee.moment = momentSum.total
            },
            { c in
                let (neg, output, T, vT) = (c.1, c.2, c.3, c.4)
                var mixedSum = CompensatedSum()
                let N = neg.count
                for j in 0..<N {
                    let a = neg.sums[j], b = neg.sums[N + j], g = neg.sums[2 * N + j]
                    let q = neg.mass[j], v = neg.direction[j]
                    output[neg.origin[j]] = q * (b - v * a + vT * g) / T / T + 0
                    mixedSum.add(q * v * g)
                }
                c.5.pointee.negMixed = mixedSum.total
            })
    }
    let T = temperature, vT = directionTemperature
    let temperatureComponent = ((partial.posMixed + partial.negMixed) + vT * partial.moment) / T / T + 0
    return SoftHVPResult(temperatureComponent: temperatureComponent, hasPairs: true)
}

/// One class's points for the Hessian sums: scores (in index order, ascending, or
/// grouped by grid cell, see `Route`), mass, mass * direction, direction, caller index,
/// and 4 * count output sums. One allocation (offered huge pages when large).
/// The radix sort's values and the grid's counts are the `I.Origin` and `I.Position` of
/// the `FastSoftIndices` given to `init` and `fill` (FastSoftIndices.swift); caller
/// indices are stored as Int. Not generic itself, so that the phases that never touch
/// those widths (the assembly, the pair loop) are one function for both.
struct HessianClass {
    typealias Route = HessianRoute

    let count: Int
    let scores: UnsafeMutablePointer<Double>
    let mass: UnsafeMutablePointer<Double>
    let massDirection: UnsafeMutablePointer<Double>
    let direction: UnsafeMutablePointer<Double>
    let sums: UnsafeMutablePointer<Double>
    let origin: UnsafeMutablePointer<Int>
    /// Grid route: the two halves' offsets per grid cell (`fillGrid`); after it, the
    /// end offset of each grid cell's points (the second half's offsets).
    @inline(__always)
    func gridCounts<I: FastSoftIndices>(_: I.Type) -> UnsafeMutablePointer<I.Position> {
        gridBase!.assumingMemoryBound(to: I.Position.self)
    }
    @inline(__always)
    func gridEnds<I: FastSoftIndices>(_: I.Type) -> UnsafeMutablePointer<I.Position> {
        guard case .grid(let cells) = route else { preconditionFailure("not the grid route") }
        return gridCounts(I.self) + cells
    }
    private let gridBase: UnsafeMutableRawPointer?
    let route: Route
    private let points: ScratchBuffer<UInt8>
    private let sumsBlock: ScratchBuffer<Double>
    private let extra: ScratchBuffer<UInt8>

    /// Allocates room for `count` points (and the sort's or the grid's work).
    ///
    /// Three allocations rather than one: each stays below glibc's largest dynamic mmap
    /// threshold (32 MiB) up to n = 10^6 samples, so that repeated calls reuse heap memory
    /// instead of mapping fresh pages, whose first-touch faults and zeroing took about a
    /// third of the HVP's time at n = 10^6, T = 1 (perf: clear_page_erms 28%).
    init<I: FastSoftIndices>(count n: Int, route: Route, indices: I.Type) throws(CoreError) {
        count = n
        self.route = route
        // Per point (with one more slot, m = n + 1, that the counting sort's branch-free
        // scatter writes weight-0 samples to): scores, mass, massDirection, direction
        // and origin (40 bytes); 4 sums (32 bytes, stride n). Then the radix sort's keys,
        // scratch keys, values and scratch values (24 bytes a point narrow, 32 wide) and
        // histogram (2048 Ints), or the grid's two halves' offsets (8 bytes a grid cell
        // narrow, 16 wide).
        let m = n + 1
        let originSize = MemoryLayout<I.Origin>.stride, positionSize = MemoryLayout<I.Position>.stride
        var extraBytes = 0
        var extraOverflow = false
        switch route {
        case .indexOrder: extraBytes = 0
        case .sorted:
            let (bytes, o1) = n.multipliedReportingOverflow(by: 16 + 2 * originSize)
            let (total, o2) = bytes.addingReportingOverflow(2048 * 8)
            (extraBytes, extraOverflow) = (total, o1 || o2)
        case .grid(let cells):
            (extraBytes, extraOverflow) = cells.multipliedReportingOverflow(by: 2 * positionSize)
        }
        let (perPoint, overflow) = m.multipliedReportingOverflow(by: 40)
        guard !overflow, !extraOverflow else { throw .allocationFailed }
        let points = try ScratchBuffer<UInt8>(count: perPoint)
        let sumsBlock: ScratchBuffer<Double>
        do { sumsBlock = try ScratchBuffer<Double>(count: Swift.max(4 * n, 1)) } catch {
            points.free()
            throw error
        }
        let extra: ScratchBuffer<UInt8>
        do { extra = try ScratchBuffer<UInt8>(count: Swift.max(extraBytes, 8)) } catch {
            points.free()
            sumsBlock.free()
            throw error
        }
        self.points = points
        self.sumsBlock = sumsBlock
        self.extra = extra
        points.adviseHugePages()
        sumsBlock.adviseHugePages()
        extra.adviseHugePages()
        let raw = UnsafeMutableRawPointer(points.base!)
        let d = raw.bindMemory(to: Double.self, capacity: 4 * m)
        scores = d
        mass = d + m
        massDirection = d + 2 * m
        direction = d + 3 * m
        sums = sumsBlock.base!
        origin = (raw + 32 * m).bindMemory(to: Int.self, capacity: m)
        if case .grid(let cells) = route {
            gridBase = UnsafeMutableRawPointer(UnsafeMutableRawPointer(extra.base!)
                .bindMemory(to: I.Position.self, capacity: 2 * cells))
        } else {
            gridBase = nil
        }
        sortBase = UnsafeMutableRawPointer(extra.base!)
    }

    /// The radix sort's work (sorted route).
    private let sortBase: UnsafeMutableRawPointer

    /// Gathers the samples of positive weight with this label in the route's order, their
    /// masses, directions and caller indices. The masses are those of `splitByClass`
    /// (LabeledSamples.swift), bit for bit: unweighted 1 / count; weighted w / 2^e /
    /// total, 2^e the power of two at or below the class's largest weight and total the
    /// compensated index-order sum of the scaled weights. Cannot fail.
    func fill<I: FastSoftIndices>(_ samples: LabeledSamples, label: Double, direction v: UnsafeBufferPointer<Double>,
                                  indices: I.Type) {
        let n = count
        guard n > 0 else { return }
        let (scale, total) = massScale(samples, label: label)
        let unweightedMass = 1.0 / Double(n)
        @inline(__always) func put(_ k: Int, _ i: Int, _ score: Double) {
            let m = samples.weights == nil ? unweightedMass : samples.weight(i) / scale / total
            scores[k] = score
            mass[k] = m
            direction[k] = v[i]
            massDirection[k] = m * v[i]
            origin[k] = i
        }
        switch route {
        case .indexOrder:
            var k = 0
            for i in 0..<samples.count where samples.labels[i] == label && samples.weight(i) > 0 {
                put(k, i, samples.scores[i])
                k += 1
            }
        case .sorted:
            let keys = sortBase.bindMemory(to: UInt64.self, capacity: n)
            let scratchKeys = (sortBase + 8 * n).bindMemory(to: UInt64.self, capacity: n)
            let originSize = MemoryLayout<I.Origin>.stride
            let values = (sortBase + 16 * n).bindMemory(to: I.Origin.self, capacity: n)
            let scratchValues = (sortBase + (16 + originSize) * n).bindMemory(to: I.Origin.self, capacity: n)
            let histogram = (sortBase + (16 + 2 * originSize) * n).bindMemory(to: Int.self, capacity: 2048)
            var k = 0
            for i in 0..<samples.count where samples.labels[i] == label && samples.weight(i) > 0 {
                keys[k] = samples.scores[i].orderKey
                values[k] = I.Origin(truncatingIfNeeded: i)
                k += 1
            }
            radixSort(keys: keys, values: values, scratchKeys: scratchKeys,
                   scratchValues: scratchValues, histogram: histogram, count: n)
            for k in 0..<n { put(k, Int(values[k]), scoreFromSortKey(keys[k])) }
        case .grid:
            preconditionFailure("the grid route fills both classes at once (fillGrid)")
        }
    }

    /// The power of two 2^e at or below the class's largest weight and the compensated
    /// index-order sum of the weights divided by it (1, 1 unweighted): mass = w / 2^e / total.
    func massScale(_ samples: LabeledSamples, label: Double) -> (scale: Double, total: Double) {
        guard samples.weights != nil else { return (1, 1) }
        var largest = 0.0
        for i in 0..<samples.count where samples.labels[i] == label {
            largest = Swift.max(largest, samples.weight(i))
        }
        let scale = powerOfTwoScale(largest)
        var sum = CompensatedSum()
        for i in 0..<samples.count where samples.labels[i] == label && samples.weight(i) > 0 {
            sum.add(samples.weight(i) / scale)
        }
        return (scale, sum.total)
    }

    func free() {
        points.free()
        sumsBlock.free()
        extra.free()
    }
}

/// Groups both classes by the grid cells of `grid` (counting sort, stable: index order
/// inside a cell), with masses, directions and caller indices as `HessianClass.fill`.
/// The samples are cut into two halves (on two threads when `parallel`), each counting
/// its points per grid cell and class; the second half's offsets in a cell start where
/// the first half's end, so the layout is the one a single pass in index order would
/// make, whatever runs where. Branch-free on the label (random labels would mispredict
/// half the time): a sample of weight 0 counts 0 and is written to its class's spare slot.
func fillGrid<I: FastSoftIndices>(_ pos: HessianClass, _ neg: HessianClass, _ samples: LabeledSamples,
                                  direction: UnsafeBufferPointer<Double>, grid: HessianGrid, parallel: Bool,
                                  indices: I.Type) {
    let gridCount = grid.last + 1
    var posMass = (scale: 1.0, total: Double(pos.count))
    var negMass = (scale: 1.0, total: Double(neg.count))
    if samples.weights != nil {
        posMass = pos.massScale(samples, label: 1)
        negMass = neg.massScale(samples, label: 0)
    }
    let posA = pos.gridCounts(I.self), posB = posA + gridCount
    let negA = neg.gridCounts(I.self), negB = negA + gridCount
    for g in 0..<gridCount { posA[g] = 0; posB[g] = 0; negA[g] = 0; negB[g] = 0 }
    let half = samples.count / 2
    let pass = HessianGridPass(samples: samples, direction: direction, grid: grid, pos: pos, neg: neg,
                               posScale: posMass.scale, posTotal: posMass.total,
                               negScale: negMass.scale, negTotal: negMass.total)
    runConcurrently(inParallel: parallel, with: (pass, half, posA, negA, posB, negB),
                    { $0.0.count(0..<$0.1, $0.2, $0.3) },
                    { $0.0.count($0.1..<$0.0.samples.count, $0.4, $0.5) })
    // Counts to offsets: A's at the cell's start, B's after A's.
    var p: I.Position = 0, q: I.Position = 0
    for g in 0..<gridCount {
        let pa = posA[g], na = negA[g]
        let pb = posB[g], nb = negB[g]
        posA[g] = p
        negA[g] = q
        posB[g] = p &+ pa
        negB[g] = q &+ na
        p = p &+ pa &+ pb
        q = q &+ na &+ nb
    }
    runConcurrently(inParallel: parallel, with: (pass, half, posA, negA, posB, negB),
                    { $0.0.scatter(0..<$0.1, $0.2, $0.3) },
                    { $0.0.scatter($0.1..<$0.0.samples.count, $0.4, $0.5) })
    runConcurrently(inParallel: parallel, with: pass,
                    { $0.finish($0.pos, scale: $0.posScale, total: $0.posTotal) },
                    { $0.finish($0.neg, scale: $0.negScale, total: $0.negTotal) })
}

/// The two passes of `fillGrid` over a range of samples.
struct HessianGridPass {
    let samples: LabeledSamples
    let direction: UnsafeBufferPointer<Double>
    let grid: HessianGrid
    let pos: HessianClass
    let neg: HessianClass
    let posScale: Double, posTotal: Double, negScale: Double, negTotal: Double

    /// Adds the points of `range` to the counts per grid cell of each class.
    @inline(__always)
    func count<Position: FixedWidthInteger>(_ range: Range<Int>, _ posCounts: UnsafeMutablePointer<Position>,
                                            _ negCounts: UnsafeMutablePointer<Position>) {
        let s = samples.scores.baseAddress!, labels = samples.labels.baseAddress!
        for i in range {
            let isPositive = labels[i] == 1
            let counts = isPositive ? posCounts : negCounts
            counts[grid.cell(s[i])] &+= samples.weight(i) > 0 ? 1 : 0
        }
    }

    /// Writes the points of `range` at their offsets (advanced as they are written).
    @inline(__always)
    func scatter<Position: FixedWidthInteger>(_ range: Range<Int>, _ posOffsets: UnsafeMutablePointer<Position>,
                                              _ negOffsets: UnsafeMutablePointer<Position>) {
        let s = samples.scores.baseAddress!, labels = samples.labels.baseAddress!
        let v = direction.baseAddress!
        for i in range {
            let isPositive = labels[i] == 1
            let offsets = isPositive ? posOffsets : negOffsets
            let c = isPositive ? pos : neg
            let g = grid.cell(s[i])
            let at = offsets[g]
            let w = samples.weight(i)
            let isMember = w > 0
            offsets[g] = at &+ (isMember ? 1 : 0)
            let k = isMember ? Int(at) : c.count
            // The weight for now; `finish` turns it into the mass (in order, not scattered).
            c.scores[k] = s[i]
            c.mass[k] = w
            c.direction[k] = v[i]
            c.origin[k] = i
        }
    }

    /// Masses (w / scale / total: unweighted, w = 1, scale 1 and total = count, so 1 /
    /// count exactly) and mass * direction of one class, in order.
    func finish(_ c: HessianClass, scale: Double, total: Double) {
        for k in 0..<c.count {
            let m = c.mass[k] / scale / total
            c.mass[k] = m
            c.massDirection[k] = m * c.direction[k]
        }
    }
}

/// The kernel sums of both classes by the direct pair loop (the small-n path and the
/// in-library reference for the fast sums): O(P N) kernels, each to a few ulps
/// (`hessianKernels`), summed in index order.
func pairwiseHessianSums(_ pos: HessianClass, _ neg: HessianClass, temperature: Double) {
    let P = pos.count, N = neg.count
    for k in 0..<(4 * P) { pos.sums[k] = 0 }
    for k in 0..<(4 * N) { neg.sums[k] = 0 }
    for i in 0..<P {
        let a = pos.scores[i], p = pos.mass[i], pv = pos.massDirection[i]
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        for j in 0..<N {
            let k = hessianKernels(hessianDifference(a, neg.scores[j], temperature))
            s0 += neg.mass[j] * k.curvature
            s1 += neg.massDirection[j] * k.curvature
            s2 += neg.mass[j] * k.mixed
            s3 += neg.mass[j] * k.moment2
            // At the negative, y = -x: the odd curvature changes sign, mixed does not.
            neg.sums[j] -= p * k.curvature
            neg.sums[N + j] -= pv * k.curvature
            neg.sums[2 * N + j] += p * k.mixed
        }
        pos.sums[i] = s0
        pos.sums[P + i] = s1
        pos.sums[2 * P + i] = s2
        pos.sums[3 * P + i] = s3
    }
}
