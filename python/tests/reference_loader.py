"""The reference, ``diffbio/losses/metric_losses.py``, loaded by file path.

diffbio's package ``__init__`` imports all of diffbio and its heavy dependencies; the file
itself needs only jax, flax, jaxtyping and calibrax. Shared by conftest's
``metric_losses`` fixture and the JAX/Flax front-end tests; loaded once per process.
"""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

MODULE_NAME = "_diffbio_metric_losses_reference"


def load_reference():
    """diffbio.losses.metric_losses, executed from its file without diffbio's __init__.

    Fails (AssertionError) when the reference is not installed: the suite requires it.
    """
    if MODULE_NAME in sys.modules:
        return sys.modules[MODULE_NAME]
    spec = importlib.util.find_spec("diffbio")  # locates the package, does not import it
    assert spec is not None and spec.submodule_search_locations, (
        "the reference is not installed: pip install --no-deps diffbio calibrax"
    )
    path = Path(list(spec.submodule_search_locations)[0]) / "losses" / "metric_losses.py"
    source = path.read_text()
    # The file imports jax, flax, jaxtyping and calibrax only. Should it start importing
    # other diffbio modules, stub them here (minimal modules in sys.modules) rather than
    # importing the whole of diffbio.
    assert not re.search(r"^\s*(from|import)\s+diffbio", source, flags=re.M), (
        f"{path} now imports other diffbio modules: stub them in reference_loader.py"
    )
    module_spec = importlib.util.spec_from_file_location(MODULE_NAME, path)
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[MODULE_NAME] = module
    module_spec.loader.exec_module(module)
    return module
