"""``\\mathbf{1}`` and a bare ``I``: each occurrence sized by the chain's shape inference.

A reader knows their sizes from the equation: ``\\mathbf{1}^{\\top}x`` with x ∈ ℝⁿ has 1 ∈ ℝⁿ, the I of
``A + I`` has A's shape, both sides of ``=`` have one shape, a term of a sum has the sum's. So each
occurrence carries dimension variables of its own, ``(k, 1)`` for ``\\mathbf{1}`` (a column vector
of ones, the Matrix Cookbook's 1; a matrix of ones is written ``\\mathbf{1}\\mathbf{1}^{\\top}``) and
``(k, k)`` for I, and the one unification of `gen.texcheck.shapes` solves them with the rest of the
run of links. No dimension becomes 1 (as for any symbol's). An occurrence whose dimensions end tied
to no symbol's dimension could have any size: it is left unsized, and the lowering says it cannot
tell the size (``cannot check``, never a guess). A written 0 gets dimensions of its own too, each
free to be 1 (a 0 is a number or a matrix as the link says), so that it passes shapes on; it is
never rewritten, being 0 whatever its shape (`gen.texcheck.values.zeroed`).
"""

from __future__ import annotations

import functools
from dataclasses import replace

from ..expr.parser import BinOp, Call, Name, Num
from ..expr.texmatrix import ZERO


def is_ones(node) -> bool:
    """``\\mathbf{1}`` as the LaTeX front end reads it: ``ones()`` with no size."""
    return isinstance(node, Call) and node.name == "ones" and not node.args


def is_identity(node, declared: dict) -> bool:
    """A bare ``I`` that is not a declared symbol."""
    return isinstance(node, Name) and node.name == "I" and "I" not in declared


def fresh(u, node) -> tuple:
    """The occurrence's own dimension variables: ``(k, c)`` for 1, ``(k, k)`` for I, two for 0."""
    k = u.var()
    if isinstance(node, Num):  # 0: a number or a matrix, whatever the rest of the link says
        return (COLUMN + k[1:], COLUMN + u.var()[1:])
    return (k, COLUMN + k[1:]) if is_ones(node) else (k, k)


COLUMN = "?c"  # a 1's column count: 1 unless a sum or an entrywise product makes the 1 a matrix


VECTOR_OF_ONES = "\\mathbf{1}: a column vector of ones (unless a sum or entrywise product makes it a matrix)"


def column(d) -> bool:
    return str(d).startswith(COLUMN)


def loose(d) -> bool:
    """A dimension variable that may be 1: a 1's column count, a row or column of zero blocks'
    extent (`gen.expr.texmatrix.block_shape`)."""
    return str(d).startswith((COLUMN, "?" + ZERO))


def settled(d, free: dict):
    """A resolved dimension as the sampled shapes name it: a number, a declared dimension, a free
    dimension of a symbol (``free``: variable → name), 1 for a 1's column count nothing made more,
    a sum of those (blocks'), or None (tied to no symbol: the size is not known)."""
    if isinstance(d, tuple):
        terms = [settled(e, free) for e in d[1:]]
        return None if None in terms else (d[0], *terms)
    if column(d):
        return 1
    return free.get(d) if str(d).startswith("?") else d


def dimension(d):
    if isinstance(d, tuple):  # blocks' dimensions: their sum
        return functools.reduce(lambda a, b: BinOp("+", a, b, 0), map(dimension, d[1:]))
    return Num(str(d), 0) if isinstance(d, int) else Name(d, 0)


def sized_node(node, dims: tuple):
    """``ones(k, 1)`` or ``I(k)`` in the grammar, which the lowering sizes as written; a matrix
    literal with the extents of its rows and columns (None where unknown), which size its zero blocks."""
    if hasattr(node, "cells"):
        return replace(node, sizes=tuple(None if d is None else dimension(d) for d in dims))
    if is_ones(node):
        return replace(node, args=tuple(map(dimension, dims)))
    return Call("I", (dimension(dims[0]),), node.pos)


def resized(tree, replacements: dict):
    """``tree`` with each sized occurrence (``replacements``: id → (node, sized node)) replaced."""
    found = replacements.get(id(tree))
    if found is not None and found[0] is tree:
        tree = found[1]  # and then its parts: a dot product's factors may hold occurrences too
    if isinstance(tree, (Num, Name)) or tree is None:
        return tree
    if isinstance(tree, Call):
        return replace(tree, args=tuple(resized(a, replacements) for a in tree.args))
    if hasattr(tree, "cells"):  # a matrix literal (gen.expr.texmatrix)
        return replace(tree, cells=tuple(resized(a, replacements) for a in tree.cells))
    fields = ("operand", "left", "right", "exponent")
    return replace(tree, **{f: resized(getattr(tree, f), replacements) for f in fields if hasattr(tree, f)})
