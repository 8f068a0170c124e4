import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One member of a `runAsTeam` team: the logical chunks it owns and the team's barrier.
///
/// Work is split into a fixed number of logical chunks that depends on the data only. With
/// two threads, worker 0 owns chunk 0 and worker 1 owns chunk 1; if the second thread
/// cannot be started, the single worker owns every chunk and `synchronize()` does nothing
/// (its phases already run in order). Either way each chunk is processed by the same code
/// in the same way, so results are bitwise identical whatever the threads did.
struct TeamWorker {
    /// The logical chunks this worker processes, in increasing order.
    let chunks: Range<Int>
    /// Worker 0: the one that runs on the calling thread and may combine partial results.
    let isLeader: Bool
    fileprivate let barrier: TeamBarrier?

    /// A team of one on the calling thread owning `chunkCount` chunks.
    static func solo(chunkCount: Int) -> TeamWorker {
        TeamWorker(chunks: 0..<chunkCount, isLeader: true, barrier: nil)
    }

    /// Waits until every worker of the team has reached this call. All workers must call
    /// it the same number of times (the team's phases are the same code on every worker).
    func synchronize() {
        barrier?.wait(leader: isLeader)
    }
}

/// The barrier of a team of two (`TeamWorker.synchronize`): the second side to arrive
/// releases the first, which spins for it up to `TeamHelper.spinNanoseconds` (`Spin`, with
/// its CPU check) before it sleeps on a condition variable, as the helper's handoffs do.
///
/// Why: with pthread_barrier_wait the first side to arrive always slept in the kernel and
/// was woken by the second; the window and series-window paths pass three or four barriers
/// a call, and at n = 10^4 a phase takes 30 to 200 us, so each wake-up sat on the critical
/// path. Measured (C driver, n = 10^4, T / spread 1e-3, series-window path): 4.2 context
/// switches a call -> 2.5, median wall of 8-10 alternating processes 0.93-0.95x; 10^5 at
/// 1e-5 and 1e-4, 1.00x and 0.99x (phases of milliseconds).
///
/// A round: each side reads the rounds completed, then adds its arrival (acquire-release,
/// so the second side sees everything the first wrote before it); the second resets the
/// arrivals and completes the round (release, under the lock, waking a sleeper), and the
/// first returns once it sees the round completed (acquire). The reset precedes the
/// release, so a side's next arrival always counts from 0.
struct TeamBarrier {
    /// Arrivals of the current round, rounds completed, each side's last CPU (`Spin`).
    private let state: UnsafeMutablePointer<Atomic<Int>>
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private let wake: UnsafeMutablePointer<pthread_cond_t>
    /// Guarded by `lock`: sides asleep.
    private let sleeping: UnsafeMutablePointer<Int>
    private let schedGetCPU: SchedGetCPU?

    /// A barrier from malloc (nil when it cannot be had).
    static func make(cpu schedGetCPU: SchedGetCPU?) -> TeamBarrier? {
        // Four atomics, the mutex, the condition variable and `sleeping`, in that order
        // (each at a multiple of 8 bytes, all their alignment needs).
        guard let raw = malloc(4 * MemoryLayout<Atomic<Int>>.stride + MemoryLayout<pthread_mutex_t>.stride
                               + MemoryLayout<pthread_cond_t>.stride + MemoryLayout<Int>.stride) else { return nil }
        let state = raw.bindMemory(to: Atomic<Int>.self, capacity: 4)
        for k in 0..<4 { (state + k).initialize(to: Atomic<Int>(k < 2 ? 0 : -1)) }
        let lockRaw = raw + 4 * MemoryLayout<Atomic<Int>>.stride
        let lock = lockRaw.bindMemory(to: pthread_mutex_t.self, capacity: 1)
        let condRaw = lockRaw + MemoryLayout<pthread_mutex_t>.stride
        let wake = condRaw.bindMemory(to: pthread_cond_t.self, capacity: 1)
        let sleeping = (condRaw + MemoryLayout<pthread_cond_t>.stride).bindMemory(to: Int.self, capacity: 1)
        sleeping.initialize(to: 0)
        guard pthread_mutex_init(lock, nil) == 0 else { free(raw); return nil }
        guard pthread_cond_init(wake, nil) == 0 else { pthread_mutex_destroy(lock); free(raw); return nil }
        return TeamBarrier(state: state, lock: lock, wake: wake, sleeping: sleeping, schedGetCPU: schedGetCPU)
    }

    /// Frees it (no side waits in it any more).
    func destroy() {
        pthread_cond_destroy(wake)
        pthread_mutex_destroy(lock)
        state.deinitialize(count: 4)
        free(UnsafeMutableRawPointer(state))
    }

    /// Waits for the other side (`leader`: the calling thread's side, whose CPU slot it
    /// writes while spinning).
    func wait(leader: Bool) {
        let round = state[1].load(ordering: .acquiring)
        if state[0].wrappingAdd(1, ordering: .acquiringAndReleasing).newValue == 2 {
            state[0].store(0, ordering: .relaxed)
            pthread_mutex_lock(lock)
            state[1].wrappingAdd(1, ordering: .releasing)
            if sleeping.pointee != 0 { pthread_cond_signal(wake) }
            pthread_mutex_unlock(lock)
            return
        }
        var spin = Spin()
        let mine = state + (leader ? 2 : 3), other = state + (leader ? 3 : 2)
        while state[1].load(ordering: .acquiring) == round {
            if spin.again(mine: mine.pointee, other: other.pointee, cpu: schedGetCPU) { continue }
            pthread_mutex_lock(lock)
            sleeping.pointee += 1
            while state[1].load(ordering: .acquiring) == round { pthread_cond_wait(wake, lock) }
            sleeping.pointee -= 1
            pthread_mutex_unlock(lock)
        }
    }
}

/// Runs `body(context, worker)` SPMD-style on a team: with `chunkCount == 2`, once on the
/// calling thread (chunk 0) and once on a second thread (chunk 1), and returns after
/// both finished; otherwise (or if no second thread or barrier can be had) once on the
/// calling thread owning all `chunkCount` chunks.
///
/// The second thread is the process's persistent helper (`TeamHelper`) when it is free,
/// else (another caller is using it, or it cannot be started) a new POSIX thread joined
/// before returning, as every team had before the helper existed. Starting and joining a
/// thread costs about 40 us on this project's machines (2 cores, a VM), several times a
/// call at n = 10^5; handing a job to a helper that is still spinning after its last one
/// costs well under a microsecond.
///
/// No Swift heap allocation: `body` must capture nothing (a closure literal that uses
/// only its two arguments, its state reached through `context`), so the function value
/// has no context to allocate or retain; the helper's context lives on this stack frame
/// until the second thread has finished with it, and the barrier comes from malloc,
/// whose failure means one thread. (A closure that captured would be allocated by the
/// caller and could trap when memory is short; Tests/c/test_alloc_fail.c fails every
/// allocation of the two-thread paths in turn to check that none is left.) In a generic
/// caller, `body` is capture-free once the caller is specialized, which whole-module
/// optimization does for every call in the library.
///
/// Memory written by different chunks in the same phase must be disjoint; phases are
/// separated by `synchronize()`. pthreads rather than Dispatch: the library links the
/// Swift runtime statically and must not depend on libdispatch.so.
///
///     var job = Job(...)
///     withUnsafeMutablePointer(to: &job) { p in
///         runAsTeam(chunkCount: 2, context: p) { raw, worker in
///             raw.assumingMemoryBound(to: Job.self).pointee.run(worker)
///         }
///     }
func runAsTeam(
    chunkCount: Int, context: UnsafeMutableRawPointer, helper team: TeamHelper? = TeamHelper.shared,
    _ body: @escaping (UnsafeMutableRawPointer, TeamWorker) -> Void
) {
    let solo = TeamWorker.solo(chunkCount: chunkCount)
    guard chunkCount == 2, let barrier = TeamBarrier.make(cpu: team?.schedGetCPU ?? lookUpSchedGetCPU())
    else { return body(context, solo) }
    defer { barrier.destroy() }
    var helper = HelperContext(
        body: body, context: context,
        worker: TeamWorker(chunks: 1..<2, isLeader: false, barrier: barrier))
    withUnsafeMutablePointer(to: &helper) { helperPointer in
        let job = UnsafeMutableRawPointer(helperPointer)
        if let team, team.post(job) {
            body(context, TeamWorker(chunks: 0..<1, isLeader: true, barrier: barrier))
            team.wait()
            return
        }
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            // (Capture-free: a C function. It reaches everything through `raw`.)
            HelperContext.run(raw!)
            return nil
        }, job)
        guard status == 0 else { return body(context, solo) }
        body(context, TeamWorker(chunks: 0..<1, isLeader: true, barrier: barrier))
        pthread_join(thread, nil)
    }
}

/// What the second thread runs; it lives on the caller's stack until the second thread
/// has finished it.
private struct HelperContext {
    let body: (UnsafeMutableRawPointer, TeamWorker) -> Void
    let context: UnsafeMutableRawPointer
    let worker: TeamWorker

    /// Runs the job at `raw` (a `HelperContext`).
    static func run(_ raw: UnsafeMutableRawPointer) {
        let helper = raw.assumingMemoryBound(to: HelperContext.self)
        helper.pointee.body(helper.pointee.context, helper.pointee.worker)
    }
}

/// The process's persistent second thread (one per build of the core; a process
/// computes with one build).
///
/// One caller at a time owns it (`post` claims it, `wait` frees it); a caller that finds
/// it owned starts a thread of its own instead, so concurrent callers never wait for
/// each other. Handoffs spin first and sleep after: the helper spins up to
/// `spinNanoseconds` for its next job before sleeping on a condition variable, the
/// caller likewise for the helper's end of a job. A call's teams follow each other
/// within microseconds, so inside a call neither side sleeps; between calls the helper
/// sleeps (no CPU).
///
/// - Started on the first two-thread team, detached; if it cannot be started (no
///   memory, no threads), `shared` stays usable and each team starts a thread of its
///   own as before (and tries the helper again next time).
/// - It never exits; the library is linked `-z nodelete` (Package.swift), so `dlclose`
///   never unmaps code it runs.
/// - fork: the child has no helper thread. A fork handler takes the mutex around fork
///   (no handoff half done) and, in the child, marks the helper not started: the
///   child's first team starts its own.
final class TeamHelper: @unchecked Sendable {
    /// How long a side spins before it sleeps: 20 us, longer than the gaps between most
    /// of one call's teams, and short enough that a handoff on a shared core (see
    /// `Spin`) costs less than the thread start it replaces (about 40 us).
    static let spinNanoseconds = 20_000

    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private let jobPosted: UnsafeMutablePointer<pthread_cond_t>
    private let jobDone: UnsafeMutablePointer<pthread_cond_t>
    /// Guarded by `lock`: whether the thread runs (reset in a fork's child), and whether
    /// it or a caller sleeps on its condition variable.
    private var started = false
    private var helperSleeps = false
    private var callerSleeps = false
    /// Claimed by the caller that owns the helper (0 free, 1 owned).
    private let owned = Atomic<Int>(0)
    /// Jobs posted and jobs finished (the job is in `job` while posted > finished).
    private let posted = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    /// The CPU each side last ran on (-1: not known), written as it posts, starts a job or
    /// spins (see `Spin`): a side that finds the other on its own CPU stops spinning.
    private let callerCPU = Atomic<Int>(-1)
    private let helperCPU = Atomic<Int>(-1)
    /// glibc's `sched_getcpu`, looked up when the helper is made, before any thread can
    /// read it (a lazy global would be initialized by the first two threads to race there).
    let schedGetCPU: SchedGetCPU? = lookUpSchedGetCPU()
    nonisolated(unsafe) private var job: UnsafeMutableRawPointer? = nil

    /// A helper of its own (tests; the library uses `shared`). Its thread never exits.
    init?() {
        guard let lock = malloc(MemoryLayout<pthread_mutex_t>.stride)?
                .bindMemory(to: pthread_mutex_t.self, capacity: 1) else { return nil }
        guard let conds = malloc(2 * MemoryLayout<pthread_cond_t>.stride)?
                .bindMemory(to: pthread_cond_t.self, capacity: 2) else {
            free(lock)
            return nil
        }
        pthread_mutex_init(lock, nil)
        pthread_cond_init(conds, nil)
        pthread_cond_init(conds + 1, nil)
        self.lock = lock
        jobPosted = conds
        jobDone = conds + 1
    }

    /// The helper (nil only if its mutex could not be allocated: then teams start their
    /// own threads).
    static let shared: TeamHelper? = {
        guard let helper = TeamHelper() else { return nil }
        forkHelper = Unmanaged.passRetained(helper).toOpaque()
        pthread_atfork(
            { if let h = forkHelper { pthread_mutex_lock(Unmanaged<TeamHelper>.fromOpaque(h).takeUnretainedValue().lock) } },
            { if let h = forkHelper { pthread_mutex_unlock(Unmanaged<TeamHelper>.fromOpaque(h).takeUnretainedValue().lock) } },
            { if let h = forkHelper { Unmanaged<TeamHelper>.fromOpaque(h).takeUnretainedValue().resetInForkChild() } })
        return helper
    }()

    /// Claims the helper and hands it `job` (a `HelperContext`); false (nothing done) if
    /// another caller owns it or its thread cannot be started.
    func post(_ job: UnsafeMutableRawPointer) -> Bool {
        guard owned.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged else { return false }
        pthread_mutex_lock(lock)
        if !started {
            var thread = pthread_t()
            var attributes = pthread_attr_t()
            var status = pthread_attr_init(&attributes)
            if status == 0 {
                pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
                status = pthread_create(&thread, &attributes, { raw in
                    Unmanaged<TeamHelper>.fromOpaque(raw!).takeUnretainedValue().loop()
                    return nil
                }, Unmanaged.passUnretained(self).toOpaque())
                pthread_attr_destroy(&attributes)
            }
            guard status == 0 else {
                pthread_mutex_unlock(lock)
                owned.store(0, ordering: .releasing)
                return false
            }
            started = true
        }
        self.job = job
        callerCPU.store(cpu(schedGetCPU), ordering: .relaxed)
        posted.wrappingAdd(1, ordering: .releasing)
        if helperSleeps { pthread_cond_signal(jobPosted) }
        pthread_mutex_unlock(lock)
        return true
    }

    /// Waits until the helper has finished the posted job, then frees the helper.
    func wait() {
        let target = posted.load(ordering: .relaxed)
        var spin = Spin()
        while finished.load(ordering: .acquiring) != target {
            if spin.again(mine: callerCPU, other: helperCPU, cpu: schedGetCPU) { continue }
            pthread_mutex_lock(lock)
            callerSleeps = true
            while finished.load(ordering: .acquiring) != target { pthread_cond_wait(jobDone, lock) }
            callerSleeps = false
            pthread_mutex_unlock(lock)
        }
        owned.store(0, ordering: .releasing)
    }

    /// The helper thread: runs each posted job, spinning for the next before sleeping.
    private func loop() {
        var done = 0
        while true {
            var spin = Spin()
            while posted.load(ordering: .acquiring) == done {
                if spin.again(mine: helperCPU, other: callerCPU, cpu: schedGetCPU) { continue }
                pthread_mutex_lock(lock)
                helperSleeps = true
                while posted.load(ordering: .acquiring) == done { pthread_cond_wait(jobPosted, lock) }
                helperSleeps = false
                pthread_mutex_unlock(lock)
            }
            done &+= 1
            helperCPU.store(cpu(schedGetCPU), ordering: .relaxed)
            if let job { HelperContext.run(job) }
            finished.store(done, ordering: .releasing)
            pthread_mutex_lock(lock)
            if callerSleeps { pthread_cond_signal(jobDone) }
            pthread_mutex_unlock(lock)
        }
    }

    /// In a fork's child (one thread, the mutex held by the fork handler): no helper
    /// thread, nothing owned or posted.
    private func resetInForkChild() {
        pthread_mutex_init(lock, nil)
        pthread_cond_init(jobPosted, nil)
        pthread_cond_init(jobDone, nil)
        started = false
        helperSleeps = false
        callerSleeps = false
        owned.store(0, ordering: .relaxed)
        posted.store(0, ordering: .relaxed)
        finished.store(0, ordering: .relaxed)
        callerCPU.store(-1, ordering: .relaxed)
        helperCPU.store(-1, ordering: .relaxed)
        job = nil
    }
}

/// `TeamHelper.shared`, retained, for its fork handlers (C function pointers, which
/// capture nothing). Written once, before the handlers are registered.
nonisolated(unsafe) private var forkHelper: UnsafeMutableRawPointer? = nil

/// A spin of at most `TeamHelper.spinNanoseconds`: `again` is true while it lasts (the
/// clock read every 64 rounds). A plain spin, kept short: when the scheduler puts the
/// caller and the helper on one core, the spinning side holds the core the other needs
/// until its spin ends, so each handoff can cost the whole spin (with 50 us, Python calls
/// at n = 25,000 took 722 us against 505 us with a thread per phase). Hence also the CPU
/// check: every 64 rounds the spinning side writes its CPU to `mine` and ends the spin
/// (so that it sleeps) when `other`, the other side's last CPU, is the same. Measured
/// with both threads held on one CPU (`taskset -c 0`, C driver, n = 10^4, one-cell path
/// on two threads): README, Stop 48.
/// Yielding the core each round (`sched_yield`) avoided that on a quiet machine, but on
/// a loaded one a yield can give the core away for a whole time slice (in CI's parallel
/// Swift test run the helper was then found busy far more often).
private struct Spin {
    private var rounds = 0
    private var deadline: Int? = nil

    mutating func again(mine: borrowing Atomic<Int>, other: borrowing Atomic<Int>,
                        cpu schedGetCPU: SchedGetCPU?) -> Bool {
        rounds &+= 1
        guard rounds & 63 == 0 else { return true }
        let here = cpu(schedGetCPU)
        mine.store(here, ordering: .relaxed)
        if here >= 0 && here == other.load(ordering: .relaxed) { return false }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let t = now.tv_sec * 1_000_000_000 + now.tv_nsec
        guard let deadline else {
            self.deadline = t + TeamHelper.spinNanoseconds
            return true
        }
        return t < deadline
    }
}

/// glibc's `sched_getcpu`: the CPU the calling thread runs on (a read of the thread's rseq
/// area or the vDSO, no system call), or -1.
typealias SchedGetCPU = @convention(c) () -> Int32

/// `sched_getcpu`, which Swift's Glibc module does not declare, found with `dlsym`; nil
/// where it cannot be had.
private func lookUpSchedGetCPU() -> SchedGetCPU? {
    #if canImport(Glibc)
    guard let symbol = dlsym(nil, "sched_getcpu") else { return nil }
    return unsafeBitCast(symbol, to: SchedGetCPU.self)
    #else
    return nil
    #endif
}

/// The CPU the calling thread runs on, -1 where that cannot be had.
@inline(__always)
private func cpu(_ schedGetCPU: SchedGetCPU?) -> Int {
    guard let schedGetCPU else { return -1 }
    return Int(schedGetCPU())
}

/// The half-open index range of logical chunk `chunk` of `count` elements cut into
/// `chunkCount` near-equal parts.
@inline(__always)
func chunkRange(_ chunk: Int, of chunkCount: Int, count: Int) -> Range<Int> {
    (count * chunk / chunkCount)..<(count * (chunk + 1) / chunkCount)
}

/// Runs of consecutive buckets claimed by a team of two from the two ends (the exact
/// AUROC's phase 4): worker 0 takes batches from the front, worker 1 from the back, until
/// they meet. A worker that starts late or runs slow (woken late, preempted, or given the
/// costlier buckets) then leaves work to the other instead of holding up the call; what
/// each worker computes from its runs is combined exactly, so the results do not depend
/// on where they met. One atomic word holds both ends (front << 32 | back); a batch is
/// the fewest buckets from its end that hold at least `batch` samples, or all that are
/// left. Relaxed ordering: the buckets were written before the team's last barrier, each
/// is claimed once, and the results are read after the next one.
///
/// Lives in caller-provided memory (`padding` Ints on each side keep it on a cache line
/// of its own); `release()` before that memory goes.
struct BucketClaims {
    static let padding = 8
    private let state: UnsafeMutablePointer<Atomic<Int>>

    init(at storage: UnsafeMutablePointer<Int>) {
        state = UnsafeMutableRawPointer(storage).bindMemory(to: Atomic<Int>.self, capacity: 1)
        state.initialize(to: Atomic<Int>(0))
    }

    func release() {
        state.deinitialize(count: 1)
        UnsafeMutableRawPointer(state).bindMemory(to: Int.self, capacity: 1)
    }

    /// Every bucket of `0..<bucketCount` unclaimed (bucketCount < 2^31).
    func reset(bucketCount: Int) {
        state.pointee.store(bucketCount, ordering: .relaxed)
    }

    /// The next batch from the front, or nil when none is left. `starts[b]`: the first
    /// sample of bucket b, ascending.
    func front(starts: UnsafePointer<Int>, batch: Int) -> Range<Int>? {
        var s = state.pointee.load(ordering: .relaxed)
        while true {
            let f = s &>> 32, b = s & 0xFFFF_FFFF
            guard f < b else { return nil }
            let limit = starts[f] &+ batch
            var e = f &+ 1
            while e < b && starts[e] < limit { e &+= 1 }
            let (exchanged, original) = state.pointee.compareExchange(
                expected: s, desired: e &<< 32 | b, ordering: .relaxed)
            if exchanged { return f..<e }
            s = original
        }
    }

    /// Once neither end has a batch left (after a synchronize()): where the two met, the
    /// first sample of the back's batches (`total` if the back took none).
    func meeting(starts: UnsafePointer<Int>, bucketCount: Int, total: Int) -> Int {
        let f = state.pointee.load(ordering: .relaxed) &>> 32
        return f < bucketCount ? starts[f] : total
    }

    /// The next batch from the back (buckets ascending within it), or nil when none is
    /// left; `total` ends the last bucket.
    func back(starts: UnsafePointer<Int>, bucketCount: Int, total: Int, batch: Int) -> Range<Int>? {
        var s = state.pointee.load(ordering: .relaxed)
        while true {
            let f = s &>> 32, b = s & 0xFFFF_FFFF
            guard f < b else { return nil }
            let limit = (b < bucketCount ? starts[b] : total) &- batch
            var e = b &- 1
            while e > f && starts[e] > limit { e &-= 1 }
            let (exchanged, original) = state.pointee.compareExchange(
                expected: s, desired: f &<< 32 | e, ordering: .relaxed)
            if exchanged { return e..<b }
            s = original
        }
    }
}
