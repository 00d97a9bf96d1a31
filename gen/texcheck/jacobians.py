"""Derivatives of vectors by vectors (Jacobians), derivatives by a transpose, and negated
derivatives, checked through the differential as gradients are (`gen.texcheck.links`).

``\\frac{\\partial y}{\\partial x}`` of a vector y by a vector x is a matrix whose orientation is a
convention: in numerator layout J is m×n with ``dy = J dx``; in denominator layout it is n×m with
``dy = Jᵀ dx`` (Magnus & Neudecker ch. 9 use the first; many machine-learning notes the second).
For a vector variable the identification is therefore ``d f = G dx`` or ``d f = Gᵀ dx`` (no trace:
f may be a vector). The layout is the one the text states — a ``% derivtex: layout …`` line, or a
clause of the prose saying "numerator layout" / "denominator layout" without a hedge. Where the
text states none and the two layouts give different verdicts, the link cannot be checked, and the
report names the annotation that decides it; it is never guessed. (A scalar's gradient by a vector
is a column in denominator layout and a row in numerator layout: the row fails as a shape error,
so a column gradient keeps its ok without a stated layout, as before.)

``\\frac{\\partial f}{\\partial X^{\\top}}`` of a scalar f by a matrix X is the gradient by Xᵀ:
``d f = tr(J dX)`` in denominator layout (``(∂f/∂X)ᵀ``), ``tr(Jᵀ dX)`` in numerator layout.

``-\\frac{\\partial f}{\\partial x}`` (``-\\nabla_x f``) is the derivative of ``-f``.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..expr.parser import BinOp, Call, Neg, Postfix
from .conventions import HEDGES, clauses
from .shapes import convention

NUMERATOR, DENOMINATOR = "numerator", "denominator"
LAYOUT_STATEMENT = re.compile(r"\b(numerator|denominator)[- ]layout\b", re.I)
# "in numerator layout, where a spec asks for it": a case, not the text's convention
CONDITIONS = re.compile(r"\b(?:where|when|whenever|unless|otherwise)\b", re.I)
MINUS = re.compile(r"\s*-\s*(?=\\(?:d|t)?frac\s*\{\s*(?:\\partial|\\mathrm|\\operatorname|d)|\\nabla)")


def layout_stated(text: str) -> str | None:
    """The layout the last clause of the prose ``text`` that states one states (None if none)."""
    found = None
    for clause in clauses(text):
        match = LAYOUT_STATEMENT.search(clause)
        if match and not HEDGES.search(clause) and not CONDITIONS.search(clause):
            found = match.group(1).lower()
    return found


def is_vector(name: str, scope) -> bool:
    """Whether the variable ``name`` is a vector: declared with one dimension, or by convention
    (Latin lowercase) where undeclared."""
    declared = scope.lookup(name)
    if declared is not None and declared.shape is not None:
        return len(declared.shape) == 1 or (len(declared.shape) == 2 and declared.shape[1] == 1)
    return convention(name)[0] == "vector"


def is_matrix(name: str, scope) -> bool:
    declared = scope.lookup(name)
    if declared is not None and declared.shape is not None:
        return len(declared.shape) == 2 and declared.shape[1] != 1
    return convention(name)[0] == "matrix"


def identified(G, dX, variable: str, scope, pos: int):
    """The right-hand side of the identification ``d f = …`` for ``∂f/∂X = G`` (X not a number):
    ``G dx`` / ``Gᵀ dx`` for a vector x (f a number or a vector), ``tr(G dX)`` / ``tr(Gᵀ dX)`` for a
    matrix X, by the layout (denominator where none is stated)."""
    oriented = G if scope.layout == NUMERATOR else Postfix("T", G, pos)
    product = BinOp("*", oriented, dX, pos)
    return product if is_vector(variable, scope) else Call("tr", (product,), pos)


def by_transpose(J, direction, scope, pos: int):
    """``d f = …`` for ``∂f/∂Xᵀ = J`` (``∂f/∂xᵀ``, ``∂ vec F/∂(vec X)ᵀ``: ``J dx``): a matrix X's
    direction goes in a trace, ``tr(J dX)`` (``tr(Jᵀ dX)`` in numerator layout)."""
    name = getattr(direction, "name", "")
    if not (name[1:] and is_matrix(name[1:], scope)):
        return BinOp("*", J, direction, pos)
    oriented = Postfix("T", J, pos) if scope.layout == NUMERATOR else J
    return Call("tr", (BinOp("*", oriented, direction, pos),), pos)


def negation(side):
    """``side`` without its leading minus if a derivative follows it (``-\\frac{\\partial f}{…}``,
    ``-\\nabla_x f``), else None."""
    if not (match := MINUS.match(side.text)):
        return None
    return replace(side, text=side.text[match.end() :], offset=side.offset + match.end())


def negated(tree, kinds: tuple):
    """The derivative of ``-f`` for a derivative ``tree`` of f (one of ``kinds``), else None."""
    if isinstance(tree, kinds):
        return replace(tree, f=Neg(tree.f, tree.pos))
    return None


def undecided_layouts(outcomes: list, trees: list, pairs: list, scope, link, run, vector_derivative) -> list:
    """``outcomes`` with each link about a derivative by a vector made "cannot check" where the text
    states no layout and the layouts disagree (ok in one, not in the other). ``link(left, right,
    scope)`` pairs two sides, ``run(pairs, k)`` checks link k of ``pairs``; ``vector_derivative(tree,
    scope)`` says whether a side is a derivative by a vector."""
    if scope.layout is not None:
        return outcomes
    out = list(outcomes)
    for k, found in enumerate(outcomes):
        if found.status not in ("ok", "does not follow", "shape error"):
            continue
        if not any(vector_derivative(t, scope) for t in trees[k : k + 2]):
            continue
        pair = link(trees[k], trees[k + 1], replace(scope, layout=NUMERATOR))
        if pair == pairs[k] or isinstance(pair[0], str):
            continue
        other = run([*pairs[:k], pair, *pairs[k + 1 :]], k).status
        if other not in ("ok", "does not follow", "shape error"):
            continue
        disagree = (found.status == "ok") != (other == "ok")
        if not disagree or (found.status == "ok" and other == "shape error"):
            continue  # a column gradient of a number: a row in numerator layout does not fit
        holds = NUMERATOR if other == "ok" else DENOMINATOR
        message = (
            f"holds in {holds} layout only, and the text states no layout: "
            f"state it, or % derivtex: layout {holds}"
        )
        out[k] = replace(found, status="cannot check", message=message, figure=None)
    return out
