"""The rule registry: every rule and fact by name, with the identity it applies (LaTeX) and a
reference, so that ``derivtex rules`` lists them all and a proof cites each line's.

A rule is a small registered function; its docstring is its identity in words. The differential
rules (``rules``), rearrangements (``rearrange``) and simplifications (``simplify`` and the modules
of its table) register here, each into its own table too, whose order is priority.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

MAGNUS = "Magnus & Neudecker, Matrix Differential Calculus, ch. 8"
COOKBOOK = "Petersen & Pedersen, The Matrix Cookbook, §2"
MAGNUS_CH5 = "Magnus & Neudecker, Matrix Differential Calculus, ch. 5"  # derivatives, limits, chain rule
HIGHAM = "Higham, Functions of Matrices, ch. 3"  # the Fréchet derivative of a matrix function


@dataclass(frozen=True)
class Rule:
    name: str
    identity: str  # LaTeX, math mode
    reference: str
    apply: Callable | None  # None: a fact that only justifies a line, nothing to apply
    description: str  # the identity in words (the function's docstring), first line a summary

    @property
    def summary(self) -> str:
        """The description's first line as plain text (without reST literal markers)."""
        return self.description.splitlines()[0].replace("``", "")


REGISTRY: dict[str, Rule] = {}


def register(entry: Rule, table: list | None = None) -> Rule:
    """Add ``entry`` to the registry (and to ``table``, whose order is priority)."""
    if entry.name in REGISTRY:
        raise ValueError(f"two rules are named {entry.name!r}")
    REGISTRY[entry.name] = entry
    if table is not None:
        table.append(entry)
    return entry


def rule(name: str, identity: str, reference: str = MAGNUS, table: list | None = None):
    """Register ``fn`` as the rule ``name``; its docstring is the rule's description."""

    def decorate(fn: Callable) -> Callable:
        fn.rule = register(Rule(name, identity, reference, fn, inspect.getdoc(fn) or ""), table)
        return fn

    return decorate


def fact(name: str, identity: str, reference: str, description: str) -> Rule:
    """Register a rule that only justifies a line: a name, its identity, a reference and what it says.

    Definitions, identification theorems and the steps of a limit lemma are such facts:
    a proof cites them, and nothing rewrites by them.
    """
    return register(Rule(name, identity, reference, None, description))
