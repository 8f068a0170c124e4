#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed-size, uninitialized-then-filled array of trivial values whose memory comes from
/// `malloc`, so that an allocation failure is a thrown `CoreError.allocationFailed` instead
/// of the trap that `Array` or `UnsafeMutablePointer.allocate` would produce.
///
/// The owner must call `free()` exactly once (use `defer`). `count == 0` allocates nothing.
/// A buffer of at least `ScratchPool.smallestBlock` bytes (64 KiB) comes from and goes back
/// to `ScratchPool.shared` (a block of an earlier call when one fits); smaller ones are
/// plain malloc blocks. Either way its contents start undefined: write before reading.
///
///     let buf = try ScratchBuffer<Double>(count: n)
///     defer { buf.free() }
struct ScratchBuffer<Element: BitwiseCopyable> {
    let base: UnsafeMutablePointer<Element>?
    let count: Int
    /// The size of the pool's block holding the buffer (0: a plain malloc block).
    private let poolBytes: Int

    init(count: Int) throws(CoreError) {
        precondition(count >= 0)
        self.count = count
        if count == 0 {
            base = nil
            poolBytes = 0
            return
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<Element>.stride)
        guard !overflow else { throw .allocationFailed }
        let block = try ScratchPool.scratchBlock(bytes: bytes)
        base = block.raw.bindMemory(to: Element.self, capacity: count)
        poolBytes = block.poolBytes
    }

    /// The storage as a buffer pointer (empty when `count == 0`).
    var buffer: UnsafeMutableBufferPointer<Element> {
        UnsafeMutableBufferPointer(start: base, count: count)
    }

    func free() {
        guard let base else { return }
        ScratchPool.freeScratch(UnsafeMutableRawPointer(base), poolBytes: poolBytes)
    }
}
