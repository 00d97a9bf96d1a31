"""Final simplification of a result: the short forms a textbook gives.

Each pass is a rule (``power``, ``transpose``, ``factor``) that rewrites the
whole expression; the engine records a checked step for every pass that
changed something. ``SIMPLIFICATIONS`` is their order; the rules on powers,
transposes, facts, products and forms live in their own modules.
"""

from __future__ import annotations

import sympy as sp

from ..expr import ir
from ..expr.functions import FUNCTIONS
from .facts import binary_entries, unit_sums
from .forms import (
    common_factors,
    entrywise_like_terms,
    named_quotients,
    partial_factors,
    scalar_fractions,
    traced_sums,
)
from .powers import entrywise_product, indicators, merge_powers, ones_product
from .products import multiplied_products
from .registry import COOKBOOK, HIGHAM, MAGNUS, rule
from .spectral import upper_triangular_phi
from .transposes import push_transposes, transposed, transposes_out
from .walk import merged_neighbours, rebuild


@rule("linearity of the trace", r"\operatorname{tr}(aA) = a\operatorname{tr}(A)", COOKBOOK)
def numbers_out_of_traces(e, symmetric=frozenset()):
    """Numbers come out of a trace."""

    def visit(node):
        if not isinstance(node, sp.Trace):
            return node
        if isinstance(node.arg, sp.Identity):  # tr(I) = n
            return node.arg.shape[0]
        coeff, factors = ir.coeff_and_factors(node.arg)
        return ir.mul(coeff, sp.Trace(ir.mul(*factors))) if coeff != 1 and factors else node

    return rebuild(e, visit)


@rule("sum of ones", r"\mathbf{1}_{m \times n}\mathbf{1}_{n \times p} = n\,\mathbf{1}_{m \times p}", COOKBOOK)
def sums_of_ones(e, symmetric=frozenset()):
    """A product of two matrices of ones sums n ones in each entry: ``1ᵀ1 = n``, a dimension printed as
    itself (``N``, not ``tr(ones(1, N)*ones(N))``); ``11ᵀ`` (n×1 by 1×n) stays as it is."""

    def visit(node):
        if not isinstance(node, sp.MatMul):
            return node
        coeff, factors = ir.coeff_and_factors(node)
        number, merged = merged_neighbours(
            factors, lambda a, b: ones_product(a, b) if b.shape[0] != 1 else None
        )
        if len(merged) == len(factors):
            return node
        return ir.mul(coeff * number, *merged)

    def trace(node):  # tr(c 1) of a 1×1 matrix of ones is c
        if not isinstance(node, sp.Trace):
            return node
        coeff, factors = ir.coeff_and_factors(node.arg)
        one_by_one = len(factors) == 1 and isinstance(factors[0], sp.OneMatrix) and factors[0].shape == (1, 1)
        return coeff if one_by_one else node

    return rebuild(rebuild(e, visit), trace)


@rule(
    "determinant of a Kronecker product",
    r"\det(A \otimes B) = \det(A)^{m} \det(B)^{n}\ (A\ n \times n,\ B\ m \times m)",
    "Magnus & Neudecker, Matrix Differential Calculus, ch. 2; The Matrix Cookbook, eq. (512)",
)
def kronecker_determinants(e, symmetric=frozenset()):
    """The determinant of a Kronecker product of square matrices is the product of their
    determinants, each to the power of the other factors' size."""

    def visit(node):
        if not isinstance(node, sp.Determinant) or not isinstance(node.arg, sp.KroneckerProduct):
            return node
        factors = node.arg.args
        if any(f.shape[0] != f.shape[1] for f in factors):
            return node
        size = ir.mul(*(f.shape[0] for f in factors))
        return ir.mul(*(sp.Pow(sp.Determinant(f), size / f.shape[0]) for f in factors))

    return rebuild(e, visit)


@rule(
    "diagonal of a product",
    r"\operatorname{diag}(ab^{\top}) = a \circ b,\ "
    r"\operatorname{diag}(\operatorname{diag}(a)B) = a \circ \operatorname{diag}(B),\ "
    r"\operatorname{diag}(\mathbf{1}) = I,\ "
    r"\mathbf{1}^{\top}\operatorname{diag}(a) = a^{\top}",
    COOKBOOK,
)
def diagonals(e, symmetric=frozenset()):
    """The diagonal of an outer product is the entrywise product, and of a product with a diagonal
    matrix in front the entrywise product with its vector; the matrix of ones' is I;
    summing the rows (or columns) of diag(a) gives back a."""

    def visit(node):
        if isinstance(node, sp.MatMul):
            return ir.mul(*summed_diagonals(node.args))
        if not isinstance(node, ir.Diag):
            return node
        if isinstance(node.arg, sp.OneMatrix) and node.of_vector:
            return sp.Identity(node.shape[0])
        coeff, factors = ir.coeff_and_factors(node.arg)
        if not node.of_vector and len(factors) > 1 and factors[0].shape[1] == 1:
            head, rest = factors[0], ir.mul(*factors[1:])
            return ir.mul(coeff, ir.hadamard(head, transposed(rest, symmetric)))
        if (
            not node.of_vector
            and len(factors) > 1
            and isinstance(factors[0], ir.Diag)
            and factors[0].of_vector
        ):
            return ir.mul(coeff, ir.hadamard(factors[0].arg, ir.Diag(ir.mul(*factors[1:]))))
        return node

    return rebuild(e, visit)


def summed_diagonals(factors) -> list:
    """``1ᵀ diag(a)`` becomes ``aᵀ`` and ``diag(a) 1`` becomes ``a``."""
    return merged_neighbours(factors, summed_diagonal)[1]


def summed_diagonal(last, f):
    if isinstance(f, ir.Diag) and f.of_vector and isinstance(last, sp.OneMatrix) and last.shape[0] == 1:
        return 1, transposed(f.arg, frozenset())
    if isinstance(f, sp.OneMatrix) and f.shape[1] == 1 and isinstance(last, ir.Diag) and last.of_vector:
        return 1, last.arg
    return None


@rule(
    "vec of a product",
    r"\operatorname{vec}^{-1}(\operatorname{vec}(A)) = A,\ "
    r"(B^{\top} \otimes A)\operatorname{vec}(X) = \operatorname{vec}(AXB)",
    MAGNUS,
)
def vecs(e, symmetric=frozenset()):
    """Unstacking undoes stacking; a Kronecker product acting on vec(X) is a product with X."""

    def unvec(v, rows, cols):
        if isinstance(v, sp.MatAdd):
            return ir.add(*(unvec(t, rows, cols) for t in v.args))
        coeff, factors = ir.coeff_and_factors(v)
        if len(factors) == 1 and isinstance(factors[0], ir.Vec) and factors[0].arg.shape == (rows, cols):
            return ir.mul(coeff, factors[0].arg)
        if (
            len(factors) == 2
            and isinstance(factors[0], sp.KroneckerProduct)
            and isinstance(factors[1], ir.Vec)
        ):
            (P, Q), Y = factors[0].args, factors[1].arg
            if len(factors[0].args) == 2 and (Q.shape[0], P.shape[0]) == (rows, cols):
                return ir.mul(coeff, Q, Y, transposed(P, symmetric))
        return ir.Unvec(v, rows, cols)

    return rebuild(e, lambda node: unvec(*node.args) if isinstance(node, ir.Unvec) else node)


@rule(
    "scaled rows",
    r"(a\mathbf{1}^{\top}) \circ B = \operatorname{diag}(a)\,B,\ "
    r"(\mathbf{1}a^{\top}) \circ B = B\operatorname{diag}(a)",
    COOKBOOK,
)
def scaled_rows(e, symmetric=frozenset()):
    """Multiplying entry by entry with a matrix of equal columns a 1ᵀ scales row i by a_i (and with
    equal rows 1 aᵀ, column j by a_j): (A 1) 1ᵀ ∘ B, the rows' sums of a softmax's rule, is diag(A 1) B."""
    return rebuild(e, lambda node: scale(node, symmetric) if isinstance(node, sp.HadamardProduct) else node)


def scale(node, symmetric):
    for i, f in enumerate(node.args):
        coeff, factors = ir.coeff_and_factors(f)
        rest = ir.hadamard(*node.args[:i], *node.args[i + 1 :])
        if len(factors) > 1 and isinstance(factors[-1], sp.OneMatrix) and factors[-1].shape[1] != 1:
            p = factors[-1].shape[0]
            a = ir.mul(*factors[:-1], *[ir.ones(p, 1)] * (p != 1))  # A 1ₚ 1ᵀ: a = A 1ₚ
            return ir.mul(coeff, ir.Diag(a), rest)
        if len(factors) > 1 and isinstance(factors[0], sp.OneMatrix) and factors[0].shape[0] != 1:
            q = factors[0].shape[1]
            a = transposed(
                ir.mul(*[ir.ones(1, q)] * (q != 1), *factors[1:]), symmetric
            )  # 1 1_qᵀ A: aᵀ = 1_qᵀ A
            return ir.mul(coeff, rest, ir.Diag(a))
    return node


# --- the softmax ------------------------------------------------------------------

BISHOP = "Bishop, Pattern Recognition and Machine Learning, §4.3.4"


@rule(
    "softmax definition",
    r"\frac{\exp(z)}{\mathbf{1}^{\top}\exp(z)} = \operatorname{softmax}(z)",
    BISHOP,
)
def softmaxes(e, symmetric=frozenset()):
    """``e^z / 1ᵀe^z`` is named back: ``e^z`` becomes ``(1ᵀe^z) softmax(z)``, kept if the sums cancel."""
    exps = {n for n in sp.preorder_traversal(e) if isinstance(n, ir.Elementwise) and n.name == "exp"}
    for E in sorted((n for n in exps if n.shape[1] == 1), key=sp.default_sort_key):
        total = sp.Dummy("total", positive=True)
        named = ir.mul(total, ir.Softmax(E.arg))
        sums = {ir.entry_sum(E): total, ir.entry_sum(sp.Transpose(E)): total}  # 1ᵀe^z = (e^z)ᵀ1
        candidate = rebuild(e.xreplace(sums), numbers_out)
        candidate = rebuild(candidate.xreplace({E: named}), numbers_out)
        if not candidate.has(total):
            e = candidate
    return e


def numbers_out(node):
    """A number comes out of a linear map: ``diag(a x) = a diag(x)``, ``(a x) ∘ y = a (x ∘ y)``,
    ``(a x)ᵀ = a xᵀ``."""
    if isinstance(node, (ir.Diag, ir.Vec, sp.Trace, sp.Transpose)):
        coeff, factors = ir.coeff_and_factors(node.arg)
        return ir.mul(coeff, node.func(ir.mul(*factors))) if coeff != 1 and factors else node
    if isinstance(node, sp.HadamardProduct):
        parts = [ir.coeff_and_factors(a) for a in node.args]
        return ir.mul(*(c for c, _ in parts), ir.hadamard(*(ir.mul(*fs) for _, fs in parts)))
    return node


# --- like terms and common factors ---------------------------------------------


@rule("factor", r"AB + AC = A(B + C),\ aA + bA = (a + b)A", COOKBOOK)
def factor(e, symmetric=frozenset()):
    """Like terms are collected and common factors taken out of sums."""
    return rebuild(e, lambda node: factor_sum(node) if isinstance(node, sp.MatAdd) else node)


def factor_sum(e):
    gathered: dict = {}
    for t in e.args:
        coeff, factors = ir.coeff_and_factors(t)
        gathered[factors] = gathered.get(factors, 0) + coeff
    terms = [(c, fs) for fs, c in gathered.items() if c != 0]
    if not terms:
        return sp.ZeroMatrix(*e.shape)
    if len(terms) == 1:
        return ir.mul(terms[0][0], *terms[0][1])
    common = shared_coefficient([c for c, _ in terms])
    terms = [(c / common, fs) for c, fs in terms]
    if all(fs and fs[0] == terms[0][1][0] for _, fs in terms):
        head = terms[0][1][0]
        rest = factor_sum(sp.MatAdd(*(ir.mul(c, *remainder(fs[1:], head, 0)) for c, fs in terms)))
        return ir.mul(common, head, rest)
    if all(fs and fs[-1] == terms[0][1][-1] for _, fs in terms):
        tail = terms[0][1][-1]
        rest = factor_sum(sp.MatAdd(*(ir.mul(c, *remainder(fs[:-1], tail, 1)) for c, fs in terms)))
        return ir.mul(common, rest, tail)
    return ir.mul(common, ir.add(*(ir.mul(c, *fs) for c, fs in terms)))


def remainder(factors, removed, side: int):
    """What is left of a product once its common factor is taken out (``I`` if nothing)."""
    size = removed.shape[1] if side == 0 else removed.shape[0]
    return factors or (sp.Identity(size),)


def shared_coefficient(coeffs):
    """A numeric factor common to every coefficient (``2`` in ``2A + 2B``, ``-1`` in ``-A - B``)."""
    numbers = [c.as_coeff_Mul()[0] for c in coeffs]
    if all(n == numbers[0] for n in numbers) and numbers[0] != 1:
        return numbers[0]
    if all(abs(n) == abs(numbers[0]) for n in numbers) and abs(numbers[0]) != 1:
        return abs(numbers[0])  # 2A - 2B = 2(A - B)
    if all(n < 0 for n in numbers):
        return sp.Integer(-1)
    return sp.Integer(1)


@rule("commuting direction", r"XE = EX \implies L_{f}(X, E) = f'(X)\,E", HIGHAM)
def commuting_direction(e, symmetric=frozenset()):
    """Along a direction E that commutes with X (a multiple of X's own factors, or I), every term
    X^j E X^(k-1-j) of the power series is X^(k-1) E: the Fréchet derivative is f'(X) E."""

    def visit(node):
        if not isinstance(node, ir.Frechet) or not commutes(node.arg, node.direction):
            return node
        return ir.mul(FUNCTIONS[node.name].matrix_derivative(ir, node.arg), node.direction)

    return rebuild(e, visit)


def commutes(X, E) -> bool:
    return isinstance(E, sp.Identity) or ir.coeff_and_factors(X)[1] == ir.coeff_and_factors(E)[1]


SIMPLIFICATIONS = (
    upper_triangular_phi,
    commuting_direction,
    merge_powers,
    push_transposes,
    transposes_out,
    softmaxes,
    diagonals,
    vecs,
    entrywise_product,
    binary_entries,
    unit_sums,
    indicators,
    scaled_rows,
    multiplied_products,
    sums_of_ones,
    numbers_out_of_traces,
    kronecker_determinants,
    scalar_fractions,
    named_quotients,
    entrywise_like_terms,
    traced_sums,
    common_factors,
    merge_powers,
    factor,
    partial_factors,
)
