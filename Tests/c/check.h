/*
 * check.h -- the pass/fail bookkeeping shared by the small C test programs
 * (test_dlopen.c, test_alloc_fail.c, test_xla_ffi.c): CHECK(cond, what) counts a check and
 * prints "FAIL line N: what" when it fails; check_summary() prints the closing
 * "N passed, N failed" line that scripts/test_native.sh reads and returns the exit status.
 * Header-only (static): each program has its own counters.
 */
#ifndef DIFFAUROC_TESTS_CHECK_H
#define DIFFAUROC_TESTS_CHECK_H

#include <stdio.h>

static int n_passed = 0, n_failed = 0;

static void check(int ok, int line, const char *what) {
    if (ok) {
        n_passed++;
    } else {
        n_failed++;
        printf("FAIL line %d: %s\n", line, what);
    }
}

#define CHECK(cond, what) check((cond) != 0, __LINE__, (what))

/* Prints "N passed, N failed"; returns 0 when nothing failed, else 1. */
static int check_summary(void) {
    printf("%d passed, %d failed\n", n_passed, n_failed);
    return n_failed == 0 ? 0 : 1;
}

#endif /* DIFFAUROC_TESTS_CHECK_H */
