"""The three methods of proof.

All three compute the same linear map, the derivative of ``f`` at ``X``; they
differ in what stands for the perturbation and in how each rule is justified:

- ``differential``: ``dX``; every rule is an identity of differentials;
- ``directional``: a direction ``U`` and ``Df(X)[U] = lim (f(X+tU) − f(X))/t``;
  linear maps commute with the limit, and each nonlinear rule is proved by its
  own lemma, first at finite ``t`` and then as ``t → 0``;
- ``entrywise``: the single-entry matrix ``J^{ij}``; ``∂/∂X_ij`` obeys the same rules.

So the engine derives once (``derive_core``) and each method rewrites the
chain's differentials into its own notation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import sympy as sp

from ..errors import Unsupported
from ..expr import ir, proof_nodes
from ..expr.printers import brief
from .gradient_conventions import SYMMETRIC_GRADIENTS, numerator_layout
from .lemmas import LEMMAS, Directional, lemma
from .linear import (
    differentials,
    linear_steps,
    only,
    rearrangement_steps,
    simplified_steps,
    substitute,
    total,
)
from .linear_forms import linear_form, to_expr
from .named import NO_NAMES, Named
from .proof import Chain, Proof, Step
from .rearrange import coefficient, collect, identify
from .registry import COOKBOOK, MAGNUS_CH5, fact
from .rules import DIFFERENTIAL
from .simplify import SIMPLIFICATIONS, softmaxes


@dataclass(frozen=True)
class Core:
    """``df`` brought into the form ``tr(M dX)``, and the gradient read off and simplified."""

    function: object
    variable: object
    steps: tuple[Step, ...]
    form: tuple  # the terms of the last line (empty when df = 0)
    gradient: Chain
    lhs: object = None  # the chain's left side when it is not ``d f`` (``d vec F`` for a Jacobian)

    @property
    def differential(self):
        return ir.d(self.function) if self.lhs is None else self.lhs

    @property
    def coefficient(self):
        """``M`` in ``df = tr(M dX)``."""
        return coefficient(self.form, ir.d(self.variable))


def derive_core(
    function, variable, symmetric, convention: str | None = None, named: Named = NO_NAMES
) -> Core:
    if not ir.is_matrix(variable):
        return scalar_core(function, variable, symmetric, named)
    dX = ir.d(variable)
    steps = expand_differentials(ir.d(function), variable, named=named, facts=symmetric)
    current = steps[-1].expr if steps else ir.d(function)
    if named:  # the last step of the chain rule in one line too, as the ones between names
        more, ((_, form),) = linear_in_names(current, (dX,), named, symmetric)
        steps += more
    else:
        more, ((_, form),) = rearrangement_steps(((dX, linear_form(current, dX)),), current)
        steps += more
        if collected := collect(form, dX):
            form = collected
            steps.append(Step(to_expr(form, dX), "collect"))
    gradient = sp.ZeroMatrix(*dX.shape) if not form else identify(form, dX)
    gradient = simplify_gradient(gradient, symmetric, convention=convention, named=named)
    return Core(function, variable, tuple(steps), form, gradient)


fact(
    "derivative",
    r"\mathrm{d}f = g\,\mathrm{d}t \iff \frac{\mathrm{d}f}{\mathrm{d}t} = g",
    MAGNUS_CH5,
    "The derivative is the coefficient of dt.",
)


def scalar_core(function, variable, symmetric, named: Named = NO_NAMES) -> Core:
    """With a scalar variable, ``df = g dt`` after the rules, and ``g`` is the derivative."""
    dt = ir.d(variable)
    steps = expand_differentials(ir.d(function), variable, named=named, facts=symmetric)
    current = steps[-1].expr if steps else ir.d(function)
    if any(isinstance(n, (ir.MatDiff, ir.Diff)) and n != dt for n in sp.preorder_traversal(current)):
        raise Unsupported("could not bring the differential into the form g dt")
    g = substitute(current, dt, sp.Integer(1))
    if ir.mul(g, dt) != current:  # dt out of traces and products, to the end
        steps.append(Step(ir.mul(g, dt), "expand"))
    return Core(
        function, variable, tuple(steps), (), simplify_gradient(g, symmetric, "derivative", named=named)
    )


def expand_differentials(expr, *variables, named: Named = NO_NAMES, facts=frozenset()) -> list[Step]:
    """Apply differential rules until only the variables' differentials remain, one rule per line.

    With named intermediates, a name whose definition depends on the variables varies too: its
    ``dh`` becomes the differential of its definition (the chain rule, rule ``definition``), and
    what the other rules give is written in the names again."""
    steps, varying = [], (*variables, *named.varying(variables))
    while (node := pending(expr, variables, named.symbols)) is not None:
        linear = in_linear_form(expr, variables, named, facts) if node.arg in named.symbols else None
        if linear is not None:
            more, expr, node = linear
            steps += more
        rule, value = apply_first(node.arg, varying, named)
        expr = substitute(expr, node, value if rule is DEFINITION else named.fold(value))
        steps.append(Step(expr, rule.name, node.arg))
    return steps


def pending(expr, variables, names=()):
    """The first ``d(F)`` in reading order that is not a variable's ``dX``, a name's ``dh`` last:
    the rules run first on everything else, so that a name is replaced by its definition only
    when nothing but the differentials of variables and names is left."""
    found = [n for n in differentials(expr) if n.arg not in variables]
    return next((n for n in found if n.arg not in names), found[0] if found else None)


def in_linear_form(expr, variables, named: Named, facts=frozenset()):
    """The chain rule as a textbook writes it: with only differentials of variables and names
    left, ``expr`` brought into a linear form in them, collected (one coefficient per
    differential, as a gradient is read off), and the latest name's ``dh`` to replace next.
    None when it has no such form (a matrix-valued differential, a scalar name): the names are
    then replaced where they stand."""
    held = tuple(dict.fromkeys(differentials(expr)))
    if ir.is_matrix(expr) and not ir.is_one_by_one(expr) or not all(isinstance(d, ir.MatDiff) for d in held):
        return None
    order = {ir.d(name): i for i, name in enumerate(named.symbols)}
    try:
        steps, forms = linear_in_names(expr, held, named, facts)
    except Unsupported:
        return None
    expr = steps[-1].expr if steps else total(forms)
    return steps, expr, max((d for d in held if d in order), key=order.get)


def linear_in_names(expr, held: tuple, named: Named, facts=frozenset()) -> tuple[list[Step], tuple]:
    """``expr`` in a linear form in the differentials ``held``, collected, each coefficient simplified
    and written in the names, in one line (``linear form``), as a textbook goes from one step of the
    chain rule to the next: ``df = δ_zᵀ dz``. The forms are those of the line (a named coefficient
    read off as its name)."""
    steps, forms = linear_steps(expr, held)
    more, forms = simplified_steps(forms, facts)
    folded = named.fold(total(forms))  # a coefficient that is named: an adjoint, δ_z
    if not (steps or more or folded != total(forms)):
        return [], forms
    if folded != total(forms):
        forms = tuple((dX, linear_form(only(folded, dX, held), dX)) for dX in held)
    return [Step(folded, LINEAR_FORM.name)], forms


LINEAR_FORM = fact(
    "linear form",
    r"\mathrm{d}f = \textstyle\sum_h \operatorname{tr}(\delta_h^{\top}\mathrm{d}h),\ \delta_h = \nabla_h f",
    MAGNUS_CH5,
    "Between the steps of the chain rule, the differential is expanded, its traces cycled and "
    "transposed and its terms collected, one coefficient per differential, each simplified (and "
    "written δ_h, the adjoint ∇_h f, where it is named): one line, checked as every line is.",
)


DEFINITION = fact(
    "definition",
    r"h = F \implies \mathrm{d}h = \mathrm{d}F",
    MAGNUS_CH5,
    "A named quantity has the differential of what it names (the chain rule).",
)


def apply_first(F, variables, named: Named = NO_NAMES):
    """The first rule that gives ``d(F)``; a rule may see through the names at ``F``'s top (the
    rule for ``log softmax`` applies to ``log(p)`` with ``p = softmax(z)``)."""
    if (definition := named.definition(F)) is not None:
        return DEFINITION, ir.d(softmaxes(definition))  # as the author wrote it: softmax(z), not e^z/1ᵀe^z
    peeled = named.peel(F)
    for candidate in DIFFERENTIAL:
        value = candidate.apply(F, variables)
        if value is None and peeled != F:
            value = candidate.apply(peeled, variables)
        if value is not None:
            return candidate, value
    raise Unsupported(f"no rule for the differential of {brief(F)} yet")


def simplify_gradient(
    gradient, symmetric, first: str = "identification", convention=None, named: Named = NO_NAMES
) -> Chain:
    """The gradient read off (for a symmetric variable, then taken by its convention), simplified,
    and written in the names."""
    steps = [Step(gradient, first)]
    if convention is not None:
        structured = SYMMETRIC_GRADIENTS[convention]
        steps.append(Step(structured(gradient), structured.rule.name))
    simplify(steps, symmetric)
    if (folded := named.fold(steps[-1].expr)) != steps[-1].expr:
        steps.append(Step(folded, IN_THE_NAMES.name))
        simplify(steps, symmetric)
    return Chain(None, tuple(steps))


IN_THE_NAMES = fact(
    "in the names",
    r"h = F \implies F = h",
    MAGNUS_CH5,
    "What a named quantity stands for is written as its name.",
)


def in_numerator_layout(gradient: Chain, symmetric) -> Chain:
    """The gradient chain continued by its transpose, simplified."""
    steps = [*gradient.steps, Step(numerator_layout(gradient.last), numerator_layout.rule.name)]
    simplify(steps, symmetric)
    return Chain(None, tuple(steps))


def simplify(steps: list[Step], symmetric) -> None:
    """Append a line for each simplification that changes the last one, in passes until none does
    (factoring may leave a number inside a trace, say). Should the rules come back to a line
    already written, they would go round for ever: the lines since are dropped and it stops there."""
    seen = {steps[-1].expr: len(steps) - 1}
    while True:
        before = len(steps)
        for simplification in SIMPLIFICATIONS:
            value = simplification(steps[-1].expr, symmetric)
            if value == steps[-1].expr:
                continue
            if value in seen:
                del steps[seen[value] + 1 :]
                return
            steps.append(Step(value, simplification.rule.name))
            seen[value] = len(steps) - 1
        if len(steps) == before:
            return


def identified(core: Core, rule_name: str) -> Chain:
    """The core's gradient chain, its first line justified by the method's identification."""
    first, *rest = core.gradient.steps
    return Chain(None, (replace(first, rule=rule_name), *rest))


# --- differential --------------------------------------------------------------------


def differential(core: Core, names: dict) -> Proof:
    chain = Chain(core.differential, core.steps)
    return Proof("differential", core.variable, chain, core.gradient)


# --- directional ---------------------------------------------------------------------


fact(
    "directional derivative",
    r"\mathrm{D}f(X)[U] = \lim_{t\to 0} (f(X + tU) - f(X))/t",
    MAGNUS_CH5,
    "The definition of the directional derivative.",
)


fact(
    "inner product",
    r"\operatorname{tr}(A^{\top}B) = \langle A, B\rangle",
    COOKBOOK,
    "A trace of a product is an inner product.",
)


fact(
    "gradient",
    r"\mathrm{D}f(X)[U] = \langle G, U\rangle \text{ for all } U \iff \nabla_X f = G",
    MAGNUS_CH5,
    "The gradient represents the directional derivative.",
)


def directional(core: Core, names: dict) -> Proof:
    X, U, t = core.variable, names["direction"], names["t"]
    D = Directional(X, U, t)
    definition = ir.limit(D.quotient(core.function), t, core.function, U, X)  # printed with f
    steps = [Step(definition, "directional derivative")]
    steps += [replace(s, expr=D(s.expr)) for s in core.steps]
    if core.form:
        steps.append(Step(proof_nodes.Inner(ir.transpose_of(core.coefficient), U), "inner product"))
    subjects = dict.fromkeys((s.rule, s.subject) for s in core.steps if s.rule in LEMMAS)
    lemmas = tuple(lemma(D, r, F, names["pieces"]) for r, F in subjects)
    chain = Chain(proof_nodes.Directional(core.function, X, U), tuple(steps))
    symbols = (("direction", U), ("t", t))
    return Proof("directional", X, chain, identified(core, "gradient"), lemmas, symbols)


# --- entrywise -----------------------------------------------------------------------


fact(
    "single entry",
    r"\operatorname{tr}(M J^{ij}) = M_{ji}",
    "Petersen & Pedersen, The Matrix Cookbook, §9.7",
    "Multiplying by J^{ij} picks out one entry.",
)


fact(
    "unit vector",
    r"m\,e_{i} = m_{i}",
    "Petersen & Pedersen, The Matrix Cookbook, §9.7",
    "Multiplying a row by e_i picks out its i-th entry.",
)


fact(
    "matrix of partials",
    r"\frac{\partial f}{\partial X_{ij}} = G_{ij} \text{ for all } i, j \iff \nabla_X f = G",
    MAGNUS_CH5,
    "The gradient is the matrix of partial derivatives.",
)


def entrywise(core: Core, names: dict) -> Proof:
    X = core.variable
    vector = X.shape[1] == 1
    indices = names["indices"][: 1 if vector else 2]
    J = proof_nodes.SingleEntry(names["unit vector" if vector else "single entry"], *X.shape, *indices)

    def partial(e):
        return ir.rewrite_differentials(e, lambda F: J if F == X else proof_nodes.partial(F, X, indices))

    steps = [replace(s, expr=partial(s.expr)) for s in core.steps]
    if core.form:
        rule_name = "unit vector" if vector else "single entry"
        steps.append(Step(proof_nodes.entry(core.coefficient, indices[::-1]), rule_name))
    chain = Chain(proof_nodes.partial(core.function, X, indices), tuple(steps))
    symbols = (*zip(("row", "column"), indices), ("unit", J))
    return Proof("entrywise", X, chain, identified(core, "matrix of partials"), (), symbols)


METHODS = {"differential": differential, "directional": directional, "entrywise": entrywise}
