"""``\\nabla_X f`` inside an expression (``\\nabla_x f + \\nabla_x g``, ``(\\nabla_X f)^{\\top}``,
``w - \\eta \\nabla_w L``): a value, the gradient of f by X at the point, as the AST node
``Call(GRADIENT, (f, X))`` (evaluated by `gen.texcheck.gradients`).

The operator takes what follows it up to the next ``+``, ``-`` or explicit product sign, as
``\\sum`` does: ``\\nabla_w \\frac{1}{n}\\|Xw - y\\|^2`` is the gradient of the whole product. Without
a subscript the variable is the argument of a function of one symbol (``\\nabla f(x)`` is ``\\nabla_x f(x)``),
else the one the chain's gradients are by (``\\nabla f = -\\frac{\\beta}{2} \\nabla \\|\\Phi W - T\\|^2`` of
f(W)), else it is not written, and the expression is refused as before. ``\\nabla^2_x f`` (``\\nabla_x^2 f``)
is the Hessian ``∇_x(∇_x f)``, the gradient's Jacobian: symmetric, so its orientation is no layout's.
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass, replace

from ..errors import SpecError
from .parser import Call, Name, Postfix
from .texindex import as_entry_name, entry_derivative, entry_parts
from .texnames import REFUSED, gradient_name

GRADIENT = "gradient_value"  # not a name the front end gives a user's function
ORDERS = ("", "2")  # \nabla f(x), \nabla^2 f(x): the gradient, the Hessian
ENTRY = re.compile(r"_[a-z]{1,3}$")  # X_ij, x_k: an entry (index notation), not a variable


def entry(name: str) -> bool:
    """Whether ``name`` reads as an entry of a matrix or vector (``X_kl``): a derivative by it is
    index notation, which is not checked."""
    return bool(ENTRY.search(name))


def gradient_of(p, token):
    """The handler of ``\\nabla`` in the parser's control table."""
    hessian = squared(p, before="_")  # \nabla^2_x f: the Hessian by x
    if not p.peek().is_char("_"):
        if (declared := declared_gradient(p, token)) is not None:
            return declared
        if (at_argument := argument_gradient(p)) is not None:
            return at_argument
        f = p.nested(p.juxtaposed) if p.by is not None else None
        named = isinstance(f, Name) and f.name.split("_")[0] == p.by.split("_")[0]
        if f is None or named:  # \nabla W, \nabla \beta_{c,j}: the gradient by W (by β), so named
            raise p.error(REFUSED["nabla"], token)
        return Call(GRADIENT, (f, Name(p.by, token.pos)), token.pos)
    p.next()
    written = as_entry_name(p.sub_parse(p.group_tokens(), where=token))
    transposed = isinstance(written, Postfix) and written.op == "T"  # \nabla_{X^T} f = (\nabla_X f)^T
    variable = written.operand if transposed else written
    parts = entry_parts(variable.name) if isinstance(variable, Name) and entry(variable.name) else None
    unread = parts is None or transposed and variable.name not in p.names  # (x_k)ᵀ: an entry, transposed
    if not isinstance(variable, Name) or entry(variable.name) and unread:
        raise p.error("\\nabla_X f: the subscript must be a symbol", token)
    hessian = squared(p) or hessian  # \nabla_x^2 f
    if p.peek().is_char("^") or hessian and (parts or transposed):
        raise p.error("a second derivative inside an expression cannot be checked: write it out", token)
    if hessian:  # ∇²_x f = ∇_x(∇_x f), symmetric: the Jacobian of the gradient in either orientation
        f = applied(p) or p.nested(p.juxtaposed)  # ∇²_x f(x) v: the Hessian at x, times v
        return Call(GRADIENT, (Call(GRADIENT, (f, variable), token.pos), variable), token.pos)
    # \nabla_x f(x) of an f the text never writes out: the gradient at x, a value, as \nabla f(x) is
    if not parts and (declared := declared_gradient(p, token, by=variable.name)) is not None:
        return Postfix("T", declared, token.pos) if transposed else declared
    f = p.nested(p.juxtaposed)
    if parts and variable.name not in p.names:  # \nabla_{w_k} L(w_k): of w's entry k, or of w_k declared
        return entry_derivative(f, Name(parts[0], variable.pos), parts[1], GRADIENT, token.pos)
    value = Call(GRADIENT, (f, variable), token.pos)
    return Postfix("T", value, token.pos) if transposed else value  # as ∂f/∂Xᵀ (`derivative_value`)


def squared(p, before: str | None = None) -> bool:
    """Whether ``^2`` (``^{2}``) comes next, followed by ``before`` where given (consumed if so)."""
    saved = list(p.stream.stack)
    if p.accept("^"):
        order = "".join(t.text for t in p.group_tokens() if not t.is_char("{", "}"))
        if order == "2" and (before is None or p.peek().is_char(before)):
            return True
    p.stream.stack = saved
    return False


def atom_ahead(p):
    """The atom that comes next, read (None if it cannot be): the caller puts the tokens back with
    ``p.stream.stack = saved`` where it does not take it."""
    try:
        return p.nested(p.atom)
    except SpecError:
        return None


def applied(p) -> Call | None:
    """The function applied that comes next (``f(x)``, ``F(y)``), else None (nothing read)."""
    saved = list(p.stream.stack)
    if isinstance(f := atom_ahead(p), Call) and f.name in p.functions:
        return f
    p.stream.stack = saved
    return None


def argument_gradient(p) -> Call | None:
    """``\\nabla f(x)``: the gradient of a function of one symbol by that symbol, at it (the text's
    f(x) := …, or f undefined: then ``cannot check``); the transpose or product after it applies to
    the gradient (``\\nabla f(x)^{\\top} p``). None (refused as before) where the argument is not one
    symbol (``\\nabla f(x, y)``, ``\\nabla \\operatorname{tr}(AX)``: which variable?)."""
    saved = list(p.stream.stack)
    f = atom_ahead(p)
    if isinstance(f, Call) and len(f.args) == 1 and isinstance(x := f.args[0], Name):
        if not entry(x.name) or x.name in p.names:
            return Call(GRADIENT, (f, x), f.pos)
        if parts := entry_parts(x.name):  # \nabla f(x_k): at x_k declared, or by x's entry k
            return entry_derivative(f, Name(parts[0], x.pos), parts[1], GRADIENT, f.pos)
    p.stream.stack = saved
    return None


def declared_gradient(p, token, by: str | None = None) -> Name | None:
    """``\\nabla f(x_k)``, ``\\nabla^2 f(x_k)`` where the text declares it as a symbol or never writes
    f out: the gradient (the Hessian) of an abstract f at a point, a vector (a matrix) of its own
    (Newton's step; `gen.texcheck.symbols.Scope.lookup` sizes it as the point). None where f is a
    function the text defines (`argument_gradient` differentiates it); with ``by`` (``\\nabla_x f(x)``,
    ``\\nabla_{\\beta} l(\\beta_t)``), None unless the point is that variable or one of its iterates."""
    saved = list(p.stream.stack)
    try:
        order = "".join(t.text for t in p.group_tokens() if not t.is_char("{", "}")) if p.accept("^") else ""
        head = p.next()
        if head.kind != "letter" or not p.peek().is_char("("):
            raise p.error("not a declared gradient", token)
        opening, depth, inner = p.next(), 1, []
        while depth:
            t = p.next()
            if t.kind == "end":
                raise p.error("expected ')'", opening)
            depth += t.is_char("(") - t.is_char(")")
            inner.append(t)
        at = p.sub_parse(inner[:-1], where=opening)
        point = isinstance(at, Name) and (by is None or at.name.split("_")[0] == by.split("_")[0])
        name = gradient_name(head.text, order, at.name) if point and order in ORDERS else None
    except SpecError:
        name = None
    if name is not None and (name in p.names or head.text not in p.functions):
        return Name(name, token.pos)  # of an f the text never writes out: a value of its own
    p.stream.stack = saved
    return None


def derivative_value(p, f: list, by: list, token):
    """``\\frac{\\partial f}{\\partial X}`` (or ``\\frac{\\partial}{\\partial X} f``) inside an expression
    as the value ``∇_X f``; ``∂f/∂Xᵀ`` as its transpose; ``∂f/∂X_{kl}`` as that value's (k, l) entry
    (index notation). ``f`` and ``by`` are the tokens after the differentials (f empty: the operator
    applies to what follows); by an expression f is written in, `by_expression`'s. None where it is
    not one (a second derivative, a derivative by another expression or by a transposed entry):
    refused as before."""
    if f and f[0].is_char("^") or not by:
        return None
    by = as_entry_name(p.sub_parse(by, where=token))
    transposed = isinstance(by, Postfix) and by.op == "T"
    variable = by.operand if transposed else by
    if not isinstance(variable, Name) and not transposed and f:  # ∂ ln(1 - P)/∂(1 - P)
        return by_expression(p.sub_parse(f, where=token), by, token.pos)
    if not isinstance(variable, Name) or transposed and entry(variable.name) and variable.name not in p.names:
        return None
    is_entry = entry(variable.name) and variable.name not in p.names  # W_l declared a layer's: a symbol
    parts = entry_parts(variable.name) if is_entry else None
    if is_entry and parts is None:
        return None
    f = p.sub_parse(f, where=token) if f else p.nested(p.juxtaposed)
    if parts:  # ∂f/∂X_{kl}: an entry of the gradient, index notation
        return entry_derivative(f, Name(parts[0], variable.pos), parts[1], GRADIENT, token.pos)
    value = Call(GRADIENT, (f, variable), token.pos)
    return Postfix("T", value, token.pos) if transposed else value


BY_EXPRESSION = "§u"  # the stand-in variable of a derivative by an expression, with its position


def by_expression(f, u, pos: int) -> Call | None:
    """``∂f/∂u`` by an expression u (``∂ \\ln(1 - P) / ∂(1 - P)``, ``∂ e^{θᵀx} / ∂(θᵀx)``) where f is
    written as a function g of u alone: g' at u, the derivative by a stand-in t written where f
    writes u, taken at t = u (the value of a derivative by a variable the text defines). None where
    f does not write u, or writes a name of u elsewhere (``∂(P + P^2)/∂(1 - P)``): which dependence?"""
    t = Name(f"{BY_EXPRESSION}{pos}", pos)  # one stand-in per derivative: each has its own u
    g = written_as(f, unplaced(u), t)
    if g == f or names_in(u) & names_in(g):
        return None
    return Call(GRADIENT, (g, t, u), pos)


def written_as(tree, u, t):
    """``tree`` with each part equal to ``u`` but for positions written ``t``."""
    if isinstance(tree, tuple):
        return tuple(written_as(x, u, t) for x in tree)
    if unplaced(tree) == u:
        return t
    if not is_dataclass(tree) or isinstance(tree, type):
        return tree
    return replace(tree, **{f.name: written_as(getattr(tree, f.name), u, t) for f in fields(tree)})


def unplaced(tree):
    """``tree`` with every position 0: one formula written twice compares equal."""
    if not is_dataclass(tree) or isinstance(tree, type):
        return tuple(map(unplaced, tree)) if isinstance(tree, tuple) else tree
    changed = {f.name: unplaced(getattr(tree, f.name)) for f in fields(tree)}
    return replace(tree, **{**changed, "pos": 0} if "pos" in changed else changed)


def names_in(tree) -> set:
    if isinstance(tree, Name):
        return {tree.name}
    if isinstance(tree, tuple):
        return set().union(*map(names_in, tree)) if tree else set()
    if not is_dataclass(tree) or isinstance(tree, type):
        return set()
    return set().union(*(names_in(getattr(tree, f.name)) for f in fields(tree)))
