"""Named intermediate quantities: ``a = W₁x + b₁``, ``h = tanh(a)``, ``z = W₂h``.

A name is a SymPy symbol (a ``MatrixSymbol`` of its definition's shape, or a
``Symbol`` for a number) standing for an expression in the spec's symbols and
the names before it. The proof writes the names; the checks evaluate what they
stand for (``unfold``), so every line that uses them is checked like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import sympy as sp

from ..expr import ir
from .walk import rebuild


@dataclass(frozen=True)
class Named:
    """Intermediate quantities in order: each defined from the spec's symbols and the earlier ones."""

    pairs: tuple[tuple[object, object], ...] = ()  # (symbol of the inferred shape, its definition)

    def unfold(self, expr):
        """Every name replaced by its definition, recursively (what the evaluator sees)."""
        return written_out(self.pairs, expr) if self.pairs else expr

    def fold(self, expr):
        """Every occurrence of a definition replaced by its name, latest name first.

        The expression is unfolded first, so that a definition is found however much of it was
        already written with names: ``fold(softmax(W₂h))`` is ``p`` as ``fold(softmax(z))`` is. A
        product occurs also as consecutive factors of a longer one (``Xw`` in ``yᵀXw``).
        """
        if not self.pairs:
            return expr
        expr = self.unfold(expr)
        for name, full in reversed(self.unfolded):
            for spelling in spellings(full):
                expr = replaced(expr, spelling, name)
        return expr

    def peel(self, expr):
        """The names ``expr`` holds at its top replaced by their definitions, one level only:
        ``log(p)`` is ``log(softmax(z))`` (what a rule for a composite function looks for)."""
        from .simplify import softmaxes  # as the author writes it: softmax(z), not e^z/1ᵀe^z

        definitions = {name: softmaxes(definition) for name, definition in self.pairs if expr.has(name)}
        return expr.xreplace(definitions) if definitions else expr

    def definition(self, name):
        """What ``name`` stands for (None if it is not a name)."""
        return dict(self.pairs).get(name)

    @property
    def symbols(self) -> tuple:
        return tuple(name for name, _ in self.pairs)

    @cached_property
    def unfolded(self) -> tuple:
        """(name, its definition in the spec's symbols only)."""
        return tuple((name, self.unfold(definition)) for name, definition in self.pairs)

    def varying(self, variables) -> tuple:
        """The names whose definitions depend on ``variables``."""
        return tuple(name for name, full in self.unfolded if ir.depends_on(full, variables))

    def __bool__(self) -> bool:
        return bool(self.pairs)


NO_NAMES = Named()


@lru_cache(maxsize=4096)
def written_out(pairs: tuple, expr):
    """``expr`` with every name of ``pairs`` replaced by its definition, recursively (remembered: a
    proof through names unfolds the same lines again and again)."""
    for name, definition in reversed(pairs):  # a later name may stand in an earlier's place
        if expr.has(name):
            expr = expr.xreplace({name: definition})
    return expr


def spellings(full) -> tuple:
    """The forms the engine writes an expression in: as parsed (a softmax written out as
    ``e^z / 1ᵀe^z``), and with its softmaxes named back (as the simplifier leaves them)."""
    from .simplify import softmaxes  # the simplifier's own rule: one definition of the named form

    return (full, softmaxes(full))


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

    return rebuild(expr, visit)
