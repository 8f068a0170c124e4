"""diffauroc.incremental.AUROCAccumulator: the AUROC of batches fed one at a time (and of
accumulators merged across workers) against the AUROC of all batches concatenated.

References, none of them the accumulator itself:
- ``diffauroc.auroc_exact`` of the concatenation: equal bit for bit without weights (both
  are the correctly rounded U / (P N)), to 1e-12 with weights (auroc_exact is within one
  ulp of the exact rational);
- scikit-learn's ``roc_auc_score`` of the concatenation, to 1e-15;
- a pure-Python oracle with ``fractions.Fraction`` weights (exact rational, then Python's
  correctly rounded division): the weighted accumulator must equal it exactly.

Batchings are adversarial: ties straddling every batch boundary, one class absent from
batches, empty batches, one batch, -0.0 and +0.0 in different batches, merge trees in
different orders, float32 and float64 batches, JAX arrays, pickled state.
"""
from __future__ import annotations

import pickle
from fractions import Fraction

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

import diffauroc
from diffauroc.incremental import AUROCAccumulator, _exact_ratio, _integers, _limb_ratio


# ---- oracles ----------------------------------------------------------------------------

def fraction_auroc(scores, labels, weights=None) -> float:
    """sum_{pos i, neg j} w_i w_j ([s_i > s_j] + [s_i == s_j]/2) / (W_pos W_neg) with
    exact Fractions, by all pairs; then correctly rounded (Fraction -> float)."""
    s = [float(v) for v in scores]
    y = [int(v) for v in labels]
    w = [Fraction(1)] * len(s) if weights is None else [Fraction(float(v)) for v in weights]
    pos = [(s[i], w[i]) for i in range(len(s)) if y[i] == 1]
    neg = [(s[i], w[i]) for i in range(len(s)) if y[i] == 0]
    numerator = Fraction(0)
    for sp, wp in pos:
        for sn, wn in neg:
            if sp > sn:
                numerator += wp * wn
            elif sp == sn:
                numerator += wp * wn / 2
    denominator = sum((wp for _, wp in pos), Fraction(0)) * sum((wn for _, wn in neg),
                                                                 Fraction(0))
    return float(numerator / denominator)


def feed(batches, weighted=False) -> AUROCAccumulator:
    acc = AUROCAccumulator()
    for batch in batches:
        acc.update(*batch) if weighted else acc.update(*batch[:2])
    return acc


def concatenated(batches, k):
    return np.concatenate([np.asarray(b[k], dtype=np.float64) for b in batches])


def split(rng, n, pieces):
    """Random cut points 0 = c_0 <= ... <= c_pieces = n (empty pieces allowed)."""
    cuts = np.sort(rng.integers(0, n + 1, pieces - 1))
    return np.r_[0, cuts, n]


def batches_of(arrays, cuts):
    return [tuple(None if a is None else a[lo:hi] for a in arrays)
            for lo, hi in zip(cuts[:-1], cuts[1:])]


def check_unweighted(batches, acc=None):
    """The accumulator of ``batches`` equals auroc_exact of their concatenation bit for
    bit and scikit-learn to 1e-15; returns the value."""
    acc = feed(batches) if acc is None else acc
    scores, labels = concatenated(batches, 0), concatenated(batches, 1)
    value = acc.compute()
    expected = diffauroc.auroc_exact(scores, labels)
    assert value == expected, (value, expected)
    assert abs(value - roc_auc_score(labels, scores)) <= 1e-15
    return value


def test_docstring_examples_run():
    import doctest
    import diffauroc.incremental
    result = doctest.testmod(diffauroc.incremental, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted >= 8


# ---- toy cases a person can check ---------------------------------------------------------

def test_toy_batches():
    acc = AUROCAccumulator()
    acc.update([0.1, 0.4], [0, 0])      # negatives only: one class so far
    with pytest.raises(ValueError, match="AUROC is undefined"):
        acc.compute()
    acc.update([0.35, 0.8], [1, 1])
    assert acc.compute() == 0.75        # 0.35 > 0.1, 0.8 > both: 3 / 4
    acc.update([0.4], [1])              # ties the negative 0.4: counts 1/2
    assert acc.compute() == 4.5 / 6
    assert acc.n_distinct == 4


def test_all_tied_across_batches_is_one_half():
    acc = AUROCAccumulator()
    for label in (1, 0, 1, 0, 0):
        acc.update([0.5], [label])
    assert acc.compute() == 0.5
    assert acc.n_distinct == 1


def test_empty_accumulator_raises_like_auroc_exact():
    with pytest.raises(ValueError, match="AUROC is undefined") as caught:
        AUROCAccumulator().compute()
    with pytest.raises(ValueError) as reference:
        diffauroc.auroc_exact([], [])
    assert str(caught.value).split(": ", 1)[1] == str(reference.value).split(": ", 1)[1]


def test_zero_weight_class_is_undefined():
    acc = AUROCAccumulator()
    acc.update([0.1, 0.2, 0.3], [1, 0, 0], weights=[0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="AUROC is undefined"):
        acc.compute()
    with pytest.raises(ValueError, match="AUROC is undefined"):
        diffauroc.auroc_exact([0.1, 0.2, 0.3], [1, 0, 0], weights=[0.0, 1.0, 2.0])


# ---- random batchings, unweighted: bit for bit -------------------------------------------

@pytest.mark.parametrize("seed", range(40))
def test_random_batchings_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 3000))
    levels = [None, 2, 7, 100][seed % 4]
    scores = rng.normal(size=n) if levels is None else rng.integers(0, levels, n) / 4.0 - 1
    labels = (rng.random(n) < rng.uniform(0.02, 0.98)).astype(np.int64)
    labels[rng.integers(0, n)] = 1
    labels[rng.integers(0, n)] = 0 if labels.sum() > 1 else labels[0]
    if labels.min() == labels.max():
        labels[0] = 1 - labels[0]
    cuts = split(rng, n, int(rng.integers(1, 30)))
    check_unweighted(batches_of((scores, labels), cuts))


def test_ties_straddle_every_batch_boundary():
    """Data sorted by score, every tie group cut by a batch boundary (and, second, the
    same groups dealt round-robin so that every batch holds part of every group)."""
    rng = np.random.default_rng(5)
    levels = np.repeat(np.arange(30) / 8.0, 7)          # groups of 7 equal scores
    labels = rng.integers(0, 2, levels.size)
    labels[:2] = [0, 1]
    cuts = np.r_[0, np.arange(3, levels.size, 7), levels.size]   # inside every group
    batches = batches_of((levels, labels), cuts)
    assert all(b[0].size for b in batches)
    check_unweighted(batches)
    dealt = [(levels[k::5], labels[k::5]) for k in range(5)]
    check_unweighted(dealt)


def test_one_class_absent_from_batches():
    rng = np.random.default_rng(6)
    scores = rng.integers(0, 20, 400) / 10.0
    labels = rng.integers(0, 2, 400)
    batches = []
    for lo in range(0, 400, 50):
        s, y = scores[lo:lo + 50], labels[lo:lo + 50]
        batches += [(s[y == 1], y[y == 1]), (s[y == 0], y[y == 0])]  # one class each
    check_unweighted(batches)
    # all positives first, all negatives after
    order = np.argsort(labels, kind="stable")
    check_unweighted(batches_of((scores[order], labels[order]), np.r_[0, 100, 200, 300, 400]))


def test_empty_batches_and_one_batch():
    rng = np.random.default_rng(7)
    scores, labels = rng.normal(size=500), rng.integers(0, 2, 500)
    empty = (np.zeros(0), np.zeros(0))
    check_unweighted([empty, (scores[:200], labels[:200]), empty, ([], []), empty,
                      (scores[200:], labels[200:]), empty])
    check_unweighted([(scores, labels)])


def test_signed_zeros_in_different_batches_are_one_score():
    acc = AUROCAccumulator()
    acc.update(np.array([-0.0, 1.0]), [1, 0])
    acc.update(np.array([0.0, -1.0]), [0, 1])
    assert acc.n_distinct == 3
    # pairs: (-0 vs +0) tie 1/2, (-0 vs 1) 0, (-1 vs 0) 0, (-1 vs 1) 0 -> 0.5 / 4
    assert acc.compute() == 0.125
    check_unweighted([(np.array([-0.0, 1.0]), [1, 0]), (np.array([0.0, -1.0]), [0, 1])])
    # -0.0 with weights: the same key in the weighted table
    acc.update(np.array([-0.0]), [1], weights=[1.0])
    assert acc.n_distinct == 3
    assert acc.compute() == diffauroc.auroc_exact(
        [-0.0, 1.0, 0.0, -1.0, -0.0], [1, 0, 0, 1, 1], weights=[1.0] * 5)


def test_float32_and_float64_batches():
    rng = np.random.default_rng(8)
    s32 = (rng.integers(0, 50, 600) / 7.0).astype(np.float32)  # not exact in few bits
    s64 = rng.integers(0, 50, 600) / 7.0                       # near but not equal
    y = rng.integers(0, 2, 600)
    check_unweighted([(s32[:300], y[:300]), (s64[:300], y[:300]), (s32[300:], y[300:])])
    acc = feed([(s32[:300], y[:300]), (s32[300:], y[300:])])
    assert acc.compute() == diffauroc.auroc_exact(s32, y)  # the float32 entry point


def test_integer_bool_and_list_inputs():
    acc = AUROCAccumulator()
    acc.update([3, 1, 2], [True, False, True])
    acc.update(np.array([2, 5], dtype=np.int64), np.array([0, 1], dtype=np.uint8))
    acc.update(np.array([2**53, -2**53], dtype=np.int64), np.array([1.0, 0.0]))
    assert acc.compute() == diffauroc.auroc_exact(
        [3, 1, 2, 2, 5, 2**53, -2**53], [1, 0, 1, 0, 1, 1, 0])


def test_jax_arrays():
    jnp = pytest.importorskip("jax.numpy")  # jax is a test dependency of this repository
    rng = np.random.default_rng(9)
    scores = rng.integers(0, 30, 1000) / 4.0
    labels = rng.integers(0, 2, 1000)
    acc = AUROCAccumulator()
    for lo in range(0, 1000, 128):
        acc.update(jnp.asarray(scores[lo:lo + 128], dtype=jnp.float32),
                   jnp.asarray(labels[lo:lo + 128]),
                   jnp.ones(min(128, 1000 - lo)) if lo % 256 else None)
    assert acc.weighted
    expected = diffauroc.auroc_exact(scores, labels)
    assert abs(acc.compute() - expected) <= 1e-15
    assert acc.compute() == fraction_auroc(scores, labels)


# ---- merging workers ------------------------------------------------------------------

def _merge_tree(rng, accumulators):
    """Merges ``accumulators`` (copied by pickling) pairwise in a random tree."""
    pool = [pickle.loads(pickle.dumps(a)) for a in accumulators]
    while len(pool) > 1:
        i, j = rng.choice(len(pool), 2, replace=False)
        merged = pool[i].merge(pool[j])
        pool = [p for k, p in enumerate(pool) if k not in (i, j)] + [merged]
    return pool[0]


@pytest.mark.parametrize("weighted", [False, True])
def test_merge_trees_give_the_same_bits(weighted):
    rng = np.random.default_rng(10 + weighted)
    n = 4000
    scores = rng.integers(0, 300, n) / 16.0
    labels = rng.integers(0, 2, n)
    weights = rng.random(n) * 10.0 ** rng.integers(-3, 4, n) if weighted else None
    workers = []
    for w_cuts in np.array_split(np.arange(n), 8):
        acc = AUROCAccumulator()
        for part in np.array_split(w_cuts, 3):
            acc.update(scores[part], labels[part], None if weights is None else weights[part])
        workers.append(acc)
    values = set()
    for _ in range(6):
        values.add(_merge_tree(rng, workers).compute())
    sequential = AUROCAccumulator()
    for worker in reversed(workers):
        sequential.merge(worker)
    values.add(sequential.compute())
    assert len(values) == 1
    value = values.pop()
    if weighted:
        assert abs(value - diffauroc.auroc_exact(scores, labels, weights)) <= 1e-12
        assert abs(value - roc_auc_score(labels, scores, sample_weight=weights)) <= 1e-12
    else:
        assert value == diffauroc.auroc_exact(scores, labels)
        assert abs(value - roc_auc_score(labels, scores)) <= 1e-15
    # merging leaves the merged-in accumulator unchanged
    first = pickle.loads(pickle.dumps(workers[0]))
    first.merge(workers[1])
    assert workers[1].compute() == feed_part(scores, labels, weights,
                                             np.array_split(np.arange(n), 8)[1])


def feed_part(scores, labels, weights, index):
    acc = AUROCAccumulator()
    acc.update(scores[index], labels[index], None if weights is None else weights[index])
    return acc.compute()


def test_state_does_not_alias_the_callers_arrays():
    scores, labels, weights = np.array([0.1, 0.9, 0.5]), np.array([0.0, 1.0, 1.0]), np.ones(3)
    acc, weighted = AUROCAccumulator(), AUROCAccumulator()
    acc.update(scores, labels)
    weighted.update(scores, labels, weights)
    scores[:] = [0.9, 0.1, 0.0]
    labels[:] = [1.0, 0.0, 0.0]
    weights[:] = [0.0, 5.0, 5.0]
    assert acc.compute() == 1.0 and weighted.compute() == 1.0


def test_merge_with_itself_doubles_every_sample():
    acc = AUROCAccumulator()
    acc.update([0.1, 0.2, 0.2, 0.9], [0, 1, 0, 1])
    acc.merge(acc)
    assert acc.compute() == diffauroc.auroc_exact([0.1, 0.2, 0.2, 0.9] * 2, [0, 1, 0, 1] * 2)


def test_merge_refuses_other_types():
    with pytest.raises(TypeError, match="AUROCAccumulator.merge"):
        AUROCAccumulator().merge([0.1])


def test_pickle_round_trip_and_continue():
    rng = np.random.default_rng(11)
    scores, labels = rng.normal(size=3000).round(2), rng.integers(0, 2, 3000)
    acc = AUROCAccumulator()
    acc.update(scores[:1000], labels[:1000])
    acc.update(scores[1000:1500], labels[1000:1500])
    clone = pickle.loads(pickle.dumps(acc))
    assert clone.compute() == acc.compute()
    clone.update(scores[1500:], labels[1500:])
    check_unweighted([(scores, labels)], acc=clone)
    # the weighted state too
    weights = rng.random(3000)
    acc.update(scores[1500:], labels[1500:], weights[1500:])
    clone = pickle.loads(pickle.dumps(acc))
    assert clone.compute() == acc.compute()
    assert clone.stored_rows == clone.n_distinct


# ---- memory ---------------------------------------------------------------------------

def test_memory_stays_at_the_distinct_scores():
    rng = np.random.default_rng(12)
    values = np.linspace(-1, 1, 10)
    acc = AUROCAccumulator()
    for _ in range(500):
        acc.update(rng.choice(values, 200), rng.integers(0, 2, 200))
        assert acc.stored_rows == 10
    nbytes = acc.nbytes
    for _ in range(200):
        acc.update(rng.choice(values, 200), rng.integers(0, 2, 200))
    assert acc.nbytes == nbytes


def test_memory_below_twice_the_distinct_scores_on_continuous_scores():
    """At most 2 d - 1 rows after every update (d distinct scores seen, counted here by
    numpy.unique, not by the accumulator, whose n_distinct would fold pending rows)."""
    rng = np.random.default_rng(13)
    acc = AUROCAccumulator()
    seen = np.zeros(0)
    largest_pending = 0
    for step in range(150):
        scores = rng.normal(size=int(rng.integers(0, 200))).round(2)
        acc.update(scores, rng.integers(0, 2, scores.size),
                   rng.random(scores.size) if step >= 100 else None)
        seen = np.unique(np.r_[seen, scores])
        assert acc.stored_rows <= max(2 * seen.size - 1, 0)
        largest_pending = max(largest_pending, acc.stored_rows - acc._table[0].size)
    assert largest_pending > 100  # summaries did wait to be folded
    assert acc.n_distinct == seen.size


# ---- weighted -------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(25))
def test_weighted_equals_the_exact_rational(seed):
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(2, 120))
    scores = rng.integers(0, int(rng.integers(1, 15)), n) / 2.0
    labels = rng.integers(0, 2, n)
    labels[:2] = [0, 1]
    spread = [0, 3, 40, 300][seed % 4]   # binary exponents up to 2**+-1000
    weights = rng.random(n) * 2.0 ** rng.integers(-spread, spread + 1, n)
    weights[rng.random(n) < 0.15] = 0.0
    weights[0] = weights[1] = 1.0
    cuts = split(rng, n, int(rng.integers(1, 8)))
    batches = batches_of((scores, labels, weights), cuts)
    acc = feed(batches, weighted=True)
    value = acc.compute()
    assert value == fraction_auroc(scores, labels, weights)
    assert abs(value - diffauroc.auroc_exact(scores, labels, weights)) <= 1e-12
    if spread <= 40:
        assert abs(value - roc_auc_score(labels, scores, sample_weight=weights)) <= 1e-12


def test_weighted_large_batches_against_auroc_exact():
    rng = np.random.default_rng(14)
    n = 200_000
    scores = rng.integers(0, 5000, n) / 64.0
    labels = rng.integers(0, 2, n)
    weights = rng.exponential(size=n)
    acc = AUROCAccumulator()
    for lo in range(0, n, 7919):
        acc.update(scores[lo:lo + 7919], labels[lo:lo + 7919], weights[lo:lo + 7919])
    assert abs(acc.compute() - diffauroc.auroc_exact(scores, labels, weights)) <= 1e-12


def test_subnormal_and_huge_weights():
    scores = [0.1, 0.2, 0.3, 0.4, 0.2, 0.3]
    labels = [0, 1, 0, 1, 1, 0]
    weights = [5e-324, 1e300, 2.0**-1060, 1.7e308, 3.0, 1e-310]
    acc = AUROCAccumulator()
    acc.update(scores[:3], labels[:3], weights[:3])
    acc.update(scores[3:], labels[3:], weights[3:])
    assert acc.compute() == fraction_auroc(scores, labels, weights)


def test_mixed_weighted_and_unweighted_batches():
    """An unweighted batch counts weight 1 per sample."""
    rng = np.random.default_rng(15)
    scores, labels = rng.integers(0, 40, 900) / 3.0, rng.integers(0, 2, 900)
    weights = rng.random(900)
    acc = AUROCAccumulator()
    acc.update(scores[:300], labels[:300])
    acc.update(scores[300:600], labels[300:600], weights[300:600])
    acc.update(scores[600:], labels[600:])
    full = np.r_[np.ones(300), weights[300:600], np.ones(300)]
    assert acc.compute() == fraction_auroc(scores, labels, full)
    assert abs(acc.compute() - diffauroc.auroc_exact(scores, labels, full)) <= 1e-12


def test_exact_ratio_beyond_int64():
    """Counts whose 2 P N exceeds 2**63 take the Python-integer path; against Fraction."""
    neg = np.array([3 * 10**9, 1, 2 * 10**9], dtype=np.int64)
    pos = np.array([10**9, 4 * 10**9 + 7, 5], dtype=np.int64)
    assert 2 * int(pos.sum()) * int(neg.sum()) >= 2**63
    below = np.r_[0, np.cumsum(neg)[:-1]]
    expected = Fraction(sum(int(p) * (2 * int(b) + int(q)) for p, b, q in zip(pos, below, neg)),
                        2 * int(pos.sum()) * int(neg.sum()))
    assert _exact_ratio(neg, pos) == float(expected)


@pytest.mark.parametrize("seed", range(6))
def test_both_weighted_paths_on_full_limbs(seed):
    """compute() takes _limb_ratio (int64 digit products) below 2**29 rows and Python
    integers (_integers, _exact_ratio) above: both on limb tables with limbs near 2**32,
    against the Fraction value of the same integers."""
    rng = np.random.default_rng(200 + seed)
    m, width = int(rng.integers(1, 400)), int(rng.integers(1, 6))
    table = rng.integers(0, 2**32, size=(m, 2, width), dtype=np.int64)
    table[rng.random((m, 2, width)) < 0.3] = 2**32 - 1
    table[rng.random((m, 2)) < 0.2] = 0
    table[0, 0, 0] = table[-1, 1, -1] = 1  # both classes present
    sums = [[sum(int(table[i, c, j]) << (32 * j) for j in range(width)) for c in (0, 1)]
            for i in range(m)]
    below, twice_u = 0, 0
    for neg, pos in sums:
        twice_u += pos * (2 * below + neg)
        below += neg
    total_pos = sum(p for _, p in sums)
    expected = float(Fraction(twice_u, 2 * total_pos * below))
    assert _limb_ratio(table) == expected
    values = _integers(table)
    assert values.tolist() == sums
    assert _exact_ratio(values[:, 0], values[:, 1]) == expected


def test_limb_ratio_with_prefix_sums_beyond_48_bits():
    """70,000 rows of limbs near 2**32: the prefix sums pass 2**48, so every one of the
    four 16-bit digits of T = 2 neg_{<k} + neg_k is used."""
    rng = np.random.default_rng(300)
    m = 70_000
    table = (2**32 - rng.integers(1, 1000, size=(m, 2, 2))).astype(np.int64)
    table[:, :, 1] = rng.integers(0, 3, size=(m, 2))
    sums = (table[:, :, 0].astype(object) + (table[:, :, 1].astype(object) << 32))
    below, twice_u = 0, 0
    for neg, pos in sums.tolist():
        twice_u += pos * (2 * below + neg)
        below += neg
    assert 2 * int(table[:, 0, 0].sum()) > 2**48  # T in limb column 0 needs 4 digits
    expected = float(Fraction(twice_u, 2 * int(sums[:, 1].sum()) * below))
    assert _limb_ratio(table) == expected


# ---- bad input ------------------------------------------------------------------------

@pytest.mark.parametrize("scores, labels, weights, message", [
    ([0.1, 0.2, 0.3, np.nan], [0, 1, 0, 1], None, r"scores must be finite.*: scores\[3\] = nan"),
    ([0.1, np.inf], [0, 1], None, r"scores\[1\] = inf"),
    ([0.1, 0.2], [0, 2], None, r"labels\[1\] = 2"),
    ([0.1, 0.2], [0, np.nan], None, r"labels\[1\] = nan"),
    ([0.1, 0.2], [0, 1], [1.0, -1.0], r"weights\[1\] = -1.0"),
    ([0.1, 0.2], [0, 1], [np.inf, 1.0], r"weights\[0\] = inf"),
    (np.array([1, 2**53 + 1], dtype=np.int64), [0, 1], None,
     r"scores\[1\] = 9007199254740993 cannot be represented exactly"),
    ([0.5, 2**53 + 1], [0, 1], None, r"scores\[1\] = 9007199254740993 cannot be"),
    (np.array([3, 2**64 - 1], dtype=np.uint64), [0, 1], None,
     r"scores\[1\] = 18446744073709551615 cannot be"),
    (np.ma.masked_array([0.1, 0.2], mask=[False, True]), [0, 1], None,
     r"scores\[1\] is masked"),
    ([0.1, 0.2], [0, 0.5], None, r"labels\[1\] = 0.5"),
    ([0.1, 0.2], [0, 1], [1.0, np.nan], r"weights\[1\] = nan"),
    ([0.1, 0.2], [0, 1], np.array([1, 2**53 + 1], dtype=np.int64),
     r"weights\[1\] = 9007199254740993 cannot be"),
    ([0.1, 0.2], [0, 1, 1], None, "same length"),
    ([0.1, 0.2], [0, 1], [1.0], "same length"),
    (np.zeros((2, 2)), np.zeros((2, 2)), None, "1-D"),
])
def test_bad_batches_are_refused_and_change_nothing(scores, labels, weights, message):
    acc = AUROCAccumulator()
    acc.update([0.5, 0.6], [0, 1])
    with pytest.raises(ValueError, match=message):
        acc.update(scores, labels, weights)
    assert acc.compute() == 1.0 and acc.n_distinct == 2 and not acc.weighted


def test_messages_match_auroc_exact():
    with pytest.raises(ValueError) as ours:
        AUROCAccumulator().update([0.1, 0.2], [0, 3])
    with pytest.raises(ValueError) as reference:
        diffauroc.auroc_exact([0.1, 0.2], [0, 3])
    assert str(ours.value).split(": ", 1)[1] == str(reference.value).split(": ", 1)[1]


@pytest.mark.skipif(np.finfo(np.longdouble).nmant <= 52, reason="long double is float64 here")
def test_long_double_scores():
    acc = AUROCAccumulator()
    acc.update(np.array([0.25, 0.5], dtype=np.longdouble), [0, 1])  # exact in float64
    assert acc.compute() == 1.0
    inexact = np.array([1, 1 + np.finfo(np.longdouble).eps], dtype=np.longdouble)
    with pytest.raises(ValueError, match=r"scores\[1\] = .* cannot be represented exactly"):
        acc.update(inexact, [0, 1])


def test_module_import_does_not_import_jax():
    import subprocess
    import sys
    code = ("import sys, diffauroc.incremental; "
            "assert 'jax' not in sys.modules, 'jax imported'; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_type_errors():
    with pytest.raises(TypeError):
        AUROCAccumulator().update(["a", "b"], [0, 1])
    with pytest.raises(TypeError):
        AUROCAccumulator().update(np.array([1 + 1j, 2]), [0, 1])
