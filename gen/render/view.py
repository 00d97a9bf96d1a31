"""View: a derivation and its report as plain strings, for templates and JSON.

Strings marked ``Markup`` are LaTeX (math or trusted prose); every other string
is plain text that the renderer escapes in one pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp
from markupsafe import Markup

from ..engine.derive import Derivation
from ..engine.rules import REGISTRY
from ..engine.simplify import softmaxes
from ..expr.latex import DISPLAY, MEASURE, broken, latex, width
from ..verify.checks import Report, by_complex_step, within
from ..verify.sample import needs_positive, positive_by_construction, positive_part, sample_dims
from .chains import Line as Line  # re-exported: templates, JSON and notes take them from here
from .chains import Part as Part
from .chains import (
    ProofView,
    figure,
    gradient_symbol,
    hessian_symbol,
    named_function,
    space,
)
from .proofs import author_view, proof_view
from .templates import escape_latex

# what central finite differences of the function agree with, by the kind of result
COMPARED = {
    "gradient": "the gradient",
    "derivative": "the derivative",
    "jacobian": "the Jacobian",
    "hessian": "the gradient, and those of the gradient with the Hessian,",
    "second derivative": "the derivative, and those of the derivative with the second,",
}
ADJECTIVES = {
    "invertible": "invertible",
    "symmetric": "symmetric",
    "spd": "symmetric positive definite",
    "positive": "entrywise positive",
    "orthogonal": "orthogonal",
    "diagonal": "diagonal",
}


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


def hypothesis(derivation: Derivation) -> Markup:
    """``Let $x \\in \\mathbb{R}^{n}$, and let $X \\in \\mathbb{R}^{n\\times n}$ be invertible.``

    Symbols without assumptions come first, so that an adjective never seems to cover them.
    """
    symbols = derivation.symbol_map
    plain, assumed = [], []
    for s in derivation.spec.symbols:
        part = f"${latex(symbols[s.name])} \\in {space(symbols[s.name])}$"
        if s.assume:
            adjectives = (ADJECTIVES[a] if s.shape else a for a in s.assume)  # a number is just positive
            assumed.append(part + " be " + " and ".join(adjectives))
        else:
            plain.append(part)
    sentence = "Let " + ", and let ".join(filter(None, (listing(plain), listing(assumed))))
    nodes = sp.preorder_traversal(derivation.function)
    positive = dict.fromkeys(positive_part(a) for a in nodes if needs_positive(a))
    spd = {derivation.symbol_map[s.name] for s in derivation.spec.symbols if "spd" in s.assume}
    positive = [
        p
        for p in positive
        if not positive_by_construction(p) and not (isinstance(p, sp.Determinant) and p.arg in spd)
    ]
    if positive:
        sentence += ", such that " + " and ".join(f"${latex(p)} > 0$" for p in positive)
    if named_function(derivation):
        arguments = ", ".join(latex(v) for v, _ in derivation.results)
        named = softmaxes(derivation.function)  # softmax(z) = e^z / 1ᵀe^z, so that a result may say it
        definition = f"{latex(named)} = " * (named != derivation.function)
        sentence += f". Write $f({arguments}) = {definition}{latex(derivation.function)}$"
    return Markup(sentence + ".")


def listing(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def remarks(derivation: Derivation, report: Report) -> tuple[Markup, ...]:
    """One sentence per compared value (and a false claim), naming its mistake."""
    stated = [(d, value, derivation.result) for d, (_, value) in zip(report.compare, derivation.compare)]
    if report.claim is not None and not report.claim.ok:  # only with --allow-false
        variable, value = next(
            ((v, value) for v, value in derivation.claims if v.name == report.claim_of),
            (derivation.variable, derivation.claim),
        )
        stated.append((report.claim_diagnosis, value, dict(derivation.results)[variable]))
    return tuple(diagnosis_sentence(*s) for s in stated)


def diagnosis_sentence(diagnosis, value, result) -> Markup:
    """The stated ``value`` against the ``result`` it should equal."""
    label, explanation = escape_latex(diagnosis.label), escape_latex(diagnosis.explanation)
    if diagnosis.label == "claim":
        sentence = f"The claimed value ${latex(value)}$ is false: it {explanation}"
    else:
        sentence = f"The value ${latex(value)}$ ({label}) {explanation}"
    if diagnosis.diagnosis == "differs":
        sentence += f": their relative difference is ${figure(diagnosis.discrepancy)}$ at a random point"
    elif not diagnosis.ok:
        sentence += f"; the gradient is ${latex(result)}$"
    return Markup(sentence + ".")


NOT_ANALYTIC = "by the complex step where every function in it is analytic, else by central differences"


def verification(derivation: Derivation, report: Report) -> Markup:
    dims = sample_dims(derivation)
    sizes = ", ".join(f"${latex(d)} = {v}$" for d, v in dims.items())
    where = f" with {sizes}" if sizes else ""
    methods = {p.method for p in derivation.proofs}
    sentence = (
        f"Each equality above was evaluated on both sides at {report.samples} random points{where}, "
        f"each variable drawn inside its domain and each differential taken in a random direction "
        + ("by the complex step" if by_complex_step(derivation) else NOT_ANALYTIC)
    )
    if "entrywise" in methods:
        sentence += " (the partial derivatives at a random entry)"
    if "directional" in methods:
        sentence += (
            "; an equality at a finite $t$ was evaluated at a random small $t$, a limit by evaluating "
            "its argument at $t = \\pm 10^{-3}, \\pm 5\\times 10^{-4}, \\pm 2.5\\times 10^{-4}$ and "
            "extrapolating, and $\\mathrm{D}_U F$ itself by the complex step"
        )
    sentence += lines_agree(derivation, report)
    compared = f"of the function agree with {COMPARED[derivation.kind.name]}{'s' * bool(derivation.partials)}"
    sentence += f". Central finite differences {compared} {to_within([report.finite_difference])}"
    if report.claim is not None and report.claim.ok:
        claimed = (
            "the claimed values agree with them" if derivation.claims else "the claimed value agrees with it"
        )
        sentence += f", and {claimed} {to_within([report.claim])}"
    return Markup(sentence + ".")


def lines_agree(derivation: Derivation, report: Report) -> str:
    """How closely consecutive lines agree: the bound they meet, never their measured error (rounding
    noise, whose digits vary with the machine and the sample)."""
    engine = [c for p in report.proofs for c in p.all]
    limits = [c for c in engine if c.kind == "->"]
    sentence = ""
    if derivation.proofs:
        sentence = (
            f". Consecutive lines agree {to_within([c for c in engine if c.kind != '->'])} in relative error"
        )
        sentence += f" (a limit with the line before it, {to_within(limits)})" if limits else ""
    if not report.author:
        return sentence
    false = sum(not c.ok for c in report.author)
    if false:
        return (
            sentence + f". {false} of the author's lines do not follow from the line before (marked $\\neq$)"
        )
    if derivation.proofs:
        return sentence + f"; the author's lines, {to_within(report.author)}"
    return f". The author's consecutive lines agree {to_within(report.author)} in relative error"


def to_within(checks) -> str:
    """``to within $10^{-9}$``: the bound passing checks meet (never their errors, rounding noise
    that varies with the machine and the sample); ``only to $0.31$`` when one fails."""
    failed = [c.max_rel_error for c in checks if not c.ok]
    return f"only to ${figure(max(failed))}$" if failed else f"to within ${figure(within(checks))}$"


def statement(derivation: Derivation) -> Markup:
    """``∇_X f = G``, on several aligned rows when ``G`` is long (one equation per variable)."""
    rows = []  # per variable: its symbol, then the result's pieces
    for variable, result in derivation.results:
        order_2 = derivation.kind.order == 2
        symbol = hessian_symbol(derivation) if order_2 else gradient_symbol(derivation, variable=variable)
        rows.append((symbol, *broken(result, max(MEASURE, DISPLAY - width(symbol)))))
    if len(rows) == 1 and len(rows[0]) == 2:
        return Markup(" = ".join(rows[0]))
    lines = (
        rf"{symbol} &= {first}" + "".join(rf" \\ &\quad {r}" for r in rest) for symbol, first, *rest in rows
    )
    return Markup(r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}")


def document_view(derivation: Derivation, report: Report) -> DocumentView:
    spec = derivation.spec
    chains = (
        c
        for p in derivation.proofs
        for c in (p.chain, p.gradient, *(m.chain for m in p.lemmas), *p.second, *(g for _, g in p.partials))
        if c is not None
    )
    used = dict.fromkeys(s.rule for c in chains for s in c.steps)
    if derivation.steps:
        used["identification"] = None
    rules = tuple((n, Markup(REGISTRY[n].identity), REGISTRY[n].reference) for n in used)
    proofs = tuple(proof_view(derivation, i, report) for i in range(len(derivation.proofs)))
    if derivation.steps:
        proofs = (author_view(derivation, report), *proofs)
    return DocumentView(
        id=spec.id,
        label=re.sub(r"[^A-Za-z0-9]+", "-", spec.id),
        title=spec.title,
        notes=Markup(spec.notes),
        hypothesis=hypothesis(derivation),
        statement=statement(derivation),
        proofs=proofs,
        remarks=remarks(derivation, report),
        verification=verification(derivation, report),
        rules=rules,
    )
