"""The command line, through click's CliRunner: outputs, exit codes, one-line errors."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import GOOD, STEPS, invoke

from gen import pipeline

ROOT = Path(__file__).parent.parent
DERIVATIONS = ROOT / "derivations"
SEED = DERIVATIONS / "trace_inverse.yaml"

LAYER = """\
symbols:
  W: {shape: [m, n]}
  b: {shape: [m]}
  x: {shape: [n]}
  y: {shape: [m]}
function: norm(W*x + b - y)^2
wrt: [W, b]
"""


def show_json(path: Path) -> dict:
    result = invoke("show", path, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def numpy_result(source: str):
    namespace = {"np": np}
    exec(source, namespace)  # the generated source may use only np
    return namespace["result"]


def test_check_prints_one_line_per_spec(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = invoke("check", "derivations/")
    assert result.exit_code == 0, result.stderr
    specs = sorted(p.name for p in DERIVATIONS.glob("*.yaml"))
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == [f"ok  derivations/{name}" for name in specs]
    assert "grad_X tr(X^-1) = -(X^-2)^T" in result.stdout


def test_show_json_of_the_seed():
    shown = show_json(SEED)
    assert list(shown["methods"]) == ["differential", "directional", "entrywise"]
    for method in shown["methods"].values():
        lines = method["steps"] + [s for lemma in method.get("lemmas", []) for s in lemma["steps"]]
        assert lines and all(line["check"]["ok"] is True for line in lines)
    (lemma,) = shown["methods"]["directional"]["lemmas"]
    assert [line["rule"] for line in lemma["steps"]] == ["difference of inverses", "increment", "continuity"]
    assert shown["result"]["text"] == "-(X^-2)^T"
    assert shown["checks"]["ok"] is True
    assert shown["compare"][0]["diagnosis"] == "sign"


def test_numpy_source_of_the_seed_computes_the_gradient():
    result = numpy_result(show_json(SEED)["result"]["numpy"])
    rng = np.random.default_rng(7)
    X = rng.standard_normal((5, 5)) + 5 * np.eye(5)
    np.testing.assert_allclose(result(X=X), -np.linalg.matrix_power(np.linalg.inv(X), 2).T, rtol=1e-10)


def test_numpy_source_takes_and_returns_1d_vectors():
    result = numpy_result(show_json(DERIVATIONS / "quadratic_form.yaml")["result"]["numpy"])
    rng = np.random.default_rng(7)
    x, A = rng.standard_normal(4), rng.standard_normal((4, 4))
    gradient = result(x=x, A=A)
    assert gradient.shape == (4,)
    np.testing.assert_allclose(gradient, (A + A.T) @ x, rtol=1e-10)


def test_build_tex_writes_the_document(tmp_path):
    result = invoke("build", "--to", "tex", "-o", tmp_path, SEED)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [".build", "trace_inverse.tex"]  # .build: the cache
    article = pipeline.render_tex(pipeline.run(SEED))  # the same document, rendered in-process
    assert (tmp_path / "trace_inverse.tex").read_text(encoding="utf-8") == article


BAD = [
    (
        "unknown key",
        GOOD + "method: [differential]\n",
        2,
        "5:1: unknown key 'method' (did you mean 'methods'?)",
    ),
    (
        "unknown function",
        GOOD.replace("tr(X^-1)", "trace(X^-1)"),
        2,
        "3:11: unknown function 'trace' (did you mean 'tr'?)",
    ),
    (
        "non-conformable product",
        GOOD.replace("invertible]}", "invertible]}\n  B: {shape: [n, m]}").replace("tr(X^-1)", "tr(B*B)"),
        2,
        "4:15: cannot multiply an n×m matrix by an n×m matrix: the inner dimensions m and n differ",
    ),
    (
        "false claim",
        GOOD + "claim: (X^-2)^T\n",
        1,
        "5:8: the claim is false: relative discrepancy 2 at a random point; it has the wrong sign",
    ),
    (
        # step 3 is -(step 2): |a - (-a)| / |a| = 2
        "false step",
        GOOD + STEPS.replace("tr(-X^-1 * dX * X^-1)", "tr(X^-1 * dX * X^-1)"),
        1,
        "8:12: step 3 does not follow from step 2 (relative discrepancy 2 at a random X)",
    ),
    (  # step 1 is -df: |a - (-a)| / |a| = 2 at every point
        "false first step",
        GOOD + STEPS.replace("d(tr(X^-1))", "-d(tr(X^-1))"),
        1,
        "6:12: step 1 is not the differential (relative discrepancy 2 at a random X)",
    ),
    (  # ∇_b ‖Wx + b − y‖² = 2(Wx + b − y): the claimed -2(…) has the wrong sign, |a − (−a)|/|a| = 2
        "false claim of one of several",
        LAYER + "claim: {W: 2*(W*x + b - y)*x^T, b: -2*(W*x + b - y)}\n",
        1,
        "8:36: the claim for b is false: relative discrepancy 2 at a random point; it has the wrong sign",
    ),
    (
        "one claim for several variables",
        LAYER + "claim: 2*(W*x + b - y)*x^T\n",
        2,
        "8:8: with several 'wrt', claim each gradient by its variable: {W: ..., b: ...}",
    ),
    (
        "claim of a variable not in wrt",
        LAYER + "claim: {W: 2*(W*x + b - y)*x^T, x: b}\n",
        2,
        "8:33: 'claim' names 'x', which is not in 'wrt' (W, b)",
    ),
    (
        "matrix-valued step",
        GOOD + STEPS.replace("tr(d(X^-1))", "d(X^-1)"),
        2,
        "7:12: step 2 is an n×n matrix, but the differential of a scalar function is a scalar",
    ),
]


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("spec, exit_code, error", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_spec_is_one_line_and_writes_nothing(tmp_path, command, spec, exit_code, error):
    path = tmp_path / "bad.yaml"
    path.write_text(spec, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.tex").write_bytes(b"\\relax % written before\n")
    args = ("build", "--to", "tex", "-o", out) if command == "build" else ("check",)
    result = invoke(*args, path)
    assert result.exit_code == exit_code
    assert result.stderr == f"{path}:{error}\n"
    assert result.stdout == ""
    assert [p.name for p in out.iterdir()] == ["keep.tex"]
    assert (out / "keep.tex").read_bytes() == b"\\relax % written before\n"


@pytest.mark.parametrize("command", ["check", "show", "build"])
def test_nonexistent_path_is_bad_input(tmp_path, command):
    missing = tmp_path / "missing.yaml"
    result = invoke(command, missing)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and str(missing) in result.stderr
    assert "Traceback" not in result.output


def test_rules_lists_every_rule():
    result = invoke("rules")
    assert result.exit_code == 0
    for name in ("constant", "inverse", "log-determinant", "identification"):
        assert any(line.startswith(name + " ") for line in result.stdout.splitlines()), name
    # the differential calculus comes first, in its table's order, whatever order modules register in
    names = [line.split("  ")[0] for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert names[:4] == ["constant", "linearity", "constant factor", "product"]


def test_help_does_not_import_sympy_or_numpy():
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "from gen.cli import main; main()", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert run.returncode == 0 and "Usage" in run.stdout
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in run.stderr.splitlines()}
    assert "click" in imported  # the import log was read
    assert not imported & {"sympy", "numpy"}


def test_outputs_get_the_permissions_of_any_new_file(tmp_path):
    import os

    umask = os.umask(0)
    os.umask(umask)
    result = invoke("build", "--to", "tex", "-o", tmp_path, SEED)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "trace_inverse.tex").stat().st_mode & 0o777 == 0o666 & ~umask
