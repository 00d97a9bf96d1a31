"""View: a derivation and its report as plain strings, for templates and JSON.

Strings marked ``Markup`` are LaTeX (math or trusted prose); every other string
is plain text that the renderer escapes in one pass.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass

import sympy as sp
from markupsafe import Markup

from . import ir
from .engine import Chain, Derivation
from .latex import latex
from .printers import numpy_source, text
from .render import escape_latex
from .rules import REGISTRY
from .verify import Check, Report, sample_dims

ADJECTIVES = {
    "invertible": "invertible",
    "symmetric": "symmetric",
    "spd": "symmetric positive definite",
    "positive": "entrywise positive",
    "orthogonal": "orthogonal",
    "diagonal": "diagonal",
}
METHOD_TITLES = {"differential": "Proof by differentials"}


@dataclass(frozen=True)
class Line:
    lhs: Markup  # empty after the first line of a chain
    rhs: Markup
    rule: str
    identity: Markup
    justification: str
    check: Check | None


@dataclass(frozen=True)
class ProofView:
    method: str
    title: str
    intro: Markup
    differential: tuple[Line, ...]
    identification: Markup
    gradient: tuple[Line, ...]


@dataclass(frozen=True)
class DocumentView:
    id: str
    label: str  # safe inside \label{}
    title: str
    notes: Markup
    hypothesis: Markup
    statement: Markup
    proofs: tuple[ProofView, ...]
    remarks: tuple[Markup, ...]
    verification: Markup
    rules: tuple[tuple[str, Markup, str], ...]  # (name, identity, reference) of every rule used


def figure(x: float) -> str:
    """``4.2\\times 10^{-10}`` (LaTeX math)."""
    if x == 0:
        return "0"
    mantissa, exponent = f"{x:.1e}".split("e")
    return f"{mantissa}\\times 10^{{{int(exponent)}}}"


def space(symbol) -> str:
    shape = ir.shape(symbol)
    if not shape:
        return r"\mathbb{R}"
    rows, cols = (latex(d) for d in shape)
    return rf"\mathbb{{R}}^{{{rows}}}" if cols == "1" else rf"\mathbb{{R}}^{{{rows}\times {cols}}}"


def hypothesis(derivation: Derivation) -> Markup:
    """``Let $X \\in \\mathbb{R}^{n\\times n}$ be invertible.``"""
    symbols = derivation.symbol_map
    parts = []
    for s in derivation.spec.symbols:
        part = f"${latex(symbols[s.name])} \\in {space(symbols[s.name])}$"
        adjectives = [ADJECTIVES[a] for a in s.assume]
        if adjectives:
            part += " be " + " and ".join(adjectives)
        parts.append(part)
    sentence = "Let " + (", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0])
    positive = [a for a in sp.preorder_traversal(derivation.function) if isinstance(a, sp.log)]
    if positive:
        sentence += ", such that " + " and ".join(f"${latex(p.args[0])} > 0$" for p in positive)
    return Markup(sentence + ".")


def gradient_symbol(derivation: Derivation) -> str:
    return rf"\nabla_{{{latex(derivation.variable)}}} {latex(derivation.function)}"


def lines(chain: Chain, lhs: str, checks) -> tuple[Line, ...]:
    out = []
    for i, step in enumerate(chain.steps):
        rule = REGISTRY[step.rule]
        check = checks[i] if checks is not None and i < len(checks) else None
        out.append(
            Line(
                Markup(lhs if i == 0 else ""),
                Markup(latex(step.expr)),
                step.rule,
                Markup(rule.identity),
                first_line(rule.apply),
                check,
            )
        )
    return tuple(out)


def first_line(fn) -> str:
    """A rule's docstring summary as plain text (without reST literal markers)."""
    return (inspect.getdoc(fn) or "").splitlines()[0].replace("``", "")


def proof_view(derivation: Derivation, index: int, report: Report) -> ProofView:
    proof, checks = derivation.proofs[index], report.proofs[index]
    differential = lines(proof.differential, latex(proof.differential.lhs), checks.differential)
    gradient = lines(proof.gradient, gradient_symbol(derivation), (checks.identification, *checks.gradient))
    form = linear_form_latex(derivation.variable)
    intro = Markup(
        f"We take the differential and bring it into the form ${form}$; each line is justified on the right."
    )
    identification = Markup(
        f"The differential now has the form ${form}$, from which the identification theorem reads off "
        "the gradient:"
    )
    return ProofView(proof.method, METHOD_TITLES[proof.method], intro, differential, identification, gradient)


def linear_form_latex(variable) -> str:
    """``tr(Gᵀ dX)`` for a matrix variable, ``gᵀ dx`` for a vector."""
    dX = latex(ir.d(variable))
    if variable.shape[1] == 1:
        return rf"g^{{\top}}\,{dX}"
    return rf"\operatorname{{tr}}(G^{{\top}}\,{dX})"


def remarks(derivation: Derivation, report: Report) -> tuple[Markup, ...]:
    """One sentence per compared value, naming its mistake (prose escaped, math as LaTeX)."""
    g = latex(derivation.result)
    out = []
    for diagnosis, (_, value) in zip(report.compare, derivation.compare):
        label, explanation = escape_latex(diagnosis.label), escape_latex(diagnosis.explanation)
        sentence = f"The value ${latex(value)}$ ({label}) {explanation}"
        if diagnosis.diagnosis == "differs":
            sentence += f": their relative difference is ${figure(diagnosis.discrepancy)}$ at a random point"
        elif not diagnosis.ok:
            sentence += f"; the gradient is ${g}$"
        out.append(Markup(sentence + "."))
    return tuple(out)


def verification(derivation: Derivation, report: Report) -> Markup:
    dims = sample_dims(derivation)
    sizes = ", ".join(f"${latex(d)} = {v}$" for d, v in dims.items())
    where = f" with {sizes}" if sizes else ""
    sentence = (
        f"Each equality above was evaluated on both sides at {report.samples} random points{where}, "
        f"each variable drawn inside its domain and each differential in a random direction; "
        f"the largest relative error between consecutive lines is ${figure(report.max_step_error)}$. "
        f"Central finite differences of the function agree with the gradient to "
        f"${figure(report.finite_difference.max_rel_error)}$"
    )
    if report.claim is not None:
        sentence += f", and the claimed value agrees with it to ${figure(report.claim.max_rel_error)}$"
    return Markup(sentence + ".")


def document_view(derivation: Derivation, report: Report) -> DocumentView:
    spec = derivation.spec
    used = dict.fromkeys(
        s.rule for p in derivation.proofs for c in (p.differential, p.gradient) for s in c.steps
    )
    rules = tuple((n, Markup(REGISTRY[n].identity), REGISTRY[n].reference) for n in used)
    return DocumentView(
        id=spec.id,
        label=re.sub(r"[^A-Za-z0-9]+", "-", spec.id),
        title=spec.title,
        notes=Markup(spec.notes),
        hypothesis=hypothesis(derivation),
        statement=Markup(f"{gradient_symbol(derivation)} = {latex(derivation.result)}"),
        proofs=tuple(proof_view(derivation, i, report) for i in range(len(derivation.proofs))),
        remarks=remarks(derivation, report),
        verification=verification(derivation, report),
        rules=rules,
    )


# --- JSON -----------------------------------------------------------------------


def check_json(check: Check | None) -> dict | None:
    return None if check is None else {"ok": check.ok, "max_rel_error": check.max_rel_error}


def line_json(line: Line) -> dict:
    return {
        "lhs": str(line.lhs),
        "latex": str(line.rhs),
        "rule": line.rule,
        "identity": str(line.identity),
        "justification": line.justification,
        "check": check_json(line.check),
    }


def to_json(derivation: Derivation, report: Report) -> dict:
    """The object printed by ``derivtex show --json``."""
    spec, view = derivation.spec, document_view(derivation, report)
    symbols = dict(derivation.symbols)
    return {
        "id": spec.id,
        "title": spec.title,
        "wrt": [w.value for w in spec.wrt],
        "function": {"text": spec.function.value, "latex": latex(derivation.function)},
        "result": {
            "kind": "gradient",
            "text": text(derivation.result),
            "latex": latex(derivation.result),
            "numpy": numpy_source(derivation.result, symbols, derivation.variable),
        },
        "methods": {
            p.method: {"steps": [line_json(line) for line in (*p.differential, *p.gradient)]}
            for p in view.proofs
        },
        "checks": {
            "ok": report.ok,
            "steps": {"ok": report.steps_ok, "max_rel_error": report.max_step_error},
            "finite_difference": check_json(report.finite_difference),
            "claim": check_json(report.claim),
        },
        "compare": [
            {
                "label": d.label,
                "text": text(value),
                "ok": d.ok,
                "diagnosis": d.diagnosis,
                "max_rel_error": d.discrepancy,
            }
            for d, (_, value) in zip(report.compare, derivation.compare)
        ],
    }
