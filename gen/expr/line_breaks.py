"""Line breaking: how wide a piece of LaTeX is, and where a long one is cut into rows.

The LaTeX printer marks where a line may break (``MARK``: between terms, factors and operands, with
the nesting level); ``chunks`` cuts at the shallowest marks, ``fill`` fills the rows greedily.
"""

from __future__ import annotations

import re

from .functions import FUNCTIONS
from .greek import GREEK

MARK = re.compile("\x00([TFO])(.)")  # where a line may break: kind, then nesting level (a character)
# what a row begun at a mark starts with: a term its sign, a factor \cdot, an operator (∘, ⊗) itself
CONTINUATIONS = {"T": "", "F": "\\cdot ", "O": ""}


def operator_word(template: str) -> str | None:
    """``exp`` for ``\\exp{group}``: the word a function is set as (not a Greek letter such as σ)."""
    m = re.match(r"\\([a-z]+)\{+(group|arg)\}", template)
    return m[1] if m and m[1] not in GREEK else None


WORDS = ("det", "lim", *filter(None, (operator_word(f.latex) for f in FUNCTIONS.values() if f.latex)))


def unmarked(tex: str) -> str:
    return MARK.sub("", tex)


SCRIPT = r"[\^_]\{([^{}]*)\}"  # a sub- or superscript: its glyphs
ROOT = r"\\sqrt\{([^{}]*)\}"  # a square root: its sign (a glyph) and its argument


def width(tex: str) -> int:
    """Roughly how many glyphs wide ``tex`` is (a fraction counts its wider half)."""
    tex = re.sub(r"\\(left|right|[Bb]igg?[lr]?|,|;|!|quad|qquad)\b", "", tex)
    tex = re.sub(r"\^\{\\circ(?![A-Za-z])", "^{o", tex)  # a raised ∘ (exp^∘, X^{∘2}): a glyph, no operator
    while (reduced := re.sub(SCRIPT, r" \1 ", re.sub(ROOT, r"v\1", tex))) != tex:
        tex = reduced  # inside out
    tex = re.sub(r"\\(?:operatorname|mathrm|mathbf)\{(\w+)\}", r"\1", tex)
    fraction = r"\\frac\{([^{}]*)\}\{([^{}]*)\}"
    while (m := re.search(fraction, tex)) is not None:
        tex = tex[: m.start()] + max(m.groups(), key=len) + tex[m.end() :]
    words = re.sub(rf"\\({'|'.join(WORDS)})\b", r"\1", tex)  # \tanh is four glyphs wide
    glyphs = len(re.sub(r"[{}\s^_]", "", re.sub(r"\\[A-Za-z]+", "x", words)))
    return glyphs + len(re.findall(r"[+=-]|\\circ", tex))  # binary operators take space around them


MEASURE = 40  # glyphs a piece of a broken right-hand side may take beside the justifications
DISPLAY = 60  # glyphs a displayed equation may take on one row (a proposition's: both sides)


def chunks(tex: str, measure: int) -> list[tuple[str, str]]:
    """``tex`` as pieces a row may begin with, each with what it starts with if it does (``\\cdot``);
    cut at the shallowest marks where braces and ``\\left``/``\\right`` are balanced, each piece
    still too wide cut again inside it (the recursion: a sum's term, a product's factor, a function's
    argument)."""
    text = unmarked(tex)
    usable = [m for m in MARK.finditer(tex) if balanced(unmarked(tex[: m.start()]))]
    if width(text) <= measure or not usable:
        return [(text, "")]
    level = min(m[2] for m in usable)
    cuts = [m for m in usable if m[2] == level]
    starts = [0, *(m.start() for m in cuts)]
    ends = [m.start() for m in cuts] + [len(tex)]
    kinds = ["", *(m[1] for m in cuts)]
    out = []
    for start, end, kind in zip(starts, ends, kinds):
        piece = tex[start:end]
        piece = piece[3:] if start else piece  # without its mark (three characters)
        (first, _), *rest = chunks(piece, measure)
        out += [(first, CONTINUATIONS.get(kind, "")), *rest]
    return out


def balanced(tex: str) -> bool:
    """Whether a row may end after ``tex``: its braces and ``\\left``/``\\right`` closed."""
    return tex.count("{") == tex.count("}") and len(re.findall(r"\\left\b", tex)) == len(
        re.findall(r"\\right\b", tex)
    )


def fill(pieces: list[tuple[str, str]], measure: int) -> list[str]:
    """Rows of ``pieces`` (text, what a row begun with it starts with), each filled while it fits.

    No row ends after a stub (a row of a few glyphs, ``diag(vec(1``, reads worse than a long one),
    nor leaves a tail of a few glyphs (``V)``) to a row of its own when it nearly fits.
    """
    rows, current = [], ""
    for k, (text, continuation) in enumerate(pieces):
        tail = k == len(pieces) - 1 and width(text) < measure / 6 and width(current + text) <= measure * 7 / 6
        if current and width(current) > measure / 3 and width(current + text) > measure and not tail:
            rows.append(current)
            current = continuation + text.lstrip()
        else:
            current += text
    return [*rows, current]
