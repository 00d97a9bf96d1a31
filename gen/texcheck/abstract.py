"""A loss the text never writes out, differentiated through the quantities it defines.

Backpropagation notes write ``\\frac{\\partial L}{\\partial b} = \\frac{\\partial L}{\\partial z}``
after ``z = Wx + b``, and matrix-calculus notes ``df = \\operatorname{tr}((\\frac{\\partial
f}{\\partial Y})^T dY)`` after ``Y = AXB``: L (f) is any function, its gradient by the last
quantity computed, ∂L/∂z, any matrix G of z's shape. Such a step holds for every L exactly when it
holds for the first-order L := tr(Gᵀz) with G drawn at random: the chain rule differentiates a
function only through its gradient. So where a chain takes derivatives of one undefined L by
two variables or more, one of which (the base u) the text defines in terms of all the others,
L is read as tr(G_uᵀu), ``\\frac{\\partial L}{\\partial u}`` written inside an expression as G_u
(a symbol of u's shape, drawn as u is), and every derivative of L by an earlier variable
through u's definition. A quantity defined entry by entry (``y_i := \\gamma x_i + \\beta``) makes
L = Σ_i G_i y_i; an upstream gradient the text names (``\\delta_i := ∂L/∂y_i``) and the chain uses
counts as a derivative by y. A step about L alone (one variable, nothing named) is left as it was:
nothing relates ∂L/∂W to a δ the text never defines.
"""

from __future__ import annotations

from dataclasses import replace

from ..errors import Span
from ..expr.parser import BinOp, Call, Name, Postfix
from ..expr.texgradient import GRADIENT
from ..expr.texindex import Entry, IndexSum
from ..expr.texnames import STAND_IN
from ..spec.reader import Text
from .expectations import names
from .indexnodes import bare, mapped, nodes, split
from .symbols import Definition

NOWHERE = Span("<derivtex>", 1, 1)  # where the first-order stand-in of a loss is written: nowhere


def abstracted(trees: list, scope, gradient_class) -> tuple[list, object, frozenset]:
    """The trees with the opaque gradients in place, the scope defining each abstract loss, and
    the variables whose definitions the derivatives read through."""
    found: dict = {}
    named = used_definitions(trees, scope, gradient_class)  # δ_i := ∂L/∂y_i, used: its gradient too
    for tree in [*trees, *(scope.parsed(n) for n in named)]:
        for f, v in derivatives(tree, scope, gradient_class):
            found.setdefault(f, set()).add(v)
    wholes = [n for n in named if whole(n, scope) == n]  # Ȳ := ∂f/∂Y, not G_ij := ∂f/∂Σ_ij beside G
    by_name = {fv for n in wholes for fv in derivatives(scope.parsed(n), scope, gradient_class)}
    through = set()
    for f, variables in found.items():
        base = loss_base(f, variables, scope, by_name)
        if base is None:
            continue
        opaque = Name(f"{base}{STAND_IN}{f}", 0)  # declared as the base is (`expectations.base`: § on)
        index = entry_index(base, scope)
        if index is None:  # tr(G^T u)
            body = Call("tr", (BinOp("*", Postfix("T", opaque, 0), Name(base, 0), 0),), 0)
        else:  # u defined entry by entry (u_i := …): Σ_i G_i u_i
            term = BinOp("*", Entry(opaque, (index,), 0), Name(f"{base}_{index}", 0), 0)
            body = IndexSum("sum", (index,), term, 0)
        definition = Definition((), Text(f"\\operatorname{{tr}}(G^\\top {base})", NOWHERE), body)
        opened = lambda t, f=f, b=base, g=opaque: mapped(  # noqa: E731 — ∂L/∂u, alone or inside: G_u
            by_variable(t, f, b, g, gradient_class), lambda node: inside_value(node, f, b, g)
        )
        derived = {name: opened_definition(scope.defined[name], opened) for name in named}
        scope = replace(scope, defined={**scope.defined, **derived, f: definition})
        trees = [opened(t) for t in trees]
        through |= variables
    return trees, scope, frozenset(through)


def opened_definition(definition, opened):
    """A definition with the loss's gradients in it opened, as expanded and as written."""
    written = definition.written
    readable = written is not None and not isinstance(written, str)
    return replace(definition, tree=opened(definition.tree), written=opened(written) if readable else written)


def derivatives(tree, scope, gradient_class) -> list[tuple[str, str]]:
    """(f, X) of each derivative of a named f in ``tree``, X the whole variable (X for ∂f/∂X_{ij})."""
    found = (
        [(tree.f.name, tree.variable)]
        if isinstance(tree, gradient_class) and isinstance(tree.f, Name)
        else []
    )
    return [(f, whole(v, scope)) for f, v in [*found, *gradient_values(tree)]]


def used_definitions(trees: list, scope, gradient_class) -> list[str]:
    """The names the trees use (by name, or by an entry: δ_i) that the text defines as a gradient
    (δ_i := ∂L/∂y_i, an upstream gradient under a name of its own)."""
    used = {n for t in trees if not isinstance(t, str) for n in names(getattr(t, "f", t))}
    used |= {whole(n, scope) for n in used}
    alone = lambda t: is_gradient_value(t) or isinstance(t, gradient_class)  # noqa: E731 — ∂L/∂y
    gradient = lambda t: alone(t.operand if isinstance(t, Entry) else t)  # noqa: E731 — or its entry
    return [n for n, d in scope.defined.items() if {n, whole(n, scope)} & used and gradient(d.tree)]


def whole(variable: str, scope) -> str:
    """The symbol ``variable`` is an entry of (``y_i``: y; ``X_{ij}``: X), or ``variable`` itself."""
    parts = split(variable)
    return parts[0] if parts and len(parts[1]) <= 2 and scope.lookup(variable) is None else variable


def definition_of(u: str, scope):
    """u's definition: of u itself, or of its entries (``y_i := \\gamma x_i + \\beta``)."""
    if u in scope.defined:
        return scope.defined[u]
    index = entry_index(u, scope)
    return scope.defined[f"{u}_{index}"] if index else None


def entry_index(u: str, scope) -> str | None:
    """The index of the definition of u's entries, if u is defined entry by entry only."""
    if u in scope.defined:
        return None
    keys = [k for k, d in scope.defined.items() if not d.params and (split(k) or ("", ()))[0] == u]
    return next((split(k)[1][0] for k in keys if len(split(k)[1]) == 1), None)


def undefined(f: str, scope) -> bool:
    """Whether L is a loss the text never writes out: undefined, a number if declared."""
    declared = scope.lookup(f)
    return f not in scope.defined and (declared is None or declared.shape in (None, ()))


def loss_base(f: str, variables: set, scope, by_name: set):
    """The variable L is a function of, if one: L undefined (a number, if declared), two variables
    or more, exactly one of them defined in terms of all the others; or the one variable of a
    gradient the text names (``\\bar Y := ∂f/∂Y`` used alone: any matrix of Y's shape) or declares
    (``\\frac{\\partial L}{\\partial y}: N x H``), the others inside it."""
    if not undefined(f, scope):
        return None
    for declared in scope.upstream.get(f, ()):  # ∂L/∂y declared: y, if the others are inside it
        defined = definition_of(declared, scope) is not None
        if all(v == declared or defined and inside(v, declared, scope) for v in variables):
            return declared
    if len(variables) == 1:
        (only,) = variables
        return only if (f, only) in by_name else None
    bases = [
        u
        for u in variables
        if definition_of(u, scope) is not None and all(v == u or inside(v, u, scope) for v in variables)
    ]
    return bases[0] if len(bases) == 1 else None


def inside(v: str, u: str, scope, seen: frozenset = frozenset()) -> bool:
    """Whether u's definition is computed from v: uses the name v (or its entries), or v's own
    definition whole (``a := \\sigma(Wx + b)`` after ``z := Wx + b``, the body as read there), or a
    quantity computed from v (``u^{l+1} := h^l W^{l+1}`` after ``h^l := \\phi(u^l)``, ``u^l := … b^l``)."""
    body = definition_of(u, scope).tree
    if isinstance(body, str):
        return False
    used = {*names(body), *(whole(n, scope) for n in names(body))}
    if v in used:
        return True
    if v in scope.defined and not isinstance(scope.parsed(v), str):
        part = bare(scope.parsed(v))
        if any(n == part for n in nodes(bare(body))):
            return True
    later = [n for n in used if n not in seen | {u} and definition_of(n, scope) is not None]
    return any(inside(v, n, scope, seen | {u}) for n in sorted(later))


def by_variable(tree, f: str, variable: str, opaque: Name, gradient_class):
    """``tree`` with the side ∂f/∂variable alone as G (∂f/∂variable_i as its entry G_i)."""
    if not (isinstance(tree, gradient_class) and tree.f == Name(f, tree.f.pos)):
        return tree
    if tree.variable == variable:
        return opaque
    parts = split(tree.variable)
    return Entry(opaque, parts[1], 0) if parts and parts[0] == variable else tree


def inside_value(node, f: str, variable: str, opaque: Name):
    """``node`` with ∂f/∂variable inside an expression as G, ∂f/∂variable_{ij} as its entry G_ij."""
    if is_gradient_value(node, f, variable):
        return opaque
    if (
        is_gradient_value(node)
        and node.args[0].name == f
        and (parts := split(node.args[1].name))
        and parts[0] == variable
    ):
        return Entry(opaque, parts[1], 0)
    return node


def gradient_values(tree) -> list[tuple[str, str]]:
    """(f, X) of each ``\\frac{\\partial f}{\\partial X}`` written inside an expression."""
    return [(n.args[0].name, n.args[1].name) for n in nodes(tree) if is_gradient_value(n)]


def is_gradient_value(node, f: str | None = None, variable: str | None = None) -> bool:
    if not (isinstance(node, Call) and node.name == GRADIENT and len(node.args) == 2):
        return False
    if not all(isinstance(a, Name) for a in node.args):
        return False
    return f is None or (node.args[0].name, node.args[1].name) == (f, variable)
