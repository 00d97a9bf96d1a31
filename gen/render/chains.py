"""The lines of a chain as the document shows them: each with its left side, relation, right side,
rule and check; and the notation shared by every proof (``∇_X f``, ``d f``, a long function as f)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import sympy as sp
from markupsafe import Markup

from ..engine.derive import Derivation
from ..engine.proof import Chain, Proof, Step
from ..engine.registry import REGISTRY
from ..expr import ir
from ..expr.latex import broken, group, latex, subscript
from ..expr.line_breaks import width
from ..verify.checks import Check

RELATIONS = {"=": "=", "->": r"\xrightarrow{t\to 0}"}


@dataclass(frozen=True)
class Line:
    lhs: Markup  # empty after the first line of a chain
    relation: Markup  # =, an arrow for a limit, \neq for a false line
    rhs: Markup
    rule: str
    identity: Markup
    justification: str  # plain text
    why: Markup  # the right-hand column: rule and identity, a lemma, or the author's reason
    check: Check | None
    rest: tuple[Markup, ...] = ()  # more rows of a right-hand side too long for one


@dataclass(frozen=True)
class Part:
    """A sentence, then a chain of equalities."""

    text: Markup
    lines: tuple[Line, ...]
    lhs_alone: bool = False  # the left-hand side on a line of its own: the chain is too wide beside it
    brief: Markup | None = None  # the sentence without the method's explanation (the notes say it once)


@dataclass(frozen=True)
class ProofView:
    method: str
    title: str
    parts: tuple[Part, ...]


def figure(x: float) -> str:
    """``4.2\\times 10^{-10}`` (LaTeX math, two significant digits); ``10^{-9}`` for a bound;
    ``0.83`` for a figure near one."""
    if x == 0:
        return "0"
    if x == float("inf"):  # a value that is inf or nan at the point
        return r"\infty"
    if 0.01 <= x < 100:
        return f"{x:.2g}"
    mantissa, exponent = f"{x:.1e}".split("e")
    power = f"10^{{{int(exponent)}}}"
    return power if mantissa == "1.0" else f"{mantissa}\\times {power}"


def space(symbol) -> str:
    shape = ir.shape(symbol)
    if not shape:
        return r"\mathbb{R}"
    rows, cols = (latex(d) for d in shape)
    return rf"\mathbb{{R}}^{{{rows}}}" if cols == "1" else rf"\mathbb{{R}}^{{{rows}\times {cols}}}"


LONG = 16  # characters a function may show before it is called f in the statement and the proofs


def named_function(derivation: Derivation) -> bool:
    """Whether the function is long enough to be called f rather than written out each time (or a
    fraction, which would stand in the numerator of a Jacobian's ∂f/∂xᵀ)."""
    function = latex(derivation.function)
    visible = re.sub(r"\\[,;!]|[{}^_ ]", "", re.sub(r"\\[A-Za-z]+", "x", function))
    fraction = "\\frac" in function and derivation.kind.jacobian
    by_backprop = bool(derivation.proofs) and derivation.proofs[0].backprop is not None  # its δs say f
    return len(visible) > LONG or fraction or by_backprop or bool(derivation.named)  # f, where a = …


def function_latex(derivation: Derivation) -> str:
    """The function as a line of a chain shows it: ``f`` when it is long, else written out."""
    if named_function(derivation):
        return "f"
    function = latex(derivation.function)
    sum_or_negative = isinstance(derivation.function, (sp.Add, sp.MatAdd)) or function.startswith("-")
    return group(function) if sum_or_negative else function  # ∇_X(−yᵀx), not ∇_X −yᵀx


def chain_lhs(derivation: Derivation, proof: Proof) -> str:
    """``d tr(X⁻¹)``, or ``d f`` (``∂f/∂X_ij``) when the function is called f."""
    if not named_function(derivation) or proof.method == "directional":
        return latex(proof.chain.lhs)
    if proof.method == "entrywise":
        variable, *indices = proof.chain.lhs.args[1:]
        entry = subscript(latex(variable), "".join(latex(i) for i in indices))
        return rf"\frac{{\partial f}}{{\partial {entry}}}"
    return r"\mathrm{d}\operatorname{vec}f" if isinstance(proof.chain.lhs.arg, ir.Vec) else r"\mathrm{d}f"


def gradient_symbol(derivation: Derivation, numerator: bool | None = None, variable=None) -> str:
    """``∇_X f``, ``∂f/∂X`` in numerator layout, or ``d f/dt`` for a scalar variable (``variable``:
    another of several)."""
    variable, function = latex(variable or derivation.variable), function_latex(derivation)
    if derivation.kind.by_number:
        return rf"\frac{{\mathrm{{d}}}}{{\mathrm{{d}}{variable}}} {function}"
    if derivation.kind.jacobian:
        if derivation.function.shape[1] != 1:
            function = rf"\operatorname{{vec}}{group(function) if function != 'f' else ' f'}"
        if derivation.variable.shape[1] != 1:
            variable = rf"(\operatorname{{vec}}{variable})"
        return rf"\frac{{\partial {function}}}{{\partial {variable}^{{\top}}}}"
    if derivation.layout == "numerator" if numerator is None else numerator:
        return rf"\frac{{\partial}}{{\partial {variable}}} {function}"
    return rf"\nabla_{{{variable}}} {function}"


def hessian_symbol(derivation: Derivation) -> str:
    """``∇²_X f``, or ``d²f/dt²`` for a number."""
    variable, function = latex(derivation.variable), function_latex(derivation)
    if derivation.kind.by_number:
        return rf"\frac{{\mathrm{{d}}^{{2}}}}{{\mathrm{{d}}{variable}^{{2}}}} {function}"
    return rf"\nabla^{{2}}_{{{variable}}} {function}"


def line(lhs: str, step: Step, why: str, justification: str, check: Check | None) -> Line:
    rule = REGISTRY.get(step.rule)
    relation, why = RELATIONS[step.relation], Markup(why)
    if check is not None and not check.ok:  # only ever the author's: build refuses false engine lines
        relation = r"\neq"
        why += Markup(rf" \falsestep{{{figure(check.max_rel_error)}}}")
    first, *rest = broken(step.expr)
    return Line(
        Markup(lhs),
        Markup(relation),
        Markup(first),
        step.rule,
        Markup(rule.identity if rule else ""),
        justification,
        why,
        check,
        tuple(Markup(r) for r in rest),
    )


def part(text: str, lines: tuple[Line, ...], brief: str | None = None) -> Part:
    """A sentence and its chain; a line that reads exactly like the one before is not repeated.

    (Putting a trace around a 1×1 product, or taking it off, changes nothing visible.)
    Its check is kept: the line before carries the worse of the two.
    """
    kept: list[Line] = []
    for line_ in lines:
        same = kept and (line_.rhs, line_.rest) == (kept[-1].rhs, kept[-1].rest)
        if same and line_.relation == kept[-1].relation == "=":
            worse = max((kept[-1].check, line_.check), key=severity)
            kept[-1] = replace(kept[-1], check=worse)
        else:
            kept.append(line_)
    wide = (  # a part may hold several chains (one per variable), each starting at its own left side
        kept
        and max(width(x.lhs) for x in kept)
        + max(width(x.relation + r) for x in kept for r in (x.rhs, *x.rest))
        > WIDE
    )
    return Part(Markup(text), tuple(kept), bool(wide), None if brief is None else Markup(brief))


def severity(check: Check | None) -> tuple:
    """Orders checks, worst last: a failing one by its error; a passing one by its bound (its error,
    noise that varies with the machine and the sample, does not choose which check is kept)."""
    if check is None:
        return (0, 0.0)
    return (2, check.max_rel_error) if not check.ok else (1, check.within)


WIDE = 44  # glyphs a chain's left and right sides may take together beside the justifications


def rule_lines(chain: Chain, lhs: str, checks, notation=lambda identity: identity) -> tuple[Line, ...]:
    """A chain whose lines are justified by their rules (identities in the method's notation)."""
    out = []
    for i, step in enumerate(chain.steps):
        rule = REGISTRY[step.rule]
        why = f"{rule.name}: ${notation(rule.identity)}$"
        out.append(line(lhs if i == 0 else "", step, why, rule.summary, checks[i]))
    return tuple(out)


def linear_form_latex(variable, matrix_valued: bool = False, subscript: str = "") -> str:
    """``tr(Gᵀ dX)`` for a matrix variable, ``gᵀ dx`` for a vector, ``g dt`` (``G dt``) for a number
    (``G_X`` with a subscript, for one of several variables)."""
    dX = latex(ir.d(variable))
    index = f"_{{{subscript}}}" if subscript else ""
    if not ir.is_matrix(variable):
        return rf"{'G' if matrix_valued else 'g'}{index}\,{dX}"
    if variable.shape[1] == 1:
        return rf"g{index}^{{\top}}\,{dX}"
    return rf"\operatorname{{tr}}(G{index}^{{\top}}\,{dX})"
