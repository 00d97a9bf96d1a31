"""Appendix proofs for papers: an ``\\input``-able snippet per spec and the ``derivtex.sty`` they need.

A snippet has no preamble: a section (or subsection) with the derivation's body, the same
body the article shows, inside a ``derivtex`` environment that gives the proofs' macros their
short names only there. Its labels start with ``derivtex:`` and the spec's id, so neither two
snippets nor a snippet and the paper share a label. Its citations use the keys of
``derivtex.bib`` (the bundled bibliography), written beside it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from markupsafe import Markup

from .bibliography import bibtex
from .notes import bookmark
from .templates import render, render_template
from .title import plain_title
from .view import DocumentView

PACKAGE = "derivtex.sty"
BIBLIOGRAPHY = "derivtex.bib"  # the bundled works, by the keys the snippets cite
SNIPPET = "snippet"  # the snippet's name beside the preview article


def label(doc: DocumentView) -> str:
    """The snippet's label: ``derivtex:trace-inverse`` (its proposition's is ``prop:`` and this)."""
    return f"derivtex:{doc.label}"


def render_appendix(doc: DocumentView, section_level: str = "section", **context) -> str:
    """The snippet for one derivation, headed by ``\\section`` or ``\\subsection``."""
    return render(
        replace(doc, label=label(doc)),
        "appendix",
        section_level=section_level,
        bookmark=bookmark(plain_title(doc.title_pieces)),
        **context,
    )


def render_package() -> str:
    """``derivtex.sty``: the packages, theorem environments and macros every snippet uses."""
    return render_template(f"{PACKAGE}.j2", macro_prefix="derivtex")


def preview(snippets: tuple[str, ...] = (SNIPPET,)) -> str:
    """A small article that inputs snippets (files beside it, with ``derivtex.sty``), to typeset them."""
    return render_template("preview.tex.j2", snippets=tuple(Markup(s) for s in snippets))


def extra_files() -> dict[str, str]:
    """What the snippets need beside them, by file name: ``derivtex.sty`` and ``derivtex.bib``."""
    return {PACKAGE: render_package(), BIBLIOGRAPHY: bibtex()}


def typeset_snippet(snippet: str, scratch_root: Path) -> tuple[bytes, tuple]:
    """The PDF of a snippet inside the preview article (the proof that it compiles), and LaTeX's
    warnings at the snippet's lines."""
    from .pdf import typeset

    files = {f"{SNIPPET}.tex": snippet, **extra_files()}
    document = typeset(preview(), scratch_root, files)
    return document.pdf, document.warnings(f"{SNIPPET}.tex")
