"""What a document says of the piecewise functions it shows: where its result holds, and what they are.

A piecewise function (``relu``, ``abs``, ``huber``, …) has a derivative everywhere but at its
kinks; the proposition states its result at the points where no argument is at a kink (``such
that no entry of $Wx + b$ is $0$``), from the kinks of the functions in the function itself.
The less standard ones (``\\mathbb{I}[t > c]``, ``relu``, ``clip``, ``huber``) are defined once.
"""

from __future__ import annotations

import sympy as sp

from ..engine.derive import Derivation
from ..expr import ir
from ..expr.functions import FUNCTIONS
from ..expr.latex import latex
from ..expr.piecewise import is_piecewise, kinked, kinks


def away_from_kinks(derivation: Derivation) -> list[str]:
    """``no entry of $Wx + b$ is $0$``, ``$t \\notin \\{-1, 1\\}$``: one condition per argument."""
    conditions = {}
    for node in kinked(derivation.function):
        at = [latex(k) for k in kinks(node)]
        conditions.setdefault((node.arg, tuple(at)), condition(node.arg, at))
    return list(conditions.values())


def condition(argument, at: list[str]) -> str:
    if ir.is_matrix(argument):
        return f"no entry of ${latex(argument)}$ is " + " or ".join(f"${k}$" for k in at)
    if len(at) == 1:
        return f"${latex(argument)} \\neq {at[0]}$"
    return f"${latex(argument)} \\notin \\{{{', '.join(at)}\\}}$"


def notation(expressions) -> str:
    """`` By definition, $\\operatorname{relu}(u) = \\max(u, 0)$; …`` for the piecewise functions shown."""
    nodes = (n for e in expressions for n in sp.preorder_traversal(e) if is_piecewise(n))
    names = dict.fromkeys(n.name for n in nodes if FUNCTIONS[n.name].meaning)
    return " By definition, " + "; ".join(FUNCTIONS[name].meaning for name in names) + "." if names else ""
