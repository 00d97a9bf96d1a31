"""Names the engine gives itself: a large piece of the function that the result or a line of the
proof would repeat becomes a named intermediate, as MatrixCalculus.org writes "where t₀ = …".

A piece of the function (of at least ``LARGE`` nodes) is named when writing it once saves at
least ``SAVED`` nodes: (the most times it stands in one result or one line − 1) × its size. So
``x − μ`` said twice stays as it is, and the two-layer network's ``tanh(W₁x + b₁)``, said thirty
times in a line, is named. Its name is the textbook letter for its role when that letter is
free — ``a`` for the argument of an activation, ``h`` for an activation, ``z`` for the argument
of a softmax, a log or an exponential (the logits of a log-sum-exp), ``p`` for a softmax — and
otherwise ``t_1``, ``t_2``, …; never a symbol's, a dimension's or a function's name. Inner pieces
are named first, so that each definition uses the names before it.
"""

from __future__ import annotations

import itertools

import sympy as sp

from ..expr import ir
from ..expr.functions import FUNCTIONS
from .named import NO_NAMES, Named
from .simplify import softmaxes
from .where import name_symbol

LARGE = 5  # nodes: W₁x + b₁ has five (the sum, the product, its two factors, and b₁)
SAVED = 24  # nodes a name must save: five uses of W₁x + b₁ in a line (four of (X^TCX)⁻¹…)
ACTIVATIONS = {"tanh", "sigmoid", "relu", "softplus"}
LOGITS = (ir.Softmax, ir.RowSoftmax, ir.RowLogSumExp)


def size(e) -> int:
    """The nodes of ``e``, a symbol counting one (its shape is not part of what a reader sees)."""
    if isinstance(e, (sp.Symbol, sp.MatrixSymbol)) or not e.args:
        return 1
    return 1 + sum(size(a) for a in e.args)


def automatic_names(function, results: tuple, lines: tuple, taken: set[str]) -> Named:
    """The names for the pieces of ``function`` (as written: softmaxes named) that ``results`` or
    ``lines`` repeat; ``taken`` are the names in use (symbols, dimensions, functions)."""
    written = softmaxes(function)
    pieces = candidates(written)
    results, lines = tuple(map(softmaxes, results)), tuple(map(softmaxes, lines))
    repeated = [c for c in pieces if (most(c, (*results, *lines)) - 1) * size(c) >= SAVED]
    if not repeated:
        return NO_NAMES
    taken = set(taken) | set(FUNCTIONS)
    roles = parents(written)
    pairs: list = []
    for piece in sorted(repeated, key=size):  # inner pieces first: an outer one is written with them
        name = pick(letter(piece, roles.get(piece, [])), taken)
        pairs.append((name_symbol(name, piece), Named(tuple(pairs)).fold(piece)))
    return Named(tuple(pairs))


def candidates(e) -> list:
    """The distinct pieces of ``e`` with at least ``LARGE`` nodes, that are not a number's."""
    seen = dict.fromkeys(
        n for n in sp.preorder_traversal(e) if size(n) >= LARGE and not n.has(ir.MatDiff, ir.Diff)
    )
    return [  # a constant (ones(1, n)) is no quantity to name
        n for n in seen if n != e and ir.is_matrix(n) and not ir.is_one_by_one(n) and n.atoms(sp.MatrixSymbol)
    ]


def most(piece, exprs: tuple) -> int:
    """The most times ``piece`` stands in one of ``exprs``."""
    return max((sum(n == piece for n in sp.preorder_traversal(e)) for e in exprs), default=0)


def parents(e) -> dict:
    """Each piece of ``e`` → the nodes it is an argument of."""
    out: dict = {}
    for node in sp.preorder_traversal(e):
        for a in node.args:
            out.setdefault(a, []).append(node)
    return out


def letter(piece, parents: list) -> str:
    """The textbook letter for the piece's role (the first its places give), capital for a matrix:
    ``P = softmax(Z)`` row by row."""
    roles = [role(piece, parent) for parent in parents] or ["t"]
    chosen = next((r for r in roles if r != "t"), "t")
    return chosen.upper() if piece.shape[1] != 1 else chosen


def role(piece, parent) -> str:
    """The textbook letter for what ``piece`` is as an argument of ``parent``; ``t`` for none."""
    if isinstance(piece, (ir.Softmax, ir.RowSoftmax)):
        return "p"
    if isinstance(piece, ir.Elementwise) and piece.name in ACTIVATIONS:
        return "h"
    if isinstance(parent, ir.Elementwise) and parent.name in ACTIVATIONS:
        return "a"
    if isinstance(parent, LOGITS) or isinstance(parent, ir.Elementwise) and parent.name in ("log", "exp"):
        return "z"
    return "t"


def pick(letter: str, taken: set[str]) -> str:
    """``letter`` if free (``t`` never is: it is numbered), else the first free ``t_k`` (``T_k``
    for a matrix)."""
    numbered = (f"{'T' if letter.isupper() else 't'}_{k}" for k in range(1, 1000))
    name = next(n for n in itertools.chain([letter] * (letter not in "tT"), numbered) if n not in taken)
    taken.add(name)
    return name
