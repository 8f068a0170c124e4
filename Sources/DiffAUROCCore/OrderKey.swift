/// A floating-point score type the exact AUROC can sort: each finite value maps to an
/// unsigned integer key whose order is the numeric order of the values.
///
/// `orderKey` is monotone and tie-preserving on finite values: x < y if and only if
/// x.orderKey < y.orderKey, and x == y if and only if the keys are equal (so -0.0 and
/// +0.0, which compare equal, get the same key). NaN and infinities never reach it (the
/// ABI layer rejects them).
///
///     (-1.5).orderKey < (-0.0).orderKey && (-0.0).orderKey == (0.0).orderKey
protocol OrderKeyed: BinaryFloatingPoint {
    associatedtype OrderKey: FixedWidthInteger & UnsignedInteger & BitwiseCopyable
    var orderKey: OrderKey { get }
    /// For a label (exactly 0, -0 or 1): 1 if it is 1, else 0, read off one exponent bit
    /// without a branch or a conversion that could trap.
    var classBit: Int { get }
    /// The value as a Double (exact). Concrete, so it compiles to one instruction where a
    /// generic `Double(x)` would not.
    var doubleValue: Double { get }
    /// The IEEE bits (`bitPattern`, which BinaryFloatingPoint does not declare), and the
    /// value of given bits.
    var bits: OrderKey { get }
    init(bits: OrderKey)
    /// The SIMD vector of keys the sample sort's passes use (`tallyKeys`, `bucketKeys`,
    /// KeyLanes.swift): 8 of float64's, 16 of float32's (two AVX2 registers).
    associatedtype KeyLanes: SIMD where KeyLanes.Scalar == OrderKey
    /// The bits of 1.0, and the exponent bits (all ones: not finite).
    static var oneBits: OrderKey { get }
    static var exponentBits: OrderKey { get }
}

extension OrderKeyed {
    /// The bit of a label that `classBit` (and the SIMD lanes of KeyLanes.swift) read: 61
    /// of a float64, 29 of a float32, the exponent's second bit, 1 in 1.0 and 0 in +-0.
    @inline(__always) static var labelBit: OrderKey { OrderKey(OrderKey.bitWidth - 3) }
}

extension Double: OrderKeyed {
    /// The IEEE bits with the sign bit flipped for non-negative values and every bit
    /// flipped for negative ones: positives then sort above negatives, larger magnitudes
    /// further out. `self + 0` turns -0.0 into +0.0 (and leaves every other value as is).
    @inline(__always)
    var orderKey: UInt64 {
        let bits = (self + 0).bitPattern
        let mask = UInt64(bitPattern: Int64(bitPattern: bits) >> 63) | (1 << 63)
        return bits ^ mask
    }

    @inline(__always) var classBit: Int { Int(truncatingIfNeeded: (bitPattern >> Self.labelBit) & 1) }
    @inline(__always) var doubleValue: Double { self }
    @inline(__always) var bits: UInt64 { bitPattern }
    @inline(__always) init(bits: UInt64) { self.init(bitPattern: bits) }
    typealias KeyLanes = SIMD8<UInt64>
    static var oneBits: UInt64 { (1.0 as Double).bitPattern }
    static var exponentBits: UInt64 { 0x7FF0_0000_0000_0000 }
}

extension Float: OrderKeyed {
    /// As for Double, on the 32 bits of a Float.
    @inline(__always)
    var orderKey: UInt32 {
        let bits = (self + 0).bitPattern
        let mask = UInt32(bitPattern: Int32(bitPattern: bits) >> 31) | (1 << 31)
        return bits ^ mask
    }

    @inline(__always) var classBit: Int { Int(truncatingIfNeeded: (bitPattern >> Self.labelBit) & 1) }
    @inline(__always) var doubleValue: Double { Double(self) }
    @inline(__always) var bits: UInt32 { bitPattern }
    @inline(__always) init(bits: UInt32) { self.init(bitPattern: bits) }
    typealias KeyLanes = SIMD16<UInt32>
    static var oneBits: UInt32 { (1.0 as Float).bitPattern }
    static var exponentBits: UInt32 { 0x7F80_0000 }
}
