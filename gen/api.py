"""The Python API for notebooks: ``derive("tr(X^-1)", wrt="X", symbols=...)``.

The arguments are a spec's keys; they go through the same reader as a YAML file (so the
same checks and errors), then the same pipeline.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from numbers import Real

import yaml

from .errors import DerivtexError, Span, SpecError
from .expr.parser import MAX_DEPTH
from .pipeline import TIME_BUDGET, Outcome, run_text
from .spec.reader import STR, Source

SOURCE = "derivation"  # the spec the arguments make (its id; errors are moved to the argument)


@dataclass(frozen=True)
class Step:
    """A line of the proof: ``relation`` and ``latex`` continue ``lhs`` (empty after the first).

    Its check: ``ok``, and ``within`` (the bound a passing line meets) or ``max_rel_error`` (a
    failing line's relative error, two significant digits).
    """

    lhs: str
    relation: str
    latex: str
    rule: str
    identity: str
    justification: str
    ok: bool | None
    within: float | None = None
    max_rel_error: float | None = None


@dataclass(frozen=True)
class Result:
    """The derivative: its ``kind`` (gradient, derivative, jacobian, hessian, second derivative), text,
    LaTeX, numpy source."""

    kind: str
    text: str
    latex: str
    numpy: str

    def __str__(self) -> str:
        return self.text

    def _repr_latex_(self) -> str:
        return f"${self.latex}$"


class Derived:
    """A derivation and its checks, for a notebook: ``.steps``, ``.result``, ``.to_latex()``, ``.check()``."""

    def __init__(self, outcome: Outcome, spec_text: str):
        self.outcome = outcome
        self.spec_text = spec_text  # the spec, as YAML, that the arguments made

    @cached_property
    def json(self) -> dict:
        """What ``derivtex show --json`` prints."""
        from .render.json_view import to_json

        return to_json(self.outcome.derivation, self.outcome.report)

    @property
    def steps(self) -> tuple[Step, ...]:
        """The first method's lines (the main chain, then the derivative), each with its check."""
        first = next(iter(self.json["methods"].values()), {"steps": []})
        return tuple(
            Step(
                **{k: v for k, v in s.items() if k != "check"},
                **(s["check"] or {"ok": None}),
            )
            for s in first["steps"]
        )

    @property
    def results(self) -> dict[str, Result]:
        """The derivative with respect to each variable, by name."""
        results = self.json.get("results") or {self.outcome.derivation.variable.name: self.json["result"]}
        return {name: Result(r["kind"], r["text"], r["latex"], r["numpy"]) for name, r in results.items()}

    @property
    def result(self) -> Result:
        """The derivative (with several variables, the first one's: all are in ``.results``)."""
        return next(iter(self.results.values()))

    def check(self) -> bool:
        """Whether every line, the finite differences and any claim agree (details in ``.json["checks"]``)."""
        return self.outcome.report.ok

    def to_latex(self, template: str = "article", **options) -> str:
        """The document in an output format of ``gen.render.formats``: ``article``, ``notes`` (of this
        derivation alone), ``appendix`` (``section_level=``), ``beamer``, ``md``, or a template file."""
        from .pipeline import render_document
        from .render.formats import format_of

        output_format = format_of(template)
        check_options(output_format, options)
        return render_document([self.outcome], output_format, **options)

    def _repr_latex_(self) -> str:
        """The statement and the first proof's chains, for Jupyter's MathJax."""
        from .render.markdown import escape_markdown, markdown_view
        from .render.templates import environment
        from .render.view import document_view

        doc = markdown_view(document_view(self.outcome.derivation, self.outcome.report))
        return environment(escape_markdown).get_template("repr.md.j2").render(doc=doc)

    def __repr__(self) -> str:
        several = len(self.results) > 1
        results = "; ".join(f"{r.kind}{f' in {n}' * several} {r.text}" for n, r in self.results.items())
        return f"<derivation of {self.outcome.spec.function.value}: {results}>"


def check_options(output_format, options: dict) -> None:
    """Refuse an option the format does not take, or a value it does not know, as the CLI does."""
    takes = dict(output_format.options)
    for name, value in options.items():
        if name not in takes:
            known = ", ".join(takes) or "none"
            message = f"unknown option {name!r} for the template {output_format.name!r} (it takes: {known})"
            raise SpecError(message, Span(name))
        if not (isinstance(value, str) and value in takes[name]):
            raise SpecError(f"{name!r} must be {' or '.join(takes[name])}, not {shown(value)}", Span(name))


def shown(value) -> str:
    """An argument's value in a message: a string or a number as Python writes it (one line, at most
    40 characters), anything else by its type."""
    if isinstance(value, (str, Real)):
        return repr(value)[:40]
    return f"a value of type {type(value).__name__!r}"


@dataclass(frozen=True, eq=False)
class Refused:
    """A value no spec can hold, found in the arguments: ``why`` it is refused."""

    why: str


REFUSED = "derivtex-refused-value"  # what a refused value is written as, to find its position
SCALARS = (bool, int, float, str)  # each converted to exactly this type (np.str_, an IntEnum, …)
KINDS = "give a string, a number, a bool, a list or a dict"


class NoAliases(yaml.SafeDumper):
    """Writes a value given twice (one shape for X and Y) twice: a spec refuses aliases."""

    def ignore_aliases(self, data) -> bool:
        return True


NoAliases.add_representer(Refused, lambda dumper, refused: dumper.represent_str(REFUSED))


def plain(value, refused: list[Refused], depth: int = 0):
    """The value as YAML's plain values: numpy scalars and arrays become Python's; a value a spec
    cannot hold, or nested deeper than an expression may be, becomes a ``Refused`` (also listed)."""
    numpy = sys.modules.get("numpy")  # loaded by now if the value is numpy's
    if numpy is not None and isinstance(value, (numpy.generic, numpy.ndarray)):
        value = value.tolist()
    if depth > MAX_DEPTH:
        return refuse(f"nested too deeply (more than {MAX_DEPTH} levels)", refused)
    if value is None:
        return None  # YAML's null, which the reader refuses where a value is needed
    kind = next((kind for kind in SCALARS if isinstance(value, kind)), None)
    if kind is not None:
        return scalar(kind(value), refused)
    if isinstance(value, Mapping):
        return {key_of(k, refused, depth): plain(v, refused, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item, refused, depth + 1) for item in value]
    return refuse(f"a value of type {type(value).__name__!r} cannot be in a spec; {KINDS}", refused)


def scalar(value, refused: list[Refused]):
    """A string, number or bool, unless Python cannot write it as text (an integer too long)."""
    try:
        str(value)
    except ValueError:  # "Exceeds the limit (4300 digits) for integer string conversion"
        digits = sys.get_int_max_str_digits()
        return refuse(f"a number too long to write (more than {digits} digits)", refused)
    return value


def key_of(key, refused: list[Refused], depth: int):
    """A mapping's key as a plain value (a scalar: a list or a dict cannot be a key)."""
    value = plain(key, refused, depth + 1)
    if isinstance(value, (list, dict)):
        return refuse(f"a key cannot be a {type(key).__name__}; give a string", refused)
    return value


def refuse(why: str, refused: list[Refused]) -> Refused:
    refused.append(Refused(why))
    return refused[-1]


def derive(
    function: str,
    wrt: str | list[str],
    symbols: dict | None = None,
    timeout: float | None = TIME_BUDGET,
    **spec,
) -> Derived:
    """Derive and verify ``function`` with respect to ``wrt``, within ``timeout`` seconds (None: no limit).

    ``symbols`` maps names to ``{"shape": [...], "assume": [...]}``; any other key of a spec
    (``methods``, ``order``, ``layout``, ``claim``, ``title``, ``check``, …) may be given by name.
    Bad input raises ``gen.errors.SpecError``, whose message names the argument at fault.

    >>> X = {"shape": ["n", "n"], "assume": ["invertible"]}
    >>> derive("tr(X^-1)", wrt="X", symbols={"X": X}).result.text
    '-(X^-2)^T'
    """
    seconds = time_budget(timeout)
    symbols = {} if symbols is None else symbols
    keys = {"title": "Derivation", "symbols": symbols, "function": function, "wrt": wrt, **spec}
    refused: list[Refused] = []
    keys = plain(keys, refused)
    text, starts = spec_text(keys)
    try:
        if refused:
            raise SpecError(refused[0].why, Source(SOURCE, text).at(text.index(REFUSED)))
        return Derived(run_text(text, SOURCE, seconds, "timeout=", Span("function")), text)
    except DerivtexError as error:
        if error.span is not None and error.span.path == SOURCE:
            error.span = argument_span(error.span, starts)
        raise


def time_budget(timeout) -> float | None:
    """The ``timeout`` argument, checked: a positive number of seconds, or None."""
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, Real) or not timeout > 0:
        message = f"'timeout' must be a positive number of seconds or None, not {shown(timeout)}"
        raise SpecError(message, Span("timeout"))
    return float(timeout)


class Lines(str):
    """A string argument of several lines, written as a literal block so that its lines are the
    YAML's lines, indented by ``INDENT`` (a position in it is then a line and column of its own)."""


INDENT = 2
NoAliases.add_representer(Lines, lambda dumper, value: dumper.represent_scalar(STR, str(value), style="|"))


@dataclass(frozen=True)
class Start:
    """Where a top-level key's YAML starts: its ``line``, the ``column`` its value starts at on
    that line, its value if a string (``text``), and whether that is a literal ``block``."""

    key: str
    line: int
    column: int
    text: str | None
    block: bool
    escaped: bool = False  # double-quoted: a character may be written as an escape (\\n)


def spec_text(keys: dict) -> tuple[str, tuple[Start, ...]]:
    """The arguments written as a spec's YAML, and where each top-level key starts."""
    keys = {k: Lines(v) if isinstance(v, str) and len(v.splitlines()) > 1 else v for k, v in keys.items()}
    parts = [
        yaml.dump({key: value}, Dumper=NoAliases, sort_keys=False, allow_unicode=True, width=10_000)
        for key, value in keys.items()
    ]
    text, source = "".join(parts), Source(SOURCE, "".join(parts))
    offsets = itertools.accumulate((len(part) for part in parts[:-1]), initial=0)
    return text, tuple(
        start_of(key, value, source.at(offset).line, part)
        for (key, value), offset, part in zip(keys.items(), offsets, parts)
    )


def start_of(key: str, value, line: int, part: str) -> Start:
    """Where the YAML ``part`` of ``key: value`` starts (a quote is not part of the value)."""
    quote = part[len(key) + 2 : len(key) + 3]
    column = len(key) + 3 + (quote in ("'", '"'))
    text = value if isinstance(value, str) else None
    return Start(key, line, column, text, part.startswith(f"{key}: |"), quote == '"')


def argument_span(span: Span, starts: tuple[Start, ...]) -> Span:
    """A position in the YAML the arguments made → in the argument: ``function:1:4``; in a string,
    its line and column there (``function:2:5``)."""
    start = next(start for start in reversed(starts) if start.line <= span.line)
    if start.block and span.line > start.line:  # the block's lines are the string's
        return Span(start.key, span.line - start.line, max(1, span.col - INDENT))
    if start.line < span.line:
        return Span(start.key, span.line - start.line + 1, span.col)
    offset = max(0, span.col - start.column)
    if start.escaped:  # the reader counts the columns as written, an escape (\n) as two
        offset = unescaped(start.text, offset)
    before = (start.text or "")[:offset]
    return Span(start.key, before.count("\n") + 1, offset - before.rfind("\n"))


def unescaped(text: str, columns: int) -> int:
    """The offset in ``text`` of what its double-quoted YAML writes ``columns`` columns in."""
    for offset, character in enumerate(text):
        if columns <= 0:
            return offset
        columns -= written_width(character)
    return len(text)


@cache
def written_width(character: str) -> int:
    """How many columns a double-quoted YAML string writes ``character`` in: ``\\n`` two."""
    return len(yaml.dump(character, default_style='"', allow_unicode=True, width=10_000)) - 3
