"""The checks of a proof by backpropagation: each δ, and each gradient read off, against the gradient
of ``f`` as a function of that quantity (the names after it recomputed), by the complex step."""

from __future__ import annotations

import numpy as np

from ..engine.proof import Proof
from .evaluate import Evaluator, complex_step


def named_values(proof: Proof | None, values: dict) -> dict:
    """The point's values with every name and δ of the proof defined (evaluated when used)."""
    return {**values, **dict(proof.backprop.definitions)} if proof and proof.backprop else values


def stated_values(derivation, values: dict) -> dict:
    """The values a result is evaluated with: stated by backpropagation, it is in its names and δs."""
    return named_values(derivation.proofs[0] if derivation.proofs else None, values)


def adjoint_errors(ev: Evaluator, proof: Proof, values: dict, rel_error) -> list[float]:
    """Each ``δ_v`` (its value, names and later δs evaluated) against the gradient of ``f_v``."""
    backprop, errors = proof.backprop, []
    for adjoint in backprop.adjoints:
        v = adjoint.name
        exact = gradient(backprop.downstream(v), v, {**values, v: ev(v)}, ev.dims)
        errors.append(rel_error(ev(adjoint.delta), exact))
    return errors


def read_off_errors(ev: Evaluator, proof: Proof, function, values: dict, rel_error) -> list[float]:
    """Each variable's gradient as first read off, against the gradient of ``f``."""
    chains = ((proof.variable, proof.gradient), *proof.partials)
    return [rel_error(ev(chain.steps[0].expr), gradient(function, W, values, ev.dims)) for W, chain in chains]


def gradient(F, v, values: dict, dims: dict) -> np.ndarray:
    """``∇_v F`` entry by entry by the complex step: exact to rounding where F is analytic (a
    6-point central difference where it is not), so that a δ near a small probability, where
    ``log`` bends sharply, is not judged by a difference quotient's error."""
    V = np.asarray(values[v], dtype=float)
    out = np.zeros_like(V)
    for index in np.ndindex(V.shape):
        unit = np.zeros_like(V)
        unit[index] = 1.0
        out[index] = np.real(np.squeeze(complex_step(F, values, dims, {v: unit})))
    return out
