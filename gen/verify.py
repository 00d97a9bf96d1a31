"""Numeric verification: every line, the identification, finite differences, the claim.

Expressions are evaluated directly from the tree with numpy (no code generation).
Dimensions get distinct small sizes so that shape mistakes surface; values are
drawn inside each symbol's domain with a fixed seed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import sympy as sp

from . import ir
from .engine import Derivation
from .errors import Unsupported
from .proof import Chain, Proof, Step

SIZES = (4, 3, 5, 2, 6, 7, 8, 9)
STEP = 1e-3  # finite-difference step; the 4-point stencil's error is O(STEP⁴)
FLOOR = 1e-3  # below this magnitude errors count absolutely (a zero derivative has no relative error)
# A point where a matrix to invert is nearly singular is drawn again: finite differences need
# its smallest singular value well above STEP.
MIN_SINGULAR_VALUE, CONDITION = 0.1, 1e3
MIN_POSITIVE = 0.1  # the argument of a log or a fractional power, kept away from 0 likewise
DRAWS = 50


@dataclass(frozen=True)
class Check:
    """The largest relative error seen over the samples, against the tolerance."""

    max_rel_error: float
    tolerance: float

    @property
    def ok(self) -> bool:
        return bool(self.max_rel_error <= self.tolerance)


@dataclass(frozen=True)
class ProofChecks:
    chain: tuple[Check, ...]  # one per line of the proof's main chain
    identification: Check
    gradient: tuple[Check, ...]  # one per simplification line after the first
    lemmas: tuple[tuple[Check, ...], ...] = ()  # one per line of each lemma

    @property
    def all(self) -> tuple[Check, ...]:
        return (
            *self.chain,
            self.identification,
            *self.gradient,
            *(c for lemma in self.lemmas for c in lemma),
        )


@dataclass(frozen=True)
class Diagnosis:
    label: str
    ok: bool
    diagnosis: str  # "correct", "sign", "transpose", "sign and transpose", "factor 2", "differs"
    discrepancy: float

    @property
    def explanation(self) -> str:
        """What is wrong with the stated value, as the end of a sentence (plain text)."""
        if self.diagnosis.startswith("factor"):
            return f"is off by a factor of {self.diagnosis.split()[1]}"
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


def rel_error(a, b) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = max(np.linalg.norm(a), np.linalg.norm(b), FLOOR)
    error = np.linalg.norm(a - b) / scale
    return float(error) if np.isfinite(error) else float("inf")


# --- evaluation -----------------------------------------------------------------


class Evaluator:
    """Evaluates IR trees at one point; ``d(F)`` is F's directional derivative along the directions."""

    def __init__(self, values: dict, dims: dict, directions: dict):
        self.values, self.dims, self.directions = values, dims, directions
        self.cache: dict = {}

    def __call__(self, e):
        if e not in self.cache:
            self.cache[e] = self.evaluate(e)
        return self.cache[e]

    def evaluate(self, e):
        if isinstance(e, sp.Number):
            return float(e)
        for cls in type(e).__mro__:
            if cls in EVALUATORS:
                return EVALUATORS[cls](self, e)
        raise TypeError(f"cannot evaluate {type(e).__name__}")

    def symbol(self, e):
        """A symbol's value, or the value of the expression it names (a lemma's ``F``, ``F_t``)."""
        value = self.values[e]
        return self(value) if isinstance(value, sp.Basic) else value

    def size(self, dim) -> int:
        return int(dim.xreplace(self.dims))  # a name, a number, or a product such as n m

    def differential(self, e):
        F = e.arg
        if F in self.directions:
            return self.directions[F]
        varying = [v for v in self.directions if F.has(v)]
        if not varying:
            return np.zeros(self.shape(F)) if ir.is_matrix(F) else 0.0
        return directional_derivative(F, self.values, self.dims, {v: self.directions[v] for v in varying})

    def shape(self, e):
        return tuple(self.size(d) for d in e.shape)


def product(ev: Evaluator, e):
    value = 1.0
    for a in e.args:
        x = ev(a)
        value = value @ x if np.ndim(value) == 2 and np.ndim(x) == 2 else value * x
    return value


def matrix_power(ev: Evaluator, e):
    k = int(e.exp)
    base = ev(e.base)
    return np.linalg.matrix_power(np.linalg.inv(base) if k < 0 else base, abs(k))


EVALUATORS = {
    sp.MatrixSymbol: Evaluator.symbol,
    sp.Symbol: Evaluator.symbol,
    sp.Identity: lambda ev, e: np.eye(ev.size(e.shape[0])),
    sp.ZeroMatrix: lambda ev, e: np.zeros(ev.shape(e)),
    sp.MatMul: product,
    sp.Mul: product,
    sp.MatAdd: lambda ev, e: sum(ev(a) for a in e.args),
    sp.Add: lambda ev, e: sum(ev(a) for a in e.args),
    sp.Transpose: lambda ev, e: np.transpose(ev(e.arg)),
    sp.Inverse: lambda ev, e: np.linalg.inv(ev(e.arg)),
    sp.MatPow: matrix_power,
    sp.Pow: lambda ev, e: np.power(ev(e.base), ev(e.exp)),
    sp.Trace: lambda ev, e: np.trace(ev(e.arg)),
    sp.Determinant: lambda ev, e: np.linalg.det(ev(e.arg)),
    sp.log: lambda ev, e: np.log(ev(e.args[0])),
    sp.exp: lambda ev, e: np.exp(ev(e.args[0])),
    ir.Norm: lambda ev, e: np.linalg.norm(ev(e.arg)),
    ir.Elementwise: lambda ev, e: ENTRYWISE[e.name](ev(e.arg)),
    ir.ScalarFunction: lambda ev, e: ENTRYWISE[e.name](ev(e.arg)),
    sp.HadamardProduct: lambda ev, e: np.multiply.reduce([ev(a) for a in e.args]),
    sp.HadamardPower: lambda ev, e: np.power(ev(e.base), ev(e.exp)),
    sp.OneMatrix: lambda ev, e: np.ones(ev.shape(e)),
    sp.KroneckerProduct: lambda ev, e: functools.reduce(np.kron, [ev(a) for a in e.args]),
    ir.Vec: lambda ev, e: np.reshape(ev(e.arg), (-1, 1), order="F"),
    ir.Unvec: lambda ev, e: np.reshape(ev(e.arg), ev.shape(e), order="F"),
    ir.Diag: lambda ev, e: np.diag(np.ravel(ev(e.arg))) if e.of_vector else np.diag(ev(e.arg)).reshape(-1, 1),
    ir.MatDiff: Evaluator.differential,
    ir.Diff: Evaluator.differential,
    ir.MatQuotient: lambda ev, e: ev(e.args[0]) / ev(e.args[1]),
    ir.Quotient: lambda ev, e: ev(e.args[0]) / ev(e.args[1]),
    ir.MatLimit: lambda ev, e: limit(ev, *e.args[:2]),
    ir.Limit: lambda ev, e: limit(ev, *e.args[:2]),
    ir.SingleEntry: lambda ev, e: unit(ev.shape(e), tuple(ev.values[i] for i in e.indices)),
    ir.Entry: lambda ev, e: entry_value(ev(e.args[0]), [ev.values[i] for i in e.args[1:]]),
    ir.Inner: lambda ev, e: np.sum(ev(e.args[0]) * ev(e.args[1])),
}


ENTRYWISE = {
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "tanh": np.tanh,
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "softplus": lambda x: np.logaddexp(0, x),
}


def limit(ev: Evaluator, e, t):
    """``lim_{t→0} e`` from symmetric evaluations at t = ±h, ±h/2, extrapolated (Richardson)."""

    def even(h):
        at = lambda s: Evaluator({**ev.values, t: s}, ev.dims, ev.directions)(e)  # noqa: E731
        return (at(h) + at(-h)) / 2

    return (4 * even(STEP / 2) - even(STEP)) / 3


def unit(shape, index) -> np.ndarray:
    """The single-entry matrix (a unit vector when there is one index)."""
    value = np.zeros(shape)
    value[index if len(index) == 2 else (index[0], 0)] = 1.0
    return value


def entry_value(M, index):
    M = np.atleast_2d(M)
    return M[tuple(index)] if len(index) == 2 else M.ravel()[index[0]]


# --- sampling -------------------------------------------------------------------


def sample_dims(derivation: Derivation) -> dict:
    """Distinct small sizes for the named dimensions, in order of first appearance."""
    names = []
    for _, s in derivation.symbols:
        for dim in getattr(s, "shape", ()):
            if dim.is_Symbol and dim not in names:
                names.append(dim)
    return {dim: size for dim, size in zip(names, SIZES)}


def well_conditioned(rng, n, spectrum=(0.5, 2.0)):
    """``Q₁ diag(s) Q₂`` with singular values in ``spectrum`` and a positive determinant."""
    q1, _ = np.linalg.qr(rng.standard_normal((n, n)))
    q2, _ = np.linalg.qr(rng.standard_normal((n, n)))
    q1 = q1 * np.sign(np.linalg.det(q1) * np.linalg.det(q2))
    return q1 @ np.diag(rng.uniform(*spectrum, n)) @ q2


def orthogonal(rng, n):
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return q


def draw_value(rng, shape, assume) -> np.ndarray | float:
    """A random value inside the domain the assumptions describe."""
    if not shape:
        return rng.uniform(0.5, 2.0) if "positive" in assume else float(rng.standard_normal())
    rows, cols = shape
    if "positive" in assume:
        extra = rows * np.eye(rows) if rows == cols else 0.0
        return rng.uniform(0.1, 1.0, shape) + extra
    if rows != cols:
        return rng.standard_normal(shape)
    if "spd" in assume:
        q = orthogonal(rng, rows)
        return q @ np.diag(rng.uniform(0.5, 2.0, rows)) @ q.T
    if "symmetric" in assume:
        q = orthogonal(rng, rows)
        return q @ np.diag(rng.uniform(0.5, 2.0, rows) * rng.choice((-1, 1), rows)) @ q.T
    if "orthogonal" in assume:
        return orthogonal(rng, rows)
    if "diagonal" in assume:
        return np.diag(rng.uniform(0.5, 2.0, rows))
    return well_conditioned(rng, rows)


def draw(derivation: Derivation, dims: dict, rng) -> dict:
    """A point inside the domain where every inverse is well conditioned and every log defined."""
    for _ in range(DRAWS):
        values = draw_values(derivation, dims, rng)
        if well_posed(derivation, values, dims):
            return values
    raise Unsupported(f"could not draw a point where every inverse is well conditioned in {DRAWS} tries")


def well_posed(derivation: Derivation, values: dict, dims: dict) -> bool:
    ev = Evaluator(values, dims, {})
    for node in sp.preorder_traversal(derivation.function):
        if isinstance(node, (sp.Inverse, sp.Determinant)) and not well_conditioned_value(ev(node.arg)):
            return False
        if needs_positive(node) and not np.all(ev(positive_part(node)) > MIN_POSITIVE):
            return False
    return True


def needs_positive(node) -> bool:
    """A logarithm, or a fractional power: defined (and smooth) for a positive argument only."""
    if isinstance(node, (sp.Pow, sp.HadamardPower)):
        return not node.exp.is_integer
    return isinstance(node, sp.log) or isinstance(node, ir.Elementwise) and node.name in ("log", "sqrt")


def positive_by_construction(e) -> bool:
    """Sums and products of exponentials (and of ones): log(1ᵀ exp(x)) needs no assumption."""
    if (
        isinstance(e, (sp.exp, sp.OneMatrix))
        or isinstance(e, ir.Elementwise)
        and e.name in ("exp", "sigmoid")
    ):
        return True
    if isinstance(e, (sp.Trace, sp.MatMul, sp.Mul, sp.MatAdd, sp.Add, sp.HadamardProduct)):
        return all(positive_by_construction(a) for a in e.args)
    return e.is_Number and e > 0


def positive_part(node):
    return node.base if isinstance(node, (sp.Pow, sp.HadamardPower)) else node.args[-1]


def well_conditioned_value(M) -> bool:
    singular = np.linalg.svd(np.atleast_2d(M), compute_uv=False)
    return singular[-1] >= MIN_SINGULAR_VALUE and singular[0] <= CONDITION * singular[-1]


def draw_values(derivation: Derivation, dims: dict, rng) -> dict:
    values = {}
    for s in derivation.spec.symbols:
        symbol = derivation.symbol_map[s.name]
        shape = tuple(int(d) if d.is_Integer else dims[d] for d in getattr(symbol, "shape", ()))
        values[symbol] = draw_value(rng, shape, s.assume)
    return values


# --- checks ---------------------------------------------------------------------


def finite_difference_gradient(function, variable, values, dims) -> np.ndarray:
    """The gradient of a scalar function by central differences, entry by entry (a number for a scalar)."""
    X = np.asarray(values[variable], dtype=float)
    gradient = np.zeros_like(X)
    for index in np.ndindex(X.shape):
        unit = np.zeros_like(X)
        unit[index] = 1.0
        gradient[index] = np.squeeze(directional_derivative(function, values, dims, {variable: unit}))
    return gradient


def directional_derivative(F, values: dict, dims: dict, directions: dict):
    """``d/dt F(x + t·direction)`` at 0, by a 4-point central difference."""

    def at(t):
        shifted = {v: values[v] + t * direction for v, direction in directions.items()}
        return Evaluator({**values, **shifted}, dims, {})(F)

    h = STEP
    return (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12 * h)


def chain_errors(ev: Evaluator, chain: Chain, t=None) -> list[float]:
    """The error of each line against the one before (a ``->`` line against the limit of it)."""
    out, before = [], chain.lhs
    for step in chain.steps:
        previous = ir.limit(before, t) if step.relation == "->" else before
        out.append(rel_error(ev(previous), ev(step.expr)))
        before = step.expr
    return out


def verify(derivation: Derivation) -> Report:
    """Check every line of every proof, the result, the claim, and diagnose compared values."""
    with np.errstate(all="ignore"):  # a NaN or an overflow makes its check fail, loudly enough
        return checked(derivation)


def checked(derivation: Derivation) -> Report:
    settings = derivation.spec.check
    rng = np.random.default_rng(settings.seed)
    dims = sample_dims(derivation)
    variable, result = derivation.variable, derivation.result
    errors: dict = {}
    points = []
    for _ in range(settings.samples):
        values = draw(derivation, dims, rng)
        dX = rng.standard_normal(np.shape(values[variable]))
        index = tuple(int(rng.integers(size)) for size in dX.shape)
        # a finite t small enough that every matrix inverted at X stays invertible at X + tU
        t = rng.uniform(0.1, 0.5) * MIN_SINGULAR_VALUE / max(1.0, np.linalg.norm(np.atleast_2d(dX), 2))
        for k, proof in enumerate(derivation.proofs):
            ev = method_evaluator(proof, values, dims, dX, index, t)
            first, *rest = proof.gradient.steps
            record(errors, ("chain", k), chain_errors(ev, proof.chain))
            record(errors, ("ident", k), [rel_error(ev(linear(first.expr, variable)), ev(proof.chain.last))])
            record(errors, ("grad", k), chain_errors(ev, Chain(first.expr, tuple(rest))))
            for m, lemma in enumerate(proof.lemmas):
                named = Evaluator({**ev.values, **dict(lemma.definitions)}, dims, ev.directions)
                record(errors, ("lemma", k, m), chain_errors(named, lemma.chain, proof.symbol["t"]))
        ev = Evaluator(values, dims, {variable: dX})
        if derivation.steps:
            author = Chain(ir.d(derivation.function), tuple(Step(e) for e in derivation.steps))
            record(errors, ("author",), chain_errors(ev, author))
            last = derivation.steps[-1]
            record(errors, ("author ident",), [rel_error(ev(linear(result, variable)), ev(last))])
        G = ev(result)
        fd = finite_difference_gradient(derivation.function, variable, values, dims)
        record(errors, ("fd",), [rel_error(G, fd)])
        if derivation.claim is not None:
            record(errors, ("claim",), [rel_error(ev(derivation.claim), G)])
        stated = [ev(value) for _, value in derivation.compare]
        if derivation.claim is not None:
            stated.append(ev(derivation.claim))
        points.append((G, stated))
    tol = settings.tolerance
    check = lambda *key: tuple(Check(e, tol) for e in errors.get(key, []))  # noqa: E731
    proofs = tuple(
        ProofChecks(
            check("chain", k),
            check("ident", k)[0],
            check("grad", k),
            tuple(check("lemma", k, m) for m in range(len(proof.lemmas))),
        )
        for k, proof in enumerate(derivation.proofs)
    )
    labels = [label for label, _ in derivation.compare] + ["claim"] * (derivation.claim is not None)
    diagnoses = tuple(
        diagnose(label, [(G, stated[k]) for G, stated in points], tol) for k, label in enumerate(labels)
    )
    claim = check("claim")[0] if derivation.claim is not None else None
    compare = diagnoses[: len(derivation.compare)]
    claim_diagnosis = diagnoses[-1] if derivation.claim is not None else None
    author_identification = check("author ident")[0] if derivation.steps else None
    return Report(
        proofs,
        check("fd")[0],
        claim,
        compare,
        settings.samples,
        claim_diagnosis,
        check("author"),
        author_identification,
    )


def linear(gradient, variable):
    """``tr(Gᵀ dX)``: the differential a gradient stands for."""
    return ir.tr(ir.mul(ir.transpose_of(gradient), ir.d(variable)))


def method_evaluator(proof: Proof, values: dict, dims: dict, dX, index, t) -> Evaluator:
    """An evaluator for one proof's lines: its direction, and values for its own symbols."""
    symbol, direction, extra = proof.symbol, dX, {}
    if "direction" in symbol:
        extra = {symbol["direction"]: dX, symbol["t"]: t}
    if "row" in symbol:
        names = [symbol[k] for k in ("row", "column") if k in symbol]
        extra = dict(zip(names, index))
        direction = unit(dX.shape, index[: len(names)])
    return Evaluator({**values, **extra}, dims, {proof.variable: direction})


def record(errors: dict, key, values: list[float]):
    """Keep, position by position, the largest error over the samples."""
    old = errors.get(key, [0.0] * len(values))
    errors[key] = [max(a, b) for a, b in zip(old, values)]


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


def diagnose(label: str, pairs, tol: float) -> Diagnosis:
    """Name the mistake in a stated value: sign, transpose, a constant factor, or a discrepancy."""
    discrepancy = max(rel_error(value, G) for G, value in pairs)
    G0, value0 = pairs[0]
    for name, mistake in MISTAKES:
        if (wrong := mistake(G0)) is None or np.shape(wrong) != np.shape(value0):
            continue  # a transpose of a non-square gradient cannot be the stated value
        if max(rel_error(value, mistake(G)) for G, value in pairs) <= tol:
            return Diagnosis(label, name == "correct", name, discrepancy)
    factors = [float(np.vdot(value, G) / np.vdot(G, G)) for G, value in pairs]
    c = factors[0]
    if abs(c) > FLOOR and max(rel_error(value, c * G) for G, value in pairs) <= tol:
        return Diagnosis(label, False, f"factor {format_factor(c)}", discrepancy)
    return Diagnosis(label, False, "differs", discrepancy)


def format_factor(c: float) -> str:
    from fractions import Fraction

    fraction = Fraction(c).limit_denominator(12)
    return str(fraction) if abs(float(fraction) - c) < 1e-9 * max(1, abs(c)) else f"{c:.6g}"
