"""The named intermediates as the documents write them: ``a = W₁x + b₁``, ``h = tanh(a)``, …"""

from __future__ import annotations

from ..engine.derive import Derivation
from ..engine.simplify import softmaxes
from ..expr.latex import latex
from ..expr.printers import text


def definitions(derivation: Derivation) -> tuple[tuple[object, object], ...]:
    """(name, its definition as printed: a softmax written out is named back)."""
    return tuple((name, softmaxes(definition)) for name, definition in derivation.named.pairs)


def definitions_latex(derivation: Derivation) -> str:
    """``$a = W_1x + b_1$, $h = \\tanh(a)$ and $z = W_2h$`` (empty without names)."""
    written = [f"${latex(name)} = {latex(definition)}$" for name, definition in definitions(derivation)]
    return ", ".join(written[:-1]) + " and " * (len(written) > 1) + "".join(written[-1:])


def write_sentence(derivation: Derivation) -> str:
    """``Write a = W₁x + b₁, h = tanh(a) and z = W₂h.``, said before a proof's chain."""
    return f"Write {definitions_latex(derivation)}." if derivation.named else ""


def where_json(derivation: Derivation) -> list[dict]:
    """``[{"name": "a", "definition": "W1*x + b1", "latex": …}, …]``."""
    return [
        {"name": str(name), "definition": text(definition), "latex": latex(definition)}
        for name, definition in definitions(derivation)
    ]
