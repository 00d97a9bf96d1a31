"""The derivation as one JSON object (``derivtex show --json``), built from the document's view."""

from __future__ import annotations

import math

from ..engine.derive import Derivation
from ..expr.forms import in_authors_order
from ..expr.latex import latex
from ..expr.numpy_source import numpy_source
from ..expr.printers import text
from ..verify.checks import Check, Report
from .chains import severity
from .view import Line, ProofView, document_view
from .where import where_json


def check_json(check: Check | None) -> dict | None:
    return None if check is None else {"ok": check.ok, **figure_json(check)}


def figure_json(check: Check) -> dict:
    """``{"within": 1e-9}``: a passing check gives the bound it meets, not its error (noise that
    varies with the machine and the sample); a failing one its error, to two significant digits
    (``null`` if it is not finite: JSON has no infinity)."""
    if check.ok:
        return {"within": check.within}
    error = check.max_rel_error  # JSON has no inf: an error that is not a number is null
    return {"max_rel_error": float(f"{error:.2g}") if math.isfinite(error) else None}


def steps_check(report: Report) -> Check:
    """The engine's lines as one check: the worst of them."""
    nothing = Check(0.0, report.finite_difference.tolerance)
    return max((c for p in report.proofs for c in p.all), key=severity, default=nothing)


def line_json(line: Line) -> dict:
    return {
        "lhs": str(line.lhs),
        "relation": str(line.relation),
        "latex": " ".join((line.rhs, *line.rest)),
        "rule": line.rule,
        "identity": str(line.identity),
        "justification": line.justification,
        "check": check_json(line.check),
    }


def proof_json(view: ProofView, lemmas: int) -> dict:
    """The main chain and the gradient as ``steps``; lemmas (directional) and, for order 2, the
    second differential separately."""
    parts = [p for p in view.parts if p.lines]
    main, gradient = parts[lemmas : lemmas + 2]
    out = {"steps": [line_json(line) for line in (*main.lines, *gradient.lines)]}
    blocks = lambda ps: [{"text": str(p.text), "steps": [line_json(x) for x in p.lines]} for p in ps]  # noqa: E731
    if lemmas:
        out["lemmas"] = blocks(parts[:lemmas])
    if parts[lemmas + 2 :]:
        out["second"] = blocks(parts[lemmas + 2 :])
    return out


def result_json(derivation: Derivation, variable, result) -> dict:
    """The derivative with respect to one variable: its kind, text, LaTeX and numpy source."""
    kind = derivation.kind
    return {
        "kind": kind.name,
        "text": text(result),
        "latex": latex(result),
        # with wrt: Sigma^-1 the result is written in Σ (of Λ's shape): a function of the spec's symbols
        "numpy": numpy_source(  # code runs on the spec's symbols: names and δs written out
            derivation.named.unfold(in_symbols(derivation, result)),
            dict(derivation.symbols),
            shaped_as(derivation, variable),
            kind.vectorised,
        ),
    }


def in_symbols(derivation: Derivation, result):
    """A result in the spec's symbols only (one stated in backpropagation's names and δs, written out)."""
    backprop = derivation.proofs and derivation.proofs[0].backprop
    return backprop.written_out(result) if backprop else result


def written(derivation: Derivation):
    """The function as the spec writes it (with wrt: Sigma^-1, in Σ rather than Λ)."""
    return derivation.change.written if derivation.change else derivation.function


def shaped_as(derivation: Derivation, variable):
    """The symbol whose shape the exported result takes: Σ for Λ = Σ⁻¹, else the variable."""
    return derivation.change.old if derivation.change and variable == derivation.change.new else variable


def results_json(derivation: Derivation) -> dict:
    """``result``; with several variables, ``results`` keyed by their names."""
    results = {v.name: result_json(derivation, v, r) for v, r in derivation.results}
    return {"results": results} if derivation.partials else {"result": results[derivation.variable.name]}


@in_authors_order
def to_json(derivation: Derivation, report: Report) -> dict:
    """The object printed by ``derivtex show --json``."""
    spec, view = derivation.spec, document_view(derivation, report)
    out = {
        "id": spec.id,
        "title": spec.title,
        "wrt": [w.value for w in spec.wrt],
        "function": {"text": spec.function.value, "latex": latex(written(derivation))},
        **results_json(derivation),
        "where": where_json(derivation),
        "methods": {
            view.method: proof_json(view, len(proof.lemmas))
            for view, proof in zip((p for p in view.proofs if p.method != "steps"), derivation.proofs)
        },
        "checks": {
            "ok": report.ok,
            "steps": check_json(steps_check(report)),
            "finite_difference": check_json(report.finite_difference),
            "claim": check_json(report.claim),
        },
        "compare": [
            {
                "label": d.label,
                "text": text(value),
                "ok": d.ok,
                "diagnosis": d.diagnosis,
                **figure_json(Check(d.discrepancy, spec.check.tolerance)),
            }
            for d, (_, value) in zip(report.compare, derivation.compare)
        ],
    }
    if derivation.steps:
        out["steps"] = [
            {"text": s.expr.value, "why": s.why, "check": check_json(c)}
            for s, c in zip(spec.steps, report.author)
        ]
        out["checks"]["author"] = {"ok": report.author_ok}
    return out
