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
    fileprivate let barrier: UnsafeMutablePointer<pthread_barrier_t>?

    /// A team of one on the calling thread owning `chunkCount` chunks.
    static func solo(chunkCount: Int) -> TeamWorker {
        TeamWorker(chunks: 0..<chunkCount, isLeader: true, barrier: nil)
    }

    /// Waits until every worker of the team has reached this call. All workers must call
    /// it the same number of times (the team's phases are the same code on every worker).
    func synchronize() {
        if let barrier { pthread_barrier_wait(barrier) }
    }
}

/// Runs `body(context, worker)` SPMD-style on a team: with `chunkCount == 2`, once on the
/// calling thread (chunk 0) and once on a new POSIX thread (chunk 1), and returns after
/// both finished; otherwise (or if a thread or the barrier cannot be created) once on
/// the calling thread owning all `chunkCount` chunks.
///
/// No Swift heap allocation: `body` must capture nothing (a closure literal that uses
/// only its two arguments, its state reached through `context`), so the function value
/// has no context to allocate or retain; the helper's context lives on this stack frame
/// until the thread is joined, and the barrier comes from malloc, whose failure means one
/// thread. (A closure that captured would be allocated by the caller and could trap when
/// memory is short; Tests/c/test_alloc_fail.c fails every allocation of the two-thread
/// paths in turn to check that none is left.) In a generic caller, `body` is
/// capture-free once the caller is specialized, which whole-module optimization does
/// for every call in the library.
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
    chunkCount: Int, context: UnsafeMutableRawPointer,
    _ body: @escaping (UnsafeMutableRawPointer, TeamWorker) -> Void
) {
    let solo = TeamWorker.solo(chunkCount: chunkCount)
    guard chunkCount == 2,
          let raw = malloc(MemoryLayout<pthread_barrier_t>.stride)
    else { return body(context, solo) }
    defer { free(raw) }
    let barrier = raw.bindMemory(to: pthread_barrier_t.self, capacity: 1)
    guard pthread_barrier_init(barrier, nil, 2) == 0 else { return body(context, solo) }
    defer { pthread_barrier_destroy(barrier) }
    var helper = HelperContext(
        body: body, context: context,
        worker: TeamWorker(chunks: 1..<2, isLeader: false, barrier: barrier))
    withUnsafeMutablePointer(to: &helper) { helperPointer in
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            // (Capture-free: a C function. It reaches everything through `raw`.)
            let helper = raw!.assumingMemoryBound(to: HelperContext.self)
            helper.pointee.body(helper.pointee.context, helper.pointee.worker)
            return nil
        }, helperPointer)
        guard status == 0 else { return body(context, solo) }
        body(context, TeamWorker(chunks: 0..<1, isLeader: true, barrier: barrier))
        pthread_join(thread, nil)
    }
}

/// What the second thread runs; it lives on the caller's stack until the thread is joined.
private struct HelperContext {
    let body: (UnsafeMutableRawPointer, TeamWorker) -> Void
    let context: UnsafeMutableRawPointer
    let worker: TeamWorker
}

/// The half-open index range of logical chunk `chunk` of `count` elements cut into
/// `chunkCount` near-equal parts.
@inline(__always)
func chunkRange(_ chunk: Int, of chunkCount: Int, count: Int) -> Range<Int> {
    (count * chunk / chunkCount)..<(count * (chunk + 1) / chunkCount)
}
