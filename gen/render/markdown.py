"""Markdown for MkDocs, GitHub and Jupyter: prose, and math in ``$$\\begin{aligned}…\\end{aligned}$$``.

The view's LaTeX is kept; the few text macros of the LaTeX templates become what KaTeX and
MathJax know (``\\emph`` → ``*…*``, ``\\ensuremath{x}`` → ``$x$``), and plain text is escaped
for Markdown instead of LaTeX.
"""

from __future__ import annotations

import re
from dataclasses import replace

from markupsafe import Markup

from .templates import environment
from .view import DocumentView, Line, Part, ProofView

MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+!|$~])")
# What would open or end HTML: written as entities, which every Markdown shows as the character
# (a backslash before < is not an escape in Python-Markdown, MkDocs's).
HTML_SPECIALS = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# Prose outside math: escape_latex's < and > (and any raw <, from the notes) as entities
PROSE_HTML = ((r"\textless{}", "&lt;"), (r"\textgreater{}", "&gt;"), ("<", "&lt;"))
# (pattern, replacement) for the LaTeX text macros the views write, in order
TEXT_MACROS = (
    (re.compile(r"\\emph\{([^{}]*)\}"), r"*\1*"),
    (re.compile(r"\\ensuremath\{((?:[^{}]|\{[^{}]*\})*)\}"), r"$\1$"),
    (
        re.compile(r"\\falsestep\{([^{}]*)\}"),
        r"\\textcolor{red}{\\textbf{false}, relative discrepancy $\1$}",
    ),
)


# A display's size in characters of LaTeX, beyond which a chain goes on in a display of its own: one
# display has a bounded number of macro expansions (KaTeX's maxExpand, 1000 by default)
DISPLAY_BUDGET = 2500


def escape_markdown(value) -> str:
    """Plain text as Markdown that shows it verbatim; Markdown/LaTeX (``Markup``) as it is."""
    if isinstance(value, Markup):
        return str(value)
    text = MARKDOWN_SPECIALS.sub(r"\\\1", str(value))
    return "".join(HTML_SPECIALS.get(c, c) for c in text)


def text_macros(tex: str) -> Markup:
    for pattern, replacement in TEXT_MACROS:
        tex = pattern.sub(replacement, tex)
    return Markup(tex)


def prose(tex: str) -> Markup:
    """LaTeX prose as Markdown prose: its text macros converted, and no character that opens HTML."""
    text = str(text_macros(tex))
    for latex, entity in PROSE_HTML:
        text = text.replace(latex, entity)
    return Markup(text)


def markdown_view(doc: DocumentView) -> DocumentView:
    """The document view with its prose and justifications in what KaTeX and Markdown read."""

    def line(x: Line) -> Line:
        return replace(x, why=text_macros(x.why))

    def part(p: Part) -> tuple[Part, ...]:
        first, *more = displays(tuple(line(x) for x in p.lines))
        return (replace(p, text=prose(p.text), lines=first), *(Part(Markup(""), lines) for lines in more))

    def proof(p: ProofView) -> ProofView:
        return replace(p, parts=tuple(piece for x in p.parts for piece in part(x)))

    title = "".join(escape_markdown(text) + (f"${tex}$" if tex else "") for text, _, tex in doc.title_pieces)
    return replace(
        doc,
        title=Markup(title),
        notes=prose(doc.notes),
        hypothesis=prose(doc.hypothesis),
        proofs=tuple(proof(p) for p in doc.proofs),
        remarks=tuple(prose(r) for r in doc.remarks),
        verification=prose(doc.verification),
    )


def displays(lines: tuple[Line, ...]) -> list[tuple[Line, ...]]:
    """A chain's lines in consecutive displays of at most DISPLAY_BUDGET characters each (a line
    longer than that alone): a long chain goes on below, ``= …``, as a reader would write it."""
    groups: list[list[Line]] = [[]]
    size = 0
    for x in lines:
        length = len(x.lhs) + len(x.rhs) + sum(map(len, x.rest)) + len(x.why)
        if groups[-1] and size + length > DISPLAY_BUDGET:
            groups.append([])
            size = 0
        groups[-1].append(x)
        size += length
    return [tuple(g) for g in groups]


def render_markdown(doc: DocumentView, **context) -> str:
    """One derivation as Markdown."""
    template = environment(escape_markdown).get_template("md.md.j2")
    return template.render(doc=markdown_view(doc), macro_prefix="", **context)
