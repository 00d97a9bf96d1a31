"""Reading a spec's YAML safely, keeping the position of every value.

The safe loader refuses anchors, aliases and non-standard tags before composing
(so alias bombs never grow); ``Source`` turns nodes into values with spans.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import astuple, dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Span, SpecError, quote

_YAML_TAG = "tag:yaml.org,2002:"
_STANDARD_TAGS = {_YAML_TAG + t for t in ("str", "int", "float", "bool", "null", "seq", "map")}
NULL, STR, INT, FLOAT = (_YAML_TAG + t for t in ("null", "str", "int", "float"))
NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")  # 1e-6, also written as a string
# YAML 1.2's core schema, not 1.1's: 1:30 is not the number 90 (sexagesimal), 010 is ten, not eight,
# 1_000 is text. A value tagged !!int or !!float must be spelled so too.
INTEGER = re.compile(r"(?P<sign>[-+]?)(?:0o(?P<octal>[0-7]+)|0x(?P<hex>[0-9a-fA-F]+)|(?P<decimal>[0-9]+))")
REAL = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
SPELLINGS = {INT: (INTEGER, "an integer"), FLOAT: (REAL, "a number")}
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # what PyYAML counts as a new line
_ESCAPE_LENGTH = {"x": 4, "u": 6, "U": 10}  # source characters of an escape; any other is 2
_PROPERTIES = re.compile(r"(?:[!&]\S*\s+)*")  # a node's tag/anchor, before its value


@dataclass(frozen=True)
class Text:
    """A string value from the spec, with the position of its first character of content."""

    value: str
    span: Span
    # (offset in value, line, col) where each source line of a multi-line value starts
    lines: tuple[tuple[int, int, int], ...] = field(default=(), repr=False, compare=False)
    latex: bool = False  # written in LaTeX ('$…$' in a spec): read by gen.expr.tex

    def at(self, offset: int) -> Span:
        """The position of ``value[offset]`` (on a later line: where value and source align)."""
        start, line, col = 0, self.span.line, self.span.col
        for segment in self.lines:
            if segment[0] > offset:
                break
            start, line, col = segment
        return Span(self.span.path, line, col + offset - start)


class _Refused(yaml.MarkedYAMLError):
    """A YAML feature that a spec may not use."""


class _Loader(yaml.SafeLoader):
    """The safe loader, refusing anchors, aliases and non-standard tags before composing."""

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        """Refuse the next node early (so alias bombs never grow), else compose it as usual."""
        event = self.peek_event()
        if getattr(event, "anchor", None) is not None:
            problem = "anchors and aliases (&name, *name) are not allowed in a spec"
            raise _Refused(problem=problem, problem_mark=event.start_mark)
        tag = getattr(event, "tag", None)
        if tag not in (None, "!") and tag not in _STANDARD_TAGS:
            shown = "!!" + tag[len(_YAML_TAG) :] if tag.startswith(_YAML_TAG) else tag
            problem = f"tag {quote(shown)} is not allowed in a spec (only plain YAML values)"
            raise _Refused(problem=problem, problem_mark=event.start_mark)
        node = super().compose_node(parent, index)
        spelling, what = SPELLINGS.get(node.tag, (None, ""))
        if isinstance(node, ScalarNode) and spelling and not spelling.fullmatch(node.value):
            shown = node.value if len(node.value) <= 40 else node.value[:37] + "..."
            problem = f"{shown!r} is tagged !!{node.tag[len(_YAML_TAG) :]} but is not {what}"
            raise _Refused(problem=problem, problem_mark=node.start_mark)
        return node


# Plain scalars resolve as YAML 1.2 numbers (INTEGER, REAL); PyYAML's 1.1 resolvers are dropped.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (INT, FLOAT)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(INT, re.compile(f"^(?:{INTEGER.pattern})$"), list("-+0123456789"))
_Loader.add_implicit_resolver(FLOAT, re.compile(f"^(?:{REAL.pattern})$"), list("-+0123456789."))


def integer(text: str) -> int | None:
    """The value of a YAML 1.2 integer (``12``, ``0x0a``, ``0o17``), else None."""
    match = INTEGER.fullmatch(text)
    if match is None:
        return None
    digits, base = next((match[g], b) for g, b in (("octal", 8), ("hex", 16), ("decimal", 10)) if match[g])
    return int(match["sign"] + digits, base)


class Source:
    """The text being read: composes it, and turns indexes and nodes into spans and errors."""

    def __init__(self, path: str, text: str):
        self.path, self.text = path, text
        self.line_starts = [0, *(m.end() for m in _LINE_BREAK.finditer(text))]

    def compose(self) -> Node | None:
        """The YAML node tree, or a spec error at the YAML problem's position."""
        try:
            return yaml.compose(self.text, Loader=_Loader)
        except yaml.MarkedYAMLError as error:
            problem = str(error.problem)
            if error.context and problem.startswith("but"):
                problem = f"{error.context}, {problem}"
            prefix = "" if isinstance(error, _Refused) else "invalid YAML: "
            mark = error.problem_mark or error.context_mark
            span = self.at(mark.index) if mark else Span(self.path)
            raise SpecError(prefix + problem, span) from None
        except yaml.reader.ReaderError as error:
            problem = f"unacceptable character #x{error.character:04x}: {error.reason}"
            raise SpecError(f"invalid YAML: {problem}", self.at(error.position)) from None
        except RecursionError:
            raise SpecError("invalid YAML: nesting too deep", Span(self.path)) from None

    def at(self, index: int) -> Span:
        """The position of ``text[index]``."""
        line = bisect.bisect_right(self.line_starts, index)
        return Span(self.path, line, index - self.line_starts[line - 1] + 1)

    def span(self, node: Node) -> Span:
        """Where the node's content starts (past any tag and opening quote)."""
        if isinstance(node, ScalarNode):
            return self.text_of(node).span
        return self.at(node.start_mark.index)

    def error(self, message: str, node: Node) -> SpecError:
        """A spec error at the node."""
        return SpecError(message, self.span(node))

    def expected(self, key: str, what: str, node: Node) -> SpecError:
        """ "'key' must be <what>, not <what the user wrote>" at the node."""
        return self.error(f"'{key}' must be {what}, not {describe(node)}", node)

    def text_of(self, node: ScalarNode) -> Text:
        """The scalar's value with the position of its first character (and of its lines)."""
        start = _PROPERTIES.match(self.text, node.start_mark.index).end()
        if node.style in ("|", ">"):  # content starts on the line after the indicator
            start = self.text.find("\n", start) + 1 or node.end_mark.index
        start += node.style in ("'", '"')
        if node.style not in ("|", ">") and node.end_mark.line == node.start_mark.line:
            escapes = self.escapes(node.value, start) if node.style == '"' else ()
            return Text(node.value, self.at(start), escapes)
        lines = self.lines(node.value, start)
        span = Span(self.path, lines[0][1], lines[0][2] - lines[0][0]) if lines else self.at(start)
        return Text(node.value, span, lines)

    def escapes(self, value: str, index: int) -> tuple[tuple[int, int, int], ...]:
        """(offset, line, col) after each escape sequence (``\\e``, ``\\x1b``) of a one-line
        double-quoted value: where value and source align again."""
        segments = []
        for offset in range(len(value)):
            escaped = self.text[index] == "\\"
            index += _ESCAPE_LENGTH.get(self.text[index + 1], 2) if escaped else 1
            if escaped:
                segments.append((offset + 1, *astuple(self.at(index))[1:]))
        return tuple(segments)

    def lines(self, value: str, index: int) -> tuple[tuple[int, int, int], ...]:
        """(offset, line, col) where each source line of ``value`` starts; () if unaligned."""
        starts: list[tuple[int, int, int]] = []
        for offset, char in enumerate(value):
            if char.isspace():  # folding and indentation only change whitespace
                continue
            while index < len(self.text) and self.text[index] != char:
                if not self.text[index].isspace():
                    return ()  # an escape sequence: give up, Text.at falls back to the start
                index += 1
            if index == len(self.text):
                return ()
            span = self.at(index)
            if not starts or starts[-1][1] != span.line:
                starts.append((offset, span.line, span.col))
            index += 1
        return tuple(starts)


def byte_span(path: str, data: bytes, offset: int) -> Span:
    """The position of a byte in undecoded file contents (columns counted in bytes)."""
    return Span(path, data.count(b"\n", 0, offset) + 1, offset - data.rfind(b"\n", 0, offset))


def describe(node: Node) -> str:
    """What the user wrote, for 'must be X, not Y' messages."""
    if isinstance(node, (MappingNode, SequenceNode)):
        return "a mapping" if isinstance(node, MappingNode) else "a list"
    if node.tag == NULL:
        return node.value or "empty"
    value = node.value.strip().splitlines()[0] if node.value.strip() else node.value
    value = value if len(value) <= 40 else value[:37] + "..."
    return value if node.tag in (INT, FLOAT) or NUMBER.fullmatch(value) else quote(value)
