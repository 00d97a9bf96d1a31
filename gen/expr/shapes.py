"""Shapes while lowering: a bare I sized by its neighbours, the shape of a product, and a shape as
the messages describe it (``an n-vector``, ``a n×m matrix``)."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from . import ir
from .printers import size_text


@dataclass(frozen=True)
class Eye:
    """``c·I`` whose size is not known until it meets a matrix."""

    coeff: sp.Expr = sp.Integer(1)

    def sized(self, n):
        return ir.mul(self.coeff, sp.Identity(n))


def describe_shape(e) -> str:
    shape = ir.shape(e)
    if not shape:
        return "a scalar"
    rows, cols = (size_text(v) for v in shape)
    if cols == "1" and rows != "1":
        return f"an {rows}-vector" if rows[0] in "aefhilmnorsx" else f"a {rows}-vector"
    return f"{'an' if rows[0] in 'aefhilmnorsx' else 'a'} {rows}×{cols} matrix"


def size_identities(factors: list, divisors: set) -> tuple[list, bool]:
    """The factors of a product with each bare I sized, and whether some I is left to the context.

    An I is as wide as the product on its left is, or as tall as the product on its right, 1×1
    products counting as numbers; ``x*I*y^T`` is 1×1, the number 1. An I between two numbers
    (``(x^T*x)*I``, ``I*x^T*x``) scales the whole product, a number, and takes its size from the
    context, as ``norm(x)^2*I`` does.
    """
    plain = [None if isinstance(f, Eye) or i in divisors else f for i, f in enumerate(factors)]
    out, free = [], False
    for i, factor in enumerate(factors):
        if not isinstance(factor, Eye) or i in divisors:
            out.append(factor)
            continue
        left, right = product_shape(plain[:i]), product_shape(plain[i + 1 :])
        size = left[1] if left else right[0] if right else None
        free = free or size is None
        out.append(factor.coeff if size in (None, 1) else factor.sized(size))
    return out, free


def product_shape(factors: list) -> tuple:
    """The shape of a product, ``()`` when it is a number (a 1×1 product counts as one)."""
    shape = ()
    for f in factors:
        own = ir.shape(f) if f is not None and ir.shape(f) != (1, 1) else ()
        shape = (shape[0], own[1]) if shape and own else shape or own
        shape = () if shape == (1, 1) else shape
    return shape
