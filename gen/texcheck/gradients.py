"""The value of ``\\nabla_X f`` where it stands inside an expression (`gen.expr.texgradient`), or
where two gradients by different variables are compared (``\\nabla_A g = \\nabla_X h``): the
gradient at the sampled point, each entry ``∂f/∂X_ij`` the complex-step derivative of f along the
unit direction ``E_ij`` (exact to rounding, as the differentials are), in denominator layout (the
shape of X; for a vector f by a vector x, the n×m matrix with rows ``(df[e_j])ᵀ``).

A gradient by a dummy variable (``\\nabla_x \\operatorname{tr}(x^{\\top} A \\mu)``, meant at x = μ)
is evaluated with x drawn like any other symbol: an identity holding for all x and μ holds at
x = μ, so an ok is never wrong; only a step true at x = μ alone would go unconfirmed.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr

from ..errors import Unsupported
from ..expr import ir
from ..expr.lower import _Lowering
from ..expr.parser import Call, Name
from ..expr.texgradient import GRADIENT
from ..expr.texnames import optimum_kind, optimum_unvalued
from ..verify import evaluate
from ..verify.evaluate import complex_step


class GradientValue(MatrixExpr):
    """``∇_X f`` at the point: args (f, X, rows, cols), and X's value there where X is a quantity
    the text defines (``∂L/∂z`` with ``z := Wx + b``: taken at z = Wx + b, not at a z drawn apart)."""

    is_commutative = False
    analytic = False  # evaluated by complex steps of its own: an outer derivative takes differences

    def __new__(cls, f, x, rows, cols, at=None):
        args = (f, x, sp.sympify(rows), sp.sympify(cols))
        return sp.Basic.__new__(cls, *args, *(() if at is None else (at,)))

    @property
    def shape(self):
        return self.args[2], self.args[3]


class NumberDerivative(sp.Expr):
    """``∂f/∂t`` of a number f by a number t where it stands inside an expression: args (f, t), and
    t's value there where t is a number the text defines (``∂v_5/∂v_4``, ``v_4 := v_1 + v_2``)."""

    analytic = False  # evaluated by a complex step of its own
    is_commutative = True  # a number: it scales a matrix (-∂L/∂z ∂z/∂w)

    def __new__(cls, f, t, *at):
        return sp.Expr.__new__(cls, f, t, *at)


class EntryDerivative(MatrixExpr):
    """``∂F/∂t`` of a matrix or vector F by a number t: args (F, t[, t's value]); F's shape."""

    is_commutative = False
    analytic = False

    def __new__(cls, f, t, *at):
        return sp.Basic.__new__(cls, f, t, *at)

    @property
    def shape(self):
        return self.args[0].shape


def by_number(ev, e):
    """The derivative by a number t: one complex step along t (from t's value, where given)."""
    f, t, *at = e.args
    values = {**ev.values, t: complex(np.reshape(ev(at[0]), ()))} if at else ev.values
    derivative = np.asarray(complex_step(f, values, ev.dims, {t: 1.0}), dtype=float)
    return derivative if not at or defined_at(f, values, ev.dims) else derivative * np.nan


def defined_at(f, values: dict, dims: dict) -> bool:
    """Whether ``f`` is defined at the real point ``values``: a derivative taken at a variable's value
    (∂ ln(1 - P)/∂(1 - P) at 1 - P < 0) is undefined where f is, never a complex step's log of a
    negative number."""
    real = {k: np.real(v) for k, v in values.items()}
    try:
        with np.errstate(all="ignore"):
            value = evaluate.Evaluator(real, dims, {})(f)
    except (TypeError, ValueError, np.linalg.LinAlgError):
        return False
    return bool(np.all(np.isfinite(value)))


evaluate.EVALUATORS[NumberDerivative] = lambda ev, e: float(np.reshape(by_number(ev, e), ()))
evaluate.EVALUATORS[EntryDerivative] = by_number


def evaluated(ev, e):
    """The gradient's entries, one complex step along each unit direction of X."""
    f, x = e.args[0], e.args[1]
    shape = tuple(ev.shape(x))
    values = {**ev.values, x: np.asarray(ev(e.args[4]), dtype=float)} if len(e.args) > 4 else ev.values
    steps = []
    for index in np.ndindex(shape):
        unit = np.zeros(shape)
        unit[index] = 1.0
        steps.append(np.asarray(complex_step(f, values, ev.dims, {x: unit}), dtype=float))
    if all(s.size == 1 for s in steps):  # a number's gradient: the shape of X
        gradient = np.array([s.reshape(()) for s in steps]).reshape(shape)
    else:
        gradient = np.array([s.reshape(-1) for s in steps])  # a vector's by a vector: row j is df[e_j]ᵀ
    return gradient if len(e.args) <= 4 or defined_at(f, values, ev.dims) else gradient * np.nan


evaluate.EVALUATORS[GradientValue] = evaluated


class GradientLowering(_Lowering):
    """The lowering, with ``Call(GRADIENT, (f, X))`` as a `GradientValue` (f first: what a
    change of the expression should change)."""

    layout = None
    symmetric: frozenset = frozenset()  # the symmetric variables: their gradient is a convention

    def apply_postfix(self, node, value):
        """A prime on a parenthesised number, ``(\\frac{1}{1+e^{-x}})'``, is its derivative, not a
        transpose (which a number would not need): not read."""
        primed = node.op == "T" and node.primed and not isinstance(node.operand, Name)
        if primed and not ir.is_matrix(value):
            raise Unsupported("(…)' of a number: its derivative, written with a prime? write it out")
        return super().apply_postfix(node, value)

    def lower_Call(self, node):
        if kind := optimum_kind(node.name):
            raise Unsupported(optimum_unvalued(kind))
        if node.name != GRADIENT:
            return super().lower_Call(node)
        if self.layout == "numerator":
            raise Unsupported("a gradient inside an expression in numerator layout cannot be checked yet")
        f, variable, *at = node.args
        if not isinstance(variable, Name):
            raise Unsupported("a derivative by an expression cannot be checked: write it out")
        if variable.name in self.symmetric:
            message = "the gradient by a symmetric matrix depends on the convention: compare it with a matrix"
            raise Unsupported(f"{message} alone (\\nabla_X f = G), which is checked under the text's")
        x, f = self.lower(variable), self.lower(f)
        if not f.has(x):  # δ = ∇_a f with f(W) defined: a dependence said in words
            said = "(a dependence said in words?)"
            raise Unsupported(
                f"∇_{variable.name}: what it differentiates does not contain {variable.name} {said}"
            )
        at = [self.lower(a) for a in at]  # the variable's value where the text defines it
        if not ir.is_matrix(x):
            if not isinstance(x, sp.Symbol) or any(ir.is_matrix(a) for a in at):
                raise Unsupported("a derivative by an expression cannot be checked: write it out")
            return EntryDerivative(f, x, *at) if ir.is_matrix(f) else NumberDerivative(f, x, *at)
        if not ir.is_matrix(f) or tuple(f.shape) == (1, 1):
            return GradientValue(f, x, *x.shape, *at)
        hessian = (
            isinstance(node.args[0], Call)
            and node.args[0].name == GRADIENT
            and node.args[0].args[1:2] == (variable,)
        )
        if f.shape[1] == 1 and x.shape[1] == 1 and self.layout is None and not hessian:  # ∇²f: symmetric
            message = (
                "a Jacobian inside an expression: its orientation is the layout's, and the text states none"
            )
            raise Unsupported(f"{message}: % derivtex: layout denominator")
        if f.shape[1] == 1 and x.shape[1] == 1:
            return GradientValue(f, x, x.shape[0], f.shape[0], *at)
        message = "a derivative of a matrix, or by one of a vector (more than two indices), cannot be checked"
        raise Unsupported(f"{message}: write it out")
