"""A spec's title as each output sets it: its text escaped, its formulas (``$tr(A^3)$``, in the spec's
grammar) parsed over the spec's symbols and printed by derivtex, never the user's own LaTeX."""

from __future__ import annotations

from markupsafe import Markup

from ..expr.latex import latex
from ..expr.lower import parse_expr, symbol_table
from ..spec.text import title_pieces
from .templates import escape_latex

Pieces = tuple[tuple[str, str, str], ...]  # (text, a formula as written, its LaTeX); the last formula ''


def pieces(spec) -> Pieces:
    """``Gradient of $tr(A^3)$`` → ``(("Gradient of ", "tr(A^3)", "\\operatorname{tr}(A^{3})"),)``; a
    formula that does not parse is the parser's error, at its place in the spec."""
    symbols = symbol_table(spec.symbols)
    printed = [latex(parse_expr(formula, symbols)) for formula in spec.title_math]
    cut = title_pieces(spec.title)
    return tuple((text, formula, tex) for (text, formula), tex in zip(cut, [*printed, ""]))


def latex_title(title: Pieces) -> Markup:
    """The title in LaTeX: ``Gradient of \\(\\operatorname{tr}(A^{3})\\)``."""
    return Markup("".join(escape_latex(text) + (rf"\({tex}\)" if tex else "") for text, _, tex in title))


def plain_title(title: Pieces) -> str:
    """The title as plain text, its formulas as written (a PDF's outline): ``Gradient of tr(A^3)``."""
    return "".join(text + formula for text, formula, _ in title)
