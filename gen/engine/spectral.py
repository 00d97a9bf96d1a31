"""What the engine knows of the spectral nodes' arguments: which are symmetric, which triangular.

Eigenvalues and the Cholesky factor are defined for symmetric matrices. An argument is
symmetric when its symbol is declared ``symmetric`` or ``spd``, or by construction: ``A + Aᵀ``,
``Aᵀ S A``, ``S⁻¹``, ``c S``, ``S ∘ T``, ``I``, ``diag(x)``… Anything else is refused at its
position: the engine would otherwise differentiate as if it were. A Cholesky factor is lower
triangular, so ``Φ`` of its transpose is half its diagonal (a simplification rule).
"""

from __future__ import annotations

import sympy as sp

from ..errors import SpecError
from ..expr import ir, spectral
from ..expr.lower import locate
from .registry import rule
from .rules import MURRAY
from .walk import rebuild


def symmetric(e, declared: frozenset) -> bool:
    """Whether ``e`` is symmetric whatever the values of its symbols (``declared`` are)."""
    if e in declared or isinstance(e, (sp.Identity, sp.ZeroMatrix)):
        return True
    if isinstance(e, sp.OneMatrix) or isinstance(e, ir.Diag) and e.of_vector:
        return e.shape[0] == e.shape[1]
    if isinstance(e, (sp.Transpose, sp.Inverse, ir.Elementwise)):
        return symmetric(e.arg, declared)
    if isinstance(e, (sp.MatPow, sp.HadamardPower)):
        return symmetric(e.base, declared)
    if isinstance(e, sp.MatAdd):
        return all(symmetric(a, declared) for a in e.args) or sum_of_transposes(e)
    if isinstance(e, (sp.HadamardProduct, sp.KroneckerProduct)):
        return all(symmetric(a, declared) for a in e.args)
    if not isinstance(e, sp.MatMul):
        return False
    return palindrome(ir.coeff_and_factors(e)[1], declared)


def palindrome(factors: tuple, declared: frozenset) -> bool:
    """``A B S Bᵀ Aᵀ`` with a symmetric middle (or none): its own transpose."""
    half, middle = divmod(len(factors), 2)
    mirrored = all(factors[-1 - i] == ir.transpose_of(factors[i]) for i in range(half))
    return mirrored and (not middle or symmetric(factors[half], declared))


def sum_of_transposes(e) -> bool:
    """``A + Aᵀ``: a sum whose terms are closed under transposition."""
    terms = list(e.args)
    return all(any(sp.Transpose(t).doit() == s.doit() for s in terms) for t in terms)


def require_symmetric(texts, symbols: dict, declared: frozenset) -> None:
    """Refuse, at its position, an eigenvalue or Cholesky factor of a matrix not known to be symmetric.

    ``texts`` pairs each source text with what it lowers to.
    """
    for source, expr in texts:
        for node in sp.preorder_traversal(expr) if expr is not None else ():
            if isinstance(node, spectral.SYMMETRIC_ARGUMENT) and not symmetric(node.arg, declared):
                name = spectral.grammar_name(node)[0]
                message = (
                    f"{name}() needs a symmetric matrix: declare its symbol symmetric or spd, "
                    "or write a symmetric expression such as A + A^T or A^T*A"
                )
                raise SpecError(message, locate(source, symbols, node))


OTHER_SIDE = {"lower": "upper", "upper": "lower"}


def triangular(e, side: str) -> bool:
    """Whether ``e`` is ``lower`` or ``upper`` triangular whatever its symbols' values: a Cholesky
    factor is lower, its transpose upper, and inverses, powers, products and sums keep the side."""
    if isinstance(e, (sp.Identity, sp.ZeroMatrix)) or isinstance(e, ir.Diag) and e.of_vector:
        return True
    if isinstance(e, (spectral.Cholesky, spectral.TrilHalf)):
        return side == "lower"
    if isinstance(e, sp.Transpose):
        return triangular(e.arg, OTHER_SIDE[side])
    if isinstance(e, (sp.Inverse, sp.MatPow)):
        return triangular(e.args[0], side)
    if isinstance(e, (sp.MatMul, sp.MatAdd)):
        return all(triangular(a, side) for a in e.args if ir.is_matrix(a))
    return False


@rule(
    "upper triangular Phi",
    r"\Phi(U) = \tfrac{1}{2}\operatorname{diag}(\operatorname{diag}(U)),\ "
    r"\operatorname{diag}(L^{\top}) = \operatorname{diag}(L)",
    MURRAY,
)
def upper_triangular_phi(e, symmetric=frozenset()):
    """Φ keeps the strict lower triangle, here zero, and halves the diagonal (Lᵀ has L's diagonal)."""

    def visit(node):
        if not (isinstance(node, spectral.TrilHalf) and triangular(node.arg, "upper")):
            return node
        U = node.arg.arg if isinstance(node.arg, sp.Transpose) else node.arg
        return ir.mul(sp.Rational(1, 2), ir.Diag(ir.Diag(U)))

    return rebuild(e, visit)
