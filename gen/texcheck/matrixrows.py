"""Where a display's matrix literals are (``\\begin{pmatrix} … \\end{pmatrix}``): their ``&`` and
``\\\\`` separate cells, not the display's columns and rows (`gen.texcheck.rows`).

An ``array`` is a matrix when a delimiter opens just before it (``\\left(\\begin{array}{cc}``);
otherwise it lays out the display (``a &=& b``, eqnarray style) and its ``\\begin``/``\\end`` are
blanked like ``aligned``'s.
"""

from __future__ import annotations

import re

from ..expr.texmatrix import MATRICES

PIECEWISE = ("cases", "dcases", "rcases")  # a value by cases: its rows are the cases, not the display's
ENVIRONMENT = re.compile(r"\\(begin|end)\s*\{(" + "|".join((*MATRICES, *PIECEWISE)) + r")\}")
ARRAY_START = re.compile(r"\\begin\s*\{array\}\s*(?:\{[^{}]*\})?")
ARRAY_END = re.compile(r"\\end\s*\{array\}")
OPENED = re.compile(
    r"(?:\(|\[|\\left\s*(?:\(|\[|\||\\\||\\lVert|\\lvert|\\vert|\\Vert|\\lbrack)|\\[bB]igg?l?\s*(?:\(|\[))\s*$"
)


def matrix_array(body: str, at: int) -> bool:
    """Whether the ``\\begin{array}`` at ``at`` is a matrix: a delimiter opens right before it."""
    return OPENED.search(body[:at]) is not None


def layout_arrays(body: str) -> list[tuple[int, int]]:
    """The spans of the ``\\begin{array}{…}`` and ``\\end{array}`` that lay out the display (to blank)."""
    spans, stack = [], []
    marks = sorted(
        [(m.start(), m.end(), "begin") for m in ARRAY_START.finditer(body)]
        + [(m.start(), m.end(), "end") for m in ARRAY_END.finditer(body)]
    )
    for start, end, kind in marks:
        if kind == "begin":
            stack.append((start, end, not matrix_array(body, start)))
        elif stack:
            opened = stack.pop()
            if opened[2]:
                spans += [opened[:2], (start, end)]
    return spans


def inside_matrices(body: str) -> list[bool]:
    """Whether each character is inside a matrix literal (between its ``\\begin`` and ``\\end``)."""
    inside, depth, at = [False] * len(body), 0, 0
    for match in ENVIRONMENT.finditer(body):
        if match.group(2) == "array" and match.group(1) == "begin" and not matrix_array(body, match.start()):
            continue
        if depth > 0:
            inside[at : match.start()] = [True] * (match.start() - at)
        depth = max(0, depth + (1 if match.group(1) == "begin" else -1))
        at = match.end()
    return inside
