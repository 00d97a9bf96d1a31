"""A differential brought into a linear form in the differentials it holds.

``df`` after the differential rules is a sum of terms, each linear in one
differential (a variable's ``dX`` or a name's ``dh``). Its terms are sorted by
the differential they hold, each group rearranged into ``tr(Mᵀ dX)`` by the
rules of ``rearrange`` (one line per rule over all groups), collected, and,
between the steps of the chain rule, each coefficient simplified as a
gradient is.
"""

from __future__ import annotations

import sympy as sp

from ..errors import Unsupported
from ..expr import ir
from .linear_forms import Term, linear_form, to_expr
from .proof import Step
from .rearrange import REARRANGEMENTS, collect, identify
from .simplify import SIMPLIFICATIONS


def differentials(expr) -> list:
    """Every ``dF`` in ``expr``, in reading order."""
    return [n for n in sp.preorder_traversal(expr) if isinstance(n, (ir.MatDiff, ir.Diff))]


def linear_steps(current, held: tuple) -> tuple[list[Step], tuple]:
    """``current`` split by the differentials it holds, each part rearranged by the same rules
    (one line per rule over all of them) and collected into one term where it can be."""
    forms = tuple((dX, linear_form(only(current, dX, held), dX)) for dX in held)
    steps, forms = rearrangement_steps(forms, current)
    collected = tuple((dX, collect(terms, dX) or terms) for dX, terms in forms)
    if collected != forms:
        forms = collected
        steps.append(Step(total(forms), "collect"))
    return steps, forms


def simplified_steps(forms: tuple, facts=frozenset()) -> tuple[list[Step], tuple]:
    """Each collected coefficient simplified as a gradient is, read off and written back
    (``tr(Gᵀ dX)``, ``gᵀ dx``): one line per simplification over all of them, in passes until
    none changes one (a form already written is not written again)."""
    steps, seen = [], {forms}
    while True:
        before = forms
        for simplification in SIMPLIFICATIONS:
            changed = tuple((dX, simplified_form(simplification, terms, dX, facts)) for dX, terms in forms)
            if changed not in seen:
                forms = changed
                seen.add(forms)
                written(steps, Step(total(forms), simplification.rule.name))
        if forms == before:
            return steps, forms


def simplified_form(simplification, terms: tuple, dX, facts) -> tuple:
    """``tr(Gᵀ dX)`` with ``G`` simplified (the terms as they are when not one such term)."""
    if len(terms) != 1 or not terms[0].plain:
        return terms
    gradient = identify(terms, dX)
    if (value := simplification(gradient, facts)) == gradient:
        return terms
    return (Term(sp.Integer(1), (ir.transpose_of(value),), False, (), terms[0].traced),)


def only(expr, differential, held):
    """The terms of ``expr`` in ``differential``: every other one of ``held`` set to zero."""
    for other in held:
        if other != differential:
            expr = substitute(expr, other, ir.zero_like(other))
    return expr


LINEAR_MAPS = (sp.Trace, sp.Transpose, sp.HadamardProduct, sp.KroneckerProduct, ir.Vec, ir.Diag)


def substitute(expr, old, new):
    """Replace ``old`` by ``new``, re-normalising products and sums around it (a linear map of
    zero is zero)."""
    if expr == old:
        return new
    if not expr.has(old):
        return expr
    args = [substitute(a, old, new) for a in expr.args]
    if isinstance(expr, (sp.MatMul, sp.Mul)):
        return ir.mul(*args)
    if isinstance(expr, (sp.MatAdd, sp.Add)):
        return ir.add(*args)
    if isinstance(expr, LINEAR_MAPS) and any(ir.is_zero(a) for a in args):
        return ir.zero_like(expr)
    return expr.func(*args)


def rearrangement_steps(forms: tuple, current) -> tuple[list[Step], tuple]:
    """Expand, then apply each rearrangement rule to every term it fits, in passes until none
    applies (a moved entrywise product may need the rules again, once per layer of a network).

    ``forms`` pairs each variable's differential with its terms, ``((dX, terms), …)``: with
    several variables every rule runs over all of them, one line per rule. Rules that bring back
    terms already seen go round in a cycle and would never stop: that is refused, naming them.
    """
    steps = []
    if (expanded := total(forms)) != current:
        steps.append(Step(expanded, "expand"))
    seen = {forms: len(steps)}
    while True:
        before = forms
        for rearrangement in REARRANGEMENTS:
            changed = tuple((dX, rearranged(rearrangement, terms, dX.shape[1] == 1)) for dX, terms in forms)
            if changed != forms:
                forms = changed
                written(steps, Step(total(forms), rearrangement.rule.name), current)
                if forms in seen:
                    raise Unsupported(cycle_message(steps[seen[forms] :]))
                seen[forms] = len(steps)
        if forms == before:
            return steps, forms


def written(steps: list[Step], step: Step, current=None) -> None:
    """``step`` appended unless it reads as the line before it (a trace of a scalar among traces
    is printed as a trace: the rule changed nothing one could see)."""
    if step.expr != (steps[-1].expr if steps else current):
        steps.append(step)


def cycle_message(steps) -> str:
    """Why rearranging stopped: the rules of ``steps`` undo each other."""
    names = ", ".join(dict.fromkeys(repr(s.rule) for s in steps))
    return f"the rules {names} undo one another, so the differential cannot be brought into the form tr(M dX)"


def rearranged(rearrangement, form: tuple, vector: bool) -> tuple:
    """The terms with the rule applied to each it fits (a term may become several)."""
    changed = [rearrangement(t, vector) for t in form]
    return tuple(n for c, t in zip(changed, form) for n in (c if isinstance(c, tuple) else (c or t,)))


def total(forms: tuple):
    """The sum of every variable's terms."""
    return ir.add(*(to_expr(terms, dX) for dX, terms in forms))
