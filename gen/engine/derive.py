"""The engine: from a spec to a derivation, one named, checkable rewrite per line."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import sympy as sp

from ..errors import SpecError, Unsupported
from ..expr import ir
from ..expr.lower import parse_expr, symbol_table, written_order
from ..expr.piecewise import constant_parameters
from ..expr.shapes import describe_shape
from ..spec.model import Spec
from .adjoints import with_adjoints
from .autonames import automatic_names
from .backprop import backprop_proof
from .change import Change, change_of_variable
from .facts import known
from .hessians import bilinear_form, hessian_core, second_derivative_core
from .jacobians import jacobian_core
from .kind import GRADIENT, Kind, resolved_layout, structure
from .methods import METHODS, derive_core, in_numerator_layout
from .named import NO_NAMES, Named
from .proof import Chain, Proof
from .refusals import (
    backprop_supported,
    several_supported,
    several_variables_supported,
    supported_variable,
    where_supported,
)
from .several import several_core
from .simplify import softmaxes
from .spectral import require_symmetric
from .where import named_of, require_used, table_with


@dataclass(frozen=True)
class Derivation:
    spec: Spec
    symbols: tuple[tuple[str, object], ...]
    function: object
    variable: object
    result: object
    proofs: tuple[Proof, ...]
    kind: Kind  # gradient, derivative, Jacobian, Hessian…: the same for each of several variables
    convention: str | None  # a symmetric variable's gradient: sym or cookbook (None: unconstrained)
    layout: str  # numerator only for a matrix or vector variable (a number's derivative has none)
    claim: object = None
    compare: tuple[tuple[str, object], ...] = ()
    steps: tuple = ()  # the author's lines, parsed (``spec.steps`` has their reasons)
    identified: object = None  # G in df = tr(Gᵀ dX), before any convention or layout
    partials: tuple = ()  # several variables: (variable, its gradient) for each after the first
    claims: tuple = ()  # several variables: (variable, its claimed gradient) for each claimed
    change: Change | None = None  # wrt: Sigma^-1: the variable is Λ = Σ⁻¹, the function in Λ
    named: Named = NO_NAMES  # the intermediate quantities the proof and the result are written in

    @property
    def results(self) -> tuple:
        """(variable, derivative) for every variable, in ``wrt`` order."""
        return ((self.variable, self.result), *self.partials)

    @property
    def symbol_map(self) -> dict:
        return dict(self.symbols)

    @cached_property
    def order(self) -> tuple:
        """The terms of the function's sums as the author wrote them: printed sums keep that order."""
        return written_order(self.spec.function, table_with(self.symbol_map, self.named))  # names too


def derive(spec: Spec) -> Derivation:
    """Derive the gradient of ``spec.function`` by every method the spec asks for; again in names
    of its own if the first derivation repeats large pieces of the function (``autonames``)."""
    derivation = derive_in(spec)
    named = automatic(derivation)
    if not named:
        return derivation
    try:
        in_names = derive_in(spec, named)
    except SpecError:  # the names are for reading: without them (lambda_min(t_1) refused), it stands
        return derivation
    if not as_simple(in_names, derivation):
        return derivation
    adjoints = with_adjoints(named, in_names.proofs, taken_names(spec) | {str(n) for n in named.symbols})
    if adjoints == named:
        return in_names
    try:  # the coefficients the chain rule collects, said once each as δ
        in_adjoints = derive_in(spec, adjoints)
    except SpecError:
        return in_names
    return in_adjoints if as_simple(in_adjoints, derivation) else in_names


def as_simple(in_names: Derivation, plain: Derivation) -> bool:
    """Whether the results in names, written out, are as short as without them: the simplifier sees
    a name as a symbol, and must not lose a cancellation for it (layer norm's 1ᵀ(x − μ1) = 0)."""
    from ..expr.printers import text

    written_out = (len(text(in_names.named.unfold(r))) for _, r in in_names.results)
    return all(n <= len(text(r)) for n, (_, r) in zip(written_out, plain.results))


def automatic(derivation: Derivation) -> Named:
    """The names the engine gives a first-order gradient by differentials that has none."""
    spec = derivation.spec
    plain = derivation.kind.order == 1 and not derivation.kind.jacobian and derivation.change is None
    if spec.where or spec.steps or set(spec.methods) != {"differential"} or not plain:
        return NO_NAMES
    lines = tuple(s.expr for p in derivation.proofs for c in (p.chain, p.gradient) for s in c.steps)
    results = tuple(r for _, r in derivation.results)
    return automatic_names(derivation.function, results, lines, taken_names(spec))


def taken_names(spec: Spec) -> set[str]:
    """The spec's symbols and dimensions: no name the engine introduces may be one of them."""
    return {s.name for s in spec.symbols} | {str(d) for s in spec.symbols for d in s.shape}


def derive_in(spec: Spec, automatic_named: Named | None = None) -> Derivation:
    """The derivation, in the spec's ``where`` names or in ``automatic_named``."""
    symbols = symbol_table(spec.symbols)
    function = parse_expr(spec.function, symbols)
    variables = [symbols[t.value] for t in spec.wrt if t.value in symbols]
    function = constant_parameters(function, variables, spec.function, symbols)
    named = automatic_named or named_of(spec, symbols)
    if named:  # in the names, and a softmax as written (the parser writes it out)
        function = named.fold(softmaxes(function))
    if len(spec.wrt) > 1:
        return derive_several(spec, symbols, function, named)
    change = change_of_variable(spec, symbols, function)
    if change is not None:
        function = change.into(function)
    variable, kind = supported_variable(spec, symbols, function, change)
    where_supported(spec, named, kind, change)
    convention, layout = structure(spec), resolved_layout(spec, kind)
    facts = known(spec, symbols, change)  # the symmetric symbols, and what other assumptions say
    require_symmetric(((spec.function, function),), symbols, facts)
    try:
        if kind.jacobian:
            core = jacobian_core(function, variable, facts)
        else:
            core = derive_core(function, variable, facts, convention, named)
    except Unsupported as error:  # the engine's refusals are about the function
        raise error.at(spec.function.span) from None
    if layout == "numerator":
        core = replace(core, gradient=in_numerator_layout(core.gradient, facts))
    if change is not None:  # the result in the spec's own terms
        core = replace(core, gradient=change.written_back(core.gradient))
    names = fresh_names(spec, variable, named)
    backprop_supported(spec, change)
    try:
        proofs = tuple(method(m, spec, named, facts)(core, names) for m in spec.methods)
    except Unsupported as error:
        raise error.at(spec.function.span) from None
    if kind.order == 2:
        try:
            core, proofs = second_order(core, variable, facts, names, proofs)
        except Unsupported as error:  # the first derivative was derived: the refusal is order 2's
            if error.span is not None:
                raise
            raise Unsupported(f"order 2: {error.message}", spec.span_of("order")) from None
    expected = ir.shape(core.gradient.last)
    table = table_with(symbols, named)
    claim = spec.claim and result_expr(spec.claim, table, expected, "claim")
    compare = tuple((c.label, result_expr(c.expr, table, expected, "compared value")) for c in spec.compare)
    varying = (variable, *named.varying((variable,)))  # the differential of a name that varies is no 0
    steps = tuple(author_step(s, table, i, varying, function) for i, s in enumerate(spec.steps, 1))
    require_used(spec, named, function, (claim, *(v for _, v in compare), *steps))
    written = ((spec.claim, claim), *zip((c.expr for c in spec.compare), (v for _, v in compare)))
    require_symmetric((*written, *zip((s.expr for s in spec.steps), steps)), symbols, facts)
    result = proofs[0].gradient.last if proofs and proofs[0].backprop else core.gradient.last
    identified = core.gradient.steps[0].expr
    return Derivation(
        spec,
        tuple(symbols.items()),
        function,
        variable,
        result,
        proofs,
        kind,
        convention,
        layout,
        claim,
        compare,
        steps,
        identified,
        change=change,
        named=named,
    )


def second_order(core, variable, facts, names: dict, proofs: tuple) -> tuple:
    """The Hessian, the Jacobian of the gradient (the derivative's, for a number): its core, and the
    proofs with their second part."""
    second_core = hessian_core if ir.is_matrix(variable) else second_derivative_core
    second = second_core(core.gradient.last, variable, facts)
    bilinear = None
    in_a_matrix = ir.is_matrix(variable) and variable.shape[1] != 1
    if in_a_matrix and core.form:  # d²f[U, V] as well as H acting on vec
        bilinear = bilinear_form(core.coefficient, variable, names["direction"], names["second direction"])
    chain = Chain(second.differential, second.steps)
    return second, tuple(replace(p, second=(chain, second.gradient, bilinear)) for p in proofs)


def derive_several(spec: Spec, symbols: dict, function, named: Named = NO_NAMES) -> Derivation:
    """Each partial gradient, in one proof that shares the differential."""
    several_supported(spec)
    variables = tuple(symbols[w.value] for w in spec.wrt)
    several_variables_supported(spec, variables, function)
    facts = known(spec, symbols)
    require_symmetric(((spec.function, function),), symbols, facts)
    by_differentials = lambda: several_core(function, variables, facts, named).proof()  # noqa: E731
    by_backprop = lambda: backprop_proof(function, variables, facts, named, taken(spec))  # noqa: E731
    several_proofs = {"differential": by_differentials, "backprop": by_backprop}
    try:
        proofs = tuple(several_proofs[m]() for m in spec.methods)
    except Unsupported as error:
        raise error.at(spec.function.span) from None
    first = proofs[0]
    chains = ((first.variable, first.gradient), *first.partials)
    (variable, result), *partials = results = tuple((v, g.last) for v, g in chains)
    gradients = {v.name: (v, ir.shape(g)) for v, g in results}
    table = table_with(symbols, named)
    claims = tuple(
        (gradients[name.value][0], result_expr(text, table, gradients[name.value][1], "claim"))
        for name, text in spec.claims
    )
    require_used(spec, named, function, tuple(c for _, c in claims))
    identified = first.gradient.steps[0].expr
    return Derivation(
        spec,
        tuple(symbols.items()),
        function,
        variable,
        result,
        proofs,
        GRADIENT,  # several_supported: scalar functions of matrices and vectors, first order
        structure(spec),
        resolved_layout(spec, GRADIENT),
        identified=identified,
        partials=tuple(partials),
        claims=claims,
        named=named,
    )


def method(name: str, spec: Spec, named: Named, facts):
    """The method ``name`` as a function of the core and the method's names: backpropagation
    derives its own proof (from the function, the δs shared by every variable)."""
    if name != "backprop":
        return METHODS[name]
    return lambda core, names: backprop_proof(core.function, (core.variable,), facts, named, taken(spec))


def taken(spec: Spec) -> set:
    """The names a layer must not take: the spec's symbols and dimensions, f and d."""
    return taken_names(spec) | {"f", "d"}


def fresh_names(spec: Spec, variable, named: Named = NO_NAMES) -> dict:
    """The symbols the methods introduce, named so as not to clash with the spec's, the named
    intermediates' or each other."""
    taken = taken_names(spec) | {str(name) for name in named.symbols}
    taken.add(variable.name if ir.is_matrix(variable) else str(variable))  # a change of variable's Λ

    def pick(*names: str) -> str:
        numbered = (f"{names[0]}{k}" for k in range(1, 100))
        name = next(n for n in (*names, *numbered) if n not in taken)
        taken.add(name)
        return name

    if not ir.is_matrix(variable):  # only the differential method: the derivative needs no notation
        return {}
    vector = variable.shape[1] == 1
    direction = pick(*("u", "v", "w", "h") if vector else ("U", "V", "W", "H"))
    second_direction = pick(*("v", "w", "h") if vector else ("V", "W", "H"))
    t = pick("t", "s", "tau", "epsilon")
    pairs = (("i", "j"), ("k", "l"), ("p", "q"), ("r", "s"))
    indices = next((p for p in pairs if not taken & set(p)), None) or (pick("i"), pick("j"))
    return {
        "direction": sp.MatrixSymbol(direction, *variable.shape),
        "second direction": sp.MatrixSymbol(second_direction, *variable.shape),
        "t": sp.Symbol(t, real=True),
        "indices": tuple(sp.Symbol(i, integer=True, nonnegative=True) for i in indices),
        "single entry": sp.Symbol(pick("J", "E", "S")),
        "unit vector": sp.Symbol(pick("e", "E", "b")),
        "pieces": ([n for n in "FGHKLMNPQR" if n not in taken], [n for n in "ghkpqr" if n not in taken]),
    }


def author_step(step, symbols: dict, number: int, variables: tuple, function):
    """An author-written line: an expression with differentials (of the variable, or of a name that
    depends on it), shaped like ``df``: a scalar for a scalar function, F's shape for a vector or
    matrix F."""
    expr = parse_expr(step.expr, symbols, differentials=True, variables=variables)
    if differential_shape(expr) != differential_shape(function):
        shape = differential_shape(function)
        kind = "scalar" if not shape else "vector" if shape[1] == 1 else "matrix"
        message = f"step {number} is {describe_shape(expr)}, but the differential of a {kind} function is "
        raise SpecError(message + (describe_shape(function) if shape else "a scalar"), step.expr.span)
    return softmaxes(expr)  # as written: the parser writes softmax out


def differential_shape(e) -> tuple:
    """The shape a differential of ``e`` has: ``()`` for a number (or a 1×1 product)."""
    return () if ir.is_one_by_one(e) else ir.shape(e)


def result_expr(text, symbols, expected, what: str):
    """Parse a claimed or compared gradient and check its shape."""
    value = parse_expr(text, symbols, shape=tuple(expected))
    if value == 0 and expected:  # a plain 0 stands for the zero matrix of the gradient's shape
        value = sp.ZeroMatrix(*expected)
    if not expected:  # a derivative that is a number may be written as a 1×1 product
        value = ir.scalar(value)
    if ir.shape(value) != tuple(expected):
        gradient = describe_shape(sp.ZeroMatrix(*expected)) if expected else "a scalar"
        raise SpecError(f"the {what} is {describe_shape(value)}, but the gradient is {gradient}", text.span)
    return value
