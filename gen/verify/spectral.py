"""The numbers of the spectral nodes (gen/expr/spectral.py), and the points where they are smooth.

An eigenvalue or a singular value is differentiable where it is simple; the nuclear norm and
the polar factor where the matrix has full rank; the Cholesky factor where the matrix is
positive definite. ``WELL_POSED`` says so for the sampler, which draws again elsewhere, with
a gap large enough for finite differences (their step is 10⁻³).

Eigen- and singular vectors get a sign of their own (the entry of largest magnitude is
positive, and ``v₁ = Xᵀu₁/σ``), so that a value never depends on the LAPACK build.
"""

from __future__ import annotations

import numpy as np

from ..expr.spectral import (
    MAX,
    Cholesky,
    Eigenvalue,
    Eigenvector,
    LeftSingular,
    Nuclear,
    Polar,
    RightSingular,
    SingularValue,
    TrilHalf,
    grammar_name,
)

GAP = 0.1  # relative to the largest magnitude: an eigenvalue or singular value kept simple
MIN_VALUE = 0.1  # the smallest singular value (full rank), the smallest eigenvalue (spd)


def signed(v):
    """``v`` with its entry of largest magnitude positive."""
    return v * np.sign(v[np.argmax(np.abs(v))])


def eigen(X, k: int):
    values, vectors = np.linalg.eigh((X + np.transpose(X)) / 2)
    index = -1 if k == MAX else k - 1
    return values[index], signed(vectors[:, [index]])


def top_singular(X):
    U, s, _ = np.linalg.svd(X)
    u = signed(U[:, [0]])
    return s[0], u, np.transpose(X) @ u / s[0]


def polar(X):
    U, _, Vt = np.linalg.svd(X, full_matrices=False)
    return U @ Vt


def tril_half(F):
    return np.tril(F) - np.diag(np.diag(F)) / 2


EVALUATORS = {
    Eigenvalue: lambda ev, e: eigen(ev(e.arg), e.k)[0],
    Eigenvector: lambda ev, e: eigen(ev(e.arg), e.k)[1],
    SingularValue: lambda ev, e: top_singular(ev(e.arg))[0],
    LeftSingular: lambda ev, e: top_singular(ev(e.arg))[1],
    RightSingular: lambda ev, e: top_singular(ev(e.arg))[2],
    Nuclear: lambda ev, e: np.sum(np.linalg.svd(ev(e.arg), compute_uv=False)),
    Polar: lambda ev, e: polar(ev(e.arg)),
    Cholesky: lambda ev, e: np.linalg.cholesky(ev(e.arg)),
    TrilHalf: lambda ev, e: tril_half(ev(e.arg)),
}


def simple_eigenvalue(node, X) -> bool:
    """Symmetric, with at least k eigenvalues, the k-th apart from its neighbours."""
    if not np.allclose(X, np.transpose(X), atol=1e-12) or node.k > len(X):
        return False
    values = np.linalg.eigvalsh(X)
    index = len(values) - 1 if node.k == MAX else node.k - 1
    neighbours = values[max(index - 1, 0) : index + 2]
    return len(values) == 1 or np.min(np.diff(neighbours)) >= GAP * np.max(np.abs(values))


def simple_singular_value(node, X) -> bool:
    s = np.linalg.svd(X, compute_uv=False)
    return len(s) == 1 or s[0] - s[1] >= GAP * s[0]


def full_rank(node, X) -> bool:
    return np.linalg.svd(X, compute_uv=False)[-1] >= MIN_VALUE


def positive_definite(node, X) -> bool:
    return np.allclose(X, np.transpose(X), atol=1e-12) and np.linalg.eigvalsh(X)[0] >= MIN_VALUE


SIMPLE = ("the eigenvalue in {name} exists and is simple (with a gap)", simple_eigenvalue)
SINGULAR = ("the largest singular value in {name} is simple (with a gap)", simple_singular_value)
RANK = ("the argument of {name} has full rank", full_rank)
WELL_POSED = {
    Eigenvalue: SIMPLE,
    Eigenvector: SIMPLE,
    SingularValue: SINGULAR,
    LeftSingular: SINGULAR,
    RightSingular: SINGULAR,
    Nuclear: RANK,
    Polar: RANK,
    Cholesky: ("the argument of {name} is positive definite", positive_definite),
}


def ill_posed(node, value) -> bool:
    """Whether ``node`` is not smooth at its argument's ``value`` (its condition fails)."""
    return not WELL_POSED[type(node)][1](node, value)


def condition(node) -> str:
    """What ``node`` needs of its argument, in words: ``the argument of nuclear has full rank``."""
    return WELL_POSED[type(node)][0].format(name=grammar_name(node)[0])
