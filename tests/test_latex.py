"""The LaTeX printer: textbook notation, and LaTeX that compiles."""

import pytest

from gen.errors import Span
from gen.expr.latex import latex
from gen.expr.lower import parse_expr, symbol_table
from gen.spec.keys import Text, parse_spec

SYMBOLS = symbol_table(
    parse_spec(
        "symbols:\n  lambda:\n  w: {shape: [n]}\n  Sigma: {shape: [n, n]}\n  X: {shape: [n, n]}\n"
        "function: w\nwrt: w\n",
        "symbols.yaml",
    ).symbols
)


@pytest.mark.parametrize(
    "source, expected",
    [
        ("lambda*w", r"\lambda w"),  # a control word followed by a letter needs a space
        ("2*lambda*Sigma*w", r"2\lambda\Sigma w"),
        ("X^-1", r"X^{-1}"),
        ("X^-T", r"X^{-\top}"),
        ("w^T*X*w", r"w^{\top}Xw"),
        ("norm(X)^2", r"\lVert X\rVert_{F}^{2}"),
        ("hadamard(X, Sigma)", r"X \circ \Sigma"),
        ("sum(w)", r"\mathbf{1}^{\top}w"),
    ],
)
def test_latex(source, expected):
    assert latex(parse_expr(Text(source, Span("case", 1, 1)), SYMBOLS)) == expected
