#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The double whose `orderKey` (OrderKey.swift) is `key`: its inverse on finite values.
@inline(__always)
func scoreFromSortKey(_ key: UInt64) -> Double {
    Double(bitPattern: key ^ (((key >> 63) &- 1) | (1 << 63)))
}

/// Sorts `keys[0..<count]` ascending, moving `values[k]` with `keys[k]` (stable), by
/// least-significant-digit radix sort with eight 8-bit digits. `scratchKeys` and
/// `scratchValues` (count elements each) are overwritten; `histogram` needs 8 * 256 Ints.
///
/// Time O(count) (at most eight scatter passes; 256 buckets keep every pass's write
/// streams in L1, fewer when a digit is the same for every
/// key, as the high bits of nearby doubles usually are); no allocation, cannot fail.
/// Values are the fast soft path's and the Hessian's caller indices: UInt32 below 2^31
/// samples, UInt64 above (FastSoftIndices.swift); each is specialized.
@_specialize(where Value == UInt32)
@_specialize(where Value == UInt64)
func radixSort<Value>(
    keys: UnsafeMutablePointer<UInt64>, values: UnsafeMutablePointer<Value>,
    scratchKeys: UnsafeMutablePointer<UInt64>, scratchValues: UnsafeMutablePointer<Value>,
    histogram: UnsafeMutablePointer<Int>, count: Int
) {
    guard count > 1 else { return }
    let digits = 8, radix = 256, mask: UInt64 = 255
    for k in 0..<(digits * radix) { histogram[k] = 0 }
    for i in 0..<count {
        let key = keys[i]
        for d in 0..<digits {
            histogram[d * radix + Int(truncatingIfNeeded: (key >> UInt64(8 * d)) & mask)] &+= 1
        }
    }
    var sourceKeys = keys, sourceValues = values
    var targetKeys = scratchKeys, targetValues = scratchValues
    for d in 0..<digits {
        let shift = UInt64(8 * d)
        let counts = histogram + d * radix
        // A digit shared by every key leaves the order unchanged: skip the pass.
        if counts[Int(truncatingIfNeeded: (sourceKeys[0] >> shift) & mask)] == count { continue }
        var offset = 0
        for b in 0..<radix {
            let c = counts[b]
            counts[b] = offset
            offset += c
        }
        for i in 0..<count {
            let key = sourceKeys[i]
            let b = Int(truncatingIfNeeded: (key >> shift) & mask)
            let at = counts[b]
            counts[b] = at + 1
            targetKeys[at] = key
            targetValues[at] = sourceValues[i]
        }
        swap(&sourceKeys, &targetKeys)
        swap(&sourceValues, &targetValues)
    }
    if sourceKeys != keys {
        memcpy(keys, sourceKeys, count * MemoryLayout<UInt64>.stride)
        memcpy(values, sourceValues, count * MemoryLayout<Value>.stride)
    }
}
