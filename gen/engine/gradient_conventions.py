"""The gradient's conventions: the gradient within symmetric matrices (two conventions) and the
numerator layout, each applied to the gradient ``G`` once it is simplified."""

from __future__ import annotations

import sympy as sp

from ..expr import ir
from .registry import rule


@rule(
    "gradient within symmetric matrices",
    r"\nabla f = \tfrac{1}{2}(G + G^{\top})",
    "Srinivasan & Panda, What is the gradient of a scalar function of a symmetric matrix?",
)
def within_symmetric(G):
    """Df(X)[U] = <G, U> = <(G + Gᵀ)/2, U> for every symmetric U, and (G + Gᵀ)/2 is symmetric."""
    return ir.mul(sp.Rational(1, 2), ir.add(G, ir.transpose_of(G)))


@rule(
    "Cookbook symmetric gradient",
    r"\nabla f = G + G^{\top} - \operatorname{diag}(G)",
    "Petersen & Pedersen, The Matrix Cookbook, §2.8",
)
def cookbook_symmetric(G):
    """The partial derivatives with respect to the free entries X_ij = X_ji, i <= j."""
    return ir.add(G, ir.transpose_of(G), ir.neg(ir.Diag(ir.Diag(G))))


SYMMETRIC_GRADIENTS = {"sym": within_symmetric, "cookbook": cookbook_symmetric}


@rule(
    "numerator layout",
    r"\frac{\partial f}{\partial X} = (\nabla_X f)^{\top}",
    "Minka, Old and New Matrix Algebra Useful for Statistics (numerator layout)",
)
def numerator_layout(G):
    """In numerator layout the derivative of a number by an n×m matrix is m×n: the gradient transposed."""
    return ir.transpose_of(G)
