"""roc_curve with a NaN or infinite score: scikit-learn's ValueError (its message first,
then the element), whichever part of the wrapper finds it (float64 and float32 scores
without weights are checked by the library, others before the call), and the errors
that come before it (labels) still before it."""
import numpy as np
import pytest
from sklearn.metrics import roc_curve as sk_roc_curve

from diffauroc.metrics import roc_curve


def _sklearn_message(y, s, **kw):
    with pytest.raises(ValueError) as info:
        sk_roc_curve(y, s, **kw)
    return str(info.value)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", [0, 37, 99_999])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("labels", ["01", "pm1", "bool", "str"])
def test_nonfinite_score(dtype, bad, where, weighted, labels):
    rng = np.random.default_rng(where)
    n = 100_000
    y = (rng.random(n) < 0.4).astype(np.float64)
    kw = {}
    if labels == "pm1":
        y = 2 * y - 1
    elif labels == "bool":
        y = y.astype(bool)
    elif labels == "str":
        y = np.where(y == 1, "yes", "no")
        kw["pos_label"] = "yes"
    s = rng.random(n).astype(dtype)
    s[where] = bad
    s[where + 1 if where + 1 < n else 0] = bad  # a second one: the first is named
    if weighted:
        kw["sample_weight"] = rng.random(n)
    expected = _sklearn_message(y, s, **kw)
    with pytest.raises(ValueError) as info:
        roc_curve(y, s, **kw)
    message = str(info.value)
    assert message.startswith(expected), (message, expected)
    first = min(where, where + 1 if where + 1 < n else 0)
    assert f"y_score[{first}] = " in message


def test_label_error_comes_before_score_error():
    # y_true continuous and y_score NaN: scikit-learn reports the target type first
    y = np.array([0.5, 1.0, 0.0, 1.0])
    s = np.array([np.nan, 0.2, 0.3, 0.4])
    expected = _sklearn_message(y, s)
    with pytest.raises(ValueError, match="continuous format is not supported"):
        roc_curve(y, s)
    assert "continuous format is not supported" in expected
