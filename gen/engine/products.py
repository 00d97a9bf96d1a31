"""A product with a sum among its factors, multiplied out when that reads shorter.

The softmax's differential gives the gradient of a cross-entropy ``−yᵀ log p`` in its logits as
``(p1ᵀ − I)y``; multiplied out, the identity's term is ``y`` and the row of ones meets ``y`` in a
number, ``(1ᵀy)p − y``: the form the sources print (``p − y`` when ``y`` sums to one). A product
whose terms do not shorten, ``(A + B)x``, stays as it is, as ``forms``'s rules keep a rewrite only
when it is shorter. An entrywise product of a sum of quotients is multiplied out over it too, so
that a power meets its base (``forms.collected_entrywise`` calls ``over_quotients``).
"""

from __future__ import annotations

import sympy as sp

from ..expr import ir
from .forms import collected_entrywise, expanded, smaller
from .powers import merge_entrywise
from .registry import COOKBOOK, rule
from .walk import rebuild


@rule("multiply out", r"(A + B)C = AC + BC,\ u\,(v^{\top}w) = (v^{\top}w)\,u", COOKBOOK)
def multiplied_products(e, symmetric=frozenset()):
    """A product of a sum is multiplied out, each term's 1×1 inner products taken out as numbers,
    when that is shorter: ``(p1ᵀ − I)y = (1ᵀy)p − y``."""

    return rebuild(e, smaller(multiplied_out))


def multiplied_out(node):
    """The product with its 1×1 inner products taken out, and multiplied out if it holds a sum."""
    if not isinstance(node, sp.MatMul):
        return None
    factors = ir.coeff_and_factors(node)[1]
    if len(factors) < 2 or not any(isinstance(f, sp.MatAdd) for f in factors):  # −(A + B) stays
        return numbers_taken_out(node)
    return ir.add(*(numbers_taken_out(t) for t in expanded(node)))


def numbers_taken_out(term):
    """``u vᵀw`` as ``(vᵀw) u``: a run of the product's last (or first) factors that is 1×1 is a
    number, and comes out in front."""
    coeff, factors = ir.coeff_and_factors(term)
    for i in range(1, len(factors)):
        head, tail = ir.mul(*factors[:i]), ir.mul(*factors[i:])
        if head.shape[1] == 1 and ir.is_one_by_one(tail):
            return ir.mul(coeff, ir.scalar(tail), head)
        if tail.shape[0] == 1 and ir.is_one_by_one(head):
            return ir.mul(coeff, ir.scalar(head), tail)
    return term


def over_quotients(node):
    """``(a ∘ c^{∘−1} − b) ∘ c`` as ``a − b ∘ c``: a factor that is a sum with entrywise powers in it
    multiplied out, so that a power meets its base (the logistic loss in names, ``((1 − y) ∘ (1 −
    h)^{∘−1} − y ∘ h^{∘−1}) ∘ h ∘ (1 − h) = (1 − y) ∘ h − y ∘ (1 − h)``), then collected."""

    quotients = [i for i, a in enumerate(node.args) if isinstance(a, sp.MatAdd) and a.has(sp.HadamardPower)]
    if not quotients:
        return None
    k = quotients[0]
    before, after = node.args[:k], node.args[k + 1 :]
    terms = [merge_entrywise(ir.hadamard(*before, t, *after)) for t in node.args[k].args]
    total = ir.add(*terms)
    return collected_entrywise(total) if isinstance(total, sp.MatAdd) else total
