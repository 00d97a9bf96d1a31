"""The nodes of the directional and entrywise proofs: difference quotients, directional and partial
derivatives, single-entry matrices and entries, the second differential and the inner product.

``t`` is the step of a difference quotient, ``U`` a direction, ``J^{ij}`` the single-entry matrix
and ``i, j`` its indices: fresh symbols chosen per derivation. The limit of a quotient is in `ir`
(every step whose relation is ``->`` is one).
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import MatrixExpr

from .ir import Diff, MatDiff, Unary, coeff_and_factors, is_matrix, mul, neg


class MatQuotient(Unary, MatrixExpr):
    """``num / t`` kept as a fraction: a difference quotient."""

    is_commutative = False

    def __new__(cls, num, t):
        return sp.Basic.__new__(cls, num, t)

    @property
    def shape(self):
        return self.args[0].shape


class Quotient(Unary, sp.Expr):
    is_commutative = True

    def __new__(cls, num, t):
        return sp.Expr.__new__(cls, num, t)


def quotient(num, t):
    return MatQuotient(num, t) if is_matrix(num) else Quotient(num, t)


def difference(a, b):
    """``a − b`` exactly as written (no cancellation, no reordering of ``a``)."""
    return sp.MatAdd(a, neg(b)) if is_matrix(a) else sp.Add(a, -b, evaluate=False)


class Directional(Diff):
    """``Df(X)[U]``: the directional derivative of the function (printed with the letter f)."""

    def __new__(cls, f, variable, direction):
        return sp.Expr.__new__(cls, f, variable, direction)


class MatPartial(MatDiff):
    """``∂F/∂X_ij``: the differential in the direction ``J^{ij}``."""

    def __new__(cls, F, variable, *indices):
        return sp.Basic.__new__(cls, F, variable, *indices)


class Partial(Diff):
    def __new__(cls, F, variable, *indices):
        return sp.Expr.__new__(cls, F, variable, *indices)


def partial(F, variable, indices):
    return MatPartial(F, variable, *indices) if is_matrix(F) else Partial(F, variable, *indices)


class SingleEntry(MatrixExpr):
    """``J^{ij}`` (``e_i`` for a vector): one in position (i, j), zeros elsewhere."""

    is_commutative = False

    def __new__(cls, letter, rows, cols, *indices):
        return sp.Basic.__new__(cls, letter, sp.sympify(rows), sp.sympify(cols), *indices)

    @property
    def shape(self):
        return self.args[1], self.args[2]

    @property
    def indices(self):
        return self.args[3:]


class Entry(sp.Expr):
    """``M_{rc}`` (``m_c`` for a row vector)."""

    is_commutative = True

    def __new__(cls, M, *indices):
        return sp.Expr.__new__(cls, M, *indices)


def entry(M, indices):
    """The entry of ``M`` at ``indices``, scalar coefficients in front."""
    coeff, factors = coeff_and_factors(M)
    return mul(coeff, Entry(mul(*factors), *indices))


class SecondDifferential(sp.Expr):
    """``d²f[U, V]``: the second differential of the function in the directions U and V."""

    is_commutative = True

    def __new__(cls, U, V):
        return sp.Expr.__new__(cls, U, V)


class Inner(sp.Expr):
    """``⟨A, B⟩ = tr(AᵀB)``."""

    is_commutative = True

    def __new__(cls, a, b):
        return sp.Expr.__new__(cls, a, b)
