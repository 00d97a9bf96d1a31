"""The LaTeX front end (gen/expr/tex.py): hand-written cases read into the spec grammar, each
checked numerically equal to its expected expression; error positions; bounds; macros."""

import numpy as np
import pytest
from helpers import fixture_cases

from gen.errors import Span, SpecError
from gen.expr.lower import parse_expr, symbol_table, written
from gen.expr.tex import macros_from, parse_tex
from gen.spec.keys import Text, parse_spec
from gen.verify.evaluate import Evaluator

SYMBOLS = symbol_table(
    parse_spec(
        """
symbols:
  X: {shape: [n, n]}
  Y: {shape: [n, n]}
  A: {shape: [n, n]}
  B: {shape: [n, m]}
  C: {shape: [m, n]}
  W_1: {shape: [n, n]}
  W2: {shape: [m, n]}
  x: {shape: [n]}
  a: {shape: [n]}
  y: {shape: [n]}
  b: {shape: [m]}
  s: {}
  t: {}
  alpha: {}
function: X
wrt: X
""",
        "symbols.yaml",
    ).symbols
)
SIZES = {"n": 4, "m": 3}
DIMS = {
    d: SIZES[str(d)] for s in SYMBOLS.values() for size in getattr(s, "shape", ()) for d in size.free_symbols
}


def tex(source: str) -> Text:
    return Text(source, Span("expr.tex", 1, 1), latex=True)


def lower(source: Text):
    return parse_expr(source, SYMBOLS, differentials=True)


def values(seed: int) -> tuple[dict, dict]:
    """Random values (square matrices well away from singular, positive numbers and vectors), and
    random directions for the differentials."""
    rng = np.random.default_rng(seed)
    point, directions = {}, {}
    for symbol in SYMBOLS.values():
        shape = tuple(int(d.xreplace(DIMS)) for d in getattr(symbol, "shape", ()))
        value = rng.uniform(0.5, 1.5, shape) if shape else rng.uniform(0.5, 1.5)
        if shape and shape[0] == shape[1] and shape[0] > 1:
            value = value + shape[0] * np.eye(shape[0])
        point[symbol], directions[symbol] = value, rng.normal(size=shape) if shape else rng.normal()
    return point, directions


def evaluate(e, seed: int):
    point, directions = values(seed)
    return np.asarray(Evaluator(point, DIMS, directions)(e), dtype=complex)


def shape(e) -> tuple:
    """A 1×1 product is a number."""
    return tuple(getattr(e, "shape", ())) if getattr(e, "shape", ()) != (1, 1) else ()


def assert_same_value(left, right):
    assert shape(left) == shape(right)
    for seed in (1, 2):
        np.testing.assert_allclose(evaluate(left, seed), evaluate(right, seed), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("latex, expected", fixture_cases("tex.txt", 2))
def test_latex_reads_as_the_grammar_expression(latex, expected):
    assert_same_value(lower(tex(latex)), lower(Text(expected, Span("expected", 1, 1))))


def test_a_wrong_reading_is_seen():
    """The comparison is not vacuous: AB and BA, a transpose and an inverse differ."""
    with pytest.raises(AssertionError):
        assert_same_value(lower(tex("XY")), lower(Text("Y*X", Span("e", 1, 1))))
    with pytest.raises(AssertionError):
        assert_same_value(lower(tex("X^{\\top}")), lower(Text("X^-1", Span("e", 1, 1))))


def parse(source: str, macros=None) -> str:
    return written(parse_tex(tex(source), macros, names=SYMBOLS))


@pytest.mark.parametrize(
    "source, col, message",
    [
        ("X + \\foo", 5, "'\\foo' is not understood (define it with \\newcommand)"),
        ("(X + Y", 7, "expected ')' to close the '(' at column 3, found the end of the expression"),
        ("X^{", 3, "expected '}' to close the '{'"),
        ("X +", 4, "expected a symbol, a number or '(', found the end of the expression"),
        ("X = Y", 3, "unexpected '='"),
        ("", 1, "empty expression"),
        (
            r"2 \frac{\partial f}{\partial X}",
            3,
            r"a derivative \frac{\partial …}{\partial …} cannot be checked: write it out",
        ),
        (r"\nabla_X f", 1, r"a gradient \nabla cannot be checked: write the gradient out"),
        ("X \\cdots Y", 3, "'\\cdots' cannot be checked: write the expression out"),
        ("(X)_{1}", 4, "a subscript here is not understood (entries X_{ij} are not supported)"),
        ("\\|x", 4, "expected the norm's closing bars, found the end of the expression"),
        (
            r"\langle A B\rangle",
            12,
            r"expected ',' between the two sides of \langle A, B\rangle, found '\rangle'",
        ),
    ],
)
def test_errors_are_at_the_position_of_what_was_not_understood(source, col, message):
    with pytest.raises(SpecError) as error:
        parse_tex(Text(source, Span("paper.tex", 7, 3), latex=True))
    assert (error.value.message, error.value.span) == (message, Span("paper.tex", 7, 2 + col))


def test_the_length_and_the_nesting_are_bounded():
    with pytest.raises(SpecError, match="expression is too long"):
        parse("X+" * 6000 + "X")
    with pytest.raises(SpecError, match="nested too deeply") as error:
        parse("(" * 200 + "X" + ")" * 200)
    assert error.value.span.col > 1


def test_a_recursive_macro_ends_with_a_positioned_error_not_by_the_clock():
    macros = macros_from(r"\def\a{\a\a} \newcommand{\b}{X \b}")
    for source in (r"Y + \a", r"Y + \b"):
        with pytest.raises(SpecError, match="too many macro expansions") as error:
            parse(source, macros)
        assert error.value.span.col == 5  # at the macro's use


def test_the_documents_macros_are_expanded():
    macros = macros_from(
        r"""
        \newcommand{\inv}[1]{{#1}^{-1}}
        \newcommand\T{^{\top}}
        \def\tr{\operatorname{tr}}
        \DeclareMathOperator{\Diag}{Diag}
        \DeclarePairedDelimiter{\norm}{\lVert}{\rVert}
        \newcommand{\sq}[2][2]{{#2}^{#1}}
        """
    )
    assert parse(r"\tr(\inv{X} A\T)", macros) == "tr(X^-1 * A^T)"
    assert parse(r"\Diag(x) + \norm*{X}_F + \norm[\big]{X}", macros) == "diag(x) + norm(X) + norm(X)"
    assert parse(r"\sq{s} + \sq[3]{t}", macros) == "s^2 + t^3"


def test_a_document_cannot_redefine_what_the_parser_relies_on():
    macros = macros_from(r"\renewcommand{\frac}[2]{#1} \def\top{X} \newcommand{\R}{Y}")
    assert macros.ignored == ("frac", "top")
    assert parse(r"\frac{X}{s}^{\top} + \R", macros) == "(X / s)^T + Y"


def test_spellings_are_resolved_by_the_symbols():
    """W_{1} is W_1 when that is the symbol, W1 when that is; σ(x) is the sigmoid unless σ is a
    symbol (then a product)."""
    assert parse(r"W_{1} + W_{2}^{\top}") == "W_1 + W2^T"
    assert written(parse_tex(tex(r"\sigma(x)"))) == "sigmoid(x)"
    assert written(parse_tex(tex(r"\sigma(x)"), names={"sigma"})) == "sigma * x"
    assert written(parse_tex(tex(r"\varepsilon + \epsilon"), names={"eps"})) == "eps + eps"


def test_letters_before_a_parenthesis_read_as_a_function_only_typed_together():
    assert parse("tr(X) + t r(X)") == "tr(X) + t * r * X"
    assert parse("dX + d(X^{-1})") == "dX + d(X^-1)"
    assert written(parse_tex(tex("dX"), names={"d"})) == "d * X"
