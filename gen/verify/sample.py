"""Random points over each symbol's whole domain, at two assignments of sizes to the dimensions.

The dimensions get distinct small sizes, all even at one assignment and all odd at the
other (``n = 4, m = 2`` and ``n = 5, m = 3``), in the same order at both, so that a
statement true at one size only fails, and shape mistakes surface. The samples alternate
between the two; the determinant of a square matrix (and the sign of a number) takes both
signs at each, wherever the assumptions allow (``domains``). A point where a matrix to
invert is nearly singular, or the argument of a log is barely positive, is drawn again; so is
one where an entry of a piecewise function's argument is within KINK_MARGIN of a kink (relu's
0, huber's ±δ), so that no central difference straddles one; a sub-expression that is
undefined at a point of the declared domain is an error.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import sympy as sp

from ..engine.derive import Derivation
from ..errors import Unsupported
from ..expr import ir
from ..expr.functions import FUNCTIONS, OFF_NEGATIVE_AXIS, POSITIVE
from ..expr.lower import locate
from ..expr.piecewise import is_piecewise, kinked, kinks
from ..expr.printers import text
from . import spectral
from .domains import draw_value, well_conditioned
from .evaluate import Evaluator

__all__ = ["draw", "draw_value", "sample_dims", "size_assignments", "well_conditioned"]

SMALLEST = (2, 3)  # the smallest size of the even assignment and of the odd one
# Finite differences need the smallest singular value of a matrix to invert well above their step.
MIN_SINGULAR_VALUE, CONDITION = 0.1, 1e3
MIN_POSITIVE = 0.1  # the argument of a log or a fractional power, kept away from 0 likewise
# an argument of relu, abs, huber, …: 30 times the reach of the 6-point stencil (3 × evaluate.STEP)
KINK_MARGIN = 0.1
SIDES_WANTED = 50  # well-posed points drawn again for the sides of the kinks, at most
DRAWS = 50
COVERED = 4  # from this many samples on, each assignment has seen each symbol's both signs


def dimension_names(derivation: Derivation) -> list:
    """The named dimensions, in order of first appearance."""
    names = []
    for _, s in derivation.symbols:
        for dim in getattr(s, "shape", ()):
            if dim.is_Symbol and dim not in names:
                names.append(dim)
    return names


def sizes(smallest: int, count: int) -> tuple[int, ...]:
    """``count`` distinct sizes of the parity of ``smallest``: the second below the first, the rest
    increasing (4, 2, 6, 8, … and 5, 3, 7, 9, …; a relation such as n > m holds at both)."""
    return tuple(smallest + 2 * k for k in (1, 0, *range(2, count)))[:count]


def size_assignments(derivation: Derivation) -> tuple[dict, ...]:
    """The even and the odd assignment of sizes to the named dimensions."""
    names = dimension_names(derivation)
    return tuple(dict(zip(names, sizes(smallest, len(names)))) for smallest in SMALLEST)


def sample_dims(derivation: Derivation) -> dict:
    """The first (even) assignment: one point is enough where nothing is checked (code export)."""
    return size_assignments(derivation)[0]


def sign(sample: int, symbol: int) -> int:
    """The sign of symbol number ``symbol``'s determinant at sample ``sample``: samples 2k and
    2k + 1 are at the two assignments, and each symbol's sign flips from one pair to the next, so
    that four samples give every (assignment, sign) pair; odd-numbered symbols also flip within a
    pair, so that neighbours take opposite signs too."""
    pair, at = divmod(sample, 2)
    return -1 if (pair + at * (symbol % 2)) % 2 else 1


def draw(derivation: Derivation, dims: dict, rng, sample: int = 0) -> dict:
    """Sample number ``sample``'s point, where every inverse is well conditioned and every log
    defined, in the function and in every claim, compared value and step the checks evaluate there.

    A sub-expression undefined at the point drawn (a log of something ≤ 0) is the error: the
    declared domain contains points where it is undefined. If no well-conditioned point is found,
    the condition that failed most often is the error, at its sub-expression. Up to SIDES_WANTED
    points are also drawn again because they do not put the arguments of piecewise functions on
    the sides of their kinks that this sample asks for (``on_the_sides``); the next one is kept.
    """
    failures, wrong_sides = Counter(), 0
    while sum(failures.values()) < DRAWS:
        values = draw_values(derivation, dims, rng, sample)
        if (found := ill_posed(derivation, values, dims)) is None:
            if wrong_sides >= SIDES_WANTED or on_the_sides(derivation, values, dims, sample):
                return values
            wrong_sides += 1
            continue
        source, node, undefined = found
        if undefined:
            raise Unsupported(
                undefined_where(derivation, node, dims), locate(source, derivation.symbol_map, node)
            )
        failures[source, node] += 1
    (source, node), _ = failures.most_common(1)[0]
    span = locate(source, derivation.symbol_map, node)
    raise Unsupported(f"could not draw a point where {condition(node)} (tried {DRAWS} random points)", span)


def on_the_sides(derivation: Derivation, values: dict, dims: dict, sample: int) -> bool:
    """Whether each piecewise function's argument in the function is on the sides of its kinks that
    sample number ``sample`` asks for: a number on side ``sample`` (counted modulo the sides: below
    and above relu's 0, then below, between and above huber's ±δ), so that the samples visit each;
    a vector or matrix with an entry on every side, when it has that many entries."""
    ev = Evaluator(values, dims, {})
    for node in kinked(derivation.function):
        at, value = sorted(float(ev(k)) for k in kinks(node)), np.ravel(ev(node.arg))
        count = len(at) + 1
        wanted = {sample % count} if value.size == 1 else set(range(count)) if value.size >= count else set()
        if not wanted <= set(np.searchsorted(at, value).tolist()):
            return False
    return True


def evaluated(derivation: Derivation) -> tuple:
    """(source text, expression, differentiated?) for the function and each claim, compared value
    and step: the function and the steps are differentiated, so they need more than a defined value.
    Each in the spec's symbols (names unfolded), as the spec's text writes it."""
    spec = derivation.spec
    claim = ((spec.claim, derivation.claim, False),) if derivation.claim is not None else ()
    texts = (
        (spec.function, derivation.function, True),
        *claim,
        *((c.expr, value, False) for c, (_, value) in zip(spec.compare, derivation.compare)),
        *((step.expr, value, True) for step, value in zip(spec.steps, derivation.steps)),
        *((text, value, False) for (_, text), (_, value) in zip(spec.claims, derivation.claims)),
    )
    return tuple((text, derivation.named.unfold(e), differentiated) for text, e, differentiated in texts)


def ill_posed(derivation: Derivation, values: dict, dims: dict):
    """(source, sub-expression, undefined?) of the first condition that fails at ``values``: undefined
    there (an error), or too close to singular to differentiate (drawn again); None if none fails."""
    ev = Evaluator(values, dims, {})
    for source, expr, differentiated in evaluated(derivation):
        for node in sp.postorder_traversal(expr):  # the innermost condition first
            if node.has(ir.MatDiff, ir.Diff):  # a step's differential: its pieces are checked below it
                continue
            if isinstance(node, (sp.Inverse, sp.Determinant)) and not well_conditioned_value(ev(node.arg)):
                return source, node, False
            if type(node) in spectral.WELL_POSED and spectral.ill_posed(node, ev(node.arg)):
                return source, node, False
            if is_piecewise(node) and near_kink(ev(node.arg), [ev(k) for k in kinks(node)]):
                return source, node, False
            if needs_principal(node) and not off_negative_axis(ev(node.arg)):
                return source, node, on_negative_axis(ev(node.arg))
            if not restricted(node):
                continue  # log(softmax(Z)) is defined and smooth wherever Z is
            value = np.asarray(ev(positive_part(node)))
            if np.any(value < 0) or np.any(value == 0) and not defined_at_zero(node):
                return source, node, True
            if differentiated and not np.all(value > MIN_POSITIVE):
                return source, node, False
    return None


def undefined_where(derivation: Derivation, node, dims: dict) -> str:
    """``logdet(-X) is undefined where det(-X) ≤ 0, which happens for some spd X when n = 5 …``"""
    if needs_principal(node):
        argument, advice = node.arg, "it has none (such as spd or positive_eigenvalues)"
        where = f"{text(argument)} has an eigenvalue on the closed negative real axis"
    else:
        argument, advice = positive_part(node), "it is positive (such as positive, spd or positive_det)"
        where = f"{text(argument)} {'< 0' if defined_at_zero(node) else '≤ 0'}"
    symbols = [s for s in derivation.spec.symbols if argument.has(derivation.symbol_map[s.name])]
    who = " and ".join(f"some {' and '.join(s.assume)} {s.name}".replace("  ", " ") for s in symbols)
    when = ", ".join(f"{d} = {size}" for d, size in dims.items())
    return (
        f"{text(node)} is undefined where {where}, which happens"
        + f" for {who}" * bool(who)
        + f" when {when}" * bool(when)
        + f"; declare assumptions under which {advice}"
    )


def defined_at_zero(node) -> bool:
    """A square root or a positive fractional power: defined at 0 (though not differentiable)."""
    if isinstance(node, (sp.Pow, sp.HadamardPower)):
        return node.exp.is_positive is True  # a^T (T a symbol), x^x: not known to be positive
    return isinstance(node, ir.Elementwise) and node.name == "sqrt"


KINDS = {
    sp.Inverse: "inverse",
    sp.Determinant: "det",
    sp.log: "log",
    sp.Pow: "power",
    sp.HadamardPower: "power",
}
CONDITIONS = {
    "inverse": "the matrix to invert is well conditioned",
    "det": "the matrix of det is well conditioned",
    "logdet": "the determinant in logdet is positive",
    "log": "the argument of log is positive",
    "sqrt": "the argument of sqrt is positive",
    "power": "the base of the fractional power is positive",
}


def needs_principal(node) -> bool:
    """``logm``, ``sqrtm`` and their Fréchet derivatives: the principal branch (the table's domain)."""
    named = isinstance(node, (ir.MatrixFunction, ir.Frechet, ir.KroneckerForm))
    return named and FUNCTIONS[node.name].domain == OFF_NEGATIVE_AXIS


def off_negative_axis(M) -> bool:
    """Every eigenvalue at least MIN_POSITIVE away from the closed negative real axis."""
    eigenvalues = np.linalg.eigvals(np.atleast_2d(M))
    distance = np.where(eigenvalues.real >= 0, np.abs(eigenvalues), np.abs(eigenvalues.imag))
    return bool(np.all(distance > MIN_POSITIVE))


def on_negative_axis(M) -> bool:
    """A real negative eigenvalue (as every real matrix of negative determinant has): no real
    principal logarithm or square root there, an error rather than a point to draw again."""
    eigenvalues = np.linalg.eigvals(np.atleast_2d(M))
    return bool(np.any((eigenvalues.real < 0) & (np.abs(eigenvalues.imag) < 1e-9 * np.abs(eigenvalues))))


def condition(node) -> str:
    """What ``node`` needs of the point, in words: ``the argument of sqrt is positive``."""
    if type(node) in spectral.WELL_POSED:
        return spectral.condition(node)
    if is_piecewise(node):
        return f"every entry of the argument of {node.name}() is at least {KINK_MARGIN} from its kinks"
    if needs_principal(node):
        return f"the matrix in {node.name}() has no eigenvalue on the closed negative real axis"
    kind = node.name if isinstance(node, ir.Elementwise) else KINDS[type(node)]
    if kind == "power" and node.exp == sp.Rational(1, 2):
        kind = "sqrt"
    if kind == "log" and isinstance(positive_part(node), sp.Determinant):
        kind = "logdet"
    return CONDITIONS[kind]


def needs_positive(node) -> bool:
    """A logarithm, a fractional power, a function of a positive argument (the table's domain)."""
    if isinstance(node, (sp.Pow, sp.HadamardPower)):
        return not node.exp.is_integer
    if isinstance(node, ir.Elementwise):
        return FUNCTIONS[node.name].domain == POSITIVE
    return isinstance(node, sp.log)


def restricted(node) -> bool:
    """Whether ``node`` needs a positive argument that is not positive by construction: the domain
    of a log or a fractional power (``log(softmax(z))`` is defined wherever z is)."""
    return needs_positive(node) and not positive_by_construction(positive_part(node))


POSITIVE_NODES = (sp.exp, sp.OneMatrix, ir.Softmax, ir.RowSoftmax)  # a softmax's entries are e^z / Σ e^z


def positive_by_construction(e) -> bool:
    """Sums, products, transposes and powers of positive functions (and of ones): log(1ᵀ exp(x))
    needs no assumption."""
    if isinstance(e, POSITIVE_NODES) or isinstance(e, ir.Elementwise) and FUNCTIONS[e.name].positive:
        return True
    if isinstance(e, (sp.Pow, sp.HadamardPower)):  # 1/1ᵀexp(z), the softmax: powers of positives
        return positive_by_construction(e.base)
    if isinstance(e, (sp.Trace, sp.Transpose, sp.MatMul, sp.Mul, sp.MatAdd, sp.Add, sp.HadamardProduct)):
        return all(positive_by_construction(a) for a in e.args)
    return e.is_number and e.is_positive is True  # 2, 2π


def positive_part(node):
    return node.base if isinstance(node, (sp.Pow, sp.HadamardPower)) else node.args[-1]


def near_kink(value, at) -> bool:
    """Whether an entry of ``value`` is within KINK_MARGIN of one of the kinks ``at``."""
    return any(np.any(np.abs(np.asarray(value) - k) < KINK_MARGIN) for k in at)


def well_conditioned_value(M) -> bool:
    singular = np.linalg.svd(np.atleast_2d(M), compute_uv=False)
    return singular[-1] >= MIN_SINGULAR_VALUE and singular[0] <= CONDITION * singular[-1]


def draw_values(derivation: Derivation, dims: dict, rng, sample: int = 0) -> dict:
    """Each symbol's value, and each named intermediate's definition (evaluated wherever the name
    is, so a line written in the names is checked as its unfolded self); with ``wrt: Sigma^-1``, Λ
    is drawn (with Σ's assumptions) and Σ is the expression Λ⁻¹, so that whatever perturbs Λ moves
    Σ along."""
    values, change = {}, derivation.change
    for k, s in enumerate(derivation.spec.symbols):
        symbol = derivation.symbol_map[s.name]
        shape = tuple(int(d) if d.is_Integer else dims[d] for d in getattr(symbol, "shape", ()))
        value = draw_value(rng, shape, s.assume, sign(sample, k))
        if change is not None and symbol == change.old:
            values[symbol] = sp.Inverse(change.new)
            symbol = change.new
        values[symbol] = value
    return {**values, **dict(derivation.named.pairs)}  # a name is the expression it stands for
