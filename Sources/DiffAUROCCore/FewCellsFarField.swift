#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The few-cells path's far field (FewCellsSoftAUROC.swift): cell pairs more than
// `reach` grid offsets apart, summed at the cells' Chebyshev nodes from the gathered node
// moments by two sweeps over the cells, instead of one M2L (r^2 multiply-adds a kernel)
// per pair. With it the path's cost is O(K) in the number of cells K, not O(K^2).
//
// What is summed. For a target cell c and a source cell d of the other class, the near
// field's M2L form (ChebyshevNearField.swift) adds at each node u_m of c
//
//     L_c[m] += sum_l K(D + u_m - u_l) M_d[l],     D = (line_c - line_d) / T,
//
// with M_d the source class's node moments in d and K one of sigmoid, sigmoid' and
// x sigmoid'. Here the same sums are formed for |c - d| > `reach`, with K replaced by its
// alternating exponential series (as ExponentialFarField.swift), kept to J = `terms`:
// for x > 0
//
//     sigmoid(x) = 1 - sum_k (-1)^{k+1} e^{-kx},   sigmoid'(x) = sum_k (-1)^{k+1} k e^{-kx},
//     x sigmoid'(x) = sum_k (-1)^{k+1} k x e^{-kx}                 (k = 1 ... J),
//
// and for x < 0 sigmoid(x) = sum_k (-1)^{k+1} e^{kx}, the others mirrored. With x =
// D + u_m - u_l, e^{-kx} = e^{-kD} e^{-k u_m} e^{k u_l} separates:
//     a source cell d contributes S_d[k] = sum_l M_d[l] e^{k u_l} (below a target; e^{-k u_l}
//     above), and for the moment kernel U_d[k] = sum_l M_d[l] u_l e^{+-k u_l};
//     the sweep upward keeps R[k] = sum_{d far below} e^{-k D_cd} S_d[k] and
//     Q[k] = sum e^{-k D_cd} (D_cd S_d[k] - U_d[k]); each step to the next cell multiplies
//     by e^{-k delta} (delta = w / T, the grid step scaled: every step is the same), Q
//     after adding delta R; a source enters at offset F = reach + 1 with factor e^{-k D_F};
//     the node values are then sum_k (-1)^{k+1} e^{-k u_m} R[k] (times k for sigmoid'; with
//     Q[k] + u_m R[k] for x sigmoid'), and the far mass below for sigmoid's constant 1.
//   The downward sweep is the mirror image (sources above; Q[k] = sum e^{-k D} (D S + U)).
//   Negative targets need sigmoid' only (even): the same sweeps with the positives' moments.
// The node values are added to the cell's local expansions in `ChebyshevNearField.evaluate`
// (`FastSoftLayout.gatheredFarField`), which then forms the value, the moment and the
// Chebyshev coefficients of the potentials as for the near pairs.
//
// Accuracy. Far pairs have x = D + u_m - u_l >= (reach + 1)(1 - 2^-11) - 1 = 2.998 (grid
// step w >= T (1 - 2^-11), nodes in [0, 1]). The series alternate with terms decreasing in
// k (x > ln 2), so each truncation error is at most the first omitted term: e^{-17 x} <=
// 8.4e-23 for sigmoid, 17 e^{-17 x} <= 1.5e-21 for sigmoid' and 17 x e^{-17 x} <= 4.3e-21
// for x sigmoid' (J = 16), times sum_l |M_d[l]| <= Lambda_r * mass (Lambda_16 <= 2.8) summed
// over the far cells: below 1e-20 on every potential. Apart from that the sums are the M2L
// form's, whose interpolation bound (ChebyshevNearField.swift) holds at any distance.
// Rounding: e^{+-k u} (u in [0, 1]) and e^{-k delta}, e^{-k D_F} are powers of one libm
// exponential (`sixteenPowers`: within k ulps); a term that has travelled m steps carries
// about m (k + 2) ulps of relative error while it has decayed by e^{-k m delta}, and the
// largest term, m = 0,
// is at most Lambda_r e^{-k (F delta - 1)} <= 2.8 e^{-3k} of its mass; D_cd = D_F + m delta
// differs from (line_c - line_d) / T by about 2 m ulps of it, which moves e^{-k D} by
// k D 2m eps, again against the decay. Each node value errs by well under 1e-15 of the
// masses. Terms below 2^-900 are set to zero after each step (they never come back: every
// factor is at most 1), which keeps subnormal numbers out of the sweeps.
//
// Cost: per cell about 8 sums of r terms of J lanes (the source sums) and 10 sums of J
// terms of r lanes (the node values): ~3,000 multiply-adds, against 1,024 for one M2L pair.

/// The few-cells path's far field (see the top of the file).
enum FewCellsFarField {
    /// Cell pairs more than this many grid offsets apart are far (summed here); the others
    /// go through the near field's M2L.
    static let reach = 3
    /// J: terms of the exponential series (16 lanes: one SIMD16 vector).
    static let terms = 16
    /// Doubles of output a cell: at its r nodes the positives' far value, slope and moment
    /// sums, then the negatives' far slope sums, in the order of the near field's local
    /// expansions (`ChebyshevNearField.evaluate`: localValue, localSlope, localMoment,
    /// localNeg).
    static var perCell: Int { 4 * FastSoftParameters.nodes }
    /// Doubles of scratch `nodeValues` needs.
    static var scratchCount: Int { 16 * (4 * FastSoftParameters.nodes + 2 * terms) + 8 }

    /// Whether `cellCount` regular cells have far pairs.
    static func needed(cellCount: Int) -> Bool { cellCount > reach + 1 }

    /// Writes every cell's far node values from the sources below it (`upward`) or above
    /// it (`perCell` doubles a cell, at out + perCell c; the other sources' values are
    /// another call's). The two sweeps read the same inputs and write their own `out` and
    /// `scratch`, so they can run at once; each `out` is zeroed first and each of its
    /// doubles receives at most one value (0 + v), and the caller adds the downward array
    /// into the upward one: (0 + up) + (0 + down), the same doubles as the two sweeps
    /// adding into one array in turn, (0 + up) + down (0 + v differs from v only for
    /// v = -0, and x + -0 = x + +0 = x for every x that is not -0, which 0 + up never is).
    /// `moments`: node moments, slot 2 c + (negatives ? 1 : 0) at r (2 c + class);
    /// `counts`: the slots' point counts (a slot without points has no moments);
    /// `nodes`: the near field's constants (`ChebyshevConstants`: u_m, then e^{+-u_m} at
    /// `nodeExponentialsStart`); `delta` and `entry`: the scaled distances of one and of
    /// reach + 1 grid steps (`scaledDifference` of the grid lines); `negatives`: whether the
    /// negatives' slopes are wanted (the gradient).
    static func nodeValues(upward: Bool, cellCount: Int, moments: UnsafePointer<Double>, counts: UnsafePointer<Int>,
                           nodes: UnsafePointer<Double>, delta: Double, entry: Double, negatives: Bool,
                           scratch: UnsafeMutablePointer<Double>, out: UnsafeMutablePointer<Double>) {
        let r = FastSoftParameters.nodes
        typealias V = SIMD16<Double>
        precondition(terms == V.scalarCount)
        // Tables, as SIMD16 rows in the scratch (from its first 64-byte boundary):
        //   up[l] = e^{k u_l}, down[l] = e^{-k u_l} (k = 1 ... J; the source sums' factors),
        //   upU[l] = u_l up[l], downU[l] = u_l down[l];
        //   below[k] = (-1)^{k+1} e^{-k u_m}, above[k] = (-1)^{k+1} e^{k u_m} (m = 0 ..< r in
        //   lanes; the targets' factors); ks = k.
        let aligned = UnsafeMutableRawPointer(bitPattern: (Int(bitPattern: scratch) + 63) & ~63)!
        let rows = aligned.bindMemory(to: V.self, capacity: 4 * r + 2 * terms)
        let up = rows, down = rows + r, upU = rows + 2 * r, downU = rows + 3 * r
        let below = rows + 4 * r, above = below + terms
        let u = nodes
        let ePlus = nodes + ChebyshevConstants<UnitCells>.nodeExponentialsStart, eMinus = ePlus + r
        precondition(r == V.scalarCount, "the far field's node lanes assume r = 16")
        func powers(_ e: Double) -> V {
            let (low, high) = sixteenPowers(e)
            return V(lowHalf: low, highHalf: high)
        }
        for l in 0..<r {
            up[l] = powers(ePlus[l]); down[l] = powers(eMinus[l])
            upU[l] = u[l] * up[l]; downU[l] = u[l] * down[l]
        }
        for k in 0..<terms {
            var b = V(repeating: 0), a = V(repeating: 0)
            for m in 0..<r { b[m] = down[m][k]; a[m] = up[m][k] }
            let sign: Double = k % 2 == 0 ? 1 : -1
            below[k] = sign * b; above[k] = sign * a
        }
        var ks = V(repeating: 0)
        for k in 0..<terms { ks[k] = Double(k + 1) }
        let step = powers(exp(-delta)), enter = powers(exp(-entry))
        let uNodes = V(UnsafeBufferPointer(start: u, count: r))
        let f = reach + 1
        // Values below this are set to zero after each step of a sweep.
        let negligible = 0x1p-900
        for k in 0..<(perCell * cellCount) { out[k] = 0 }

        // Source sums of slot s: sum_l M[l] t[l] for the table t.
        @inline(__always) func sourceSum(_ slot: Int, _ t: UnsafeMutablePointer<V>) -> V {
            let m = moments + r * slot
            var sum = V(repeating: 0)
            for l in 0..<r { sum += m[l] * t[l] }
            return sum
        }
        // sum_k t[k] c[k], r node lanes, each lane's terms in the order of k.
        @inline(__always) func atNodes(_ t: UnsafeMutablePointer<V>, _ c: V) -> V {
            var sum = V(repeating: 0)
            for k in 0..<terms { sum += t[k] * c[k] }
            return sum
        }
        @inline(__always) func flushed(_ v: V) -> V {
            v.replacing(with: 0, where: (v .< negligible) .& (v .> -negligible))
        }
        @inline(__always) func store(_ v: V, _ at: UnsafeMutablePointer<Double>) {
            for m in 0..<r { at[m] += v[m] }
        }

        var R = V(repeating: 0), Q = R, P = R
        if upward {
            // Upward: sources below. Positives' targets from the negatives (R, Q and the
            // mass below); negatives' targets from the positives (P).
            var massBelow = CompensatedSum()
            for c in 0..<cellCount {
                let d = c - f
                if d >= 0 {
                    if counts[2 * d + 1] > 0 {
                        let s = sourceSum(2 * d + 1, up), su = sourceSum(2 * d + 1, upU)
                        R += enter * s
                        Q += enter * (entry * s - su)
                        let m = moments + r * (2 * d + 1)
                        var mass = 0.0
                        for l in 0..<r { mass += m[l] }
                        massBelow.add(mass)
                    }
                    if negatives && counts[2 * d] > 0 { P += enter * sourceSum(2 * d, up) }
                }
                let cell = out + perCell * c
                if counts[2 * c] > 0 {
                    let slope = atNodes(below, ks * R)
                    store(V(repeating: massBelow.total) - atNodes(below, R), cell)
                    store(slope, cell + r)
                    store(atNodes(below, ks * Q) + uNodes * slope, cell + 2 * r)
                }
                if negatives && counts[2 * c + 1] > 0 { store(atNodes(below, ks * P), cell + 3 * r) }
                Q = flushed(step * (Q + delta * R))
                R = flushed(step * R)
                P = flushed(step * P)
            }
        } else {
            // Downward: sources above.
            for c in stride(from: cellCount - 1, through: 0, by: -1) {
                let d = c + f
                if d < cellCount {
                    if counts[2 * d + 1] > 0 {
                        let s = sourceSum(2 * d + 1, down), su = sourceSum(2 * d + 1, downU)
                        R += enter * s
                        Q += enter * (entry * s + su)
                    }
                    if negatives && counts[2 * d] > 0 { P += enter * sourceSum(2 * d, down) }
                }
                let cell = out + perCell * c
                if counts[2 * c] > 0 {
                    let slope = atNodes(above, ks * R)
                    store(atNodes(above, R), cell)
                    store(slope, cell + r)
                    store(uNodes * slope - atNodes(above, ks * Q), cell + 2 * r)
                }
                if negatives && counts[2 * c + 1] > 0 { store(atNodes(above, ks * P), cell + 3 * r) }
                Q = flushed(step * (Q + delta * R))
                R = flushed(step * R)
                P = flushed(step * P)
            }
        }
    }
}
