"""Symmetry said of a lone symbol in the prose: "$\\Sigma$ symmetric positive definite", "where
$S$ is symmetric", without a membership statement before it (``symbols.assumed`` reads the words
after ``$X \\in \\mathbb{R}^{n\\times n}$ be …``).

Without it, a Gaussian's ``\\partial \\ell / \\partial \\mu = \\Sigma^{-1}(x - \\mu)`` is reported not
to follow (it needs Σ symmetric), though the text says Σ is. Only symmetry is read here (symmetric,
symmetric positive definite, positive definite): what a reader takes from the sentence, and what
the gradients of quadratic forms need. A symbol with no shape declared becomes a square matrix
with that assumption.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..errors import SpecError

NAME = r"\\?[A-Za-z]+(?:\s*\{[^{}$]*\})?(?:_\{?[A-Za-z0-9]+\}?)?"
SAID = re.compile(
    rf"\$\s*(?P<name>{NAME})\s*\$\s*,?\s*"
    r"(?:(?:is|be|being)\s+)?(?:(?:a|an)\s+)?"
    r"(?P<words>symmetric\s+positive[- ]definite|symmetric\s+positive[- ]semi-?definite"
    r"|positive[- ]definite|symmetric)\b"
)
TRANSPOSE = r"\^\s*(?:T|\{T\}|\\top|\{\\top\}|\\intercal|\{\\intercal\}|\\mathsf\{T\}|\{\\mathsf\{T\}\})"
OPEN, CLOSE = r"(?:\\\||\|\||\\lVert|\\left\\\|)", r"(?:\\\||\|\||\\rVert|\\right\\\|)"  # \| or || or \lVert
# u^T u = 1, \|u\| = 1, \|u\|_2^2 = 1, W^T W = I: a unit vector, orthonormal columns (u: unit)
UNIT = re.compile(
    rf"\$\s*(?:(?P<name>{NAME})\s*{TRANSPOSE}\s*(?P=name)\s*=\s*(?:1|I(?:_\{{?\w+\}}?)?)"
    rf"|{OPEN}\s*(?P<normed>{NAME})\s*{CLOSE}(?:_\{{?2\}}?)?(?:\^\{{?2\}}?)?\s*=\s*1)\s*\$"
)


def assumption(words: str) -> str:
    words = " ".join(words.replace("-", " ").split())
    return "symmetric" if words == "symmetric" or "semi" in words else "spd"


def properties_stated(text: str, found: dict, name_of, span_at, where, declared_type) -> dict:
    """``found`` with the symmetry the prose says of lone symbols (name → Declared)."""
    found = dict(found)
    stated = [(m, assumption(m.group("words"))) for m in SAID.finditer(text)]
    unit = [(m, "orthogonal") for m in UNIT.finditer(text)]  # u^T u = 1: read as the declaration u: unit
    for match, said in sorted(stated + unit, key=lambda found: found[0].start()):
        try:
            name = name_of((match.group("name") or match.group("normed")).strip(), span_at(match.start()))
        except SpecError:
            continue
        old = found.get(name)
        if old is None:
            found[name] = declared_type(None, (said,), where(match.start()))
        elif said not in old.assume:
            found[name] = replace(old, assume=(*old.assume, said))
    return found


def with_shapes_kept(fresh: dict, before: dict) -> dict:
    """The prose's new statements, where one only says a symbol is symmetric (no shape) adding
    that to the shape stated before (``$\\Sigma \\in \\mathbb{R}^{d\\times d}$``, later
    "$\\Sigma$ is symmetric")."""
    kept = dict(fresh)
    for name, new in fresh.items():
        old = before.get(name)
        if new.shape is None and old is not None and old.shape is not None:
            kept[name] = replace(old, assume=tuple(dict.fromkeys((*old.assume, *new.assume))))
    return kept
