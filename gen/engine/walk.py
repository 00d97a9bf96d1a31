"""The walks every rewriting rule is built from: bottom-up over a tree, and along a product's factors.

A simplification is ``rebuild(e, visit)`` with a ``visit`` that rewrites one node; a rule that joins
adjacent factors (``X X⁻¹ = I``, ``1ᵀ1 = n``) gives ``merged_neighbours`` the join of one pair.
"""

from __future__ import annotations

import sympy as sp

from ..expr import ir


def rebuild(e, visit):
    """Apply ``visit`` bottom-up, re-normalising products and sums on the way."""
    if not e.args or isinstance(e, (sp.MatrixSymbol, sp.Identity, sp.ZeroMatrix, sp.Number)):
        return visit(e)
    args = [rebuild(a, visit) for a in e.args]
    if isinstance(e, (sp.MatMul, sp.Mul)):
        node = ir.mul(*args)
    elif isinstance(e, (sp.MatAdd, sp.Add)):
        node = ir.add(*args)
    elif isinstance(e, sp.Inverse):  # an Inverse's args are (X, -1)
        node = sp.Inverse(args[0])
    elif isinstance(e, sp.MatPow):
        node = sp.MatPow(*args)
    else:
        node = e.func(*args)
    return visit(node)


def merged_neighbours(factors, join) -> tuple[object, list]:
    """The factors of a product with each adjacent pair that ``join(left, right)`` merges replaced by
    its factor, and the product of the numbers it gives: ``join`` returns ``(number, factor)``, or
    None to keep the pair as it is."""
    number, merged = sp.Integer(1), []
    for f in factors:
        joined = join(merged[-1], f) if merged else None
        if joined is None:
            merged.append(f)
        else:
            k, merged[-1] = joined
            number *= k
    return number, merged
