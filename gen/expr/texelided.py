"""A matrix literal with an elided cell, read as the pattern its written cells follow.

``\\begin{bmatrix} x_1 \\\\ x_2 \\\\ \\vdots \\\\ x_N \\end{bmatrix}`` is the column whose i-th entry is
x_i for i = 1 … N; ``[\\delta_1 \\; \\delta_2 \\; \\cdots \\; \\delta_B]`` the matrix whose i-th column
is δ_i; ``[(x_1 - \\mu)^T; \\vdots; (x_N - \\mu)^T]`` the one whose i-th row is (x_i - μ)^T. The
pattern is read off the first and the last cell: they must be one expression but for the index,
written 1 in the first and the bound (N, n, a number) in the last, in subscripts (``x_1``, ``x^{(1)}``,
``A_{1j}``); every other written cell must be that expression at its position (the second at 2).
Anything else (two elisions, cells after the elision but the last, a first cell at 0, differences
that are not one index) is not read: the link cannot be checked, never a guess at the pattern.

A grid (``[a_{11} \\cdots a_{1n}; \\vdots \\ddots \\vdots; a_{m1} \\cdots a_{mn}]``, a Jacobian written
out) is its rows, each such a row of cells, following an index of their own.

The node is an `IndexSum` of kind ``"rows"`` or ``"columns"`` (a grid's, rows of columns): the index
is bound as a sum's is, and its range is the bound written, as ``\\sum_{i=1}^{N}``'s
(`gen.texcheck.indices` checks it).
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass, replace

from .parser import BinOp, Call, Name
from .texbars import ELISIONS, Uncheckable
from .texgradient import GRADIENT
from .texindex import Entry, IndexSum
from .texlex import Tok

PAIR = re.compile(r"[^_]+_[0-9A-Za-z]{2}")  # a name with two one-character indices: A_11, A_mn
UNCLEAR = "the matrix has elided cells (\\cdots, \\vdots, …) whose pattern is not clear: "
INDICES = "ijklmnpqrstuvwab"


class NoPattern(Exception):
    """The written cells do not follow one index."""


def elisions(cell: list[Tok]) -> list[Tok]:
    """The dots of a cell (``\\cdots``, ``\\vdots``, ``…``, ``...``), none if it has none."""
    dots = [t for t in cell if t.kind == "cs" and t.text in ELISIONS]
    if not dots and any(a.is_char(".") and b.is_char(".") for a, b in zip(cell, cell[1:])):
        dots = [next(t for t in cell if t.is_char("."))]
    return dots


def only_dots(cell: list[Tok]) -> bool:
    return bool(cell) and all(t.kind == "cs" and t.text in ELISIONS or t.is_char(".") for t in cell)


def stacked(p, rows: list[list[list[Tok]]], begin: Tok):
    """The `IndexSum` a literal with an elided cell stands for, or `Uncheckable` with the reason."""
    dots = next(d for row in rows for cell in row for d in elisions(cell))
    where = p.stream.source.at(dots.pos)
    try:
        if len(rows) == 1:
            return line(p, rows[0], "columns", begin, where)
        if all(len(row) == 1 for row in rows):
            return line(p, [row[0] for row in rows], "rows", begin, where)
        return grid(p, rows, begin, where)
    except NoPattern as error:
        raise Uncheckable(UNCLEAR + str(error), where) from None


def line(p, cells: list[list[Tok]], kind: str, begin: Tok, where) -> IndexSum:
    """A row (``"columns"``) or a column (``"rows"``) of cells, one of them elided."""
    gaps = [k for k, cell in enumerate(cells) if elisions(cell)]
    if len(gaps) != 1 or not only_dots(cells[gaps[0]]) or gaps[0] != len(cells) - 2 or gaps[0] == 0:
        raise Uncheckable(UNCLEAR + "write the first cells, one elision and the last cell", where)
    written = [p.sub_parse(cell, where=begin) for cell in cells[: gaps[0]]]
    return pattern(written, p.sub_parse(cells[-1], where=begin), kind, begin.pos)


def grid(p, rows: list[list[list[Tok]]], begin: Tok, where) -> IndexSum:
    """``[a_{11} \\cdots a_{1n}; \\vdots \\ddots \\vdots; a_{m1} \\cdots a_{mn}]``: the rows, each a row of
    cells elided, and the row of dots before the last; the rows follow one index as cells do."""
    dotted = [k for k, row in enumerate(rows) if all(only_dots(cell) or not cell for cell in row)]
    if len(rows) < 3 or dotted != [len(rows) - 2]:
        raise Uncheckable(UNCLEAR + "write the first rows, a row of dots and the last row", where)
    written = [line(p, row, "columns", begin, where) for row in rows[:-2] + rows[-1:]]
    return pattern(written[:-1], written[-1], "rows", begin.pos)


def summed_out(p, terms: list, dots: Tok):
    """``… + \\dots + last`` after ``terms`` (each the sum before it and the term added):
    ``a_1 + a_2 + \\dots + a_n`` is the sum of a_i for i = 1 … n, read as an elided cell is, from the
    last terms that begin the pattern (``c + x_1 + \\dots + x_n``: c and the sum); else not understood."""
    p.next()  # the + after the dots
    last = p.colon()
    for k, (before, _) in enumerate(terms):
        try:
            summed = pattern([term for _, term in terms[k:]], last, "sum", dots.pos)
        except NoPattern:
            continue
        return summed if before is None else BinOp("+", before, summed, dots.pos)
    message = f"an elided sum (\\{dots.text}) whose terms follow no one index cannot be checked"
    raise p.error(f"{message}: write it as \\sum_{{i=1}}^{{n}}", dots)


def pattern(written: list, last, kind: str, pos: int) -> IndexSum:
    written, last = [by_entry(cell) for cell in written], by_entry(last)
    bounds: set = set()  # (first, last): ("1", "n"), or ("0", "n") for cells counted from 0
    merged(written[0], last, None, bounds)
    if len(bounds) > 1:
        ends = sorted(f"{a}..{b}" for a, b in bounds)
        raise NoPattern(f"the last cell differs from the first in {' and '.join(ends)}")
    used = {c for cell in [*written, last] for text in texts(cell) for c in text}
    index = next((i for i in INDICES if i not in used), None)
    if index is None:
        raise NoPattern("the cells use every letter an index could be")
    body = merged(written[0], last, index, set())
    first, upper = bounds.pop() if bounds else ("1", None)
    for position, cell in enumerate(written[1:], start=int(first) + 1):
        if not same(merged(written[0], last, str(position), set()), cell):
            raise NoPattern(f"cell {position} is not the first with the index {position}")
    if first == "0" and upper is not None:  # x_0 + x_1 + \dots + x_n: n + 1 terms, as \sum_{i=0}^{n}
        less_one = re.fullmatch(r"([A-Za-z]\w*)m1", upper)  # … + x_{N-1} (the name x_Nm1): N terms
        upper = str(int(upper) + 1) if upper.isdigit() else less_one[1] if less_one else f"{upper}+1"
    return IndexSum(kind, (index,), body, pos, upper)


def by_entry(tree):
    """``tree`` with each derivative by a numbered name (∂L/∂x_1, a symbol x_1 elsewhere) written as
    the derivative by that entry (∂L/∂x_n's form): in a pattern, x_1 is the first of x's entries."""
    if isinstance(tree, Call) and tree.name == GRADIENT and len(tree.args) == 2:
        f, by = tree.args
        if isinstance(by, Name) and (numbered := re.fullmatch(r"(.+)_(\d)", by.name)):
            derivative = replace(tree, args=(by_entry(f), replace(by, name=numbered[1])))
            return Entry(derivative, (numbered[2],), tree.pos)
    if not is_dataclass(tree) or isinstance(tree, type):
        return tree
    changed = {
        f.name: tuple(by_entry(x) for x in value) if isinstance(value, tuple) else by_entry(value)
        for f in fields(tree)
        if is_dataclass(value := getattr(tree, f.name)) or isinstance(value, tuple)
    }
    return replace(tree, **changed)


def merged(first, last, value: str | None, bounds: set):
    """``first`` with each place where ``last`` differs from it by the index (``1`` in ``first``)
    written ``value`` (``first`` itself for None); what ``last`` has there is added to ``bounds``."""
    if isinstance(first, str) and isinstance(last, str):
        return hole(first, last, value, bounds)
    if type(first) is not type(last):
        raise NoPattern("the first and the last cell are different expressions")
    if isinstance(first, tuple):
        if len(first) != len(last):
            raise NoPattern("the first and the last cell are different expressions")
        return tuple(merged(a, b, value, bounds) for a, b in zip(first, last))
    if not is_dataclass(first):
        if first != last:
            raise NoPattern("the first and the last cell are different expressions")
        return first
    new = {}
    for f in fields(first):
        a, b = getattr(first, f.name), getattr(last, f.name)
        if f.name == "pos":
            continue
        if isinstance(first, Entry) and f.name == "indices" or f.name == "name" or is_dataclass(a):
            new[f.name] = merged(a, b, value, bounds)
        elif isinstance(a, tuple) and any(is_dataclass(x) for x in a):
            new[f.name] = merged(a, b, value, bounds)
        elif a != b:
            raise NoPattern("the first and the last cell are different expressions")
    return replace(first, **new)


def hole(first: str, last: str, value: str | None, bounds: set) -> str:
    """A name or an index of the first cell, with its ``1`` (or ``0``) written ``value`` where the last
    cell's has the bound instead (``x_1`` and ``x_N``: ``x_`` + value); the two added to ``bounds``."""
    if first == last:
        return first
    start = 0
    while start < min(len(first), len(last)) and first[start] == last[start]:
        start += 1
    end = 0
    while end < min(len(first), len(last)) - start and first[-1 - end] == last[-1 - end]:
        end += 1
    a, b = first[start : len(first) - end], last[start : len(last) - end]
    after = start and first[start - 1] in "_{(,[" or not start
    paired = len(b) == 1 and PAIR.fullmatch(first) and PAIR.fullmatch(last)  # A_{11} … A_{1n}: two indices
    if a not in ("0", "1") or not b.isalnum() or not (after or paired):
        raise NoPattern(f"{first} and {last} differ by more than an index")
    bounds.add((a, b))
    return first if value is None else first[:start] + value + first[len(first) - end :]


def texts(tree) -> list[str]:
    """The names and indices written in ``tree``: the index chosen for the pattern is none of theirs."""
    if isinstance(tree, str):
        return [tree]
    if isinstance(tree, tuple):
        return [t for x in tree for t in texts(x)]
    if not is_dataclass(tree):
        return []
    return [t for f in fields(tree) if f.name != "pos" for t in texts(getattr(tree, f.name))]


def same(a, b) -> bool:
    """Equal but for the positions."""
    bounds: set = set()
    try:
        merged(a, b, None, bounds)
    except NoPattern:
        return False
    return not bounds
