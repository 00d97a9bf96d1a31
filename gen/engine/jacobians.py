"""Jacobians and Hessians: ``d vec F = J d vec X`` (Magnus & Neudecker), read off term by term.

For a vector function of a vector, every term of ``df`` is already a matrix
times ``dx`` up to a transpose or an entrywise product (``jacobian_form``).
Otherwise ``vec`` turns each term ``L dX R`` into ``(Rᵀ ⊗ L) vec dX``, a
transposed ``dXᵀ`` into ``K vec dX``, an entrywise product ``A ∘ Z`` into
``diag(vec A) vec Z``, a number ``tr(M dX)`` times ``B`` into
``vec(B) vec(Mᵀ)ᵀ vec dX`` — each rule its own checked line.

The Hessian of a scalar function is the Jacobian of its gradient (``hessians``).
"""

from __future__ import annotations

from dataclasses import replace

import sympy as sp

from ..errors import Unsupported
from ..expr import ir, spectral
from .linear_forms import Term, linear_form
from .methods import Core, expand_differentials, simplify_gradient
from .proof import Step
from .rearrange import kronecker_factor
from .registry import MAGNUS, fact, rule
from .rules import MURRAY
from .transposes import transposed

MAGNUS_CH9 = "Magnus & Neudecker, Matrix Differential Calculus, ch. 9 (first identification theorem)"


def differential_of_variable(variable):
    """``d vec X``, what a Jacobian multiplies (``dx`` for a vector)."""
    return ir.vec(ir.d(variable))


def jacobian_core(function, variable, symmetric) -> Core:
    """``d vec F = J d vec X``, and ``J`` is the Jacobian.

    For a symmetric variable only symmetric directions count, ``vec dX = ½(I + K) vec dX``: the
    Jacobian within symmetric matrices is ``J ½(I + K)``, whose rows are gradients within
    symmetric matrices, ``(G + Gᵀ)/2``."""
    if function.shape[1] == 1 and variable.shape[1] == 1:
        return vector_jacobian_core(function, variable, symmetric)
    dX = ir.d(variable)
    steps = expand_differentials(ir.d(ir.vec(function)), variable)
    current = steps[-1].expr if steps else ir.d(ir.vec(function))
    inner = current.arg if isinstance(current, ir.Vec) else current
    pairs = [(None, t) for t in linear_form(inner, dX)]
    while any(not bare(t) for _, t in pairs):
        vectorisation = next((r for r in VECTORISATIONS if any(r(t, dX) is not None for _, t in pairs)), None)
        if vectorisation is None:
            raise Unsupported(NOT_YET)
        pairs = [
            (N if M is None else M if N is None else ir.mul(M, N), s)
            for M, t in pairs
            for N, s in (vectorisation(t, dX) or [(None, t)])
        ]
        steps.append(Step(vec_expr(pairs, variable), vectorisation.rule.name))
    identity = sp.Identity(size(variable))  # d vec X itself
    J = (
        ir.add(*(identity if M is None else M for M, _ in pairs))
        if pairs
        else sp.ZeroMatrix(size(function), size(variable))
    )
    if len(pairs) > 1:
        steps.append(Step(ir.mul(J, differential_of_variable(variable)), "collect vec"))
    if variable in symmetric and pairs:  # only symmetric directions count
        J = ir.mul(J, symmetrizer(variable.shape[0]))
        steps.append(Step(ir.mul(J, differential_of_variable(variable)), "symmetric directions"))
    identification = simplify_gradient(J, symmetric, "vec Jacobian identification")
    return Core(function, variable, tuple(steps), (), identification, ir.d(ir.vec(function)))


def size(e):
    return e.shape[0] * e.shape[1]


def bare(t: Term) -> bool:
    """``dX`` itself, with nothing around it."""
    return t.coeff == 1 and not (t.left or t.right or t.transposed or t.traced or t.inner is not None)


def vec_expr(pairs, variable):
    """``Σ M vec(term)`` (a missing M is the identity)."""
    dX = ir.d(variable)
    return ir.add(*(ir.mul(*filter(None, [M]), ir.vec(t.expr(dX))) for M, t in pairs))


@rule(
    "vec and Kronecker",
    r"\operatorname{vec}(A Z B) = (B^{\top} \otimes A)\operatorname{vec} Z",
    MAGNUS + " (Theorem 2.2)",
)
def vec_product(t: Term, dX):
    """Stacking the columns of A Z B: column j is A Z times column j of B."""
    if t.traced or (t.coeff == 1 and not (t.left or t.right)):
        return None
    core = Term(sp.Integer(1), (), t.transposed, (), False, t.inner)
    rows, cols = core.expr(dX).shape
    L = ir.mul(*t.left) if t.left else sp.Identity(rows)
    R = ir.mul(*t.right) if t.right else sp.Identity(cols)
    return [(ir.mul(t.coeff, ir.kron(transposed(R, frozenset()), L)), core)]  # Rᵀ as (AB)ᵀ = BᵀAᵀ


@rule(
    "trace by vec",
    r"\operatorname{vec}(B\operatorname{tr}(A Z)) = \operatorname{vec}(B)\operatorname{vec}(A^{\top})^{\top}"
    r"\operatorname{vec} Z",
    MAGNUS,
)
def vec_trace(t: Term, dX):
    """``tr(AZ) = vec(Aᵀ)ᵀ vec Z``: both are the sum of the products of matching entries."""
    if not t.traced:
        return None
    if t.inner is not None:
        raise Unsupported(NOT_YET)
    A = ir.mul(*t.right, *t.left) if t.left or t.right else sp.Identity(dX.shape[0])  # tr(L Z R) = tr(R L Z)
    row = ir.transpose_of(ir.vec(A if t.transposed else ir.transpose_of(A)))  # tr(A Zᵀ) = vec(A)ᵀ vec Z
    column = ir.vec(ir.mul(*t.times)) if t.times else sp.Integer(1)
    return [(ir.mul(t.coeff, column, row), Term(sp.Integer(1), (), False, (), False))]


@rule(
    "commutation matrix",
    r"\operatorname{vec}(Z^{\top}) = K_{mn}\operatorname{vec} Z \quad (Z \in \mathbb{R}^{m \times n})",
    MAGNUS + " (§3.7)",
)
def commutation(t: Term, dX):
    """``K_{mn}`` permutes the entries of vec Z into those of vec Zᵀ."""
    if not t.transposed or not bare(replace(t, transposed=False)):
        return None
    rows, cols = dX.shape
    K = ir.commutation(rows, cols)
    return [(K, replace(t, transposed=False))]


@rule(
    "vec of an entrywise product",
    r"\operatorname{vec}(A \circ Z) = \operatorname{diag}(\operatorname{vec} A)\operatorname{vec} Z",
    "Magnus & Neudecker, Matrix Differential Calculus, ch. 2 (the Hadamard product)",
)
def vec_hadamard(t: Term, dX):
    """Entry k of vec(A ∘ Z) is the product of entries k of vec A and vec Z."""
    if not isinstance(t.inner, sp.HadamardProduct) or not bare(replace(t, inner=None)):
        return None
    Z = next(a for a in t.inner.args if a.has(dX))
    A = ir.hadamard(*(a for a in t.inner.args if a is not Z))
    return [(ir.Diag(ir.vec(A)), s) for s in linear_form(Z, dX)]


@rule(
    "vec of a Kronecker product",
    r"\operatorname{vec}(A \otimes B) = (I_{n} \otimes K_{qm} \otimes I_{p})"
    r"(\operatorname{vec}A \otimes \operatorname{vec}B),\ A_{m \times n},\ B_{p \times q}",
    MAGNUS + " (Theorem 3.10)",
)
def vec_kronecker(t: Term, dX):
    """Entry (i, j) of A times entry (k, l) of B sits where K_qm moves it from vec A ⊗ vec B;
    the factor without dZ comes out as vec A ⊗ I or I ⊗ vec B."""
    if not isinstance(t.inner, sp.KroneckerProduct) or not bare(replace(t, inner=None)):
        return None
    *head, B = t.inner.args  # A ⊗ B ⊗ C is (A ⊗ B) ⊗ C
    A = sp.KroneckerProduct(*head) if len(head) > 1 else head[0]
    (m, n), (p, q) = A.shape, B.shape
    shuffle = ir.kron(sp.Identity(n), ir.commutation(q, m), sp.Identity(p))
    if A.has(dX):
        M, Z = ir.kron(sp.Identity(m * n), ir.vec(B)), A
    else:
        M, Z = ir.kron(ir.vec(A), sp.Identity(p * q)), B
    return [(ir.mul(shuffle, M), s) for s in linear_form(Z, dX)]


@rule(
    "vec of Phi",
    r"\operatorname{vec}\Phi(Z) = "
    r"\operatorname{diag}(\operatorname{vec}\Phi(\mathbf{1}))\operatorname{vec} Z",
    MURRAY,
)
def vec_tril_half(t: Term, dX):
    """Φ multiplies each entry by 1 (below the diagonal), ½ (on it) or 0 (above): an entrywise
    product with Φ of the matrix of ones."""
    if not isinstance(t.inner, spectral.TrilHalf) or not bare(replace(t, inner=None)):
        return None
    Z = t.inner.arg
    mask = spectral.TrilHalf(ir.ones(*Z.shape))
    return [(ir.Diag(ir.vec(mask)), s) for s in linear_form(Z, dX)]


@rule(
    "vec of the square root's Fréchet derivative",
    r"X^{1/2} L + L X^{1/2} = Z \iff \operatorname{vec}L"
    r" = (I \otimes X^{1/2} + (X^{1/2})^{\top} \otimes I)^{-1}\operatorname{vec}Z",
    "Higham, Functions of Matrices, ch. 6 (the square root)",
)
def vec_sqrtm_frechet(t: Term, dX):
    """vec of the Sylvester equation S L + L S = Z is (I ⊗ S + Sᵀ ⊗ I) vec L = vec Z, and the
    matrix is invertible: no two eigenvalues of the principal square root S add up to 0."""
    L = t.inner
    if not (isinstance(L, ir.Frechet) and L.name == "sqrtm") or not bare(replace(t, inner=None)):
        return None
    S = ir.matrix_function("sqrtm", L.arg)
    identity = sp.Identity(S.shape[0])
    M = sp.Inverse(ir.add(ir.kron(identity, S), ir.kron(ir.transpose_of(S), identity)))
    return [(M, s) for s in linear_form(L.direction, dX)]


@rule(
    "Kronecker form",
    r"\operatorname{vec}L_{f}(X, Z) = K_{f}(X)\operatorname{vec}Z",
    "Higham, Functions of Matrices, ch. 3 (the Kronecker form of the Fréchet derivative)",
)
def vec_frechet(t: Term, dX):
    """The Fréchet derivative is linear in its direction: its matrix on vec Z is K_f(X)."""
    L = t.inner
    if not isinstance(L, ir.Frechet) or not bare(replace(t, inner=None)):
        return None
    return [(ir.KroneckerForm(L.name, L.arg), s) for s in linear_form(L.direction, dX)]


NOT_YET = "a Jacobian whose differential cannot be brought into the form J d vec X is not supported yet"
VECTORISATIONS = (
    vec_product,
    vec_trace,
    commutation,
    vec_hadamard,
    vec_kronecker,
    vec_tril_half,
    vec_sqrtm_frechet,
    vec_frechet,
)


fact(
    "collect vec",
    r"A\operatorname{vec}\mathrm{d}X + B\operatorname{vec}\mathrm{d}X = (A + B)\operatorname{vec}\mathrm{d}X",
    MAGNUS,
    "Gather the terms by linearity.",
)


fact(
    "Jacobian identification",
    r"\mathrm{d}f = J\,\mathrm{d}x \iff \frac{\partial f}{\partial x^{\top}} = J",
    MAGNUS_CH9,
    "The Jacobian is the matrix that dx is multiplied by.",
)


fact(
    "vec Jacobian identification",
    r"\mathrm{d}\operatorname{vec}F = J\,\mathrm{d}\operatorname{vec}X"
    r" \iff \frac{\partial \operatorname{vec}F}{\partial (\operatorname{vec}X)^{\top}} = J",
    MAGNUS_CH9,
    "The Jacobian is the matrix that d vec X is multiplied by.",
)


# --- a vector function of a vector ------------------------------------------------


@rule(
    "Jacobian",
    r"L\,(a \circ \mathrm{d}x) = L\operatorname{diag}(a)\,\mathrm{d}x,\ "
    r"v\,(\ell\,\mathrm{d}x) = (v\ell)\,\mathrm{d}x,\ L\,\mathrm{d}x^{\top}r = Lr^{\top}\mathrm{d}x",
    MAGNUS,
)
def jacobian_form(form, dx):
    """Every term of a vector linear in dx as a matrix times dx."""
    return ir.add(*(jacobian_term(t, dx) for t in form)) if form else sp.ZeroMatrix(dx.shape[0], dx.shape[0])


fact(
    "Jacobian of a Kronecker product",
    r"a \otimes \mathrm{d}x = (a \otimes I)\,\mathrm{d}x,\ "
    r"\mathrm{d}x \otimes a = (I \otimes a)\,\mathrm{d}x",
    MAGNUS,
    "A Kronecker product of vectors holding dx is a matrix times dx: (a ⊗ I)(1 ⊗ dx) = a ⊗ dx.",
)


def vector_jacobian_core(function, variable, symmetric) -> Core:
    """A vector function of a vector: ``df = J dx``, and ``J`` is the Jacobian."""
    dx = ir.d(variable)
    steps = expand_differentials(ir.d(function), variable)
    current = steps[-1].expr if steps else ir.d(function)
    J = jacobian_form(linear_form(current, dx), dx)
    if ir.mul(J, dx) != current:
        kronecker = any(
            isinstance(n, sp.KroneckerProduct) and n.has(dx) for n in sp.preorder_traversal(current)
        )
        steps.append(Step(ir.mul(J, dx), "Jacobian of a Kronecker product" if kronecker else "Jacobian"))
    return Core(
        function, variable, tuple(steps), (), simplify_gradient(J, symmetric, "Jacobian identification")
    )


def jacobian_term(t, dx):
    """The matrix ``M`` with ``term = M dx`` (a vector term, linear in the vector dx)."""
    n = dx.shape[0]
    if t.transposed:  # a column L dxᵀ R = L Rᵀ dx; a number tr(L dxᵀ R) = (R L)ᵀ dx
        if not t.right:
            raise Unsupported("could not bring the differential into the form J dx")
        if t.traced:
            return ir.mul(t.coeff, *t.times, ir.transpose_of(ir.mul(*t.right, *t.left)))
        return ir.mul(t.coeff, *t.left, ir.transpose_of(ir.mul(*t.right)))
    middle, right = sp.Identity(n), t.right
    if isinstance(t.inner, ir.Diag) and t.inner.of_vector and t.right:  # diag(Z) r = diag(r) J_Z dx
        r = ir.mul(*t.right)
        if t.traced:  # tr(L diag(Z) R) = diag(R L)ᵀ Z
            row = ir.mul(ir.transpose_of(ir.Diag(ir.mul(r, *t.left))), jacobian_of(t.inner.arg, dx))
            return ir.mul(t.coeff, *t.times, row)
        middle, right = ir.mul(ir.Diag(r), jacobian_of(t.inner.arg, dx)), ()
    elif t.inner is not None:
        if type(t.inner) not in INNER_JACOBIANS:
            raise Unsupported("could not bring the differential into the form J dx")
        Z = next(a for a in t.inner.args if a.has(dx))
        middle = ir.mul(INNER_JACOBIANS[type(t.inner)](t.inner.args, Z), jacobian_of(Z, dx))
    if t.traced:  # a number tr(L M dx R) = (R L M) dx, times the vectors it multiplies
        row = ir.mul(*right, *t.left, middle)
        if row.shape != (1, n):
            raise Unsupported("could not bring the differential into the form J dx")
        return ir.mul(t.coeff, *t.times, row)
    if right and not ir.is_one_by_one(ir.mul(*right)):
        raise Unsupported("could not bring the differential into the form J dx")
    after = (ir.scalar(ir.mul(*right)),) if right else ()  # L M dx r, r a number
    return ir.mul(t.coeff, *after, *t.left, middle)


def entrywise_factor(factors, Z):
    """``A ∘ Z = diag(A) Z``."""
    return ir.Diag(ir.hadamard(*(a for a in factors if a is not Z)))


# the matrix M with inner = M Z, for a vector Z linear in dx
INNER_JACOBIANS = {sp.HadamardProduct: entrywise_factor, sp.KroneckerProduct: kronecker_factor}


def jacobian_of(Z, dx):
    """``J`` with ``Z = J dx``, for a vector ``Z`` linear in dx."""
    return ir.add(*(jacobian_term(s, dx) for s in linear_form(Z, dx)))


# --- a symmetric variable's directions ------------------------------------------


@rule(
    "symmetric directions",
    r"\mathrm{d}X = \mathrm{d}X^{\top} \implies "
    r"\operatorname{vec}\mathrm{d}X = \tfrac{1}{2}(I + K_{nn})\operatorname{vec}\mathrm{d}X",
    MAGNUS + " (§3.7)",
)
def symmetrizer(n):
    """A symmetric dX is the mean of itself and its transpose, and K turns vec dX into vec dXᵀ."""
    return ir.mul(sp.Rational(1, 2), ir.add(sp.Identity(n * n), ir.Commutation(n, n)))
