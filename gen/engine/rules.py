"""The rules of the differential calculus.

A differential rule receives ``F`` from a node ``d(F)`` and returns what ``d(F)`` equals, or
``None`` if it does not apply; ``DIFFERENTIAL`` is their order (they register in `registry`).
"""

from __future__ import annotations

import sympy as sp

from ..errors import Unsupported
from ..expr import ir, spectral
from ..expr.functions import FUNCTIONS
from .registry import COOKBOOK, HIGHAM, MAGNUS, Rule, fact, rule

MAX_POWER = 1000  # d(F^k) is written as k terms: a larger integer power is refused (work counted)
DIFFERENTIAL: list[Rule] = []


def differential_rule(name, identity, reference=MAGNUS):
    return rule(name, identity, reference, DIFFERENTIAL)


# Each function's docstring is its identity in words; ``variables`` are the ``wrt`` symbols.


@differential_rule("constant", r"\mathrm{d}A = 0")
def constant(F, variables):
    """A constant has differential zero."""
    return None if ir.depends_on(F, variables) else ir.zero_like(F)


@differential_rule("linearity", r"\mathrm{d}(F + G) = \mathrm{d}F + \mathrm{d}G")
def linearity(F, variables):
    """The differential of a sum is the sum of the differentials (constant terms vanish)."""
    if not isinstance(F, (sp.MatAdd, sp.Add)):
        return None
    return ir.add(*(ir.d(t) for t in F.args if ir.depends_on(t, variables)))


@differential_rule("constant factor", r"\mathrm{d}(AFB) = A\,\mathrm{d}F\,B")
def constant_factor(F, variables):
    """Constant factors of a product stay put."""
    if not isinstance(F, (sp.MatMul, sp.Mul)):
        return None
    varying = [i for i, f in enumerate(F.args) if ir.depends_on(f, variables)]
    if len(varying) != 1:
        return None
    return ir.mul(*(ir.d(f) if i in varying else f for i, f in enumerate(F.args)))


@differential_rule("product", r"\mathrm{d}(FG) = \mathrm{d}F\,G + F\,\mathrm{d}G")
def product(F, variables):
    """Leibniz's rule, one term per varying factor."""
    return leibniz(F.args, variables, ir.mul) if isinstance(F, (sp.MatMul, sp.Mul)) else None


def leibniz(args, variables, combine):
    """The sum over the varying factors of the product with that factor's differential."""
    return ir.add(
        *(
            combine(*args[:i], ir.d(f), *args[i + 1 :])
            for i, f in enumerate(args)
            if ir.depends_on(f, variables)
        )
    )


@differential_rule("transpose", r"\mathrm{d}(F^{\top}) = (\mathrm{d}F)^{\top}")
def transpose(F, variables):
    """The differential commutes with transposition."""
    return sp.Transpose(ir.d(F.arg)) if isinstance(F, sp.Transpose) else None


@differential_rule(
    "Kronecker product",
    r"\mathrm{d}(F \otimes G) = \mathrm{d}F \otimes G + F \otimes \mathrm{d}G",
    COOKBOOK,
)
def kronecker_product(F, variables):
    """Leibniz's rule for the Kronecker product (it is bilinear)."""
    if not isinstance(F, sp.KroneckerProduct):
        return None
    return leibniz(F.args, variables, sp.KroneckerProduct)


@differential_rule("vec", r"\mathrm{d}\operatorname{vec}(F) = \operatorname{vec}(\mathrm{d}F)", MAGNUS)
def vec(F, variables):
    """Stacking columns is linear."""
    return ir.Vec(ir.d(F.arg)) if isinstance(F, ir.Vec) else None


@differential_rule(
    "diagonal", r"\mathrm{d}\operatorname{diag}(F) = \operatorname{diag}(\mathrm{d}F)", COOKBOOK
)
def diagonal(F, variables):
    """Taking a diagonal is linear."""
    return ir.Diag(ir.d(F.arg)) if isinstance(F, ir.Diag) else None


@differential_rule(
    "trace of a matrix function",
    r"\mathrm{d}\operatorname{tr}f(F) = \operatorname{tr}(f'(F)\,\mathrm{d}F)",
    HIGHAM,
)
def trace_of_matrix_function(F, variables):
    """The trace of each term X^j dX X^(k-1-j) of d X^k is tr(X^(k-1) dX): f' comes out, term by term
    of f's power series (so e^X' = e^X, (log X)' = X^-1, (X^1/2)' = 1/2 X^-1/2)."""
    if not (isinstance(F, sp.Trace) and isinstance(F.arg, ir.MatrixFunction)):
        return None
    f = F.arg
    return sp.Trace(ir.mul(FUNCTIONS[f.name].matrix_derivative(ir, f.arg), ir.d(f.arg)))


@differential_rule("trace", r"\mathrm{d}\operatorname{tr}(F) = \operatorname{tr}(\mathrm{d}F)")
def trace(F, variables):
    """The differential commutes with the trace."""
    return sp.Trace(ir.d(F.arg)) if isinstance(F, sp.Trace) else None


@differential_rule("inverse", r"\mathrm{d}(F^{-1}) = -F^{-1}\,\mathrm{d}F\,F^{-1}")
def inverse(F, variables):
    """Differentiate F F⁻¹ = I."""
    if not isinstance(F, sp.Inverse):
        return None
    return ir.mul(-1, F, ir.d(F.arg), F)


@differential_rule("log-determinant", r"\mathrm{d}\log\det(F) = \operatorname{tr}(F^{-1}\,\mathrm{d}F)")
def log_determinant(F, variables):
    """Jacobi's formula divided by det F."""
    if not (isinstance(F, sp.log) and isinstance(F.args[0], sp.Determinant)):
        return None
    M = F.args[0].arg
    return sp.Trace(ir.mul(sp.Inverse(M), ir.d(M)))


@differential_rule("determinant", r"\mathrm{d}\det(F) = \det(F)\operatorname{tr}(F^{-1}\,\mathrm{d}F)")
def determinant(F, variables):
    """Jacobi's formula."""
    if not isinstance(F, sp.Determinant):
        return None
    return ir.mul(F, sp.Trace(ir.mul(sp.Inverse(F.arg), ir.d(F.arg))))


@differential_rule("power", r"\mathrm{d}(F^{k}) = \textstyle\sum_{i=0}^{k-1} F^{i}\,\mathrm{d}F\,F^{k-1-i}")
def power(F, variables):
    """An integer power is a product of k equal factors; a negative power is an inverse."""
    if not isinstance(F, sp.MatPow):
        return None
    base, k = F.base, int(F.exp)
    if abs(k) > MAX_POWER:
        message = f"the power {k} is too large: d(F^k) is a sum of |k| terms, written out to {MAX_POWER}"
        raise Unsupported(message)
    if k < 0:
        return ir.mul(-1, F, ir.d(matrix_power(base, -k)), F)
    return ir.add(
        *(ir.mul(matrix_power(base, i), ir.d(base), matrix_power(base, k - 1 - i)) for i in range(k))
    )


def matrix_power(base, k: int):
    return sp.Identity(base.shape[0]) if k == 0 else base if k == 1 else sp.MatPow(base, k)


@differential_rule(
    "squared norm",
    r"\mathrm{d}\lVert F\rVert^{2} = 2\operatorname{tr}(F^{\top}\mathrm{d}F)",
    COOKBOOK,
)
def squared_norm(F, variables):
    """The squared norm is tr(FᵀF); differentiate the product."""
    if not (isinstance(F, sp.Pow) and isinstance(F.base, ir.Norm) and F.exp == 2):
        return None
    G = F.base.arg
    return ir.mul(2, sp.Trace(ir.mul(ir.transpose_of(G), ir.d(G))))


@differential_rule(
    "norm",
    r"\mathrm{d}\lVert F\rVert = \lVert F\rVert^{-1}\operatorname{tr}(F^{\top}\mathrm{d}F)",
    COOKBOOK,
)
def norm(F, variables):
    """The square root of the squared norm."""
    if not isinstance(F, ir.Norm):
        return None
    return ir.mul(sp.Pow(F, -1), sp.Trace(ir.mul(ir.transpose_of(F.arg), ir.d(F.arg))))


def row_sums(M):
    """``(M 1) 1ᵀ``: each row of ``M`` replaced by its sum, in every entry of the row."""
    rows, cols = M.shape
    return ir.mul(M, ir.ones(cols, 1), ir.ones(1, cols))


def derivative(F):
    """``φ'(F)``, entry by entry, from the function table."""
    return FUNCTIONS[F.name].derivative(ir, F.arg, *F.params)


@differential_rule(
    "log-softmax",
    r"\mathrm{d}\log^{\circ}s = \mathrm{d}f - \mathbf{1}s^{\top}\mathrm{d}f,\ s = \operatorname{softmax}(f)"
    r"\ \text{(of each row of a matrix)}",
    "Goodfellow, Bengio & Courville, Deep Learning, §6.2.2.3, row by row",
)
def log_softmax(F, variables):
    """Each row's log s = f − (log 1ᵀe^f) 1 has d log s = df − (sᵀdf) 1: the log-sum-exp's rule
    (a vector's softmax, met through a name ``p = softmax(z)``, is its one column's)."""
    if not (
        isinstance(F, ir.Elementwise) and F.name == "log" and isinstance(F.arg, (ir.RowSoftmax, ir.Softmax))
    ):
        return None
    S = F.arg
    dF = ir.d(S.arg)
    if isinstance(S, ir.Softmax):
        return ir.add(dF, ir.neg(ir.mul(ir.ones(S.shape[0], 1), ir.transpose_of(S), dF)))
    return ir.add(dF, ir.neg(row_sums(ir.hadamard(S, dF))))


@differential_rule("elementwise", r"\mathrm{d}\varphi(F) = \varphi'(F) \circ \mathrm{d}F", COOKBOOK)
def elementwise(F, variables):
    """The chain rule, entry by entry."""
    if not isinstance(F, ir.Elementwise):
        return None
    slope = derivative(F)  # 0 for a step function, off its kinks
    return ir.zero_like(F) if ir.is_zero(slope) else ir.hadamard(slope, ir.d(F.arg))


@differential_rule(
    "softmax",
    r"\mathrm{d}\operatorname{softmax}(f) = s \circ \mathrm{d}f - s\,s^{\top}\mathrm{d}f,"
    r"\ s = \operatorname{softmax}(f)",
    "Bishop, Pattern Recognition and Machine Learning, §4.3.4",
)
def softmax(F, variables):
    """The quotient rule for e^f / 1ᵀe^f, written with s itself."""
    if not isinstance(F, ir.Softmax):
        return None
    s, df = F, ir.d(F.arg)
    return ir.add(ir.hadamard(s, df), ir.neg(ir.mul(s, ir.transpose_of(s), df)))


ROW_BY_ROW = "Bishop, Pattern Recognition and Machine Learning, §4.3.4, row by row"  # Vaswani et al. 2017


@differential_rule(
    "row-wise softmax",
    r"\mathrm{d}S = S \circ (\mathrm{d}F - ((S \circ \mathrm{d}F)\mathbf{1})\mathbf{1}^{\top}),"
    r"\ S = \operatorname{softmax}(F)\ \text{row by row}",
    ROW_BY_ROW,
)
def row_softmax(F, variables):
    """Each row s = softmax(f) has ds = s ∘ df − s (sᵀdf): the vector rule, row by row."""
    if not isinstance(F, ir.RowSoftmax):
        return None
    S, dF = F, ir.d(F.arg)
    return ir.hadamard(S, ir.add(dF, ir.neg(row_sums(ir.hadamard(S, dF)))))


@differential_rule(
    "row-wise log-sum-exp",
    r"\mathrm{d}\operatorname{logsumexp}(F) = (S \circ \mathrm{d}F)\mathbf{1},"
    r"\ S = \operatorname{softmax}(F)\ \text{row by row}",
    "Boyd & Vandenberghe, Convex Optimization, §3.1.5, row by row",
)
def row_logsumexp(F, variables):
    """Each row's d log 1ᵀe^f = sᵀdf with s = softmax(f): the rows' sums of S ∘ dF."""
    if not isinstance(F, ir.RowLogSumExp):
        return None
    dF = ir.d(F.arg)
    return ir.mul(ir.hadamard(ir.RowSoftmax(F.arg), dF), ir.ones(dF.shape[1], 1))


@differential_rule("scalar function", r"\mathrm{d}\varphi(f) = \varphi'(f)\,\mathrm{d}f")
def scalar_function(F, variables):
    """The chain rule."""
    if not isinstance(F, ir.ScalarFunction):
        return None
    return ir.mul(derivative(F), ir.d(F.arg))


@differential_rule(
    "Hadamard product", r"\mathrm{d}(F \circ G) = \mathrm{d}F \circ G + F \circ \mathrm{d}G", COOKBOOK
)
def hadamard_product(F, variables):
    """Leibniz's rule for the entrywise product, one term per varying factor."""
    return leibniz(F.args, variables, ir.hadamard) if isinstance(F, sp.HadamardProduct) else None


@differential_rule(
    "Hadamard power", r"\mathrm{d}(F^{\circ k}) = k\,F^{\circ (k-1)} \circ \mathrm{d}F", COOKBOOK
)
def hadamard_power(F, variables):
    """The power rule, entry by entry (entrywise powers come from derivatives: second order)."""
    if not isinstance(F, sp.HadamardPower) or ir.depends_on(F.exp, variables):
        return None
    return ir.mul(F.exp, ir.hadamard(ir.entrywise_power(F.base, F.exp - 1), ir.d(F.base)))


@differential_rule("logarithm", r"\mathrm{d}\log f = f^{-1}\,\mathrm{d}f")
def logarithm(F, variables):
    """Chain rule with log' = 1/x."""
    if not isinstance(F, sp.log):
        return None
    return ir.mul(sp.Pow(F.args[0], -1), ir.d(F.args[0]))


@differential_rule("exponential", r"\mathrm{d}\exp f = \exp(f)\,\mathrm{d}f")
def exponential(F, variables):
    """Chain rule with exp' = exp."""
    return ir.mul(F, ir.d(F.args[0])) if isinstance(F, sp.exp) else None


@differential_rule("scalar power", r"\mathrm{d}(f^{p}) = p\,f^{p-1}\,\mathrm{d}f")
def scalar_power(F, variables):
    """Chain rule for a constant exponent."""
    if not isinstance(F, sp.Pow) or ir.depends_on(F.exp, variables):
        return None
    return ir.mul(F.exp, sp.Pow(F.base, F.exp - 1), ir.d(F.base))


@differential_rule(
    "variable exponent",
    r"\mathrm{d}(f^{g}) = f^{g}\,(\log f\,\mathrm{d}g + g\,f^{-1}\,\mathrm{d}f)",
    "Stewart, Calculus: Early Transcendentals, §3.6",
)
def variable_exponent(F, variables):
    """A power whose exponent varies, of a positive base: the differential of exp(g log f)
    (logarithmic differentiation)."""
    if not isinstance(F, sp.Pow) or not ir.depends_on(F.exp, variables):
        return None
    f, g = F.base, F.exp
    base = (ir.mul(g, sp.Pow(f, -1), ir.d(f)),) if ir.depends_on(f, variables) else ()  # 2^g: log 2 dg
    return ir.mul(F, ir.add(ir.mul(sp.log(f), ir.d(g)), *base))


# --- spectral functions and the Cholesky factor (gen/expr/spectral.py) ---------------

MURRAY = "Murray, Differentiation of the Cholesky decomposition, arXiv:1602.07527 (2016)"
MAGNUS_EIGEN = "Magnus & Neudecker, Matrix Differential Calculus, ch. 8 (eigenvalues and eigenvectors)"
NUCLEAR = "Watson, Characterization of the subdifferential of some matrix norms (1992)"


@differential_rule(
    "eigenvalue",
    r"\mathrm{d}\lambda_{k}(F) = q_{k}^{\top}\,\mathrm{d}F\,q_{k}",
    MAGNUS_EIGEN,
)
def eigenvalue(F, variables):
    """A simple eigenvalue of a symmetric matrix moves by the quadratic form of its unit eigenvector."""
    if not isinstance(F, spectral.Eigenvalue):
        return None
    q = spectral.Eigenvector(F.arg, F.k)
    return ir.scalar(ir.mul(ir.transpose_of(q), ir.d(F.arg), q))


@differential_rule(
    "singular value",
    r"\mathrm{d}\sigma_{\max}(F) = u_{1}^{\top}\,\mathrm{d}F\,v_{1}",
    f"{MAGNUS_EIGEN}, applied to λ_max(FᵀF) = σ_max(F)²",
)
def singular_value(F, variables):
    """A simple largest singular value moves by the bilinear form of its singular vectors."""
    if not isinstance(F, spectral.SingularValue):
        return None
    u, v = spectral.LeftSingular(F.arg), spectral.RightSingular(F.arg)
    return ir.scalar(ir.mul(ir.transpose_of(u), ir.d(F.arg), v))


@differential_rule(
    "nuclear norm",
    r"\mathrm{d}\lVert F\rVert_{*} = \operatorname{tr}(\operatorname{polar}(F)^{\top}\mathrm{d}F)",
    NUCLEAR,
)
def nuclear_norm(F, variables):
    """The sum of the singular values of a full-rank matrix: each moves by u_iᵀ dF v_i."""
    if not isinstance(F, spectral.Nuclear):
        return None
    return sp.Trace(ir.mul(ir.transpose_of(spectral.Polar(F.arg)), ir.d(F.arg)))


@differential_rule(
    "Cholesky factor",
    r"\mathrm{d}L = L\,\Phi(L^{-1}\,\mathrm{d}F\,L^{-\top}),\ L = \operatorname{chol}(F)",
    MURRAY,
)
def cholesky(F, variables):
    """Differentiate F = L Lᵀ: L⁻¹ dF L⁻ᵀ = L⁻¹dL + (L⁻¹dL)ᵀ, and L⁻¹dL is lower triangular."""
    if not isinstance(F, spectral.Cholesky):
        return None
    inverse = sp.Inverse(F)
    return ir.mul(F, spectral.TrilHalf(ir.mul(inverse, ir.d(F.arg), ir.transpose_of(inverse))))


@differential_rule("Phi", r"\mathrm{d}\Phi(F) = \Phi(\mathrm{d}F)", MURRAY)
def tril_half(F, variables):
    """Taking the lower triangle with half the diagonal is linear."""
    return spectral.TrilHalf(ir.d(F.arg)) if isinstance(F, spectral.TrilHalf) else None


@differential_rule("matrix function", r"\mathrm{d}f(F) = L_{f}(F, \mathrm{d}F)", HIGHAM)
def matrix_function(F, variables):
    """The differential of a matrix function is its Fréchet derivative in the direction dF."""
    if not isinstance(F, ir.MatrixFunction):
        return None
    return ir.frechet(F.name, F.arg, ir.d(F.arg))


fact(
    "Fréchet derivative of the exponential",
    r"L_{\exp}(X, E) = \int_{0}^{1} e^{sX} E\, e^{(1-s)X}\,\mathrm{d}s",
    "Higham, Functions of Matrices, ch. 10 (the exponential)",
    "Differentiate the power series of e^X term by term; the sum is this integral.",
)
fact(
    "Fréchet derivative of the square root",
    r"L = L_{\mathrm{sqrt}}(X, E) \iff X^{1/2} L + L X^{1/2} = E",
    "Higham, Functions of Matrices, ch. 6 (the square root)",
    "Differentiate S S = X: dS S + S dS = dX, a Sylvester equation with one solution when the"
    " eigenvalues of S have positive real parts.",
)
fact(
    "Fréchet derivative of the logarithm",
    r"L_{\log}(X, E) = \int_{0}^{1} (s(X - I) + I)^{-1} E\, (s(X - I) + I)^{-1}\,\mathrm{d}s",
    "Higham, Functions of Matrices, ch. 11 (the logarithm)",
    "The integral representation of log X, differentiated under the integral.",
)
fact(
    "log-determinant as a trace",
    r"\log\det X = \operatorname{tr}\log X",
    "Higham, Functions of Matrices, ch. 11 (the logarithm)",
    "The eigenvalues of log X are the logarithms of those of X; their sum is the log of their product.",
)
