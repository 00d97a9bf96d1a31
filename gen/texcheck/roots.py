"""A matrix's square root as the text uses it.

``\\sqrt{M}`` of a matrix is read as the principal root, symmetric, as most texts mean it:
``\\sqrt{\\Sigma}^{-1} \\Sigma \\sqrt{\\Sigma}^{-1} = I``. A text that writes the transpose of a root
(``\\sqrt{R}^{-T}``: square-root filters, whitening by a Cholesky factor) means any factor Z with
Z Zᵀ = M, symmetric or not: in a chain that transposes a root, that root is read as the Cholesky
factor of its argument (a root, lower triangular, not symmetric), so that a step true of the
symmetric root only (a transpose dropped) is not taken for true.
"""

from __future__ import annotations

from ..expr.parser import Call, Postfix
from .indexnodes import bare, mapped, nodes


def factored(sides: list[list]) -> list[list]:
    """``sides`` (lists of trees) with each root the chain transposes read as a Cholesky factor."""
    trees = [t for group in sides for t in group if not isinstance(t, str)]
    transposed = {
        bare(t.operand.args[0])
        for tree in trees
        for t in nodes(tree)
        if isinstance(t, Postfix) and t.op in ("T", "-T") and is_root(t.operand)
    }
    if not transposed:
        return sides

    def rewrite(t):
        return Call("chol", t.args, t.pos) if is_root(t) and bare(t.args[0]) in transposed else t

    return [[t if isinstance(t, str) else mapped(t, rewrite) for t in group] for group in sides]


def is_root(tree) -> bool:
    return isinstance(tree, Call) and tree.name == "sqrt" and len(tree.args) == 1
