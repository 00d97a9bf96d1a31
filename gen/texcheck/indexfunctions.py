"""The entry of a function's value in index notation: ``s(\\mathbf x)_i``, ``\\phi(z)_i``.

A function the text defines (``% derivtex: s(x) := \\operatorname{softmax}(x)``, a display, the
prose) is applied before the side is read entry by entry, so ``s(x)_i`` is the i-th entry of the
definition's value (`applied`). The softmax of a vector is over its entries (`softmax_of`); of a
matrix it is refused here, as which axis the text means is not said by ``s(X)_{ij}`` alone. A
function nothing defines stays refused (`gen.texcheck.indices.refuse_applied`): never a guess.
"""

from __future__ import annotations

import numpy as np

from ..expr.parser import Call
from .indexnodes import Uncheckable

SOFTMAX = "softmax"

# the piecewise functions, each piece analytic: the piece chosen by the real part, so that the complex
# step differentiates the piece the point is on (a random point never falls on a kink); max(Z, 0) and
# the step 1[Z > c] compare each entry with a number
PIECES = {
    "max": lambda x, c: np.where(x.real > c.real, x, c),
    "min": lambda x, c: np.where(x.real < c.real, x, c),
    "step": lambda x, c: np.where(x.real > c.real, 1.0, 0.0),
    "relu": lambda x: np.where(x.real > 0, x, 0.0),
    "abs": lambda x: np.where(x.real < 0, -x, x),
    "sign": lambda x: np.sign(x.real),
}


def is_defined(tree, scope) -> bool:
    """Whether ``tree`` applies a function the text defines (with parameters, or a name it defines)."""
    return isinstance(tree, Call) and tree.name in scope.defined


def applied(tree: Call, scope, kept=frozenset()):
    """The definition's body with its parameters replaced by ``tree``'s arguments (the ``kept`` names,
    the variable of a derivative, as they are)."""
    from ..errors import SpecError
    from .links import expanded

    try:
        return expanded(tree, scope, kept)
    except SpecError as error:  # a definition the front end could not read, or nested too deep
        raise Uncheckable(getattr(error, "message", str(error))) from error


def softmax_shape(node: Call, shapes: list):
    """A vector's softmax has its shape; an axis argument is not read in index notation."""
    if len(shapes) != 1:
        raise Uncheckable("softmax(…, axis) is not supported in index notation: write it out")
    return shapes[0]


def softmax_of(data: np.ndarray) -> np.ndarray:
    """``e^{x_i} / \\sum_j e^{x_j}`` over the entries of a vector (``data[…, rows, columns]``, one
    of the two 1); the largest entry is subtracted first (the same value, no overflow). Complex
    entries (a derivative by the complex step) are kept: the real part's maximum is subtracted."""
    rows, columns = data.shape[-2:]
    if rows != 1 and columns != 1:
        raise Uncheckable("the softmax of a matrix in index notation: of its rows or columns? write it out")
    shift = data.real.max(axis=(-2, -1), keepdims=True)
    powers = np.exp(data - shift)
    return powers / powers.sum(axis=(-2, -1), keepdims=True)
