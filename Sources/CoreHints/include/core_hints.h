// Hints to the processor that the Swift core cannot write in Swift: a prefetch of the
// cache line holding an address (Swift has no prefetch intrinsic). Header-only: the
// functions are static inline, so each call compiles to one prefetch instruction in the
// Swift code that makes it (ExponentialFarField.swift). A hint has no effect on any
// result: it moves no data the program can see and never faults, whatever the address.
#ifndef DIFFAUROC_CORE_HINTS_H
#define DIFFAUROC_CORE_HINTS_H

/// Asks for the cache line holding `address` to be brought close (all cache levels),
/// to be read soon.
static inline __attribute__((always_inline)) void core_prefetch_read(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

/// The same, for a line about to be written.
static inline __attribute__((always_inline)) void core_prefetch_write(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

#endif
