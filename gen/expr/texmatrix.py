"""Matrix literals in LaTeX: ``\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}`` (and ``bmatrix``,
``Bmatrix``, ``matrix``, ``smallmatrix``, ``array``; ``vmatrix`` is the determinant of its matrix,
``Vmatrix`` its norm, Frobenius's: of a vector the Euclidean norm).

Each cell is an expression: numbers, or matrices forming a block matrix when the shapes fit
(``np.block``: the cells of a row share a height, those of a column a width). An empty cell is a
zero block, sized by its row and column. A row or a column with a cell elided with ``\\cdots``,
``\\vdots`` or ``...`` is the pattern its written cells follow (`gen.expr.texelided`), or cannot be
checked (never a guess at the pattern).

The AST node is `MatrixLiteral` (its cells row by row); the lowering (`MatrixLowering`) builds the
IR node `Block`, evaluated with ``np.block`` (`EVALUATORS`); the shape inference is `block_shape`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from .parser import Call, Num
from .texbars import Uncheckable
from .texelided import elisions, stacked
from .texlex import Tok

MATRICES = {"pmatrix": "", "bmatrix": "", "Bmatrix": "", "matrix": "", "smallmatrix": "", "array": ""}
MATRICES |= {"vmatrix": "det", "Vmatrix": "norm"}  # |A|: the determinant; ‖x‖ (Frobenius, 2-norm of a vector)
ROW_RULES = ("hline", "cline", "midrule", "toprule", "bottomrule")
MAX_CELLS = 400


@dataclass(frozen=True)
class MatrixLiteral:
    """A matrix written cell by cell; ``cells`` row by row, ``columns`` per row. An empty cell is
    ``Num("0")``: a zero block."""

    cells: tuple
    columns: int
    pos: int
    sizes: tuple = field(default=(), compare=False)  # heights then widths the shape inference found (or None)

    @property
    def args(self) -> tuple:  # the tree walkers that read a Call's arguments read the cells
        return self.cells

    @property
    def rows(self) -> list[tuple]:
        return [self.cells[i : i + self.columns] for i in range(0, len(self.cells), self.columns)]

    def written(self, text) -> str:
        return "[" + "; ".join(", ".join(map(text, row)) for row in self.rows) + "]"


# --- reading -----------------------------------------------------------------------------------


def environment(p, token: Tok):
    """``\\begin{pmatrix} … \\end{pmatrix}`` inside an expression (a handler of `gen.expr.texcontrol`)."""
    name = "".join(t.text for t in p.group_tokens())
    if name in ("cases", "dcases", "rcases"):
        where = p.stream.source.at(token.pos)
        raise Uncheckable("a value by cases cannot be checked: write each case as a link of its own", where)
    if name not in MATRICES:
        raise p.error(f"\\begin{{{name}}} inside an expression is not understood", token)
    if name == "array":
        p.group_tokens()  # the column specification {cc}
    rows = body_rows(p, name, token)
    literal = from_rows(p, rows, token)
    return Call(MATRICES[name], (literal,), token.pos) if MATRICES[name] else literal


def body_rows(p, name: str, begin: Tok) -> list[list[list[Tok]]]:
    """The cells' tokens, row by row, up to the ``\\end{name}`` that closes the environment."""
    rows, row, cell, depth = [], [], [], 0
    while True:
        token = p.stream.next()
        if token.kind == "end":
            raise p.error(f"\\begin{{{name}}} is never ended", begin)
        if depth == 0 and token.is_cs("end"):
            ended = "".join(t.text for t in p.group_tokens())
            if ended == name:
                return [*rows, [*row, cell]]
            raise p.error(f"\\end{{{ended}}} closes \\begin{{{name}}}", token)
        depth += token.is_char("{") - token.is_char("}") + token.is_cs("begin") - token.is_cs("end")
        if depth == 0 and token.is_char("&"):
            row, cell = [*row, cell], []
        elif depth == 0 and token.is_cs("\\", "cr"):
            p.stream.optional()  # \\[6pt]
            rows, row, cell = [*rows, [*row, cell]], [], []
        elif not (depth == 0 and token.kind == "cs" and token.text in ROW_RULES):
            cell.append(token)


def from_rows(p, rows: list[list[list[Tok]]], begin: Tok):
    """The literal of the rows read: the cells parsed, short rows padded with empty (zero) cells; a
    row or a column with no cell written is dropped, as a reader sees it (a trailing ``\\\\``,
    ``[I && -I]`` typed for spacing); a literal with an elided cell is the pattern of its cells
    (`gen.expr.texelided`)."""
    rows = [row for row in rows if any(row)] or rows[:1]
    columns = max(len(row) for row in rows)
    rows = [row + [[]] * (columns - len(row)) for row in rows]
    kept = [j for j in range(columns) if any(row[j] for row in rows)] or [0]
    rows, columns = [[row[j] for j in kept] for row in rows], len(kept)
    if len(rows) * columns > MAX_CELLS:
        raise p.error(f"a matrix of more than {MAX_CELLS} cells is not read", begin)
    if any(elisions(cell) for row in rows for cell in row):
        return stacked(p, rows, begin)
    cells = []
    for row in rows:
        for cell in row:
            cells.append(p.sub_parse(cell, where=begin) if cell else Num("0", begin.pos))
    if columns == 1 and len(rows) == 1 and cells[0] == Num("0", begin.pos):
        raise p.error("an empty matrix is not understood", begin)
    if len(cells) == 1:  # one block: the block itself (\begin{Vmatrix} x - \mu \end{Vmatrix}, ‖x − μ‖)
        return cells[0]
    return MatrixLiteral(tuple(cells), columns, begin.pos)


# --- lowering ----------------------------------------------------------------------------------


class Block(sp.MatrixExpr):
    """A block matrix: ``args`` are the row and column counts, then the cells row by row (numbers,
    or matrices whose heights agree along each row and widths along each column)."""

    @property
    def grid(self) -> list[tuple]:
        rows, columns = int(self.args[0]), int(self.args[1])
        cells = self.args[2:]
        return [cells[i * columns : (i + 1) * columns] for i in range(rows)]

    @property
    def shape(self):
        grid = self.grid
        return (sum(extent(row[0], 0) for row in grid), sum(extent(cell, 1) for cell in grid[0]))

    def _eval_transpose(self):
        return None


def extent(cell, axis: int):
    return cell.shape[axis] if isinstance(cell, sp.MatrixExpr) else sp.Integer(1)


class MatrixLowering:
    """Mixed into the lowering (``gen.expr.lower``): a matrix literal → `Block`."""

    def lower_MatrixLiteral(self, node: MatrixLiteral):
        from .shapes import Eye

        rows = [[None if blank(c) else self.lower(c) for c in row] for row in node.rows]
        heights = [known(self, [extent(c, 0) for c in row if sized(c)], node) for row in rows]
        widths = [
            known(self, [extent(r[j], 1) for r in rows if sized(r[j])], node) for j in range(node.columns)
        ]
        inferred = [None if d is None else self.size(d) for d in node.sizes]  # rows of zero blocks
        for extents, found in ((heights, inferred[: len(rows)]), (widths, inferred[len(rows) :])):
            extents[:] = [e if e is not None or not found else found[k] for k, e in enumerate(extents)]
        if not any(isinstance(c, (sp.MatrixExpr, Eye)) for row in rows for c in row):  # numbers (0s) only
            heights = [1 if h is None else h for h in heights]  # a row or column of zeros: 1 high, 1 wide
            widths = [1 if w is None else w for w in widths]
        eyes = [(i, j) for i, row in enumerate(rows) for j, cell in enumerate(row) if isinstance(cell, Eye)]
        for _ in eyes:  # an I block is square: its row's height is its column's width ([I, -t])
            for i, j in eyes:
                heights[i], widths[j] = (
                    heights[i] if heights[i] is not None else widths[j],
                    widths[j] if widths[j] is not None else heights[i],
                )
        cells = []
        for i, row in enumerate(rows):
            for j, cell in enumerate(row):
                h, w = heights[i], widths[j]
                if h is None or w is None:
                    raise self.error("cannot tell the size of an empty or I block of the matrix", node.pos)
                if cell is None:
                    cell = sp.ZeroMatrix(h, w) if (h, w) != (1, 1) else sp.Integer(0)
                elif isinstance(cell, Eye):
                    if h != w:
                        raise self.error("an I block of the matrix is not square", node.pos)
                    cell = cell.sized(h)
                cells.append(cell)
        return Block(sp.Integer(len(rows)), sp.Integer(node.columns), *cells)


def blank(cell) -> bool:
    return isinstance(cell, Num) and float(cell.text) == 0


def sized(cell) -> bool:
    from .shapes import Eye

    return cell is not None and not isinstance(cell, Eye)


def known(lowering, extents: list, node: MatrixLiteral):
    """The one extent a row (or column) of blocks has, or None when no block there is sized."""
    distinct = list(dict.fromkeys(extents))
    if len(distinct) > 1:
        shown = ", ".join(map(str, distinct))
        raise lowering.error(f"the blocks of the matrix do not fit: sizes {shown} side by side", node.pos)
    return distinct[0] if distinct else None


def evaluate_block(ev, e: Block):
    return np.block([[np.atleast_2d(ev(cell)) for cell in row] for row in e.grid])


EVALUATORS = {Block: evaluate_block}


def block_unsized(*sides) -> str:
    """Why sides whose sampled shapes differ cannot be checked when one holds a block matrix of
    blocks sized by dimensions (``2m``): the inference cannot tie a sum of dimensions to another
    symbol's size (M = [A B; 0 A] is not declared): not a shape error the author made."""
    if not any(isinstance(e, sp.Basic) and e.has(Block) for e in sides):
        return ""
    return (
        "the size of a block matrix (its blocks' sizes added) is not tied to the other side's: declare them"
    )


# --- shapes ------------------------------------------------------------------------------------


def block_shape(u, node: MatrixLiteral, shape_of, scalar, anything):
    """The literal's shape for `gen.texcheck.shapes`: the blocks of a row share a height, those of a
    column a width, and the literal's dimensions are their sums. A row or column of zero blocks
    only has a dimension of its own, which the rest of the link may tie ([0; I] = M [x; y]); the
    extents found are the literal's occurrence, which the lowering sizes its zero blocks by."""
    heights, widths = [None] * (len(node.cells) // node.columns), [None] * node.columns
    numbers = True
    for k, cell in enumerate(node.cells):
        if blank(cell):
            continue
        s = shape_of(u, cell)
        if s is anything:
            return anything
        numbers = numbers and s == scalar
        h, w = (1, 1) if s == scalar else s
        i, j = divmod(k, node.columns)
        heights[i] = fit(u, heights[i], h, "a row of blocks")
        widths[j] = fit(u, widths[j], w, "a column of blocks")
    if numbers:  # a matrix of numbers: a 0 is a number too
        heights, widths = [1 if h is None else h for h in heights], [1 if w is None else w for w in widths]
    heights = [h if h is not None else u.var(ZERO) for h in heights]  # zero blocks only: the rest of
    widths = [w if w is not None else u.var(ZERO) for w in widths]  # the link sizes them, if anything
    u.occurrences[id(node)] = (node, (*heights, *widths))
    return (u.plus(heights), u.plus(widths))


ZERO = "z"  # the extent of a row or column of zero blocks: 1 if the link says so, else unknown


def fit(u, have, new, what: str):
    if have is None:
        return new
    u.unify(have, new, what)
    return have
