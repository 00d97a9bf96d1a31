"""A function the text defines that is one of derivtex's own, entry by entry: ``\\sigma(z) :=
\\frac{1}{1 + e^{-z}}`` is the logistic function, so ``\\sigma(Xw)`` is applied to each entry of
Xw, as the text means (substituted, the body would add 1 to a vector and divide by it).

A definition of one parameter whose body is a formula of that parameter as a number is compared
with each entrywise function of the grammar at a few numbers (where both are defined); the one it
equals at every number is how the definition reads, whatever its argument. Nothing else is
recognised: a body using other names, matrices or operations of matrices stays a body.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from ..errors import quoted_tex
from ..expr.functions import FUNCTIONS
from ..expr.parser import BinOp, Call, Name, Neg, Num, Postfix
from ..expr.tex import sigmoid_derivative
from ..expr.texbars import Uncheckable

POINTS = np.array([-1.3, -0.4, 0.3, 0.9, 1.7])
CANDIDATES = tuple(
    name for name, f in FUNCTIONS.items() if f.entrywise and f.arity == (1,) and f.analytic and f.numpy
)


@cache
def library_function(body, param: str) -> str | None:
    """The entrywise function of the grammar that ``body``, a formula of the number ``param``,
    equals; None if none (or the body is more than a formula of one number)."""
    with np.errstate(all="ignore"):
        try:
            values = at(body, param, POINTS)
        except NotAFormula:
            return None
        for name in CANDIDATES:
            expected = np.asarray(FUNCTIONS[name].numpy_function(np)(POINTS), dtype=float)
            both = np.isfinite(expected) & np.isfinite(values)
            if both.sum() >= 3 and np.allclose(values[both], expected[both], rtol=1e-9, atol=1e-12):
                return name
    return None


class NotAFormula(Exception):
    pass


def at(node, param: str, x: np.ndarray) -> np.ndarray:  # noqa: C901 — one case per node type
    if isinstance(node, Num):
        return np.full_like(x, float(node.text))
    if isinstance(node, Name) and node.name == param:
        return x
    if isinstance(node, Name) and node.name in ("e", "pi"):
        return np.full_like(x, np.e if node.name == "e" else np.pi)
    if isinstance(node, Neg):
        return -at(node.operand, param, x)
    if isinstance(node, BinOp) and node.op in ("+", "-", "*", "/", ".*"):
        a, b = at(node.left, param, x), at(node.right, param, x)
        return {"+": a + b, "-": a - b, "*": a * b, ".*": a * b, "/": a / b}[node.op]
    if isinstance(node, Postfix) and node.op in ("^", ".^") and node.exponent is not None:
        return at(node.operand, param, x) ** at(node.exponent, param, x)
    if isinstance(node, Call) and len(node.args) == 1 and node.name in CANDIDATES:
        return np.asarray(FUNCTIONS[node.name].numpy_function(np)(at(node.args[0], param, x)), dtype=float)
    raise NotAFormula


def _tanh_prime(z, at: int):  # sech²(z) = 4 σ(2z) σ(-2z)
    twice = BinOp("*", Num("2", at), z, at)
    return BinOp("*", Num("4", at), sigmoid_derivative(twice, at), at)


# f' of each entrywise function, in the grammar's functions (no 1 to size: σ(z)σ(-z), not σ(z)(1 - σ(z)))
DERIVATIVES = {
    "sigmoid": sigmoid_derivative,
    "tanh": _tanh_prime,
    "exp": lambda z, at: Call("exp", (z,), at),
    "softplus": lambda z, at: Call("sigmoid", (z,), at),
    "relu": lambda z, at: Call("step", (z,), at),
    "sin": lambda z, at: Call("cos", (z,), at),
    "cos": lambda z, at: Neg(Call("sin", (z,), at), at),
    "abs": lambda z, at: Call("sign", (z,), at),
}


def primed_applied(call: Call, scope):
    """``\\sigma'(z)`` (``sigma'`` applied) where the text defines σ: the derivative of the entrywise
    function its definition is, applied to z entry by entry; else why it cannot be checked."""
    from ..expr.texnames import as_written
    from .indexnodes import bare, mapped

    name = call.name[:-1]
    definition = scope.defined[name]
    if definition.derivative is not None and len(call.args) == 1:  # g: function, its stand-in's g'
        (param,), (arg,) = definition.params, call.args
        return mapped(definition.derivative, lambda n: arg if isinstance(n, Name) and n.name == param else n)
    one = len(definition.params) == 1 and not isinstance(definition.tree, str)
    same = library_function(bare(definition.tree), definition.params[0]) if one else None
    if same not in DERIVATIVES or len(call.args) != 1:
        said = f"{as_written(name)}'(…): the derivative of the function the text defines as"
        said += f" {quoted_tex(definition.body.value)} is not one derivtex knows: write it out"
        raise Uncheckable(said)
    return DERIVATIVES[same](call.args[0], call.pos)
