"""What a worker does: a spec's document, a spec's part of the notes, the notes from their parts.

Each is a ``Task`` whose ``run`` says which stage it is in; the values it returns are plain
(file names → bytes, JSON-able parts), what the parent writes and caches.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import LatexFailed, Span, one_line
from .plan import Target
from .workers import Task

BUDGET = ", the time budget (see --timeout)"
LATEX = ", LaTeX's limit"
# modules a worker needs, imported by the parent before the first fork (never under a limit)
ENGINE = (
    "gen.pipeline",
    "gen.spec.keys",
    "gen.engine.derive",
    "gen.verify.checks",
    "gen.render.view",
    "gen.render.title",
    "gen.render.bibliography",
    "gen.render.notes",
    "gen.render.pdf",
    "gen.build.codec",
)


@dataclass(frozen=True)
class Request:
    """A build: where it writes, in which format, typeset or not, and its options."""

    out: Path
    output_format: object  # a row of gen.render.formats
    pdf: bool
    allow_false: bool = False
    options: tuple[tuple[str, str], ...] = ()
    timeout: float = 20.0
    jobs: int = 1
    force: bool = False

    def limits(self) -> dict[str, tuple[float, str]]:
        from ..render.pdf import TIMEOUT

        budget = (self.timeout, BUDGET)
        stages = ("reading", "deriving and checking", "rendering")
        return {**dict.fromkeys(stages, budget), "typesetting": (float(TIMEOUT), LATEX)}


def prepare(request: Request) -> None:
    """Import what the workers run, so that each starts with it loaded."""
    from importlib import import_module

    for name in ENGINE:
        import_module(name)
    render = request.output_format.render
    getattr(render, "function", None)  # a built-in format's renderer, imported once here


def checked(target: Target, request: Request, stage):
    """The spec of ``target`` read, derived and checked (its false lines let through only if the
    build allows them), the worker's stage moved on to rendering."""
    from .. import pipeline
    from ..spec import keys

    spec = keys.load_spec(target.path)
    stage("deriving and checking")
    outcome = pipeline.run_spec(spec, request.timeout)
    pipeline.require_ok(outcome, request.allow_false)
    stage("rendering")
    return outcome


def document_task(target: Target, request: Request) -> Task:
    """A spec's document: its text (and PDF) by file name, and whether false lines are marked."""
    from .. import pipeline

    def run(stage) -> dict:
        outcome = checked(target, request, stage)
        options = dict(request.options)
        text = pipeline.render_document([outcome], request.output_format, **options)
        return {**typeset_files(text, target.name, request, stage), "marked": not outcome.report.ok}

    return Task(str(target.path), run, request.limits())


def part_task(target: Target, request: Request) -> Task:
    """A spec's part of the notes: its document view as JSON, with its topic and references."""

    def run(stage) -> dict:
        from ..render.view import document_view
        from .codec import encode_part

        outcome = checked(target, request, stage)
        doc = document_view(outcome.derivation, outcome.report)
        return {"part": encode_part(outcome.spec, doc), "marked": not outcome.report.ok}

    return Task(str(target.path), run, request.limits())


def together_task(parts: list[dict], request: Request) -> Task:
    """The document of every part (the notes): its text (and PDF) by file name."""
    name = request.output_format.together

    def run(stage) -> dict:
        from .codec import decode_part

        stage("rendering")
        views = [decode_part(part) for part in parts]
        text = request.output_format.render(views, **dict(request.options))
        return typeset_files(text, name, request, stage)

    return Task(str(request.out / f"{name}{request.output_format.suffix}"), run, request.limits())


def typeset_files(text: str, name: str, request: Request, stage) -> dict:
    """``files``: ``NAME.tex`` and, when the build typesets, ``NAME.pdf``; ``warnings``: LaTeX's, at
    their lines of ``OUTPUT/NAME.tex``. If LaTeX fails, the text is kept in ``OUTPUT/.build`` and the
    error says where; no output is replaced."""
    from ..render.pdf import write_atomic

    output_format, scratch = request.output_format, request.out / ".build"
    source = f"{name}{output_format.suffix}"
    files = {source: text.encode("utf-8")}
    if not request.pdf:
        return {"files": files, "warnings": []}
    stage("typesetting")
    try:
        files[f"{name}.pdf"], warnings = output_format.typeset(text, scratch)
    except LatexFailed as error:
        kept = scratch / source
        write_atomic(kept, text)
        lines = [error.message, *(f"  {line}" for line in error.log_lines)]
        lines.append(f"  the .tex is kept at {kept}; no earlier output was replaced")
        raise LatexFailed("\n".join(lines), Span(str(kept), error.tex_line or 1)) from None
    return {"files": files, "warnings": [one_line(w.at(request.out / source)) for w in warnings]}
