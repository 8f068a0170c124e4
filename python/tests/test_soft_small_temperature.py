"""The soft AUROC at small temperatures (T / spread 1e-9 to 1e-6: the sorting route and the
window path, nearly every pair counted) on inputs large enough that the keyed radix sort
takes its most-significant-digit pass (a class of more than 21,845 samples), against the
float64 pairwise oracle (oracle.py), to 1e-12 of each quantity's natural scale: 1 for the
value, w_k / (T * W_class) for a gradient entry, 1 / T for d value / dT.

Also: below and above the library's two-thread threshold (2^16 samples) the results agree
with the oracle, and a repeated call gives the same bits.
"""

import math

import numpy as np
import pytest

import oracle
from library_support import soft_grad, soft_grad_library

BAR = 1e-12


@pytest.fixture(scope="module")
def lib():
    return soft_grad_library()


def expect_matches_oracle(lib, scores, labels, weights, temperature):
    value, grad, dtemp = soft_grad(lib, scores, labels, weights, temperature)
    o_value, o_grad, o_dtemp = oracle.soft(scores, labels, temperature, weights)
    w = np.ones(scores.size) if weights is None else weights
    wp, wn = math.fsum(w[labels == 1]), math.fsum(w[labels == 0])
    scale = np.where(labels == 1, w / wp, w / wn) / temperature
    live = w > 0
    assert abs(value - o_value) <= BAR, (value, o_value)
    assert abs(dtemp - o_dtemp) * temperature <= BAR, (dtemp, o_dtemp)
    assert np.all(grad[~live] == 0)
    worst = np.max(np.abs(grad[live] - o_grad[live]) / (BAR * scale[live]))
    assert worst <= 1.0, worst
    return value, grad, dtemp


@pytest.mark.parametrize("relative_t, weighted", [(1e-9, False), (1e-7, True), (1e-6, False)])
def test_normal_scores_with_a_class_past_the_cache_limit(lib, relative_t, weighted):
    rng = np.random.default_rng(31)
    n = 25_000
    labels = (rng.random(n) < 0.1).astype(np.float64)  # about 22,500 negatives
    scores = rng.normal(size=n) + labels
    weights = rng.uniform(0.1, 3, size=n) * (rng.random(n) > 0.1) if weighted else None
    t = relative_t * float(np.std(scores))
    first = expect_matches_oracle(lib, scores, labels, weights, t)
    again = soft_grad(lib, scores, labels, weights, t)
    assert first[0] == again[0] and first[2] == again[2] and np.array_equal(first[1], again[1])


def test_rounded_scores_with_ties_and_shared_high_bits(lib):
    """Scores rounded to 1e-4 on a narrow range: many ties and keys equal in their top
    bits, so the sort's buckets hold runs that it orders below its LSD window."""
    rng = np.random.default_rng(32)
    n = 25_000
    labels = (rng.random(n) < 0.1).astype(np.float64)
    scores = np.round(100 + rng.normal(size=n) * 0.2 + 0.1 * labels, 4)
    expect_matches_oracle(lib, scores, labels, None, 1e-9)


def test_one_thread_and_two_agree_with_the_oracle(lib):
    """Below and above the library's two-thread threshold (2^16 samples): the same scores,
    one copy or several, each against the oracle (copies of the data at T -> 0 only
    scale the sums)."""
    rng = np.random.default_rng(33)
    base = rng.normal(size=20_000)
    labels_base = (rng.random(base.size) < 0.3).astype(np.float64)
    scores_base = base + labels_base
    t = 1e-9
    v1, g1, d1 = expect_matches_oracle(lib, scores_base, labels_base, None, t)
    # Four copies (80,000 samples, two threads): each pair appears 16 times over 16 times
    # the pairs, so the value is the same and each gradient entry a quarter.
    scores4, labels4 = np.tile(scores_base, 4), np.tile(labels_base, 4)
    v4, g4, d4 = soft_grad(lib, scores4, labels4, None, t)
    assert abs(v4 - v1) <= BAR
    scale = np.where(labels_base == 1, 1 / labels_base.sum(), 1 / (labels_base.size - labels_base.sum())) / t
    assert np.max(np.abs(g4[:base.size] * 4 - g1) / (BAR * scale)) <= 1.0
