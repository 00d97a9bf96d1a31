"""Piecewise functions (``relu``, ``abs``, ``max``/``min`` with a constant, ``clip``, ``huber``, and
the ``step`` and ``sign`` of their derivatives): their constant parameters and their kinks.

Their rows are in gen/expr/functions.py (``PIECEWISE``). A parameter after the argument is a
constant: a number, or a scalar expression that does not depend on the variables (``huber(r,
delta)`` with a declared ``delta``). ``max`` and ``min`` take the constant on either side
(``max(0, x)`` is ``max(x, 0)``). Of two varying arguments (``max(x, y)`` with both depending on
the variable) derivtex refuses, at the call, and suggests ``y + relu(x - y)``.

A kink is where the derivative jumps (``relu`` at 0, ``huber`` at ±δ): a document states its
result away from them, and the verifier samples away from them (gen/verify/sample.py).
"""

from __future__ import annotations

import sympy as sp

from ..errors import Unsupported
from . import ir
from .functions import FUNCTIONS
from .printers import text

# what numbers a parameter may be (a symbol's values are the author's to declare: delta positive)
VALID = {
    "clip": (lambda a, b: a <= b, "a ≤ b in clip(x, a, b)"),
    "huber": (lambda delta: delta > 0, "delta > 0 in huber(x, delta)"),
}
# max(x, y) of two varying arguments, written with one constant threshold
TWO_VARYING = {"max": "y + relu(x - y)", "min": "y - relu(y - x)"}


def is_piecewise(node) -> bool:
    named = isinstance(node, (ir.Elementwise, ir.ScalarFunction))
    return named and FUNCTIONS[node.name].piecewise


def kinks(node) -> tuple:
    """Where ``node``'s derivative jumps, as values of its argument: ``(-δ, δ)`` for ``huber(r, δ)``."""
    return tuple(sp.sympify(k) for k in FUNCTIONS[node.name].kinks(*node.params))


def kinked(expr) -> list:
    """The piecewise nodes of ``expr``, innermost first, each once."""
    return list(dict.fromkeys(n for n in sp.postorder_traversal(expr) if is_piecewise(n)))


class PiecewiseLowering:
    """The lowering's part for piecewise functions (mixed into gen.expr.lower's ``_Lowering``)."""

    def piecewise_parameters(self, node, x, parameters):
        """The argument and the parameters of ``φ(x, …)``, the constant of max/min second, the
        defaults filled in; a parameter must be a number."""
        row = FUNCTIONS[node.name]
        if row.symmetric and constant_first(x, parameters[0]):
            x, parameters = parameters[0], (x, *parameters[1:])
        for p in parameters:
            if ir.is_matrix(p) and not ir.is_one_by_one(p):
                message = f"{node.name}() compares each entry with a number: {text(p)} is not a number"
                if node.name in TWO_VARYING:  # the larger of two vectors, entry by entry
                    message += f"; for two arrays write {node.name}(x, y) = {TWO_VARYING[node.name]}"
                raise self.error(message, node.pos)
        written = [ir.scalar(p) for p in parameters]
        defaults = [sp.Integer(default) for _, default in row.parameters[len(written) :]]
        parameters = (*written, *defaults)
        valid, needs = VALID.get(node.name, (None, ""))
        if valid and all(p.is_Number for p in parameters) and not valid(*parameters):
            written = ", ".join(text(p) for p in parameters)
            raise self.error(f"{node.name}() needs {needs}, not {written}", node.pos)
        return x, parameters


def constant_first(x, c) -> bool:
    """``max(0, x)``, ``max(c, X)``: the number, or the scalar next to a matrix, comes first."""
    if ir.is_matrix(x) and not ir.is_one_by_one(x):
        return False
    return ir.is_matrix(c) and not ir.is_one_by_one(c) or not x.free_symbols and bool(c.free_symbols)


def constant_parameters(expr, variables, source, symbols):
    """``expr`` with each piecewise function's parameters constant: ``max(c, x)`` turned round when
    only ``x`` varies; a parameter that varies is refused at its call."""
    from .lower import locate

    for node in kinked(expr):
        if not any(ir.depends_on(p, variables) for p in node.params):
            continue
        row = FUNCTIONS[node.name]
        if row.symmetric and not ir.depends_on(node.arg, variables):
            turned = expr.xreplace({node: ir.apply(node.name, node.params[0], node.arg)})
            return constant_parameters(turned, variables, source, symbols)
        names = " or ".join(str(v) for v in variables)
        message = (
            f"{text(node)}: the parameters of {node.name}() after its argument are constants"
            f" (numbers or expressions without {names})"
        )
        if node.name in TWO_VARYING:
            message += f"; for two varying arguments write {node.name}(x, y) = {TWO_VARYING[node.name]}"
        raise Unsupported(message, locate(source, symbols, node))
    return expr
