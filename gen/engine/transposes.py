"""Transposes: pushed inward to the symbols, out of entrywise functions, and dropped from what is
symmetric."""

from __future__ import annotations

import sympy as sp

from ..expr import ir
from .registry import COOKBOOK, rule
from .walk import rebuild


@rule(
    "transpose of a product",
    r"(AB)^{\top} = B^{\top}A^{\top},\ (A^{-1})^{\top} = A^{-\top},\ (X^{\top}X)^{\top} = X^{\top}X",
    COOKBOOK,
)
def push_transposes(e, symmetric=frozenset()):
    """Transposes move inward to the symbols (not into an entrywise function: φ(F)ᵀ stays); a symmetric
    matrix is its own transpose."""

    def visit(node):
        return transposed(node.arg, symmetric) if isinstance(node, sp.Transpose) else node

    return rebuild(e, visit)


@rule("transpose of an entrywise function", r"\varphi(F^{\top}) = \varphi(F)^{\top}", COOKBOOK)
def transposes_out(e, symmetric=frozenset()):
    """An entrywise function of a transpose, or of a row, is the transpose of the function of the
    column, as a textbook writes it: ``tanh((Wx + b)ᵀ) = tanh(Wx + b)ᵀ``."""

    def visit(node):
        if isinstance(node, ir.Elementwise) and transposed_argument(node.arg):
            return sp.Transpose(ir.Elementwise(node.name, transposed(node.arg, symmetric), *node.params))
        return node

    return rebuild(e, visit)


def transposed(e, symmetric):
    """``eᵀ`` with the transpose pushed as far in as it goes."""
    if not ir.is_matrix(e):
        return e
    if isinstance(e, sp.MatAdd):
        if e.shape[1] == 1 and e.shape[0] != 1:  # a row (x - μ)ᵀ reads better than xᵀ - μᵀ
            return sp.Transpose(e)
        return ir.add(*(transposed(t, symmetric) for t in e.args))
    if isinstance(e, sp.MatMul):
        coeff, factors = ir.coeff_and_factors(e)
        return ir.mul(coeff, *(transposed(f, symmetric) for f in reversed(factors)))
    if isinstance(e, sp.Transpose):
        return e.arg
    if isinstance(e, sp.Identity):
        return e
    if isinstance(e, (sp.ZeroMatrix, sp.OneMatrix)):
        return e.func(e.shape[1], e.shape[0])
    if isinstance(e, sp.HadamardProduct):  # (A ∘ B)ᵀ = Aᵀ ∘ Bᵀ
        return ir.hadamard(*(transposed(a, symmetric) for a in e.args))
    if isinstance(e, sp.KroneckerProduct):  # (A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ
        return sp.KroneckerProduct(*(transposed(a, symmetric) for a in e.args))
    if isinstance(e, sp.HadamardPower):
        return sp.HadamardPower(transposed(e.base, symmetric), e.exp)
    if isinstance(e, ir.Diag) and e.of_vector:  # a diagonal matrix is symmetric
        return e
    if isinstance(e, ir.Elementwise):  # φ(F)ᵀ = φ(Fᵀ): written φ(F)ᵀ, a φ(Gᵀ) as φ(G)
        inner = transposed(e.arg, symmetric)
        if transposed_argument(e.arg) or inner == e.arg:
            return ir.Elementwise(e.name, inner, *e.params)
        return sp.Transpose(e)
    if isinstance(e, ir.Frechet):  # L_f(X, E)ᵀ = L_f(Xᵀ, Eᵀ), term by term of f's power series
        return ir.frechet(e.name, transposed(e.arg, symmetric), transposed(e.direction, symmetric))
    if is_symmetric(e, symmetric):
        return e
    return sp.Transpose(e)


def transposed_argument(F) -> bool:
    """Whether ``φ(F)`` reads better as ``φ(Fᵀ)ᵀ``: ``F`` is a transpose, or a row (a function of the
    column, transposed)."""
    return isinstance(F, sp.Transpose) or (F.shape[0] == 1 and F.shape[1] != 1)


def is_symmetric(e, symmetric) -> bool:
    """Symmetric symbols, their inverses and powers, and products that read the same backwards
    transposed (``XᵀX``, ``XᵀAX`` with ``A`` symmetric)."""
    if isinstance(e, (sp.Inverse, sp.MatPow)):
        return is_symmetric(e.args[0], symmetric)
    if isinstance(e, ir.MatrixFunction):  # f(X)ᵀ = f(Xᵀ)
        return is_symmetric(e.arg, symmetric)
    if isinstance(e, (sp.MatMul, sp.MatAdd)) and e.shape[0] == e.shape[1]:
        return transposed(e, symmetric) == e
    return e in symmetric
