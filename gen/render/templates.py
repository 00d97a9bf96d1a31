"""Render a view with a Jinja2 template: LaTeX-safe delimiters, strict, prose escaped once.

Built-in templates: ``article`` (a standalone document: proposition, one proof per
method, remarks, verification) and ``notes`` (many derivations in one document, see
``gen.render.notes``). Both include ``macros.tex.j2`` and, per derivation, ``derivation.tex.j2``.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from ..expr.greek import GREEK_LETTERS

SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",  # never a raw < (an HTML tag in Markdown; ¡ in pdflatex's OT1)
    ">": r"\textgreater{}",
}
# Mathematical characters that pdflatex's utf8 input does not know, written as math.
SYMBOLS = {
    "−": "-",
    "×": r"\ensuremath{\times}",
    "·": r"\ensuremath{\cdot}",
    "≤": r"\ensuremath{\leq}",
    "≥": r"\ensuremath{\geq}",
    "≠": r"\ensuremath{\neq}",
    "≈": r"\ensuremath{\approx}",
    "±": r"\ensuremath{\pm}",
    "→": r"\ensuremath{\to}",
    "↦": r"\ensuremath{\mapsto}",
    "∈": r"\ensuremath{\in}",
    "∞": r"\ensuremath{\infty}",
    "∂": r"\ensuremath{\partial}",
    "∇": r"\ensuremath{\nabla}",
    "∘": r"\ensuremath{\circ}",
    "⊗": r"\ensuremath{\otimes}",
    "‖": r"\ensuremath{\|}",
    "√": r"\ensuremath{\surd}",
    "ᵀ": r"\ensuremath{^{\top}}",
    "⁻": r"\ensuremath{^{-}}",
    "¹": r"\ensuremath{^{1}}",
    "²": r"\ensuremath{^{2}}",
    "³": r"\ensuremath{^{3}}",
    **{g: rf"\ensuremath{{\{name}}}" for g, name in GREEK_LETTERS.items()},
}
SPECIALS |= SYMBOLS
SPECIAL = re.compile("|".join(re.escape(c) for c in SPECIALS))


def escape_latex(text: str) -> str:
    """Plain text → LaTeX that prints it verbatim (``\\input`` and ``^^5c`` become harmless).

    Common mathematical characters (``−``, ``×``, ``ᵀ``, Greek letters) become their LaTeX.
    """
    return SPECIAL.sub(lambda m: SPECIALS[m.group()], text)


def finalize(value):
    """Escape every plain string a template prints; LaTeX arrives as ``Markup``."""
    if isinstance(value, Markup):
        return str(value)
    return escape_latex(str(value))


def builtin_templates():
    """The folder of the built-in templates: the installed package's (templates/ in a checkout)."""
    try:
        return resources.files("gen.templates")
    except ModuleNotFoundError:  # running from a source tree without installing
        return Path(__file__).resolve().parents[2] / "templates"


# A template's name is a file name, nothing else: no folder, no "..", no absolute path.
TEMPLATE_NAME = re.compile(r"(?!\.\.?\Z)[^/\\\x00-\x1f]+\Z")


def load_template(name: str) -> str:
    """A built-in template's source (Jinja's error if there is none: a user's template that includes
    it is then told where)."""
    source = builtin_templates() / name
    if not source.is_file():
        raise jinja2.TemplateNotFound(name, f"unknown template {name!r}")
    return source.read_text(encoding="utf-8")


class NamedLoader(jinja2.BaseLoader):
    """A loader that opens templates by file name only (``chain.tex.j2``): no folder, no ``..``, no
    absolute path, checked before any file is opened, so an ``include`` cannot reach ``/etc/passwd``
    or ``../../x``."""

    def __init__(self, loader: jinja2.BaseLoader):
        self.loader = loader

    def get_source(self, environment, template):
        if not TEMPLATE_NAME.fullmatch(template):
            raise jinja2.TemplateNotFound(template)
        return self.loader.get_source(environment, template)


@cache
def environment(finalize=finalize, search: tuple[str, ...] = ()) -> jinja2.Environment:
    """The templates' environment; ``finalize`` escapes what they print (LaTeX by default).

    Templates are looked up in the folders ``search`` first (a user's), then among the built-in ones,
    by a plain file name only. They run sandboxed (``SandboxedEnvironment``): no private or internal
    attributes (``__class__``, ``_x``, ``mro``), no method that changes a value, no Python.
    """
    loader = jinja2.FunctionLoader(load_template)
    if search:
        loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(search), loader])
    templates = SandboxedEnvironment(
        loader=NamedLoader(loader),
        block_start_string=r"\BLOCK{",
        block_end_string="}",
        variable_start_string=r"\VAR{",
        variable_end_string="}",
        comment_start_string=r"\#{",
        comment_end_string="}",
        line_comment_prefix="%#",
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        finalize=finalize,
    )
    templates.filters["stop"] = full_stop
    return templates


END_OF_ROWS = r"\end{aligned}"


def full_stop(display: str) -> Markup:
    """A display that ends a sentence, with its full stop after its last row (``|stop`` in a
    template): ``a = b.``, ``\\begin{aligned} … \\\\ &\\quad c.\\end{aligned}``, never beside the block."""
    text = str(display)
    if text.endswith(END_OF_ROWS):
        return Markup(text[: -len(END_OF_ROWS)] + "." + END_OF_ROWS)
    return Markup(text + ".")


def render(view, template: str = "article", **context) -> str:
    """The document for ``view`` as LaTeX source (``context``: the template's other variables)."""
    return render_template(f"{template}.tex.j2", doc=view, **context)


def render_article(view, **context) -> str:
    """A standalone article: the proposition, one proof per method, remarks, verification."""
    return render(view, "article", **context)


def render_template(name: str, **context) -> str:
    """A built-in template rendered with ``context``; the proofs' macros keep their short names."""
    return environment().get_template(name).render({"macro_prefix": "", **context})


def render_code(template: str, **context) -> str:
    """A built-in template of source code: printed values are not escaped (the caller quotes them)."""
    return environment(str).get_template(template).render(context)


def render_notes(view) -> str:
    """Lecture notes (a ``gen.render.notes.NotesView``) as LaTeX source."""
    return render_template("notes.tex.j2", notes=view)
