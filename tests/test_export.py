"""derivtex export --to numpy: a module with the function and its derivative that checks itself."""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import GOOD, invoke

DERIVATIONS = Path(__file__).parent.parent / "derivations"
# One spec per kind of result, and the variants of a gradient that change what is compared.
SPECS = {
    "trace_inverse": "gradient",  # of a matrix
    "quadratic_form": "gradient",  # of a vector
    "quadratic_form_numerator": "gradient",  # numerator layout: the transpose
    "logdet_symmetric": "gradient",  # within symmetric matrices
    "logdet_symmetric_cookbook": "gradient",  # the Matrix Cookbook's G + Gᵀ - diag(G)
    "scalar_det": "derivative",  # a number, by a number
    "scalar_inverse": "derivative",  # a matrix, by a number
    "jacobian_softmax": "jacobian",
    "jacobian_tanh_layer": "jacobian",
    "hessian_logistic_regression": "hessian",
    "hessian_quadratic_form": "hessian",
    "ml_ridge": "gradient",  # a symbol called lambda, a Python keyword: the parameter lambda_
}


def export(spec: Path, out: Path) -> Path:
    result = invoke("export", spec, "--to", "numpy", "-o", out)
    assert result.exit_code == 0, result.stderr
    module = out / f"{spec.stem}.py"
    assert result.stdout == f"wrote {module}\n"
    return module


def load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name, kind", SPECS.items(), ids=SPECS)
def test_the_exported_module_checks_itself(name, kind, tmp_path):
    module = export(DERIVATIONS / f"{name}.yaml", tmp_path)
    source = module.read_text(encoding="utf-8")
    assert re.findall(r"^(?:import|from) .*", source, flags=re.M) == ["import numpy as np"]
    assert f"\ndef {kind}(" in source and "\ndef function(" in source
    run = subprocess.run([sys.executable, module], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.fullmatch(
        rf"the {kind} agrees with central finite differences: relative error \d\.\de-\d\d\n", run.stdout
    )


@pytest.mark.parametrize(
    "name", ["trace_inverse", "logdet_symmetric", "jacobian_softmax", "hessian_quadratic_form"]
)
def test_a_wrong_derivative_fails_the_self_check(name, tmp_path):
    module = load(export(DERIVATIONS / f"{name}.yaml", tmp_path))
    kind = SPECS[name]
    assert module.check() <= module.TOLERANCE
    right = getattr(module, kind)
    setattr(module, kind, lambda **point: 1.001 * right(**point))
    assert module.check() > module.TOLERANCE


def test_the_function_and_gradient_compute_what_they_say(tmp_path):
    module = load(export(DERIVATIONS / "trace_inverse.yaml", tmp_path))
    X = module.POINT["X"]
    assert module.function(X=X) == pytest.approx(np.trace(np.linalg.inv(X)))
    np.testing.assert_allclose(module.gradient(X=X), -np.linalg.matrix_power(np.linalg.inv(X), 2).T)


def test_a_symmetric_point_is_exactly_symmetric(tmp_path):
    S = load(export(DERIVATIONS / "logdet_symmetric.yaml", tmp_path)).POINT["S"]
    assert (S == S.T).all() and np.linalg.eigvalsh(S).min() > 0


def test_export_is_deterministic(tmp_path):
    first = export(DERIVATIONS / "jacobian_softmax.yaml", tmp_path / "a").read_bytes()
    assert export(DERIVATIONS / "jacobian_softmax.yaml", tmp_path / "b").read_bytes() == first


@pytest.mark.parametrize(
    "spec, exit_code, error",
    [
        (GOOD + "method: [differential]\n", 2, "5:1: unknown key 'method' (did you mean 'methods'?)"),
        (GOOD + "claim: (X^-2)^T\n", 1, "5:8: the claim is false"),
    ],
    ids=["bad input", "false claim"],
)
def test_a_bad_spec_is_one_line_and_writes_nothing(spec, exit_code, error, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(spec, encoding="utf-8")
    result = invoke("export", path, "-o", tmp_path / "out")
    assert result.exit_code == exit_code
    assert result.stderr.startswith(f"{path}:{error}") and len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_an_unknown_target_is_a_usage_error(tmp_path):
    result = invoke("export", DERIVATIONS / "trace_inverse.yaml", "--to", "fortran", "-o", tmp_path)
    assert result.exit_code == 2 and "Invalid value for '--to': 'fortran'" in result.stderr


def test_a_symbol_named_like_a_keyword_is_a_parameter_with_an_underscore(tmp_path):
    module = load(export(DERIVATIONS / "ml_ridge.yaml", tmp_path))
    assert "lambda_" in module.POINT and "lambda" not in module.POINT
    point = dict(module.POINT)
    lam = point["lambda_"]
    w, X, y = point["w"], point["X"], point["y"]
    expected = lam * w @ w + np.sum((X @ w - y) ** 2)
    assert module.function(**point) == pytest.approx(expected)


@pytest.mark.parametrize("name", ["trace_inverse", "logdet_symmetric", "hessian_logistic_regression"])
def test_the_module_does_not_depend_on_the_last_bits_of_the_point(name, tmp_path, monkeypatch):
    """Another LAPACK may draw the point a few ulps apart; the module's source stays the same."""
    from gen.render import code

    exported = export(DERIVATIONS / f"{name}.yaml", tmp_path / "a").read_text()
    draw = code.draw

    def nudged(*args):
        return {s: v * (1 + 4e-16) if isinstance(v, np.ndarray) else v for s, v in draw(*args).items()}

    monkeypatch.setattr(code, "draw", nudged)
    assert export(DERIVATIONS / f"{name}.yaml", tmp_path / "b").read_text() == exported
    monkeypatch.setattr(code, "number", lambda x: repr(float(x)))  # the digits as drawn: they differ
    assert export(DERIVATIONS / f"{name}.yaml", tmp_path / "c").read_text() != exported
