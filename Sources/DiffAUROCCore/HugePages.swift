#if canImport(Glibc)
import Glibc
#endif

/// Buffers of at least this many bytes are worth backing with transparent huge pages.
let hugePageAdviceThreshold = 4 << 20
/// The size and alignment of a transparent huge page on x86-64 and (4 KiB base pages)
/// arm64 Linux.
let hugePageBytes = 2 << 20

extension ScratchBuffer {
    /// Asks the kernel to back this buffer with transparent huge pages (madvise
    /// MADV_HUGEPAGE) when it is large. A fresh multi-megabyte buffer otherwise costs one
    /// page fault per 4 KiB on first touch, which on some machines takes longer than the
    /// sort that fills it. Only advice: failure or an unsupported kernel changes nothing.
    /// (Only the whole 2 MiB ranges inside the buffer can become huge pages: see
    /// `init(hugePageAlignedCount:)` for a buffer that is all whole ranges.)
    func adviseHugePages() {
        #if os(Linux)
        let bytes = count * MemoryLayout<Element>.stride
        guard let base, bytes >= hugePageAdviceThreshold else { return }
        let page = 4096
        let start = (Int(bitPattern: base) + page - 1) & ~(page - 1)
        let end = (Int(bitPattern: base) + bytes) & ~(page - 1)
        guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(pointer, end - start, MADV_HUGEPAGE)
        #endif
    }
}

/// A `ScratchBuffer` for a pass that writes in scattered order: when it is large (>= 4
/// MiB), it starts on a 2 MiB boundary inside a malloc block 2 MiB longer than its size
/// rounded up to 2 MiB, and that whole aligned range is advised huge pages, so that every
/// 2 MiB of it can be one huge page, whatever malloc's heap looked like before.
///
/// Why: with `ScratchBuffer` and `adviseHugePages()`, whether a buffer's pages are huge
/// depended on where malloc placed it. When malloc maps it fresh (glibc: above its mmap
/// threshold, which depends on the process's earlier allocations), its partial 2 MiB
/// ranges take a 4 KiB page fault each: 960 faults per call at n = 10^6 float64, and the
/// exact AUROC's CPU time 12.4 -> 17 ms (+35%), in the same program with another heap
/// history. Here a fresh mapping takes 4 huge-page faults, and a buffer that malloc reuses
/// from its heap (the common case in a loop: no fault at all) is as before.
/// (posix_memalign would align too, but glibc then maps and unmaps it on every call.)
/// A large buffer's block comes from and goes back to `ScratchPool.shared`, which keeps
/// the block (its malloc pointer and size; the aligned base follows from them) for the
/// next call it fits; so does a buffer of `ScratchPool.smallestBlock` (64 KiB) up to 4
/// MiB, unaligned, as a `ScratchBuffer` would. Smaller buffers are plain malloc blocks.
/// The owner calls `free()` exactly once. The contents start undefined: write before
/// reading.
///
///     let words = try HugePageBuffer<UInt64>(count: n)
///     defer { words.free() }
struct HugePageBuffer<Element: BitwiseCopyable> {
    let base: UnsafeMutablePointer<Element>?
    let count: Int
    /// What malloc returned (base, or below it when aligned).
    private let allocation: UnsafeMutableRawPointer?
    /// The size of the pool's block holding the buffer (0: a plain malloc block).
    private let poolBytes: Int

    /// Throws `.allocationFailed` if the memory cannot be had (`count == 0`: none).
    init(count: Int) throws(CoreError) {
        precondition(count >= 0)
        self.count = count
        let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<Element>.stride)
        guard !overflow else { throw .allocationFailed }
        if bytes == 0 {
            base = nil
            allocation = nil
            poolBytes = 0
            return
        }
        if bytes >= hugePageAdviceThreshold {
            #if os(Linux)
            // The size rounded up to whole huge pages, in a block one huge page longer
            // (for the alignment).
            let (padded, tooLarge) = bytes.addingReportingOverflow(2 * hugePageBytes - 1)
            guard !tooLarge else { throw .allocationFailed }
            let length = (padded - hugePageBytes) & ~(hugePageBytes - 1)
            let block = try ScratchPool.shared.take(bytes: length, alignment: hugePageBytes)
            let start = (Int(bitPattern: block.raw) + hugePageBytes - 1) & ~(hugePageBytes - 1)
            let aligned = UnsafeMutableRawPointer(bitPattern: start)!
            // Again on reuse: the block may have been a plain ScratchBuffer's.
            _ = madvise(aligned, length, MADV_HUGEPAGE)
            #else
            let block = try ScratchPool.shared.take(bytes: bytes)
            let aligned = block.raw
            #endif
            allocation = block.raw
            poolBytes = block.bytes
            base = aligned.bindMemory(to: Element.self, capacity: count)
            return
        }
        let block = try ScratchPool.scratchBlock(bytes: bytes)
        allocation = block.raw
        poolBytes = block.poolBytes
        base = block.raw.bindMemory(to: Element.self, capacity: count)
    }

    func free() {
        guard let allocation else { return }
        ScratchPool.freeScratch(allocation, poolBytes: poolBytes)
    }
}
