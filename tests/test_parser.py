"""The expression parser: fixture cases printed back in the grammar, and error messages word for word."""

import pytest
from helpers import fixture_cases, tree

from gen.errors import Span, SpecError
from gen.expr.lower import parse_expr, symbol_table
from gen.expr.printers import text
from gen.spec.keys import Text, parse_spec

SYMBOLS = symbol_table(
    parse_spec(
        """
symbols:
  X: {shape: [n, n]}
  Y: {shape: [n, n]}
  A: {shape: [n, n]}
  B: {shape: [n, m]}
  C: {shape: [m, n]}
  x: {shape: [n]}
  a: {shape: [n]}
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


def parse(source: str):
    return parse_expr(Text(source, Span("expr.yaml", 1, 1)), SYMBOLS)


@pytest.mark.parametrize("source, expected", fixture_cases("parser.txt", 2))
def test_parse_and_print(source, expected):
    assert text(parse(source)) == expected


@pytest.mark.parametrize("source, expected", fixture_cases("parser.txt", 2))
def test_printed_form_parses_to_the_same_tree(source, expected):
    parsed = parse(source)
    assert tree(parse(text(parsed))) == tree(parsed)
    assert text(parse(expected)) == expected  # the canonical form is a fixed point


def test_tree_comparison_sees_a_difference():
    assert tree(parse("X - Y")) == tree(parse("-Y + X")) != tree(parse("Y - X"))
    assert tree(parse("X*Y")) != tree(parse("Y*X"))


def test_lone_identity_round_trips_where_its_shape_is_known():
    identity = parse("X^0")
    assert text(identity) == "I"
    source = Text(text(identity), Span("expr.yaml", 1, 1))
    assert parse_expr(source, SYMBOLS, shape=identity.shape) == identity
    with pytest.raises(SpecError, match="cannot tell the size of I"):
        parse("I")


@pytest.mark.parametrize("source, col, message", fixture_cases("parser_errors.txt", 3))
def test_error_message_and_column(source, col, message):
    with pytest.raises(SpecError) as error:
        parse(source)
    assert (error.value.message, error.value.span) == (message, Span("expr.yaml", 1, int(col)))


def test_error_column_counts_from_the_value_in_the_file():
    source = Text("tr(X) + trace(X)", Span("spec.yaml", 5, 11))
    with pytest.raises(SpecError) as error:
        parse_expr(source, SYMBOLS)
    assert str(error.value) == "spec.yaml:5:19: unknown function 'trace' (did you mean 'tr'?)"


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("(" * 10_000 + "X" + ")" * 10_000, id="10000-nested-parentheses"),
        pytest.param("(" * 3_000 + "X" + ")" * 3_000, id="3000-nested-parentheses"),
        pytest.param("-" * 5_000 + "X", id="5000-minus-signs"),
        pytest.param("tr(" * 2_000 + "X" + ")" * 2_000, id="2000-nested-calls"),
        pytest.param("X + " * 250_000 + "X", id="1MB-expression"),
    ],
)
def test_huge_input_is_a_spec_error_not_a_crash(source):
    with pytest.raises(SpecError):
        parse(source)


def test_nesting_limit_message():
    with pytest.raises(SpecError) as error:
        parse("(" * 200 + "X" + ")" * 200)
    assert error.value.message == "expression is nested too deeply (more than 100 levels)"


@pytest.mark.parametrize("source", ["X + " * 999 + "X", "X*" * 999 + "X", "X" + "^T" * 1_000])
def test_long_flat_expression_does_not_overflow_the_stack(source):
    try:
        parse(source)
    except SpecError:
        pass  # a clear refusal is fine too
