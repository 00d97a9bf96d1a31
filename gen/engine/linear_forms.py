"""A differential linear in ``dX`` as its linear form: a sum of ``Term``s ``c · [tr](L dX R)`` (or
``dXᵀ``), which the rearrangement rules (``rearrange``) rewrite one by one.

``linear_form`` expands a differential into its terms (the rule ``expand``); ``to_expr`` writes
them back as an expression.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import sympy as sp

from ..errors import Unsupported
from ..expr import ir, spectral
from ..expr.printers import brief
from .registry import rule


@dataclass(frozen=True)
class Term:
    """``coeff · tr(left · dX · right)`` (``dXᵀ`` when transposed; no trace unless traced).

    ``inner``, when set, stands in the middle instead of ``dX``: an entrywise
    product holding ``dX`` (``A ∘ (L dX R)``), which the Hadamard–trace rule
    moves out of the way. ``times`` are constant matrices that a traced term (a
    number) multiplies, inside a matrix that is linear in ``dX``.
    """

    coeff: sp.Expr
    left: tuple
    transposed: bool
    right: tuple
    traced: bool
    inner: object = None
    times: tuple = ()

    def expr(self, dX):
        middle = self.inner if self.inner is not None else sp.Transpose(dX) if self.transposed else dX
        product = ir.mul(*self.left, middle, *self.right)
        return ir.mul(self.coeff, ir.tr(product) if self.traced else product, *self.times)

    @property
    def plain(self) -> bool:
        """``c tr(M dX)``: nothing after dX, no transpose, no entrywise product, a number."""
        return not (self.right or self.transposed or self.inner is not None or self.times)


def with_times(t: Term, factors: tuple) -> Term:
    """The number ``t`` times the matrices ``factors`` (folded into the coefficient when 1×1)."""
    if not factors:
        return t
    product = ir.mul(*factors)
    if ir.is_one_by_one(product):
        return replace(t, coeff=t.coeff * ir.scalar(product), times=())
    return replace(t, times=factors)


def to_expr(form: tuple[Term, ...], dX):
    return ir.add(*(t.expr(dX) for t in form))


@rule(
    "expand",
    r"\operatorname{tr}(aA + B) = a\operatorname{tr}(A) + \operatorname{tr}(B)",
)
def linear_form(e, dX) -> tuple[Term, ...]:
    """Split an expression linear in ``dX`` into its terms (products distributed over sums)."""
    if e == dX:
        return (Term(sp.Integer(1), (), False, (), False),)
    if ir.is_zero(e):
        return ()
    if isinstance(e, (sp.MatAdd, sp.Add)):
        return tuple(t for arg in e.args for t in linear_form(arg, dX))
    if isinstance(e, sp.Trace):  # tr(c T) = c tr(T) for a number c
        return tuple(traced(t) for t in linear_form(e.arg, dX))
    if isinstance(e, sp.Transpose):
        return tuple(transpose_term(t) for t in linear_form(e.arg, dX))
    if isinstance(e, (sp.MatMul, sp.Mul)):
        return product_form(e.args, dX)
    if isinstance(e, sp.HadamardProduct):
        return hadamard_form(e, dX)
    if isinstance(e, (ir.Diag, ir.Vec, spectral.TrilHalf)):
        return linear_map_form(e, dX)
    if isinstance(e, (sp.KroneckerProduct, ir.Frechet)):
        return (Term(sp.Integer(1), (), False, (), False, e),)
    raise Unsupported(f"cannot rearrange the differential term {brief(e)}")


def product_form(args, dX) -> tuple[Term, ...]:
    inner = [i for i, a in enumerate(args) if a.has(dX)]
    if len(inner) != 1:
        raise Unsupported("the differential is not linear in the variable's differential")
    i = inner[0]
    before, after = args[:i], args[i + 1 :]
    coeff = sp.Mul(*(a for a in before + after if not ir.is_matrix(a)))
    left = tuple(a for a in before if ir.is_matrix(a))
    right = tuple(a for a in after if ir.is_matrix(a))
    return tuple(
        with_times(replace(t, coeff=coeff * t.coeff), left + t.times + right)  # L (c T) R = c (L T R)
        if t.traced
        else Term(coeff * t.coeff, left + t.left, t.transposed, t.right + right, False, t.inner)
        for t in linear_form(args[i], dX)
    )


def traced(t: Term) -> Term:
    if not t.traced:
        return replace(t, traced=True)
    if t.times:
        return replace(t, coeff=t.coeff * sp.Trace(ir.mul(*t.times)), times=())
    return t  # tr(a) = a for a number


def hadamard_form(e, dX) -> tuple[Term, ...]:
    """``A ∘ Z`` term by term of ``Z``: ``A ∘ (c T) = c (A ∘ T)`` pulls a number out."""
    varying = [a for a in e.args if a.has(dX)]
    if len(varying) != 1:
        raise Unsupported("the differential is not linear in the variable's differential")
    (Z,) = varying
    A = [a for a in e.args if a is not Z]
    out = []
    for t in linear_form(Z, dX):
        if t.traced and not t.times:
            raise Unsupported(f"cannot rearrange the differential term {brief(e)}")
        if t.traced:
            out.append(replace(t, times=(ir.hadamard(*A, ir.mul(*t.times)),)))
        else:
            out.append(Term(sp.Integer(1), (), False, (), False, ir.hadamard(*A, t.expr(dX))))
    return tuple(out)


def linear_map_form(e, dX) -> tuple[Term, ...]:
    """``diag(Z)`` or ``vec(Z)`` term by term of ``Z``: ``diag(c T) = c diag(T)`` pulls a number out."""
    wrap = type(e)
    out = []
    for t in linear_form(e.arg, dX):
        if t.traced and not t.times:
            raise Unsupported(f"cannot rearrange the differential term {brief(e)}")
        if t.traced:
            out.append(replace(t, times=(wrap(ir.mul(*t.times)),)))
        else:
            out.append(Term(sp.Integer(1), (), False, (), False, wrap(t.expr(dX))))
    return tuple(out)


def transpose_term(t: Term) -> Term:
    """``(L dX R)ᵀ = Rᵀ dXᵀ Lᵀ``."""
    if t.traced:  # (c T)ᵀ = c Tᵀ for a number c
        return replace(t, times=transposed_factors(t.times))
    left, right = transposed_factors(t.right), transposed_factors(t.left)
    if t.inner is not None:
        return Term(t.coeff, left, False, right, False, transposed_inner(t.inner))
    return Term(t.coeff, left, not t.transposed, right, False)


def transposed_inner(e):
    """``eᵀ`` for what stands in place of dX: (A ∘ B)ᵀ = Aᵀ ∘ Bᵀ, (A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ, diag(z)ᵀ = diag(z)."""
    if isinstance(e, sp.HadamardProduct):
        return ir.hadamard(*(ir.transpose_of(a) for a in e.args))
    if isinstance(e, sp.KroneckerProduct):
        return sp.KroneckerProduct(*(ir.transpose_of(a) for a in e.args))
    if isinstance(e, ir.Diag) and e.of_vector:  # a diagonal matrix is symmetric
        return e
    if isinstance(e, ir.Frechet):  # L_f(X, E)ᵀ = L_f(Xᵀ, Eᵀ)
        return ir.frechet(e.name, ir.transpose_of(e.arg), ir.transpose_of(e.direction))
    return ir.transpose_of(e)  # diag(Z) is a column; its transpose a row


def transposed_factors(factors: tuple) -> tuple:
    """``(ABC)ᵀ`` as the factors ``Cᵀ, Bᵀ, Aᵀ``."""
    return tuple(ir.transpose_of(f) for f in reversed(factors))
