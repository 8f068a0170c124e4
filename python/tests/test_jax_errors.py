"""What a user sees when a bad input reaches diffauroc.jax under jax.jit (issue 10, item 5):
on both routes, on the first call and once the function is compiled.

- the exception is one of ``diffauroc.jax.RUNTIME_ERRORS``: JAX, not diffauroc, raises it
  when the compiled computation fails, as ``jax.errors.JaxRuntimeError``, except that
  JAX's C++ fast path (taken by an already compiled function whose computation runs
  synchronously) raises a builtin ``ValueError`` with the same text (JAX issue 34083;
  ``test_jax_fast_path_still_raises_value_error`` notices when JAX fixes it);
- the text holds the library's message and names the bad element;
- nothing is printed: run in a fresh interpreter (pytest's own logging handlers would
  hide a log record printed to stderr), stderr must be empty.
"""
from __future__ import annotations

import json
import math
import logging
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import jax
import jax.numpy as jnp

import diffauroc.jax as djax
from diffauroc import _lib
from diffauroc.jax import auroc_exact, auroc_soft

pytestmark = pytest.mark.usefixtures("jax_route")

GOOD_S = jnp.array([0.1, 0.2, 0.3, 0.4])
GOOD_Y = jnp.array([1.0, 0.0, 0.0, 1.0])
BAD_Y = jnp.array([1.0, 0.5, 0.0, 1.0])  # labels[1] = 0.5


def _calls(first_good: bool):
    """(name, jitted function, good args, bad args) for the soft value, its gradient and
    the exact AUROC, each a new function jitted afresh (jax.jit caches traces and
    compilations by the function: jax.jit(auroc_soft) would reuse another test's, traced
    on the other route or already on the fast path)."""
    return [
        ("auroc_soft", jax.jit(lambda s, y: auroc_soft(s, y)), (GOOD_S, GOOD_Y),
         (GOOD_S, BAD_Y)),
        ("auroc_soft", jax.jit(jax.grad(lambda s, y: auroc_soft(s, y))), (GOOD_S, GOOD_Y),
         (GOOD_S, BAD_Y)),
        ("auroc_exact", jax.jit(lambda s, y: auroc_exact(s, y)), (GOOD_S, GOOD_Y),
         (GOOD_S, BAD_Y)),
    ]


@pytest.mark.parametrize("first_good", [False, True], ids=["first-call", "compiled"])
def test_bad_input_under_jit_raises_a_documented_error_with_the_library_message(
        jax_route, first_good, caplog):
    label_message = _lib.strerror(_lib.E_BAD_LABEL)
    for function, f, good, bad in _calls(first_good):
        if first_good:
            jax.block_until_ready(f(*good))  # compiled, and the C++ fast path installed
        for _ in range(2):
            with caplog.at_level(logging.DEBUG):
                with pytest.raises(djax.RUNTIME_ERRORS) as info:
                    jax.block_until_ready(f(*bad))
            text = str(info.value)
            assert label_message in text, text
            assert "labels[1] = 0.5" in text, text
            if jax_route == "ffi":  # the message of the library's XLA FFI handler
                assert text.startswith(f"INVALID_ARGUMENT: diffauroc: {label_message}"), text
            else:
                # JAX wraps a failed callback: "INTERNAL: CpuCallback error calling
                # callback: Traceback ..." and the exception's last line
                assert text.rstrip().splitlines()[-1] == (
                    f"DiffAUROCError: diffauroc.jax.{function}: {label_message} "
                    f"[status -3]: labels[1] = 0.5")
            # no record of the failure was logged (JAX logs a failed callback as an
            # ERROR with its traceback, which reaches stderr in a plain script)
            assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
            caplog.clear()


def test_vmap_error_names_the_row_and_the_element(jax_route):
    S = jnp.zeros((4, 10)).at[2, 5].set(jnp.nan).at[3, 0].set(jnp.inf)
    y = jnp.asarray((np.arange(10) % 2).astype(np.float32))
    f = jax.jit(jax.vmap(lambda s, y: auroc_soft(s, y), in_axes=(0, None)))
    with pytest.raises(djax.RUNTIME_ERRORS) as info:
        jax.block_until_ready(f(S, y))
    text = str(info.value)
    assert _lib.strerror(_lib.E_NONFINITE_SCORE) in text and "batch row 2" in text
    # the FFI handler and the callback name the argument as diffauroc.jax does
    assert "predictions[5] = nan in batch row 2 (batch rows 2, 3)" in text, text


def test_jax_fast_path_still_raises_value_error(jax_route):
    """Pins the JAX behaviour the documentation describes: when the first call of a jitted
    function succeeded, JAX runs the later calls on its C++ fast path, which raises a
    synchronous failure as a builtin ValueError; when the first call failed, every call
    raises JaxRuntimeError. If this fails, JAX has changed it (issue 34083): the
    documentation of diffauroc.jax (Errors) and the README must follow."""
    f = jax.jit(lambda s, y: auroc_exact(s, y))  # a new function: nothing cached
    jax.block_until_ready(f(GOOD_S, GOOD_Y))
    for _ in range(2):
        with pytest.raises(ValueError) as info:
            jax.block_until_ready(f(GOOD_S, BAD_Y))
        assert not isinstance(info.value, jax.errors.JaxRuntimeError)
    g = jax.jit(lambda s, y: auroc_exact(s, y))
    for args in (BAD_Y, GOOD_Y, BAD_Y):
        if args is GOOD_Y:
            jax.block_until_ready(g(GOOD_S, args))
            continue
        with pytest.raises(jax.errors.JaxRuntimeError):
            jax.block_until_ready(g(GOOD_S, args))


_SCRIPT = textwrap.dedent("""
    import json, sys
    import jax, jax.numpy as jnp
    import diffauroc.jax as djax
    from diffauroc.jax import auroc_soft, auroc_exact
    s, good, bad = jnp.array([0.1, 0.2, 0.3]), jnp.array([1.0, 0.0, 0.0]), jnp.array([1.0, 2.0, 0.0])
    seen = []
    for f in (jax.jit(auroc_soft), jax.jit(jax.grad(auroc_soft)), jax.jit(auroc_exact),
              auroc_soft):
        for args in (bad, good, bad, bad):
            try:
                jax.block_until_ready(f(s, args))
                seen.append("ok")
            except djax.RUNTIME_ERRORS as error:
                message = "labels must be exactly 0 or 1"
                seen.append(type(error).__name__ if message in str(error) else str(error))
    print(json.dumps([djax.route(), seen]))
""")


def test_nothing_is_printed_to_stderr_in_a_plain_script(jax_route):
    env = dict(os.environ, DIFFAUROC_JAX_ROUTE=jax_route)
    result = subprocess.run([sys.executable, "-c", _SCRIPT], env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    route, seen = json.loads(result.stdout)
    assert route == jax_route
    assert all(kind in ("ok", "JaxRuntimeError", "ValueError") for kind in seen), seen
    assert seen.count("ok") == 4


@pytest.mark.parametrize("jit", [False, True])
def test_exact_integer_predictions_keep_their_order(jit):
    # float32 cannot tell 2**24 from 2**24 + 1: the exact AUROC ranks the integers
    f = jax.jit(lambda s, y: auroc_exact(s, y)) if jit else auroc_exact
    s = jnp.array([2**24, 2**24 + 1, 2**24 + 1, 5], jnp.int32)
    # by hand: positives 2**24 + 1 (twice) beat negatives 2**24 and 5
    assert float(f(s, jnp.array([0.0, 1.0, 1.0, 0.0]))) == 1.0
    # positives 2**24, 2**24 + 1 against negatives 2**24 + 1, 5: 0 + 1 + 1/2 (a tie) + 1
    # of 4 pairs (float32 values would tie three of them: 0.75)
    assert float(f(s, jnp.array([1.0, 1.0, 0.0, 0.0]))) == 0.625
    batch = jnp.stack([s, jnp.array([2**24 + 1, 2**24, 5, 2**24 + 1], jnp.int32)])
    y = jnp.array([0.0, 1.0, 1.0, 0.0])
    # second row: positives 2**24 and 5 lose to both negatives (float32: 0.25)
    np.testing.assert_array_equal(jax.vmap(f, in_axes=(0, None))(batch, y), [1.0, 0.0])


def test_exact_too_many_integer_predictions_for_float32_ranks_is_an_error():
    # ranks 0 .. 2**24 do not all fit float32: refused when traced (no array is made)
    n = 2**24 + 1
    with pytest.raises(ValueError, match=r"16777217 integer predictions cannot be ranked "
                                         r"exactly in float32"):
        jax.eval_shape(auroc_exact, jax.ShapeDtypeStruct((n,), jnp.int32),
                       jax.ShapeDtypeStruct((n,), jnp.float32))
    out = jax.eval_shape(auroc_exact, jax.ShapeDtypeStruct((2**24,), jnp.int32),
                         jax.ShapeDtypeStruct((2**24,), jnp.float32))
    assert out.shape == () and out.dtype == jnp.float32


def test_masked_arrays_are_refused_by_jax_itself():
    # JAX does not take masked arrays (it would drop the mask): its ValueError, at trace time
    m = np.ma.masked_array([0.1, 0.9, 0.5], mask=[False, False, True])
    for f in (auroc_soft, auroc_exact):
        with pytest.raises(ValueError, match="masked arrays are not supported"):
            f(m, jnp.array([0.0, 1.0, 0.0]))


def test_soft_integer_predictions_float32_cannot_hold_are_refused_when_traced():
    # the soft AUROC depends on the values: int32 (beyond 2**24 in float32) is refused at
    # trace time instead of rounded; int16 converts exactly and gives sigmoid's value
    y = jnp.array([1.0, 0.0])
    with pytest.raises(ValueError, match=r"predictions of dtype int32 cannot all be "
                                         r"represented exactly in float32"):
        auroc_soft(jnp.array([2**24 + 1, 2**24], jnp.int32), y, 1.0)
    with pytest.raises(ValueError, match="int32"):
        jax.jit(lambda s: auroc_soft(s, y, 1.0))(jnp.array([3, 1], jnp.int32))
    value = float(auroc_soft(jnp.array([3, 1], jnp.int16), y, 1.0))
    assert value == pytest.approx(1.0 / (1.0 + math.exp(-2.0)), rel=1e-6)  # sigmoid(3 - 1)
