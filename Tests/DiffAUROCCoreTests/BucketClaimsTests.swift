import Testing
@testable import DiffAUROCCore

/// `BucketClaims` (WorkerTeam.swift), phase 4 of the exact AUROC: whatever the order of
/// the claims from the two ends, every bucket is claimed exactly once, each batch is a run
/// of consecutive buckets holding at least the batch's samples (or what was left), and
/// the front's batches come in ascending order, the back's in descending order. The
/// exact AUROC's results with claims are checked against independent references in
/// ExactAUROCTests (`unweightedMatchesReferenceExactly`, 70,000 and 300,000 samples).
@Suite struct BucketClaimsTests {
    /// Bucket starts for `sizes` (the starts of a phase-4 bucket table) and the total.
    static func starts(_ sizes: [Int]) -> ([Int], Int) {
        var starts: [Int] = [], running = 0
        for size in sizes {
            starts.append(running)
            running += size
        }
        return (starts, running)
    }

    /// Claims from the ends in the order `fronts` gives (true: front), then from the
    /// front until none is left; returns each bucket's claim count and checks each batch.
    static func claimAll(_ sizes: [Int], batch: Int, fronts: [Bool]) -> [Int] {
        let (starts, total) = Self.starts(sizes)
        var storage = [Int](repeating: 0, count: 2 * BucketClaims.padding + 1)
        return storage.withUnsafeMutableBufferPointer { raw in
            let claims = BucketClaims(at: raw.baseAddress! + BucketClaims.padding)
            defer { claims.release() }
            claims.reset(bucketCount: sizes.count)
            var claimed = [Int](repeating: 0, count: sizes.count)
            var lastFront = -1, lastBack = sizes.count
            func record(_ r: Range<Int>, front: Bool) {
                let held = r.reduce(0) { $0 + sizes[$1] }
                // At least `batch` samples, and no bucket more than needed from its end.
                let short = held < batch
                let trimmed = front ? r.dropLast() : r.dropFirst()
                let heldTrimmed = trimmed.reduce(0) { $0 + sizes[$1] }
                #expect(!short || (front ? r.upperBound == lastBack : r.lowerBound == lastFront + 1),
                        "short batch \(r) away from the other end")
                #expect(r.count == 1 || heldTrimmed < batch, "batch \(r) longer than needed")
                if front {
                    #expect(r.lowerBound == lastFront + 1)
                    lastFront = r.upperBound - 1
                } else {
                    #expect(r.upperBound == lastBack)
                    lastBack = r.lowerBound
                }
                for b in r { claimed[b] += 1 }
            }
            for front in fronts {
                let r = front
                    ? claims.front(starts: starts, batch: batch)
                    : claims.back(starts: starts, bucketCount: sizes.count, total: total, batch: batch)
                if let r { record(r, front: front) }
            }
            while let r = claims.front(starts: starts, batch: batch) {
                record(r, front: true)
            }
            #expect(claims.back(starts: starts, bucketCount: sizes.count, total: total, batch: batch) == nil)
            return claimed
        }
    }

    @Test func everyBucketOnceWhateverTheOrder() {
        var rng = SplitMix(state: 99)
        for trial in 0..<300 {
            let count = 1 + rng.below(300)
            // Empty buckets, small ones and a few larger than the batch.
            let sizes = (0..<count).map { _ in [0, 0, 1, 3, 40, 500][rng.below(6)] }
            let batch = [1, 50, 400, 5000][rng.below(4)]
            let fronts = (0..<rng.below(2 * count + 2)).map { _ in rng.below(2) == 0 }
            let claimed = Self.claimAll(sizes, batch: batch, fronts: fronts)
            #expect(claimed.allSatisfy { $0 == 1 }, "trial \(trial): \(claimed)")
        }
    }

    @Test func oneWorkerFromTheFrontTakesEverything() {
        let claimed = Self.claimAll([5, 0, 0, 7, 1, 2, 0, 9], batch: 6, fronts: [])
        #expect(claimed == [1, 1, 1, 1, 1, 1, 1, 1])
    }

    /// Two threads claiming at once (a team of two, the shared helper): each bucket
    /// claimed by exactly one of them, over many teams.
    @Test func twoThreadsClaimEachBucketOnce() {
        struct Job {
            let starts: UnsafePointer<Int>
            let total: Int
            let count: Int
            /// Written by both threads, at the buckets each claimed.
            let claimedBy: UnsafeMutablePointer<Int>
            let claims: BucketClaims

            func run(_ worker: TeamWorker) {
                for chunk in worker.chunks {
                    while let r = chunk == 0
                        ? claims.front(starts: starts, batch: 3)
                        : claims.back(starts: starts, bucketCount: count, total: total, batch: 3) {
                        for b in r { claimedBy[b] += chunk == 0 ? 1 : 1000 }
                    }
                }
            }
        }
        var storage = [Int](repeating: 0, count: 2 * BucketClaims.padding + 1)
        storage.withUnsafeMutableBufferPointer { raw in
            let claims = BucketClaims(at: raw.baseAddress! + BucketClaims.padding)
            defer { claims.release() }
            var fronts = 0, backs = 0
            for _ in 0..<500 {
                let sizes = (0..<2000).map { $0 % 3 }
                let (starts, total) = Self.starts(sizes)
                claims.reset(bucketCount: sizes.count)
                var claimedBy = [Int](repeating: 0, count: sizes.count)
                starts.withUnsafeBufferPointer { s in
                    claimedBy.withUnsafeMutableBufferPointer { c in
                        var job = Job(starts: s.baseAddress!, total: total, count: sizes.count,
                                      claimedBy: c.baseAddress!, claims: claims)
                        withUnsafeMutablePointer(to: &job) { p in
                            runAsTeam(chunkCount: 2, context: UnsafeMutableRawPointer(p)) { raw, worker in
                                raw.assumingMemoryBound(to: Job.self).pointee.run(worker)
                            }
                        }
                    }
                }
                #expect(claimedBy.allSatisfy { $0 == 1 || $0 == 1000 })
                fronts += claimedBy.filter { $0 == 1 }.count
                backs += claimedBy.filter { $0 == 1000 }.count
                // The front's buckets come first, then the back's.
                if let firstBack = claimedBy.firstIndex(of: 1000) {
                    #expect(claimedBy[firstBack...].allSatisfy { $0 == 1000 })
                }
            }
            #expect(fronts + backs == 500 * 2000)
        }
    }
}
