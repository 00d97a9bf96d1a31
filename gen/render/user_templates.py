"""User templates: ``--template path/to/file.tex.j2``, or a folder, rendered like the built-in ones.

A template's folder is searched first for what it includes or imports, then the built-in
templates, so a copy made by ``derivtex templates export DIR`` can change any piece of them.
What a template prints is escaped for the output its name says (``NAME.md.j2`` Markdown,
anything else LaTeX): ``gen.render.formats`` resolves the template into a row.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jinja2

from ..errors import Span, SpecError, quote
from .templates import builtin_templates, environment, finalize
from .view import DocumentView


def render_user(doc: DocumentView, template: Path, escape=None, view=None, **context) -> str:
    """One derivation rendered by a user's template; its errors point into the template.

    ``escape`` prints plain text (LaTeX's by default) and ``view`` adapts the document view:
    the row of ``gen.render.formats`` that the template's suffix names gives both.
    """
    env = environment(escape or finalize, (str(template.parent),))
    try:
        return env.get_template(template.name).render(
            doc=view(doc) if view else doc, macro_prefix="", **context
        )
    except jinja2.TemplateSyntaxError as error:
        raise SpecError(
            f"template: {error.message}", Span(error.filename or str(template), error.lineno)
        ) from None
    except jinja2.TemplateNotFound as error:  # an include or extends of a name found nowhere
        message = f"template: no template {quote(error.name)} in {template.parent} or among the built-in ones"
        raise SpecError(message, template_position(template)) from None
    except jinja2.TemplateError as error:  # an undefined variable, a failing filter, …
        raise SpecError(f"template: {error}", template_position(template)) from None


def template_position(template: Path) -> Span:
    """Where rendering stopped: the last line of a user's template that was running."""
    traceback, found = sys.exc_info()[2], Span(str(template))
    while traceback is not None:
        name = traceback.tb_frame.f_code.co_filename
        if Path(name).parent == template.parent and name.endswith(".j2"):
            found = Span(name, traceback.tb_lineno)
        traceback = traceback.tb_next
    return found


def export_templates(folder: Path) -> list[Path]:
    """Copy the built-in templates into ``folder`` (never over a file that exists); return them."""
    from .pdf import write_atomic

    sources = sorted(
        (t for t in builtin_templates().iterdir() if t.name.endswith(".j2")), key=lambda t: t.name
    )
    targets = [folder / t.name for t in sources]
    if existing := [t for t in targets if t.exists()]:
        raise SpecError(
            f"{existing[0].name} exists: not overwritten (export into a new folder)", Span(str(folder))
        )
    for source, target in zip(sources, targets):
        write_atomic(target, source.read_text(encoding="utf-8"))
    return targets
