"""A spec's function lowered, before anything is derived: what a check of its domain needs."""

from __future__ import annotations

from ..expr.lower import parse_expr, symbol_table
from ..expr.piecewise import constant_parameters
from ..spec.keys import Spec
from .derive import Derivation
from .facts import known
from .kind import GRADIENT
from .spectral import require_symmetric


def lowered(spec: Spec) -> Derivation:
    """``spec``'s function in its symbols, in a derivation with nothing derived (no variable, result or
    proof): enough to draw the points the checks draw, in milliseconds, before the derivation runs.

    The refusals the engine makes of the function as written (a varying parameter of a piecewise
    function, an eigenvalue of a matrix not known to be symmetric) come first, as in ``derive``."""
    symbols = symbol_table(spec.symbols)
    function = parse_expr(spec.function, symbols)
    variables = [symbols[t.value] for t in spec.wrt if t.value in symbols]
    function = constant_parameters(function, variables, spec.function, symbols)
    require_symmetric(((spec.function, function),), symbols, known(spec, symbols))
    return Derivation(spec, tuple(symbols.items()), function, None, None, (), GRADIENT, None, "denominator")
