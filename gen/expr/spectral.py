"""Spectral functions and the Cholesky factor: their IR nodes, lowering and printing.

Eigenvalues of a symmetric matrix (``lambda_max``, ``lambda_min``, ``eig(X, k)``, the k-th
smallest) and their unit eigenvectors; the largest singular value ``sigma_max`` and its singular
vectors ``svd_u``, ``svd_v``; the nuclear norm and the orthogonal polar factor ``U Vᵀ``; the
Cholesky factor and Murray's ``Φ`` (``tril_half``, the lower triangle with half the diagonal).

None of them is analytic for the complex step (numpy's eigh, svd and cholesky of a complex
matrix compute something else): each node says so, and the verifier differentiates through
them by central differences. The numbers (numpy) are in ``gen.verify.spectral``.
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import MatrixExpr

MAX, MIN = -1, 1  # the index of the largest and of the smallest eigenvalue (1 is the smallest)


class _Spectral:
    """A node of one matrix argument ``arg`` (then an index, for eigenvalues)."""

    analytic = False  # the complex step does not apply: central differences

    def _sympystr(self, printer) -> str:  # messages name the node as the grammar writes it
        from .printers import text

        return text(self)

    @property
    def arg(self):
        return self.args[0]


class _Indexed(_Spectral):
    @property
    def k(self) -> int:
        """1 for the smallest eigenvalue, 2 the next, …; -1 (``MAX``) for the largest."""
        return int(self.args[1])


class Eigenvalue(_Indexed, sp.Expr):
    """``λ_k(X)`` of a symmetric matrix, counted from the smallest (``λ_max`` when k = -1)."""

    is_commutative = True
    is_real = True

    def __new__(cls, X, k):
        return sp.Expr.__new__(cls, X, sp.Integer(k))


class Eigenvector(_Indexed, MatrixExpr):
    """``q_k(X)``, the unit eigenvector of ``λ_k(X)`` (its sign does not matter in ``q qᵀ``)."""

    is_commutative = False

    def __new__(cls, X, k):
        return sp.Basic.__new__(cls, X, sp.Integer(k))

    @property
    def shape(self):
        return self.arg.shape[0], sp.Integer(1)


class SingularValue(_Spectral, sp.Expr):
    """``σ_max(X) = ‖X‖₂``, the largest singular value."""

    is_commutative = True
    is_real = True

    def __new__(cls, X):
        return sp.Expr.__new__(cls, X)


class Nuclear(_Spectral, sp.Expr):
    """``‖X‖_*``, the sum of the singular values."""

    is_commutative = True
    is_real = True

    def __new__(cls, X):
        return sp.Expr.__new__(cls, X)


class _MatrixOf(_Spectral, MatrixExpr):
    is_commutative = False

    def __new__(cls, X):
        return sp.Basic.__new__(cls, X)


class LeftSingular(_MatrixOf):
    """``u₁(X)``, the left singular vector of ``σ_max`` (``X v₁ = σ_max u₁``)."""

    @property
    def shape(self):
        return self.arg.shape[0], sp.Integer(1)


class RightSingular(_MatrixOf):
    """``v₁(X)``, the right singular vector of ``σ_max`` (``Xᵀ u₁ = σ_max v₁``)."""

    @property
    def shape(self):
        return self.arg.shape[1], sp.Integer(1)


class Polar(_MatrixOf):
    """``U Vᵀ`` from the thin SVD ``X = U Σ Vᵀ`` of a full-rank X: the orthogonal polar factor."""

    @property
    def shape(self):
        return self.arg.shape


class Cholesky(_MatrixOf):
    """``L``, lower triangular with a positive diagonal, ``X = L Lᵀ`` for an spd X."""

    @property
    def shape(self):
        return self.arg.shape


class TrilHalf(_MatrixOf):
    """``Φ(F)``: the lower triangle of F with half its diagonal (a linear map, analytic)."""

    analytic = True

    @property
    def shape(self):
        return self.arg.shape


SYMMETRIC_ARGUMENT = (Eigenvalue, Eigenvector, Cholesky)  # defined for a symmetric argument only


# --- lowering: the parser's ``call_<lowering>`` methods ----------------------------


class SpectralLowering:
    """Mixed into the lowering (``gen.expr.lower``): one method per row's ``lowering``."""

    def call_eigenvalue_max(self, node, X):
        return Eigenvalue(self.square(X, node), MAX)

    def call_eigenvalue_min(self, node, X):
        return Eigenvalue(self.square(X, node), MIN)

    def call_eigenvalue(self, node, X, k):
        return Eigenvalue(self.square(X, node), self.index(node, X, k))

    def call_eigenvector_max(self, node, X):
        return Eigenvector(self.square(X, node), MAX)

    def call_eigenvector_min(self, node, X):
        return Eigenvector(self.square(X, node), MIN)

    def call_eigenvector(self, node, X, k):
        return Eigenvector(self.square(X, node), self.index(node, X, k))

    def call_singular_value(self, node, X):
        return SingularValue(self.matrix(X, node))

    def call_left_singular(self, node, X):
        return LeftSingular(self.matrix(X, node))

    def call_right_singular(self, node, X):
        return RightSingular(self.matrix(X, node))

    def call_nuclear(self, node, X):
        return Nuclear(self.matrix(X, node))

    def call_polar(self, node, X):
        return Polar(self.matrix(X, node))

    def call_cholesky(self, node, X):
        return Cholesky(self.square(X, node))

    def call_tril_half(self, node, X):
        return TrilHalf(self.square(X, node))

    def matrix(self, X, node):
        if not isinstance(X, MatrixExpr) or X.shape[1] == 1 or X.shape[0] == 1:
            what = "a number" if not isinstance(X, MatrixExpr) else "a vector"
            raise self.error(f"{node.name}() takes a matrix, not {what}", node.pos)
        return X

    def square(self, X, node):
        self.require_square(self.matrix(X, node), f"take {node.name}() of {{}}", node.pos)
        return X

    def index(self, node, X, k) -> int:
        """k in ``eig(X, k)``: a positive integer, at most the size of X when that is a number."""
        if not (k.is_Integer and k > 0):
            message = f"the index of {node.name}(X, k) is a positive integer (1 is the smallest eigenvalue)"
            raise self.error(message, node.args[1].pos)
        if X.shape[0].is_Integer and k > X.shape[0]:
            message = f"{node.name}() asks for eigenvalue {k} of a matrix with {X.shape[0]}"
            raise self.error(message, node.args[1].pos)
        return int(k)


# --- printing: mixed into the grammar, numpy and LaTeX printers -------------------

GRAMMAR_NAMES = {
    Eigenvalue: ("lambda_max", "lambda_min", "eig"),
    Eigenvector: ("eigvec_max", "eigvec_min", "eigvec"),
}
GRAMMAR = {
    SingularValue: "sigma_max",
    LeftSingular: "svd_u",
    RightSingular: "svd_v",
    Nuclear: "nuclear",
    Polar: "polar",
    Cholesky: "chol",
    TrilHalf: "tril_half",
}


def grammar_name(e) -> tuple[str, tuple]:
    """The grammar's function name and extra arguments: ``lambda_max``, or ``eig`` and (k,)."""
    if type(e) in GRAMMAR:
        return GRAMMAR[type(e)], ()
    largest, smallest, indexed = GRAMMAR_NAMES[type(e)]
    return {MAX: (largest, ()), MIN: (smallest, ())}.get(e.k, (indexed, (e.k,)))


class SpectralGrammar:
    def _print_spectral(self, e):
        name, extra = grammar_name(e)
        return f"{name}({', '.join([self.print(e.arg), *map(str, extra)])})", 5  # ATOM

    _print_Eigenvalue = _print_Eigenvector = _print_SingularValue = _print_spectral
    _print_LeftSingular = _print_RightSingular = _print_Nuclear = _print_spectral
    _print_Polar = _print_Cholesky = _print_TrilHalf = _print_spectral


def eigen_index(k: int) -> str:
    """numpy's index into eigh's ascending eigenvalues."""
    return "-1" if k == MAX else str(k - 1)


NUMPY = {
    Eigenvalue: lambda a, e: f"np.linalg.eigvalsh({a})[{eigen_index(e.k)}]",
    Eigenvector: lambda a, e: f"np.linalg.eigh({a})[1][:, [{eigen_index(e.k)}]]",
    SingularValue: lambda a, e: f"np.linalg.norm({a}, 2)",
    LeftSingular: lambda a, e: f"np.linalg.svd({a})[0][:, [0]]",
    RightSingular: lambda a, e: f"np.linalg.svd({a})[2][[0], :].T",
    Nuclear: lambda a, e: f"np.linalg.norm({a}, 'nuc')",
    Polar: lambda a, e: f"(lambda U, s, Vt: U @ Vt)(*np.linalg.svd({a}, full_matrices=False))",
    Cholesky: lambda a, e: f"np.linalg.cholesky({a})",
    TrilHalf: lambda a, e: f"(np.tril({a}) - np.diag(np.diag({a})) / 2)",
}


class SpectralNumpy:
    """numpy source. A singular or eigenvector's sign is LAPACK's, which no result depends on:
    they come in ``q qᵀ`` or in ``u vᵀ`` from one call."""

    def _print_spectral(self, e):
        return NUMPY[type(e)](self.print(e.arg), e), 5  # ATOM (a product is parenthesised above)

    _print_Eigenvalue = _print_Eigenvector = _print_SingularValue = _print_spectral
    _print_LeftSingular = _print_RightSingular = _print_Nuclear = _print_spectral
    _print_Polar = _print_Cholesky = _print_TrilHalf = _print_spectral


def eigen_subscript(k: int) -> str:
    return {MAX: r"\max", MIN: r"\min"}.get(k, str(k))


LATEX = {
    Eigenvalue: lambda e: rf"\lambda_{{{eigen_subscript(e.k)}}}",
    Eigenvector: lambda e: rf"q_{{{eigen_subscript(e.k)}}}",
    SingularValue: lambda e: r"\sigma_{\max}",
    LeftSingular: lambda e: "u_{1}",
    RightSingular: lambda e: "v_{1}",
    Polar: lambda e: r"\operatorname{polar}",
    Cholesky: lambda e: r"\operatorname{chol}",
    TrilHalf: lambda e: r"\Phi",
}


class SpectralLatex:
    def _print_spectral(self, e):
        arg = self.print(e.arg)
        return f"{LATEX[type(e)](e)}({arg})", 4  # ATOM

    _print_Eigenvalue = _print_Eigenvector = _print_SingularValue = _print_spectral
    _print_LeftSingular = _print_RightSingular = _print_spectral
    _print_Polar = _print_Cholesky = _print_TrilHalf = _print_spectral

    def _print_Nuclear(self, e):
        return rf"\lVert {self.print(e.arg)}\rVert_{{*}}", 4


NOTATION = {
    Eigenvalue: r"$\lambda_{k}(X)$ is the $k$-th smallest eigenvalue of the symmetric matrix $X$",
    Eigenvector: r"$q_{k}(X)$ its unit eigenvector",
    SingularValue: r"$\sigma_{\max}(X) = \lVert X\rVert_{2}$ the largest singular value of $X$",
    LeftSingular: r"$u_{1}(X)$, $v_{1}(X)$ its unit singular vectors ($X v_{1} = \sigma_{\max} u_{1}$)",
    Polar: r"$\operatorname{polar}(X) = UV^{\top}$ for the thin SVD $X = U\Sigma V^{\top}$",
    Nuclear: r"$\lVert X\rVert_{*}$ the nuclear norm, the sum of the singular values",
    Cholesky: r"$\operatorname{chol}(X)$ the Cholesky factor $L$, lower triangular, $X = LL^{\top}$",
    TrilHalf: r"$\Phi(A)$ the lower triangle of $A$ with half its diagonal",
}
