"""Differential rules: fixture cases ``rule ; F ; d(F)``, each also checked against finite differences."""

import numpy as np
import pytest
import sympy as sp
from helpers import fixture_cases

import gen.engine.derive  # noqa: F401  (registers the rearrangement and simplification rules too)
from gen.engine.registry import REGISTRY
from gen.engine.rules import DIFFERENTIAL
from gen.errors import Span
from gen.expr import ir
from gen.expr.functions import ENTRYWISE
from gen.expr.lower import parse_expr, symbol_table
from gen.expr.piecewise import kinked, kinks
from gen.expr.printers import text
from gen.spec.keys import Text, parse_spec
from gen.verify.checks import rel_error
from gen.verify.evaluate import Evaluator
from gen.verify.sample import near_kink, well_conditioned

NOT_APPLICABLE = "(does not apply)"
SYMBOLS = symbol_table(
    parse_spec(
        """
symbols:
  X: {shape: [n, n]}
  A: {shape: [n, n]}
  B: {shape: [n, m]}
  C: {shape: [m, n]}
  a: {shape: [n]}
  s: {}
function: X
wrt: X
""",
        "symbols.yaml",
    ).symbols
)
X = SYMBOLS["X"]


CASES = fixture_cases("differentials.txt", 3)


def parse(source: str):
    return parse_expr(Text(source, Span("case", 1, 1)), SYMBOLS, differentials=True)


def evaluator(seed: int = 0, F=None) -> Evaluator:
    """A random point (X well-conditioned with det X > 0) and a random direction dX; away from the
    kinks of the piecewise functions in ``F`` (drawn again, as the sampler does)."""
    rng = np.random.default_rng(seed)
    while True:
        ev = draw(rng)
        if not any(near_kink(ev(n.arg), [ev(k) for k in kinks(n)]) for n in kinked(F)):
            return ev


def draw(rng) -> Evaluator:
    n, m = X.shape[0], SYMBOLS["B"].shape[1]
    dims = {n: 4, m: 3}
    values = {}
    for symbol in SYMBOLS.values():
        shape = tuple(int(d) if d.is_Integer else dims[d] for d in ir.shape(symbol))
        values[symbol] = rng.standard_normal(shape) if shape else float(rng.standard_normal())
    values[X] = well_conditioned(rng, dims[n])
    return Evaluator(values, dims, {X: rng.standard_normal(values[X].shape)})


@pytest.mark.parametrize("name, F, expected", CASES)
def test_rule_rewrites_the_differential(name, F, expected):
    value = REGISTRY[name].apply(parse(F), (X,))
    assert (NOT_APPLICABLE if value is None else text(value)) == expected


@pytest.mark.parametrize("name, F, expected", [c for c in CASES if c.values[2] != NOT_APPLICABLE])
def test_rule_agrees_with_finite_differences(name, F, expected):
    F = parse(F)
    value = REGISTRY[name].apply(F, (X,))
    for seed in (0, 1):
        ev = evaluator(seed, F)
        assert rel_error(ev(ir.d(F)), ev(value)) < 1e-6


def test_the_numeric_check_can_fail():
    ev = evaluator()
    assert rel_error(ev(parse("d(X^-1)")), ev(parse("X^-1*dX*X^-1"))) > 0.1  # the sign is wrong


def test_every_differential_rule_has_a_fixture_case():
    covered = {c.values[0] for c in CASES if c.values[2] != NOT_APPLICABLE}
    assert {rule.name for rule in DIFFERENTIAL} <= covered | BEYOND_THE_GRAMMAR


def test_every_entrywise_function_has_a_fixture_case():
    """Each row of the function table has its derivative derived by hand in the fixture."""
    rules = ("elementwise", "scalar function")
    cases = (c.values for c in CASES if c.values[0] in rules and c.values[2] != NOT_APPLICABLE)
    outermost = {F.split("(")[0].removesuffix(".") for _, F, _ in cases}
    assert set(ENTRYWISE) <= outermost


# Rules for nodes only derivatives create (a second derivative meets them), tested directly.
BEYOND_THE_GRAMMAR = {"Hadamard power", "softmax"}


@pytest.mark.parametrize("k", [2, 3, -1, sp.Rational(1, 2)])
def test_the_hadamard_power_rule(k):
    F = sp.HadamardPower(parse("hadamard(X, X) + A"), k)
    value = REGISTRY["Hadamard power"].apply(F, (X,))
    assert REGISTRY["Hadamard power"].apply(parse("hadamard(X, X)"), (X,)) is None
    for seed in (0, 1):
        ev = evaluator(seed)
        ev.values[SYMBOLS["A"]] = np.abs(ev.values[SYMBOLS["A"]]) + 1  # X∘X + A > 0 for the root
        assert rel_error(ev(ir.d(F)), ev(value)) < 1e-6


def test_the_softmax_rule():
    F = ir.Softmax(parse("X*a"))
    value = REGISTRY["softmax"].apply(F, (X,))
    assert text(value) == "hadamard(softmax(X*a), d(X*a)) - softmax(X*a)*softmax(X*a)^T*d(X*a)"
    assert REGISTRY["softmax"].apply(parse("softmax(X*a)"), (X,)) is None  # the parser writes it out
    for seed in (0, 1):
        ev = evaluator(seed, F)
        assert rel_error(ev(ir.d(F)), ev(value)) < 1e-6


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_rule_is_documented(name):
    rule = REGISTRY[name]
    assert rule.name == name
    assert rule.identity.strip() and rule.reference.strip()
    assert rule.summary.strip()


def test_a_fact_is_data_with_nothing_to_apply():
    facts = {rule.name: rule for rule in REGISTRY.values() if rule.apply is None}
    assert {"continuity", "derivative", "Jacobian identification", "second differential"} <= set(facts)
    assert not set(facts) & {rule.name for rule in DIFFERENTIAL}
    assert facts["increment"].summary == "The variable moved by tU."  # the description's ``tU``, plain
