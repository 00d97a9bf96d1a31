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
    """Whether ``name`` is declared with a shape: a symbol of its own, whatever its subscript; but
    ``\\alpha_i`` declared a number beside ``\\alpha: n`` is the vector's entry, as a reader takes it
    (unless the text defines α from them: y := [y_1 ⋯ y_m]ᵀ)."""
    if (declared := scope.lookup(name)) is None or declared.shape is None:
        return False
    parts = split(name)
    entry = parts and len(parts[1]) == 1 and declared.shape == () and parts[0] not in scope.defined
    vector = scope.lookup(parts[0]) if entry else None
    return vector is None or vector.shape is None or len(vector.shape) != 1


def member(name: str, pos: int, scope, bound: set, members=frozenset()) -> Member | None:
    """``x_i`` as a member of a family, when it is declared and a sum binds its index."""
    parts = split(name)
    if parts is None or len(parts[1]) != 1 or parts[1][0] not in bound:
        return None
    named = name if sized(name, scope) else sibling(name, scope)
    return None if named is None else Member(family(named, scope, members), parts[1][0], pos)


def sibling(name: str, scope) -> str | None:
    """For an ``x_j`` nothing declares, the declared ``x_i`` whose family it is a member of
    (``\\alpha_i, y_i: scalar`` declares α_j inside ``\\sum_j`` too), if any."""
    parts = split(name)
    if parts is None or len(parts[1]) != 1 or scope.lookup(name) is not None:
        return None
    declared = sorted({*scope.declared, *scope.prose})
    found = (n for n in declared if (own := split(n)) and own[0] == parts[0] and len(own[1]) == 1)
    return next((n for n in found if sized(n, scope)), None)


def family(name: str, scope, members) -> str:
    """The name a family's values go by: ``x_i`` for ``x_j`` too where both are declared alike and
    written inside sums over their index (``x_i, x_j: d``: one family x, whatever letter a sum runs
    over; ``Q_f`` beside ``\\sum_i Q_i``, written alone, stays a matrix of its own)."""
    return min((n for n in members if alike(n, name, scope)), default=name)


def alike(a: str, b: str, scope) -> bool:
    """Whether ``a`` and ``b`` name members of one family: ``x_i`` and ``x_j``, both declared so."""
    parts = [split(n) for n in (a, b)]
    one = all(p is not None and len(p[1]) == 1 for p in parts) and parts[0][0] == parts[1][0]
    return one and sized(a, scope) and sized(b, scope) and scope.lookup(a).shape == scope.lookup(b).shape


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
