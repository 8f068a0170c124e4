"""The README's Flax training example, run as written and once more with diffbio's
DifferentiableAUROC swapped in by its import line: both print the same loss and
temperature (to the printed digits), so the example is true and the swap is a drop-in.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
OUR_IMPORT = "from diffauroc.flax import DifferentiableAUROC"


def flax_example() -> str:
    text = README.read_text()
    section = text[text.index("## JAX and Flax NNX"):]
    return re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)


def run(code: str, namespace: dict) -> str:
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(code, "README.md (Flax example)", "exec"), namespace)
    return output.getvalue().strip()


@pytest.mark.usefixtures("jax_route")
def test_readme_flax_example_runs_and_matches_the_reference(metric_losses):
    code = flax_example()
    assert OUR_IMPORT in code
    training = [line for line in code.splitlines()
                if line.strip() and not line.startswith(("import", "from", "#", "x, y"))]
    assert len(training) <= 10, f"the training part has {len(training)} lines"

    ours = run(code, {"__name__": "readme_example"})
    swapped = "\n".join(
        "DifferentiableAUROC = reference.DifferentiableAUROC" if line.startswith(OUR_IMPORT) else line
        for line in code.splitlines())
    theirs = run(swapped, {"__name__": "readme_example", "reference": metric_losses})

    printed = re.compile(r"loss (\d+\.\d+), temperature (\d+\.\d+)")
    assert printed.fullmatch(ours), ours
    assert ours == theirs, f"ours: {ours!r}; reference: {theirs!r}"
    # The comment under the example states what it prints.
    assert f"# {ours};" in code, f"README comment does not say {ours!r}"
