"""Random points inside each symbol's domain, with distinct small sizes for the dimensions.

Distinct sizes make shape mistakes surface; a point where a matrix to invert is
nearly singular, or the argument of a log is not clearly positive, is drawn again.
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
from .evaluate import Evaluator

SIZES = (4, 3, 5, 2, 6, 7, 8, 9)
# Finite differences need the smallest singular value of a matrix to invert well above their step.
MIN_SINGULAR_VALUE, CONDITION = 0.1, 1e3
MIN_POSITIVE = 0.1  # the argument of a log or a fractional power, kept away from 0 likewise
DRAWS = 50


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
    """A point where every inverse is well conditioned and every log defined, in the function and in
    every claim, compared value and step that the checks evaluate there.

    If none is found, the condition that failed most often is the error, at its sub-expression.
    """
    failures = Counter()
    for _ in range(DRAWS):
        values = draw_values(derivation, dims, rng)
        if (found := ill_posed(derivation, values, dims)) is None:
            return values
        failures[found] += 1
    (source, node), _ = failures.most_common(1)[0]
    span = locate(source, derivation.symbol_map, node)
    raise Unsupported(f"could not draw a point where {condition(node)} (tried {DRAWS} random points)", span)


def evaluated(derivation: Derivation) -> tuple:
    """(source text, expression) for the function and each claim, compared value and step."""
    spec = derivation.spec
    claim = ((spec.claim, derivation.claim),) if derivation.claim is not None else ()
    return (
        (spec.function, derivation.function),
        *claim,
        *zip((c.expr for c in spec.compare), (value for _, value in derivation.compare)),
        *zip((step.expr for step in spec.steps), derivation.steps),
        *zip((text for _, text in spec.claims), (value for _, value in derivation.claims)),
    )


def ill_posed(derivation: Derivation, values: dict, dims: dict):
    """(source, sub-expression) of the first condition that fails at ``values`` (None if none does)."""
    ev = Evaluator(values, dims, {})
    for source, expr in evaluated(derivation):
        for node in sp.preorder_traversal(expr):
            if node.has(ir.MatDiff, ir.Diff):  # a step's differential: its pieces are checked below it
                continue
            if isinstance(node, (sp.Inverse, sp.Determinant)) and not well_conditioned_value(ev(node.arg)):
                return source, node
            if needs_positive(node) and not np.all(ev(positive_part(node)) > MIN_POSITIVE):
                return source, node
            if needs_principal(node) and not off_negative_axis(ev(node.arg)):
                return source, node
    return None


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


def condition(node) -> str:
    """What ``node`` needs of the point, in words: ``the argument of sqrt is positive``."""
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


def positive_by_construction(e) -> bool:
    """Sums and products of positive functions (and of ones): log(1ᵀ exp(x)) needs no assumption."""
    if isinstance(e, (sp.exp, sp.OneMatrix)) or isinstance(e, ir.Elementwise) and FUNCTIONS[e.name].positive:
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
