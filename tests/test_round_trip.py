"""Every expression derivtex prints parses back, through the spec grammar, to the same value.

The README promises that a printed result can be pasted back as a claim. Over the engine's
results for every catalog spec and every fixture input, the result and every line of every
chain that ``show`` prints in the grammar (the directional and entrywise proofs' limits, ``D_U``
and ``<A, B>`` are notation of their own, not expressions of the spec) are printed, parsed back
with the spec's symbols, and evaluated at a random point next to the original.
"""

from functools import cache

import numpy as np
import pytest
import sympy as sp
from helpers import DERIVATIONS, fixture_cases

from gen.engine.derive import derive
from gen.errors import DerivtexError, Span
from gen.expr import ir
from gen.expr.lower import parse_expr
from gen.expr.printers import text
from gen.spec.keys import Text, load_spec, parse_spec
from gen.verify.evaluate import Evaluator
from gen.verify.sample import draw, sample_dims

# The proof notation of the directional and entrywise methods, outside the spec grammar.
NOTATION = {
    "MatLimit",
    "Limit",
    "Directional",
    "MatPartial",
    "Partial",
    "SingleEntry",
    "Entry",
    "Inner",
    "MatQuotient",
    "Quotient",
    "SecondDifferential",
}


def compact(symbols: str, function: str, wrt: str):
    """A spec from a fixture line's fields (symbols as in a spec's mapping, ";" between them)."""
    symbols = "".join(f"\n  {s.strip()}" for s in symbols.split(";"))
    return parse_spec(f"symbols:{symbols}\nfunction: {function}\nwrt: {wrt}\n", "case.yaml")


CASES = [pytest.param(lambda p=p: load_spec(p), id=p.stem) for p in sorted(DERIVATIONS.glob("*.yaml"))]
CASES += [
    pytest.param(lambda c=case.values: compact(c[3], c[0], c[1]), id=f"{name}:{case.id}")
    for name in ("gradients.txt", "jacobians.txt")
    for case in fixture_cases(name, 4)
]


def printed_expressions(derivation):
    """Every expression of the derivation that show prints: the results, every chain's lines."""
    yield from (result for _, result in derivation.results)
    for proof in derivation.proofs:
        chains = (proof.chain, proof.gradient, *proof.second, *(chain for _, chain in proof.partials))
        for chain in filter(None, chains):
            yield from (e for e in (chain.lhs, *(step.expr for step in chain.steps)) if e is not None)


def in_grammar(e, names: set) -> bool:
    """No proof notation, and no symbol but the spec's (no direction U, no step t)."""
    nodes = sp.preorder_traversal(e)
    return not any(type(node).__name__ in NOTATION for node in nodes) and all(
        s.name in names for s in e.free_symbols if isinstance(s, (sp.Symbol, sp.MatrixSymbol))
    )


@cache
def derived(make_spec):
    return derive(make_spec())


@pytest.mark.parametrize("make_spec", CASES)
def test_printed_expressions_parse_back_to_the_same_value(make_spec):
    derivation = derived(make_spec)
    backprop = derivation.proofs[0].backprop if derivation.proofs else None
    defined = dict(backprop.definitions) if backprop else {}  # backprop's names and δs, as symbols
    named = {str(n): n for n in (*derivation.named.symbols, *defined)}  # and the spec's names
    symbols = {**derivation.symbol_map, **named}
    names = set(symbols) | {str(d) for s in symbols.values() for d in ir.shape(s)}
    dims = sample_dims(derivation)
    values = draw(derivation, dims, np.random.default_rng(0))
    direction = np.random.default_rng(1).standard_normal(np.shape(values[derivation.variable]))
    ev = Evaluator({**values, **defined}, dims, {derivation.variable: direction})
    checked = 0
    for e in printed_expressions(derivation):
        if not in_grammar(e, names):
            continue
        printed = text(e)
        try:
            back = parse_expr(Text(printed, Span("r", 1, 1)), symbols, differentials=True, shape=ir.shape(e))
        except DerivtexError as error:
            pytest.fail(f"{printed!r} does not parse back: {error}")
        expected = ev(e)
        scale = np.max(np.abs(expected), initial=1.0)
        np.testing.assert_allclose(ev(back), expected, rtol=1e-9, atol=1e-12 * scale, err_msg=printed)
        checked += 1
    assert checked > 0


def test_the_cases_print_every_kind_of_expression():
    """The corpus above exercises what the printer writes (so a case that parses back means something)."""
    printed = " ".join(text(e) for case in CASES for e in printed_expressions(derived(case.values[0])))
    for construct in (
        ".^(",
        ".^2",
        "expm(",
        "logm(",
        "_frechet(",
        "_kronecker(",
        "lambda_max(",
        "eigvec(",
        "sigma_max(",
        "nuclear(",
        "chol(",
        "kron(",
        "commutation(",
        "ones(",
        "I(",
        "unvec(",
        "vec(",
        "diag(",
        "softmax(",
        "hadamard(",
        "d(",
        "tr(",
        "det(",
        "^-1",
        "^-T",
        ".(",
    ):
        assert construct in printed, construct
