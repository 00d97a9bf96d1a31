"""The files of a paper: ``\\input``/``\\include`` followed, comments and verbatim blanked, and the
events in reading order (display blocks, ``% derivtex:`` lines, sections, prose declarations).

Blanking replaces characters by spaces and keeps every newline, so an offset into the blanked text
is an offset into the file: every event keeps its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pylatexenc.latexwalker import LatexEnvironmentNode, LatexMathNode, LatexWalker

from ..errors import Span, SpecError

MAX_DEPTH = 8  # \input nesting
MAX_BYTES = 2_000_000  # one file

# The display environments whose body is checked (an optional argument such as alignat's {2} skipped).
DISPLAYS = frozenset(
    f"{name}{star}"
    for name in ("align", "equation", "gather", "multline", "flalign", "eqnarray", "alignat", "displaymath")
    for star in ("", "*")
) | {"math"}
VERBATIM = ("verbatim", "verbatim*", "lstlisting", "minted", "comment", "Verbatim", "filecontents")

ANNOTATION = re.compile(r"^[ \t]*%+[ \t]*derivtex:(?P<body>[^\n]*)$", re.M)
COMMENT = re.compile(r"(?<!\\)((?:\\\\)*)%[^\n]*")
VERBATIM_NAMES = "|".join(re.escape(v) for v in VERBATIM)
VERBATIM_BLOCK = re.compile(r"\\begin\{(" + VERBATIM_NAMES + r")\}.*?\\end\{\1\}", re.S)
INLINE_VERB = re.compile(r"\\verb\*?([^A-Za-z\s])[^\n]*?\1")
INPUT = re.compile(r"\\(?:input|include|subfile)\s*\{([^{}\n]+)\}")
PRIME = r"(?:'|\^\s*\\prime|\^\s*\{\s*\\prime\s*\})"  # j', j^\prime, j^{\prime}
STAR = r"(?:\^\s*(?:\*|\\ast|\\star)|\^\s*\{\s*(?:\*|\\ast|\\star)\s*\})"  # j^*: a target's index
PRIMED = re.compile(rf"([a-z])\s*(?:({PRIME})|{STAR})")
INDICES = re.compile(
    rf"_\{{(?:[a-z0-9,\s]|{PRIME}|{STAR})+(?:=\s*[0-9a-z]\s*)?\}}"
)  # \sum_{j'=1}, u_{j'}, K_{nn'}
COMMAND = re.compile(r"\\(?!(?:prime|ast|star)\b)[A-Za-z]+")  # masked: its letters are not symbols
FRESH = "qrstuvwhgoepmcdfab"  # the letters a primed index may be renamed to, the least used first
SECTION = re.compile(r"\\(part|chapter|section|subsection|subsubsection|paragraph)\*?\s*[\[{]")
BEGIN_END = re.compile(r"\\(begin|end)\s*\{([^{}]+)\}")
ESCAPED = re.compile(r"\\[$%]")


@dataclass(frozen=True)
class Source:
    """One file: its path as the user named it, its text, and the text with the prose blanked."""

    path: str
    text: str
    blank: str

    def line(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1

    def span(self, offset: int) -> Span:
        line = self.line(offset)
        return Span(self.path, line, offset - (self.text.rfind("\n", 0, offset) + 1) + 1)

    def line_text(self, line: int) -> str:
        lines = self.text.split("\n")
        return lines[line - 1] if 0 < line <= len(lines) else ""


@dataclass(frozen=True)
class Event:
    """Something met in reading order: ``block`` (a display's body), ``note`` (a ``% derivtex:``
    line), ``section``, ``prose`` (text between blocks, for its declarations), ``problem``."""

    kind: str
    source: Source
    offset: int
    text: str
    env: str = ""


def blanked(text: str) -> str:
    """``text`` with comments, verbatim, ``\\verb`` and escaped ``\\$``/``\\%`` replaced by spaces."""
    spaces = lambda m: re.sub(r"[^\n]", " ", m.group())  # noqa: E731
    text = VERBATIM_BLOCK.sub(spaces, text)
    text = INLINE_VERB.sub(spaces, text)
    text = ESCAPED.sub("  ", text)
    return COMMENT.sub(lambda m: m.group(1) + spaces(m)[len(m.group(1)) :], text)


def read_source(path: Path, shown: str) -> Source:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SpecError(f"cannot read {shown}: {error.strerror or error}", Span(shown)) from None
    if len(data) > MAX_BYTES:
        raise SpecError(f"the file is too large ({len(data)} bytes; the limit is {MAX_BYTES})", Span(shown))
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n")
    return Source(shown, text, blanked(text))


def read_events(path: Path, shown: str | None = None, chain: tuple = ()) -> list[Event]:
    """The events of ``path`` and of the files it inputs, in reading order (cycles refused)."""
    source = read_source(path, shown or str(path))
    events = unbalanced(source)
    blank = scrubbed(source.blank, events)
    for match in ANNOTATION.finditer(source.text):
        body = match.group("body")  # positioned at its first item, so its items' columns are right
        at = match.start("body") + len(body) - len(body.lstrip())
        events.append(Event("note", source, at, body.strip()))
    sections = [Event("section", source, m.start(), m.group(1)) for m in SECTION.finditer(blank)]
    blocks = display_blocks(source, blank)
    events += sections + blocks + prose(source, blank, blocks, sections)
    inputs = [(m.start(), included(source, path, m, (*chain, path.resolve()))) for m in INPUT.finditer(blank)]
    ordered = sorted([(e.offset, [e]) for e in events] + inputs, key=lambda pair: pair[0])
    return [e for _, group in ordered for e in group]


def included(source: Source, path: Path, match, chain: tuple) -> list[Event]:
    """The events of an ``\\input{name}`` (``.tex`` added as TeX does), or the problem reading it."""
    name = match.group(1).strip()
    target = path.parent / name
    if not target.exists() and target.suffix != ".tex":
        target = path.parent / f"{name}.tex"
    shown = str(Path(source.path).parent / target.relative_to(path.parent))
    problem = None
    if len(chain) >= MAX_DEPTH:
        problem = f"\\input nested more than {MAX_DEPTH} deep: {name} is not read"
    elif target.resolve() in chain:
        problem = f"\\input cycle: {name} is already being read"
    elif not target.is_file():
        problem = f"\\input file not found: {name}"
    if problem:
        return [Event("problem", source, match.start(), problem)]
    return read_events(target, shown, chain)


def unbalanced(source: Source) -> list[Event]:
    """A ``problem`` for each ``\\begin`` never ended and each ``\\end`` never begun."""
    stack, problems = [], []
    for match in BEGIN_END.finditer(source.blank):
        kind, name = match.group(1), match.group(2).strip()
        if kind == "begin":
            stack.append((name, match))
        elif any(open_name == name for open_name, _ in stack):
            while (top := stack.pop())[0] != name:
                problems.append(never_ended(source, *top))
        else:
            message = f"\\end{{{name}}} without a \\begin{{{name}}}: skipped"
            problems.append(Event("problem", source, match.start(), message, name))
    return problems + [never_ended(source, *top) for top in stack]


def never_ended(source: Source, name: str, match) -> Event:
    message = f"\\begin{{{name}}} is never ended: skipped"
    return Event("problem", source, match.start(), message, name)


def scrubbed(blank: str, problems: list[Event]) -> str:
    """``blank`` without the unbalanced commands (pylatexenc then reads the rest as if they were not)."""
    for problem in problems:
        match = BEGIN_END.match(blank, problem.offset)
        blank = blank[: match.start()] + " " * len(match.group()) + blank[match.end() :]
    return blank


def display_blocks(source: Source, blank: str) -> list[Event]:
    """Every display block's body, outermost first: a display inside another is part of its body."""
    walker = LatexWalker(blank, tolerant_parsing=True)
    try:
        nodes, _, _ = walker.get_latex_nodes()
    except Exception as error:  # noqa: BLE001  (pylatexenc's own errors: the file, not the checker)
        raise SpecError(f"cannot read the LaTeX: {error}", source.span(0)) from None
    return list(blocks_in(source, blank, nodes))


def blocks_in(source: Source, blank: str, nodes):
    for node in nodes or ():
        if isinstance(node, LatexEnvironmentNode) and node.environmentname in DISPLAYS:
            yield environment_body(source, blank, node)
        elif isinstance(node, LatexMathNode) and node.displaytype == "display" and wrapped(node):
            yield from blocks_in(source, blank, node.nodelist)  # $$\begin{align}…\end{align}$$
        elif isinstance(node, LatexMathNode) and node.displaytype == "display":
            start = node.pos + len(node.delimiters[0])
            end = node.pos + node.len - len(node.delimiters[1])
            yield Event("block", source, start, unprimed(blank[start:end]), node.delimiters[0])
        else:
            yield from blocks_in(source, blank, children(node))


def wrapped(node) -> bool:
    """Whether a display holds a display environment (``$$\\begin{align}…$$``, as MathJax and Markdown
    pages write it): the environment is the block, so its own columns and rows are read."""
    inner = node.nodelist or ()
    return any(isinstance(n, LatexEnvironmentNode) and n.environmentname in DISPLAYS for n in inner)


def children(node) -> list:
    found = list(getattr(node, "nodelist", None) or ())
    for argument in getattr(getattr(node, "nodeargd", None), "argnlist", None) or ():
        found += children(argument) if argument is not None and not hasattr(argument, "pos") else []
        found += [argument] if argument is not None and hasattr(argument, "pos") else []
    return found


ENVIRONMENT_START = re.compile(r"\\begin\s*\{[^{}]*\}(?:\s*\{\d+\})?")


def environment_body(source: Source, blank: str, node) -> Event:
    begin = ENVIRONMENT_START.match(blank, node.pos)
    end = blank.rfind("\\end", node.pos, node.pos + node.len)
    start = begin.end() if begin else node.pos
    return Event("block", source, start, unprimed(blank[start:end]), node.environmentname)


def unprimed(text: str) -> str:
    """``text`` with each primed (or starred) index renamed to a letter the display does not use, every
    prime of it: ``\\sum_{j'=1}^{V} \\exp(u_{j'})`` reads ``\\sum_{q =1}^{V} \\exp(u_{q })``, index notation
    whose indices are letters. The renaming keeps the text's length: every offset stays the file's."""
    masked = COMMAND.sub(lambda m: "\\" + "#" * (len(m.group()) - 1), text)
    mark = lambda m: (m.group(1), m.group(2) is not None)  # noqa: E731  (j' and j^* are two indices)
    marked = list(PRIMED.finditer(masked))
    groups = [
        (g.start(), g.end(), text[: g.start()].endswith(("\\sum", "\\prod")))
        for g in INDICES.finditer(masked)
    ]
    where = {m.start(): [summed for a, b, summed in groups if a < m.start() < b] for m in marked}
    summed = {mark(m) for m in marked if any(where[m.start()])}  # \sum_{a'} … \phi(s, a'): all of a'
    alone = {mark(m) for m in marked if not where[m.start()]}  # \nabla_{w^*} L(w^*): w* a variable
    indices = sorted(summed | ({mark(m) for m in marked if where[m.start()]} - alone))
    fresh = dict(zip(indices, (c for c in FRESH if c not in masked)))
    for m in reversed([m for m in marked if mark(m) in fresh]):
        text = text[: m.start()] + fresh[mark(m)].ljust(len(m.group())) + text[m.end() :]
    return text


def prose(source: Source, blank: str, blocks: list[Event], sections: list[Event] = ()) -> list[Event]:
    """The text between the blocks, each piece where it starts (for its declarations and
    definitions), cut at each section command too: a section's title is read after the section
    begins (what it states, and what it defines, holds to the end of that section)."""
    pieces, at = [], 0
    stops = [(b.offset, b.offset + len(b.text)) for b in blocks] + [(s.offset, s.offset) for s in sections]
    for start, end in sorted(stops):
        if start >= at:
            pieces.append(Event("prose", source, at, blank[at:start]))
            at = end
    return [*pieces, Event("prose", source, at, blank[at:])]
