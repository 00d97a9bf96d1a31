"""The output formats, one row each: renderer, suffix, how it typesets, extra files, options.

The CLI (its choices and help), the pipeline, the API and user templates read this table;
adding a format is one row here plus its module. A user's template is resolved into a row
too, written like the built-in format of the same suffix. Renderers are imported when first
called, so that ``derivtex --help`` imports no SymPy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, partial
from importlib import import_module
from pathlib import Path

from ..errors import Span, SpecError


@dataclass(frozen=True)
class Lazy:
    """The function ``gen.render.MODULE.NAME``, imported at its first call."""

    path: str  # "MODULE.NAME"

    @cached_property
    def function(self) -> Callable:
        module, name = self.path.rsplit(".", 1)
        return getattr(import_module(f"{__package__}.{module}"), name)

    def __call__(self, *args, **kwargs):
        return self.function(*args, **kwargs)


def as_is(doc):
    return doc


@dataclass(frozen=True)
class Format:
    """How derivations become a file: ``render`` gives the text, ``typeset`` its PDF (None: no PDF).

    ``render`` takes a document view and ``sources`` (and ``options``); a format that gathers
    every spec into one document (``together``, its name) takes the (spec, document view) pairs.
    """

    name: str
    language: str  # what the file is written in: LaTeX, Markdown
    render: Callable[..., str]
    suffix: str = ".tex"
    # (text, scratch) → the PDF and LaTeX's warnings (gen.render.latex_log.LatexWarning) at the text's lines
    typeset: Callable[[str, Path], tuple[bytes, tuple]] | None = Lazy("formats.typeset_document")
    files: Callable[[], dict[str, str]] | None = None  # written once beside the documents: name → text
    options: tuple[tuple[str, tuple[str, ...]], ...] = ()  # render's keyword options and their values
    together: str | None = None
    escape: Callable = Lazy("templates.finalize")  # what a template of this format prints plain text with
    view: Callable = as_is  # the document view a template of this format receives


def typeset_document(tex: str, scratch_root: Path) -> tuple[bytes, tuple]:
    """The PDF of a standalone LaTeX document, and LaTeX's warnings at its lines."""
    from .pdf import typeset

    document = typeset(tex, scratch_root)
    return document.pdf, document.warnings()


FORMATS = {
    f.name: f
    for f in (
        Format("article", "LaTeX", Lazy("templates.render_article")),
        Format("notes", "LaTeX", Lazy("notes.render"), together="notes"),
        Format(
            "appendix",
            "LaTeX",
            Lazy("appendix.render_appendix"),
            typeset=Lazy("appendix.typeset_snippet"),  # the snippet inside a small article
            files=Lazy("appendix.extra_files"),  # derivtex.sty and derivtex.bib
            options=(("section_level", ("section", "subsection")),),
        ),
        Format("beamer", "LaTeX", Lazy("slides.render_slides")),
        Format(
            "md",
            "Markdown",
            Lazy("markdown.render_markdown"),
            suffix=".md",
            typeset=None,
            escape=Lazy("markdown.escape_markdown"),
            view=Lazy("markdown.markdown_view"),
        ),
    )
}
DEFAULT = "article"
FOLDER_TEMPLATE = "article.tex.j2"  # what a folder given as --template renders


def format_of(template: str | Path) -> Format:
    """The built-in format named ``template``, or the row of a user's template file or folder."""
    if isinstance(template, str) and template in FORMATS:
        return FORMATS[template]
    return user_format(template_file(str(template)))


def user_format(template: Path) -> Format:
    """A user's template as a row: written like the built-in format of its suffix (LaTeX if none)."""
    suffix = output_suffix(template)
    like = next((f for f in FORMATS.values() if f.suffix == suffix), FORMATS[DEFAULT])
    render_user = Lazy("user_templates.render_user")
    render = partial(render_user, template=template, escape=like.escape, view=like.view)
    typeset = like.typeset if suffix == like.suffix else None
    return Format(str(template), like.language, render, suffix, typeset, escape=like.escape, view=like.view)


def template_file(value: str) -> Path:
    """The template a ``--template`` path names: the file, or a folder's ``article.tex.j2``."""
    path = Path(value)
    if path.is_dir():
        path = path / FOLDER_TEMPLATE
        if not path.is_file():
            raise SpecError(f"no {FOLDER_TEMPLATE} in this folder", Span(value))
    elif not path.is_file():
        raise SpecError("not a template file or folder", Span(value))
    if path.suffix != ".j2":
        raise SpecError("a template's name ends in .j2 (NAME.tex.j2, NAME.md.j2)", Span(str(path)))
    return path


def output_suffix(template: Path) -> str:
    """``.tex`` for ``NAME.tex.j2``, ``.md`` for ``NAME.md.j2``; ``.txt`` for a bare ``NAME.j2``."""
    return Path(template.stem).suffix or ".txt"


def option_formats(option: str) -> tuple[str, ...]:
    """The names of the formats that take ``option`` (``section_level``: appendix)."""
    return tuple(f.name for f in FORMATS.values() if option in dict(f.options))


def option_values(option: str) -> tuple[str, ...]:
    """Every value some format takes for ``option``, in table order."""
    values = (v for f in FORMATS.values() for v in dict(f.options).get(option, ()))
    return tuple(dict.fromkeys(values))
