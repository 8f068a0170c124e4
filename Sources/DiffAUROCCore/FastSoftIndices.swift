#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The integer widths of the fast soft AUROC (FastSoftAUROC.swift and the files of its
// phases): every sample count the library accepts (`maximumCount` in the ABI's
// Validation.swift, Int.max / 32) takes the fast path, with one of two instantiations of
// the same generic code:
//
//   - `NarrowSoftIndices` (n <= 2^31 - 1): caller indices in UInt32, cell starts, near-cell
//     indices and grid counts in Int32, as the path always had: 4 bytes a point for the
//     indices and 16 bytes a cell, the same instructions and the same bits as before the
//     path was generic (the generic code is specialized for it at compile time).
//   - `WideSoftIndices` (n >= 2^31): UInt64 and Int64. 4 more bytes a point and 16 more
//     a cell; the arithmetic on scores, masses and sums is the same code, so the outputs
//     are the same bits as the narrow instantiation's on any input both accept (the tests
//     call both on the same inputs, Tests/DiffAUROCCoreTests/FastSoftAUROCWideTests.swift).
//
// Why two instantiations rather than 64 bits everywhere: below 2^31 the path keeps the
// memory (44 bytes a point and 32 a cell, against 48 and 48) and the instructions it had
// (the radix sort moves the indices in each of its passes; the cell bounds are read in
// every phase). Only the code that touches indices or cell bounds exists twice; the
// phases that never do (the window path, the far sweeps' cell sums, the near field's
// point sums) take the untyped `SortedClass` and are one function for both, so the
// optimizer has no near-identical copies to merge behind extra parameters (merging them
// cost 0.4% of instructions at n = 10^5, T/spread = 1e-4, in a first version).

/// The index types of one instantiation of the fast soft AUROC.
protocol FastSoftIndices {
    /// The caller's index of a sorted point (an index into the input arrays).
    associatedtype Origin: FixedWidthInteger & UnsignedInteger & BitwiseCopyable
    /// A point's index within its class (cell starts), a cell's index (near runs), and a
    /// grid cell's count of points.
    associatedtype Position: FixedWidthInteger & SignedInteger & BitwiseCopyable
    /// The cells' width and Chebyshev nodes (`CellShape`): `UnitCells` unless the grid
    /// route chose `DoubleCells` (`DoubleCellIndices`).
    associatedtype Shape: CellShape = UnitCells
}

// The shape of the cells: width h (in units of T) and r Chebyshev nodes a cell. Every
// route has used h = 1 and r = 16 (`FastSoftParameters.cellWidth`, `.nodes`; `UnitCells`).
// The grid route takes h = 2 and r = 24 (`DoubleCells`) when its cells would hold few
// points (`FastSoftParameters.doubleCellsDensity`): half as many cells and near cell pairs,
// twice the points a cell, (24 / 16)x the per-point terms (FastSoftParameters.nodes has
// the measurements). The shape is a generic parameter of the same code, like the index
// widths (`DoubleCellIndices<NarrowSoftIndices>` and `<WideSoftIndices>`): the unit shape's
// code and bits are what they were; the double shape's constants are the unit shape's
// formulas at h = 2, r = 24, C = 5, whose bounds are written beside the near and far fields
// (ChebyshevNearField.swift: 3.8e-17 a kernel, 1.6e-16 for M2L; ExponentialFarField.swift).
protocol CellShape {
    /// h: a cell's width in units of T.
    static var width: Double { get }
    /// r: Chebyshev nodes a cell (a multiple of 8).
    static var nodes: Int { get }
    /// C: cells whose gap is at least C are far (the exponential series), nearer ones are
    /// summed by the near field. C - h bounds every far pair's distance from below where
    /// a cell is summed from its moments or at its nodes (ExponentialFarField).
    static var nearDistance: Double { get }
    /// The near field's constants for this shape (`ChebyshevConstants`), computed once
    /// per process; nil if their memory could not be had.
    static var constantTable: UnsafePointer<Double>? { get }
}

enum UnitCells: CellShape {
    static var width: Double { FastSoftParameters.cellWidth }
    static var nodes: Int { FastSoftParameters.nodes }
    static var nearDistance: Double { FastSoftParameters.nearDistance }
    static var constantTable: UnsafePointer<Double>? { unitChebyshevConstantTable }
}

enum DoubleCells: CellShape {
    static var width: Double { 2 }
    static var nodes: Int { 24 }
    /// C = 5, so that C - h = 3, as for unit cells: the far-field bounds that decay with
    /// C - h keep their factors e^{-3k} (ExponentialFarField).
    static var nearDistance: Double { 5 }
    static var constantTable: UnsafePointer<Double>? { doubleChebyshevConstantTable }
}

/// The index types of `Base` with the double cell shape.
enum DoubleCellIndices<Base: FastSoftIndices>: FastSoftIndices {
    typealias Origin = Base.Origin
    typealias Position = Base.Position
    typealias Shape = DoubleCells
}

/// 32-bit indices: inputs of at most `narrowSoftMaximumCount` samples.
enum NarrowSoftIndices: FastSoftIndices {
    typealias Origin = UInt32
    typealias Position = Int32
}

/// 64-bit indices: every input the library accepts.
enum WideSoftIndices: FastSoftIndices {
    typealias Origin = UInt64
    typealias Position = Int64
}

/// The largest sample count of the 32-bit instantiation: every caller index (< n), class
/// position (<= n) and cell index (< n) fits Int32 and UInt32.
let narrowSoftMaximumCount = Int(Int32.max)

/// Which instantiation `softAUROC` runs for `count` samples (when it takes the fast path).
enum FastSoftIndexWidth: Equatable, Sendable {
    case narrow
    case wide

    init(sampleCount count: Int) {
        self = count <= narrowSoftMaximumCount ? .narrow : .wide
    }
}

