"""Results print as their published sources print them (issue 16, item 3: the printers' half).

Each case of ``fixtures/textbook_forms_print.yaml`` is derived; its result, printed in the spec
grammar and in LaTeX while the derivation is shown (in the author's order of terms), must read as
the source's form. The source's form is also the spec's claim, so the verifier checks it against the
result, and the result against finite differences: a form that reads right but is wrong cannot pass.
"""

import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from gen.errors import Span
from gen.expr import ir
from gen.expr.forms import authored
from gen.expr.latex import latex
from gen.expr.lower import parse_expr, symbol_table
from gen.expr.printers import text
from gen.pipeline import run_spec
from gen.spec.keys import Text, parse_spec
from gen.verify.evaluate import Evaluator

FIXTURE = Path(__file__).parent / "fixtures" / "textbook_forms_print.yaml"
CASES = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


def spec_of(case: dict):
    """The case as a spec, its published form as the claim (JSON is YAML: no quoting to get wrong)."""
    keys = {k: case[k] for k in ("symbols", "function", "wrt")}
    return parse_spec(json.dumps({**keys, "claim": case.get("claim", case["printed"])}), "case.yaml")


@pytest.fixture(scope="module", params=CASES, ids=lambda c: f"{c['function']} ({c['form']})")
def outcome(request):
    return request.param, run_spec(spec_of(request.param))


def test_every_case_cites_its_source():
    assert len(CASES) >= 10
    assert all(case["source"].strip() and case["form"].strip() for case in CASES)


def test_the_published_form_is_the_value(outcome):
    case, result = outcome
    report = result.report
    assert report.finite_difference.ok and report.steps_ok, case["function"]
    assert report.claim is not None and report.claim.ok, f"{case['printed']} is not the derivative"


def test_the_result_prints_as_the_source_prints_it(outcome):
    case, result = outcome
    derivation = result.derivation
    shown = derivation.named.unfold(derivation.result)  # any name the engine gave written out
    with authored(derivation.order):
        assert text(shown) == case["printed"]
        assert latex(shown) == case["latex"]


def test_the_printed_form_parses_back(outcome):
    case, result = outcome
    derivation = result.derivation
    back = parse_expr(Text(case["printed"], Span("case", 1, 1)), derivation.symbol_map)
    assert ir.shape(back) in (ir.shape(derivation.result), (1, 1))


# --- the mechanism, on its own ---------------------------------------------------------------

SYMBOLS = symbol_table(
    parse_spec("symbols: {x: {shape: [n]}, A: {shape: [n, n]}, s: {}}\nfunction: s\nwrt: s", "s.yaml").symbols
)


def parse(source: str):
    return parse_expr(Text(source, Span("case", 1, 1)), SYMBOLS)


@pytest.mark.parametrize(
    "source, printed, tex",
    [
        ("tr(x^T*x)^-1", "1/(x^T*x)", r"\frac{1}{x^{\top}x}"),  # the Rayleigh quotient's denominator
        ("s^(-1/2)*A", "A/sqrt(s)", r"\frac{A}{\sqrt{s}}"),
        ("(1 + s^2)^(-2)*s", "s/(1 + s^2)^2", r"\frac{s}{(1 + s^{2})^{2}}"),
        ("sum(exp(x))^(-1)*exp(x)", "exp(x)/sum(exp(x))", r"\frac{\exp(x)}{\mathbf{1}^{\top}\,\exp(x)}"),
        ("1/2*s*A", "1/2*s*A", r"\tfrac{1}{2}sA"),  # a number alone stays in front, as today
        ("(x^T*A*x)*x", "(x^T*A*x)*x", r"(x^{\top}Ax)x"),
        ("sum(x)*x", "sum(x)*x", r"(\mathbf{1}^{\top}x)x"),
        ("tanh(x^T)*A", "tanh(x^T)*A", r"\tanh(x)^{\top}A"),  # φ(Fᵀ) = φ(F)ᵀ, shown in LaTeX
    ],
)
def test_the_printers_write_textbook_forms(source, printed, tex):
    e = parse(source)
    assert text(e) == printed
    assert latex(e) == tex
    values = {SYMBOLS["x"]: np.arange(1.0, 4.0).reshape(3, 1), SYMBOLS["A"]: np.eye(3) + 1, SYMBOLS["s"]: 0.7}
    ev = Evaluator(values, {SYMBOLS["x"].shape[0]: 3}, {})
    np.testing.assert_allclose(np.squeeze(ev(parse(printed))), np.squeeze(ev(e)), rtol=1e-12)


def test_sums_keep_the_authors_order_only_while_a_derivation_is_shown():
    order: dict = {}
    written = parse_expr(Text("x + A*x", Span("case", 1, 1)), SYMBOLS, order=order)
    assert text(written) == "A*x + x"  # without the author: the printers' stable order
    with authored(order.items()):
        assert text(written) == "x + A*x"
        assert latex(written) == "x + Ax"
        assert text(written - 2 * SYMBOLS["x"]) == "A*x - x"  # positive terms still come first


def test_a_differential_takes_the_place_of_its_term():
    order: dict = {}
    written = parse_expr(Text("x + A*x", Span("case", 1, 1)), SYMBOLS, order=order)
    differentials = ir.add(ir.d(SYMBOLS["x"]), ir.d(ir.mul(SYMBOLS["A"], SYMBOLS["x"])))
    with authored(order.items()):
        assert text(written) == "x + A*x"
        assert text(differentials) == "dx + d(A*x)"
