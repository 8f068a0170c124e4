"""pytest plugin that runs scikit-learn's own test suite against diffauroc.metrics.

Loaded with ``-p sklearn_suite_plugin`` (test_sklearn_suite.py does it in a subprocess).
At ``pytest_configure``, before any test module is imported:

1. every loaded ``sklearn.*`` module attribute that is scikit-learn's ``roc_auc_score``
   or ``roc_curve`` (sklearn.metrics, sklearn.metrics._ranking, _scorer, _plot...) is
   replaced by diffauroc's, wrapped to count calls; the test module, imported later,
   then takes ours from ``sklearn.metrics``;
2. guard: the bodies of scikit-learn's originals (the function each
   ``validate_params`` wrapper calls, and the private ``_binary_roc_auc_score`` /
   ``_multiclass_roc_auc_score`` they use) are replaced by functions that record the
   call and raise, so a call that still reached scikit-learn's implementation, through
   any saved reference, is recorded (and fails its test).

At the end of the session a JSON report goes to $DIFFAUROC_SUITE_REPORT: every test's
outcome, the calls of ours, and the guard's record.
"""
from __future__ import annotations

import functools
import json
import os
import sys

import sklearn.metrics
import sklearn.metrics._ranking as _ranking

from diffauroc import metrics as _ours

GUARD_RECORD: list[str] = []
ORIGINALS: dict = {}  # scikit-learn's function objects, guarded (for the canary test)
CALLS = {"roc_auc_score": 0, "roc_curve": 0}
OUTCOMES: dict[str, str] = {}


def _counted(name, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        CALLS[name] += 1
        return function(*args, **kwargs)
    return wrapper


def _guard(name):
    def guard(*args, **kwargs):
        GUARD_RECORD.append(name)
        raise AssertionError(f"scikit-learn's own {name} was called")
    return guard


def _install() -> None:
    originals = {name: getattr(_ranking, name) for name in ("roc_auc_score", "roc_curve")}
    ORIGINALS.update(originals)
    replacements = {name: _counted(name, getattr(_ours, name)) for name in originals}
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith("sklearn") or module is None:
            continue
        for name, original in originals.items():
            if getattr(module, name, None) is original:
                setattr(module, name, replacements[name])
    for name, original in originals.items():
        cells = dict(zip(original.__code__.co_freevars, original.__closure__ or ()))
        if "func" not in cells or cells["func"].cell_contents is not original.__wrapped__:
            raise RuntimeError(f"cannot guard scikit-learn's {name}: its wrapper changed")
        cells["func"].cell_contents = _guard(name)
    for private in ("_binary_roc_auc_score", "_multiclass_roc_auc_score"):
        setattr(_ranking, private, _guard(private))
    assert sklearn.metrics.roc_auc_score is replacements["roc_auc_score"]


def pytest_configure(config):
    _install()


def pytest_runtest_logreport(report):
    if report.when == "call" or report.outcome != "passed":
        previous = OUTCOMES.get(report.nodeid)
        if previous in (None, "passed"):
            OUTCOMES[report.nodeid] = report.outcome


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get("DIFFAUROC_SUITE_REPORT")
    if path:
        with open(path, "w") as handle:
            json.dump({"outcomes": OUTCOMES, "calls": CALLS, "guard": GUARD_RECORD},
                      handle)
