"""Rearrangement, simplification and vectorisation rules: fixture cases, each also checked numerically.

``tests/fixtures/rearrange.txt``, ``simplify.txt`` and ``vectorize.txt`` hold ``rule ; input ; expected``
cases worked out by hand (``differentials.txt``, in test_rules.py, does the same for the differential
rules). The rule must print exactly the expected form, and its result must agree with the input at
random points (and in a random direction of the variable), so a wrong fixture line cannot pass.
"""

import numpy as np
import pytest
from helpers import fixture_cases

import gen.engine.derive  # noqa: F401  (registers every rule)
from gen.engine.facts import known
from gen.engine.jacobians import VECTORISATIONS, vec_expr
from gen.engine.linear import rearranged
from gen.engine.linear_forms import linear_form, to_expr
from gen.engine.rearrange import REARRANGEMENTS
from gen.engine.registry import REGISTRY
from gen.engine.simplify import SIMPLIFICATIONS
from gen.errors import Span
from gen.expr import ir
from gen.expr.lower import parse_expr, symbol_table
from gen.expr.printers import text
from gen.spec.keys import Text, parse_spec
from gen.verify.checks import rel_error
from gen.verify.evaluate import Evaluator
from gen.verify.sample import draw_value, well_conditioned

NOT_APPLICABLE = "(does not apply)"
SPEC = parse_spec(
    """
symbols:
  X: {shape: [n, n]}
  A: {shape: [n, n]}
  B: {shape: [n, m]}
  C: {shape: [m, n]}
  Y: {shape: [n, m]}
  a: {shape: [n]}
  b: {shape: [m]}
  x: {shape: [n]}
  s: {}
  p: {shape: [n], assume: [probability]}
  h: {shape: [n], assume: [onehot]}
  P: {shape: [n, m], assume: [probability]}
  M: {shape: [n, m], assume: [binary]}
function: X
wrt: X
""",
    "symbols.yaml",
)
SYMBOLS = symbol_table(SPEC.symbols)
FACTS = known(SPEC, SYMBOLS)  # what p, h, P and M's assumptions tell the simplifier
REARRANGE = fixture_cases("rearrange.txt", 4)
SIMPLIFY = fixture_cases("simplify.txt", 3)
VECTORIZE = fixture_cases("vectorize.txt", 4)


def parse(source: str):
    return parse_expr(Text(source, Span("case", 1, 1)), SYMBOLS, differentials=True)


def evaluator(seed: int, variable=None) -> Evaluator:
    """A random point (X well conditioned, det X > 0) and a random direction of ``variable``."""
    rng = np.random.default_rng(seed)
    n, m = SYMBOLS["X"].shape[0], SYMBOLS["B"].shape[1]
    dims = {n: 4, m: 3}
    values = {}
    for declared in SPEC.symbols:
        symbol = SYMBOLS[declared.name]
        shape = tuple(int(d) if d.is_Integer else dims[d] for d in ir.shape(symbol))
        values[symbol] = draw_value(rng, shape, declared.assume) if shape else float(rng.standard_normal())
    values[SYMBOLS["X"]] = well_conditioned(rng, dims[n])
    directions = {variable: rng.standard_normal(values[variable].shape)} if variable is not None else {}
    return Evaluator(values, dims, directions)


def assert_agree(before, after, variable=None) -> None:
    for seed in (0, 1):
        ev = evaluator(seed, variable)
        assert rel_error(ev(before), ev(after)) < 1e-9


def shown(value, unchanged: bool) -> str:
    return NOT_APPLICABLE if unchanged else text(value)


@pytest.mark.parametrize("name, variable, differential, expected", REARRANGE)
def test_rearrangement(name, variable, differential, expected):
    X = SYMBOLS[variable]
    dX, df = ir.d(X), parse(differential)
    form = linear_form(df, dX)
    changed = rearranged(REGISTRY[name].apply, form, X.shape[1] == 1)
    assert shown(to_expr(changed, dX), changed == form) == expected
    assert_agree(df, to_expr(changed, dX), X)


@pytest.mark.parametrize("name, expression, expected", SIMPLIFY)
def test_simplification(name, expression, expected):
    e = parse(expression)
    passes = {rule.rule.name for rule in SIMPLIFICATIONS}
    value = REGISTRY[name].apply(e, FACTS) if name in passes else REGISTRY[name].apply(e)
    assert shown(value, value == e) == expected
    assert_agree(e, value)


@pytest.mark.parametrize("name, variable, differential, expected", VECTORIZE)
def test_vectorisation(name, variable, differential, expected):
    X = SYMBOLS[variable]
    dX, Z = ir.d(X), parse(differential)
    rule = REGISTRY[name].apply
    pairs = [(None, t) for t in linear_form(Z, dX)]
    moved = [rule(t, dX) for _, t in pairs]
    pairs = [
        (N if M is None else M if N is None else ir.mul(M, N), s)
        for (M, t), found in zip(pairs, moved)
        for N, s in (found or [(None, t)])
    ]
    value = vec_expr(pairs, X)
    assert shown(value, not any(moved)) == expected
    assert_agree(ir.vec(Z), value, X)


@pytest.mark.parametrize(
    "cases, rules",
    [(REARRANGE, REARRANGEMENTS), (SIMPLIFY, SIMPLIFICATIONS), (VECTORIZE, VECTORISATIONS)],
    ids=["rearrange", "simplify", "vectorize"],
)
def test_every_rule_has_a_fixture_case(cases, rules):
    covered = {c.values[0] for c in cases if c.values[-1] != NOT_APPLICABLE}
    assert {rule.rule.name for rule in rules} - covered <= {"vec of a product"}  # unvec(…) is not grammar


def test_the_numeric_check_can_fail():
    X = SYMBOLS["X"]
    with pytest.raises(AssertionError):  # the transpose is missing: tr(A dXᵀ) is not tr(dX A)
        assert_agree(parse("tr(A*dX^T)"), parse("tr(dX*A)"), X)
