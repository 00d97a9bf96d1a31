"""Plain text in a spec (title, why, label, topic, references): one line that every output can set.

Whitespace runs (newlines, tabs, blank lines) become one space, so a blank line cannot end a
paragraph of LaTeX nor a title escape a ``%`` comment. Control and format characters (ESC, BEL,
bidirectional overrides, …) are refused at their position, and so are characters pdflatex cannot
typeset: it sets ASCII, the Latin letters and punctuation of its T1 and TS1 encodings, and the
mathematical characters that ``gen.render.templates.escape_latex`` writes as math (``−``, ``ᵀ``,
``‖``, Greek letters, …): Cyrillic, CJK or emoji are refused, not dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from ..errors import SpecError, quote
from .reader import Text

# What pdflatex's utf8 input knows with the T1, TS1, OT1 and OMS encodings (their .dfu files and
# utf8.def), as ranges of code points; tests/test_hostile_escaping.py typesets every one of them.
TYPESET_RANGES = (
    (0x20, 0x7E), (0xA0, 0x125), (0x128, 0x137), (0x139, 0x13E), (0x141, 0x148), (0x14A, 0x165),
    (0x168, 0x17E), (0x192, 0x192), (0x1C4, 0x1D4), (0x1E2, 0x1E3), (0x1E6, 0x1EB), (0x1F0, 0x1F0),
    (0x1F4, 0x1F5), (0x218, 0x21B), (0x232, 0x233), (0x237, 0x237), (0x2C6, 0x2C7),
    (0x2D8, 0x2D9), (0x2DB, 0x2DD),
    (0x2010, 0x2016), (0x2018, 0x201A), (0x201C, 0x201E), (0x2020, 0x2022), (0x2026, 0x2026),
    (0x2030, 0x2031), (0x2039, 0x203B), (0x20AC, 0x20AC), (0x2122, 0x2122), (0x2190, 0x2193),
    (0x27E8, 0x27E9), (0xFB00, 0xFB06),
)  # fmt: skip
# The characters escape_latex writes as math (its SYMBOLS), which pdflatex does not know as text.
MATH_CHARACTERS = frozenset("−×·≤≥≠≈±→↦∈∞∂∇∘⊗‖√ᵀ⁻¹²³αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΥΦΨΩ")
# Line breaks and other spacing that a plain-text field may hold: each run becomes one space.
SPACING = frozenset("\t\n\r\x0b\x0c\x85\u2028\u2029")
CONTROL = frozenset(("Cc", "Cf", "Cs", "Co", "Cn"))


def typesets(char: str) -> bool:
    """Whether pdflatex sets ``char`` in plain text (through ``escape_latex``)."""
    code = ord(char)
    return char in MATH_CHARACTERS or any(low <= code <= high for low, high in TYPESET_RANGES)


def refusal(char: str) -> str | None:
    """Why ``char`` cannot be in plain text, or None if it can."""
    if char in SPACING:
        return None
    if unicodedata.category(char) in CONTROL:
        return f"the control character {quote(char)}"
    if not typesets(char):
        name = unicodedata.name(char, "unnamed").lower()
        return f"{quote(char)} (U+{ord(char):04X}, {name}), which pdflatex cannot typeset"
    return None


def plain_text(key: str, text: Text) -> str:
    """``text``'s value as one line of plain text, or a spec error at its first refused character."""
    return " ".join(latex_text(key, text).split())


def latex_text(key: str, text: Text) -> str:
    """``text``'s value (``notes``: LaTeX, its lines kept), refused as plain text is at a control
    character or one pdflatex cannot set: neither can reach the document."""
    for offset, char in enumerate(text.value):
        if reason := refusal(char):
            raise SpecError(f"{quote(key)} contains {reason}", text.at(offset))
    return text.value


# A formula in a title: between two ``$`` (``\\$`` is a dollar sign)
DOLLAR = re.compile(r"(?<!\\)\$")


def formulas(text: Text) -> tuple[Text, ...]:
    """The formulas of a title, ``$…$``, each with its position (the spec's grammar, parsed with the
    other expressions): ``Gradient of $tr(A^3)$`` → ``tr(A^3)``. An unpaired or empty one is an error."""
    signs = [m.start() for m in DOLLAR.finditer(text.value)]
    if len(signs) % 2:
        message = "this '$' has no partner: a formula in a title is written $tr(A^3)$ (a dollar sign \\$)"
        raise SpecError(message, text.at(signs[-1]))
    pairs = list(zip(signs[::2], signs[1::2]))
    for start, end in pairs:
        if not text.value[start + 1 : end].strip():
            raise SpecError("an empty formula: write an expression between the '$' signs", text.at(start))
    return tuple(piece(text, start + 1, end) for start, end in pairs)


def latex_expression(text: Text) -> Text:
    """``'$\\operatorname{tr}(X^{-1})$'``: an expression written in LaTeX, read by `gen.expr.tex`
    (the text between the dollar signs, with its own positions). The grammar has no ``$``, so no
    expression written in it changes meaning; a lone ``$`` is left to the grammar's parser to refuse."""
    value = text.value
    start, end = len(value) - len(value.lstrip()), len(value.rstrip())
    if end - start < 2 or value[start] != "$" or value[end - 1] != "$":
        return text
    if not value[start + 1 : end - 1].strip():
        raise SpecError("an empty formula: write an expression between the '$' signs", text.at(start))
    return replace(piece(text, start + 1, end - 1), latex=True)


def piece(text: Text, start: int, end: int) -> Text:
    """``text.value[start:end]`` with its own positions."""
    lines = tuple((o - start, line, col) for o, line, col in text.lines if start < o < end)
    return Text(text.value[start:end], text.at(start), lines)


def title_pieces(title: str) -> list[tuple[str, str]]:
    """A title cut into (text, formula) pairs, ``\\$`` in the text a dollar sign; the last formula ''."""
    cut = DOLLAR.split(title)
    texts = [t.replace("\\$", "$") for t in cut[::2]]
    return list(zip(texts, [*cut[1::2], ""]))
