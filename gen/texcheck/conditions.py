"""Equations a text solves, not identities it claims: ``\\nabla f(\\beta) = 0``, the normal
equations ``X^T X \\beta = X^T y``, ``\\Sigma u = \\lambda u``.

A derivative set to zero (written 0 on one side; the derivative on the other, or at the head of
the chain) is a condition on the variable: it holds at the points sought, not at random ones, so
checking it numerically reports a false "does not follow". The same holds for the equations the
text derives from such a condition, and for an equation the prose introduces with "setting … to
zero", "solve", "such that", "satisfies". Such a link is ``skipped`` with the reason. Only links
that did not check are turned into conditions: an identity written among them (``\\nabla_u L =
2\\Sigma u - 2\\lambda u``) is still checked, and no status becomes ok here.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..expr.texnames import GRADIENT_AT

ZERO = re.compile(r"\s*(?:\\(?:mathbf|boldsymbol|bm|vec|mathbb)\s*\{\s*0\s*\}|0)\s*[.,;]?\s*")
DERIVATIVE = re.compile(
    r"\\nabla|\\partial|\\frac\s*\{\s*(?:\\mathrm\s*\{\s*d\s*\}|d|\\delta)(?![a-zA-Z_^])"  # not d(tX)
    r"|\\over\s*\{*\s*(?:\\mathrm\s*\{\s*d\s*\}|d|\\delta)(?![a-zA-Z_^])"  # {dL \over dx}, plain TeX's
    r"|(?<![A-Za-z\\])d\s*/\s*d(?![a-z]{2})"  # d/dH typed as text
)
# what the prose says before equations it solves (not "minimize": the chain after it expands a loss)
CUES = re.compile(
    r"\bset(?:s|ting)?\b[^.$]{0,80}?\b(?:to\s+)?(?:zero|0)\b|\bequal(?:s|ing)?\s+(?:to\s+)?zero\b"
    r"|\bsolv(?:e|es|ing)\b|\bsuch\s+that\b|\bsatisf(?:y|ies|ying)\b|\bstationary\s+points?\b"
    r"|\bfirst[- ]order\s+condition|\boptimality\s+condition|\bnormal\s+equations?\b"
    r"|\b(?-i:FOCs?|KKT)\b",  # the economists' first-order conditions, Karush–Kuhn–Tucker's
    re.IGNORECASE,
)
UNCHECKED = ("does not follow", "shape error", "cannot check")
# of the links that cannot be checked, those a condition explains: the other reasons stay
ZERO_BOTH = "both sides are 0"
APART = "the sides share no symbol"  # gen.texcheck.values.apart: a constraint a^T a = b^T b = 1 too
SHARE_NONE = f"{APART}: a relation between them said in words? declare it (% derivtex: X := …)"
NOT_IMPLIED = "not implied by the derivative set to zero"  # gen.texcheck.links.implied
PREFIX = "a condition to solve, not an identity"


def prose_cue(text: str) -> str:
    """What in the prose (its last sentence before a display) says the display solves an equation."""
    tail = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text.strip())[-1] if text.strip() else ""
    match = CUES.search(tail)
    return f"the prose says '{' '.join(match.group().split())}'" if match else ""


RELATION = re.compile(r"(?<![<>!:\\])=")


def after_condition(before: str, row: str) -> bool:
    """A row led by a sign (``-2X^T y + … = 0``) after a row ending ``= 0`` is an equation of its
    own, not the previous row continued: it has its own ``=`` and the row before it was closed."""
    head, _, last = before.rpartition("=")
    return bool(head.strip()) and written_zero(last) and bool(RELATION.search(row.lstrip()[1:]))


def written_zero(text: str) -> bool:
    return bool(ZERO.fullmatch(text))


# a second derivative "= 0" is a claim about it (a Hessian that vanishes), not a first-order condition
SECOND_ORDER = re.compile(
    r"\\nabla\s*\^|\\partial\s*\^|\^\s*\{?\s*2\s*\}?\s*\}?\s*\{\s*(?:\\partial|\\mathrm\s*\{\s*d\s*\}|d)"
)


def first_derivative(text: str) -> bool:
    return bool(DERIVATIVE.search(text)) and not SECOND_ORDER.search(text)


def set_to_zero(chain, k: int) -> bool:
    """Link k reads ``… = 0`` (or ``0 = …``) of a first derivative: the other side, or the chain's head."""
    link, head = chain.links[k], chain.links[0].left.text
    for zero, other in ((link.right, link.left), (link.left, link.right)):
        if written_zero(zero.text) and (first_derivative(other.text) or first_derivative(head)):
            return True
    return False


def claims_derivative(link) -> bool:
    """``\\nabla f = G`` with no side 0: a derivative worked out, an identity even while solving; not
    a derivative against another (``\\nabla f(h) = \\lambda \\nabla g(h)``, Lagrange's condition)."""
    with_one = [t for t in (link.left.text, link.right.text) if DERIVATIVE.search(t)]
    return not has_zero_side(link) and len(with_one) == 1 and worked_out(with_one[0])


def worked_out(text: str) -> bool:
    """Whether a side with a derivative works it out: not one that only uses a gradient's value at a
    point (``-\\nabla f(x_k)^T p``), unless it is that value alone (``\\nabla f(x_k) = Q x_k - b``)."""
    rest = GRADIENT_AT.sub(" ", text)
    return bool(DERIVATIVE.search(rest)) or not rest.strip(" ,.;")


def has_zero_side(link) -> bool:
    return written_zero(link.left.text) or written_zero(link.right.text)


def as_conditions(
    chain, outcomes: list, solving: str, unknowns: tuple = (), defining: frozenset = frozenset()
) -> list:
    """The outcomes with the links that are conditions skipped: a derivative set to zero anywhere;
    in a text that is solving (``solving`` says why), any equation that did not check and that
    involves what is solved for (``unknowns``, the variables of the derivative set to zero, if
    known), unless it restates a name the text defined (the links ``defining``)."""
    found = []
    for k, o in enumerate(outcomes):
        explained = o.status == "cannot check" and not o.message.startswith((ZERO_BOTH, APART))
        if o.status not in UNCHECKED or explained:
            found.append(o)
        elif set_to_zero(chain, k):
            found.append(replace(o, status="skipped", message=f"{PREFIX}: a derivative set to zero"))
        elif (
            solving
            and k not in defining
            and not claims_derivative(chain.links[k])
            and condition_like(chain, outcomes, k, unknowns)
        ):
            what = "an equation set to zero" if has_zero_side(chain.links[k]) else "an equation"
            found.append(replace(o, status="skipped", message=f"{PREFIX}: {what} where {solving}"))
        else:
            found.append(o)
    return found


SLIPS = ("the sign differs", "the transpose of what", "minus the transpose", "off by a factor", NOT_IMPLIED)


def condition_like(chain, outcomes: list, k: int, unknowns: tuple = ()) -> bool:
    """Whether link k, failing while the text solves, reads as a condition: it involves what is
    solved for (when that is known; else its chain is one or two equations), and is set to zero,
    or in a chain none of whose links checks and not off by a sign, a transpose or a factor (those
    are slips: ``x = -QQ^Tx`` after "satisfies" is a sign lost, not an equation to solve)."""
    link = chain.links[k]
    if unknowns and not any(mentions(side.text, u) for u in unknowns for side in (link.left, link.right)):
        return False  # V(x_k, k) = x_k^T P_k x_k after ∂V/∂u_k = 0: about something else, a slip if wrong
    if not unknowns and len(chain.links) > 2 and not has_zero_side(link):
        return False  # after "satisfies": a chain of three steps or more is a derivation, not equations
    slip = any(s in outcomes[k].message for s in SLIPS)
    return has_zero_side(link) or not (slip or any(o.status == "ok" for o in outcomes))


BY = re.compile(  # the variable of \nabla_X, \nabla_{X} or \frac{\partial …}{\partial X}
    r"\\nabla\s*_\s*(\{(?:[^{}]|\{[^{}]*\})*\}|\\[A-Za-z]+|[A-Za-z])"
    r"|\}\s*\{\s*\\partial\s*((?:[^{}]|\{[^{}]*\})*)\}"  # the denominator, right after the numerator
)
BOLD = re.compile(r"\\(?:mathbf|boldsymbol|bm|vec|hat|tilde|bar|widehat|widetilde)\s*|[{}]")  # \hat\beta: β


def unknowns_of(chain) -> tuple:
    """What a chain that sets a derivative to zero solves for: the derivative's variables."""
    found = []
    for k in range(len(chain.links)):
        if set_to_zero(chain, k):
            texts = (chain.links[k].left.text, chain.links[k].right.text, chain.links[0].left.text)
            found += [plain(m.group(1) or m.group(2)) for t in texts for m in BY.finditer(t)]
    return tuple(dict.fromkeys(u for u in found if u))


def plain(latex: str) -> str:
    """A name's LaTeX without bold, accents and braces: ``\\mathbf{w}``, ``{w}`` are w."""
    return BOLD.sub("", latex).strip()


def mentions(text: str, unknown: str) -> bool:
    """Whether ``text`` writes ``unknown``: ``X\\theta`` mentions θ, ``X^Tw`` and ``wX`` mention w (letters
    side by side are a product), ``\\exp`` no x."""
    if unknown.startswith("\\"):
        return bool(re.search(rf"{re.escape(unknown)}(?![A-Za-z])", plain(text)))
    return unknown in COMMAND.sub(" ", plain(text))


COMMAND = re.compile(r"\\[A-Za-z]+")


def solving_after(chain, outcomes: list, solving: str) -> str:
    """Whether the text is still solving after this chain: it set something to zero (from now on,
    its equations are conditions), or it checked in full (back to identities), or as before."""
    line = chain.source.line(chain.links[0].left.offset)
    if any(o.message.startswith(PREFIX) and "derivative set to zero" in o.message for o in outcomes):
        return f"line {line} sets a derivative to zero"
    if outcomes and all(o.status == "ok" for o in outcomes):
        return ""
    return solving
