"""Numeric evaluation of IR trees with numpy, directly from the tree (no code generation).

``d(F)`` is evaluated as F's directional derivative by the complex step (exact to
rounding); a limit ``lim_{t→0}`` by symmetric evaluation at small t and extrapolation;
the gradient checked against, by central finite differences of the function.
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from ..expr import ir, proof_nodes, texmatrix
from ..expr.functions import FUNCTIONS
from . import sizes, spectral

STEP = 1e-3  # finite-difference step; the 6-point stencil's error is O(STEP⁶)
COMPLEX_STEP = 1e-30  # the complex step: its error is O(COMPLEX_STEP²), nothing cancels


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
        if isinstance(e, (sp.Number, sp.NumberSymbol)):  # 2, 1/2, pi, e
            return float(e)
        if isinstance(e, sp.MatrixExpr):  # sized before numpy allocates it
            sizes.guard(e, self.dims)
        for cls in type(e).__mro__:
            if cls in EVALUATORS:
                return EVALUATORS[cls](self, e)
        raise TypeError(f"cannot evaluate {type(e).__name__}")

    def symbol(self, e):
        """A symbol's value, or the value of the expression it names (a lemma's ``F``, ``F_t``); a
        dimension used as a number (``N/2``) is its size."""
        if e in self.dims:
            return float(self.dims[e])
        value = self.values[e]
        return self(value) if isinstance(value, sp.Basic) else value

    def size(self, dim) -> int:
        return int(dim.xreplace(self.dims))  # a name, a number, or a product such as n m

    def differential(self, e):
        F = e.arg
        if F in self.directions:
            return self.directions[F]
        varying = [v for v in self.directions if self.varies(F, v)]
        if not varying:
            return np.zeros(self.shape(F)) if ir.is_matrix(F) else 0.0
        return complex_step(F, self.values, self.dims, {v: self.directions[v] for v in varying})

    def varies(self, F, v) -> bool:
        """Whether ``F`` moves with ``v``, also through the expressions its symbols stand for (a named
        intermediate, Σ = Λ⁻¹)."""
        named = (s for s, value in self.values.items() if isinstance(value, sp.Basic) and F.has(s))
        return F.has(v) or any(self.varies(self.values[s], v) for s in named)

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
    ir.Norm: lambda ev, e: np.sqrt(np.sum(ev(e.arg) ** 2)),  # analytic, for the complex step
    ir.Elementwise: lambda ev, e: ENTRYWISE[e.name](ev(e.arg), *map(ev, e.params)),
    ir.ScalarFunction: lambda ev, e: ENTRYWISE[e.name](ev(e.arg), *map(ev, e.params)),
    ir.Softmax: lambda ev, e: softmax(ev(e.arg)),
    ir.RowSoftmax: lambda ev, e: row_softmax(ev(e.arg)),
    ir.RowLogSumExp: lambda ev, e: row_logsumexp(ev(e.arg)),
    sp.HadamardProduct: lambda ev, e: np.multiply.reduce([ev(a) for a in e.args]),
    sp.HadamardPower: lambda ev, e: np.power(ev(e.base), ev(e.exp)),
    sp.OneMatrix: lambda ev, e: np.ones(ev.shape(e)),
    sp.KroneckerProduct: lambda ev, e: functools.reduce(np.kron, [ev(a) for a in e.args]),
    ir.Commutation: lambda ev, e: commutation(ev.size(e.args[0]), ev.size(e.args[1])),
    ir.Vec: lambda ev, e: np.reshape(ev(e.arg), (-1, 1), order="F"),
    ir.Unvec: lambda ev, e: np.reshape(ev(e.arg), ev.shape(e), order="F"),
    ir.Diag: lambda ev, e: np.diag(np.ravel(ev(e.arg))) if e.of_vector else np.diag(ev(e.arg)).reshape(-1, 1),
    ir.MatDiff: Evaluator.differential,
    ir.Diff: Evaluator.differential,
    proof_nodes.MatQuotient: lambda ev, e: ev(e.args[0]) / ev(e.args[1]),
    proof_nodes.Quotient: lambda ev, e: ev(e.args[0]) / ev(e.args[1]),
    ir.MatLimit: lambda ev, e: limit(ev, *e.args),
    ir.Limit: lambda ev, e: limit(ev, *e.args),
    proof_nodes.SingleEntry: lambda ev, e: unit(ev.shape(e), tuple(ev.values[i] for i in e.indices)),
    proof_nodes.Entry: lambda ev, e: entry_value(ev(e.args[0]), [ev.values[i] for i in e.args[1:]]),
    proof_nodes.Inner: lambda ev, e: np.sum(ev(e.args[0]) * ev(e.args[1])),
    **spectral.EVALUATORS,
    **texmatrix.EVALUATORS,
    ir.MatrixFunction: lambda ev, e: MATRIX[e.name](ev(e.arg)),
    ir.Frechet: lambda ev, e: frechet(MATRIX[e.name], ev(e.arg), ev(e.direction)),
    ir.KroneckerForm: lambda ev, e: kronecker_form(MATRIX[e.name], ev(e.arg)),
}


ENTRYWISE = {name: f.numpy_function(np) for name, f in FUNCTIONS.items() if f.entrywise}
MATRIX = {name: f.numpy_function(np) for name, f in FUNCTIONS.items() if f.is_matrix_function}


def frechet(f, X, E):
    """``L_f(X, E)``, the upper right block of ``f([[X, E], [0, X]])`` (Higham 2008, Thm 3.6):
    one evaluation of ``f`` itself, exact for any primary matrix function."""
    n = X.shape[0]
    block = np.block([[X, E], [np.zeros_like(X), X]])
    return f(block)[:n, n:]


def kronecker_form(f, X):
    """``K_f(X)``, column by column: column ``k`` is ``vec L_f(X, E_k)`` for the k-th unit ``E_k``."""
    units = np.eye(X.size).reshape((X.size, *X.shape), order="F")  # unit k has vec = e_k
    return np.column_stack([np.ravel(frechet(f, X, E), order="F") for E in units])


def softmax(z):
    e = np.exp(z)
    return e / np.sum(e)


def row_max(Z):
    """Each row's largest real part: subtracted before ``exp``, it leaves a complex step analytic."""
    return np.max(np.real(Z), axis=1, keepdims=True)


def row_softmax(Z):
    """The softmax of each row, stable: ``e^(z - m) / Σ e^(z - m)`` with ``m`` the row's maximum."""
    E = np.exp(Z - row_max(Z))
    return E / np.sum(E, axis=1, keepdims=True)


def row_logsumexp(Z):
    """``m + log Σ e^(z - m)`` for each row, ``m`` its maximum: the column of the rows' log-sum-exps."""
    M = row_max(Z)
    return M + np.log(np.sum(np.exp(Z - M), axis=1, keepdims=True))


def limit(ev: Evaluator, e, t, F=None, direction=None, *_):
    """``lim_{t→0} e``: a directional derivative ``D_U F`` by the complex step; any other limit
    from symmetric evaluations at t = ±h, ±h/2, ±h/4, extrapolated twice (Richardson, O(h⁶))."""
    if F is not None and len(ev.directions) == 1:
        (variable,) = ev.directions
        return complex_step(F, ev.values, ev.dims, {variable: ev(direction)})

    def even(h):
        at = lambda s: Evaluator({**ev.values, t: s}, ev.dims, ev.directions)(e)  # noqa: E731
        return (at(h) + at(-h)) / 2

    c1, c2, c4 = even(STEP), even(STEP / 2), even(STEP / 4)
    r1, r2 = (4 * c2 - c1) / 3, (4 * c4 - c2) / 3
    return (16 * r2 - r1) / 15


def commutation(m: int, n: int) -> np.ndarray:
    """``K_{mn}``: row ``j + i n`` picks entry ``i + j m`` of vec A, which is ``A_ij`` (A is m×n)."""
    return np.eye(m * n)[np.arange(m * n).reshape((m, n), order="F").ravel()]


def unit(shape, index) -> np.ndarray:
    """The single-entry matrix (a unit vector when there is one index)."""
    value = np.zeros(shape)
    value[index if len(index) == 2 else (index[0], 0)] = 1.0
    return value


def entry_value(M, index):
    M = np.atleast_2d(M)
    return M[tuple(index)] if len(index) == 2 else M.ravel()[index[0]]


def finite_difference_jacobian(function, variable, values, dims) -> np.ndarray:
    """``∂vec F/∂(vec X)ᵀ`` by central differences, column by column (vec stacks columns)."""
    X = np.asarray(values[variable], dtype=float)
    columns = []
    for k in range(X.size):
        unit = np.zeros(X.size)
        unit[k] = 1.0
        unit = unit.reshape(X.shape, order="F")
        derivative = directional_derivative(function, values, dims, {variable: unit})
        columns.append(np.ravel(derivative, order="F"))
    return np.column_stack(columns)


def finite_difference_gradient(function, variable, values, dims, convention=None) -> np.ndarray:
    """The gradient of a scalar function by central differences, entry by entry (a number for a scalar).

    For a symmetric variable (``convention`` ``sym`` or ``cookbook``) the perturbations stay
    symmetric: ``E_ii`` and ``E_ij + E_ji``, whose derivatives are ``G_ii`` and ``2 G_ij``
    within symmetric matrices, or the Cookbook's entries themselves.
    """
    X = np.asarray(values[variable], dtype=float)
    if not X.shape:  # a number: the derivative, of whatever shape the function has
        return directional_derivative(function, values, dims, {variable: 1.0})
    gradient = np.zeros_like(X)
    along = lambda unit: np.squeeze(directional_derivative(function, values, dims, {variable: unit}))  # noqa: E731
    if convention is None:
        for index in np.ndindex(X.shape):
            unit = np.zeros_like(X)
            unit[index] = 1.0
            gradient[index] = along(unit)
        return gradient
    for i, j in zip(*np.triu_indices(X.shape[0])):
        unit = np.zeros_like(X)
        unit[i, j] = unit[j, i] = 1.0
        derivative = along(unit)
        gradient[i, j] = gradient[j, i] = derivative / 2 if i != j and convention == "sym" else derivative
    return gradient


def complex_step(F, values: dict, dims: dict, directions: dict):
    """``d/dt F(x + t·direction)`` at 0 as ``Im F(x + ih·direction)/h``: no cancellation, so exact
    to rounding even where the derivative is 0, for an analytic F (a 6-point central difference
    is the fallback)."""
    if not analytic(F, values) or differentiated_inside(F):
        return directional_derivative(F, values, dims, directions)
    shifted = {v: values[v] + 1j * COMPLEX_STEP * direction for v, direction in directions.items()}
    try:
        value = Evaluator({**values, **shifted}, dims, directions)(F)
    except (TypeError, ValueError, np.linalg.LinAlgError):
        value = None
    if value is None or not np.all(np.isfinite(value)):
        return directional_derivative(F, values, dims, directions)
    return np.imag(value) / COMPLEX_STEP


@functools.lru_cache(maxsize=4096)  # asked at every complex step, of the same few expressions
def differentiated_inside(F) -> bool:
    """Whether ``F`` takes the differential of an expression (its own complex step would meet this
    one's): a symbol's differential, dx, is its direction, a constant."""
    symbols = (sp.Symbol, sp.MatrixSymbol)
    return any(
        isinstance(n, (ir.MatDiff, ir.Diff)) and not isinstance(n.arg, symbols)
        for n in sp.preorder_traversal(F)
    )


def analytic(F, values: dict | None = None) -> bool:
    """Whether every named function in ``F`` is analytic (the complex step needs it), and every
    node that says whether it is (the spectral ones are not); a lemma's named piece (``g``, whose
    value is an expression) is looked into too."""
    named = (ir.Elementwise, ir.ScalarFunction, ir.MatrixFunction, ir.Frechet, ir.KroneckerForm)
    values, pending, seen = values or {}, [F], set()
    while pending:
        for n in sp.preorder_traversal(pending.pop()):
            if isinstance(n, named) and not FUNCTIONS[n.name].analytic:
                return False
            if not getattr(n, "analytic", True):
                return False
            if isinstance(n, (sp.Symbol, sp.MatrixSymbol)) and isinstance(values.get(n), sp.Basic):
                if n not in seen:
                    seen.add(n)
                    pending.append(values[n])
    return True


def directional_derivative(F, values: dict, dims: dict, directions: dict):
    """``d/dt F(x + t·direction)`` at 0, by a 6-point central difference."""

    def at(t):  # a differential inside F stays its direction: d(dx) = 0, dx a constant increment
        shifted = {v: values[v] + t * direction for v, direction in directions.items()}
        return Evaluator({**values, **shifted}, dims, directions)(F)

    h = STEP
    return (at(3 * h) - 9 * at(2 * h) + 45 * at(h) - 45 * at(-h) + 9 * at(-2 * h) - at(-3 * h)) / (60 * h)
