"""The IR: SymPy matrix expressions, plus the differential node SymPy lacks, and tidy constructors.

The constructors (`mul`, `add`, `tr`, ...) only flatten and gather numeric
coefficients; they never apply an identity, so every rewrite that changes
meaning is a named rule with its own checked step.
The nodes only the directional and entrywise proofs write are in `gen.expr.proof_nodes`.
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import MatrixExpr

from .functions import FUNCTIONS


class Unary:
    """A node whose (first) argument is ``arg``."""

    @property
    def arg(self):
        return self.args[0]


class MatDiff(Unary, MatrixExpr):
    """The differential ``d(F)`` of a matrix expression (``dX`` when F is a variable)."""

    is_commutative = False

    def __new__(cls, arg):
        return sp.Basic.__new__(cls, arg)

    @property
    def shape(self):
        return self.args[0].shape


class Diff(Unary, sp.Expr):
    """The differential ``d(f)`` of a scalar expression."""

    is_commutative = True

    def __new__(cls, arg):
        return sp.Expr.__new__(cls, arg)


class _Named:
    """A node ``φ(F)``: the function's name, then its argument (then constant parameters, if any)."""

    @property
    def name(self) -> str:
        return self.args[0].name

    @property
    def arg(self):
        return self.args[1]

    @property
    def params(self) -> tuple:
        """The constant parameters after the argument: ``δ`` in ``huber(x, δ)``."""
        return self.args[2:]


class Elementwise(_Named, MatrixExpr):
    """``φ(F)``, a scalar function applied to each entry of a matrix or vector."""

    is_commutative = False

    def __new__(cls, name, F, *params):
        return sp.Basic.__new__(cls, sp.core.symbol.Str(str(name)), F, *map(sp.sympify, params))

    @property
    def shape(self):
        return self.arg.shape


class Softmax(Unary, MatrixExpr):
    """``softmax(z) = e^z / 1ᵀe^z`` of a vector: the parser writes it out, a result names it back."""

    is_commutative = False

    def __new__(cls, z):
        return sp.Basic.__new__(cls, z)

    @property
    def shape(self):
        return self.arg.shape


class RowSoftmax(Unary, MatrixExpr):
    """``softmax(Z)`` of a matrix, row by row: each row of ``Z`` goes to its softmax (Vaswani et al. 2017);
    the softmax of each column is ``softmax(Zᵀ)ᵀ``."""

    is_commutative = False

    def __new__(cls, Z):
        return sp.Basic.__new__(cls, Z)

    @property
    def shape(self):
        return self.arg.shape


class RowLogSumExp(Unary, MatrixExpr):
    """``logsumexp(Z)`` of a matrix, row by row: the column of ``log Σ_j e^{Z_ij}``, one entry per row."""

    is_commutative = False

    def __new__(cls, Z):
        return sp.Basic.__new__(cls, Z)

    @property
    def shape(self):
        return self.arg.shape[0], sp.Integer(1)


class ScalarFunction(_Named, sp.Expr):
    """``φ(f)`` for a number ``f``, with ``φ`` one of the elementwise functions (sin, sigmoid, …)."""

    is_commutative = True

    def __new__(cls, name, f, *params):
        return sp.Expr.__new__(cls, sp.core.symbol.Str(str(name)), f, *map(sp.sympify, params))


class _LinearMap(Unary, MatrixExpr):
    """A linear function of one matrix argument."""

    is_commutative = False

    def __new__(cls, F):
        return sp.Basic.__new__(cls, F)


class Diag(_LinearMap):
    """``diag(x)``, the diagonal matrix of a vector; ``diag(X)``, the diagonal of a square matrix."""

    @property
    def of_vector(self) -> bool:
        return self.arg.shape[1] == 1

    @property
    def shape(self):
        n = self.arg.shape[0]
        return (n, n) if self.of_vector else (n, sp.Integer(1))


class Vec(_LinearMap):
    """``vec(X)``: the columns of ``X`` stacked into one vector."""

    @property
    def shape(self):
        return self.arg.shape[0] * self.arg.shape[1], sp.Integer(1)


class Unvec(MatrixExpr):
    """``vec⁻¹(v)``: a vector cut into the columns of a ``rows × cols`` matrix."""

    is_commutative = False

    def __new__(cls, v, rows, cols):
        return sp.Basic.__new__(cls, v, sp.sympify(rows), sp.sympify(cols))

    @property
    def arg(self):
        return self.args[0]

    @property
    def shape(self):
        return self.args[1], self.args[2]


class Commutation(MatrixExpr):
    """``K_{mn}``, the commutation matrix: ``K_{mn} vec(A) = vec(Aᵀ)`` for an m×n matrix ``A``."""

    is_commutative = False

    def __new__(cls, rows, cols):
        return sp.Basic.__new__(cls, sp.sympify(rows), sp.sympify(cols))

    @property
    def shape(self):
        size = self.args[0] * self.args[1]
        return size, size


def vec(F):
    """``vec(F)``; a vector is its own vec."""
    return F if F.shape[1] == 1 else Vec(F)


def kron(*factors):
    """``A ⊗ B ⊗ …`` without identities of size 1; a product of identities is the identity."""
    kept = [f for f in factors if not (isinstance(f, sp.Identity) and f.shape == (1, 1))]
    if all(isinstance(f, sp.Identity) for f in kept):
        return sp.Identity(sp.Mul(*(f.shape[0] for f in kept)))
    return kept[0] if len(kept) == 1 else sp.KroneckerProduct(*kept)


def commutation(rows, cols):
    """``K_{mn}``; the identity when either size is 1 (``vec(xᵀ) = x``)."""
    return sp.Identity(rows * cols) if 1 in (rows, cols) else Commutation(rows, cols)


def entry_sum(x):
    """``1ᵀ X 1``, the sum of the entries, as a number (ones only on the sides longer than 1)."""
    rows, cols = x.shape
    return scalar(mul(*(ones(1, rows),) * (rows != 1), x, *(ones(cols, 1),) * (cols != 1)))


def apply(name: str, F, *params):
    """``φ(F)``: entry by entry for a matrix, plainly for a number (SymPy's own ``exp`` if it has one);
    a piecewise function's constant parameters follow the argument."""
    if is_matrix(F):
        return Elementwise(name, F, *params)
    native = FUNCTIONS[name].sympy
    return getattr(sp, native)(F) if native else ScalarFunction(name, F, *params)


def one_like(F):
    """1, or the all-ones matrix of ``F``'s shape."""
    return sp.OneMatrix(*F.shape) if is_matrix(F) else sp.Integer(1)


def entrywise_power(F, k):
    """``F^k`` for a number, ``F^{∘k}`` entry by entry for a matrix."""
    if not is_matrix(F):
        return sp.Pow(F, k)
    return F if k == 1 else one_like(F) if k == 0 else sp.HadamardPower(F, k)


def entrywise_product(A, B):
    """``A B`` for numbers, ``A ∘ B`` for matrices."""
    return hadamard(A, B) if is_matrix(A) else mul(A, B)


def rational(p: int, q: int):
    return sp.Rational(p, q)


def hadamard(*factors):
    """The entrywise product, flattened (a single factor is itself)."""
    flat = []
    for f in factors:
        flat.extend(f.args if isinstance(f, sp.HadamardProduct) else (f,))
    return flat[0] if len(flat) == 1 else sp.HadamardProduct(*flat)


def ones(rows, cols):
    return sp.OneMatrix(rows, cols)


class Norm(sp.Expr):
    """``‖F‖``: Euclidean for a vector, Frobenius for a matrix."""

    is_commutative = True
    is_real = True

    def __new__(cls, arg):
        return sp.Expr.__new__(cls, arg)

    @property
    def arg(self):
        return self.args[0]


def is_matrix(e) -> bool:
    return isinstance(e, MatrixExpr)


def shape(e) -> tuple:
    """``(rows, cols)`` of a matrix expression; ``()`` for a scalar."""
    return tuple(e.shape) if is_matrix(e) else ()


def is_one_by_one(e) -> bool:
    return is_matrix(e) and e.shape == (1, 1)


def is_vector(e) -> bool:
    """A row or a column, not 1×1."""
    return is_matrix(e) and 1 in e.shape and e.shape != (1, 1)


def scalar(e):
    """A 1×1 matrix used as a number: its trace, which equals it (printed without ``tr``).

    A numeric coefficient stays outside: ``-yᵀx`` is ``-tr(yᵀx)``.
    """
    if not is_one_by_one(e):
        return e
    coeff, factors = coeff_and_factors(e)
    number, rest = coeff.as_coeff_Mul()
    return mul(number, sp.Trace(mul(rest, *factors)))


def rewrite_differentials(e, rewrite):
    """``e`` with every ``d(F)`` replaced by ``rewrite(F)``."""
    nodes = {n for n in sp.preorder_traversal(e) if isinstance(n, (MatDiff, Diff))}
    return e.xreplace({n: rewrite(n.arg) for n in nodes}) if nodes else e


def d(e):
    """The differential of any expression."""
    return MatDiff(e) if is_matrix(e) else Diff(e)


def zero_like(e):
    return sp.ZeroMatrix(*e.shape) if is_matrix(e) else sp.Integer(0)


def is_zero(e) -> bool:
    return isinstance(e, sp.ZeroMatrix) or e == 0


def depends_on(e, variables) -> bool:
    """Whether ``e`` mentions any of ``variables`` (MatrixSymbols or Symbols)."""
    return any(e.has(v) for v in variables)


def mul(*factors):
    """The product, flattened, with numeric and scalar factors gathered in front."""
    scalars, matrices = [], []
    for f in factors:
        parts = f.args if isinstance(f, (sp.MatMul, sp.Mul)) else (f,)
        for p in parts:
            (matrices if is_matrix(p) else scalars).append(p)
    coeff = sp.Mul(*scalars)
    if any(is_zero(m) for m in matrices) or coeff == 0:
        if matrices:
            return sp.ZeroMatrix(matrices[0].shape[0], matrices[-1].shape[1])
        return sp.Integer(0)
    if not matrices:
        return coeff
    matrices = [m for m in matrices if not isinstance(m, sp.Identity)] or matrices[:1]
    if coeff == 1 and len(matrices) == 1:
        return matrices[0]
    args = matrices if coeff == 1 else [coeff, *matrices]
    return sp.MatMul(*args)


def add(*terms):
    """The sum, flattened, without zero terms."""
    flat = []
    for t in terms:
        flat.extend(t.args if isinstance(t, (sp.MatAdd, sp.Add)) else (t,))
    kept = [t for t in flat if not is_zero(t)]
    if not kept:
        return zero_like(terms[0]) if terms else sp.Integer(0)
    if len(kept) == 1:
        return kept[0]
    if any(is_matrix(t) for t in kept) and not all(is_matrix(t) for t in kept):
        kept = [scalar(t) for t in kept]  # numbers and 1×1 products: all numbers
    return sp.MatAdd(*kept) if is_matrix(kept[0]) else sp.Add(*kept)


def neg(e):
    return mul(sp.Integer(-1), e)


def tr(e):
    """The trace; the trace of a scalar is the scalar."""
    return sp.Trace(e) if is_matrix(e) else e


def coeff_and_factors(e) -> tuple:
    """Split a product into its scalar coefficient and its matrix factors."""
    if isinstance(e, sp.MatMul):
        scalars = [a for a in e.args if not is_matrix(a)]
        return sp.Mul(*scalars), tuple(a for a in e.args if is_matrix(a))
    if is_matrix(e):
        return sp.Integer(1), (e,)
    return e, ()


def terms(e) -> tuple:
    """The summands of a sum (the expression itself otherwise)."""
    return tuple(e.args) if isinstance(e, (sp.MatAdd, sp.Add)) else (e,)


def transpose_of(e):
    """``eᵀ`` as a node, without pushing it inward (scalars are their own transpose)."""
    if not is_matrix(e) or isinstance(e, sp.Identity):
        return e
    if isinstance(e, sp.Transpose):
        return e.arg
    return sp.Transpose(e)


# --- the limit of a step (relation '->'; a difference quotient's in the directional proof) ---------


class MatLimit(Unary, MatrixExpr):
    """``lim_{t→0} expr``; with ``F, U`` it is the directional derivative ``D_U F``, and printed so."""

    is_commutative = False

    def __new__(cls, expr, t, *of):
        return sp.Basic.__new__(cls, expr, t, *of)

    @property
    def shape(self):
        return self.args[0].shape


class Limit(Unary, sp.Expr):
    is_commutative = True

    def __new__(cls, expr, t, *of):
        return sp.Expr.__new__(cls, expr, t, *of)


def limit(e, t, *of):
    """``lim_{t→0} e``; ``of = (F, U)`` when ``e`` is the difference quotient of ``F`` along ``U``."""
    return MatLimit(e, t, *of) if is_matrix(e) else Limit(e, t, *of)


# --- matrix functions (Higham, Functions of Matrices) --------------------------------


class _Grammar:
    """Printed by ``sp.sstr`` (in an error message) as the spec grammar writes it."""

    def _sympystr(self, printer):
        from .printers import text

        return text(self)


class MatrixFunction(_Grammar, _Named, MatrixExpr):
    """``f(X)`` of a square matrix in the sense of Higham (``e^X``, ``log X``, ``X^{1/2}``): not entry
    by entry; it commutes with ``X`` and ``f(X)ᵀ = f(Xᵀ)``."""

    is_commutative = False

    def __new__(cls, name, F):
        return sp.Basic.__new__(cls, sp.core.symbol.Str(str(name)), F)

    @property
    def shape(self):
        return self.arg.shape


class Frechet(_Grammar, _Named, MatrixExpr):
    """``L_f(X, E)``, the Fréchet derivative of the matrix function ``f`` at ``X`` in the direction
    ``E``: linear in ``E``, and ``d f(X) = L_f(X, dX)``."""

    is_commutative = False

    def __new__(cls, name, X, E):
        return sp.Basic.__new__(cls, sp.core.symbol.Str(str(name)), X, E)

    @property
    def direction(self):
        return self.args[2]

    @property
    def shape(self):
        return self.arg.shape


class KroneckerForm(_Grammar, _Named, MatrixExpr):
    """``K_f(X)``, the n²×n² matrix of the Fréchet derivative: ``vec L_f(X, E) = K_f(X) vec E``."""

    is_commutative = False

    def __new__(cls, name, X):
        return sp.Basic.__new__(cls, sp.core.symbol.Str(str(name)), X)

    @property
    def shape(self):
        n = self.arg.shape[0]
        return n * n, n * n


def matrix_function(name: str, F):
    return MatrixFunction(name, F)


def frechet(name: str, X, E):
    """``L_f(X, E)``; zero in a zero direction."""
    return zero_like(X) if is_zero(E) else Frechet(name, X, E)


def inverse(F):
    return sp.Inverse(F)
