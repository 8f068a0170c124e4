import Dispatch
import Synchronization
import Testing
@testable import DiffAUROCCore

/// `ScratchPool`: reuse of a returned block, best fit (alignment included), eviction of
/// every cached block on a miss, the byte cap and the block count cap, the pool turned
/// off, release, the environment variable's parsing, allocation failure, and one owner
/// per block under concurrent use. Each test uses a pool of its own (the shared one is
/// used by every other test running at the same time); the shared pool's use by the
/// buffers is covered by their tests and by Tests/c/test_link.c.
@Suite struct ScratchPoolTests {
    static let mib = 1 << 20

    @Test func aReturnedBlockIsReusedForTheSameRequest() throws {
        let pool = ScratchPool(capacity: 1 << 30)
        defer { pool.release() }
        let first = try pool.take(bytes: 5 * Self.mib)
        #expect(first.bytes == 5 * Self.mib)
        first.raw.storeBytes(of: 42, as: Int.self)  // writable
        pool.give(first)
        #expect(pool.held == (5 * Self.mib, 1))
        let second = try pool.take(bytes: 5 * Self.mib)
        #expect(second.raw == first.raw && second.bytes == first.bytes)
        #expect(pool.held == (0, 0))
        // A smaller request fits the same block too.
        pool.give(second)
        let third = try pool.take(bytes: 4 * Self.mib)
        #expect(third.raw == first.raw)
        pool.give(third)
    }

    @Test func theSmallestFittingBlockIsTaken() throws {
        let pool = ScratchPool(capacity: 1 << 30)
        defer { pool.release() }
        let sizes = [8, 16, 12, 40]
        let blocks = try sizes.map { try pool.take(bytes: $0 * Self.mib) }
        for block in blocks { pool.give(block) }
        #expect(pool.held == (76 * Self.mib, 4))
        let a = try pool.take(bytes: 10 * Self.mib)  // 12 fits best (16, 40 fit too)
        #expect(a.raw == blocks[2].raw)
        let b = try pool.take(bytes: 9 * Self.mib)  // then 16
        #expect(b.raw == blocks[1].raw)
        let c = try pool.take(bytes: 1 * Self.mib)  // then 8
        #expect(c.raw == blocks[0].raw)
        #expect(pool.held == (40 * Self.mib, 1))
        for block in [a, b, c] { pool.give(block) }
    }

    @Test func alignmentIsPartOfTheFit() throws {
        let pool = ScratchPool(capacity: 1 << 30)
        defer { pool.release() }
        let huge = 2 * Self.mib
        // A miss with alignment: the block is one alignment longer, and its aligned part
        // holds the request.
        let aligned = try pool.take(bytes: 6 * Self.mib, alignment: huge)
        #expect(aligned.bytes == 8 * Self.mib)
        #expect(aligned.fits(6 * Self.mib, alignment: huge))
        pool.give(aligned)
        #expect(try pool.take(bytes: 6 * Self.mib, alignment: huge).raw == aligned.raw)
        pool.give(aligned)
        // A block of exactly the request does not hold it aligned, unless it starts on a
        // boundary (malloc's large blocks start 16 bytes into a page: never here).
        let plain = try pool.take(bytes: 8 * Self.mib)
        pool.give(plain)  // the 8 MiB aligned block went when this one missed
        #expect(pool.held == (8 * Self.mib, 1))
        let startsAligned = Int(bitPattern: plain.raw) % huge == 0
        #expect(plain.fits(8 * Self.mib, alignment: huge) == startsAligned)
        #expect(plain.fits(8 * Self.mib, alignment: 1))
        #expect(!plain.fits(8 * Self.mib + 1, alignment: 1))
    }

    @Test func aMissFreesEveryCachedBlockFirst() throws {
        let pool = ScratchPool(capacity: 1 << 30)
        defer { pool.release() }
        let blocks = try (0..<3).map { _ in try pool.take(bytes: 5 * Self.mib) }
        for block in blocks { pool.give(block) }
        #expect(pool.held == (15 * Self.mib, 3))
        let large = try pool.take(bytes: 20 * Self.mib)
        #expect(large.bytes == 20 * Self.mib)
        #expect(pool.held == (0, 0))  // the new shape does not stack on the old one
        pool.give(large)
        #expect(pool.held == (20 * Self.mib, 1))
    }

    @Test func theCapsBoundWhatIsKept() throws {
        let pool = ScratchPool(capacity: 10 * Self.mib)
        defer { pool.release() }
        let a = try pool.take(bytes: 6 * Self.mib)
        let b = try pool.take(bytes: 6 * Self.mib)
        let c = try pool.take(bytes: 11 * Self.mib)
        pool.give(a)
        #expect(pool.held == (6 * Self.mib, 1))
        pool.give(b)  // 12 MiB > 10 MiB: freed
        #expect(pool.held == (6 * Self.mib, 1))
        pool.give(c)  // larger than the cap alone
        #expect(pool.held == (6 * Self.mib, 1))
        let d = try pool.take(bytes: 4 * Self.mib)
        #expect(d.raw == a.raw)
        pool.give(d)

        // At most `maximumBlocks` blocks, whatever their bytes.
        let many = ScratchPool(capacity: 1 << 40)
        defer { many.release() }
        let blocks = try (0...ScratchPool.maximumBlocks).map { _ in try many.take(bytes: 4 * Self.mib) }
        for block in blocks { many.give(block) }
        #expect(many.held == (ScratchPool.maximumBlocks * 4 * Self.mib, ScratchPool.maximumBlocks))
    }

    @Test func capacityZeroCachesNothing() throws {
        let pool = ScratchPool(capacity: 0)
        #expect(pool.capacity == 0)
        let block = try pool.take(bytes: 5 * Self.mib)
        #expect(block.bytes == 5 * Self.mib)
        block.raw.storeBytes(of: 1, toByteOffset: 5 * Self.mib - 8, as: Int.self)
        pool.give(block)
        #expect(pool.held == (0, 0))
        let aligned = try pool.take(bytes: 4 * Self.mib, alignment: 2 * Self.mib)
        #expect(aligned.bytes == 6 * Self.mib)
        pool.give(aligned)
        #expect(pool.held == (0, 0))
        #expect(pool.release() == 0)
    }

    @Test func releaseFreesEveryBlockAndCountsItsBytes() throws {
        let pool = ScratchPool(capacity: 1 << 30)
        let blocks = try [5, 6, 7].map { try pool.take(bytes: $0 * Self.mib) }
        for block in blocks { pool.give(block) }
        #expect(pool.release() == 18 * Self.mib)
        #expect(pool.held == (0, 0))
        #expect(pool.release() == 0)
    }

    @Test func failedAllocationsThrow() throws {
        let pool = ScratchPool(capacity: 1 << 30)
        defer { pool.release() }
        pool.give(try pool.take(bytes: 5 * Self.mib))
        #expect(throws: CoreError.allocationFailed) { try pool.take(bytes: Int.max / 2) }
        #expect(pool.held == (0, 0))  // the miss freed the cached block before malloc failed
        #expect(throws: CoreError.allocationFailed) {
            try pool.take(bytes: Int.max - 10, alignment: 2 * Self.mib)  // size overflow
        }
        // Still usable.
        let block = try pool.take(bytes: 5 * Self.mib)
        pool.give(block)
        #expect(pool.held == (5 * Self.mib, 1))
    }

    @Test func theEnvironmentVariableIsDecimalBytes() {
        func parse(_ text: String?) -> Int {
            guard let text else { return ScratchPool.capacity(fromEnvironment: nil) }
            return text.withCString { ScratchPool.capacity(fromEnvironment: $0) }
        }
        let byDefault = 2 << 30
        #expect(ScratchPool.defaultCapacity == byDefault)
        #expect(parse(nil) == byDefault)
        #expect(parse("") == byDefault)
        #expect(parse("0") == 0)
        #expect(parse("000") == 0)
        #expect(parse("1048576") == 1_048_576)
        #expect(parse("9223372036854775807") == Int.max)
        for bad in ["9223372036854775808", "-1", "1e9", "12a", " 5", "5 ", "0x10", "1G"] {
            #expect(parse(bad) == byDefault, "\(bad)")
        }
    }

    /// Threads take, write, check and give back blocks of a few sizes (so they compete for
    /// the same ones) while a set of the blocks out records every handout: a block handed
    /// out twice at once would be found already in the set; a thread's tags are read back
    /// before each give.
    @Test func noBlockHasTwoOwnersAtOnce() throws {
        let pool = ScratchPool(capacity: 1 << 30)
        defer { pool.release() }
        let out = Mutex(Set<Int>())
        let doubleHandouts = Atomic<Int>(0)
        let overwritten = Atomic<Int>(0)
        let failures = Atomic<Int>(0)
        let threads = 4, rounds = 300
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for round in 0..<rounds {
                let bytes = (4 + (thread + round) % 3) * Self.mib
                guard let block = try? pool.take(bytes: bytes, alignment: round % 2 == 0 ? 1 : 2 * Self.mib) else {
                    failures.add(1, ordering: .relaxed)
                    continue
                }
                let fresh = out.withLock { $0.insert(Int(bitPattern: block.raw)).inserted }
                if !fresh { doubleHandouts.add(1, ordering: .relaxed) }
                let tag = thread << 32 | round
                let words = block.raw.bindMemory(to: Int.self, capacity: block.bytes / 8)
                let last = bytes / 8 - 1
                for i in stride(from: 0, through: last, by: 4096) { words[i] = tag }
                words[last] = tag
                for i in stride(from: 0, through: last, by: 4096) where words[i] != tag {
                    overwritten.add(1, ordering: .relaxed)
                }
                if words[last] != tag { overwritten.add(1, ordering: .relaxed) }
                out.withLock { _ = $0.remove(Int(bitPattern: block.raw)) }
                pool.give(block)
            }
        }
        #expect(doubleHandouts.load(ordering: .relaxed) == 0)
        #expect(overwritten.load(ordering: .relaxed) == 0)
        #expect(failures.load(ordering: .relaxed) == 0)
    }

    /// The buffers through the shared pool: large ones are pool blocks (HugePageBuffer's
    /// aligned), small ones plain malloc, both usable to their last element.
    @Test func buffersUseTheSharedPoolFromTheThreshold() throws {
        for count in [hugePageAdviceThreshold / 8 - 1, hugePageAdviceThreshold / 8, 3 << 20] {
            let plain = try ScratchBuffer<UInt64>(count: count)
            let huge = try HugePageBuffer<UInt64>(count: count)
            plain.base![count - 1] = 1
            huge.base![count - 1] = 2
            #expect(plain.base![count - 1] == 1 && huge.base![count - 1] == 2)
            if count * 8 >= hugePageAdviceThreshold {
                #expect(Int(bitPattern: huge.base!) % hugePageBytes == 0)
            }
            plain.free()
            huge.free()
        }
    }
}
