"""The directional and entrywise proofs: their notation, their lemmas, and the checks of every line."""

from dataclasses import replace
from pathlib import Path

import pytest
from helpers import every_method

from gen.engine.derive import derive
from gen.engine.proof import Chain
from gen.expr.latex import latex
from gen.spec.keys import load_spec, parse_spec
from gen.verify.checks import verify

DERIVATIONS = Path(__file__).parent.parent / "derivations"
ALL = "[differential, directional, entrywise]"
SYMBOLS = """\
symbols:
  X: {shape: [n, n], assume: [invertible]}
  A: {shape: [n, n]}
  a: {shape: [n]}
  b: {shape: [n]}
"""


def derived(function: str, symbols: str = SYMBOLS, wrt: str = "X"):
    spec = parse_spec(f"{symbols}function: {function}\nwrt: {wrt}\nmethods: {ALL}\n", "spec.yaml")
    derivation = derive(spec)
    return derivation, verify(derivation)


def proof(derivation, method: str):
    return next(p for p in derivation.proofs if p.method == method)


@pytest.mark.parametrize("path", sorted(DERIVATIONS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_derivation_is_proved_by_all_three_methods(path):
    derivation = derive(every_method(load_spec(path)))
    report = verify(derivation)
    failed = [
        (p.method, c) for p, checks in zip(derivation.proofs, report.proofs) for c in checks.all if not c.ok
    ]
    assert not failed and report.finite_difference.ok
    results = {(p.second[1] if p.second else p.gradient).last for p in derivation.proofs}  # a Hessian's
    assert results == {derivation.result}


# One function per nonlinear rule (and some compositions), each with its own lemma.
FUNCTIONS = {
    "tr(X^3)": ["power"],
    "tr(X^-2)": ["power", "power"],
    "det(X)*tr(X)": ["product", "determinant"],
    "log(tr(X*X^T))": ["logarithm", "product"],
    "exp(tr(A*X))": ["exponential"],
    "sqrt(tr(X^T*X))": ["scalar power", "product"],
    "logdet(X^T*X)": ["log-determinant", "product"],
    "det(A + X)": ["determinant"],
    "tr((A + X)^-1)": ["inverse"],
    "1/tr(X)": ["scalar power"],
    "a^T*X^-1*b": ["inverse"],
}


@pytest.mark.parametrize("function", FUNCTIONS)
def test_each_nonlinear_rule_has_a_checked_lemma(function):
    derivation, report = derived(function)
    directional = proof(derivation, "directional")
    assert [lemma.rule for lemma in directional.lemmas] == FUNCTIONS[function]
    assert report.steps_ok and report.finite_difference.ok
    for lemma in directional.lemmas:  # finite-t algebra first, the limit last
        assert [s.relation for s in lemma.chain.steps][-1] == "->"
        assert all(s.relation == "=" for s in lemma.chain.steps[:-1])


def test_the_inverse_lemma_is_the_seed_answer():
    derivation, _ = derived("tr(X^-1)")
    (lemma,) = proof(derivation, "directional").lemmas
    assert latex(lemma.chain.lhs) == r"\frac{(X + tU)^{-1} - X^{-1}}{t}"
    assert [latex(s.expr) for s in lemma.chain.steps] == [
        r"(X + tU)^{-1}\frac{X - (X + tU)}{t}X^{-1}",
        r"-(X + tU)^{-1}UX^{-1}",
        r"-X^{-1}UX^{-1}",
    ]


def with_lemma_line(derivation, index: int, expr):
    """The derivation with one line of the directional proof's first lemma replaced."""
    directional = proof(derivation, "directional")
    lemma = directional.lemmas[0]
    steps = list(lemma.chain.steps)
    steps[index] = replace(steps[index], expr=expr)
    lemmas = (replace(lemma, chain=Chain(lemma.chain.lhs, tuple(steps))),)
    proofs = tuple(replace(p, lemmas=lemmas) if p is directional else p for p in derivation.proofs)
    return replace(derivation, proofs=proofs)


def test_a_false_lemma_line_fails_at_finite_t_and_a_false_limit_fails_too():
    derivation, _ = derived("tr(X^-1)")
    lemma = proof(derivation, "directional").lemmas[0]
    # -(X+tU)⁻¹UX⁻¹ with the sign dropped: the finite-t check sees twice the value, error 2
    wrong_sign = lemma.chain.steps[1].expr * -1
    checks = verify(with_lemma_line(derivation, 1, wrong_sign)).proofs[1].lemmas[0]
    assert [c.ok for c in checks] == [True, False, False]
    assert checks[1].max_rel_error == pytest.approx(2)
    # the limit -X⁻¹UX⁻¹ with the sign dropped
    checks = verify(with_lemma_line(derivation, 2, lemma.chain.steps[2].expr * -1)).proofs[1].lemmas[0]
    assert [c.ok for c in checks] == [True, True, False]
    assert checks[2].max_rel_error == pytest.approx(2, rel=1e-6)


def test_long_pieces_of_a_lemma_are_named():
    derivation, _ = derived("det(X)*tr(X)")
    product = proof(derivation, "directional").lemmas[0]
    assert [(latex(name), latex(piece)) for name, piece in product.names] == [
        ("g", r"\det(X)"),
        ("h", r"\operatorname{tr}(X)"),
    ]
    assert latex(product.chain.steps[-1].expr) == r"g\mathrm{D}_{U}h + h\mathrm{D}_{U}g"


def test_entrywise_reads_off_an_entry_then_assembles_the_gradient():
    derivation, _ = derived("tr(X^-1)")
    entrywise = proof(derivation, "entrywise")
    assert latex(entrywise.chain.lhs) == r"\frac{\partial \operatorname{tr}(X^{-1})}{\partial X_{ij}}"
    assert [s.rule for s in entrywise.chain.steps][-1] == "single entry"
    assert latex(entrywise.chain.last) == r"-(X^{-1}X^{-1})_{ji}"
    assert entrywise.gradient.steps[0].rule == "matrix of partials"


def test_a_vector_variable_uses_unit_vectors():
    derivation, report = derived("x^T*A*x", "symbols:\n  x: {shape: [n]}\n  A: {shape: [n, n]}\n", "x")
    entrywise = proof(derivation, "entrywise")
    assert r"e_{i}" in latex(entrywise.chain.steps[0].expr)
    assert latex(entrywise.chain.last).endswith("_{i}")
    assert report.steps_ok


def test_the_methods_own_symbols_avoid_the_specs():
    symbols = SYMBOLS + "  U: {shape: [n, n]}\n  t:\n  J: {shape: [n, n]}\n  i:\n"
    derivation, report = derived("tr(U*X^-1) + t*tr(J*X)", symbols)
    names = {m: {k: latex(v) for k, v in proof(derivation, m).symbols} for m in ("directional", "entrywise")}
    assert names == {
        "directional": {"direction": "V", "t": "s"},
        "entrywise": {"row": "k", "column": "l", "unit": "E^{kl}"},
    }
    assert report.steps_ok


def test_every_line_of_every_method_is_numerically_checked():
    derivation, report = derived("tr(X^-1)")
    for p, checks in zip(derivation.proofs, report.proofs):
        assert len(checks.chain) == len(p.chain.steps)
        assert len(checks.gradient) == len(p.gradient.steps) - 1
        assert [len(c) for c in checks.lemmas] == [len(lemma.chain.steps) for lemma in p.lemmas]
