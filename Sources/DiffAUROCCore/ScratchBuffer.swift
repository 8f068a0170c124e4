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
///
///     let buf = try ScratchBuffer<Double>(count: n)
///     defer { buf.free() }
struct ScratchBuffer<Element: BitwiseCopyable> {
    let base: UnsafeMutablePointer<Element>?
    let count: Int

    init(count: Int) throws(CoreError) {
        precondition(count >= 0)
        self.count = count
        if count == 0 {
            base = nil
            return
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<Element>.stride)
        guard !overflow, let raw = malloc(bytes) else { throw .allocationFailed }
        base = raw.bindMemory(to: Element.self, capacity: count)
    }

    /// The storage as a buffer pointer (empty when `count == 0`).
    var buffer: UnsafeMutableBufferPointer<Element> {
        UnsafeMutableBufferPointer(start: base, count: count)
    }

    func free() {
        if let base { Glibc.free(base) }
    }
}
