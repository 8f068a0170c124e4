#if canImport(Glibc)
import Glibc
#endif

extension ScratchBuffer {
    /// Asks the kernel to back this buffer with transparent huge pages (madvise
    /// MADV_HUGEPAGE) when it is large. A fresh multi-megabyte buffer otherwise costs one
    /// page fault per 4 KiB on first touch, which on some machines takes longer than the
    /// sort that fills it. Only advice: failure or an unsupported kernel changes nothing.
    func adviseHugePages() {
        #if os(Linux)
        let bytes = count * MemoryLayout<Element>.stride
        guard let base, bytes >= 4 << 20 else { return }
        let page = 4096
        let start = (Int(bitPattern: base) + page - 1) & ~(page - 1)
        let end = (Int(bitPattern: base) + bytes) & ~(page - 1)
        guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(pointer, end - start, MADV_HUGEPAGE)
        #endif
    }
}
