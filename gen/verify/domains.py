"""Random values over the whole domain that a symbol's assumptions declare.

A square matrix is drawn as ``L diag(s) R``. Each assumption is a row of ``CONSTRAINTS``
that narrows one aspect of that form, so that any consistent set composes:

- the basis: ``diagonal`` (``L = R = I``), ``symmetric`` (``R = Lᵀ``), ``similar`` (``R = L⁻¹``
  with ``L`` well conditioned: ``s`` are the eigenvalues), else two random orthogonal matrices
  (most specific wins: a diagonal matrix is symmetric);
- the magnitudes of ``s``: 1 for ``orthogonal``, else in [0.5, 2] (well conditioned);
- the signs of ``s``: all positive for ``spd`` and ``positive_eigenvalues`` (and for a
  ``positive`` diagonal), else
  random, with the sign of the determinant the one the sample asks for (``positive_det``:
  always positive), so that over the samples determinants and eigenvalues of both signs occur;
- ``positive`` entries: ``c 11ᵀ`` added, with ``c`` above the largest entry (a row swap
  restores the determinant's sign when no symmetry forbids it).

A vector or matrix with an assumption on its entries is drawn by its row of ``ENTRIES`` (these
combine with ``positive`` only, and with each other: the most specific wins). A vector is one
column: a ``probability`` vector's entries sum to 1, and each row of a ``probability`` matrix does
(one sample per row, as in a batch), likewise for ``onehot``:

- ``nonnegative``: about a third of the entries exactly 0 (at least one, and one positive), the rest
  in [0.1, 1], so that a claim which needs them positive fails; a number: 0 at the samples that ask
  for a negative sign;
- ``probability``: each row uniform on the simplex (Dirichlet(1, …, 1)), entries positive;
- ``binary``: 0 or 1 at random, both present; ``onehot`` (or ``probability`` and ``binary``): a 1
  at a random position of each row, 0 elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

BASES = ("general", "similar", "symmetric", "diagonal")  # from the least to the most specific
MAGNITUDES = (0.5, 2.0)


@dataclass(frozen=True)
class Form:
    """What the assumptions fix of ``L diag(s) R``."""

    basis: str = "general"
    unit: bool = False  # |s| = 1: orthogonal
    definite: bool = False  # s > 0
    det_positive: bool = False
    positive: bool = False  # every entry > 0

    def narrowed(self, **changes) -> Form:
        basis = changes.pop("basis", self.basis)
        return replace(self, basis=max(self.basis, basis, key=BASES.index), **changes)


CONSTRAINTS = {
    "invertible": {},  # every form below is invertible
    "symmetric": {"basis": "symmetric"},
    "spd": {"basis": "symmetric", "definite": True},
    "diagonal": {"basis": "diagonal"},
    "orthogonal": {"unit": True},
    "positive": {"positive": True},
    "positive_det": {"det_positive": True},
    "positive_eigenvalues": {"basis": "similar", "definite": True},  # logm, sqrtm: the principal branch
    # of the entries of a vector or a matrix, not of L diag(s) R: drawn by their row of ENTRIES
    "nonnegative": {},
    "probability": {},
    "onehot": {},
    "binary": {},
}


def form_of(assume) -> Form:
    form = Form()
    for assumption in assume:
        form = form.narrowed(**CONSTRAINTS[assumption])
    if form.positive and form.basis == "diagonal":  # the entries are the spectrum
        form = replace(form, definite=True)
    return form


def orthogonal(rng, n):
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return q


def draw_value(rng, shape, assume, sign: int = 1) -> np.ndarray | float:
    """A random value inside the domain the assumptions describe; ``sign`` is the sign this
    sample gives a number, or the determinant of a square matrix, where the assumptions allow both."""
    form, entries = form_of(assume), entries_of(assume)
    if not shape:
        if entries == "nonnegative":  # the boundary, and a point inside
            return 0.0 if sign < 0 else rng.uniform(0.5, 2.0)
        if entries == "probability":  # a number that is a probability: inside (0, 1)
            return rng.uniform(0.05, 0.95)
        return rng.uniform(0.5, 2.0) if form.positive else sign * abs(float(rng.standard_normal()))
    if entries:
        return ENTRIES[entries](rng, *shape)
    rows, cols = shape
    if rows != cols and form.unit:  # orthonormal columns (a tall matrix, a unit vector) or rows (a wide one)
        q = orthogonal(rng, max(rows, cols))[:, : min(rows, cols)]
        return q if rows > cols else q.T
    if rows != cols:
        return rng.uniform(0.1, 1.0, shape) if form.positive else rng.standard_normal(shape)
    return square(rng, rows, form, sign)


def square(rng, n: int, form: Form, sign: int) -> np.ndarray:
    left, right = basis(rng, n, form.basis)
    values = np.ones(n) if form.unit else rng.uniform(*MAGNITUDES, n)
    target = 1 if form.det_positive else sign
    if not form.definite:
        values = values * rng.choice((-1.0, 1.0), n)
        if np.sign(np.prod(values) * np.linalg.det(left) * np.linalg.det(right)) != target:
            values[0] = -values[0]
    M = left @ np.diag(values) @ right
    if form.positive and form.basis != "diagonal":
        M = M + (np.max(np.abs(values)) + 0.5) * np.ones((n, n))
        if form.basis == "general" and n > 1 and np.sign(np.linalg.det(M)) != target:
            M = M[[1, 0, *range(2, n)]]
    return M


def basis(rng, n: int, kind: str):
    """``(L, R)``: the identity, ``(Q, Qᵀ)``, or two random orthogonal matrices."""
    if kind == "diagonal":
        return np.eye(n), np.eye(n)
    if kind == "similar":
        left = well_conditioned(rng, n, (0.8, 1.25))
        return left, np.linalg.inv(left)
    q = orthogonal(rng, n)
    return (q, q.T) if kind == "symmetric" else (q, orthogonal(rng, n))


def well_conditioned(rng, n, spectrum=MAGNITUDES):
    """``Q₁ diag(s) Q₂`` with singular values in ``spectrum`` and a positive determinant."""
    left, right = basis(rng, n, "general")
    left[:, 0] *= np.sign(np.linalg.det(left) * np.linalg.det(right))
    return left @ np.diag(rng.uniform(*spectrum, n)) @ right


def nonnegative(rng, rows: int, cols: int) -> np.ndarray:
    """Entries ≥ 0, about a third of them 0 (at least one, and at least one positive)."""
    M = rng.uniform(0.1, 1.0, (rows, cols)) * (rng.random((rows, cols)) >= 1 / 3)
    if M.size > 1:
        zero, positive = rng.choice(M.size, 2, replace=False)
        M.flat[zero], M.flat[positive] = 0.0, rng.uniform(0.1, 1.0)
    return M


def probability(rng, rows: int, cols: int) -> np.ndarray:
    """Each row (a vector: the whole column) uniform on the probability simplex."""
    if cols == 1:
        return rng.dirichlet(np.ones(rows))[:, None]
    return rng.dirichlet(np.ones(cols), size=rows)


def onehot(rng, rows: int, cols: int) -> np.ndarray:
    """A 1 at a random position of each row (a vector: of the column), 0 elsewhere."""
    if cols == 1:
        return np.eye(rows)[:, [rng.integers(rows)]]
    return np.eye(cols)[rng.integers(cols, size=rows)]


def binary(rng, rows: int, cols: int) -> np.ndarray:
    """Entries 0 or 1 at random, both present (a mask)."""
    M = rng.integers(0, 2, (rows, cols)).astype(float)
    if M.size > 1:
        zero, one = rng.choice(M.size, 2, replace=False)
        M.flat[zero], M.flat[one] = 0.0, 1.0
    return M


ENTRIES = {  # from the least to the most specific
    "nonnegative": nonnegative,
    "probability": probability,
    "binary": binary,
    "onehot": onehot,
}


def entries_of(assume) -> str | None:
    """The most specific assumption on the entries (probability and binary: onehot); ``positive``
    is more specific than ``nonnegative``."""
    declared = set(assume) & set(ENTRIES)
    if {"probability", "binary"} <= declared:
        return "onehot"
    if declared == {"nonnegative"} and "positive" in assume:
        return None
    return max(declared, key=list(ENTRIES).index, default=None)
