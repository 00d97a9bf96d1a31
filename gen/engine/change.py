"""A change of variable: ``wrt: Sigma^-1`` differentiates with respect to Λ = Σ⁻¹.

The function is rewritten with Σ = Λ⁻¹ (Λ a new symbol with Σ's shape and assumptions: the
inverse of an spd matrix is spd, of an invertible one invertible), derived with respect to
Λ, and the result is written back in the spec's own terms (Λ⁻¹ as Σ, Λ as Σ⁻¹), as in
Bishop, PRML §2.3.4 (the precision matrix) and the Matrix Cookbook.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..spec.keys import inverted
from ..spec.model import Spec
from .proof import Chain, Step
from .registry import fact

NAMES = ("Lambda", "Omega", "Theta", "P")  # the precision's usual letters, the first one free

fact(
    "change of variable",
    r"\Lambda = \Sigma^{-1} \iff \Sigma = \Lambda^{-1}",
    "Bishop, Pattern Recognition and Machine Learning, §2.3.4 (the precision matrix)",
    "The result, derived with respect to the inverse, written back in the spec's own symbol.",
)


@dataclass(frozen=True)
class Change:
    """Λ = Σ⁻¹: ``old`` is Σ, ``new`` Λ; ``written`` the function as the spec writes it (in Σ)."""

    old: sp.MatrixSymbol
    new: sp.MatrixSymbol
    written: object = None

    def into(self, e):
        """``e`` in terms of Λ: Σ⁻¹ is Λ, Σ is Λ⁻¹, and log det Σ is −log det Λ (Bishop's form)."""
        det = sp.Determinant(self.new)
        return e.xreplace(
            {
                sp.log(sp.Determinant(self.old)): -sp.log(det),
                sp.Determinant(self.old): sp.Pow(det, -1),
                sp.Inverse(self.old): self.new,
                self.old: sp.Inverse(self.new),
            }
        )

    def back(self, e):
        """``e`` in the spec's terms: Λ⁻¹ is Σ and Λ is Σ⁻¹."""
        return e.xreplace({sp.Inverse(self.new): self.old, self.new: sp.Inverse(self.old)})

    def written_back(self, chain: Chain) -> Chain:
        """The gradient's chain, ending in the spec's terms when they differ."""
        last = self.back(chain.last)
        if last == chain.last:
            return chain
        return Chain(chain.lhs, (*chain.steps, Step(last, "change of variable")))


def change_of_variable(spec: Spec, symbols: dict, function) -> Change | None:
    """The change of variable ``wrt: Sigma^-1`` asks for (None for a plain variable)."""
    name = inverted(spec.wrt[0])
    if name is None:
        return None
    taken = {s.name for s in spec.symbols} | {str(d) for s in spec.symbols for d in s.shape}
    fresh = next(n for n in (*NAMES, *(f"Lambda{k}" for k in range(1, 100))) if n not in taken)
    old = symbols[name]
    return Change(old, sp.MatrixSymbol(fresh, *old.shape), function)
