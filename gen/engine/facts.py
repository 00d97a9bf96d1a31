"""What the engine knows of the symbols, from their assumptions, and the rules that use it.

Every simplification receives one frozenset of facts: the symbols declared symmetric (members
themselves) and ``(fact, symbol)`` pairs for the facts of ``FACTS``: the entries of a
probability or one-hot vector sum to 1, as do those of each row of such a matrix (one sample per
row); the entries of a binary or one-hot matrix are 0 or 1, so that ``M ∘ M = M``.
"""

from __future__ import annotations

import sympy as sp

from ..expr import ir
from .powers import summed_powers
from .registry import rule
from .walk import rebuild

UNIT_SUMS, BINARY = "unit sums", "binary"
FACTS = {  # assumption → the facts it gives the simplifier
    "probability": (UNIT_SUMS,),
    "onehot": (UNIT_SUMS, BINARY),
    "binary": (BINARY,),
    "nonnegative": (),
}
GOODFELLOW = "Goodfellow, Bengio & Courville, Deep Learning, §6.2.2.3"
SREBRO = "Srebro & Jaakkola, Weighted low-rank approximations, §2"


def known(spec, symbols: dict, change=None) -> frozenset:
    """The symmetric (or spd) matrices, and the facts that the other assumptions declare; with a
    change of variable ``Λ = Σ⁻¹``, Λ is symmetric when Σ is (the inverse of a symmetric matrix is)."""
    symmetric = {symbols[s.name] for s in spec.symbols if {"symmetric", "spd"} & set(s.assume) and s.shape}
    if change is not None and change.old in symmetric:
        symmetric.add(change.new)
    pairs = {(fact, symbols[s.name]) for s in spec.symbols for a in s.assume for fact in FACTS.get(a, ())}
    return frozenset(symmetric | pairs)


def having(facts, fact: str) -> set:
    """The symbols of which ``fact`` is known."""
    return {pair[1] for pair in facts if isinstance(pair, tuple) and pair[0] == fact}


@rule(
    "sums to one",
    r"\mathbf{1}^{\top}y = 1,\ Y\mathbf{1} = \mathbf{1}",
    GOODFELLOW,
)
def unit_sums(e, facts=frozenset()):
    """The entries of a probability (or one-hot) vector sum to 1, and so do those of each row of a
    probability matrix: ``1ᵀy = yᵀ1 = 1``, ``Y1 = 1``, ``1ᵀYᵀ = 1ᵀ``; ones then multiply out."""

    summed = having(facts, UNIT_SUMS)

    def visit(node):
        if isinstance(node, sp.Trace) and is_unit(ir.mul(*ir.coeff_and_factors(node.arg)[1])):
            return ir.coeff_and_factors(node.arg)[0]  # tr(c 1) of a 1×1 one is c
        if not isinstance(node, sp.MatMul):
            return node
        coeff, factors = ir.coeff_and_factors(node)
        merged: list = []
        for f in factors:
            merged.append(f)
            while len(merged) > 1 and (pair := ones_of(merged[-2], merged[-1], summed)) is not None:
                coeff *= pair[0]
                merged[-2:] = [pair[1]]
        if len(merged) > 1:  # a 1×1 one between other factors is the number 1
            merged = [f for f in merged if not is_unit(f)] or merged[:1]
        return ir.mul(coeff, *merged)

    return rebuild(e, visit)


def ones_of(left, right, summed):
    """``(c, 1)`` if ``left right`` is ``c`` times a matrix of ones, else None."""
    ones = sp.OneMatrix
    if isinstance(left, ones) and right in summed and right.shape[1] == 1:  # 1ᵀy = 1
        return 1, ones(left.shape[0], 1)
    if isinstance(right, ones) and transposed_symbol(left) in summed and left.shape[0] == 1:  # yᵀ1 = 1
        return 1, ones(1, right.shape[1])
    if isinstance(right, ones) and left in summed and left.shape[1] != 1:  # Y1 = 1
        return 1, ones(left.shape[0], right.shape[1])
    if isinstance(left, ones) and transposed_symbol(right) in summed and right.shape[0] != 1:  # 1ᵀYᵀ = 1ᵀ
        return 1, ones(left.shape[0], right.shape[1])
    return None


def transposed_symbol(e):
    return e.arg if isinstance(e, sp.Transpose) else None


def is_unit(f) -> bool:
    return isinstance(f, sp.OneMatrix) and f.shape == (1, 1)


@rule("binary entries", r"M \circ M = M^{\circ k} = M\ (M_{ij} \in \{0, 1\})", SREBRO)
def binary_entries(e, facts=frozenset()):
    """An entry that is 0 or 1 is its own square: a binary (or one-hot) matrix, or its transpose, is
    its own entrywise power ``M^{∘k}`` (k a positive integer), so ``M ∘ M ∘ A = M ∘ A``."""

    binary = having(facts, BINARY)

    def idempotent(base, k) -> bool:
        return (base in binary or transposed_symbol(base) in binary) and sp.S(k).is_integer and k > 0

    def visit(node):
        if not isinstance(node, (sp.HadamardProduct, sp.HadamardPower)):
            return node
        coeff, powers = summed_powers(node)
        if not any(idempotent(base, k) and k != 1 for base, k in powers.items()):
            return node
        kept = [b if idempotent(b, k) or k == 1 else sp.HadamardPower(b, k) for b, k in powers.items()]
        return ir.mul(coeff, ir.hadamard(*kept))

    return rebuild(e, visit)
