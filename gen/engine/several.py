"""Several variables (``wrt: [W, b]``): one differential, one partial gradient per variable.

``df`` is derived once with every variable's differential kept; its terms are
then sorted by the differential they hold, each group rearranged into
``tr(Gᵀ dX)`` by the same rules (one line per rule over all groups), and each
gradient read off: ``df = tr(G_Wᵀ dW) + g_bᵀ db ⇒ ∇_W f = G_W, ∇_b f = g_b``.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..expr import ir
from .linear import linear_steps
from .methods import expand_differentials, linear_in_names, simplify_gradient
from .named import NO_NAMES, Named
from .proof import Chain, Proof, Step
from .rearrange import identify


@dataclass(frozen=True)
class Several:
    """The shared chain of ``df``, and each variable's gradient chain (in ``wrt`` order)."""

    function: object
    variables: tuple
    steps: tuple[Step, ...]
    gradients: tuple[Chain, ...]

    def proof(self) -> Proof:
        chain = Chain(ir.d(self.function), self.steps)
        partials = tuple(zip(self.variables[1:], self.gradients[1:]))
        return Proof("differential", self.variables[0], chain, self.gradients[0], partials=partials)


def several_core(function, variables: tuple, symmetric, named: Named = NO_NAMES) -> Several:
    steps = expand_differentials(ir.d(function), *variables, named=named, facts=symmetric)
    current = steps[-1].expr if steps else ir.d(function)
    held = tuple(ir.d(v) for v in variables)
    more, forms = linear_in_names(current, held, named, symmetric) if named else linear_steps(current, held)
    steps += more
    gradients = tuple(
        simplify_gradient(identify(terms, dX) if terms else sp.ZeroMatrix(*dX.shape), symmetric, named=named)
        for dX, terms in forms
    )
    return Several(function, variables, tuple(steps), gradients)
