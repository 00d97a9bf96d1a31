"""The kind of result a derivation computes (gradient, derivative, Jacobian, Hessian, second
derivative), and the convention and layout it is written in, resolved once by the engine and
carried on the ``Derivation``."""

from __future__ import annotations

from dataclasses import dataclass

from ..expr import ir
from ..spec.keys import variable_name
from ..spec.model import Spec


@dataclass(frozen=True)
class Kind:
    """What the derivative is: ``name`` (as ``show --json`` says it), its ``order``, whether it is a
    Jacobian ``∂vec F/∂(vec X)ᵀ``, whether the variable is a number, and for order 2 the first
    derivative it differentiates (``first``)."""

    name: str
    order: int = 1
    jacobian: bool = False
    by_number: bool = False
    first: Kind | None = None

    @property
    def first_order(self) -> Kind:
        """The kind of the first derivative: itself, or the gradient a Hessian differentiates."""
        return self.first or self

    @property
    def vectorised(self) -> bool:
        """Whether it is a matrix over ``vec X`` (a Jacobian, a Hessian), not shaped like the variable."""
        return not self.by_number and (self.jacobian or self.order == 2)


GRADIENT = Kind("gradient")
DERIVATIVE = Kind("derivative", by_number=True)
JACOBIAN = Kind("jacobian", jacobian=True)
HESSIAN = Kind("hessian", order=2, first=GRADIENT)
SECOND_DERIVATIVE = Kind("second derivative", order=2, by_number=True, first=DERIVATIVE)
# (order, a Jacobian, by a number) → kind; the engine refuses the second order of a Jacobian
KINDS = {
    (k.order, k.jacobian, k.by_number): k
    for k in (GRADIENT, DERIVATIVE, JACOBIAN, HESSIAN, SECOND_DERIVATIVE)
}


def is_jacobian(function, variable) -> bool:
    """Whether the derivative is a Jacobian: a function with more than one entry, of a matrix."""
    return ir.is_matrix(function) and not ir.is_one_by_one(function) and ir.is_matrix(variable)


def kind_of(function, variable, order: int = 1) -> Kind:
    """The kind of the ``order``-th derivative of ``function`` by ``variable``."""
    return KINDS[order, is_jacobian(function, variable), not ir.is_matrix(variable)]


def structure(spec: Spec) -> str | None:
    """How a symmetric variable's gradient is taken (``sym`` or ``cookbook``); None if unconstrained."""
    declared = spec.symbol(variable_name(spec.wrt[0]))
    return spec.symmetric_gradient if {"symmetric", "spd"} & set(declared.assume) else None


def resolved_layout(spec: Spec, kind: Kind) -> str:
    """The layout the result is written in: a derivative by a number has none (it is denominator's)."""
    return "denominator" if kind.by_number else spec.layout
