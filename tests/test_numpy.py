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
from gen.expr.printers import python_name
from gen.render.json_view import to_json
from gen.spec.keys import load_spec
from gen.verify.checks import verify
from gen.verify.evaluate import Evaluator
from gen.verify.sample import draw, sample_dims

DERIVATIONS = Path(__file__).parent.parent / "derivations"


def arguments(derivation, values: dict) -> dict:
    """The spec's symbols as numpy arguments (``lambda`` as ``lambda_``): vectors 1-D."""
    out = {}
    for name, symbol in derivation.symbols:
        value = values[symbol]
        out[python_name(name)] = np.ravel(value) if ir.is_matrix(symbol) and symbol.shape[1] == 1 else value
    return out


@pytest.mark.parametrize("path", sorted(DERIVATIONS.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_numpy_result_is_the_verified_result(path):
    derivation = derive(load_spec(path))
    out = to_json(derivation, verify(derivation))
    results = out["results"] if "results" in out else {derivation.variable.name: out["result"]}
    dims = sample_dims(derivation)
    values = draw(derivation, dims, np.random.default_rng(7))
    ev = Evaluator(values, dims, {})
    for variable, result in derivation.results:
        namespace = {"np": np}
        exec(results[variable.name]["numpy"], namespace)
        computed = np.asarray(namespace["result"](**arguments(derivation, values)))
        value = np.asarray(ev(result), dtype=float)
        kind = results[variable.name]["kind"]
        if kind == "gradient" and variable.shape[1] == 1:  # a vector's gradient is 1-D
            value = np.ravel(value)
        elif kind == "derivative" and not ir.is_matrix(derivation.function):
            value = float(np.squeeze(value))
        assert computed.shape == np.shape(value), (kind, computed.shape)
        np.testing.assert_allclose(computed, value, rtol=1e-10, atol=1e-12)
