"""The README's second-derivative example (section "Second derivatives"), run as written:
its printed Hessian row and Hessian-vector product equal the reference's own jax.hessian
and jvp-of-grad (diffbio's DifferentiableAUROC) to the printed digits, and the comment
under the example shows that output.
"""
from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import jax
import numpy as np
import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def hvp_example() -> str:
    text = README.read_text()
    section = text[text.index("### Second derivatives"):]
    return re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)


@pytest.mark.usefixtures("jax_route")
def test_readme_hvp_example_runs_and_matches_the_reference(metric_losses):
    code = hvp_example()
    output = io.StringIO()
    namespace: dict = {}
    with contextlib.redirect_stdout(output):
        exec(compile(code, "README.md (second derivatives)", "exec"), namespace)
    printed = output.getvalue().strip()
    # the comment line after print(...) is the output the README promises
    promised = code.strip().splitlines()[-1].lstrip("# ").strip()
    assert printed == promised

    s, y, v = namespace["s"], namespace["y"], namespace["v"]

    def reference(s):
        module = metric_losses.DifferentiableAUROC(temperature=0.8)
        return module(s, y)

    want_h = jax.hessian(reference)(s)
    want_hv = jax.jvp(jax.grad(reference), (s,), (v,))[1]
    np.testing.assert_allclose(namespace["H"], want_h, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(namespace["hv"], want_hv, rtol=1e-5, atol=1e-7)
