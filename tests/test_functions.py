"""The function table (gen/expr/functions.py): each entrywise row agrees with itself.

Its numpy function, its numpy source and its derivative are three fields written by
hand; here they are checked against each other at points of the row's domain (the
derivative by central differences and, for an analytic row, by the complex step).
The derivative of each is also a hand-derived case of tests/fixtures/differentials.txt.
"""

import numpy as np
import pytest
import sympy as sp

from gen.errors import SpecError
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


# the parameters of the piecewise rows, chosen here (the others take none or their default)
PARAMETERS = {"step": (0.3,), "max": (0.3,), "min": (-0.2,), "clip": (-0.5, 0.6), "huber": (0.7,)}
WRITTEN = {"max": ", 0", "min": ", 0", "clip": ", -1, 1"}  # the parameters a call must write


def parameters(name: str) -> tuple:
    return PARAMETERS.get(name, ())


def points(function, shape=()) -> np.ndarray:
    """Fixed points inside the domain (tan's poles lie outside ±1.2), 0.05 away from any kink."""
    low, high = (0.2, 3.0) if function.domain == POSITIVE else (-1.2, 1.2)
    drawn = np.random.default_rng(0).uniform(low, high, 40)
    kinks = function.kinks(*parameters(function.name)) if function.piecewise else ()
    kept = [v for v in drawn if all(abs(v - k) > 0.05 for k in kinks)]
    return np.reshape(kept[: int(np.prod(shape or (7,)))], shape or (7,))


def central_difference(f, v):
    return (f(v - 2 * H) - 8 * f(v - H) + 8 * f(v + H) - f(v + 2 * H)) / (12 * H)


@pytest.mark.parametrize("name", ENTRYWISE)
def test_the_numpy_source_computes_the_numpy_function(name):
    function = ENTRYWISE[name]
    v = points(function)
    namespace = {"np": np}
    source = function.numpy_source.format("v", *map(str, parameters(name)))  # the table's own text
    exec(f"def f(v): return {source}", namespace)
    expected = function.numpy_function(np)(v, *parameters(name))
    np.testing.assert_allclose(namespace["f"](v), expected, rtol=1e-12)


@pytest.mark.parametrize("name", ENTRYWISE)
@pytest.mark.parametrize("variable", [x, X], ids=["number", "matrix"])
def test_the_derivative_is_that_of_the_numpy_function(name, variable):
    function = ENTRYWISE[name]
    f = lambda v: function.numpy_function(np)(v, *parameters(name))  # noqa: E731
    v = points(function, ir.shape(variable) and (3, 2))
    values = {variable: v if ir.shape(variable) else v[0]}
    constants = map(sp.Float, parameters(name))
    derivative = Evaluator(values, {}, {})(function.derivative(ir, variable, *constants))
    expected = central_difference(f, values[variable])
    np.testing.assert_allclose(derivative, expected, rtol=1e-8, atol=1e-9)  # a flat piece: 0 to rounding
    if function.analytic:  # the verifier's complex step relies on it
        np.testing.assert_allclose(np.imag(f(values[variable] + 1e-30j)) / 1e-30, derivative, rtol=1e-12)


# φ of a matrix's entries, typeset so that no reader takes it for the matrix function (Higham,
# Functions of Matrices §1.1, writes exp(X), X^{1/2} for those); the Hadamard power X^{∘1/2} as in
# Styan, "Hadamard products and multivariate statistical analysis" (1973).
MATRIX_LATEX = {
    "exp": r"\exp^{\circ}(X)",
    "log": r"\log^{\circ}(X)",
    "sqrt": r"X^{\circ 1/2}",
    "sin": r"\sin^{\circ}(X)",
    "cos": r"\cos^{\circ}(X)",
    "tan": r"\tan^{\circ}(X)",
    "tanh": r"\tanh^{\circ}(X)",
    "atan": r"\arctan^{\circ}(X)",
    "sigmoid": r"\sigma^{\circ}(X)",
    "softplus": r"\operatorname{softplus}^{\circ}(X)",
    # Goodfellow, Bengio & Courville, Deep Learning §6.3.1 (relu, and its derivative 1[z > 0])
    "step": r"\mathbb{I}^{\circ}[X > 0]",
    "sign": r"\operatorname{sign}^{\circ}(X)",
    "relu": r"\operatorname{relu}^{\circ}(X)",
    "abs": r"\lvert X\rvert^{\circ}",
    "max": r"\max^{\circ}(X, 0)",
    "min": r"\min^{\circ}(X, 0)",
    "clip": r"\operatorname{clip}^{\circ}(X, -1, 1)",
    "huber": r"\operatorname{huber}_{1}^{\circ}(X)",
}
VECTOR_LATEX = {
    "sqrt": r"\sqrt{x}",
    "sigmoid": r"\sigma(x)",
    "softplus": r"\operatorname{softplus}(x)",
    "step": r"\mathbb{I}[x > 0]",
    "sign": r"\operatorname{sign}(x)",
    "relu": r"\operatorname{relu}(x)",
    "abs": r"\lvert x\rvert^{\circ}",  # marked: |x| of a vector, bare, is its length
    "max": r"\max(x, 0)",
    "min": r"\min(x, 0)",
    "clip": r"\operatorname{clip}(x, -1, 1)",
    "huber": r"\operatorname{huber}_{1}(x)",
}


def parse(name: str, argument: str):
    symbols = "symbols: {X: {shape: [n, n]}, x: {shape: [n]}}"
    spec = parse_spec(f"{symbols}\nfunction: {name}{argument}\nwrt: X\n", "f.yaml")
    return parse_expr(spec.function, symbol_table(spec.symbols))


@pytest.mark.parametrize("name", ENTRYWISE)
def test_each_row_parses_prints_and_typesets(name):
    more = WRITTEN.get(name, "")
    e = parse(name, f".(X{more})")
    assert isinstance(e, ir.Elementwise) and e.name == name
    assert (text(e), latex(e)) == (f"{name}.(X{more})", MATRIX_LATEX[name])
    vector = parse(name, f"(x{more})")
    assert isinstance(vector, ir.Elementwise) and parse(name, f".(x{more})") == vector
    plain = VECTOR_LATEX.get(name, rf"\{'arctan' if name == 'atan' else name}(x)")
    assert (text(vector), latex(vector)) == (f"{name}(x{more})", plain)


@pytest.mark.parametrize("name", [name for name, row in ENTRYWISE.items() if row.piecewise])
def test_a_piecewise_function_of_a_square_matrix_is_entry_by_entry(name):
    # no matrix function relu, huber, … is in use: relu(X) of a square X is relu.(X), marked ∘ in print
    more = WRITTEN.get(name, "")
    assert parse(name, f"(X{more})") == parse(name, f".(X{more})")


@pytest.mark.parametrize("name", [name for name, row in ENTRYWISE.items() if not row.piecewise])
def test_each_row_of_a_square_matrix_asks_which_function_is_meant(name):
    with pytest.raises(SpecError) as error:
        parse(name, "(X)")
    matrix = ENTRYWISE[name].matrix_function
    if matrix in FUNCTIONS:  # the matrix function a reader takes it for is a row: named
        assert error.value.message == (
            f"{name}(X) of a square matrix is ambiguous: "
            f"write {matrix}(X) for the matrix function or {name}.(X) entry by entry"
        )
    else:
        assert error.value.message.startswith(f"{name}(X) of a square matrix is ambiguous: write {name}.(X)")


def test_each_name_is_one_row_and_reserved():
    assert len(TABLE) == len(FUNCTIONS)
    assert set(FUNCTIONS) - {"d"} <= RESERVED_NAMES  # d may name a symbol (then d(...) is no differential)
