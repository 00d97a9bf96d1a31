"""``\\mathbf{1}`` in LaTeX: a vector of ones whose size its neighbours tell, as a bare ``I``'s.

``\\mathbf{1}^{\\top}F`` is ``ones(1, rows of F)``, ``F\\mathbf{1}`` ``ones(cols of F, 1)``, and in a sum
or an entrywise product it takes the other side's shape (``\\mathbf{1} - \\sigma(x)``). The grammar
writes ``ones(n)``; the LaTeX front end reads ``\\mathbf{1}`` as ``ones()`` with no size.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import sympy as sp

from . import ir


@dataclass(frozen=True)
class Ones:
    """``c·1`` (``c·1ᵀ`` when ``transposed``) whose size is not known until it meets a matrix."""

    coeff: sp.Expr = sp.Integer(1)
    transposed: bool = False

    def __neg__(self) -> Ones:
        return replace(self, coeff=-self.coeff)

    def scaled(self, factor) -> Ones:
        return replace(self, coeff=self.coeff * factor)

    def shaped(self, rows, cols):
        return ir.mul(self.coeff, ir.ones(rows, cols))


def matrix(e) -> bool:
    return ir.is_matrix(e) and not ir.is_one_by_one(e)


def sized(left, right, op: str):
    """``(left, right)`` with a ``Ones`` among them sized by the other (or scaled by a number, which
    leaves it a ``Ones``: the single value returned), ``None`` if nothing tells its size."""
    if isinstance(left, Ones) and isinstance(right, Ones):
        return None
    ones, other = (left, right) if isinstance(left, Ones) else (right, left)
    if not matrix(other):
        return ones.scaled(ir.scalar(other)) if op == "*" else None
    if op in ("+", ".*"):
        shaped = ones.shaped(*other.shape)
    elif ones is left and ones.transposed:  # 1ᵀF
        shaped = ones.shaped(1, other.shape[0])
    elif ones is right and not ones.transposed:  # F1
        shaped = ones.shaped(other.shape[1], 1)
    else:
        return None
    return (shaped, other) if ones is left else (other, shaped)


def number_beside(left, right) -> bool:
    """Whether one of two terms is a number (no shape, or 1×1) and the other a vector."""
    return any(
        not matrix(a) and not isinstance(a, Ones) and ir.is_vector(b)
        for a, b in ((left, right), (right, left))
    )


def each_entry(left, right):
    """A number added to a vector, to each entry: the number times the vector of ones of its shape."""
    number, vector = (left, right) if ir.is_vector(right) else (right, left)
    spread = ir.mul(ir.scalar(number), ir.ones(*vector.shape))
    return (spread, vector) if number is left else (vector, spread)
