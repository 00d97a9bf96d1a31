"""The checks of a proof by backpropagation: each δ, and each gradient read off, against central
finite differences of ``f`` as a function of that quantity (the names after it recomputed)."""

from __future__ import annotations

from ..engine.proof import Proof
from .evaluate import Evaluator, finite_difference_gradient


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
        fd = finite_difference_gradient(backprop.downstream(v), v, {**values, v: ev(v)}, ev.dims)
        errors.append(rel_error(ev(adjoint.delta), fd))
    return errors


def read_off_errors(ev: Evaluator, proof: Proof, function, values: dict, rel_error) -> list[float]:
    """Each variable's gradient as first read off, against finite differences of ``f``."""
    chains = ((proof.variable, proof.gradient), *proof.partials)
    return [
        rel_error(ev(chain.steps[0].expr), finite_difference_gradient(function, W, values, ev.dims))
        for W, chain in chains
    ]
