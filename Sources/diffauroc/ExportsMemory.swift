// diffauroc_release_memory (include/diffauroc.h): frees the large scratch blocks that the
// core keeps between calls (`ScratchPool`, Sources/DiffAUROCCore/ScratchPool.swift). On
// x86-64 the core is built twice (Kernels.swift), each build with its own pool: both are
// released (a process computes with one of them, so the other one is normally empty).

import DiffAUROCCore
#if arch(x86_64)
import DiffAUROCCoreAVX2
#endif

@_cdecl("diffauroc_release_memory")
public func diffaurocReleaseMemory(_ releasedBytes: UnsafeMutablePointer<UInt>?) -> Int32 {
    var released = DiffAUROCCore.releaseScratchMemory()
    #if arch(x86_64)
    released += DiffAUROCCoreAVX2.releaseScratchMemory()
    #endif
    releasedBytes?.pointee = UInt(released)
    return Status.ok.rawValue
}
