"""The adjoints of a proof by differentials in names: ``δ_z = (1ᵀy)p − y``, ``δ_a = (W₂ᵀδ_z) ∘ (1 − h∘h)``.

The chain rule goes through the names one at a time (``methods.in_linear_form``): before a name's
``dh`` is replaced by its definition's differential, ``df`` is collected, and the coefficient of
``dh`` is then ``∇_h f``, the adjoint ``δ_h`` of backpropagation (Goodfellow et al., §6.5). Each line
after it, and the gradients read off at the end, repeat that coefficient; written once as ``δ_h``,
they read as the textbooks' (``∇_{W₁} f = δ_a xᵀ``). A coefficient is named when it is large
(``autonames.LARGE`` nodes at least: ``W₂ᵀδ_z`` is said as it is).
"""

from __future__ import annotations

from ..errors import Unsupported
from ..expr import ir
from .autonames import LARGE, size
from .linear import differentials, only
from .linear_forms import linear_form
from .methods import DEFINITION
from .named import Named
from .rearrange import identify
from .where import name_symbol


def with_adjoints(named: Named, proofs: tuple, taken: set[str]) -> Named:
    """``named`` followed by a ``δ_h`` for each large coefficient of a name's differential that a
    proof by differentials collects before replacing ``dh`` (in the order it replaces them)."""
    pairs = list(named.pairs)
    for h, coefficient in coefficients(proofs, named.symbols):
        name, written = f"delta_{h.name}", Named(tuple(pairs)).fold(coefficient)
        if size(written) < LARGE or name in taken or written in dict(pairs).values():
            continue
        taken.add(name)
        pairs.append((name_symbol(name, written), written))
    return Named(tuple(pairs))


def coefficients(proofs: tuple, names: tuple) -> list:
    """(h, ∇_h f) for each name whose ``dh`` a differential proof's chain replaces, read off the line
    before it (None where that line is no linear form in ``dh``)."""
    out = []
    for proof in (p for p in proofs if p.method == "differential"):
        before = proof.chain.lhs
        for step in proof.chain.steps:
            if step.rule == DEFINITION.name and step.subject in names:
                if (g := gradient_of(before, step.subject)) is not None:
                    out.append((step.subject, g))
            before = step.expr
    return out


def gradient_of(line, h):
    """``G`` in ``line = tr(Gᵀ dh) + …`` (``gᵀdh``), when ``line`` is in that form."""
    dh = ir.d(h)
    try:
        return identify(linear_form(only(line, dh, tuple(differentials(line))), dh), dh)
    except Unsupported:
        return None
