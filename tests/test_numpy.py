"""``result.numpy`` computes, for every spec in the catalog, the result the proofs verified.

The result itself is checked against finite differences by ``verify``; here its numpy
source (``show --json``) is run at a sampled point and compared with the evaluated
result, in the shape DESIGN.md gives: a gradient in the variable's shape (vectors
1-D), a Jacobian (size f, size x), a Hessian (size x, size x), a derivative by a number
in the function's shape; with several variables, one per variable.
"""

from pathlib import Path

import numpy as np
import pytest

from gen.engine.derive import derive
from gen.expr import ir
from gen.expr.numpy_source import python_name
from gen.render.json_view import to_json
from gen.spec.keys import load_spec
from gen.verify.checks import verify
from gen.verify.evaluate import Evaluator
from gen.verify.sample import draw, sample_dims

DERIVATIONS = Path(__file__).parent.parent / "derivations"


def arguments(derivation, ev: Evaluator) -> dict:
    """The spec's symbols as numpy arguments (``lambda`` as ``lambda_``): vectors 1-D; with a
    change of variable ``Λ = Σ⁻¹``, Σ is evaluated from the drawn Λ."""
    out = {}
    for name, symbol in derivation.symbols:
        value = np.asarray(ev(symbol), dtype=float)
        out[python_name(name)] = np.ravel(value) if ir.is_matrix(symbol) and symbol.shape[1] == 1 else value
    return out


@pytest.mark.parametrize("path", sorted(DERIVATIONS.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_numpy_result_is_the_verified_result(path):
    derivation = derive(load_spec(path))
    out = to_json(derivation, verify(derivation))
    results = out["results"] if "results" in out else {derivation.variable.name: out["result"]}
    dims = sample_dims(derivation)
    values = draw(derivation, dims, np.random.default_rng(7))
    backprop = derivation.proofs[0].backprop if derivation.proofs else None  # a result in its δs
    ev = Evaluator({**values, **dict(backprop.definitions if backprop else ())}, dims, {})
    for variable, result in derivation.results:
        namespace = {"np": np}
        exec(results[variable.name]["numpy"], namespace)
        computed = np.asarray(namespace["result"](**arguments(derivation, ev)))
        value = np.asarray(ev(result), dtype=float)
        kind = results[variable.name]["kind"]
        if kind == "gradient" and variable.shape[1] == 1:  # a vector's gradient is 1-D
            value = np.ravel(value)
        elif derivation.kind.by_number and np.size(value) == 1:  # of a number: a number
            value = float(np.squeeze(value))
        elif derivation.kind.by_number and np.shape(value)[1] == 1:  # of a vector: 1-D
            value = np.ravel(value)
        assert computed.shape == np.shape(value), (kind, computed.shape)
        np.testing.assert_allclose(computed, value, rtol=1e-10, atol=1e-12)


# Each kind of result, returned in the shape of the contract (README, "show --json") and equal to
# central differences of the function written independently in numpy (n = 3, m = 2).
N, M, H = 3, 2, 1e-5
VECTOR, MATRIX, SQUARE, WIDE = (
    {"shape": ["n"]},
    {"shape": ["n", "m"]},
    {"shape": ["n", "n"]},
    {"shape": ["m", "n"]},
)


def central(f, x, h=H):
    """∂f/∂x by central differences: in x's shape for a number f, else (f's entries, x's) as one array."""
    x = np.asarray(x, dtype=float)
    out = []
    for k in range(x.size):
        e = np.zeros(x.size)
        e[k] = h
        e = e.reshape(x.shape)
        out.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * h))
    stacked = np.moveaxis(np.array(out), 0, -1)  # entries of f first, then x's (row-major)
    return stacked.reshape(np.shape(f(x)) + x.shape) if x.shape else stacked.reshape(np.shape(f(x)))


SHAPES = [  # function, wrt, symbols, options, the result's shape, its value by differences (of P)
    (
        "sin(t^2*x)",
        "t",
        {"t": {}, "x": VECTOR},
        {},
        (N,),
        lambda p: central(lambda t: np.sin(t**2 * p["x"]), p["t"]),
    ),
    ("t^2*A", "t", {"t": {}, "A": MATRIX}, {}, (N, M), lambda p: central(lambda t: t**2 * p["A"], p["t"])),
    (
        "x^T*A*x*t^2",
        "t",
        {"t": {}, "x": VECTOR, "A": SQUARE},
        {},
        (),
        lambda p: central(lambda t: p["x"] @ p["A"] @ p["x"] * t**2, p["t"]),
    ),
    (
        "x^T*A*x",
        "x",
        {"x": VECTOR, "A": SQUARE},
        {},
        (N,),
        lambda p: central(lambda x: x @ p["A"] @ x, p["x"]),
    ),
    (
        "a^T*X*b",
        "X",
        {"X": MATRIX, "a": VECTOR, "b": {"shape": ["m"]}},
        {},
        (N, M),
        lambda p: central(lambda X: p["a"] @ X @ p["b"], p["X"]),
    ),
    (
        "a^T*X*b",
        "X",
        {"X": MATRIX, "a": VECTOR, "b": {"shape": ["m"]}},
        {"layout": "numerator"},
        (M, N),
        lambda p: central(lambda X: p["a"] @ X @ p["b"], p["X"]).T,
    ),
    ("A*x", "x", {"x": VECTOR, "A": WIDE}, {}, (M, N), lambda p: central(lambda x: p["A"] @ x, p["x"])),
    (
        "x^T*A*x",
        "x",
        {"x": VECTOR, "A": SQUARE},
        {"order": 2},
        (N, N),
        lambda p: central(lambda x: central(lambda y: y @ p["A"] @ y, x, 1e-4), p["x"], 1e-4),
    ),
    (
        "sin(t^2*x)",
        "t",
        {"t": {}, "x": VECTOR},
        {"order": 2},
        (N,),
        lambda p: central(lambda t: central(lambda s: np.sin(s**2 * p["x"]), t, 1e-4), p["t"], 1e-4),
    ),
]


@pytest.mark.parametrize(("function", "wrt", "symbols", "options", "shape", "expected"), SHAPES)
def test_each_kind_comes_back_in_its_documented_shape(function, wrt, symbols, options, shape, expected):
    from gen.api import derive as derive_api

    rng = np.random.default_rng(3)
    sizes = {"n": N, "m": M}
    point = {
        k: rng.standard_normal([sizes[d] for d in s.get("shape", [])]) if s else 0.7
        for k, s in symbols.items()
    }
    namespace = {"np": np}
    exec(derive_api(function, wrt=wrt, symbols=symbols, **options).result.numpy, namespace)
    computed = namespace["result"](**point)
    assert np.shape(computed) == shape
    assert isinstance(computed, float) if shape == () else isinstance(computed, np.ndarray)
    np.testing.assert_allclose(computed, expected(point), rtol=1e-6, atol=1e-6)
