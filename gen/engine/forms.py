"""Textbook forms: the simplifications that bring a result to the form a textbook prints.

Some forms need the expression expanded first and collected again (``(1 − y) ∘ σ − y ∘ (1 − σ)``
is ``σ − y`` only once the entrywise products are multiplied out): those rules keep their rewrite
only when it is shorter (printed in the spec grammar), so that they never leave a longer form and
never undo one another. Others name a function back (``sin u / cos u = tan u``).

simplify imports this module for its table of rules, so what this module uses of simplify itself
(``factor_sum`` and two rules) is imported where it is used.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr

from ..expr import ir
from ..expr.printers import text
from .powers import merge_entrywise, summed_powers
from .registry import COOKBOOK, rule
from .transposes import push_transposes, transposed
from .walk import rebuild

HORN_JOHNSON = "Horn & Johnson, Matrix Analysis, §7.5 (the Hadamard product)"
ALGEBRA = "Stewart, Calculus: Early Transcendentals, §3.2 (a quotient over one denominator)"
TRIGONOMETRY = "Stewart, Calculus: Early Transcendentals, Appendix D (tan = sin/cos)"


@lru_cache(maxsize=4096)
def length(e) -> tuple[int, int]:
    """How long ``e`` reads: its characters in the spec grammar, then (on a tie, which the printer's
    fractions make common: ``(a − b)/N`` against ``a/N − b/N``) its nodes."""
    return len(text(e)), sum(1 for _ in sp.preorder_traversal(e))


def shorter(new, old) -> bool:
    """Whether ``new`` reads shorter than ``old``."""
    return new != old and length(new) < length(old)


def smaller(rewrite):
    """The node rewritten, if that makes it shorter; else the node."""

    def visit(node):
        new = rewrite(node)
        return new if new is not None and shorter(new, node) else node

    return visit


# --- entrywise products: expanded, like terms cancelled, collected -----------------------


@rule(
    "collect entrywise products",
    r"A \circ (B + C) = A \circ B + A \circ C,\ A \circ C + B \circ C = (A + B) \circ C",
    HORN_JOHNSON,
)
def entrywise_like_terms(e, symmetric=frozenset()):
    """A sum of entrywise products is multiplied out, its like terms cancelled and its common
    factors taken out again, when that is shorter: ``(1 − y) ∘ σ − y ∘ (1 − σ) = σ − y``."""

    return rebuild(e, smaller(collected_entrywise))


def collected_entrywise(node):
    """The shorter of the sum with its common entrywise factor taken out, and the sum multiplied
    out and collected; an entrywise product of a sum of quotients, multiplied out over it."""
    if isinstance(node, sp.HadamardProduct):
        from .products import over_quotients

        return over_quotients(node)
    if not isinstance(node, sp.MatAdd):
        return None
    candidates = [common_entrywise_factor(node)]
    if any(expandable(t) for t in node.args):
        candidates.append(multiplied_out(node))
    return min(candidates, key=length)


def multiplied_out(node):
    gathered: dict = {}  # like terms, whatever the order of their entrywise factors
    for term in node.args:
        for t in distributed(term):
            coeff, factors = ir.coeff_and_factors(t)
            key = tuple(sorted_hadamard(f) for f in factors)
            first, total = gathered.get(key, (factors, 0))
            gathered[key] = first, total + coeff
    terms = [ir.mul(c, *fs) for fs, c in gathered.values() if c != 0]
    if not terms:
        return sp.ZeroMatrix(*node.shape)
    return common_entrywise_factor(ir.add(*terms)) if len(terms) > 1 else collected(terms[0])


def collected(e):
    """``e`` with its like terms collected and common factors taken out (if it is a sum)."""
    from .simplify import factor_sum

    return factor_sum(e) if isinstance(e, sp.MatAdd) else e


def expandable(term) -> bool:
    """An entrywise product with a sum among its factors."""
    factors = ir.coeff_and_factors(term)[1]
    if len(factors) != 1 or not entrywise(factors[0]):
        return False
    return any(isinstance(a, sp.MatAdd) for a in factors[0].args)


def entrywise(f) -> bool:
    return isinstance(f, sp.HadamardProduct)


def distributed(term) -> list:
    """The terms of ``term`` with its entrywise products multiplied out over their sums."""

    coeff, factors = ir.coeff_and_factors(term)
    if not (len(factors) == 1 and entrywise(factors[0])):
        return [term]
    choices = itertools.product(*(ir.terms(a) for a in factors[0].args))
    return [ir.mul(coeff, merge_entrywise(ir.hadamard(*choice))) for choice in choices]


def sorted_hadamard(f):
    """``f`` with its entrywise factors in a canonical order (``A ∘ B`` and ``B ∘ A`` are one term)."""
    return sp.HadamardProduct(*sorted(f.args, key=sp.default_sort_key)) if entrywise(f) else f


def common_entrywise_factor(e):
    """``A ∘ C + B ∘ C = (A + B) ∘ C``, the common factor where the first term has it; then the
    common factors of the products in the sum (``WᵀA + WᵀB = Wᵀ(A + B)``)."""
    parts = [ir.coeff_and_factors(t) for t in e.args]
    if not all(len(fs) == 1 for _, fs in parts):  # (A ∘ C)xᵀ − (B ∘ C)xᵀ: xᵀ out, then C, in one line
        outer = collected(e)
        return outer if outer == e else rebuild(outer, smaller(collected_entrywise))
    bases = [entrywise_factors(fs[0]) for _, fs in parts]
    common = [b for b in bases[0] if all(b in other for other in bases[1:])]
    if not common:
        return collected(e)
    c = common[0]
    rest = collected(ir.add(*(ir.mul(k, without(fs[0], c)) for k, fs in parts)))
    return ir.hadamard(c, rest) if bases[0].index(c) == 0 else ir.hadamard(rest, c)


def entrywise_factors(f) -> list:
    return list(f.args) if entrywise(f) else [f]


def without(f, c):
    """The entrywise product ``f`` without its factor ``c`` (the matrix of ones if nothing is left)."""
    kept = list(entrywise_factors(f))
    kept.remove(c)
    return ir.hadamard(*kept) if kept else sp.OneMatrix(*f.shape)


# --- sums inside a trace ---------------------------------------------------------------


@rule(
    "expand a trace",
    r"\operatorname{tr}(A(B + C)) = \operatorname{tr}(AB) + \operatorname{tr}(AC)",
    COOKBOOK,
)
def traced_sums(e, symmetric=frozenset()):
    """A trace of a product with a sum is expanded term by term, when the terms cancel or shorten:
    a centred vector sums to zero, ``1ᵀ(x − (1ᵀx/n) 1) = 1ᵀx − (1ᵀx/n) n = 0``."""

    return rebuild(e, smaller(expanded_trace))


def expanded_trace(node):
    """The trace expanded, if its terms cancel: to nothing, or to a single one (a variance
    ``tr((x − μ1)ᵀ(x − μ1))`` stays as it is, though ``xᵀx − (1ᵀx)²/n`` is shorter)."""
    if not isinstance(node, sp.Trace) or len(terms := expanded(node.arg)) < 2:
        return None
    from .simplify import numbers_out_of_traces, sums_of_ones

    tidy = [numbers_out_of_traces(push_transposes(t)) for t in terms]  # 1ᵀ, not (1)ᵀ; n⁻¹ out of tr
    total = ir.add(*(sums_of_ones(numbers_out_of_traces(oriented(t))) for t in tidy))
    return total if len(ir.terms(total)) == 1 else None


def oriented(P):
    """``tr(P)`` of a 1×1 product, or ``tr(Pᵀ)``, which equals it: the one that sums (``1ᵀx``, not
    ``xᵀ1``), else the first in SymPy's order, so that equal terms are written alike and cancel."""

    if P.shape != (1, 1):
        return sp.Trace(P)
    both = (P, transposed(P, frozenset()))
    return sp.Trace(min(both, key=lambda Q: (not summing(Q), sp.default_sort_key(Q))))


def summing(P) -> bool:
    """Whether the product ``P`` begins with a row of ones."""
    return isinstance(ir.coeff_and_factors(P)[1][0], sp.OneMatrix)


def expanded(e) -> list:
    """The terms of a product of sums, multiplied out (transposed sums too: ``(a + b)ᵀ = aᵀ + bᵀ``)."""

    if isinstance(e, sp.MatAdd):
        return [t for a in e.args for t in expanded(a)]
    if isinstance(e, sp.Transpose) and isinstance(e.arg, sp.MatAdd):
        return [t for a in e.arg.args for t in expanded(transposed(a, frozenset()))]
    if not isinstance(e, sp.MatMul):
        return [e]
    coeff, factors = ir.coeff_and_factors(e)
    return [ir.mul(coeff, *choice) for choice in itertools.product(*(expanded(f) for f in factors))]


# --- rational functions of numbers ----------------------------------------------------


@rule(
    "common denominator",
    r"\frac{a}{c} + \frac{b}{c^{2}} = \frac{ac + b}{c^{2}}",
    ALGEBRA,
)
def scalar_fractions(e, symmetric=frozenset()):
    """A sum of numbers (no matrix in it) is put over a common denominator, cancelled and factored,
    when that is shorter: ``2x/(1 + x²) − 2x(x² − 1)/(1 + x²)² = 4x/(x² + 1)²``, ``½(1 + x²/4)⁻¹ =
    2(x² + 4)⁻¹``."""

    return rebuild(e, smaller(common_denominator))


def common_denominator(node):
    """A sum of numbers, or a product or power holding one, over one denominator, factored, and a
    sum cancelled: the shortest of these (``½(1 + x²/4)⁻¹`` is ``2(x² + 4)⁻¹``)."""
    if not isinstance(node, (sp.Add, sp.Mul, sp.Pow)) or not node.has(sp.Add):
        return None
    if any(isinstance(n, MatrixExpr) for n in sp.preorder_traversal(node)):
        return None
    together = sp.together(node)
    candidates = [sp.factor(together), together]
    if isinstance(node, sp.Add):  # a product stays one: cancelling would multiply it out
        candidates.append(sp.cancel(node))
    return min(candidates, key=length)


# --- named functions recognised back ----------------------------------------------------

QUOTIENTS = {("sin", "cos"): "tan"}  # φ(u)/ψ(u) = χ(u)


@rule(
    "named quotient",
    r"\frac{\sin u}{\cos u} = \tan u,\ \frac{e^{u}}{1 + e^{u}} = \sigma(u),\ "
    r"\operatorname{sign}(u)\,\lvert u\rvert^{-1} = u^{-1}",
    TRIGONOMETRY,
)
def named_quotients(e, symmetric=frozenset()):
    """A quotient of functions that has a name is written with it (``sin u / cos u = tan u``,
    ``e^u/(1 + e^u) = σ(u)``, ``e^u/(1 + e^u)² = σ(u)(1 − σ(u))``, for numbers and entry by entry); a
    sign over an absolute value is a reciprocal (``sign(u)/|u| = 1/u``, away from 0, where both sides
    are defined)."""

    return rebuild(e, named)


def named(node):
    if type(node) is sp.Mul:
        powers: dict = {}
        for factor in sp.Mul.make_args(node):  # exp(x) kept as a base (SymPy's own powers say E^x)
            base, k = factor.args if type(factor) is sp.Pow else (factor, sp.Integer(1))
            powers[base] = powers.get(base, 0) + k
        renamed = renamed_powers(powers, ir.ScalarFunction)
        return node if renamed is None else sp.Mul(*(b**k for b, k in renamed.items()))
    if not isinstance(node, (sp.HadamardProduct, sp.HadamardPower)):
        return node

    coeff, powers = summed_powers(node)
    renamed = renamed_powers(powers, ir.Elementwise)
    if renamed is None:
        return node
    kept = [ir.entrywise_power(b, k) for b, k in renamed.items() if k != 0]
    return ir.mul(coeff, ir.hadamard(*kept) if kept else sp.OneMatrix(*node.shape))


def renamed_powers(powers: dict, kind) -> dict | None:
    """The powers with ``sign(u) |u|^{±1}`` replaced by ``u^{±1}``, then ``φ(u)^k ψ(u)^{-k}`` by
    ``χ(u)^k`` (``None`` if there is none)."""
    out = dict(powers)
    for u, calls in applied(out, kind):
        if "sign" in calls and "abs" in calls and out[calls["sign"]] == 1 and out[calls["abs"]] in (1, -1):
            del out[calls["sign"]]
            out[u] = out.get(u, 0) + out.pop(calls["abs"])
    for u, calls in applied(out, kind):
        for (num, den), name in QUOTIENTS.items():
            if num in calls and den in calls and out[calls[num]] == -out[calls[den]] != 0:
                del out[calls[den]]
                out[ir.apply(name, u)] = out.get(ir.apply(name, u), 0) + out.pop(calls[num])
    sigmoids(out)
    return None if out == powers else out


def sigmoids(out: dict) -> None:
    """``e^u/(1 + e^u)`` is ``σ(u)`` (to any power) and ``e^u/(1 + e^u)²`` is ``σ(u)(1 − σ(u))``,
    in place."""
    for base in [b for b in out if exponential_of(b, sum_with_one=True) is not None]:
        u = exponential_of(base, sum_with_one=True)
        numerator = next((b for b in out if exponential_of(b) == u), None)
        a, k = out.get(numerator, 0), -out[base]
        if not (a == k != 0 or (a, k) == (1, 2)):
            continue
        del out[base], out[numerator]
        sigma = ir.apply("sigmoid", u)
        out[sigma] = out.get(sigma, 0) + a
        if k == 2 and a == 1:
            rest = ir.add(ir.one_like(u), ir.neg(sigma))
            out[rest] = out.get(rest, 0) + 1


def exponential_of(b, sum_with_one: bool = False):
    """``u`` if ``b`` is ``e^u`` (or, with ``sum_with_one``, ``1 + e^u``), for a number or entry by entry."""
    if sum_with_one:
        if not isinstance(b, (sp.Add, sp.MatAdd)) or len(b.args) != 2:
            return None
        ones = [t for t in b.args if t == 1 or isinstance(t, sp.OneMatrix)]
        rest = [t for t in b.args if t not in ones]
        return exponential_of(rest[0]) if len(ones) == 1 and len(rest) == 1 else None
    if isinstance(b, sp.exp):
        return b.args[0]
    return b.arg if isinstance(b, ir.Elementwise) and b.name == "exp" else None


def applied(powers: dict, kind) -> list:
    """Each argument ``u`` of a function in ``powers``, with the functions applied to it by name."""
    bases = [b for b in powers if isinstance(b, kind) and not b.params]
    return [(u, {b.name: b for b in bases if b.arg == u}) for u in dict.fromkeys(b.arg for b in bases)]


# --- a common factor of the coefficients -------------------------------------------------


@rule("common factor", r"a^{p}A + a^{q}B = a^{p}(A + a^{q - p}B)", COOKBOOK)
def common_factors(e, symmetric=frozenset()):
    """A power of a number that every term of a sum has in its coefficient comes out, the lowest
    (in magnitude) that all share, when that is shorter: ``σ⁻¹g − σ⁻³ c y = σ⁻¹(g − σ⁻² c y)``."""

    return rebuild(e, smaller(common_power))


def common_power(node):
    if not isinstance(node, sp.MatAdd):
        return None
    parts = [ir.coeff_and_factors(t) for t in node.args]
    powers = [c.as_powers_dict() for c, _ in parts]
    common = sp.Integer(1)
    for base in powers[0]:
        exponents = [sp.S(p.get(base, 0)) for p in powers]
        if base.is_Number or not all(k.is_Number and k * exponents[0] > 0 for k in exponents):
            continue
        common *= base ** min(exponents, key=abs)
    if common == 1:
        return None
    return ir.mul(common, ir.add(*(ir.mul(c / common, *fs) for c, fs in parts)))


# --- common factors of some of the terms -----------------------------------------------


@rule("factor some terms", r"AB + AC + D = A(B + C) + D", COOKBOOK)
def partial_factors(e, symmetric=frozenset()):
    """Terms of a sum that share their first (or last) factor are collected, the others left as they
    are, when that is shorter: ``Xᵀσ + λw − Xᵀy = Xᵀ(σ − y) + λw``."""

    return rebuild(e, smaller(grouped))


def grouped(node):
    """The sum with the one group of its terms that share a factor collected (``None`` if there is no
    such group, or several: which to take would be arbitrary, and a textbook leaves such sums alone)."""
    if not isinstance(node, sp.MatAdd) or len(node.args) < 3:
        return None
    from .simplify import factor_sum

    parts = [(t, ir.coeff_and_factors(t)[1]) for t in node.args]
    groups = {
        group
        for side in (0, -1)
        for factor in dict.fromkeys(fs[side] for _, fs in parts if fs)
        if 2 <= len(group := tuple(t for t, fs in parts if fs and fs[side] == factor)) < len(parts)
    }
    if len(groups) != 1:
        return None
    (group,) = groups
    return ir.add(factor_sum(ir.add(*group)), *(t for t, _ in parts if t not in group))
