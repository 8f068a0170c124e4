#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A process-wide cache of scratch blocks of at least `smallestBlock` (64 KiB), so that
/// repeated calls reuse the pages of the previous call instead of mapping fresh ones.
///
/// Why: glibc's malloc maps a block above its mmap threshold (at most 32 MiB) with mmap
/// and unmaps it at free, so every call of the library at n = 10^6..10^7 took fresh pages,
/// which the kernel zeroes on first touch. Where zeroing is slow (measured: a Firecracker VM
/// whose balloon reports freed pages, `clear_page_erms` 30% of all CPU of a soft AUROC
/// gradient at n = 10^7) that cost as much as half the sort. A block that comes back
/// here is kept and handed to the next request it fits.
///
/// Blocks from 64 KiB, not only the large ones (4 MiB and more, until stop 50): below 4
/// MiB glibc either maps a block fresh (above its mmap threshold, which it raises only
/// when a mapped block is freed, and the large ones no longer were) or grows its heap for
/// it and trims the heap back at free (once the free top passes its trim threshold), and
/// the next call takes fresh pages again. Measured (Python, `auroc_soft_grad` at n =
/// 10^4, T / spread 1e-5, 3,000 calls in a loop): 229,000 page faults (76 a call: the
/// heap grown by 528 KiB and trimmed back by every call, three brk calls each), 0.30 ms a
/// call, against 0.152 ms with glibc's trimming turned off (GLIBC_TUNABLES
/// glibc.malloc.trim_threshold); whether a given call shape was hit depended on the sizes
/// of all its blocks, so single benchmark runs of small n moved by up to 2x.
///
/// The rules:
/// - `take` returns the smallest cached block that fits (best fit; the request's alignment
///   is part of the fit), or on a miss frees every cached block (none fits: a new, larger
///   shape does not stack on the old shape's blocks, so the process never holds more than
///   its calls need at once) and mallocs a new one. A failed malloc throws
///   `.allocationFailed`, as a plain malloc did.
/// - `give` keeps the block if it fits under `capacity` (the total bytes cached, default 2
///   GiB, `DIFFAUROC_SCRATCH_POOL_BYTES` when the library first allocates a pooled block;
///   0 disables the pool: every block is freed at once) and under `maximumBlocks`,
///   otherwise frees it. Before a block of 4 MiB or more (`hugePageAdviceThreshold`) is
///   cached its whole pages are advised `MADV_FREE`: the kernel may take them back under
///   memory pressure without asking (their contents are scratch: every user writes a
///   buffer before reading it). Their next owner then sees zeros or the old contents,
///   never anything else. Smaller blocks are kept as they are (a system call and a TLB
///   flush a block would cost more than their pages are worth).
/// - `release` frees every cached block (the C export `diffauroc_release_memory`).
/// - A block has one owner at a time: the list is guarded by a mutex, which is held only
///   to search, insert or remove (never during malloc, free or madvise). A fork handler
///   takes the mutex around fork, so a child never starts with the list half-changed.
///
/// Each build of the core (baseline and x86-64-v3, see Package.swift) has its own pool; a
/// process computes with one of them.
final class ScratchPool: @unchecked Sendable {
    /// One malloc block: the pointer malloc returned and the size asked of it.
    struct Block {
        let raw: UnsafeMutableRawPointer
        let bytes: Int

        /// Whether `bytes` bytes starting at the first `alignment` boundary at or after
        /// `raw` lie inside the block.
        func fits(_ bytes: Int, alignment: Int) -> Bool {
            let start = Int(bitPattern: raw)
            let aligned = (start + alignment - 1) & ~(alignment - 1)
            return aligned - start <= self.bytes - bytes
        }
    }

    /// The default of `capacity`: 2 GiB.
    static let defaultCapacity = 2 << 30
    /// `ScratchBuffer` and `HugePageBuffer` take blocks of at least this many bytes (64
    /// KiB) from the shared pool; smaller ones are plain malloc blocks. (Measured at n =
    /// 10^4 above: the blocks below 64 KiB left no page faults a call.)
    static let smallestBlock = 64 << 10
    /// At most this many blocks are cached (one call holds at most about ten pooled blocks
    /// at once; several calls at once hold as many each).
    static let maximumBlocks = 64

    /// The total bytes the pool may hold (0: the pool is off).
    let capacity: Int
    private let lock: UnsafeMutablePointer<pthread_mutex_t>?
    private let entries: UnsafeMutablePointer<Block>?
    private var count = 0
    private var bytesHeld = 0

    /// A pool holding at most `capacity` bytes (0, or a failed allocation of its own
    /// 1 KiB list: a pool that caches nothing).
    init(capacity: Int) {
        let lock = malloc(MemoryLayout<pthread_mutex_t>.stride)?
            .bindMemory(to: pthread_mutex_t.self, capacity: 1)
        let entries = malloc(Self.maximumBlocks * MemoryLayout<Block>.stride)?
            .bindMemory(to: Block.self, capacity: Self.maximumBlocks)
        if capacity > 0, let lock, let entries {
            pthread_mutex_init(lock, nil)
            self.capacity = capacity
            self.lock = lock
            self.entries = entries
        } else {
            if let lock { free(lock) }
            if let entries { free(entries) }
            self.capacity = 0
            self.lock = nil
            self.entries = nil
        }
    }

    /// The pool that `ScratchBuffer` and `HugePageBuffer` use, with the capacity read from
    /// `DIFFAUROC_SCRATCH_POOL_BYTES` (see `capacity(fromEnvironment:)`), once.
    static let shared: ScratchPool = {
        let pool = ScratchPool(capacity: capacity(fromEnvironment: getenv("DIFFAUROC_SCRATCH_POOL_BYTES")))
        if let lock = pool.lock {
            forkLock = lock
            // prepare: no thread is inside the list while fork copies the process;
            // parent: unlocks; child: the one thread left starts with a fresh mutex (its
            // copies of the cached blocks are valid memory of the child's and stay cached).
            pthread_atfork(
                { if let lock = forkLock { pthread_mutex_lock(lock) } },
                { if let lock = forkLock { pthread_mutex_unlock(lock) } },
                { if let lock = forkLock { pthread_mutex_init(lock, nil) } })
        }
        return pool
    }()

    /// The value of `DIFFAUROC_SCRATCH_POOL_BYTES`: a decimal count of bytes (0 turns the
    /// pool off). Unset, empty, or anything other than decimal digits (or too large for an
    /// Int): `defaultCapacity`.
    ///
    ///     ScratchPool.capacity(fromEnvironment: "0") == 0
    static func capacity(fromEnvironment value: UnsafePointer<CChar>?) -> Int {
        guard let value, value.pointee != 0 else { return defaultCapacity }
        var result = 0
        var p = value
        while p.pointee != 0 {
            let digit = Int(p.pointee) - 48
            guard digit >= 0, digit <= 9 else { return defaultCapacity }
            let (times10, o1) = result.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(digit)
            guard !o1, !o2 else { return defaultCapacity }
            result = sum
            p += 1
        }
        return result
    }

    /// A block with at least `bytes` bytes from its first `alignment` boundary
    /// (`alignment` a power of two): a cached one (best fit) or, on a miss, after every
    /// cached block has been freed, a new malloc block of `bytes` bytes (alignment 1) or
    /// `bytes + alignment` (otherwise). Throws `.allocationFailed` when malloc fails.
    func take(bytes: Int, alignment: Int = 1) throws(CoreError) -> Block {
        precondition(bytes > 0 && alignment > 0 && alignment & (alignment - 1) == 0)
        let padding = alignment == 1 ? 0 : alignment
        let (mallocBytes, overflow) = bytes.addingReportingOverflow(padding)
        guard !overflow else { throw .allocationFailed }
        if let lock, let entries {
            // Invariant: each pass either returns a fitting block or removes one block
            // that does not fit (freed outside the lock); the list is finite, so this
            // ends. Another thread may give a fitting block back meanwhile: it is taken.
            while true {
                pthread_mutex_lock(lock)
                var best = -1
                for i in 0..<count where entries[i].fits(bytes, alignment: alignment) {
                    if best < 0 || entries[i].bytes < entries[best].bytes { best = i }
                }
                if best >= 0 {
                    let block = entries[best]
                    count -= 1
                    entries[best] = entries[count]
                    bytesHeld -= block.bytes
                    pthread_mutex_unlock(lock)
                    return block
                }
                if count == 0 {
                    pthread_mutex_unlock(lock)
                    break
                }
                count -= 1
                let victim = entries[count]
                bytesHeld -= victim.bytes
                pthread_mutex_unlock(lock)
                free(victim.raw)
            }
        }
        guard let raw = malloc(mallocBytes) else { throw .allocationFailed }
        return Block(raw: raw, bytes: mallocBytes)
    }

    /// Takes back a block from `take` (its owner is done with it): cached, or freed when
    /// the pool is off, full (`maximumBlocks`) or would hold more than `capacity` bytes.
    func give(_ block: Block) {
        guard let lock, let entries, block.bytes <= capacity else {
            free(block.raw)
            return
        }
        #if os(Linux)
        // Before the block is in the list: once there, another thread may own it.
        let page = 4096
        let start = (Int(bitPattern: block.raw) + page - 1) & ~(page - 1)
        let end = (Int(bitPattern: block.raw) + block.bytes) & ~(page - 1)
        if block.bytes >= hugePageAdviceThreshold, end > start,
           let pointer = UnsafeMutableRawPointer(bitPattern: start) {
            _ = madvise(pointer, end - start, MADV_FREE)
        }
        #endif
        pthread_mutex_lock(lock)
        if count < Self.maximumBlocks && bytesHeld <= capacity - block.bytes {
            entries[count] = block
            count += 1
            bytesHeld += block.bytes
            pthread_mutex_unlock(lock)
            return
        }
        pthread_mutex_unlock(lock)
        free(block.raw)
    }

    /// Frees every cached block; returns their total size in bytes.
    @discardableResult
    func release() -> Int {
        guard let lock, let entries else { return 0 }
        var released = 0
        while true {
            pthread_mutex_lock(lock)
            guard count > 0 else {
                pthread_mutex_unlock(lock)
                return released
            }
            count -= 1
            let victim = entries[count]
            bytesHeld -= victim.bytes
            pthread_mutex_unlock(lock)
            free(victim.raw)
            released += victim.bytes
        }
    }

    /// A scratch buffer's block of `bytes` (> 0) bytes, unaligned: from `shared` from
    /// `smallestBlock` on (`poolBytes` the pool block's size), else a plain malloc block
    /// (`poolBytes` 0). Give it back with `freeScratch`. Throws `.allocationFailed` when
    /// malloc fails. (`ScratchBuffer` and `HugePageBuffer` below 4 MiB.)
    static func scratchBlock(bytes: Int) throws(CoreError) -> (raw: UnsafeMutableRawPointer, poolBytes: Int) {
        if bytes >= smallestBlock {
            let block = try shared.take(bytes: bytes)
            return (block.raw, block.bytes)
        }
        guard let raw = malloc(bytes) else { throw .allocationFailed }
        return (raw, 0)
    }

    /// Gives back a block of `scratchBlock` (or of `shared.take`, `poolBytes` its size):
    /// to the pool when `poolBytes` > 0, else to free.
    static func freeScratch(_ raw: UnsafeMutableRawPointer, poolBytes: Int) {
        if poolBytes > 0 {
            shared.give(Block(raw: raw, bytes: poolBytes))
        } else {
            free(raw)
        }
    }

    /// The bytes and the number of blocks cached now.
    var held: (bytes: Int, blocks: Int) {
        guard let lock else { return (0, 0) }
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return (bytesHeld, count)
    }
}

/// The mutex of `ScratchPool.shared`, for its fork handlers (C function pointers, which
/// capture nothing). Written once, before the handlers are registered.
nonisolated(unsafe) private var forkLock: UnsafeMutablePointer<pthread_mutex_t>? = nil

/// Releases every block cached by this build's shared pool; returns their total size in
/// bytes. (The C export `diffauroc_release_memory` calls it on every build of the core.)
public func releaseScratchMemory() -> Int {
    ScratchPool.shared.release()
}
