#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `first` on the calling thread and `second` on one new POSIX thread, and returns
/// when both have finished. With `inParallel == false`, or if the thread cannot be
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
    withoutActuallyEscaping(second) { escapable in
        let task = ThreadTask(escapable)
        let context = Unmanaged.passRetained(task).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            let task = Unmanaged<ThreadTask>.fromOpaque(raw!).takeRetainedValue()
            task.body()
            return nil
        }, context)
        if status != 0 {
            Unmanaged<ThreadTask>.fromOpaque(context).release()
            first()
            escapable()
            return
        }
        first()
        pthread_join(thread, nil)
    }
}

/// The closure handed to the second thread. It never outlives `runConcurrently`, which
/// joins the thread before returning.
private final class ThreadTask: @unchecked Sendable {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}
