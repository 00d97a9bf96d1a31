"""Which gradient of a function of a symmetric matrix the paper means: the one within symmetric
matrices (the default), or the Matrix Cookbook's ``G + Gᵀ − diag(G)``, only where the text says so.

For a symmetric X, ``d f = tr(Gᵀ dX)`` over symmetric ``dX`` fixes only the symmetric part of G: the
gradient within symmetric matrices is ``½(G + Gᵀ)`` (Srinivasan and Panda, "What is the gradient of
a scalar function of a symmetric matrix?", arXiv:1911.06491, eq. (2)), and any G with that symmetric
part passes the identification. The Matrix Cookbook (Petersen and Pedersen 2012, §2.8, eq. (141))
takes instead the derivatives by the free entries ``X_ij = X_ji``, i ≤ j:
``∂f/∂X = G + Gᵀ − diag(G)``. Its C satisfies ``d f = Σ_{i≤j} C_ij dX_ij = tr(½(C + Diag C)ᵀ dX)``,
so a link ``∇_X f = C`` under that convention is checked as ``d f = tr(½(C + Diag C)ᵀ dX)``.

The convention is the one the text states: a clause of the prose naming it (the Cookbook's
convention, the free entries, ``G + G^{\\top} - \\operatorname{diag}(G)``) without a hedge ("would",
"may", "instead", …), to the end of the section; or a ``% derivtex: gradient cookbook`` line. A link
whose reason column names the identification theorem is the plain identification, whatever the
section's convention.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..expr.parser import BinOp, Call, Num

WITHIN, COOKBOOK = "within", "cookbook"
TRANSPOSE = r"\^\s*(?:\{\s*(?:\\top|T|\\intercal|\\mathsf\s*\{?T\}?)\s*\}|\\top|T|\\intercal)"
DIAG = r"(?:\\operatorname\s*\{\s*diag\s*\}|\\mathrm\s*\{\s*diag\s*\}|\\diag|diag)"
OF_G = r"\s*(?:\\left)?\s*\(\s*G\s*(?:\\right)?\s*\)"
COOKBOOK_FORM = r"G\s*\+\s*G\s*" + TRANSPOSE + r"\s*-\s*" + DIAG + OF_G
# (how a clause states a convention, which one): the first that matches
STATEMENTS = (
    (re.compile(r"Cookbook'?s?\s+(?:symmetric[- ]gradient\s+)?convention", re.I), COOKBOOK),
    (re.compile(r"free entries", re.I), COOKBOOK),
    (re.compile(COOKBOOK_FORM), COOKBOOK),
    (re.compile(r"within symmetric matrices|in symmetric directions", re.I), WITHIN),
)
HEDGES = re.compile(r"\b(?:would|may|might|could|instead|rather|unlike|not|nor|if)\b", re.I)
IDENTIFICATION = re.compile(r"identification", re.I)  # the reason of a plain ∇_X f = G


def clauses(text: str) -> list[str]:
    """``text`` cut at each ``.``, ``;`` and ``:`` outside math."""
    out, start, inside = [], 0, False
    for i, c in enumerate(text):
        if c == "$" and (i == 0 or text[i - 1] != "\\"):
            inside = not inside
        elif c in ".;:" and not inside and (i + 1 == len(text) or text[i + 1].isspace()):
            out.append(text[start : i + 1])
            start = i + 1
    return [*out, text[start:]]


def stated(text: str) -> str | None:
    """The convention the last clause of ``text`` that states one states (None if none does)."""
    found = None
    for clause in clauses(text):
        said = next((c for pattern, c in STATEMENTS if pattern.search(clause)), None)
        if said and not HEDGES.search(clause):
            found = said
    return found


def on_link(scope, reason: str):
    """``scope`` for one link: a reason citing the identification theorem is the plain one."""
    return replace(scope, gradient=WITHIN) if IDENTIFICATION.search(reason or "") else scope


def represented(G, symmetric: bool, scope):
    """The matrix whose identification ``d f = tr(Rᵀ dX)`` checks ``∇_X f = G`` under the scope's
    convention: G itself, or ``½(G + Diag G)`` for the Cookbook's gradient of a symmetric X."""
    if scope.gradient != COOKBOOK or not symmetric:
        return G
    diagonal = Call("diag", (Call("diag", (G,), 0),), 0)
    return BinOp("*", BinOp("/", Num("1", 0), Num("2", 0), 0), BinOp("+", G, diagonal, 0), 0)


HINT = (
    "holds under the Matrix Cookbook's convention G + G^T - diag(G), which the text does not state: "
    "state it, or % derivtex: gradient cookbook"
)


def unstated(outcomes: list, trees: list, pairs: list, scope, link, run) -> list:
    """``outcomes`` with each failing gradient link that the Cookbook's convention would make hold
    said so (never made ok: the text does not state that convention). ``link(left, right, scope)``
    pairs two sides, ``run(pairs, k)`` checks link k of ``pairs``."""
    if scope.gradient == COOKBOOK:
        return outcomes
    out = list(outcomes)
    for k, found in enumerate(outcomes):
        if found.status != "does not follow":
            continue
        pair = link(trees[k], trees[k + 1], replace(scope, gradient=COOKBOOK))
        if pair != pairs[k] and run([*pairs[:k], pair, *pairs[k + 1 :]], k).status == "ok":
            out[k] = replace(found, message="; ".join(m for m in (found.message, HINT) if m))
    return out
