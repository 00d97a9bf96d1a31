"""A bound on the matrices the checks evaluate, counted before numpy allocates any of them.

The time budget stops Python code between two bytecodes, not one numpy call: ``kron`` of
``kron(kron(X, X), kron(X, X))`` with itself at n = 4 would allocate 64 GB in one call, a
vector of 10⁹ entries 8 GB. So every matrix is sized first, from its shape at the sampled
sizes: a declared symbol and a matrix written in the spec (the function, a claim, a compared
value, a step) before any point is drawn, refused at their position if above ``MAX_ENTRIES``;
one the derivation wrote (a Kronecker form, a commutation matrix, up to the square of what the
spec writes) as it is about to be evaluated, refused at the function if above ``MAX_DERIVED``.
"""

from __future__ import annotations

import math

import sympy as sp

from ..errors import SpecError
from ..expr.lower import locate
from ..expr.printers import brief

MAX_ENTRIES = 4096 * 4096  # of a symbol or a matrix written in the spec (128 MB of doubles)
# of a matrix the derivation writes (2 GB of doubles): the Jacobian of kron(kron(A, X), X^T) is a
# product of Kronecker forms of 13125 × 13125 at the odd sizes (m = 3, n = 5, p = 7)
MAX_DERIVED = 16 * MAX_ENTRIES


class TooLarge(SpecError):
    """A matrix the checks would evaluate has more entries than its bound."""

    def __init__(self, what: str, shape: tuple[int, ...], dims: dict, bound: int = MAX_ENTRIES):
        when = ", ".join(f"{name} = {size}" for name, size in dims.items())
        message = (
            f"{what} is a {' × '.join(map(str, shape))} matrix{f' at {when}' * bool(when)}, more than "
            f"the {bound} entries a matrix may have to be checked numerically"
        )
        super().__init__(message)


def guard(node, dims: dict) -> None:
    """Refuse to evaluate ``node`` at ``dims``, a matrix the derivation may have written, if it is
    too large (a size not drawn, as when a value is given for ``node``'s symbols, is not counted)."""
    shape = sized(node, dims)
    if shape is not None and math.prod(shape) > MAX_DERIVED:
        raise TooLarge(brief(node), shape, used(node, dims), MAX_DERIVED)


def require_bounded(derivation, assignments) -> None:
    """Every declared symbol and every matrix written in the spec, at every assignment of sizes,
    within the bound; else the error at the symbol, or at the outermost piece of text too large."""
    from .sample import evaluated

    for declared in derivation.spec.symbols:
        symbol = derivation.symbol_map[declared.name]
        if error := too_large(symbol, assignments, repr(declared.name)):
            raise error.at(declared.span)
    for source, expr, _ in evaluated(derivation):
        for node in matrices(expr):
            if error := too_large(node, assignments, brief(node)):
                raise error.at(locate(source, derivation.symbol_map, node))


def too_large(node, assignments, what: str) -> TooLarge | None:
    """The error if ``node`` has too many entries at one of the assignments of sizes, else None."""
    if not isinstance(node, sp.MatrixExpr):
        return None
    for dims in assignments:
        shape = sized(node, dims)
        if shape is not None and math.prod(shape) > MAX_ENTRIES:
            return TooLarge(what, shape, used(node, dims))
    return None


def sized(node, dims: dict) -> tuple[int, ...] | None:
    """``node``'s shape at ``dims``, or None if a size is not among them."""
    if not all(d.free_symbols <= dims.keys() for d in dimensions(node)):
        return None
    return tuple(int(d.xreplace(dims)) for d in dimensions(node))


def used(node, dims: dict) -> dict:
    """The sizes of the dimensions ``node``'s shape is written in (n = 4, not all of them)."""
    names = set().union(*(d.free_symbols for d in dimensions(node)))
    return {name: size for name, size in dims.items() if name in names}


def dimensions(node) -> tuple:
    """``node``'s shape as SymPy sizes (a shape may hold Python integers)."""
    return tuple(sp.Integer(d) if isinstance(d, int) else d for d in node.shape)


def matrices(expr):
    """The matrices in ``expr``, outermost first, each once (a name unfolded twice is one node)."""
    seen, stack = set(), [expr]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if isinstance(node, sp.MatrixExpr):
            yield node
        stack.extend(reversed(node.args))
