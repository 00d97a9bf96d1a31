"""A derivation's checks as its own figures: the sizes it was checked at and the bounds each kind of
check met, for a summary of one line (the notes explain the method of checking once, in their
introduction, and give each derivation only this)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from ..engine.derive import Derivation
from ..expr.latex import latex
from ..spec.model import CheckSettings
from ..verify.checks import Report, by_complex_step, within
from ..verify.sample import size_assignments
from .chains import figure


@dataclass(frozen=True)
class Checked:
    samples: int
    dimensions: tuple[str, ...]  # LaTeX, the named dimensions (none for numbers and fixed sizes)
    sizes: tuple[tuple[int, ...], ...]  # each assignment of sizes to them: ``(4, 2)`` and ``(5, 3)``
    complex_step: bool  # differentials by the complex step, else by central differences
    lines: str  # ``within $10^{-9}$`` (``only to $0.31$``); empty without a proof by the engine
    limits: str  # likewise, the limits of a directional proof
    author: str  # the author's lines; empty without them
    false_author: int  # how many of the author's lines do not follow
    finite_differences: str
    claim: str  # empty without a claim
    claims: int  # how many variables have one
    tolerance: str  # LaTeX, when the spec sets one other than the default


def bound(checks, to: str = "") -> str:
    """``within $10^{-9}$``: the bound passing checks meet (never their errors, rounding noise that
    varies with the machine and the sample); ``only to $0.31$`` when one fails."""
    failed = [c.max_rel_error for c in checks if not c.ok]
    return f"only to ${figure(max(failed))}$" if failed else f"{to}within ${figure(within(checks))}$"


def to_within(checks) -> str:
    """``to within $10^{-9}$``, or ``only to $0.31$``."""
    return bound(checks, "to ")


def checked(derivation: Derivation, report: Report) -> Checked:
    engine = [c for p in report.proofs for c in p.all]
    limits = [c for c in engine if c.kind == "->"]
    tolerance = derivation.spec.check.tolerance
    assignments = [dims for dims in size_assignments(derivation) if dims]
    return Checked(
        samples=report.samples,
        dimensions=tuple(latex(d) for d in assignments[0]) if assignments else (),
        sizes=tuple(tuple(dims.values()) for dims in assignments),
        complex_step=by_complex_step(derivation),
        lines=bound([c for c in engine if c.kind != "->"]) if engine else "",
        limits=bound(limits) if limits else "",
        author=bound(report.author) if report.author else "",
        false_author=sum(not c.ok for c in report.author),
        finite_differences=bound([report.finite_difference]),
        claim=bound([report.claim]) if report.claim is not None else "",
        claims=len(derivation.claims) or int(report.claim is not None),
        tolerance=figure(tolerance) if tolerance != CheckSettings.tolerance else "",
    )


def where(c: Checked) -> str:
    """``$n = 4, 5$``, ``$(n, m) = (4, 2), (5, 3)$`` (and how many points, if not the default), or
    ``4 random points`` without dimensions."""
    if not c.dimensions:
        return f"{c.samples} random points"
    if len(c.dimensions) == 1:
        at = f"{c.dimensions[0]} = {', '.join(str(s) for (s,) in c.sizes)}"
    else:
        tuples = ", ".join(f"({', '.join(map(str, s))})" for s in c.sizes)
        at = f"({', '.join(c.dimensions)}) = {tuples}"
    return f"${at}$" + (f" ({c.samples} points)" if c.samples != CheckSettings.samples else "")


def summary(c: Checked) -> Markup:
    """``Checked at $n = 4, 5$: lines within $10^{-9}$, finite differences within $10^{-7}$, the claim
    within $10^{-9}$.``: a derivation's own figures (the notes' introduction says how it is checked)."""
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
    tolerance = f"; tolerance ${c.tolerance}$, set by the spec" if c.tolerance else ""
    return Markup(f"Checked at {where(c)}: {', '.join(figures)}{tolerance}.")
