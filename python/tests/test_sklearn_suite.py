"""scikit-learn's own tests of roc_auc_score and roc_curve, run against diffauroc.metrics.

scikit-learn's wheel ships sklearn/metrics/tests/test_ranking.py (the ranking metrics'
tests) and test_common.py (invariance, averaging, sample-weight and input-type checks
shared by every metric, roc_auc_score's variants among them). Both are run here in a
pytest subprocess with the plugin ``sklearn_suite_plugin`` (this folder), which replaces
scikit-learn's roc_auc_score and roc_curve by diffauroc's wherever the suite and
scikit-learn's own modules look them up, before the test module is imported, and guards
the originals (a call that reaches scikit-learn's implementation is recorded and
fails). A canary test file, run in the same subprocess, calls the guarded originals
once each, proving that the guard records such calls.

Every test of both files must pass: EXPECTED_FAILURES lists those that cannot, with the
reason (none today), and the set of failures must equal it exactly.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import sklearn  # the [test] extra installs it: a missing one is an error, not a skip

import diffauroc

HERE = Path(__file__).resolve().parent
SKLEARN_DIR = Path(sklearn.__file__).resolve().parent
SUITES = {name: SKLEARN_DIR / "metrics" / "tests" / name
          for name in ("test_ranking.py", "test_common.py")}
# sanity floors: how many tests of each file pass (248 and 1706 with scikit-learn 1.9.1;
# test_common.py skips its array-API tests when no array library is installed)
MINIMUM_PASSED = {"test_ranking.py": 240, "test_common.py": 1500}

# "file::test id" -> why it cannot pass. None today.
EXPECTED_FAILURES: dict[str, str] = {}

CANARY = '''
import pytest
import sklearn_suite_plugin as plugin

def test_canary_guard_records_calls_to_the_originals():
    for name in ("roc_curve", "roc_auc_score"):
        with pytest.raises(AssertionError, match="scikit-learn's own"):
            plugin.ORIGINALS[name]([0, 1], [0.1, 0.2])
'''


def test_scikit_learn_suites_pass_with_diffauroc(tmp_path):
    for path in SUITES.values():
        assert path.is_file(), f"scikit-learn's test file is not installed: {path}"
    canary = tmp_path / "test_canary_guard.py"
    canary.write_text(CANARY)
    report = tmp_path / "report.json"
    env = dict(os.environ)
    env["DIFFAUROC_SUITE_REPORT"] = str(report)
    # the plugin's folder, then the folder of the diffauroc this process imported (the
    # installed package in CI, python/ with DIFFAUROC_LIBRARY in a development run)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(HERE), str(Path(diffauroc.__file__).resolve().parent.parent)]
        + [p for p in [env.get("PYTHONPATH")] if p])
    command = [sys.executable, "-m", "pytest", *map(str, SUITES.values()), str(canary),
               "-q", "-p", "no:cacheprovider", "-p", "sklearn_suite_plugin",
               f"--rootdir={SKLEARN_DIR}", "-W", "ignore::DeprecationWarning"]
    run = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=600)
    assert report.is_file(), \
        f"the plugin wrote no report:\n{run.stdout[-4000:]}\n{run.stderr[-4000:]}"
    data = json.loads(report.read_text())
    outcomes = data["outcomes"]
    failed = set()
    for name in SUITES:
        suite = {node: o for node, o in outcomes.items() if f"/{name}::" in node}
        passed = [node for node, o in suite.items() if o == "passed"]
        failing = {f"{name}::{node.split('::', 1)[1]}" for node, o in suite.items()
                   if o == "failed"}
        skipped = sum(o == "skipped" for o in suite.values())
        failed |= failing
        print(f"\nscikit-learn {sklearn.__version__} {name} against diffauroc.metrics: "
              f"{len(passed)} passed, {len(failing)} failed, {skipped} skipped")
        assert len(passed) >= MINIMUM_PASSED[name], f"too few tests ran:\n{run.stdout[-4000:]}"
    print(f"calls of ours: {data['calls']}")
    assert failed == set(EXPECTED_FAILURES), run.stdout[-6000:]
    # the canary passed, and its two calls are the guard's whole record: no test of the
    # suites reached scikit-learn's own implementation
    canary_outcomes = [o for node, o in outcomes.items() if "test_canary_guard" in node]
    assert canary_outcomes == ["passed"], run.stdout[-4000:]
    assert sorted(data["guard"]) == ["roc_auc_score", "roc_curve"], data["guard"]
    # ours were really called, many times
    assert data["calls"]["roc_auc_score"] > 500 and data["calls"]["roc_curve"] > 40
    assert run.returncode == (0 if not EXPECTED_FAILURES else 1), run.stdout[-4000:]
