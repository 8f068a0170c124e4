"""diffauroc.release_memory and the cache of large scratch blocks behind it.

The library keeps its temporary blocks of 64 KiB and more between calls; release_memory()
frees them and returns their bytes. Checked: the bytes after a call that needs such
blocks (auroc_exact at n = 600,000: at least its 8 bytes per sample of sort words), 0
right after a release, values of repeated calls on other data against a counting oracle
(the reused blocks hold the previous call's data), and DIFFAUROC_SCRATCH_POOL_BYTES (0:
nothing kept; a cap below one block: nothing kept) in fresh processes.
"""
import os
import subprocess
import sys

import numpy as np
import pytest

import diffauroc

N = 600_000


def counting_auroc(scores, labels):
    """AUROC by counting, ties 1/2: 2U / (2PQ), both exact integers below 2^53 here, so
    one float division is correctly rounded."""
    positives = np.sort(scores[labels == 1])
    negatives = np.sort(scores[labels == 0])
    below = np.searchsorted(negatives, positives, side="left").astype(np.int64)
    at_or_below = np.searchsorted(negatives, positives, side="right").astype(np.int64)
    twice_u = int(below.sum()) + int(at_or_below.sum())  # 2 * below + tied
    return twice_u / (2 * len(positives) * len(negatives))


def pool_off():
    return os.environ.get("DIFFAUROC_SCRATCH_POOL_BYTES") == "0"


def test_release_returns_bytes_then_zero():
    diffauroc.release_memory()
    assert diffauroc.release_memory() == 0
    rng = np.random.default_rng(7)
    for n, levels in [(N, 2_000_003), (N // 2 + 1, 1000), (N - 3, 97), (N, 2_000_003)]:
        scores = rng.integers(0, levels, n).astype(np.float64)
        labels = (rng.integers(0, 3, n) == 0).astype(np.float64)
        assert diffauroc.auroc_exact(scores, labels) == counting_auroc(scores, labels)
    released = diffauroc.release_memory()
    assert isinstance(released, int)
    if pool_off():
        assert released == 0
    else:
        assert released >= N * 8
    assert diffauroc.release_memory() == 0


def test_small_calls_keep_only_their_fixed_blocks():
    """n = 1,000: what is kept is the blocks of fixed size a call takes whatever n (the
    exact AUROC's, 688,128 bytes; the soft AUROC's window batch, 75,552 bytes), nothing
    that grows with n; and a second call of the same kind keeps no more."""
    scores = np.arange(1000, dtype=np.float64)
    labels = (np.arange(1000) % 2).astype(np.float64)
    for call, bound in [(lambda: diffauroc.auroc_exact(scores, labels), 1 << 20),
                        (lambda: diffauroc.auroc_soft_grad(scores, labels, 0.5), 128 * 1024)]:
        diffauroc.release_memory()
        call()
        call()
        kept = diffauroc.release_memory()
        assert kept <= bound
        if pool_off():
            assert kept == 0


def bytes_released_in_fresh_process(setting):
    """In a fresh process with DIFFAUROC_SCRATCH_POOL_BYTES = `setting` (None: unset): one
    exact AUROC of N samples, then what release_memory() freed."""
    program = (
        "import numpy as np, diffauroc\n"
        f"s = np.arange({N}, dtype=np.float64) % 1009\n"
        f"y = (np.arange({N}) % 3 == 0).astype(np.float64)\n"
        "diffauroc.auroc_exact(s, y)\n"
        "print(diffauroc.release_memory())\n"
    )
    environment = {k: v for k, v in os.environ.items() if k != "DIFFAUROC_SCRATCH_POOL_BYTES"}
    if setting is not None:
        environment["DIFFAUROC_SCRATCH_POOL_BYTES"] = setting
    out = subprocess.run([sys.executable, "-c", program], env=environment, check=True,
                         capture_output=True, text=True).stdout
    return int(out)


@pytest.mark.parametrize("setting", ["0", "1000"])
def test_environment_variable_caps_the_cache(setting):
    """0 turns the cache off; a cap smaller than one block keeps nothing either."""
    assert bytes_released_in_fresh_process(setting) == 0


def test_environment_default_keeps_the_blocks():
    assert bytes_released_in_fresh_process(None) >= N * 8
