/// Runs `first` on the calling thread and `second` on one new POSIX thread (through
/// `runAsTeam`), and returns when both have finished. With `inParallel == false`, or if the thread cannot be
/// created, it runs `first` then `second` on the calling thread.
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
///     runConcurrently(inParallel: n > 50_000, { sweepBelow() }, { sweepAbove() })
func runConcurrently(inParallel: Bool, _ first: () -> Void, _ second: () -> Void) {
    guard inParallel else {
        first()
        second()
        return
    }
    // A team of two (WorkerTeam.swift) owning chunk 0 = first, chunk 1 = second; if the
    // second thread cannot be started the calling thread runs both chunks in order.
    runAsTeam(chunkCount: 2) { worker in
        for chunk in worker.chunks {
            if chunk == 0 { first() } else { second() }
        }
    }
}
