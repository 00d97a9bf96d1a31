"""Both sides of a link lowered with the engine's lowering and evaluated with its evaluator, at
points drawn by its sampler (``gen.verify``): the numbers behind a link's status."""

from __future__ import annotations

import functools
from dataclasses import replace
from itertools import islice, permutations

import numpy as np
import sympy as sp

from ..errors import Span, SpecError, Unsupported
from ..expr import ir
from ..expr.lower import dimension, symbol_table
from ..expr.parser import BinOp, Call, Num
from ..expr.shapes import Eye
from ..expr.texmatrix import block_unsized
from ..expr.texnames import noted
from ..spec.model import SymbolSpec
from ..spec.reader import Text
from ..verify.checks import diagnose, rel_error
from ..verify.domains import draw_value
from ..verify.evaluate import Evaluator
from ..verify.sample import (
    MIN_POSITIVE,
    SMALLEST,
    needs_principal,
    off_negative_axis,
    positive_part,
    restricted,
    sign,
    sizes,
    well_conditioned_value,
)
from .conditions import SHARE_NONE
from .domain import in_domain
from .expectations import SAMPLE, base
from .gradients import GradientLowering
from .indexnodes import mapped, nodes
from .shapes import children, kind_of, names_in
from .symbols import one_apart
from .symmetry import derived

SAMPLES = 6  # alternating between the two assignments of sizes
REDRAWS = 20  # points where a side is undefined (a log of a negative determinant) are drawn again
TOLERANCE = 1e-7  # the bound the engine gives differences and limits (gen/verify/checks.py ROUNDING)
ZERO = 1e-12
SEED = 20240601
ORDERS = 6  # the orders of the sizes over the dimensions tried where the sides are undefined at the first
SYMMETRIC = ("symmetric", "spd", "diagonal")
UNDEFINED = "undefined at the random points drawn"
# not an inconsistency: A^k by a symbol k is a power the numbers cannot take (an integer never drawn)
UNSIZED = ("cannot tell the size", "unknown symbol", "unknown function", "a matrix power must be an integer")
DIAGNOSES = {
    "sign": "the sign differs",
    "transpose": "the transpose of what it should be",
    "sign and transpose": "minus the transpose of what it should be",
}


def dimension_names(d) -> list[str]:
    """The named dimensions in a dimension: itself, or those of a sum of blocks' dimensions."""
    if isinstance(d, sp.Basic):
        return sorted(str(n) for n in d.free_symbols)
    return [d] if isinstance(d, str) else []


def size_of(d, sizes: dict) -> int:
    """A dimension's size in an assignment of sizes."""
    if isinstance(d, int):
        return d
    return sizes[dimension(d)] if isinstance(d, str) else int(d.subs(sizes))


class Sides:
    """The symbols of a run of links: their shapes, assumptions, sizes and values."""

    def __init__(
        self, inferred, scope, extra: dict | None = None, order: tuple | None = None, wide: str | None = None
    ):
        self.inferred, self.extra = inferred, extra
        assume = {n: (d.assume if (d := scope.lookup(n)) else ()) for n in inferred.shapes}
        assume = {n: tuple(dict.fromkeys(a + (extra or {}).get(n, ()))) for n, a in assume.items()}
        derivations = {
            n: note
            for n in inferred.shapes
            if not set(assume[n]) & set(SYMMETRIC) and (note := derived(n, scope, inferred.shapes, assume))
        }
        self.assume = {n: a + (("symmetric",) if n in derivations else ()) for n, a in assume.items()}
        self.conventions = inferred.conventions + declarations(scope, assume) + tuple(derivations.values())
        self.specs = [SymbolSpec(n, s, self.assume[n], Span("")) for n, s in inferred.shapes.items()]
        self.table = symbol_table(tuple(self.specs))
        dims = (n for s in inferred.shapes.values() for d in s for n in dimension_names(d))
        self.names = names = order or tuple(dict.fromkeys(dims))
        self.assignments = [
            {dimension(n): size for n, size in zip(names, sizes(smallest, len(names)))}
            for smallest in SMALLEST
        ]
        for assignment in self.assignments:  # n+1 beside n
            by_name = {str(k): k for k in assignment}
            for key in list(assignment):
                if (apart := one_apart(str(key))) and apart[0] in by_name:
                    assignment[key] = assignment[by_name[apart[0]]] + apart[1]
        for assignment in self.assignments if wide else ():  # one dimension larger than the others together
            assignment[dimension(wide)] = sum(v for k, v in assignment.items() if k != dimension(wide)) + 1
        self.wide = wide
        self.scope = scope

    def reordered(self):
        """The same symbols with the sizes given to the dimensions in other orders (X m×n in
        log det(X A Xᵀ) is defined at m < n only), then with one dimension larger than all the others
        together ([X₁ X₂] of n × (p + q) has full column rank at n > p + q only)."""
        for order in islice(permutations(self.names), 1, ORDERS):
            yield Sides(self.inferred, self.scope, self.extra, order)
        for name in self.names if len(self.names) > 2 else ():
            yield Sides(self.inferred, self.scope, self.extra, self.names, name)

    def sized_as(self) -> str:
        """The sizes of the first assignment, as the report prints them (``m = 2, n = 4``)."""
        return ", ".join(f"{n} = {size}" for n, size in zip(self.names, self.assignments[0].values()))

    def lower(self, tree):
        tree = self.inferred.resized(tree)  # \\mathbf{1} and I sized by the inference
        lowering = GradientLowering(Text("", Span(""), latex=True), self.table, True)
        lowering.layout = self.scope.layout  # \nabla_X f inside an expression: its value (gradients.py)
        lowering.symmetric = frozenset(n for n, a in self.assume.items() if set(a) & set(SYMMETRIC))
        return lowering.lower(tree)

    def squares(self) -> list[str]:
        """The square symbols not already symmetric (the ones a missing symmetry could be about)."""
        return [
            s.name
            for s in self.specs
            if len(s.shape) == 2 and s.shape[0] == s.shape[1] and not set(s.assume) & set(SYMMETRIC)
        ]

    def points(self, a, b):
        """(value of a, value of b) at each sample, or None where no defined point was found."""
        return [found and found[0] for found in self.samples(a, b)]

    def samples(self, a, b) -> list:
        """((value of a, value of b), the sizes, the values drawn, the directions) at each sample:
        the first draw at which both sides are defined, or None where none is. A sample with none
        decides the comparison (the sides are undefined there): the samples after it are not drawn."""
        rng = np.random.default_rng(SEED)
        out = []
        for sample in range(SAMPLES):
            dims, found = self.assignments[sample % 2], None
            for k in range(REDRAWS):
                values, directions = self.drawn(dims, rng, sample + k)
                if (pair := self.point(a, b, dims, values, directions)) is not None:
                    found = (pair, dims, values, directions)
                    break
            if found is None:
                return out + [None] * (SAMPLES - sample)
            out.append(found)
        return out

    def drawn(self, dims, rng, sample) -> tuple[dict, dict]:
        """A value for every symbol and a direction for every one that varies."""
        values, directions = {}, {}
        for k, spec in enumerate(self.specs):
            shape = tuple(size_of(d, dims) for d in spec.shape)
            shape = shape if len(shape) != 1 else (shape[0], 1)
            values[self.table[spec.name]] = draw_value(rng, shape, spec.assume, sign(sample, k))
            direction = rng.standard_normal(shape) if shape else float(rng.standard_normal())
            direction = moved(direction, spec.assume) if shape else direction
            if spec.name in self.inferred.varying:  # the others are constants: d(A) = 0
                directions[self.table[spec.name]] = direction
        for name, rate in self.rates.items():  # ẋ = Ax + Bu: x moves along Ax + Bu
            try:
                moving = value(Evaluator(values, dims, directions)(self.lower(rate)))
            except (Unsupported, SpecError, KeyError, ArithmeticError, ValueError, TypeError):
                continue  # a rate of symbols these sides do not have: x moves as drawn
            if np.shape(moving) == np.shape(directions[self.table[name]]):
                directions[self.table[name]] = moving
        return values, directions

    @functools.cached_property
    def rates(self) -> dict:
        """Each varying symbol X whose differential the text defines (``\\dot{x} = Ax + Bu``, a
        definition of dx), and that definition: the direction X moves in, not one drawn."""
        from .links import expanded, rate_of  # links reads the sides through this module

        found = {}
        for name in self.inferred.varying & set(self.inferred.shapes):
            if (rate := rate_of(name, self.scope)) is not None:
                try:
                    found[name] = expanded(rate.tree, self.scope)
                except SpecError:  # a definition read through one the front end could not read
                    continue
        return found

    def first_order(self, a, b, samples: list) -> bool:
        """Whether the sides agree where the differentials are infinitesimal, at the points
        ``samples`` drew: equal values and equal parts up to the lowest order in them that is not 0
        (``\\det(I + dA) - \\det(I) = \\operatorname{tr}(dA)``, ``(A + dA)^{-1} = A^{-1} - A^{-1} dA
        A^{-1}``; second order where the first is 0, as where two differentials dA, dA' multiply)."""
        for _, dims, values, directions in samples:
            try:
                with np.errstate(all="ignore"):
                    parts = [expansion(side, values, directions, dims) for side in (a, b)]
            except (ArithmeticError, ValueError, TypeError, np.linalg.LinAlgError):
                return False
            if np.shape(parts[0][0]) != np.shape(parts[1][0]):
                return False
            scale = max(1.0, *(float(np.max(np.abs(part))) for side in parts for part in side))
            orders = [k for k in (1, 2) if max(np.max(np.abs(side[k])) for side in parts) > SMALL * scale]
            if not orders:  # nothing varies with the differentials: the sides differ
                return False
            differences = [np.max(np.abs(parts[0][k] - parts[1][k])) for k in range(orders[0] + 1)]
            if any(d > ACCURACY[k] * scale for k, d in enumerate(differences)):
                return False
        return True

    def point(self, a, b, dims, values, directions):
        ev = Evaluator(values, dims, directions)
        try:
            with np.errstate(all="ignore"):
                if not (well_posed(ev, a) and well_posed(ev, b)):
                    return None
                pair = (value(ev(a)), value(ev(b)))
        except (ArithmeticError, ValueError, TypeError, np.linalg.LinAlgError):
            return None
        return pair if all(np.all(np.isfinite(v)) and not np.iscomplexobj(v) for v in pair) else None


ACCURACY = (TOLERANCE, 1e-6, 1e-5)  # of the value, and of the central differences below (beside the size)
STEP = 1e-4
SMALL = 1e-5  # a part of an order below this (beside the parts' size) is none: the differences' error


def expansion(side, values: dict, directions: dict, dims: dict) -> tuple:
    """The parts of ``side`` of order 0, 1 and 2 in the scale t of the differentials (central
    differences; exact to rounding for a side at most quadratic in them)."""

    def at(t: float):
        return np.asarray(value(Evaluator(values, dims, {k: t * v for k, v in directions.items()})(side)))

    low, mid, high = at(-STEP), at(0.0), at(STEP)
    return mid, (high - low) / (2 * STEP), (high - 2 * mid + low) / (2 * STEP**2)


def declarations(scope, assume: dict) -> tuple[str, ...]:
    """The assumptions the paper declares, as the report prints them (``Sigma: spd (the prose, line 9)``)."""
    # a name the check made (Σ§⁻¹, x§2) is noted as its symbol is declared
    found = [(base(n), a, scope.lookup(n)) for n, a in assume.items() if a]
    return tuple(dict.fromkeys(f"{noted(n)}: {', '.join(a)} ({d.where})" for n, a, d in found if d))


def moved(direction, assume):
    """A direction the symbol can move in: symmetric for a symmetric one (as ``gen.verify`` draws
    them), diagonal for a diagonal one, any otherwise."""
    if "diagonal" in assume and direction.ndim == 2:
        return np.diag(np.diag(direction))
    if set(assume) & set(SYMMETRIC) and direction.ndim == 2:
        return (direction + direction.T) / 2
    return direction


def well_posed(ev: Evaluator, e) -> bool:
    """Whether every matrix inverted (or whose determinant is taken) is well conditioned here and every
    log's argument positive, as the engine's sampler requires (``gen.verify.sample``): a singular
    L Lᵀ is no evidence either way."""
    for kind, node in posed(e):
        if kind == INVERTED and not well_conditioned_value(ev(node.arg)):
            return False
        if kind == PRINCIPAL and not off_negative_axis(ev(node.arg)):
            return False  # log X, X^{1/2}: the principal branch, off the closed negative real axis
        if kind == RESTRICTED and not np.all(np.asarray(ev(node)) > MIN_POSITIVE):
            return False  # log det X where det X < 0: undefined (its complex step would be iπ/h)
    return True


INVERTED, PRINCIPAL, RESTRICTED = "inverted", "principal", "restricted"


@functools.lru_cache(maxsize=4096)
def posed(e) -> tuple:
    """(what is required, of which node) for `well_posed`, once per side: the same at every point."""
    found = []
    for node in distinct_nodes(e):
        if node.has(ir.MatDiff, ir.Diff):
            continue
        if isinstance(node, (sp.Inverse, sp.Determinant)):
            found.append((INVERTED, node))
        if needs_principal(node):
            found.append((PRINCIPAL, node))
        if restricted(node):
            found.append((RESTRICTED, positive_part(node)))
    return tuple(found)


def distinct_nodes(e):
    """Each distinct subexpression of ``e`` once, innermost first (definitions and the samples of an
    expectation repeat whole subtrees: a traversal of every occurrence grows with their product)."""
    seen, order, stack = set(), [], [(e, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        elif node not in seen:
            seen.add(node)
            stack += [(node, True), *((arg, False) for arg in reversed(node.args))]
    return order


def value(v):
    v = np.asarray(v)
    v = np.real_if_close(v)
    return v.reshape(()) if v.size == 1 else v


def sized(a, b):
    """A lone ``I`` takes the size of the other side."""
    if isinstance(a, Eye) and ir.is_matrix(b):
        a = a.sized(b.shape[0])
    if isinstance(b, Eye) and ir.is_matrix(a):
        b = b.sized(a.shape[0])
    if isinstance(a, Eye) or isinstance(b, Eye):
        raise SpecError("cannot tell the size of I here")
    return a, b


def compare(sides: Sides, left, right, make):
    """The link's status from the numbers, made into an outcome by ``make(status, message, **more)``."""
    conventions = sides.conventions
    try:
        a, b = sized(sides.lower(left), sides.lower(right))
    except Unsupported as error:
        return make("cannot check", error.message, conventions=conventions)
    except SpecError as error:  # the sides do not fit, or the lowering cannot size or name a piece
        status = "cannot check" if error.message.startswith(UNSIZED) else "shape error"
        return make(status, error.message, conventions=conventions)
    if apart(sides, a, b):
        return make("cannot check", SHARE_NONE, conventions=conventions)
    if positive := in_domain(sides.table, sides.assume, a, b):  # log x: x drawn in log's domain
        sides = Sides(sides.inferred, sides.scope, positive)
    samples, first = sides.samples(a, b), sides
    for other in sides.reordered() if None in samples else ():
        if None not in (samples := other.samples(a, b)):
            sides = other
            conventions += (f"sizes {sides.sized_as()}: the sides are undefined at {first.sized_as()}",)
            break
    if None in samples:
        message = f"{UNDEFINED}: declare the domain (e.g. % derivtex: X: spd)"
        return make("cannot check", message, conventions=conventions)
    points = [zeroed(found[0], left, right) for found in samples]
    if any(np.shape(x) != np.shape(y) for x, y in points) and (unsized := block_unsized(a, b)):
        return make("cannot check", unsized, conventions=conventions)
    if any(np.shape(x) != np.shape(y) for x, y in points):
        shapes = " and ".join("×".join(map(str, np.shape(v))) or "1" for v in points[0])
        return make("shape error", f"the sides have the shapes {shapes}", conventions=conventions)
    zero = all(max(np.max(np.abs(x)), np.max(np.abs(y))) < ZERO for x, y in points)
    if zero and not (
        arithmetic(left, right) or written_zero(left, right) or zero_means(sides.scope, left, right)
    ):
        message = "both sides are 0 at every point drawn: that proves nothing (a dependence said in words?)"
        return make("cannot check", message, conventions=conventions)
    error = max(rel_error(x, y) for x, y in points)
    if error <= TOLERANCE:
        return make("ok", "", figure=error, conventions=conventions)
    if sides.first_order(a, b, samples):
        return make("ok", "equal to first order in the differentials", conventions=conventions)
    if frobenius := as_frobenius(left, right):  # ‖X‖₂ of a matrix, a squared error's Frobenius norm?
        if compare(sides, *frobenius, lambda status, *_, **__: status) == "ok":
            return make("cannot check", SPECTRAL, conventions=conventions)
    message = "; ".join(m for m in (diagnosis(sides, a, b, points), spread(left, right, sides)) if m)
    return make("does not follow", message, figure=error, conventions=conventions)


SPECTRAL = (
    "holds if \\|X\\|_2 of a matrix is its Frobenius norm (as a squared error means), not the spectral "
    "norm: write \\|X\\|_F for that"
)


def as_frobenius(left, right) -> tuple | None:
    """The two sides with each ‖·‖₂ (the spectral norm, of a matrix) read as the Frobenius norm, if
    they have one (of a vector the two are one norm: the link fails again, as it should)."""
    frobenius = lambda n: replace(n, name="norm") if isinstance(n, Call) and n.name == "norm2" else n  # noqa: E731
    read = (mapped(left, frobenius), mapped(right, frobenius))
    return None if read == (left, right) else read


def spread(left, right, sides: Sides) -> str:
    """Where a link that fails adds a number to a vector (read to each entry, `shapes.number_beside_vector`)
    outside an entrywise product: said, as it may be the slip (μ - c for μ - cι)."""
    pending = [left, right]
    while pending:
        node = pending.pop()
        if isinstance(node, BinOp) and node.op in ("+", "-"):
            kinds = {kind_of(t, sides.inferred.shapes) for t in (node.left, node.right)}
            if kinds == {"scalar", "vector"}:
                return "a number is added to each entry of a vector (or was a vector meant?)"
        entrywise = getattr(node, "name", None) == "hadamard" or getattr(node, "op", None) == ".*"
        if not isinstance(node, str) and not entrywise:  # σ ⊙ (1 - σ): the number meant for each entry
            pending.extend(children(node))
    return ""


def apart(sides: Sides, a, b) -> bool:
    """Whether each side holds symbols and the two none in common: then only a relation between
    them makes the link true (a function of U equal to one of U₁, U₂ for all values is constant),
    a relation the text says in words (U = [U₁ U₂]); the values drawn would ignore it. A random
    symbol's draws (x's, averaged in E[x xᵀ]) are x."""
    symbols = set(sides.table.values())
    held = [{base(str(s)) for s in getattr(side, "free_symbols", set()) & symbols} for side in (a, b)]
    held = [through(names, sides.scope) for names in held]  # u kept by ∂d/∂u, u := (m_x - x)^2: u's too
    return all(held) and not held[0] & held[1]


def through(names: set, scope) -> set:
    """``names`` and those the definitions of their defined names are written with, all the way."""
    found, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            definition = scope.defined.get(name)
            todo += names_in(definition.tree) if definition and not isinstance(definition.tree, str) else []
    return found


def arithmetic(*trees) -> bool:
    """Whether the sides are numbers only (``[-1, -1] [1; -1] = -1 + 1``): no symbol, and no differential
    (dW = dZ Aᵀ of constants the text defines is 0 = 0 too, and says nothing)."""
    differential = lambda n: isinstance(n, Call) and n.name == "d"  # noqa: E731
    return not any(names_in(t) or any(map(differential, nodes(t))) for t in trees)


def zero_means(scope, *trees) -> bool:
    """Whether the sides average a symbol declared ``zero mean`` (E[w - Tv] = 0: the declaration
    is what the link says, not a dependence left out)."""
    means = {n for n, d in scope.declared.items() if d.random and "zero mean" in d.random}
    return any(base(n) in means and n != base(n) for t in trees for n in names_in(t))


def zeroed(point, left, right):
    """A side written 0 is the zero of the other side's shape (``\\mathbf{0}``)."""
    x, y = point
    return (np.zeros_like(y) if written_zero(left) else x, np.zeros_like(x) if written_zero(right) else y)


def written_zero(*trees) -> bool:
    """Whether a side is written as 0 (then a 0 on the other side is what is claimed)."""
    return any(isinstance(t, Num) and float(t.text) == 0 for t in trees)


def slip(points) -> str:
    """The sign, the transpose or the constant factor that tells the sides at ``points`` apart."""
    found = diagnose("", [(x, y, None) for x, y in points], TOLERANCE).diagnosis
    if found in DIAGNOSES:
        return DIAGNOSES[found]
    return f"off by a factor of {found.split()[1]}" if found.startswith("factor") else ""


def diagnosis(sides: Sides, a, b, points) -> str:
    """Sign, transpose, factor, or the symmetry it needs (the square symbols made symmetric)."""
    if found := slip(points):
        return found
    needed = symmetry(sides, a, b)
    if not needed:
        return ""
    verb = "is" if len(needed) == 1 else "are"
    declare = f"% derivtex: {', '.join(needed)}: symmetric"
    return f"holds if {' and '.join(needed)} {verb} symmetric: declare {declare}"


def symmetry(sides: Sides, a, b) -> list[str]:
    """The square symbols whose symmetry makes the link hold (one alone if one suffices); not the
    values derivtex draws itself (an expectation's samples, an abstract loss's gradient: x§2, Y§∂f),
    which no annotation declares."""
    squares = [s for s in sides.squares() if SAMPLE not in s]
    if not squares or not holds(sides, a, b, squares):
        return []
    alone = next((s for s in squares if holds(sides, a, b, [s])), None)
    return [alone] if alone else squares


def holds(sides: Sides, a, b, symmetric: list[str]) -> bool:
    extra = {n: ("symmetric",) for n in symmetric}
    trial = Sides(sides.inferred, sides.scope, extra, sides.names, sides.wide)
    points = trial.points(a, b)
    return all(p is not None and np.shape(p[0]) == np.shape(p[1]) for p in points) and (
        max(rel_error(x, y) for x, y in points) <= TOLERANCE
    )
