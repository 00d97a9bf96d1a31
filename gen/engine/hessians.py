"""Hessians and second derivatives: the Jacobian of the gradient (Magnus & Neudecker's second
identification theorem), the derivative of the derivative, and the second differential in two
directions."""

from __future__ import annotations

from dataclasses import replace

from ..expr import ir, proof_nodes
from .jacobians import jacobian_core
from .linear_forms import linear_form
from .methods import Core, derive_core, expand_differentials
from .powers import merge_powers
from .proof import Chain, Step
from .registry import MAGNUS_CH5, fact
from .simplify import numbers_out_of_traces
from .transposes import push_transposes

MAGNUS_CH10 = "Magnus & Neudecker, Matrix Differential Calculus, ch. 10 (second identification theorem)"


fact(
    "Hessian identification",
    r"\mathrm{d}^{2}f = \mathrm{d}x^{\top} H\,\mathrm{d}x,\ \mathrm{d}(\nabla f) = H\,\mathrm{d}x"
    r" \iff \nabla^{2} f = H",
    MAGNUS_CH10,
    "The Hessian is the Jacobian of the gradient.",
)


fact(
    "vec Hessian identification",
    r"\mathrm{d}^{2}f = (\mathrm{d}\operatorname{vec}X)^{\top} H\,\mathrm{d}\operatorname{vec}X,\ "
    r"\mathrm{d}\operatorname{vec}(\nabla f) = H\,\mathrm{d}\operatorname{vec}X \iff \nabla^{2} f = H",
    MAGNUS_CH10,
    "The Hessian is the Jacobian of the gradient, acting on vec X.",
)


def hessian_core(gradient, variable, symmetric) -> Core:
    """``d vec(∇f) = H d vec X``: the second differential's matrix, read off the gradient's differential.

    For a symmetric variable the Jacobian of the gradient ``(G + Gᵀ)/2`` is taken within symmetric
    matrices, so the Hessian ``H ½(I + K)`` is a symmetric matrix."""
    core = jacobian_core(gradient, variable, symmetric)
    first, *rest = core.gradient.steps
    identification = "Hessian identification" if variable.shape[1] == 1 else "vec Hessian identification"
    hessian = Chain(None, (replace(first, rule=identification), *rest))
    return replace(core, gradient=hessian)


fact(
    "second derivative",
    r"\mathrm{d}f' = g\,\mathrm{d}t \iff \frac{\mathrm{d}^{2}f}{\mathrm{d}t^{2}} = g",
    MAGNUS_CH5,
    "The second derivative is the derivative of the derivative.",
)


def second_derivative_core(derivative, t, symmetric) -> Core:
    """``d(f') = f'' dt``: the derivative's differential, and the second derivative read off it."""
    core = derive_core(derivative, t, symmetric)
    first, *rest = core.gradient.steps
    return replace(core, gradient=Chain(None, (replace(first, rule="second derivative"), *rest)))


fact(
    "second differential",
    r"\mathrm{d}f = \operatorname{tr}(M\,\mathrm{d}X),\ \mathrm{d}^{2}X = 0"
    r" \implies \mathrm{d}^{2}f = \operatorname{tr}(\mathrm{d}M\,\mathrm{d}X)",
    MAGNUS_CH10,
    "dX is the same in both differentials: only M varies, and d(dX) = 0.",
)


def bilinear_form(M, variable, U, V) -> Chain:
    """``d²f[U, V] = tr(D_U M · V)`` for ``df = tr(M dX)``: the second differential in two directions."""
    dX = ir.d(variable)
    steps = expand_differentials(ir.d(M), variable)
    dM = (steps[-1].expr if steps else ir.d(M)).xreplace({dX: U})
    lines = [Step(ir.tr(ir.mul(dM, V)), "second differential")]
    expanded = ir.add(*(ir.tr(ir.mul(t.expr(U), V)) for t in linear_form(dM, U)))
    if expanded != lines[-1].expr:
        lines.append(Step(expanded, "expand"))
    for simplification in (merge_powers, push_transposes, numbers_out_of_traces):
        if (value := simplification(lines[-1].expr)) != lines[-1].expr:
            lines.append(Step(value, simplification.rule.name))
    return Chain(proof_nodes.SecondDifferential(U, V), tuple(lines))
