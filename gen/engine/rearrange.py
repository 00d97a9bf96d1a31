"""Rearrange a first differential into ``tr(M dX)`` and read off the gradient ``Mᵀ``.

After the differential rules have run, ``df`` is linear in ``dX``: a sum of
terms ``c · [tr](L dX R)`` or ``c · [tr](L dXᵀ R)`` (``linear_forms``). Each rearrangement rule
rewrites every term it applies to; the engine records one checked step per
rule that changed something.
"""

from __future__ import annotations

from dataclasses import replace

import sympy as sp

from ..errors import Unsupported
from ..expr import ir, spectral
from ..expr.printers import text
from .linear_forms import Term, linear_form, to_expr, transpose_term
from .registry import COOKBOOK, MAGNUS, rule

# --- rearrangement rules: Term → Term, or None when they do not apply --------


@rule("scalar as trace", r"a = \operatorname{tr}(a) \text{ for } a \in \mathbb{R}", MAGNUS)
def scalar_as_trace(t: Term, vector: bool):
    """A scalar is its own trace (with a vector variable, only to rotate factors after dx)."""
    if t.traced or (vector and not t.right):
        return None
    return replace(t, traced=True)


@rule("transpose of a scalar", r"a^{\top} = a \text{ for } a \in \mathbb{R}", MAGNUS)
def scalar_transpose(t: Term, vector: bool):
    """A 1×1 product equals its transpose."""
    if t.traced or not t.transposed:
        return None
    return transpose_term(t)


@rule("trace of a transpose", r"\operatorname{tr}(A^{\top}) = \operatorname{tr}(A)", COOKBOOK)
def trace_transpose(t: Term, vector: bool):
    """Transposing inside a trace changes nothing."""
    if not (t.traced and t.transposed):
        return None
    return replace(transpose_term(replace(t, traced=False)), traced=True)


@rule("cyclic trace", r"\operatorname{tr}(AB) = \operatorname{tr}(BA)", COOKBOOK)
def cyclic(t: Term, vector: bool):
    """Rotate the product so that the differential comes last."""
    if not (t.traced and t.right):
        return None
    return replace(t, left=t.right + t.left, right=())


@rule(
    "Hadamard and trace",
    r"\operatorname{tr}(A(B \circ C)) = \operatorname{tr}((A \circ B^{\top})C)",
    MAGNUS,
)
def hadamard_trace(t: Term, vector: bool):
    """An entrywise factor moves across the trace (both sides are the sum of A_ji B_ij C_ij)."""
    if not isinstance(t.inner, sp.HadamardProduct) or t.right or not (t.traced or vector):
        return None
    H = t.inner
    Z = next(a for a in H.args if a.has(ir.MatDiff))
    dX = next(n for n in sp.preorder_traversal(Z) if isinstance(n, ir.MatDiff))
    M = ir.mul(*t.left) if t.left else sp.Identity(H.shape[0])
    moved = ir.hadamard(M, *(ir.transpose_of(a) for a in H.args if a is not Z))
    return tuple(
        Term(t.coeff * s.coeff, (moved, *s.left), s.transposed, s.right, t.traced, s.inner)
        for s in linear_form(Z, dX)
    )


@rule(
    "diagonal and trace",
    r"\operatorname{tr}(A\operatorname{diag}(z)) = \operatorname{diag}(A)^{\top}z,\ "
    r"a^{\top}\operatorname{diag}(Z) = \operatorname{tr}(\operatorname{diag}(a)Z)",
    COOKBOOK,
)
def diagonal_trace(t: Term, vector: bool):
    """Only the diagonal meets a diagonal: both sides are the sum of A_ii z_i (or a_i Z_ii)."""
    D = t.inner.arg if isinstance(t.inner, sp.Transpose) else t.inner
    if not isinstance(D, ir.Diag) or t.right or not (t.traced or vector):
        return None
    dX = next(n for n in sp.preorder_traversal(D) if isinstance(n, ir.MatDiff))
    M = ir.mul(*t.left) if t.left else None
    if D.of_vector:  # tr(M diag(z)) = diag(M)ᵀ z, and tr(diag(z)) = 1ᵀ z
        moved = ir.transpose_of(ir.Diag(M)) if M is not None else ir.ones(1, D.shape[0])
    elif isinstance(t.inner, sp.Transpose):  # tr(L diag(Z)ᵀ) = tr(diag(L) Z)
        moved = ir.Diag(M)
    else:  # a diag(Z) = tr(diag(aᵀ) Z)
        moved = ir.Diag(ir.transpose_of(M))
    return tuple(
        Term(t.coeff * s.coeff, (moved, *s.left), s.transposed, s.right, True, s.inner)
        for s in linear_form(D.arg, dX)
    )


@rule(
    "vec and trace",
    r"a^{\top}\operatorname{vec}(Z) = \operatorname{tr}(\operatorname{vec}^{-1}(a)^{\top}Z)",
    MAGNUS,
)
def vec_trace(t: Term, vector: bool):
    """Stacking the columns pairs the same entries: both sides are the sum of a_k vec(Z)_k."""
    V = t.inner.arg if isinstance(t.inner, sp.Transpose) else t.inner
    if not isinstance(V, ir.Vec) or t.right or not (t.traced or vector) or not t.left:
        return None
    dX = next(n for n in sp.preorder_traversal(V) if isinstance(n, ir.MatDiff))
    M = ir.mul(*t.left)
    rows, cols = V.arg.shape
    a = M if isinstance(t.inner, sp.Transpose) else ir.transpose_of(M)  # the vector paired with vec(Z)
    moved = ir.transpose_of(ir.Unvec(a, rows, cols))
    return tuple(
        Term(t.coeff * s.coeff, (moved, *s.left), s.transposed, s.right, True, s.inner)
        for s in linear_form(V.arg, dX)
    )


@rule(
    "Phi and trace",
    r"\operatorname{tr}(A\,\Phi(Z)) = \operatorname{tr}(\Phi(A^{\top})^{\top}Z)",
    "Murray, Differentiation of the Cholesky decomposition, arXiv:1602.07527 (2016)",
)
def tril_half_trace(t: Term, vector: bool):
    """Φ keeps some entries and halves others, so it moves across the trace: both sides are the sum
    of A_ji Z_ij over the lower triangle, halved on the diagonal (and Φ(Z)ᵀ pairs with Φ(A))."""
    P = t.inner.arg if isinstance(t.inner, sp.Transpose) else t.inner
    if not isinstance(P, spectral.TrilHalf) or t.right or not t.traced:
        return None
    dX = next(n for n in sp.preorder_traversal(P) if isinstance(n, ir.MatDiff))
    M = ir.mul(*t.left) if t.left else sp.Identity(P.shape[0])
    paired = M if isinstance(t.inner, sp.Transpose) else ir.transpose_of(M)
    moved = ir.transpose_of(spectral.TrilHalf(paired))
    return tuple(
        Term(t.coeff * s.coeff, (moved, *s.left), s.transposed, s.right, True, s.inner)
        for s in linear_form(P.arg, dX)
    )


@rule(
    "Kronecker and trace",
    r"\operatorname{tr}(A \otimes B) = \operatorname{tr}(A)\operatorname{tr}(B),\ "
    r"(P \otimes Q)(A \otimes B) = PA \otimes QB",
    COOKBOOK,
)
def kronecker_trace(t: Term, vector: bool):
    """The trace of a Kronecker product is the product of the traces; a Kronecker product in
    front multiplies factor by factor, (P ⊗ Q)(A ⊗ B) = PA ⊗ QB."""
    K = t.inner
    if not (isinstance(K, sp.KroneckerProduct) and t.traced) or t.right:
        return None
    front = kronecker_factors(ir.mul(*t.left)) if t.left else [None] * len(K.args)
    if front is None or len(front) != len(K.args):
        return None
    factors = [a if p is None else ir.mul(p, a) for p, a in zip(front, K.args)]
    k = next(i for i, a in enumerate(K.args) if a.has(ir.MatDiff))
    dX = next(n for n in sp.preorder_traversal(K.args[k]) if isinstance(n, ir.MatDiff))
    others = sp.Mul(*(sp.Trace(f) for i, f in enumerate(factors) if i != k))
    before = (front[k],) if front[k] is not None else ()
    return tuple(
        Term(t.coeff * others * s.coeff, (*before, *s.left), s.transposed, s.right, True, s.inner)
        for s in linear_form(K.args[k], dX)
    )


@rule(
    "Kronecker product of vectors",
    r"a \otimes z = (a \otimes I)\,z,\ z \otimes a = (I \otimes a)\,z\ (a, z \text{ vectors})",
    MAGNUS,
)
def kronecker_vectors(t: Term, vector: bool):
    """A Kronecker product of vectors is a matrix times the one holding dX (the mixed product:
    (a ⊗ I)(1 ⊗ z) = a ⊗ z)."""
    K = t.inner
    if not isinstance(K, sp.KroneckerProduct) or any(f.shape[1] != 1 for f in K.args):
        return None
    Z = next(a for a in K.args if a.has(ir.MatDiff))
    dX = next(n for n in sp.preorder_traversal(Z) if isinstance(n, ir.MatDiff))
    terms = linear_form(Z, dX)
    if any(s.traced for s in terms):
        return None
    M = kronecker_factor(K.args, Z)
    return tuple(
        Term(
            t.coeff * s.coeff,
            (*t.left, M, *s.left),
            s.transposed,
            (*s.right, *t.right),
            t.traced,
            s.inner,
            t.times,
        )
        for s in terms
    )


def kronecker_factor(factors, Z):
    """``M`` with ``a ⊗ Z ⊗ b = M Z`` for vectors: ``a ⊗ I ⊗ b``."""
    k = factors.index(Z)
    return ir.kron(*factors[:k], sp.Identity(Z.shape[0]), *factors[k + 1 :])


def kronecker_factors(M):
    """``M`` as the factors of one Kronecker product (``None`` if it is not one)."""
    if isinstance(M, sp.KroneckerProduct):
        return list(M.args)
    if isinstance(M, sp.Inverse) and (inner := kronecker_factors(M.arg)) is not None:
        return [sp.Inverse(f) for f in inner]  # (A ⊗ B)⁻¹ = A⁻¹ ⊗ B⁻¹
    if isinstance(M, sp.Transpose) and (inner := kronecker_factors(M.arg)) is not None:
        return [ir.transpose_of(f) for f in inner]
    if isinstance(M, sp.MatMul):
        coeff, matrices = ir.coeff_and_factors(M)
        parts = [kronecker_factors(f) for f in matrices]
        if coeff == 1 and all(p is not None and len(p) == len(parts[0]) for p in parts):
            return [ir.mul(*column) for column in zip(*parts)]
    return None


@rule(
    "Fréchet adjoint",
    r"\operatorname{tr}(A\,L_{f}(X, Z)) = \operatorname{tr}(L_{f}(X, A)\,Z),\ "
    r"L_{f}(X, E)^{\top} = L_{f}(X^{\top}, E^{\top})",
    "Higham, Functions of Matrices, ch. 3 (the adjoint of the Fréchet derivative)",
)
def frechet_adjoint(t: Term, vector: bool):
    """The Fréchet derivative moves across the trace: for f(x) = Σ c_k x^k, both sides are
    Σ c_k Σ_j tr(A X^j Z X^(k-1-j)), the same sum with the factors rotated."""
    if not (isinstance(t.inner, ir.Frechet) and t.traced) or t.right:
        return None
    L = t.inner
    dX = next(n for n in sp.preorder_traversal(L.direction) if isinstance(n, ir.MatDiff))
    moved = ir.frechet(L.name, L.arg, ir.mul(*t.left) if t.left else sp.Identity(L.shape[0]))
    return tuple(
        Term(t.coeff * s.coeff, (moved, *s.left), s.transposed, s.right, True, s.inner)
        for s in linear_form(L.direction, dX)
    )


@rule("trace of a scalar", r"\operatorname{tr}(a) = a \text{ for } a \in \mathbb{R}", MAGNUS)
def untrace(t: Term, vector: bool):
    """With a vector variable, ``tr(m dx)`` is the scalar ``m dx``."""
    if not (vector and t.traced and t.plain):
        return None
    return replace(t, traced=False)


REARRANGEMENTS = (
    scalar_as_trace,
    scalar_transpose,
    trace_transpose,
    cyclic,
    hadamard_trace,
    diagonal_trace,
    tril_half_trace,
    kronecker_trace,
    kronecker_vectors,
    vec_trace,
    frechet_adjoint,
    untrace,
)


@rule(
    "collect",
    r"\operatorname{tr}(A\,\mathrm{d}X) + \operatorname{tr}(B\,\mathrm{d}X)"
    r" = \operatorname{tr}((A + B)\,\mathrm{d}X)",
)
def collect(form: tuple[Term, ...], dX):
    """Gather every term into one ``tr(M dX)`` by linearity."""
    if len(form) < 2 or not all(t.plain for t in form):
        return None
    M = ir.add(*(ir.mul(t.coeff, *(t.left or (sp.Identity(dX.shape[0]),))) for t in form))
    return (Term(sp.Integer(1), (M,), False, (), form[0].traced),)


def coefficient(form: tuple[Term, ...], dX):
    """``M`` in ``df = tr(M dX)`` (or ``m`` in ``df = m dx``)."""
    if len(form) != 1 or not form[0].plain:
        raise Unsupported(f"could not bring the differential into the form tr(M dX): {stuck(form, dX)}")
    (t,) = form
    return ir.mul(t.coeff, *(t.left or (sp.Identity(dX.shape[0]),)))


def stuck(form: tuple[Term, ...], dX) -> str:
    """What no rule could rearrange: the first term not of the form c tr(M dX), or the sum."""
    term = next((t for t in form if not t.plain), None)
    if term is not None:
        return f"no rule takes {text(dX)} out of {text(term.expr(dX))}"
    return f"the terms of {text(to_expr(form, dX))} could not be gathered into one"


@rule(
    "identification",
    r"\mathrm{d}f = \operatorname{tr}(G^{\top}\,\mathrm{d}X) \iff \nabla_X f = G",
    "Magnus & Neudecker, Matrix Differential Calculus, ch. 9 (first identification theorem)",
)
def identify(form: tuple[Term, ...], dX):
    """The gradient is the transpose of the coefficient of ``dX``."""
    return ir.transpose_of(coefficient(form, dX))
