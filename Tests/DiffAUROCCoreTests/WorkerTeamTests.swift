import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import DiffAUROCCore

/// `runAsTeam` with the persistent helper thread (WorkerTeam.swift): each chunk runs
/// once, the barrier orders the phases, one caller's teams reuse one helper thread, and
/// concurrent callers (one gets the helper, the others threads of their own) all finish
/// with the right results. The fork case is in Tests/c/test_link.c ("fork").
@Suite struct WorkerTeamTests {
    /// A team's job: phase 1 writes each chunk's token, phase 2 (after the barrier) reads
    /// the other chunk's; each chunk records the thread that ran it.
    struct Job {
        var written: (Int, Int) = (-1, -1)
        var seen: (Int, Int) = (-1, -1)
        var thread: (Int, Int) = (0, 0)
        let token: Int

        mutating func run(_ worker: TeamWorker) {
            for chunk in worker.chunks {
                if chunk == 0 { written.0 = token } else { written.1 = token + 1 }
                if chunk == 0 { thread.0 = threadNumber() } else { thread.1 = threadNumber() }
            }
            worker.synchronize()
            for chunk in worker.chunks {
                if chunk == 0 { seen.0 = written.1 } else { seen.1 = written.0 }
            }
        }
    }

    static func team(_ token: Int, helper: TeamHelper? = TeamHelper.shared) -> Job {
        var job = Job(token: token)
        withUnsafeMutablePointer(to: &job) { p in
            runAsTeam(chunkCount: 2, context: UnsafeMutableRawPointer(p), helper: helper) { raw, worker in
                raw.assumingMemoryBound(to: Job.self).pointee.run(worker)
            }
        }
        return job
    }

    /// A helper of this suite's own: the shared one is also used by every other test
    /// running at the same time, whose calls own it now and then.
    static let ownHelper = TeamHelper()

    @Test func eachChunkRunsOnceAndTheBarrierOrdersThePhases() {
        var helpers: [Int: Int] = [:]
        for token in stride(from: 0, to: 4000, by: 2) {
            let job = Self.team(token, helper: Self.ownHelper)
            #expect(job.seen.0 == token + 1 && job.seen.1 == token, "token \(token): \(job.seen)")
            helpers[job.thread.1, default: 0] += 1
        }
        // One thread ran chunk 1 of every team: the helper, not a new thread each time
        // (which would give 2,000 different ids).
        let most = helpers.values.max() ?? 0
        #expect(most == 2000, "chunk 1 ran on \(helpers.count) threads, at most \(most) teams on one")
    }

    @Test func concurrentCallersAllFinishWithTheirOwnResults() {
        let callers = 4, teams = 300
        let failures = Counter()
        DispatchQueue.concurrentPerform(iterations: callers) { c in
            for t in 0..<teams {
                let token = 1_000_000 * (c + 1) + 2 * t
                let job = Self.team(token)
                if job.seen.0 != token + 1 || job.seen.1 != token { failures.value.add(1, ordering: .relaxed) }
            }
        }
        #expect(failures.value.load(ordering: .relaxed) == 0, "wrong teams among \(callers * teams)")
    }
}

private final class Counter: Sendable {
    let value = Atomic<Int>(0)
}

/// A number unique to the calling thread for the life of the process (a new thread gets
/// a new one even where the system reuses thread ids).
private func threadNumber() -> Int {
    let key = threadNumberKey
    if let value = pthread_getspecific(key) { return Int(bitPattern: value) }
    let number = nextThreadNumber.value.add(1, ordering: .relaxed).newValue
    pthread_setspecific(key, UnsafeRawPointer(bitPattern: number))
    return number
}

private let nextThreadNumber = Counter()
nonisolated(unsafe) private let threadNumberKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    return key
}()

/// `TeamBarrier` through `synchronize()`: teams of many phases, each phase writing a
/// chunk's slot and reading the other's from the phase before, with one side now and then
/// much slower than the spin (100 us to 1 ms: the other then sleeps on the condition
/// variable) and otherwise even (both spin). Every read must see the other side's write of
/// the phase before, never an older or a newer one.
@Test func barrierOrdersManyPhasesWhetherTheSidesSpinOrSleep() {
    struct Phases {
        var slots: (Int, Int) = (0, 0)
        var wrong = 0
        let rounds: Int
        let slowEvery: Int

        mutating func run(_ worker: TeamWorker) {
            for round in 1...rounds {
                for chunk in worker.chunks {
                    if round % slowEvery == 0 && chunk == round % 2 { usleep(round % (2 * slowEvery) == 0 ? 100 : 1000) }
                    if chunk == 0 { slots.0 = round } else { slots.1 = round }
                }
                worker.synchronize()
                for chunk in worker.chunks where (chunk == 0 ? slots.1 : slots.0) != round { wrong += 1 }
                worker.synchronize()
            }
        }
    }
    for slowEvery in [7, 1_000_000] {
        for _ in 0..<20 {
            var job = Phases(rounds: 200, slowEvery: slowEvery)
            withUnsafeMutablePointer(to: &job) { p in
                runAsTeam(chunkCount: 2, context: UnsafeMutableRawPointer(p), helper: WorkerTeamTests.ownHelper) { raw, worker in
                    raw.assumingMemoryBound(to: Phases.self).pointee.run(worker)
                }
            }
            #expect(job.wrong == 0, "\(job.wrong) stale reads, slow every \(slowEvery)")
            #expect(job.slots == (200, 200))
        }
    }
}
