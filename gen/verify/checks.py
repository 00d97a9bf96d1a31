"""Numeric verification: every line, the identification, finite differences, the claim.

Expressions are evaluated directly from the tree with numpy (``evaluate``), at
points drawn inside each symbol's domain with a fixed seed (``sampling``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import numpy as np
import sympy as sp

from ..engine.derive import Derivation
from ..engine.jacobians import differential_of_variable, symmetrizer
from ..engine.proof import Chain, Proof, Step
from ..expr import ir
from .backprop import adjoint_errors, named_values, read_off_errors, stated_values
from .evaluate import Evaluator, analytic, finite_difference_gradient, finite_difference_jacobian, unit
from .sample import COVERED, MIN_SINGULAR_VALUE, draw, size_assignments
from .sizes import TooLarge, require_bounded
from .undeclared import undeclared

FLOOR = 1e-3  # below this magnitude errors count absolutely (a zero derivative has no relative error)

# The rounding error of each kind of check, with orders of magnitude to spare. A passing check
# reports this bound, never its measured error: those digits change with the CPU's BLAS kernel and
# with the sample. Largest errors seen over derivations/ and many seeds: 2e-13 for lines evaluated on
# both sides (differentials by the complex step), 3e-11 for finite differences; a limit is
# extrapolated from difference quotients, so it gets their bound.
ROUNDING = {
    "=": 1e-9,  # both sides evaluated
    "->": 1e-7,  # a limit, extrapolated from its argument at t = ±10⁻³, ±5×10⁻⁴, ±2.5×10⁻⁴
    "fd": 1e-7,  # central finite differences
}


@dataclass(frozen=True)
class Check:
    """The largest relative error seen over the samples, against the tolerance."""

    max_rel_error: float
    tolerance: float
    kind: str = "="  # a key of ROUNDING: how the two sides were compared
    by_size: tuple[float, ...] = ()  # the largest error at each assignment of sizes (Report.sizes)

    @property
    def ok(self) -> bool:
        return bool(self.max_rel_error <= self.tolerance)

    @property
    def within(self) -> float:
        """The bound a passing check reports: its kind's rounding bound, or the tolerance if the
        error exceeds that; a function of the kind and the tolerance only, in practice."""
        rounding = ROUNDING[self.kind]
        return rounding if self.max_rel_error <= rounding <= self.tolerance else self.tolerance


def within(checks) -> float:
    """The bound that all of these passing checks meet (the loosest of theirs)."""
    return max((c.within for c in checks), default=ROUNDING["="])


@dataclass(frozen=True)
class ProofChecks:
    chain: tuple[Check, ...]  # one per line of the proof's main chain
    identification: Check
    gradient: tuple[Check, ...]  # one per simplification line after the first
    lemmas: tuple[tuple[Check, ...], ...] = ()  # one per line of each lemma
    second: tuple[Check, ...] = ()  # order 2: the lines of d(∇f), the identification, the Hessian's
    partials: tuple[tuple[Check, ...], ...] = ()  # several variables: each later gradient's lines

    @property
    def all(self) -> tuple[Check, ...]:
        return (
            *self.chain,
            self.identification,
            *self.gradient,
            *(c for lemma in self.lemmas for c in lemma),
            *self.second,
            *(c for partial in self.partials for c in partial),
        )


@dataclass(frozen=True)
class Diagnosis:
    label: str
    ok: bool
    # "correct", "sign", "transpose", "sign and transpose", "factor 2", "assume y probability", "differs"
    diagnosis: str
    discrepancy: float
    condition: str = ""  # "assume …": what the undeclared assumption gives (sum(y) = 1)

    @property
    def explanation(self) -> str:
        """What is wrong with the stated value, as the end of a sentence (plain text)."""
        if self.diagnosis.startswith("factor"):
            return f"is off by a factor of {self.diagnosis.split()[1]}"
        if self.diagnosis.startswith("assume"):
            _, name, assumption = self.diagnosis.split()
            declare = f"declare {name} {assumption}"
            return f"is not the gradient in general, but holds if {self.condition}: {declare}"
        return EXPLANATIONS.get(self.diagnosis, "is not the gradient")


EXPLANATIONS = {
    "correct": "is correct",
    "sign": "has the wrong sign",
    "transpose": "is the transpose of the gradient (the numerator-layout convention)",
    "sign and transpose": "is minus the transpose of the gradient",
    "symmetric": "is the symmetric part of the gradient, the gradient within symmetric matrices; "
    "but the variable is not assumed symmetric",
    "cookbook symmetric": "is the gradient plus its transpose minus its diagonal, the Matrix Cookbook's "
    "convention for a symmetric variable; but the variable is not assumed symmetric",
}


@dataclass(frozen=True)
class Report:
    proofs: tuple[ProofChecks, ...]
    finite_difference: Check
    claim: Check | None
    compare: tuple[Diagnosis, ...]
    samples: int
    claim_diagnosis: Diagnosis | None = None
    author: tuple[Check, ...] = ()  # step k against step k − 1 (step 1 against df)
    author_identification: Check | None = None  # the last step against tr(Gᵀ dX)
    claim_of: str = ""  # several variables: whose claim ``claim`` is (the worst)
    # (source Text, sub-expression, whether in the proof's lines only) of a value not finite at a point
    overflow: tuple | None = None
    sizes: tuple[tuple[tuple[str, int], ...], ...] = ()  # each assignment: (dimension, size) pairs

    def holds_only_at(self, check: Check) -> tuple | None:
        """(an assignment where ``check`` holds, one where it fails), for a check that fails at some
        sizes only (None otherwise, and below four samples: an assignment may not have seen both signs)."""
        if self.samples < COVERED:
            return None
        held = [self.sizes[k] for k, e in enumerate(check.by_size) if e <= check.tolerance]
        failed = [self.sizes[k] for k, e in enumerate(check.by_size) if e > check.tolerance]
        return (held[0], failed[0]) if held and failed and held[0] != failed[0] else None

    def size_note(self, check: Check, form=None) -> str:
        """``; it holds for n = 4 but not for n = 5`` (each assignment written by ``form``)."""
        form, split = form or assignment_text, self.holds_only_at(check)
        return f"; it holds for {form(split[0])} but not for {form(split[1])}" if split else ""

    @property
    def steps_ok(self) -> bool:
        """The engine's own lines (a failure here is a bug in derivtex)."""
        return all(c.ok for p in self.proofs for c in p.all)

    @property
    def author_ok(self) -> bool:
        return all(c.ok for c in (*self.author, *filter(None, [self.author_identification])))

    @property
    def ok(self) -> bool:
        claim_ok = self.claim is None or self.claim.ok
        return self.steps_ok and self.finite_difference.ok and claim_ok and self.author_ok

    @property
    def max_step_error(self) -> float:
        return max((c.max_rel_error for p in self.proofs for c in p.all), default=0.0)


def assignment_text(sizes) -> str:
    """``n = 4, m = 2``."""
    return ", ".join(f"{name} = {size}" for name, size in sizes)


HUGE = 1e150  # beyond it, a norm's sum of squares may overflow


def rel_error(a, b, term: float | None = None) -> float:
    """``‖a − b‖`` relative to the larger of the two (absolute below ``FLOOR``); with ``term``, the
    norm of the smallest term of a sum, relative to that if it is smaller (see ``term_scale``)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    big = max(np.max(np.abs(a), initial=0.0), np.max(np.abs(b), initial=0.0))
    if big > HUGE:  # the norms would overflow: the same ratio, of the values scaled down
        a, b, term = a / big, b / big, None if term is None else term / big
    scale = max(np.linalg.norm(a), np.linalg.norm(b), FLOOR)
    error = np.linalg.norm(a - b) / (scale if term is None else min(scale, term))
    return float(error) if np.isfinite(error) else float("inf")


def stated_error(value, exact, term: float | None, tol: float) -> float:
    """A stated value's discrepancy: relative to the whole; if that is within ``tol``, relative to
    the exact value's smallest term (so a dropped small term fails, and a wrong sign says 2)."""
    whole = rel_error(value, exact)
    return whole if whole > tol or term is None else max(whole, rel_error(value, exact, term))


# A stated value is compared with the result term by term: its discrepancy is measured against the
# result's smallest term (down to TERM_FLOOR of its largest, below which a term is rounding), so
# that a claim which drops a term 10⁷ times smaller than the rest fails instead of passing within
# the tolerance. Where the result is not a sum, this is the usual relative error.
TERM_FLOOR = 1e-8
MAX_TERMS = 64  # sums of products multiply out; past this many terms, the whole is compared


def summands(e) -> tuple:
    """The terms of ``e`` multiplied out: ``a·(b + c)·M`` gives ``a·b·M`` and ``a·c·M``."""
    if isinstance(e, (sp.Add, sp.MatAdd)):
        return tuple(t for a in e.args for t in summands(a))
    if isinstance(e, (sp.Mul, sp.MatMul)):
        for i, factor in enumerate(e.args):
            if isinstance(factor, (sp.Add, sp.MatAdd)):
                return tuple(
                    t for s in factor.args for t in summands(e.func(*e.args[:i], s, *e.args[i + 1 :]))
                )
    return (e,)


def term_scale(ev: Evaluator, result) -> float | None:
    """The norm of the result's smallest term at this point (None if it is not a sum)."""
    terms = summands(result)
    if not 1 < len(terms) <= MAX_TERMS:
        return None
    norms = [float(np.linalg.norm(np.asarray(ev(t), dtype=float))) for t in terms]
    largest = max(norms)
    return min(n for n in norms if n >= TERM_FLOOR * largest) if largest > 0 else None


# --- checks ---------------------------------------------------------------------


def chain_errors(ev: Evaluator, chain: Chain, t=None) -> list[float]:
    """The error of each line against the one before (a ``->`` line against the limit of it;
    a symmetric variable's gradient against the identity that defines it)."""
    out, before = [], chain.lhs
    for step in chain.steps:
        previous = ev(ir.limit(before, t) if step.relation == "->" else before)
        if step.rule in STRUCTURES:
            previous = STRUCTURES[step.rule](previous)
        out.append(rel_error(previous, ev(step.expr)))
        before = step.expr
    return out


STRUCTURES = {  # the gradient of a function of a symmetric matrix, from the unconstrained one
    "gradient within symmetric matrices": lambda G: (G + G.T) / 2,
    "Cookbook symmetric gradient": lambda G: G + G.T - np.diag(np.diag(G)),
    "numerator layout": lambda G: G.T,
}


def verify(derivation: Derivation) -> Report:
    """Check every line of every proof, the result, the claim, and diagnose compared values."""
    require_bounded(derivation, size_assignments(derivation))
    try:
        with np.errstate(all="ignore"):  # a NaN or an overflow makes its check fail, loudly enough
            return checked(derivation)
    except TooLarge as error:  # a matrix the derivation wrote: about the function
        raise error.at(derivation.spec.function.span) from None


def checked(derivation: Derivation) -> Report:
    settings = derivation.spec.check
    rng = np.random.default_rng(settings.seed)
    assignments = size_assignments(derivation)
    samples = max(settings.samples, len(assignments))  # at least one at each assignment
    variable, result = derivation.variable, derivation.result
    jacobian, convention = derivation.kind.jacobian, derivation.convention
    errors: dict = {}
    overflow = None
    points, claim_points = [], {}  # (gradient, compared values); per variable, (gradient, claim)
    for sample in range(samples):
        at = sample % len(assignments)
        dims = assignments[at]
        values = draw(derivation, dims, rng, sample)
        dX = symmetric_part(rng.standard_normal(np.shape(values[variable])), convention)
        index = tuple(int(rng.integers(size)) for size in dX.shape)
        # a finite t small enough that every matrix inverted at X stays invertible at X + tU
        t = rng.uniform(0.1, 0.5) * MIN_SINGULAR_VALUE / max(1.0, np.linalg.norm(np.atleast_2d(dX), 2))
        others = {v: rng.standard_normal(np.shape(values[v])) for v, _ in derivation.partials}
        for k, proof in enumerate(derivation.proofs):
            ev = method_evaluator(proof, named_values(proof, values), dims, dX, index, t, others)
            first, *rest = proof.gradient.steps
            if proof.backprop:  # each δ and each gradient read off against finite differences
                record(errors, at, ("chain", k), adjoint_errors(ev, proof, values, rel_error))
                record(
                    errors,
                    at,
                    ("ident", k),
                    [max(read_off_errors(ev, proof, derivation.function, values, rel_error))],
                )
                record(errors, at, ("grad", k), chain_errors(ev, Chain(first.expr, tuple(rest))))
                for m, (_, gradient) in enumerate(proof.partials):
                    head, *tail = gradient.steps
                    record(errors, at, ("partial", k, m), chain_errors(ev, Chain(head.expr, tuple(tail))))
                continue
            record(errors, at, ("chain", k), chain_errors(ev, proof.chain))
            identified = ir.add(
                linear(first.expr, variable, jacobian),
                *(linear(g.steps[0].expr, v) for v, g in proof.partials),
            )
            record(errors, at, ("ident", k), [rel_error(ev(identified), ev(proof.chain.last))])
            record(errors, at, ("grad", k), chain_errors(ev, Chain(first.expr, tuple(rest))))
            for m, (_, gradient) in enumerate(proof.partials):
                head, *tail = gradient.steps
                record(errors, at, ("partial", k, m), chain_errors(ev, Chain(head.expr, tuple(tail))))
            if proof.second:
                record(errors, at, ("second", k), second_errors(ev, proof, variable, rng, convention))
            for m, lemma in enumerate(proof.lemmas):
                named = Evaluator({**ev.values, **dict(lemma.definitions)}, dims, ev.directions)
                record(errors, at, ("lemma", k, m), chain_errors(named, lemma.chain, proof.symbol["t"]))
        ev = Evaluator(stated_values(derivation, values), dims, {variable: dX})
        overflow = overflow or not_finite(derivation, ev)
        if derivation.steps:
            author = Chain(ir.d(derivation.function), tuple(Step(e) for e in derivation.steps))
            record(errors, at, ("author",), chain_errors(ev, author))
            last = ir.vec(derivation.steps[-1]) if jacobian else derivation.steps[-1]  # = J d vec X
            record(
                errors,
                at,
                ("author ident",),
                [rel_error(ev(linear(derivation.identified, variable, jacobian)), ev(last))],
            )
        G = ev(result)
        if derivation.kind.order == 2:  # the Hessian against differences of the gradient, and that too
            gradient = derivation.proofs[0].gradient.last
            differences = finite_difference_jacobian if ir.is_matrix(variable) else finite_difference_gradient
            fd = differences(gradient, variable, values, dims)
            first_order = finite_difference_gradient(derivation.function, variable, values, dims, convention)
            record(errors, at, ("fd",), [rel_error(ev(gradient), first_order)])
        elif jacobian:
            fd = finite_difference_jacobian(derivation.function, variable, values, dims)
        else:
            fd = finite_difference_gradient(derivation.function, variable, values, dims, convention)
        if convention and derivation.kind.vectorised:  # along vec U = ½(I + K) vec U
            fd = fd @ ev(symmetrizer(variable.shape[0]))
        if derivation.layout == "numerator":
            fd = np.transpose(fd)
        record(errors, at, ("fd",), [rel_error(G, fd)])
        for v, partial in derivation.partials:
            fd_partial = finite_difference_gradient(derivation.function, v, values, dims)
            record(errors, at, ("fd",), [rel_error(ev(partial), fd_partial)])
        points.append((G, [ev(value) for _, value in derivation.compare], term_scale(ev, result)))
        for v, value in claimed(derivation):
            exact = dict(derivation.results)[v]
            pair = (ev(exact), ev(value), term_scale(ev, exact))
            stated = stated_error(pair[1], pair[0], pair[2], settings.tolerance)
            record(errors, at, ("claim", v.name), [stated])
            claim_points.setdefault(v.name, []).append(pair)
    tol = settings.tolerance
    equal = "=" if by_complex_step(derivation) else "fd"  # else central differences: their bound

    def check(*key, steps=(), kind=None) -> tuple[Check, ...]:
        """The checks of ``key``'s errors, each bounded as its line's relation says (``->``: a limit)."""
        kind = kind or ("fd" if key == ("fd",) else equal)
        relations = itertools.chain(
            (equal if s.relation == "=" else s.relation for s in steps), itertools.repeat(kind)
        )
        by_size = zip(*(errors[key][a] for a in sorted(errors.get(key, {}))))
        return tuple(Check(max(e), tol, r, e) for e, r in zip(by_size, relations))

    proofs = tuple(
        ProofChecks(
            check("chain", k, steps=() if proof.backprop else proof.chain.steps),  # δs: by the complex step
            check("ident", k)[0],
            check("grad", k, steps=proof.gradient.steps[1:]),
            tuple(check("lemma", k, m, steps=lemma.chain.steps) for m, lemma in enumerate(proof.lemmas)),
            check("second", k),
            tuple(check("partial", k, m, steps=g.steps[1:]) for m, (_, g) in enumerate(proof.partials)),
        )
        for k, proof in enumerate(derivation.proofs)
    )
    compare = tuple(
        diagnose(label, [(G, stated[k], term) for G, stated, term in points], tol)
        for k, (label, _) in enumerate(derivation.compare)
    )
    claim, claim_diagnosis, claim_of = None, None, ""
    if claim_points:  # the worst claim stands for all (with several variables, named)
        claim_of = max(claim_points, key=lambda name: check("claim", name)[0].max_rel_error)
        claim, claim_diagnosis = check("claim", claim_of)[0], diagnose("claim", claim_points[claim_of], tol)
        if claim_diagnosis.diagnosis == "differs":
            claim_diagnosis = assumed(claim_diagnosis, derivation, samples)
    author_identification = check("author ident")[0] if derivation.steps else None
    engine = [c.max_rel_error for p in proofs for c in p.all] + [c.max_rel_error for c in check("fd")]
    if overflow is None and not np.all(np.isfinite(engine)):  # the function is finite, its proof is not
        overflow = (derivation.spec.function, derivation.function, True)
    return Report(
        proofs,
        check("fd")[0],
        claim,
        compare,
        samples,
        claim_diagnosis,
        check("author"),
        author_identification,
        claim_of if derivation.claims else "",
        overflow,
        tuple(tuple((d.name, size) for d, size in dims.items()) for dims in assignments),
    )


def assumed(diagnosis: Diagnosis, derivation: Derivation, samples: int) -> Diagnosis:
    """The diagnosis of a claim that holds under an assumption the spec does not declare."""
    found = undeclared(derivation, lambda assuming: claims_hold(assuming, samples))
    if found is None:
        return diagnosis
    name, assumption, condition = found
    return replace(diagnosis, diagnosis=f"assume {name} {assumption}", condition=condition)


def claims_hold(derivation: Derivation, samples: int) -> bool:
    """Whether every claim equals its gradient at ``samples`` points drawn as the spec declares."""
    rng, tol = np.random.default_rng(derivation.spec.check.seed), derivation.spec.check.tolerance
    assignments = size_assignments(derivation)
    for sample in range(samples):
        dims = assignments[sample % len(assignments)]
        ev = Evaluator(stated_values(derivation, draw(derivation, dims, rng, sample)), dims, {})
        for v, value in claimed(derivation):
            exact = dict(derivation.results)[v]
            if stated_error(ev(value), ev(exact), term_scale(ev, exact), tol) > tol:
                return False
    return True


# Where a value overflows, the innermost piece of these kinds that is inf or nan is named.
GROWING = (sp.Number, sp.Function, sp.Pow, sp.MatPow, sp.Inverse, ir.Elementwise, sp.Mul, sp.MatMul)


def not_finite(derivation: Derivation, ev: Evaluator) -> tuple | None:
    """(source, innermost piece) of the first evaluated text (function, claim, step…) or of the
    result that is not finite at this point: it overflows in double precision (None if none is)."""
    from .sample import evaluated

    texts = (*evaluated(derivation), *((derivation.spec.function, r, True) for _, r in derivation.results))
    for source, expr, _ in texts:
        if np.all(np.isfinite(ev(expr))):
            continue
        pieces = [
            node
            for node in sp.preorder_traversal(expr)
            if isinstance(node, GROWING) and not node.has(ir.MatDiff, ir.Diff)
        ]
        inner = [node for node in pieces if not np.all(np.isfinite(ev(node)))]
        return source, (inner[-1] if inner else expr), False
    return None


def by_complex_step(derivation: Derivation) -> bool:
    """Whether every differential is taken by the complex step: the function and the author's steps
    are analytic (a function such as sqrtm or logm has its differentials by central differences)."""
    return all(analytic(e) for e in (derivation.function, *derivation.steps))


def claimed(derivation: Derivation) -> tuple:
    """(variable, claimed derivative) pairs: the one claim, or each of several variables'."""
    if derivation.claim is not None:
        return ((derivation.variable, derivation.claim),)
    return derivation.claims


def second_errors(ev: Evaluator, proof: Proof, variable, rng, convention=None) -> list[float]:
    """The lines of ``d(∇f) = … = H dx``, the identification, then the Hessian's simplification
    (and ``d²f[U, V]``, in symmetric directions for a symmetric variable)."""
    chain, hessian, bilinear = proof.second
    first, *rest = hessian.steps
    identified = rel_error(ev(linear(first.expr, variable, True)), ev(chain.last))
    errors = [*chain_errors(ev, chain), identified, *chain_errors(ev, Chain(first.expr, tuple(rest)))]
    if bilinear is None:
        return errors
    U, V = (symmetric_part(rng.standard_normal(ev.shape(variable)), convention) for _ in range(2))
    expected = (
        np.ravel(V, order="F") @ ev(hessian.last) @ np.ravel(U, order="F")
    )  # d²f[U, V] = vec(V)ᵀ H vec(U)
    directions = Evaluator({**ev.values, **dict(zip(bilinear.lhs.args, (U, V)))}, ev.dims, {})
    return [*errors, *(rel_error(expected, directions(step.expr)) for step in bilinear.steps)]


def symmetric_part(direction, convention):
    """A direction a symmetric variable can move in (any direction otherwise)."""
    return (direction + direction.T) / 2 if convention else direction


def linear(gradient, variable, jacobian: bool = False):
    """``tr(Gᵀ dX)``: the differential a gradient stands for (``G dt`` for a number ``t``,
    ``J d vec X`` for a Jacobian)."""
    if not ir.is_matrix(variable):
        return ir.mul(gradient, ir.d(variable))
    if jacobian:
        return ir.mul(gradient, differential_of_variable(variable))
    return ir.tr(ir.mul(ir.transpose_of(gradient), ir.d(variable)))


def method_evaluator(proof: Proof, values: dict, dims: dict, dX, index, t, others: dict) -> Evaluator:
    """An evaluator for one proof's lines: its direction (and the other variables'), and values for
    its own symbols."""
    symbol, direction, extra = proof.symbol, dX, {}
    if "direction" in symbol:
        extra = {symbol["direction"]: dX, symbol["t"]: t}
    if "row" in symbol:
        names = [symbol[k] for k in ("row", "column") if k in symbol]
        extra = dict(zip(names, index))
        direction = unit(dX.shape, index[: len(names)])
    return Evaluator({**values, **extra}, dims, {proof.variable: direction, **others})


def record(errors: dict, at: int, key, values: list[float]):
    """Keep, position by position, the largest error over the samples at assignment ``at``."""
    by_size = errors.setdefault(key, {})
    old = by_size.get(at, [0.0] * len(values))
    by_size[at] = [max(a, b) for a, b in zip(old, values)]


def square(mistake):
    """A mistake that only a square matrix can make (``None`` otherwise)."""
    return lambda G: mistake(G) if G.ndim == 2 and G.shape[0] == G.shape[1] > 1 else None


MISTAKES = (
    ("correct", lambda G: G),
    ("sign", lambda G: -G),
    ("transpose", lambda G: G.T),
    ("sign and transpose", lambda G: -G.T),
    ("symmetric", square(lambda G: (G + G.T) / 2)),
    ("cookbook symmetric", square(lambda G: G + G.T - np.diag(np.diag(G)))),
)


def diagnose(label: str, points, tol: float) -> Diagnosis:
    """Name the mistake in a stated value: sign, transpose, a constant factor, or a discrepancy.

    ``points``: (result, stated value, the result's smallest term or None) at each point."""
    discrepancy = max(stated_error(value, G, term, tol) for G, value, term in points)
    G0, value0, _ = points[0]
    for name, mistake in MISTAKES:
        if (wrong := mistake(G0)) is None or np.shape(wrong) != np.shape(value0):
            continue  # a transpose of a non-square gradient cannot be the stated value
        if max(stated_error(value, mistake(G), term, tol) for G, value, term in points) <= tol:
            return Diagnosis(label, name == "correct", name, discrepancy)
    if not np.vdot(G0, G0):  # a zero result: no factor makes the stated value from it
        return Diagnosis(label, False, "differs", discrepancy)
    c = float(np.vdot(value0, G0) / np.vdot(G0, G0))
    scaled = lambda term: None if term is None else abs(c) * term  # noqa: E731  (the terms of c·G)
    errors = (stated_error(value, c * G, scaled(term), tol) for G, value, term in points)
    if abs(c) > FLOOR and max(errors) <= tol:
        return Diagnosis(label, False, f"factor {format_factor(c)}", discrepancy)
    return Diagnosis(label, False, "differs", discrepancy)


def format_factor(c: float) -> str:
    from fractions import Fraction

    fraction = Fraction(c).limit_denominator(12)
    return str(fraction) if abs(float(fraction) - c) < 1e-9 * max(1, abs(c)) else f"{c:.6g}"
