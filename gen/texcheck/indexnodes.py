"""The nodes and errors of index notation that the checker's modules share (`gen.texcheck.indices`)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields, is_dataclass, replace

from ..expr.texnames import STAND_IN

MAX_ENTRIES = 10**6  # numbers computed for one side at one size assignment
TOLERANCE = 1e-7  # relative, after a complex-step derivative (exact to rounding)
STEP = 1e-20  # the complex step
SEED = 20261204
ONE = "1"  # the dimension of size 1


class NotUnderstood(Exception):
    """The link cannot be read in index notation (status not understood)."""


def unindexed(kind: str) -> NotUnderstood:
    """A sum (a product) written without its index whose body names none of its own."""
    return NotUnderstood(f"write the index of the {kind}: \\{kind}_{{i}}")


UNREAD = {"MatrixLiteral": "a matrix written cell by cell"}  # what index notation does not read, as said


def unread(node) -> NotUnderstood:
    """``node``, a kind of expression index notation does not read."""
    kind = UNREAD.get(type(node).__name__, f"the notation {type(node).__name__}")
    return NotUnderstood(f"{kind} is not understood in index notation")


class Uncheckable(Exception):
    """Read, but cannot be evaluated (status cannot check)."""


class ShapeError(Exception):
    """The sides cannot get consistent shapes or index ranges (status shape error)."""


@dataclass(frozen=True)
class Delta:
    """``\\delta_{ij}``: 1 where the two indices agree, else 0."""

    indices: tuple[str, ...]
    pos: int


@dataclass(frozen=True)
class Derivative:
    """``\\partial f / \\partial X`` of a scalar f: a matrix shaped as X (denominator layout, as the
    entry derivative ``\\partial f / \\partial X_{pq}`` is its (p, q) entry)."""

    variable: str
    f: object
    pos: int
    transposed: bool = False  # numerator layout
    at: object = None  # a defined variable's body (ŷ := softmax(z)): its value where f is differentiated
    convention: str | None = None  # the whole gradient's (`conventions`); None: by an entry, ∂f/∂X_{pq}


@dataclass(frozen=True)
class Indexed:
    """A side in index notation; ``args`` its symbols (what the rest of the chain sees of it)."""

    tree: object
    args: tuple
    order: tuple[str, ...] = ()  # the indices of the chain's derivative by an entry (`in_order`)


def in_order(keys, order: tuple[str, ...]) -> tuple:
    """Free indices in the order a matrix's entries take them: the order of the chain's derivative by
    an entry (``\\partial f / \\partial X_{ji}``: j, then i), else alphabetical (p before q)."""
    names = [k.name for k in keys]
    if order and sorted(names) == sorted(order):
        return tuple(sorted(keys, key=lambda k: order.index(k.name)))
    return tuple(sorted(keys, key=lambda k: k.name))


@dataclass(frozen=True)
class Refused:
    """A side in index notation that cannot be read, and why."""

    message: str
    convention: bool = False  # refused for want of the summation convention
    uncheckable: bool = False  # read, but something is missing (cannot check)


def nodes(tree):
    """Every node of ``tree`` (our dataclasses, whatever their fields), parents before their parts."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(list(parts(node))))


def parts(node):
    """The dataclass nodes in ``node``'s fields, in order."""
    for name in field_names(type(node)) or ():
        value = getattr(node, name)
        for child in value if isinstance(value, tuple) else (value,):
            if field_names(type(child)) is not None:
                yield child


@functools.cache
def field_names(cls) -> tuple[str, ...] | None:
    """The fields of a dataclass (of its instances); None for any other class."""
    return tuple(f.name for f in fields(cls)) if is_dataclass(cls) else None


def mapped(tree, rewrite, stop=lambda node: False):
    """``tree`` rebuilt bottom-up, ``rewrite`` applied to each node once its parts are; a node
    ``stop`` holds of is kept whole."""
    names = field_names(type(tree))
    if names is None or stop(tree):
        return tree
    new = {}
    for name in names:
        value = getattr(tree, name)
        if isinstance(value, tuple) and any(field_names(type(v)) is not None for v in value):
            new[name] = tuple(mapped(v, rewrite, stop) for v in value)
        elif field_names(type(value)) is not None:
            new[name] = mapped(value, rewrite, stop)
    return rewrite(replace(tree, **new) if new else tree)


def bare(tree):
    """``tree`` with every position 0: two readings of one formula compare equal."""
    return mapped(tree, lambda n: replace(n, pos=0) if hasattr(n, "pos") else n)


def split(name: str) -> tuple[str, tuple[str, ...]] | None:
    """``A_ij`` → (A, (i, j)), ``x_i`` → (x, (i,)), ``A_i,j`` too; None when the subscript is not
    one or two index letters (``W_1``, ``lambda_max``). A layer's symbol keeps its own subscript:
    ``z_2_j`` (z_j^{[2]}) → (z_2, (j,))."""
    base, underscore, sub = name.rpartition("_")
    letters = tuple(sub.replace(",", ""))
    if not underscore or not base or not 1 <= len(letters) <= 2 or "," in sub and len(sub) != 3:
        return None
    if STAND_IN in base:  # h§∂l_t: the gradient of l_t (`gen.texcheck.abstract`), no entry of it
        return None
    return (base, letters) if all(c.isalpha() and c.islower() and c.isascii() for c in letters) else None
