"""Powers: adjacent powers of one matrix merge, entrywise powers of one base merge, and an indicator
(0 or 1 in every entry) is its own power."""

from __future__ import annotations

import sympy as sp

from ..expr import ir
from .registry import COOKBOOK, rule
from .walk import merged_neighbours, rebuild


def base_exponent(f):
    if isinstance(f, sp.Transpose):  # (X⁻²)ᵀ is (Xᵀ)⁻², and merges with Xᵀ
        base, k = base_exponent(f.arg)
        return sp.Transpose(base), k
    if isinstance(f, sp.Inverse):
        base, k = base_exponent(f.arg)
        return (base, -k) if isinstance(f.arg, sp.MatPow) else (f.arg, -1)
    if isinstance(f, sp.MatPow) and f.exp.is_Integer:  # (X⁻¹)² is X⁻²
        base, k = base_exponent(f.base)
        return base, k * int(f.exp)
    return f, 1


def matrix_power(base, k: int):
    if isinstance(base, sp.Transpose) and k != 0:  # (Xᵀ)ᵏ is written (Xᵏ)ᵀ
        return sp.Transpose(matrix_power(base.arg, k))
    if k == 0:
        return sp.Identity(base.shape[0])
    return base if k == 1 else sp.Inverse(base) if k == -1 else sp.MatPow(base, k)


@rule("merge powers", r"X^{a} X^{b} = X^{a+b}", COOKBOOK)
def merge_powers(e, symmetric=frozenset()):
    """Adjacent powers of the same matrix merge (``X⁻¹X⁻¹ = X⁻²``, ``XX⁻¹ = I``)."""

    def visit(node):
        if not isinstance(node, sp.MatMul):
            return node
        coeff, factors = ir.coeff_and_factors(node)
        _, merged = merged_neighbours([matrix_power(*base_exponent(f)) for f in factors], joined_powers)
        return ir.mul(coeff, *merged) if merged else ir.mul(coeff, sp.Identity(node.shape[0]))

    return rebuild(e, visit)


def joined_powers(a, b):
    """``X^a X^b = X^(a+b)``: two powers of one matrix, as ``merged_neighbours`` joins them."""
    (base, k), (other, m) = base_exponent(a), base_exponent(b)
    return (1, matrix_power(base, k + m)) if base == other else None


def ones_product(a, b):
    """``1_{m×n} 1_{n×p} = n 1_{m×p}``: two matrices of ones, as ``merged_neighbours`` joins them."""
    if isinstance(a, sp.OneMatrix) and isinstance(b, sp.OneMatrix):
        return a.shape[1], sp.OneMatrix(a.shape[0], b.shape[1])
    return None


# --- entrywise products ----------------------------------------------------------


@rule(
    "entrywise product",
    r"\mathbf{1} \circ A = A,\ A^{\circ a} \circ A^{\circ b} = A^{\circ (a+b)},"
    r"\ \mathbf{1}\mathbf{1}^{\top} = \mathbf{1}",
    COOKBOOK,
)
def entrywise_product(e, symmetric=frozenset()):
    """Ones are the unit of the entrywise product; entrywise powers of one base merge."""
    return rebuild(e, merge_entrywise)


def merge_entrywise(node):
    if isinstance(node, sp.MatMul):  # 𝟙 𝟙ᵀ is the matrix of ones (an inner product is a number)
        coeff, factors = ir.coeff_and_factors(node)
        _, merged = merged_neighbours(factors, lambda a, b: ones_product(a, b) if a.shape[1] == 1 else None)
        return ir.mul(coeff, *merged)
    if not isinstance(node, (sp.HadamardProduct, sp.HadamardPower)):
        return node
    coeff, powers = summed_powers(node)
    kept = [base if k == 1 else sp.HadamardPower(base, k) for base, k in powers.items() if k != 0]
    kept = [f for f in kept if not isinstance(f, sp.OneMatrix)]
    return ir.mul(coeff, ir.hadamard(*kept) if kept else sp.OneMatrix(*node.shape))


def summed_powers(node) -> tuple[object, dict]:
    """An entrywise product as a number and its bases' summed exponents: ``2 A ∘ B ∘ A`` is
    ``2, {A: 2, B: 1}``."""
    coeff, pairs = entrywise_powers(node)
    powers: dict = {}
    for base, k in pairs:
        powers[base] = powers.get(base, 0) + k
    return coeff, powers


def entrywise_powers(f) -> tuple:
    """``f`` as a number and ``(base, k)`` pairs: ``(cA ∘ B^{∘2})^{∘k}`` is ``c^k``; ``(A, k), (B, 2k)``."""
    if isinstance(f, sp.HadamardPower):
        coeff, pairs = entrywise_powers(f.base)
        return coeff**f.exp, [(b, f.exp * j) for b, j in pairs]
    if isinstance(f, sp.HadamardProduct):
        parts = [entrywise_powers(a) for a in f.args]
        return sp.Mul(*(c for c, _ in parts)), [pair for _, pairs in parts for pair in pairs]
    coeff, factors = ir.coeff_and_factors(f)
    if coeff != 1 and factors:  # (cA) ∘ B = c (A ∘ B), the number counted once
        inner, pairs = entrywise_powers(ir.mul(*factors))
        return coeff * inner, pairs
    return sp.Integer(1), [(f, 1)]


@rule(
    "indicator",
    r"\mathbb{I}[F > c] \circ \mathbb{I}[F > c] = \mathbb{I}[F > c]",
    "Goodfellow, Bengio & Courville, Deep Learning, §6.3.1",
)
def indicators(e, symmetric=frozenset()):
    """An indicator takes the values 0 and 1 only: its powers and its products with itself are itself."""
    return rebuild(e, idempotent)


def idempotent(node):
    power = isinstance(node, sp.HadamardPower) or type(node) is sp.Pow
    if power and is_indicator(node.base) and node.exp.is_positive:
        return node.base
    if not (isinstance(node, sp.HadamardProduct) or type(node) is sp.Mul):  # a MatMul does not commute
        return node
    seen: set = set()
    kept = [a for a in node.args if not (is_indicator(a) and (a in seen or seen.add(a)))]
    if len(kept) == len(node.args):
        return node
    return ir.hadamard(*kept) if isinstance(node, sp.HadamardProduct) else ir.mul(*kept)


def is_indicator(e) -> bool:
    return isinstance(e, (ir.Elementwise, ir.ScalarFunction)) and e.name == "step"
