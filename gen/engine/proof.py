"""The shape of a proof: chains of equalities, each line a named rule, and lemmas."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """One line of a chain: the new right-hand side and the rule that gave it.

    ``subject`` is the ``F`` whose differential a differential rule rewrote;
    ``relation`` is ``"="``, or ``"->"`` for a limit as ``t → 0``.
    """

    expr: object
    rule: str = ""
    subject: object = None
    relation: str = "="


@dataclass(frozen=True)
class Chain:
    """``lhs = steps[0].expr = steps[1].expr = …``."""

    lhs: object
    steps: tuple[Step, ...]

    @property
    def last(self):
        return self.steps[-1].expr if self.steps else self.lhs


@dataclass(frozen=True)
class Lemma:
    """The limit a nonlinear rule rests on, proved at finite ``t`` and then as ``t → 0``."""

    rule: str
    subject: object
    chain: Chain
    names: tuple[tuple[object, object], ...] = ()  # the compound pieces named for brevity: F ↦ its expression
    definitions: tuple[tuple[object, object], ...] = ()  # for evaluation: F ↦ its expression, F_t ↦ at X + tU


@dataclass(frozen=True)
class Proof:
    """A proof by one method: the derivative in the method's notation, then the gradient."""

    method: str
    variable: object
    chain: Chain
    gradient: Chain  # lhs is None: ∇_X f; the first step is the identification
    lemmas: tuple[Lemma, ...] = ()
    symbols: tuple[tuple[str, object], ...] = ()  # the method's own symbols: direction, t, indices
    second: tuple = ()  # order 2: the chain of d(∇f), the Hessian read off, d²f[U, V] (a Chain or None)
    partials: tuple = ()  # several variables: (variable, its gradient chain) for each after the first
    backprop: object = None  # the backprop method: its forward pass and adjoints (engine.backprop.Backprop)

    @property
    def symbol(self) -> dict:
        return dict(self.symbols)
