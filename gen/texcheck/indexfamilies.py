"""A family of vectors indexed by a sum: ``\\sum_{i=1}^{N} (u^T x_i)^2`` with ``% derivtex: x_i: d``.

A name declared with an index subscript (``x_i: d``) is one symbol when written alone; inside a sum
over that index it is the family x_1, …, x_N, one declared shape each (`Member`): its values get
an axis for the index. The range of an index that indexes no matrix or vector is the sum's upper
bound as written (``\\sum_{i=1}^{N}``: the dimension N, shared with any symbol declared with it);
an upper bound used as a number in the link (``\\frac{1}{N}``) is that count. Nothing else gives
a range: no bound, no reading (never a guess).
"""

from __future__ import annotations

from dataclasses import dataclass

from .indexnodes import NotUnderstood, split


@dataclass(frozen=True)
class Member:
    """``x_i`` inside a sum over i, ``x_i`` declared: the i-th vector of the family named ``name``."""

    name: str
    index: str
    pos: int


def sized(name: str, scope) -> bool:
    """Whether ``name`` is declared with a shape: a symbol of its own, whatever its subscript."""
    return (declared := scope.lookup(name)) is not None and declared.shape is not None


def member(name: str, pos: int, scope, bound: set) -> Member | None:
    """``x_i`` as a member of a family, when it is declared and a sum binds its index."""
    parts = split(name)
    if parts is None or len(parts[1]) != 1 or parts[1][0] not in bound or not sized(name, scope):
        return None
    return Member(name, parts[1][0], pos)


def bound_range(index: str, upper: str | None) -> str:
    """The dimension a sum's upper bound names (``dim N``, as declared shapes name theirs)."""
    if upper is None:
        raise NotUnderstood(
            f"the range of the index {index} is not known: it indexes no matrix or vector "
            f"(write its bound, \\sum_{{{index}=1}}^{{n}})"
        )
    return f"dim {upper}"


def counts(shapes) -> dict:
    """Name → size variable: an upper bound ``N`` used as a number, whose sum's index ranges over
    the dimension N (the count of terms the text sums)."""
    out = {}
    for key, upper in shapes.uppers.items():
        rows, columns = shapes.symbols.get(upper, (None, None))
        if rows is None or not (shapes.dims.one(rows) and shapes.dims.one(columns)):
            continue
        if shapes.dims.find(shapes.keys[key]) == shapes.dims.find(f"dim {upper}"):
            out[upper] = shapes.keys[key]
    return out
