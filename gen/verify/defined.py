"""The function's declared domain, checked before the function is derived.

A function undefined somewhere in its declared domain (``logdet(X)`` of an invertible X) is bad
input, found by drawing points (``sample.draw``). The checks draw them only after the derivation
and the checks of the first samples, and a time budget may ring before that: the verdict (the
domain's error or the budget's) would then depend on how fast the machine is. Drawn first, from
the spec alone, the domain's verdict comes in milliseconds, the same on every machine and under
any budget.
"""

from __future__ import annotations

import numpy as np

from ..engine.derive import Derivation
from .sample import draw, size_assignments
from .sizes import TooLarge, require_bounded


def require_defined(derivation: Derivation) -> None:
    """Draw the points of every sample as the checks will, at ``derivation``'s function (lowered,
    nothing derived: ``engine.lowered``); raises the sampler's error where it is undefined."""
    settings, assignments = derivation.spec.check, size_assignments(derivation)
    require_bounded(derivation, assignments)
    rng = np.random.default_rng(settings.seed)
    try:
        with np.errstate(all="ignore"):
            for sample in range(max(settings.samples, len(assignments))):
                draw(derivation, assignments[sample % len(assignments)], rng, sample)
    except TooLarge as error:
        raise error.at(derivation.spec.function.span) from None
