"""A false claim that an assumption the author did not declare would make true.

Textbooks state gradients under assumptions a spec may leave out: ``δ = p − y`` for softmax
cross-entropy needs ``sum(y) = 1`` (y one-hot or a probability vector), the masked factorisation's
gradient needs ``M ∘ M = M`` (M binary). A claim that fails is checked again with one symbol at a
time drawn under each candidate assumption its shape admits, the weakest first; the first under
which it holds is named.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

from ..engine.derive import Derivation
from ..errors import Unsupported
from ..spec.keys import refused_assumptions
from ..spec.model import SymbolSpec

CANDIDATES = ("probability", "binary", "onehot")  # the weakest first


def condition(assumption: str, symbol: SymbolSpec) -> str:
    """What ``assumption`` gives a claim, in the grammar's words: ``sum(y) = 1``."""
    name, vector = symbol.name, len(symbol.shape) == 1 or symbol.shape[1] == 1
    return {
        "probability": f"sum({name}) = 1" if vector else f"each row of {name} sums to 1",
        "binary": f"hadamard({name}, {name}) = {name}",
        "onehot": f"{name} is one-hot" if vector else f"each row of {name} is one-hot",
    }[assumption]


def candidates(derivation: Derivation) -> Iterator[tuple[SymbolSpec, str]]:
    """(symbol, assumption) pairs to try: each vector or matrix, each assumption it lacks and admits."""
    for assumption in CANDIDATES:
        for s in derivation.spec.symbols:
            extended = (*s.assume, assumption)
            if assumption not in s.assume and not refused_assumptions(s.name, s.shape, extended):
                yield s, assumption


def assuming(derivation: Derivation, symbol: SymbolSpec, assumption: str) -> Derivation:
    """``derivation`` with ``symbol`` declared ``assumption`` as well (its drawn values change)."""
    symbols = tuple(
        replace(s, assume=(*s.assume, assumption)) if s is symbol else s for s in derivation.spec.symbols
    )
    return replace(derivation, spec=replace(derivation.spec, symbols=symbols))


def undeclared(derivation: Derivation, holds: Callable[[Derivation], bool]) -> tuple[str, str, str] | None:
    """(symbol name, assumption, condition) under which the claims ``holds``, or None."""
    for symbol, assumption in candidates(derivation):
        try:
            if holds(assuming(derivation, symbol, assumption)):
                return symbol.name, assumption, condition(assumption, symbol)
        except Unsupported:  # undefined under this assumption (a log of a binary entry): not it
            continue
    return None
