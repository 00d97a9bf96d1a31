"""A symbol written as the argument of a function with a domain (``\\log x``, ``\\sqrt{x}``,
``x^{1/2}``) is checked where the text uses it: inside that domain, drawn positive (as a spec
declares ``x: positive``). An argument built of other things keeps the engine's own rule
(`gen.verify.sample.restricted`: ``\\log(\\operatorname{softmax}(v))`` needs nothing)."""

from __future__ import annotations

import sympy as sp

from ..verify.sample import positive_part, restricted


def in_domain(table: dict, assume: dict, *exprs) -> dict:
    """Name → ("positive",) for each symbol of ``table`` that is itself the argument of a log or a
    fractional power in ``exprs`` and whose assumptions the text does not declare (``assume``)."""
    names = {symbol: name for name, symbol in table.items()}
    found = {}
    for e in exprs:
        for node in sp.postorder_traversal(e):
            name = names.get(positive_part(node)) if restricted(node) else None
            if name is not None and not assume.get(name):
                found[name] = ("positive",)
    return found
