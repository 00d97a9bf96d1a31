"""The engine: from a spec to a derivation, one named, checkable rewrite per line."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from . import ir
from .errors import SpecError, Unsupported
from .parser import describe_shape, parse_expr, symbol_table
from .rearrange import REARRANGEMENTS, collect, identify, linear_form, to_expr
from .rules import DIFFERENTIAL
from .simplify import SIMPLIFICATIONS
from .spec import Spec


@dataclass(frozen=True)
class Step:
    """One line of a chain of equalities: the new right-hand side and the rule that gave it."""

    expr: object
    rule: str = ""


@dataclass(frozen=True)
class Chain:
    """``lhs = steps[0].expr = steps[1].expr = …``."""

    lhs: object
    steps: tuple[Step, ...]

    @property
    def last(self):
        return self.steps[-1].expr if self.steps else self.lhs


@dataclass(frozen=True)
class Proof:
    """A proof by one method: the differential, then the gradient read off from it."""

    method: str
    variable: object
    differential: Chain
    gradient: Chain  # lhs is None: ∇_X f; the first step is the identification


@dataclass(frozen=True)
class Derivation:
    spec: Spec
    symbols: tuple[tuple[str, object], ...]
    function: object
    variable: object
    result: object
    proofs: tuple[Proof, ...]
    claim: object = None
    compare: tuple[tuple[str, object], ...] = ()

    @property
    def symbol_map(self) -> dict:
        return dict(self.symbols)


def derive(spec: Spec) -> Derivation:
    """Derive the gradient of ``spec.function`` by every method the spec asks for."""
    symbols = symbol_table(spec.symbols)
    function = parse_expr(spec.function, symbols)
    variable = supported_variable(spec, symbols, function)
    symmetric = frozenset(
        symbols[s.name] for s in spec.symbols if {"symmetric", "spd"} & set(s.assume) and s.shape
    )
    proofs = tuple(METHODS[m](function, variable, symmetric) for m in spec.methods)
    expected = variable.shape
    claim = spec.claim and result_expr(spec.claim, symbols, expected, "claim")
    compare = tuple((c.label, result_expr(c.expr, symbols, expected, "compared value")) for c in spec.compare)
    return Derivation(
        spec, tuple(symbols.items()), function, variable, proofs[0].gradient.last, proofs, claim, compare
    )


def supported_variable(spec: Spec, symbols: dict, function):
    """The variable to differentiate by; refuses honestly what the engine cannot do yet."""
    refuse = lambda what, span: Unsupported(f"{what} is not supported yet", span)  # noqa: E731
    if len(spec.wrt) > 1:
        raise refuse("differentiating with respect to several variables", spec.wrt[1].span)
    if spec.order != 1:
        raise refuse("order 2 (Hessians)", spec.span_of("order"))
    if spec.layout != "denominator":
        raise refuse("the numerator layout", spec.span_of("layout"))
    wrt = spec.wrt[0]
    variable = symbols[wrt.value]
    if not ir.is_matrix(variable):
        raise refuse("differentiating with respect to a scalar", wrt.span)
    declared = spec.symbol(wrt.value)
    if {"symmetric", "spd", "orthogonal", "diagonal"} & set(declared.assume):
        raise refuse(
            f"the gradient with respect to a structured ({', '.join(declared.assume)}) matrix", wrt.span
        )
    if ir.is_matrix(function) and not ir.is_one_by_one(function):
        raise refuse(f"the derivative of {describe_shape(function)} (a Jacobian)", spec.function.span)
    return variable


def result_expr(text, symbols, expected, what: str):
    """Parse a claimed or compared gradient and check its shape."""
    value = parse_expr(text, symbols, shape=tuple(expected))
    if value == 0:  # a plain 0 stands for the zero matrix of the gradient's shape
        value = sp.ZeroMatrix(*expected)
    if ir.shape(value) != tuple(expected):
        gradient = describe_shape(sp.ZeroMatrix(*expected))
        raise SpecError(f"the {what} is {describe_shape(value)}, but the gradient is {gradient}", text.span)
    return value


# --- the differential method ---------------------------------------------------


def differential_proof(function, variable, symmetric) -> Proof:
    dX = ir.d(variable)
    steps = expand_differentials(ir.d(function), variable)
    current = steps[-1].expr if steps else ir.d(function)
    more, form = rearrangement_steps(linear_form(current, dX), current, dX, vector=variable.shape[1] == 1)
    steps += more
    if collected := collect(form, dX):
        form = collected
        steps.append(Step(to_expr(form, dX), "collect"))
    differential = Chain(ir.d(function), tuple(steps))
    return Proof("differential", variable, differential, simplify_gradient(gradient_of(form, dX), symmetric))


def expand_differentials(expr, variable) -> list[Step]:
    """Apply differential rules until only ``dX`` remains, one rule per line."""
    steps = []
    while (node := pending(expr, variable)) is not None:
        rule, value = apply_first(node.arg, variable)
        expr = substitute(expr, node, value)
        steps.append(Step(expr, rule.name))
    return steps


def pending(expr, variable):
    """The first ``d(F)`` in reading order that is not ``dX``."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (ir.MatDiff, ir.Diff)) and node.arg != variable:
            return node
    return None


def apply_first(F, variable):
    for rule in DIFFERENTIAL:
        value = rule.apply(F, (variable,))
        if value is not None:
            return rule, value
    raise Unsupported(f"no rule for the differential of {sp.sstr(F)} yet")


def substitute(expr, old, new):
    """Replace ``old`` by ``new``, re-normalising products and sums around it."""
    if expr == old:
        return new
    if not expr.has(old):
        return expr
    args = [substitute(a, old, new) for a in expr.args]
    if isinstance(expr, (sp.MatMul, sp.Mul)):
        return ir.mul(*args)
    if isinstance(expr, (sp.MatAdd, sp.Add)):
        return ir.add(*args)
    return expr.func(*args)


def rearrangement_steps(form, current, dX, vector: bool) -> tuple[list[Step], tuple]:
    """Expand, then apply each rearrangement rule to every term it fits."""
    steps = []
    expanded = to_expr(form, dX)
    if expanded != current:
        steps.append(Step(expanded, "expand"))
    for rearrangement in REARRANGEMENTS:
        changed = [rearrangement(t, vector) for t in form]
        if any(c is not None for c in changed):
            form = tuple(c or t for c, t in zip(changed, form))
            steps.append(Step(to_expr(form, dX), rearrangement.rule.name))
    return steps, form


def gradient_of(form, dX):
    return sp.ZeroMatrix(*dX.shape) if not form else identify(form, dX)


def simplify_gradient(gradient, symmetric) -> Chain:
    steps = [Step(gradient, "identification")]
    for simplification in SIMPLIFICATIONS:
        value = simplification(steps[-1].expr, symmetric)
        if value != steps[-1].expr:
            steps.append(Step(value, simplification.rule.name))
    return Chain(None, tuple(steps))


METHODS = {"differential": differential_proof}


def unsupported_method(name):
    def method(*_):
        raise Unsupported(f"the {name} method is not supported yet")

    return method


METHODS |= {m: unsupported_method(m) for m in ("directional", "entrywise")}
