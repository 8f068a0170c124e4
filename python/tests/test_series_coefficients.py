"""The series-window path's far-field polynomials (SeriesWindowSoftAUROC.swift, "Far field")
against the functions they stand for, in 50-digit arithmetic (mpmath; no diffauroc code: the
error measure is scripts/series_coefficients.py's `max_error`, which the script's printed
bounds come from).

The Swift file states C (`nearDistance`), the coefficients c_k and d_k, and the largest
errors of the polynomials over u = e^-|x| in (0, e^-C]: 1.4e-17 for sigmoid, 1.1e-16 for
sigmoid', 7.7e-16 for |x| sigmoid'. This reads the constants from the source and checks
those bounds (with the last digit rounded up) on 20,000 points of the interval.
"""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import mpmath as mp
import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "Sources" / "DiffAUROCCore" / "SeriesWindowSoftAUROC.swift"
SCRIPT = ROOT / "scripts" / "series_coefficients.py"


def _constants():
    text = SOURCE.read_text()
    near = float(re.search(r"static let nearDistance = ([0-9.]+)", text).group(1))

    def vector(name):
        body = re.search(name + r": SIMD8<Double> \{\s*SIMD8<Double>\(([^)]*)\)", text).group(1)
        return [float(x) for x in body.replace("\n", " ").split(",")]

    return near, vector("valueCoefficients"), vector("slopeCoefficients")


def _script():
    spec = importlib.util.spec_from_file_location("series_coefficients", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The script's error measure, the one its printed bounds come from (here in 50 digits).
_largest_error = _script().max_error


@pytest.fixture(scope="module")
def constants():
    mp.mp.dps = 50
    return _constants()


def test_near_distance_is_the_fitted_interval(constants):
    near, c, d = constants
    assert near == 3.0
    assert len(c) == len(d) == 8


@pytest.mark.parametrize("which,bound", [("value", 1.5e-17), ("slope", 1.2e-16), ("moment", 8e-16)])
def test_polynomials_meet_the_stated_bounds(constants, which, bound):
    near, c, d = constants
    a = mp.e ** (-mp.mpf(near))
    value = lambda u: u / (1 + u)          # sigmoid(-|x|)
    slope = lambda u: u / (1 + u) ** 2     # sigmoid'(x)
    if which == "value":
        err = _largest_error(c, value, a)
    elif which == "slope":
        err = _largest_error(d, slope, a)
    else:
        err = _largest_error(d, slope, a, weight=lambda u: -mp.log(u))
    assert err < bound, f"{which}: largest error {float(err):.3e} over (0, e^-{near}] exceeds {bound:.1e}"


def test_taylor_coefficients_would_not_do(constants):
    # The check can fail: 8 Taylor terms (the library's former series, cut at 8) miss the
    # value bound by seven orders of magnitude on the same interval.
    near, _, _ = constants
    a = mp.e ** (-mp.mpf(near))
    taylor = [(-1) ** k for k in range(8)]
    assert _largest_error(taylor, lambda u: u / (1 + u), a, points=2_000) > 1e-12
