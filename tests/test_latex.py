"""The LaTeX printer: textbook notation, and LaTeX that compiles."""

import pytest

from gen.errors import Span
from gen.expr.latex import latex
from gen.expr.line_breaks import width
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
        # entry by entry: φ^∘ of a matrix (φ(X) is the matrix function), plain φ of a vector
        ("exp.(X)", r"\exp^{\circ}(X)"),
        ("tr(sin.(X))", r"\operatorname{tr}(\sin^{\circ}(X))"),
        ("sqrt.(X*Sigma)", r"(X\Sigma)^{\circ 1/2}"),
        ("exp(w)", r"\exp(w)"),
        ("sqrt(w)", r"\sqrt{w}"),
        ("exp.(lambda)", r"\exp(\lambda)"),
        # a decimal as the author wrote it (GELU's constants), a short fraction as a fraction
        ("0.7978845608028654*w", r"0.7978845608028654w"),
        ("0.044715*lambda*w", r"0.044715\lambda w"),
        ("-0.044715*w", r"-0.044715w"),
        ("0.5*w", r"\tfrac{1}{2}w"),
    ],
)
def test_latex(source, expected):
    assert latex(parse_expr(Text(source, Span("case", 1, 1)), SYMBOLS)) == expected


def test_a_raised_circle_is_a_glyph_not_an_operator():
    assert width(r"\exp^{\circ}(X)") == width(r"\exp(X)") + 1
    assert width(r"X^{\circ 2}") == 3
    assert width(r"X \circ Y") == 4  # ∘ between factors takes space on both sides


@pytest.mark.parametrize(
    "name, expected",
    [
        ("ab", r"\mathrm{ab}"),  # one symbol: upright, unlike the product ab of a and b
        ("a", "a"),
        ("x1", "x_{1}"),
        ("ab_c", r"\mathrm{ab}_{c}"),
        ("X_ab", r"X_{\mathrm{ab}}"),
        ("lambda", r"\lambda"),
        ("eps", r"\varepsilon"),  # the short names code and papers use (issue 16: eps printed as *eps*)
        ("eps_2", r"\varepsilon_{2}"),
        ("lam", r"\lambda"),
        ("epsx", r"\mathrm{epsx}"),
    ],
)
def test_a_name_of_several_letters_is_one_word(name, expected):
    from gen.expr.latex import name_latex

    assert name_latex(name) == expected


def test_a_symbol_ab_and_the_product_of_a_and_b_look_different():
    spec = "symbols:\n  a:\n  b:\n  ab:\n  X: {shape: [n, n]}\nfunction: tr(X)\nwrt: X\n"
    symbols = symbol_table(parse_spec(spec, "s.yaml").symbols)
    value = parse_expr(Text("ab*tr(X) + a*b*tr(X)", Span("s.yaml")), symbols)
    assert latex(value) == r"\mathrm{ab}\,\operatorname{tr}(X) + ab\,\operatorname{tr}(X)"
