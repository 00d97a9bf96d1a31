"""Second-order notation checked through the second differential, as ``gen.verify`` checks Hessians:
``\\nabla^2_X f = H`` (Magnus & Neudecker ch. 10: ``d²f[U, V] = vec(V)ᵀ H vec(U)``), the bilinear form
``\\mathrm{d}^2 f[U, V] = E(U, V)`` derivtex's appendix writes, and ``\\mathrm{d}^2 f = Q(dX)``.

``d²f[U, V]`` is ``d/dt D_U f(X + tV)`` at 0: the inner derivative ``D_U f`` is the differential the
evaluator takes by the complex step (``U`` is X's direction ``dX``), the outer one the 6-point
central difference of ``gen.verify.evaluate.directional_derivative`` (error O(h⁶)), written in the
grammar's AST so the shapes, the lowering and the sampling apply unchanged. U and V are drawn
independently: a bilinear form that is right only on the diagonal U = V does not pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..errors import SpecError, quoted_tex
from ..expr.parser import BinOp, Call, Name, Neg, Num, Postfix
from ..expr.texbars import Uncheckable
from ..verify.evaluate import STEP
from .shapes import convention, names_in

SYMMETRIC = ("symmetric", "spd")
# the 6-point stencil: (g(3h) − 9g(2h) + 45g(h) − 45g(−h) + 9g(−2h) − g(−3h)) / 60h
STENCIL = ((3, 1), (2, -9), (1, 45), (-1, -45), (-2, 9), (-3, -1))

D = r"(?:\\mathrm\s*\{\s*d\s*\}|\\operatorname\s*\{\s*d\s*\}|\{\s*\\rm\s+d\s*\}|d)"
TWO = r"\s*\^\s*(?:\{\s*2\s*\}|2)\s*"
SUB = r"_\s*(?P<{0}>\{{[^{{}}]*\}}|\\[A-Za-z]+|[A-Za-z])\s*"
HESSIAN = re.compile(r"\\nabla\s*(?:" + SUB.format("a") + ")?" + TWO + "(?:" + SUB.format("b") + ")?")
SECOND = re.compile(D + TWO + r"(?![\s\\]*(?:\\left\s*)?\()")
BRACKET = re.compile(r"(?P<f>.*?)\[(?P<u>[^\[\],]+),(?P<v>[^\[\],]+)\]\s*$", re.S)


@dataclass(frozen=True)
class SecondOrder:
    """``\\nabla^2_X f`` (directions None: the other side is the Hessian H) or ``d²f[U, V]``
    (``(U, V)``; ``d²f`` alone is ``d²f[dX, dX]``)."""

    variable: str | None
    f: object
    directions: tuple | None


def inside(parse, text: str, span) -> bool:
    """Whether the side reads as an expression whose Hessian ``\\nabla^2_x f`` is one term or factor of
    it (``\\nabla^2_x f + \\nabla^2_x g``): a value (`gen.expr.texgradient`), not the whole side's."""
    try:
        tree = parse(text, span)
    except SpecError:
        return False
    return isinstance(tree, BinOp | Neg)


def read_second(parse, source, side, scope) -> SecondOrder | None:
    """The side as second-order notation, or None if it is something else."""
    text = side.text
    at = lambda k: source.span(side.offset + k)  # noqa: E731
    if (
        (match := HESSIAN.match(text))
        and not declared_hessian(parse, text, at(0))
        and not inside(parse, text, at(0))
    ):
        group = "a" if match.group("a") else "b"
        sub = match.group(group)
        variable = name(parse, sub.strip("{}"), at(match.start(group))) if sub else None
        f = parse(text[match.end() :].strip(), at(match.end()))
        return SecondOrder(variable or parameter(f, scope), f, None)
    if hessian := fraction(parse, text, at, scope):
        return hessian
    if scope.lookup("d") is not None or not (match := SECOND.match(text)):
        return None  # d^2 f, unless d is a symbol (a dimension d: d^2 is its square)
    rest = text[match.end() :]
    bracket = BRACKET.fullmatch(rest)
    ftext = bracket.group("f") if bracket else rest
    f = parse(ftext.strip(), at(match.end()))
    variable = parameter(f, scope)
    if bracket is None:
        direction = Name(f"d{variable}", 0) if variable else None
        return SecondOrder(variable, f, (direction, direction))
    start = match.end() + bracket.start("u")
    u = name(parse, bracket.group("u"), at(start))
    v = name(parse, bracket.group("v"), at(match.end() + bracket.start("v")))
    return SecondOrder(variable, f, (Name(u, 0), Name(v, 0)))


FRACTION = re.compile(r"\\[dt]?frac\s*\{\s*\\partial" + TWO)
TWICE = re.compile(r"\s*\\partial\s*(?P<a>.+?)\s*\\partial\s*(?P<b>.+?)\s*|\s*\\partial\s*(?P<s>.+?)" + TWO)


def fraction(parse, text: str, at, scope) -> SecondOrder | None:
    """``\\frac{\\partial^2 f}{\\partial x \\partial x^\\top}`` (or ``\\frac{\\partial^2}{…} f``) of a vector
    or a number x, and ``\\frac{\\partial^2 f}{\\partial x^2}`` of a number: the Hessian ∇²_x f; by two
    different variables, or a matrix, None (refused as a second derivative)."""
    from .rows import closing

    if not (match := FRACTION.match(text)):
        return None
    top = closing(text, text.index("{") + 1)
    if not (opening := re.match(r"\s*\{", text[top:])):
        return None
    bottom = closing(text, top + opening.end())
    numerator, rest = text[match.end() : top - 1], text[bottom:]
    twice = TWICE.fullmatch(text[top + opening.end() : bottom - 1])
    if not twice or bool(numerator.strip()) == bool(rest.strip()):
        return None
    span = at(top + opening.end())
    if not isinstance(tree := parse((twice["s"] or twice["a"]).strip(), span), Name):
        return None  # ∂σ² ∂μ: by σ²
    variable = tree.name
    declared = scope.lookup(variable)
    shape = declared.shape if declared is not None and declared.shape is not None else None
    if twice["s"] and shape != () or shape is not None and len(shape) > 1:
        return None  # ∂x² of a vector: x's square; a matrix's Hessian by ∂X ∂Xᵀ: its layout is vec's
    other = parse(twice["b"].strip(), span) if twice["b"] is not None else Name(variable, 0)
    other = other.operand if isinstance(other, Postfix) and other.op == "T" else other
    if not (isinstance(other, Name) and other.name == variable):
        return None  # ∂x ∂y: by two variables
    written = numerator if numerator.strip() else rest
    start = match.end() if numerator.strip() else bottom
    return SecondOrder(
        variable, parse(written.strip(), at(start + len(written) - len(written.lstrip()))), None
    )


def declared_hessian(parse, text: str, span) -> bool:
    """Whether the side reads with ``\\nabla^2 f(x_k)`` a symbol the text declares (Newton's step with
    an f never written out): a matrix, not a second derivative to take."""
    try:
        tree = parse(text.strip(), span)
    except SpecError:
        return False
    return any(n.startswith("nabla") for n in names_in(tree))


def name(parse, text: str, span) -> str:
    tree = parse(text.strip(), span)
    if not isinstance(tree, Name):
        raise SpecError(f"expected a symbol here, found {quoted_tex(text.strip())}", span)
    return tree.name


def parameter(f, scope) -> str | None:
    """The variable of ``f``: its one argument (``f(X)``), or its definition's one parameter."""
    if isinstance(f, Call) and len(f.args) == 1 and isinstance(f.args[0], Name):
        return f.args[0].name
    definition = scope.defined.get(f.name) if isinstance(f, Name) else None
    if definition is not None and len(definition.params) == 1:
        return definition.params[0]
    return None


def paired(left, right, scope, expanded):
    """The two trees the link compares: ``d²f[U, V]`` computed from f, against the other side (with
    U the variable's direction dX), or the reason it cannot be checked (a str)."""
    from .links import Reason

    if isinstance(left, SecondOrder) and isinstance(right, SecondOrder):
        return (Reason("two second derivatives compared: write one of them out"),) * 2
    second, other, flipped = (left, right, False) if isinstance(left, SecondOrder) else (right, left, True)
    if isinstance(other, str):
        return other, other
    try:
        pair = compared(second, other, scope, expanded)
    except Uncheckable as error:
        return (Reason(error.message),) * 2
    return pair[::-1] if flipped else pair


def compared(second: SecondOrder, other, scope, expanded) -> tuple:
    X = second.variable
    applied = isinstance(second.f, Name) and second.f.name in scope.defined and X is not None
    f = expanded(Call(second.f.name, (Name(X, 0),), 0) if applied else second.f, scope)
    if X is None:
        name = shown(second)
        raise Uncheckable(f"the variable of {name} is not known: declare % derivtex: {name}(X) := <LaTeX>")
    if X not in names_in(f):
        name = shown(second)
        raise Uncheckable(f"{name} is not defined in {X} here: declare % derivtex: {name}({X}) := <LaTeX>")
    dX = Name(f"d{X}", 0)
    if second.directions is None:  # the Hessian H: d²f[dX, V] = vec(V)ᵀ H vec(dX)
        V = Name(fresh(X, scope, f, other), 0)
        other = hessian_form(other, V, dX, scalar(X, scope))
    else:
        U, V = second.directions
        if U.name in names_in(f) or V.name in names_in(f):
            raise Uncheckable(f"a direction of d²{shown(second)} is also a symbol of the function")
        if U.name not in names_in(other):
            raise Uncheckable(f"the other side does not depend on the direction {U.name}")
        other = renamed(other, {U.name: dX})
        if U.name == V.name:  # a quadratic form Q(dX): its polar form against d²f[dX, V]
            V = Name(fresh(X, scope, f, other), 0)
            other = polarised(other, dX, V)
    if symmetric(X, scope):  # directions a symmetric variable can move in
        half = BinOp("/", BinOp("+", V, Postfix("T", V, 0), 0), Num("2", 0), 0)
        other = renamed(other, {V.name: half})
        V = half
    return second_differential(f, X, V), other


def polarised(Q, dX, V):
    """``(Q(dX + V) − Q(dX − V))/4 + Q(0)``: equal to the bilinear form ``B(dX, V)`` for every dX and V
    exactly when Q is ``B``'s quadratic form (V = 0 gives Q(0) = 0; then Q(dX + V) = Q(dX − V) + 4B
    leaves no room for another term)."""
    at = lambda h: renamed(Q, {dX.name: h})  # noqa: E731
    difference = BinOp("-", at(BinOp("+", dX, V, 0)), at(BinOp("-", dX, V, 0)), 0)
    return BinOp("+", BinOp("/", difference, Num("4", 0), 0), at(BinOp("-", V, V, 0)), 0)


def shown(second: SecondOrder) -> str:
    return second.f.name if isinstance(second.f, (Name, Call)) else "f"


def hessian_form(H, V, dX, number: bool):
    if number:
        return BinOp("*", BinOp("*", V, H, 0), dX, 0)
    vec = lambda x: Call("vec", (x,), 0)  # noqa: E731
    return BinOp("*", BinOp("*", Postfix("T", vec(V), 0), H, 0), vec(dX), 0)


def second_differential(f, X: str, V):
    """``d/dt d(f(X + tV))`` at 0 by the 6-point stencil; ``d`` is the differential along dX."""
    terms = []
    for k, weight in STENCIL:
        moved = renamed(f, {X: BinOp("+", Name(X, 0), BinOp("*", Num(repr(k * STEP), 0), V, 0), 0)})
        term = BinOp("*", Num(str(abs(weight)), 0), Call("d", (moved,), 0), 0)
        terms.append(term if weight > 0 else Neg(term, 0))
    total = terms[0]
    for term in terms[1:]:
        total = BinOp("-", total, term.operand, 0) if isinstance(term, Neg) else BinOp("+", total, term, 0)
    return BinOp("/", total, Num(repr(60 * STEP), 0), 0)


def renamed(tree, table: dict):
    """``tree`` with the names in ``table`` replaced by the trees there."""
    if isinstance(tree, Name):
        return table.get(tree.name, tree)
    fields = [f for f in ("operand", "left", "right", "exponent") if getattr(tree, f, None) is not None]
    new = {f: renamed(getattr(tree, f), table) for f in fields}
    if isinstance(tree, Call):
        new["args"] = tuple(renamed(a, table) for a in tree.args)
    return replace(tree, **new) if new else tree


KIND_NAMES = {"scalar": "tau", "vector": "v", "matrix": "V"}  # a name of each kind by convention
FRESH = re.compile(r"(?:tau|v|V)_00*")  # the names ``fresh`` gives


def introduced(left, right, pair) -> frozenset:
    """The second direction the comparison brought in (``v_0``), if it did: the author never wrote
    it, so the report states no convention about it. ``fresh`` lengthens its name past every name of
    the link, so it is the longest name of its form in the compared trees."""
    second = next((s for s in (left, right) if isinstance(s, SecondOrder)), None)
    if second is None or any(isinstance(t, str) for t in pair):
        return frozenset()
    if second.directions is not None and second.directions[0].name != second.directions[1].name:
        return frozenset()
    names = [n for t in pair for n in names_in(t) if FRESH.fullmatch(n)]
    return frozenset({max(names, key=len)} if names else ())


def fresh(X: str, scope, *trees) -> str:
    """A name for the second direction, of X's kind by convention (``V_0`` for a matrix, ``v_0`` for a
    vector, ``tau_0`` for a number): X's declared kind, not its letter's (μ ∈ ℝⁿ is a vector)."""
    declared = scope.lookup(X)
    if declared is not None and declared.shape is not None:
        kind = ("scalar", "vector", "matrix")[min(len(declared.shape), 2)]
    else:
        kind = convention(X)[0]
    used = {n for t in trees for n in names_in(t)}
    candidate = f"{KIND_NAMES[kind]}_0"
    while candidate in used:
        candidate += "0"
    return candidate


def scalar(X: str, scope) -> bool:
    declared = scope.lookup(X)
    if declared is not None and declared.shape is not None:
        return declared.shape == ()
    return convention(X)[0] == "scalar"


def symmetric(X: str, scope) -> bool:
    declared = scope.lookup(X)
    return declared is not None and bool(set(declared.assume) & set(SYMMETRIC))
