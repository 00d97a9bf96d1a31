"""A derivation's checks as its own figures: the sizes it was checked at and the bounds each kind of
check met, for a summary of one line (the notes explain the method of checking once, in their
introduction, and give each derivation only this)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from ..engine.derive import Derivation
from ..expr.latex import latex
from ..spec.keys import CheckSettings
from ..verify.checks import Report, by_complex_step, within
from ..verify.sample import size_assignments
from .chains import figure


@dataclass(frozen=True)
class Checked:
    samples: int
    sizes: tuple[str, ...]  # LaTeX, each assignment of sizes: ``n = 4, m = 2`` (none without dimensions)
    complex_step: bool  # differentials by the complex step, else by central differences
    lines: str  # ``to within $10^{-9}$`` (``only to $0.31$``); empty without a proof by the engine
    limits: str  # likewise, the limits of a directional proof
    author: str  # the author's lines; empty without them
    false_author: int  # how many of the author's lines do not follow
    finite_differences: str
    claim: str  # empty without a claim
    claims: int  # how many variables have one
    tolerance: str  # LaTeX, when the spec sets one other than the default


def to_within(checks) -> str:
    """``to within $10^{-9}$``: the bound passing checks meet (never their errors, rounding noise
    that varies with the machine and the sample); ``only to $0.31$`` when one fails."""
    failed = [c.max_rel_error for c in checks if not c.ok]
    return f"only to ${figure(max(failed))}$" if failed else f"to within ${figure(within(checks))}$"


def checked(derivation: Derivation, report: Report) -> Checked:
    engine = [c for p in report.proofs for c in p.all]
    limits = [c for c in engine if c.kind == "->"]
    tolerance = derivation.spec.check.tolerance
    return Checked(
        samples=report.samples,
        sizes=tuple(
            ", ".join(f"{latex(d)} = {v}" for d, v in dims.items())
            for dims in size_assignments(derivation)
            if dims
        ),
        complex_step=by_complex_step(derivation),
        lines=to_within([c for c in engine if c.kind != "->"]) if engine else "",
        limits=to_within(limits) if limits else "",
        author=to_within(report.author) if report.author else "",
        false_author=sum(not c.ok for c in report.author),
        finite_differences=to_within([report.finite_difference]),
        claim=to_within([report.claim]) if report.claim is not None else "",
        claims=len(derivation.claims) or int(report.claim is not None),
        tolerance=figure(tolerance) if tolerance != CheckSettings.tolerance else "",
    )


def summary(c: Checked) -> Markup:
    """``Checked at 4 points, with $n = 4$ and $n = 5$: lines to within $10^{-9}$, finite differences
    to within $10^{-7}$, the claim to within $10^{-9}$.``"""
    at = f", with {' and '.join(f'${s}$' for s in c.sizes)}" if c.sizes else ""
    figures = []
    if c.lines:
        by = "" if c.complex_step else " (differentials by central differences)"
        figures.append(f"lines{by} {c.lines}" + (f" (limits {c.limits})" if c.limits else ""))
    if c.false_author:
        figures.append(f"{c.false_author} of the author's lines false (marked $\\neq$)")
    elif c.author:
        figures.append(f"the author's lines {c.author}")
    figures.append(f"finite differences {c.finite_differences}")
    if c.claim:
        figures.append(f"the claim{'s' * (c.claims > 1)} {c.claim}")
    tolerance = f" The tolerance is ${c.tolerance}$, set by the spec." if c.tolerance else ""
    return Markup(f"Checked at {c.samples} points{at}: {', '.join(figures)}.{tolerance}")
