"""The GIL is released during library calls, and concurrent calls are safe.

GIL test: a worker thread makes one long library call while the main thread runs a
pure-Python loop and records the longest pause between two of its iterations. If the
call released the GIL, the main thread never waits for it (pauses stay at the interpreter's
switch interval, 5 ms); if it held the GIL, the main thread is frozen for the whole call.
The same measurement through a ctypes.PyDLL handle of the same library, which holds the
GIL, is the control showing that the measurement can tell the two apart.
"""
from __future__ import annotations

import ctypes
import threading
import time

import numpy as np
import pytest

import diffauroc
from diffauroc import _lib
from checks import soft_errors

MIN_CALL_SECONDS = 0.3


def _call_soft_grad(function, scores, labels, temperature):
    p = ctypes.POINTER(ctypes.c_double)
    value, dtemperature = ctypes.c_double(), ctypes.c_double()
    grad = np.empty_like(scores)
    status = function(scores.ctypes.data_as(p), labels.ctypes.data_as(p), None, scores.size,
                      temperature, ctypes.byref(value), grad.ctypes.data_as(p),
                      ctypes.byref(dtemperature))
    assert status == 0
    return value.value


@pytest.fixture(scope="module")
def long_problem():
    """Inputs on which auroc_soft_grad takes at least MIN_CALL_SECONDS (sized by timing, so
    the test does not depend on how fast the library's algorithm is)."""
    rng = np.random.default_rng(0)
    n = 4096
    while True:
        scores = rng.normal(size=n)
        labels = (rng.random(n) < 0.5).astype(np.float64)
        start = time.perf_counter()
        diffauroc.auroc_soft_grad(scores, labels, 0.5)
        elapsed = time.perf_counter() - start
        if elapsed >= MIN_CALL_SECONDS or n >= 1 << 25:
            return scores, labels
        n *= 2 if elapsed > MIN_CALL_SECONDS / 8 else 4


def _longest_pause_during(call) -> tuple[float, float, int]:
    """Runs call() in a thread; returns (its duration, the main thread's longest pause
    between loop iterations while it ran, the number of iterations)."""
    go = threading.Event()
    span = []

    def worker():
        go.wait()
        start = time.perf_counter()
        call()
        span.append(time.perf_counter() - start)

    thread = threading.Thread(target=worker)
    thread.start()
    go.set()
    last = time.perf_counter()
    longest = 0.0
    iterations = 0
    while thread.is_alive():
        now = time.perf_counter()
        longest = max(longest, now - last)
        last = now
        iterations += 1
    thread.join()
    return span[0], longest, iterations


def test_library_calls_release_the_gil(long_problem):
    scores, labels = long_problem
    duration, longest, iterations = _longest_pause_during(
        lambda: _call_soft_grad(_lib.lib.auroc_soft_grad, scores, labels, 0.5))
    assert duration >= MIN_CALL_SECONDS * 0.5
    assert longest < 0.5 * duration, (duration, longest)
    assert iterations > 1000


def test_public_functions_release_the_gil(long_problem):
    scores, labels = long_problem
    duration, longest, _ = _longest_pause_during(
        lambda: diffauroc.auroc_soft_grad(scores, labels, 0.5))
    assert longest < 0.5 * duration, (duration, longest)


def test_control_a_pydll_handle_holds_the_gil(long_problem):
    # The measurement above must be able to fail: the same call through PyDLL (which keeps
    # the GIL) freezes the main thread for about the whole call.
    scores, labels = long_problem
    held = _lib.declare(ctypes.PyDLL(str(_lib.path)))
    duration, longest, _ = _longest_pause_during(
        lambda: _call_soft_grad(held.auroc_soft_grad, scores, labels, 0.5))
    assert longest > 0.8 * duration, (duration, longest)


def test_concurrent_calls_give_the_serial_results():
    rng = np.random.default_rng(1)
    problems = []
    for k in range(16):
        n = int(rng.integers(2, 3000))
        labels = (rng.random(n) < 0.4).astype(np.float64)
        labels[:2] = [1, 0]
        weights = rng.random(n) if k % 2 else None
        problems.append((rng.normal(size=n), labels, 10.0 ** rng.uniform(-2, 2), weights))
    serial = [(diffauroc.auroc_soft_grad(s, y, t, w), diffauroc.auroc_exact(s, y, w))
              for s, y, t, w in problems]
    results = [None] * len(problems)
    errors = []

    def work(k):
        try:
            s, y, t, w = problems[k]
            for _ in range(5):
                results[k] = (diffauroc.auroc_soft_grad(s, y, t, w), diffauroc.auroc_exact(s, y, w))
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(len(problems))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for (s, y, t, w), (soft, exact), (serial_soft, serial_exact) in zip(problems, results, serial):
        assert max(soft_errors(soft, serial_soft, y, t, w).values()) <= 1e-12
        assert exact == serial_exact
