"""How a rational number is written: as a fraction, or as the decimal an author would write.

The engine keeps numbers exact (SymPy ``Rational``: ``0.5`` is 1/2, so cancellations are
exact), and a decimal the author wrote is printed back as a decimal: a rational whose
denominator divides a power of ten is written as a decimal when that is shorter than the
fraction (``0.7978845608028654``, ``0.044715``, ``0.1``), as a fraction otherwise or on a tie
(``1/2``, ``3/4``, ``5/2``). The decimal is exact, so it parses back to the same rational.
"""

from __future__ import annotations

import sympy as sp


def decimal(r: sp.Rational) -> str | None:
    """``r`` as an exact decimal (``-0.044715``) when that is shorter than ``p/q``; else None."""
    if r.q == 1:
        return None
    twos, fives = multiplicity(r.q, 2), multiplicity(r.q, 5)
    if 2**twos * 5**fives != r.q:  # 1/3: no finite decimal
        return None
    places = max(twos, fives)
    digits = str(abs(r.p) * 10**places // r.q).rjust(places + 1, "0")
    text = f"{'-' * (r.p < 0)}{digits[:-places]}.{digits[-places:]}"
    return text if len(text) < len(f"{r.p}/{r.q}") else None


def multiplicity(n: int, p: int) -> int:
    """How many times the prime ``p`` divides ``n``."""
    count = 0
    while n % p == 0:
        n, count = n // p, count + 1
    return count
