"""The function table (gen/expr/functions.py): each entrywise row agrees with itself.

Its numpy function, its numpy source and its derivative are three fields written by
hand; here they are checked against each other at points of the row's domain (the
derivative by central differences and, for an analytic row, by the complex step).
The derivative of each is also a hand-derived case of tests/fixtures/differentials.txt.
"""

import numpy as np
import pytest
import sympy as sp

from gen.expr import ir
from gen.expr.functions import ENTRYWISE, FUNCTIONS, POSITIVE, TABLE
from gen.expr.latex import latex
from gen.expr.lower import parse_expr, symbol_table
from gen.expr.printers import text
from gen.spec.keys import FUNCTIONS as RESERVED_NAMES
from gen.spec.keys import parse_spec
from gen.verify.evaluate import Evaluator

x = sp.Symbol("x", real=True)
X = sp.MatrixSymbol("X", 3, 2)
H = 1e-4


def points(function, shape=()) -> np.ndarray:
    """Fixed points inside the domain (tan's poles lie outside ±1.2)."""
    low, high = (0.2, 3.0) if function.domain == POSITIVE else (-1.2, 1.2)
    return np.random.default_rng(0).uniform(low, high, shape or (7,))


def central_difference(f, v):
    return (f(v - 2 * H) - 8 * f(v - H) + 8 * f(v + H) - f(v + 2 * H)) / (12 * H)


@pytest.mark.parametrize("name", ENTRYWISE)
def test_the_numpy_source_computes_the_numpy_function(name):
    function = ENTRYWISE[name]
    v = points(function)
    namespace = {"np": np}
    exec(f"def f(v): return {function.numpy_source.format('v')}", namespace)  # the table's own text
    np.testing.assert_allclose(namespace["f"](v), function.numpy_function(np)(v), rtol=1e-12)


@pytest.mark.parametrize("name", ENTRYWISE)
@pytest.mark.parametrize("variable", [x, X], ids=["number", "matrix"])
def test_the_derivative_is_that_of_the_numpy_function(name, variable):
    function = ENTRYWISE[name]
    f = function.numpy_function(np)
    v = points(function, ir.shape(variable) and (3, 2))
    values = {variable: v if ir.shape(variable) else v[0]}
    derivative = Evaluator(values, {}, {})(function.derivative(ir, variable))
    expected = central_difference(f, values[variable])
    np.testing.assert_allclose(derivative, expected, rtol=1e-8)
    if function.analytic:  # the verifier's complex step relies on it
        np.testing.assert_allclose(np.imag(f(values[variable] + 1e-30j)) / 1e-30, derivative, rtol=1e-12)


@pytest.mark.parametrize("name", ENTRYWISE)
def test_each_row_parses_prints_and_typesets(name):
    spec = parse_spec(f"symbols: {{X: {{shape: [n, n]}}}}\nfunction: {name}(X)\nwrt: X\n", "f.yaml")
    e = parse_expr(spec.function, symbol_table(spec.symbols))
    assert isinstance(e, ir.Elementwise) and e.name == name
    assert text(e) == f"{name}(X)"
    assert latex(e) == ENTRYWISE[name].latex.format(arg="X", group="(X)")


def test_each_name_is_one_row_and_reserved():
    assert len(TABLE) == len(FUNCTIONS)
    assert set(FUNCTIONS) <= RESERVED_NAMES
