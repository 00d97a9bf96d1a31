"""Textbook forms the printers share (the spec grammar, LaTeX, and through them JSON and Markdown).

The rules, decided once here rather than per spec or per printer:

- **A number is never wrapped in ``tr``.** The engine writes a 1×1 product used as a number as its
  trace, ``tr(xᵀx)``; it prints as the product, ``x^T*x`` (LaTeX ``x^{\\top}x``), which the grammar
  reads back as the same number. A trace of anything larger prints as a trace.
- **Negative powers are denominators.** In a product, every factor ``b^(-k)`` with ``b`` not a number
  (a symbol, a 1×1 product, a function, a sum) goes under a fraction bar as ``b^k``, ``b^(1/2)`` as
  ``sqrt(b)``: ``d^(-1/2)*Q`` prints ``Q/sqrt(d)``, ``x^(-1)`` prints ``1/x``,
  ``T^(-1)*softmax(T^(-1)*z)`` prints ``softmax(z/T)/T``. A rational coefficient joins that
  fraction (``a/(2*sqrt(s))``, not ``1/2*a/sqrt(s)``); with no other denominator it stays in front
  as today (``1/2*x``, LaTeX ``\\tfrac{1}{2}x``: ½ log det Σ, not (log det Σ)/2). A sum keeps one
  fraction per term: terms over different denominators are combined only by the simplifier.
- **The sum of a vector's entries reads ``1ᵀy``** in LaTeX (``\\mathbf{1}^{\\top}y`` for the engine's
  ``yᵀ1``) and ``sum(y)`` in the grammar (never ``sum(y^T)``).
- **An entrywise function of a transpose is the transpose of the function** in LaTeX:
  ``\\tanh(x)^{\\top}``, not ``\\tanh(x^{\\top})`` (the same matrix, as a textbook writes it). The
  grammar keeps ``tanh(x^T)``, the tree the engine holds: what it prints parses back to the same tree.
- **The author's order of terms.** The lowering records the order in which the spec's function
  writes the terms of its sums (`gen.expr.lower.written_order`, kept as ``Derivation.order``);
  while a derivation is shown (`authored`, `in_authors_order`), a sum prints its terms in that
  order (``det(A + expm(A))``, not SymPy's ``det(expm(A) + A)``), a differential ``dF`` in the
  place of ``F`` (``dA + d(e^A)``), terms the function does not have after them in the printers'
  stable order. Positive terms still come before negative ones. Without a recorded order (a bare
  ``latex(e)``) the stable order alone decides.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from contextvars import ContextVar

import sympy as sp
from sympy.core.parameters import distribute

from . import ir
from .functions import FUNCTIONS


def is_number_product(e) -> bool:
    """The trace of a 1×1 product: the product used as a number."""
    return isinstance(e, sp.Trace) and e.arg.shape == (1, 1)


def number_shown(e):
    """The 1×1 product that ``tr(P)`` (``P`` 1×1) prints as: ``P``, or its transpose ``1ᵀy`` for
    ``yᵀ1`` (a number is its own transpose; the sum of entries reads with the ones in front)."""
    factors = list(e.arg.args) if isinstance(e.arg, sp.MatMul) else []
    if len(factors) == 2 and is_ones(factors[1], column=True) and not is_ones(factors[0], column=False):
        return ir.mul(ir.transpose_of(factors[1]), ir.transpose_of(factors[0]))
    return e.arg


def is_ones(e, column: bool) -> bool:
    """Whether ``e`` is a column (or row) of ones."""
    return isinstance(e, sp.OneMatrix) and (e.shape[1] if column else e.shape[0]) == 1


def transposed_outside(e):
    """``φ(F)ᵀ`` for the entrywise ``φ(Fᵀ)`` (the same matrix), as it is printed; else None."""
    if isinstance(e, ir.Elementwise) and isinstance(e.arg, sp.Transpose):
        return sp.Transpose(ir.Elementwise(e.name, e.arg.arg, *e.params))
    return None


def fraction(coeff):
    """Numerator and denominator of a scalar coefficient: negative powers go under the bar, a
    rational number with them (``a/(2√s)``), alone it stays in front (``½ log det Σ``)."""
    number, rest = coeff.as_coeff_Mul()
    numer, denom = sp.fraction(rest, exact=True)
    if isinstance(number, sp.Rational) and not number.is_Integer and denom == 1:
        return ir.mul(number, numer), denom
    return sp.fraction(coeff, exact=True)


# --- the author's order of terms ------------------------------------------------


AUTHORED: ContextVar[dict | None] = ContextVar("authored", default=None)


def record_terms(order: dict, terms) -> None:
    """Note ``terms`` (of a sum just written) in first-seen order: each term's rank is its place."""
    for term in terms:
        order.setdefault(term, len(order))


@contextmanager
def authored(order):
    """Print sums in the author's ``order`` (pairs ``(term, rank)``) while inside the block."""
    token = AUTHORED.set(dict(order))
    try:
        yield
    finally:
        AUTHORED.reset(token)


def in_authors_order(view):
    """``view(derivation, …)`` printing every sum in the order of the derivation's function."""

    @functools.wraps(view)
    def printed(derivation, *args, **kwargs):
        with authored(derivation.order):
            return view(derivation, *args, **kwargs)

    return printed


def rank(term) -> int:
    """The term's place in the author's function, a differential ``dF`` taking the place of ``F``
    (``dA + d(e^A)`` for ``A + e^A``); terms it does not have come after all of them."""
    order = AUTHORED.get() or {}
    written = term.arg if isinstance(term, (ir.MatDiff, ir.Diff)) and term not in order else term
    return order.get(written, len(order))


# --- what both printers write alike: the order and signs of terms, parameters shown ----------------


def of_matrix(e) -> bool:
    """Whether ``φ(F)`` applies ``φ`` to the entries of a matrix that is not a vector (or a number)."""
    return ir.is_matrix(e.arg) and 1 not in e.arg.shape


def written_parameters(e) -> tuple:
    """The parameters of ``φ(F, …)`` a reader must be shown: none when they are the defaults
    (``step(x)`` for ``step(x, 0)``)."""
    defaults = tuple(None if d is None else sp.Integer(d) for _, d in FUNCTIONS[e.name].parameters)
    return () if tuple(e.params) == defaults else tuple(e.params)


def split_sign(e):
    """``(True, x)`` when ``e`` is ``-x``: a negative numeric coefficient, also one inside a
    1×1 product used as a number (``½ tr(-aᵀb)`` reads ``-½ aᵀb``)."""
    if is_number_product(e):
        negative, magnitude = split_sign(e.arg)
        return (True, sp.Trace(magnitude)) if negative else (False, e)
    if isinstance(e, (sp.MatMul, sp.Mul)):
        coeff, factors = ir.coeff_and_factors(e) if ir.is_matrix(e) else (e, ())
        number, rest = coeff.as_coeff_Mul()
        signs = [split_sign(f) if is_number_product(f) else (False, f) for f in sp.Mul.make_args(rest)]
        negative = (number < 0) != (sum(s for s, _ in signs) % 2 == 1)
        if number < 0 or any(s for s, _ in signs):
            with distribute(False):  # -2*(a + b) is 2*(a + b) negated, not 2*a + 2*b
                return negative, ir.mul(abs(number), *(m for _, m in signs), *factors)
    if e.is_Number and e < 0:
        return True, -e
    return False, e


def ordered_terms(e):
    """Terms of a sum in reading order: positive before negative, then as the author wrote them
    (see `rank`), then ``X`` before ``tU``, ``A`` before ``Aᵀ``."""
    return sorted(ir.terms(e), key=lambda t: (split_sign(t)[0], rank(t), *stable_key(t)))


def stable_key(t) -> tuple:
    """The order of terms the author did not write: ``X`` before ``tU``, ``A`` before ``Aᵀ``, then SymPy's."""
    return symbolic_coeff(t), t.count(sp.Transpose), sp.default_sort_key(t)


def symbolic_coeff(term) -> bool:
    """Whether a matrix term has a symbolic scalar factor, as ``tU`` in ``X + tU``."""
    return ir.is_matrix(term) and not ir.coeff_and_factors(term)[0].is_Number
