"""The README's first diffauroc.dask example (section "AUROC beyond one machine's memory"),
run as written on the default scheduler: each result equals what its comment promises, the
single-process function on all the data (computed here with NumPy arrays, not with dask).
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("dask", reason="diffauroc.dask needs dask (pip install './python[dask]')")

import diffauroc
from diffauroc import metrics, stats

README = Path(__file__).resolve().parents[2] / "README.md"


def dask_example() -> str:
    text = README.read_text()
    section = text[text.index("## AUROC beyond one machine's memory"):]
    return re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)


def test_readme_dask_example_equals_the_single_process_functions():
    code = dask_example()
    # the example's last lines keep no result: keep them, as written, and name each one
    lines = code.strip().splitlines()
    assert lines[-3].startswith("dauroc.auroc_exact(scores, labels)")
    assert lines[-2].startswith("dauroc.auroc_ci(labels, scores)")
    lines[-3] = "auc = " + lines[-3]
    lines[-2] = "interval = " + lines[-2]
    namespace: dict = {}
    exec(compile("\n".join(lines), "README.md (diffauroc.dask)", "exec"), namespace)

    scores = np.asarray(namespace["scores"].compute())
    labels = np.asarray(namespace["labels"].compute())
    assert scores.dtype == np.float32 and scores.shape == (10**7,)

    expected = diffauroc.auroc_exact(scores, labels)
    assert namespace["auc"] == expected  # bit for bit, as the comment says

    got, want = namespace["interval"], stats.auroc_ci(labels, scores)
    assert (got.method, got.confidence) == (want.method, want.confidence) == ("delong", 0.95)
    assert got.auroc == want.auroc == expected
    np.testing.assert_allclose([got.lower, got.upper], [want.lower, want.upper],
                               rtol=1e-12, atol=0)

    fpr, tpr, thresholds = (np.asarray(a) for a in
                            (namespace["fpr"], namespace["tpr"], namespace["thresholds"]))
    assert 2 <= len(fpr) <= 1000
    full_fpr, full_tpr, full_thresholds = metrics.roc_curve(labels, scores, drop_intermediate=False)
    # every returned point is a point of the full curve, at its threshold
    where = np.searchsorted(-full_thresholds, -thresholds)
    assert np.array_equal(full_thresholds[where], thresholds)
    assert np.array_equal(full_fpr[where], fpr) and np.array_equal(full_tpr[where], tpr)
