/// Runs `first(context)` on the calling thread and `second(context)` on one new POSIX
/// thread (through `runAsTeam`), and returns when both have finished. With
/// `inParallel == false`, or if the thread cannot be created, it runs `first` then
/// `second` on the calling thread.
///
/// No Swift heap allocation (a failed one traps): `first` and `second` must capture
/// nothing, reaching all they need through `context` (copied once, to this stack frame),
/// so they are function values without a context; Tests/c/test_alloc_fail.c fails every
/// allocation of the parallel paths in turn and would find one.
///
/// Determinism: the two bodies must write disjoint memory and must not depend on each
/// other's results; then the outputs are the same bits whether they ran concurrently or
/// one after the other, whatever the thread timing. Every parallel phase of the fast soft
/// AUROC partitions its work by data alone (never by thread count or timing) and combines
/// partial sums in a fixed order, so its results are bitwise reproducible.
///
/// pthreads rather than Dispatch: the library links the Swift runtime statically and must
/// not depend on libdispatch.so at run time.
///
///     runConcurrently(inParallel: n > 50_000, with: (data, half),
///                     { sweepBelow($0.0, $0.1) }, { sweepAbove($0.0, $0.1) })
func runConcurrently<Context>(
    inParallel: Bool, with context: Context,
    _ first: @escaping (Context) -> Void, _ second: @escaping (Context) -> Void
) {
    guard inParallel else {
        first(context)
        second(context)
        return
    }
    // A team of two (WorkerTeam.swift) owning chunk 0 = first, chunk 1 = second; if the
    // second thread cannot be started the calling thread runs both chunks in order.
    var pair = ConcurrentPair(context: context, first: first, second: second)
    withUnsafeMutablePointer(to: &pair) { pointer in
        runAsTeam(chunkCount: 2, context: UnsafeMutableRawPointer(pointer)) { raw, worker in
            let pair = raw.assumingMemoryBound(to: ConcurrentPair<Context>.self)
            for chunk in worker.chunks {
                if chunk == 0 {
                    pair.pointee.first(pair.pointee.context)
                } else {
                    pair.pointee.second(pair.pointee.context)
                }
            }
        }
    }
}

/// The two bodies of `runConcurrently` and their context, on the caller's stack.
private struct ConcurrentPair<Context> {
    let context: Context
    let first: (Context) -> Void
    let second: (Context) -> Void
}
