"""What the engine refuses, and why: each check names what is not supported yet (or what the spec
must say otherwise) at the key that asks for it, before any derivation starts."""

from __future__ import annotations

from ..errors import SpecError, Unsupported, quote
from ..expr import ir
from ..spec.keys import inverted, variable_name
from ..spec.model import Spec
from .change import Change
from .kind import Kind, is_jacobian, kind_of, structure
from .named import Named


def where_supported(spec: Spec, named: Named, kind: Kind, change: Change | None) -> None:
    """Named intermediates: in a first derivative by differentials (the checks of a directional or
    an entrywise line do not see through a name yet)."""
    reasons = {
        "a Jacobian": kind.jacobian,
        "order 2": kind.order == 2,
        "'wrt' an inverse": change is not None,
        "the directional or entrywise method": set(spec.methods) - {"differential", "backprop"},
    }
    if named and (reason := next((r for r, applies in reasons.items() if applies), None)):
        raise Unsupported(f"'where' with {reason} is not supported yet", spec.span_of("where"))


def several_supported(spec: Spec) -> None:
    """Several variables: each a symbol (not an inverse)."""
    if inverse := next((w for w in spec.wrt if inverted(w)), None):
        message = f"the inverse {quote(inverse.value)} with several 'wrt' is not supported yet"
        raise Unsupported(message, inverse.span)


def several_variables_supported(spec: Spec, variables: tuple, function) -> None:
    """Several variables: the gradients of a scalar function, by differentials, in the plain layout."""
    refuse = lambda what, span: Unsupported(f"{what} with several 'wrt' is not supported yet", span)  # noqa: E731
    for w, v in zip(spec.wrt, variables):
        if not ir.is_matrix(v):
            raise refuse(f"the number {quote(w.value)}", w.span)
        if set(spec.symbol(w.value).assume) & {"symmetric", "spd", "orthogonal", "diagonal"}:
            raise refuse(f"the structured variable '{w.value}'", w.span)
    if ir.is_matrix(function) and not ir.is_one_by_one(function):
        raise refuse("a Jacobian", spec.function.span)
    refused = {
        "order": spec.order != 1,
        "layout": spec.layout != "denominator",
        "steps": spec.steps,
        "compare": spec.compare,
        "methods": set(spec.methods) - {"differential", "backprop"},
    }
    if key := next((k for k, applies in refused.items() if applies), None):
        raise refuse(f"'{key}'", spec.span_of(key))


def backprop_supported(spec: Spec, change) -> None:
    """Backpropagation: a first-order gradient, in the plain layout, by a matrix or vector variable."""
    if "backprop" not in spec.methods:
        return
    refused = {"layout": spec.layout != "denominator", "steps": spec.steps, "wrt": change is not None}
    if key := next((k for k, applies in refused.items() if applies), None):
        what = "'wrt' an inverse" if key == "wrt" else f"'{key}'"
        raise Unsupported(f"the backprop method with {what} is not supported yet", spec.span_of(key))


def supported_variable(spec: Spec, symbols: dict, function, change: Change | None) -> tuple[object, Kind]:
    """The variable to differentiate by and the kind of result; refuses honestly what the engine
    cannot do yet."""
    refuse = lambda what, span: Unsupported(f"{what} is not supported yet", span)  # noqa: E731
    if spec.order == 2:
        hessian_supported(spec, symbols, function, refuse)
    wrt = spec.wrt[0]
    if change is not None:
        inverse_supported(spec, refuse)
    variable = change.new if change is not None else symbols[wrt.value]
    if not ir.is_matrix(variable) and set(spec.methods) - {"differential"}:
        method = next(m for m in spec.methods if m != "differential")
        raise SpecError(
            f"the {method} method needs a matrix or vector variable; '{wrt.value}' is a scalar",
            spec.span_of("methods"),
        )
    declared = spec.symbol(variable_name(wrt))
    if {"orthogonal", "diagonal"} & set(declared.assume):
        raise refuse(
            f"the gradient with respect to a structured ({', '.join(declared.assume)}) matrix", wrt.span
        )
    if structure(spec) and set(spec.methods) - {"differential"}:
        method = next(m for m in spec.methods if m != "differential")
        message = f"the {method} method needs an unconstrained variable; '{wrt.value}' is symmetric"
        raise SpecError(message, spec.span_of("methods"))
    kind = kind_of(function, variable, spec.order)
    if kind.jacobian:
        if structure(spec) == "cookbook":
            raise refuse("a Jacobian with symmetric_gradient: cookbook", spec.span_of("symmetric_gradient"))
        if spec.layout == "numerator":
            message = "a Jacobian is always ∂vec F/∂(vec X)ᵀ, the numerator layout already; remove 'layout'"
            raise SpecError(message, spec.span_of("layout"))
        if other := next((m for m in spec.methods if m != "differential"), None):
            message = f"a Jacobian is derived by differentials only, not by the {other} method; remove "
            raise SpecError(message + "'methods' or keep [differential]", spec.span_of("methods"))
    return variable, kind


def inverse_supported(spec: Spec, refuse) -> None:
    """A change of variable to an inverse: a first derivative, without author's steps (they would be
    written in Σ, and the proof is in Λ)."""
    reasons = {"order": spec.order != 1, "steps": spec.steps}
    if key := next((k for k, applies in reasons.items() if applies), None):
        raise refuse(f"'{key}' with 'wrt' an inverse", spec.span_of(key))
    name = variable_name(spec.wrt[0])
    if "positive" in spec.symbol(name).assume:  # the others hold of the inverse too
        message = f"the inverse of the entrywise positive '{name}' (its inverse is not positive)"
        raise refuse(f"differentiating by {message}", spec.wrt[0].span)


def hessian_supported(spec: Spec, symbols: dict, function, refuse) -> None:
    """A Hessian of a scalar function of one vector or matrix, or the second derivative of any
    function of a number: by differentials, in the plain layout."""
    variable = symbols[variable_name(spec.wrt[0])] if len(spec.wrt) == 1 else None
    if variable is None or is_jacobian(function, variable):
        message = "order 2 other than the Hessian of a scalar function or the second derivative by a number"
        raise refuse(message, spec.span_of("order"))
    other = next((m for m in spec.methods if m != "differential"), None)
    reasons = {
        "with steps": spec.steps,
        "in numerator layout": spec.layout != "denominator",
        "with symmetric_gradient: cookbook": structure(spec) == "cookbook",
        f"by the {other} method": other,
    }
    if reason := next((r for r, applies in reasons.items() if applies), None):
        raise refuse(f"order 2 {reason}", spec.span_of("order"))
