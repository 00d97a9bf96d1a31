"""Named intermediate quantities: ``a = W₁x + b₁``, ``h = tanh(a)``, …, each defined from the spec's
symbols and the earlier names (the minimal shared interface of issue 16, items 1 and 2)."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..expr import ir


@dataclass(frozen=True)
class Named:
    """Intermediate quantities in order: each defined from the spec's symbols and the earlier ones."""

    pairs: tuple[
        tuple[object, object], ...
    ] = ()  # (SymPy symbol / MatrixSymbol of the inferred shape, definition)

    def unfold(self, expr):
        """Every name replaced by its definition, recursively (the latest first, so one pass does it)."""
        for name, definition in reversed(self.pairs):
            expr = expr.xreplace({name: definition})
        return expr

    def fold(self, expr):
        """Every occurrence of a definition replaced by its name, latest first (until none is left);
        a product occurs also as consecutive factors of a longer one (``Xw`` in ``yᵀXw``)."""
        while True:
            before = expr
            for name, definition in reversed(self.pairs):
                for form in dict.fromkeys((self.unfold(definition), definition)):
                    expr = replaced(expr, form, name)
            if expr == before:
                return expr

    @property
    def symbols(self) -> tuple:
        return tuple(name for name, _ in self.pairs)


def replaced(expr, old, new):
    """``expr`` with ``old`` replaced by ``new``, also as a run of a longer product's factors."""
    expr = expr.xreplace({old: new})
    if not isinstance(old, sp.MatMul) or not expr.has(*old.args):
        return expr
    run = old.args

    def visit(node):
        if not isinstance(node, sp.MatMul):
            return node
        args = node.args
        for i in range(len(args) - len(run) + 1):
            if args[i : i + len(run)] == run:
                return ir.mul(*args[:i], new, *args[i + len(run) :])
        return node

    from .simplify import rebuild  # the simplifier's bottom-up walk, re-normalising products

    return rebuild(expr, visit)
