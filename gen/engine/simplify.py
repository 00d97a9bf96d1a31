"""Final simplification of a result: the short forms a textbook gives.

Each pass is a rule (``power``, ``transpose``, ``factor``) that rewrites the
whole expression; the engine records a checked step for every pass that
changed something.
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
from .products import multiplied_products
from .rules import COOKBOOK, HIGHAM, MAGNUS, rule
from .spectral import upper_triangular_phi


def rebuild(e, visit):
    """Apply ``visit`` bottom-up, re-normalising products and sums on the way."""
    if not e.args or isinstance(e, (sp.MatrixSymbol, sp.Identity, sp.ZeroMatrix, sp.Number)):
        return visit(e)
    args = [rebuild(a, visit) for a in e.args]
    if isinstance(e, (sp.MatMul, sp.Mul)):
        node = ir.mul(*args)
    elif isinstance(e, (sp.MatAdd, sp.Add)):
        node = ir.add(*args)
    elif isinstance(e, sp.Inverse):  # an Inverse's args are (X, -1)
        node = sp.Inverse(args[0])
    elif isinstance(e, sp.MatPow):
        node = sp.MatPow(*args)
    else:
        node = e.func(*args)
    return visit(node)


# --- powers -------------------------------------------------------------------


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


def merged_neighbours(factors, join) -> tuple[object, list]:
    """The factors of a product with each adjacent pair that ``join(left, right)`` merges replaced by
    its factor, and the product of the numbers it gives: ``join`` returns ``(number, factor)``, or
    None to keep the pair as it is."""
    number, merged = sp.Integer(1), []
    for f in factors:
        joined = join(merged[-1], f) if merged else None
        if joined is None:
            merged.append(f)
        else:
            k, merged[-1] = joined
            number *= k
    return number, merged


# --- transposes ---------------------------------------------------------------


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


# --- the gradient of a function of a symmetric matrix -----------------------------


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
