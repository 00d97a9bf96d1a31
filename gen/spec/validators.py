"""Generic validators, ``(key, node, source) → value``, and the helpers the spec's keys are read with.

They belong to the spec package (``gen.spec.keys`` composes them into its schema), hence the
leading underscores: nothing outside ``gen.spec`` should need them.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable
from typing import Any

from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Span, SpecError, quote
from .reader import FLOAT, INT, NULL, NUMBER, Source, describe, integer
from .text import plain_text

_NUMBERS = SafeConstructor()  # only its float converter (.inf, 1e-6, ...) is used

Validator = Callable[[str, Node, Source], Any]


def _did_you_mean(word: str, options: Iterable[str], otherwise: str = "") -> str:
    """' (did you mean 'x'?)' when an option is close (same letters first), else ``otherwise``."""
    options = list(options)
    close = [o for o in options if o.lower() == word.lower()]
    close = close or difflib.get_close_matches(word, options, n=1)
    return f" (did you mean {quote(close[0])}?)" if close else otherwise


def _either(options: Iterable[str]) -> str:
    """'a, b or c'."""
    *rest, last = options
    return f"{', '.join(rest)} or {last}" if rest else last


def _record(node: MappingNode, src: Source, schema: dict[str, Validator], prefix: str = "") -> dict[str, Any]:
    """Validate a mapping key by key with ``schema``, refusing unknown and duplicate keys."""
    values: dict[str, Any] = {}
    for key_node, value in _pairs(node, src):
        key = key_node.value
        if key not in schema:
            raise src.error(f"unknown key {quote(key)}{_did_you_mean(key, schema)}", key_node)
        values[key] = schema[key](prefix + key, value, src)
    return values


def _pairs(node: MappingNode, src: Source) -> list[tuple[ScalarNode, Node]]:
    """The (key, value) nodes of a mapping, refusing duplicate and non-scalar keys."""
    seen: set[str] = set()
    for key_node, _ in node.value:
        if not isinstance(key_node, ScalarNode):
            raise src.error(f"keys must be names, not {describe(key_node)}", key_node)
        if key_node.value in seen:
            raise src.error(f"duplicate key {quote(key_node.value)}", key_node)
        seen.add(key_node.value)
    return node.value


def _require(values: dict, required: Iterable[str], span: Span) -> None:
    """Refuse a mapping that lacks a required key."""
    missing = next((key for key in required if key not in values), None)
    if missing:
        raise SpecError(f"missing required key '{missing}'", span)


def _is_text(node: Node) -> bool:
    """A scalar that is not null: strings, and numbers or booleans taken as written."""
    return isinstance(node, ScalarNode) and node.tag != NULL


def _items(node: Node) -> list[Node]:
    """The items of a list, or a single value as a list of one."""
    return node.value if isinstance(node, SequenceNode) else [node]


def _integer(node: Node) -> int | None:
    """The value of an integer scalar (YAML 1.2 spellings such as 0x10 included)."""
    if isinstance(node, ScalarNode) and node.tag == INT:
        return integer(node.value)
    return None


def _text(what: str, many: bool = False, positions: bool = False) -> Validator:
    """A validator for text (numbers as written); ``many``: or a list; ``positions``: as Text."""

    def validate(key: str, node: Node, src: Source) -> Any:
        items = _items(node) if many else [node]
        if items and all(_is_text(i) and (i.value.strip() or not positions) for i in items):
            values = tuple(src.text_of(item) if positions else item.value for item in items)
            return values if many else values[0]
        raise src.expected(key, what, node)

    return validate


def _plain(what: str, many: bool = False, text=plain_text) -> Validator:
    """A validator for plain text (see ``gen.spec.text``); ``many``: or a list of it."""
    read = _text(what, many, positions=False)

    def validate(key: str, node: Node, src: Source) -> Any:
        read(key, node, src)  # refuses what is not text
        values = tuple(text(key, src.text_of(i)) for i in _items(node))
        return values if many else values[0]

    return validate


def _names_of(allowed: tuple[str, ...], noun: str, at_least: int = 0) -> Validator:
    """A validator for a name or a list of names from ``allowed``, without duplicates."""

    def validate(key: str, node: Node, src: Source) -> tuple[str, ...]:
        if not all(_is_text(item) for item in _items(node)):
            raise src.expected(key, f"a list of {noun} names", node)
        names: list[str] = []
        for item in _items(node):
            if item.value not in allowed:
                hint = _did_you_mean(item.value, allowed, f" (expected {_either(allowed)})")
                raise src.error(f"unknown {noun} {quote(item.value)}{hint}", item)
            if item.value in names:
                raise src.error(f"duplicate {noun} {quote(item.value)}", item)
            names.append(item.value)
        if len(names) < at_least:
            raise src.error(f"'{key}' must name at least one {noun} ({_either(allowed)})", node)
        return tuple(names)

    return validate


def _one_of(*options: str) -> Validator:
    """A validator for one of ``options``."""

    def validate(key: str, node: Node, src: Source) -> str:
        if _is_text(node) and node.value in options:
            return node.value
        hint = _did_you_mean(node.value, options) if _is_text(node) else ""
        raise src.error(f"'{key}' must be {_either(options)}, not {describe(node)}{hint}", node)

    return validate


def _integer_in(low: int, high: int, expected: str) -> Validator:
    """A validator for an integer from ``low`` to ``high``."""

    def validate(key: str, node: Node, src: Source) -> int:
        value = _integer(node)
        if value is not None and low <= value <= high:
            return value
        raise src.expected(key, expected, node)

    return validate


def _tolerance(key: str, node: Node, src: Source) -> float:
    """A number from ``TOLERANCES[0]`` to ``TOLERANCES[1]`` (also written as a string, '1e-6')."""
    number = _integer(node)
    if number is None and _is_text(node) and (node.tag == FLOAT or NUMBER.fullmatch(node.value)):
        number = _NUMBERS.construct_yaml_float(node)
    low, high = TOLERANCES
    if number is not None and math.isfinite(number) and low <= number <= high:
        return float(number)
    raise src.expected(key, f"a number from {low:g} to {high:g} such as 1e-6", node)


# A looser check could pass a false claim (a wrong sign passes at 1e6); a tighter one asks for
# more than double precision gives finite differences (errors up to 3e-11 are measured).
TOLERANCES = (1e-10, 1e-3)


def _entries(schema: dict[str, Validator], required: tuple[str, ...], make: Callable) -> Validator:
    """A validator for a list of mappings with ``schema``'s keys, built into objects by ``make``."""
    shape = "{" + ", ".join(schema) + "}"

    def validate(key: str, node: Node, src: Source) -> tuple:
        if not isinstance(node, SequenceNode):
            raise src.expected(key, f"a list of {shape} entries", node)
        entries = []
        for item in node.value:
            if not isinstance(item, MappingNode):
                message = f"each entry of '{key}' must be a mapping {shape}, not {describe(item)}"
                raise src.error(message, item)
            fields, span = _record(item, src, schema), src.span(item)
            _require(fields, required, span)
            entries.append(make(fields, span))
        return tuple(entries)

    return validate
