"""Slides: a derivation's proofs cut into beamer frames, one per method where its chains fit.

A pure function over the document view; the ``beamer`` template reveals each frame's lines
one at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from markupsafe import Markup

from ..expr.line_breaks import width
from .templates import render
from .view import DocumentView, Line, Part, ProofView

ROWS = 11  # rows of \\small text a frame holds below its title
TEXT_WIDTH = 95  # glyphs of a sentence on one row
CHAIN_WIDTH = 88  # glyphs of a chain and its justification column on one row (less the space between)
DISPLAY = 1  # rows of space around a chain


@dataclass(frozen=True)
class Frame:
    title: str
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class SlideProof:
    method: str
    frames: tuple[Frame, ...]


def rows(tex: str, per_row: int) -> int:
    """Roughly how many rows ``tex`` takes when it wraps at ``per_row`` glyphs; a fraction is two."""
    return max(1, -(-width(tex) // per_row)) + ("\\frac" in tex) if tex else 0


def why_width(part: Part) -> int:
    """The glyphs of the justification column: what the widest line leaves, as ``\\fitwhy`` sets it."""
    left = max((width(x.lhs) for x in part.lines), default=0) * (not part.lhs_alone)
    right = max((width(x.relation + r) for x in part.lines for r in (x.rhs, *x.rest)), default=0)
    return CHAIN_WIDTH - left - right


def line_rows(line: Line, why: int) -> int:
    """A line of a chain: its rows, and its justification's below it if that may not fit beside
    (its width in glyphs a rough guess, text against formulas: taken 1.7 times, on the safe side)."""
    below = rows(line.why, TEXT_WIDTH) if 1.7 * width(line.why) > why else 0
    return sum(rows(r, TEXT_WIDTH) for r in (line.lhs + line.rhs, *line.rest)) + below


def frames(proof: ProofView) -> tuple[Frame, ...]:
    """The proof's parts, in order, in as few frames of about ``ROWS`` rows as they fit in.

    A chain too long for the rest of a frame continues on the next one, without its sentence.
    """
    groups: list[list[Part]] = [[]]
    used = 0
    for part in proof.parts:
        why = why_width(part)
        head = rows(part.text, TEXT_WIDTH) + part.lhs_alone + DISPLAY * bool(part.lines)
        if groups[-1] and used + head + sum(line_rows(x, why) for x in part.lines[:1]) > ROWS:
            groups.append([])
            used = 0
        piece, used = replace(part, lines=()), used + head
        for line in part.lines:
            if piece.lines and used + line_rows(line, why) > ROWS:
                groups[-1].append(piece)
                groups.append([])
                piece, used = Part(Markup(""), ()), DISPLAY
            piece, used = replace(piece, lines=(*piece.lines, line)), used + line_rows(line, why)
        groups[-1].append(piece)
    titles = [proof.title] + [f"{proof.title} (continued)"] * (len(groups) - 1)
    return tuple(Frame(title, tuple(group)) for title, group in zip(titles, groups))


def render_slides(doc: DocumentView, **context) -> str:
    """The beamer slides of one derivation: a frame for the proposition, frames per method, remarks."""
    return render(doc, "beamer", slides=tuple(SlideProof(p.method, frames(p)) for p in doc.proofs), **context)
